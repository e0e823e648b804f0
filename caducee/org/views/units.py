"""Pages of poles, services, care units (UF) and shifts."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from caducee.org import filters, forms, tables
from caducee.org.models import (
    CareUnit,
    Pole,
    Service,
    ShiftDefinition,
)
from caducee.org.views.common import related_block


# --- Pole, Service, CareUnit, ShiftDefinition ------------------------------------
class PoleListView(ObjectListView):
    model = Pole
    filterset_class = filters.PoleFilterSet
    table_class = tables.PoleTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Pole.objects.select_related("establishment")


class PoleDetailView(ObjectDetailView):
    model = Pole
    detail_fields = ["establishment", "code", "name"]

    def get_related(self, obj):
        return [
            related_block(
                _("Services"),
                tables.ServiceTable,
                obj.services.select_related("pole", "establishment"),
                self.request.user,
            )
        ]


class PoleEditView(ObjectEditView):
    model = Pole
    form_class = forms.PoleForm


class PoleDeleteView(ObjectDeleteView):
    model = Pole


class ServiceListView(ObjectListView):
    model = Service
    filterset_class = filters.ServiceFilterSet
    table_class = tables.ServiceTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Service.objects.select_related("pole", "establishment")


class ServiceDetailView(ObjectDetailView):
    model = Service
    detail_fields = ["establishment", "pole", "code", "name"]

    def get_related(self, obj):
        return [
            related_block(
                _("Care units"),
                tables.CareUnitTable,
                obj.care_units.select_related("service", "establishment"),
                self.request.user,
            )
        ]


class ServiceEditView(ObjectEditView):
    model = Service
    form_class = forms.ServiceForm


class ServiceDeleteView(ObjectDeleteView):
    model = Service


class CareUnitListView(ObjectListView):
    model = CareUnit
    filterset_class = filters.CareUnitFilterSet
    table_class = tables.CareUnitTable
    import_url_name = "org:import"

    def base_queryset(self):
        return CareUnit.objects.select_related("service", "establishment")


class CareUnitDetailView(ObjectDetailView):
    model = CareUnit
    detail_fields = [
        "establishment",
        "service",
        "code",
        "name",
        "criticality",
        "care_hours",
        "calendar_code",
        "room",
        "phone",
        "is_active",
    ]

    def get_related(self, obj):
        return [
            related_block(
                _("People"),
                tables.PersonTable,
                obj.people.select_related("job", "establishment").prefetch_related("care_units"),
                self.request.user,
                more_url=reverse("org:person_list") + f"?care_unit={obj.pk}",
            )
        ]


class CareUnitEditView(ObjectEditView):
    model = CareUnit
    form_class = forms.CareUnitForm


class CareUnitDeleteView(ObjectDeleteView):
    model = CareUnit


class ShiftDefinitionListView(ObjectListView):
    model = ShiftDefinition
    filterset_class = filters.ShiftDefinitionFilterSet
    table_class = tables.ShiftDefinitionTable

    def base_queryset(self):
        return ShiftDefinition.objects.select_related("establishment")


class ShiftDefinitionDetailView(ObjectDetailView):
    model = ShiftDefinition
    detail_fields = ["establishment", "code", "name", "starts_at", "ends_at", "order"]


class ShiftDefinitionEditView(ObjectEditView):
    model = ShiftDefinition
    form_class = forms.ShiftDefinitionForm


class ShiftDefinitionDeleteView(ObjectDeleteView):
    model = ShiftDefinition
