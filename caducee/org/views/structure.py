"""Pages of the GHT's places: group, establishments, sites, buildings, floors, rooms."""

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
    Building,
    Establishment,
    Floor,
    HospitalGroup,
    Room,
    Site,
)
from caducee.org.services.structure import create_establishment
from caducee.org.views.common import related_block


# --- HospitalGroup ------------------------------------------------------------
class HospitalGroupListView(ObjectListView):
    model = HospitalGroup
    filterset_class = filters.HospitalGroupFilterSet
    table_class = tables.HospitalGroupTable


class HospitalGroupDetailView(ObjectDetailView):
    model = HospitalGroup
    detail_fields = ["code", "name"]

    def get_related(self, obj):
        return [
            related_block(
                _("Establishments"),
                tables.EstablishmentTable,
                obj.establishments.all(),
                self.request.user,
            )
        ]


class HospitalGroupEditView(ObjectEditView):
    model = HospitalGroup
    form_class = forms.HospitalGroupForm


class HospitalGroupDeleteView(ObjectDeleteView):
    model = HospitalGroup


# --- Establishment ----------------------------------------------------------
class EstablishmentListView(ObjectListView):
    model = Establishment
    filterset_class = filters.EstablishmentFilterSet
    table_class = tables.EstablishmentTable
    import_url_name = "org:import"


class EstablishmentDetailView(ObjectDetailView):
    model = Establishment
    detail_fields = [
        "group",
        "finess",
        "name",
        "short_name",
        "kind",
        "is_support",
        "address",
        "postcode",
        "city",
        "phone",
    ]

    def get_related(self, obj):
        user = self.request.user
        return [
            related_block(_("Sites"), tables.SiteTable, obj.sites.all(), user),
            related_block(_("Shifts"), tables.ShiftDefinitionTable, obj.shifts.all(), user),
            related_block(_("Poles"), tables.PoleTable, obj.poles.all(), user),
            related_block(
                _("Care units"),
                tables.CareUnitTable,
                obj.care_units.select_related("service", "establishment"),
                user,
                more_url=reverse("org:careunit_list") + f"?establishment={obj.pk}",
            ),
        ]


class EstablishmentEditView(ObjectEditView):
    model = Establishment
    form_class = forms.EstablishmentForm
    create_service = staticmethod(create_establishment)


class EstablishmentDeleteView(ObjectDeleteView):
    model = Establishment


# --- Site, Building, Floor, Room ----------------------------------------------
class SiteListView(ObjectListView):
    model = Site
    filterset_class = filters.SiteFilterSet
    table_class = tables.SiteTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Site.objects.select_related("establishment")


class SiteDetailView(ObjectDetailView):
    model = Site
    detail_fields = ["establishment", "code", "name", "address", "postcode", "city"]

    def get_related(self, obj):
        return [
            related_block(
                _("Buildings"),
                tables.BuildingTable,
                obj.buildings.select_related("site"),
                self.request.user,
            )
        ]


class SiteEditView(ObjectEditView):
    model = Site
    form_class = forms.SiteForm


class SiteDeleteView(ObjectDeleteView):
    model = Site


class BuildingListView(ObjectListView):
    model = Building
    filterset_class = filters.BuildingFilterSet
    table_class = tables.BuildingTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Building.objects.select_related("site")


class BuildingDetailView(ObjectDetailView):
    model = Building
    detail_fields = ["site", "code", "name"]

    def get_related(self, obj):
        return [
            related_block(
                _("Floors"),
                tables.FloorTable,
                obj.floors.select_related("building__site"),
                self.request.user,
            )
        ]


class BuildingEditView(ObjectEditView):
    model = Building
    form_class = forms.BuildingForm


class BuildingDeleteView(ObjectDeleteView):
    model = Building


class FloorListView(ObjectListView):
    model = Floor
    filterset_class = filters.FloorFilterSet
    table_class = tables.FloorTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Floor.objects.select_related("building__site")


class FloorDetailView(ObjectDetailView):
    model = Floor
    detail_fields = ["building", "level", "name"]

    def get_related(self, obj):
        return [
            related_block(
                _("Rooms"),
                tables.RoomTable,
                obj.rooms.select_related("floor__building__site"),
                self.request.user,
            )
        ]


class FloorEditView(ObjectEditView):
    model = Floor
    form_class = forms.FloorForm


class FloorDeleteView(ObjectDeleteView):
    model = Floor


class RoomListView(ObjectListView):
    model = Room
    filterset_class = filters.RoomFilterSet
    table_class = tables.RoomTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Room.objects.select_related("floor__building__site")


class RoomDetailView(ObjectDetailView):
    model = Room
    detail_fields = ["floor", "code", "name", "kind"]

    def get_related(self, obj):
        return [
            related_block(
                _("People"),
                tables.PersonTable,
                obj.people.select_related("job", "establishment").prefetch_related("care_units"),
                self.request.user,
            )
        ]


class RoomEditView(ObjectEditView):
    model = Room
    form_class = forms.RoomForm


class RoomDeleteView(ObjectDeleteView):
    model = Room
