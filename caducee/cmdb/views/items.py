"""Configuration item pages: list (filters, export, selection for bulk edit),
the item page (common fields, the type's attributes, software and network
interfaces, then the tabs of ``ITEM_TABS``), create/edit per type, delete.

Rule (issue "CMDB" point 7; STYLE.md principle 4): generic views configured
by attributes; every queryset starts from ``restrict()``; every change goes
through ``caducee.cmdb.services.items``. Creating an item starts by choosing
its type (``?ci_type=…``) because the form is built from the type's spec.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from caducee.cmdb.filters import ConfigurationItemFilterSet
from caducee.cmdb.forms import ConfigurationItemForm
from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.items import create_item, delete_item, update_item
from caducee.cmdb.tables import ConfigurationItemTable
from caducee.cmdb.types import CIType, spec_for
from caducee.cmdb.views import bulk, software
from caducee.cmdb.views.tabs import ITEM_TABS
from caducee.core.exports import FORMATS
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    object_urls,
)

#: Columns shown on every item page, in order (identity columns follow when
#: the type uses them).
DETAIL_FIELDS = [
    "ci_type",
    "status",
    "establishment",
    "room",
    "criticality",
    "patient_safety_critical",
    "holds_health_data",
    "owner_group",
    "business_owner",
    "supplier",
    "contract",
    "manufacturer",
    "model",
    "serial_number",
    "asset_tag",
    "purchase_date",
    "warranty_end",
]
#: The foreign keys the list page shows, joined in the page query.
LIST_RELATED = ("establishment", "room")
#: Those the export adds. Kept out of the page query: on PostgreSQL, planning
#: a five-table join costs ~8 ms against ~0.4 ms for two, more than running it.
EXPORT_RELATED = ("owner_group", "supplier", "contract")


class ConfigurationItemListView(ObjectListView):
    model = ConfigurationItem
    filterset_class = ConfigurationItemFilterSet
    table_class = ConfigurationItemTable
    template_name = "cmdb/item_list.html"
    import_url_name = "cmdb:import"

    def base_queryset(self):
        related = LIST_RELATED
        if self.request.GET.get("export") in FORMATS:
            related += EXPORT_RELATED
        return ConfigurationItem.objects.select_related(*related)


def attribute_rows(item: ConfigurationItem) -> list[dict[str, Any]]:
    """The type's attributes with their labels, choice values shown as labels."""
    rows = []
    stored = item.attributes or {}
    for attr in spec_for(item.ci_type).attributes:
        value = stored.get(attr.name)
        if attr.kind == "choice" and value is not None:
            value = dict(attr.choices).get(value, value)
        rows.append({"label": attr.label, "value": value, "name": f"attributes.{attr.name}"})
    return rows


class ConfigurationItemDetailView(ObjectDetailView):
    model = ConfigurationItem
    template_name = "cmdb/item_detail.html"
    detail_fields = DETAIL_FIELDS
    tabs = ITEM_TABS

    def base_queryset(self):
        return ConfigurationItem.objects.select_related(
            "establishment",
            "room",
            "owner_group",
            "business_owner",
            "supplier",
            "contract",
            "assigned_to",
        )

    def attributes(self, obj):
        self.detail_fields = DETAIL_FIELDS + list(obj.spec.identity)
        rows = super().attributes(obj)
        for row in rows:
            if row["name"] == "establishment" and obj.establishment_id is None:
                row["value"] = _("Shared (whole GHT)")
        return rows

    def get_extra_context(self, obj):
        spec = obj.spec
        context: dict[str, Any] = {
            "type_label": CIType(obj.ci_type).label,
            "type_attributes": attribute_rows(obj),
            "has_software": spec.has_software,
        }
        if spec.has_software:
            installed = obj.installed_software.select_related("software").order_by(
                "software__name", "version"
            )
            context["software_count"] = installed.count()
            context["software"] = installed[:500]
            context["interfaces"] = list(obj.interfaces.all())
        return context


class ConfigurationItemEditView(ObjectEditView):
    model = ConfigurationItem
    form_class = ConfigurationItemForm
    template_name = "cmdb/item_edit.html"
    create_service = staticmethod(create_item)
    update_service = staticmethod(update_item)

    def load(self, pk):
        obj = super().load(pk)
        if pk is None:
            # The form posts back to the same address, so the type is read
            # from the query string on both the GET and the POST.
            obj.ci_type = self.request.GET.get("ci_type", "")
        return obj

    def get(self, request, pk=None):
        obj = self.load(pk)
        if obj.pk is None and obj.ci_type not in CIType.values:
            return self.render_picker(status=400 if obj.ci_type else 200)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, pk=None):
        if pk is None and request.GET.get("ci_type", "") not in CIType.values:
            self.load(pk)  # permission check first
            return self.render_picker(status=400)
        return super().post(request, pk)

    def render_picker(self, status: int):
        types = [
            {
                "code": code,
                "label": label,
                "attributes": [a.label for a in spec_for(code).attributes],
            }
            for code, label in CIType.choices
        ]
        context = {**self.common_context(), "types": types}
        if status == 400:
            context["error"] = _("Choose the type of the new item.")
        return render(self.request, "cmdb/item_type_picker.html", context, status=status)


class ConfigurationItemDeleteView(ObjectDeleteView):
    model = ConfigurationItem
    delete_service = staticmethod(delete_item)


class ConfigurationItemSuggestView(ObjectViewMixin, View):
    """Options for the "pick an item by typing" fields (htmx, ≤ 20 rows)."""

    model = ConfigurationItem
    limit = 20

    def get(self, request):
        text = (request.GET.get("q") or next(iter(request.GET.values()), "")).strip()
        items = ConfigurationItem.objects.none()
        if len(text) >= 2 and "(#" not in text:
            items = (
                self.get_queryset()
                .filter(
                    Q(name__icontains=text)
                    | Q(hostname__startswith=text.lower())
                    | Q(asset_tag__iexact=text)
                    | Q(serial_number__iexact=text)
                )
                .select_related("establishment")
                .order_by("name", "pk")[: self.limit]
            )
        return render(request, "cmdb/item_suggest.html", {"items": items})


urlpatterns = [
    *object_urls(
        ConfigurationItem,
        list_view=ConfigurationItemListView,
        detail_view=ConfigurationItemDetailView,
        edit_view=ConfigurationItemEditView,
        delete_view=ConfigurationItemDeleteView,
        extra=[
            path(
                "configurationitems/suggest/",
                ConfigurationItemSuggestView.as_view(),
                name="configurationitem_suggest",
            ),
        ],
    ),
    *bulk.urlpatterns,
    *software.urlpatterns,
]
