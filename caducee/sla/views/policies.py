"""Pages of SLA policies and OLAs: list, page, form, deletion.

Thin views (STYLE.md principle 4): the generic CRUD views configured with
the services of ``caducee.sla.services.policies``; every error a service or
a model's ``clean`` raises is shown beside its field by the generic edit
view. A policy's page also says how many clocks it holds running, so an
administrator sees what a change of its targets will move (running clocks
follow at their ticket's next write).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    object_urls,
)
from caducee.sla import filters, forms, tables
from caducee.sla.models import ClockState, OperationalTarget, SlaPolicy
from caducee.sla.services import policies as services

POLICY_RELATED = ("category", "establishment", "calendar")


# --- Policies -------------------------------------------------------------------------
class SlaPolicyListView(ObjectListView):
    model = SlaPolicy
    filterset_class = filters.SlaPolicyFilterSet
    table_class = tables.SlaPolicyTable

    def base_queryset(self):
        return SlaPolicy.objects.select_related(*POLICY_RELATED, "category__parent")


class SlaPolicyDetailView(ObjectDetailView):
    model = SlaPolicy
    detail_fields = [
        "name",
        "position",
        "is_active",
        "kind",
        "priority",
        "category",
        "establishment",
        "calendar",
        "response_minutes",
        "resolution_minutes",
        "warning_percent",
        "on_warning",
        "on_breach",
    ]

    def base_queryset(self):
        return SlaPolicy.objects.select_related(*POLICY_RELATED)

    def attributes(self, obj):
        from caducee.cmdb.durations import format_minutes

        rows = super().attributes(obj)
        for row in rows:
            if row["value"] in (None, "") and row["name"] in ("kind", "priority", "category"):
                row["value"] = _("Any")
            elif row["name"] == "establishment" and row["value"] is None:
                row["value"] = _("Whole GHT")
            elif row["name"] in ("response_minutes", "resolution_minutes"):
                row["value"] = format_minutes(row["value"]) or _("No target")
        rows.append(
            {
                "label": _("Clocks running"),
                "value": obj.clocks.exclude(state=ClockState.STOPPED).count(),
                "name": "running_clocks",
            }
        )
        return rows


class SlaPolicyEditView(ObjectEditView):
    model = SlaPolicy
    form_class = forms.SlaPolicyForm
    create_service = staticmethod(services.create_policy)
    update_service = staticmethod(services.update_policy)


class SlaPolicyDeleteView(ObjectDeleteView):
    model = SlaPolicy
    delete_service = staticmethod(services.delete_policy)


# --- OLAs -----------------------------------------------------------------------------
class OperationalTargetListView(ObjectListView):
    model = OperationalTarget
    filterset_class = filters.OperationalTargetFilterSet
    table_class = tables.OperationalTargetTable

    def base_queryset(self):
        return OperationalTarget.objects.select_related("assignment_group__team", "calendar")


class OperationalTargetDetailView(ObjectDetailView):
    model = OperationalTarget
    detail_fields = [
        "assignment_group",
        "priority",
        "calendar",
        "resolution_minutes",
        "warning_percent",
        "is_active",
    ]

    def base_queryset(self):
        return OperationalTarget.objects.select_related("assignment_group__team", "calendar")

    def attributes(self, obj):
        from caducee.cmdb.durations import format_minutes

        rows = super().attributes(obj)
        for row in rows:
            if row["name"] == "priority" and not row["value"]:
                row["value"] = _("Any priority")
            elif row["name"] == "resolution_minutes":
                row["value"] = format_minutes(row["value"])
        return rows


class OperationalTargetEditView(ObjectEditView):
    model = OperationalTarget
    form_class = forms.OperationalTargetForm
    create_service = staticmethod(services.create_operational_target)
    update_service = staticmethod(services.update_operational_target)


class OperationalTargetDeleteView(ObjectDeleteView):
    model = OperationalTarget
    delete_service = staticmethod(services.delete_operational_target)


urlpatterns = [
    *object_urls(
        SlaPolicy,
        list_view=SlaPolicyListView,
        detail_view=SlaPolicyDetailView,
        edit_view=SlaPolicyEditView,
        delete_view=SlaPolicyDeleteView,
    ),
    *object_urls(
        OperationalTarget,
        list_view=OperationalTargetListView,
        detail_view=OperationalTargetDetailView,
        edit_view=OperationalTargetEditView,
        delete_view=OperationalTargetDeleteView,
    ),
]
