"""Org pages: generic list/detail/edit/delete views configured per model."""

from __future__ import annotations

from django.db.models import Count
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
    CareUnit,
    Establishment,
    Floor,
    HospitalGroup,
    Job,
    Person,
    Pole,
    Room,
    Service,
    ShiftDefinition,
    Site,
    Team,
)
from caducee.org.services.structure import create_establishment


def related_block(title, table_class, queryset, user, more_url=None, limit=50):
    scoped = queryset.restrict(user, "view")
    count = scoped.count()
    return {
        "title": title,
        "count": count,
        "table": table_class(scoped[:limit], orderable=False),
        "more_url": more_url if count > limit else None,
    }


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


# --- Job, Person, Team --------------------------------------------------------
class JobListView(ObjectListView):
    model = Job
    filterset_class = filters.JobFilterSet
    table_class = tables.JobTable
    import_url_name = "org:import"


class JobDetailView(ObjectDetailView):
    model = Job
    detail_fields = ["code", "name", "category", "is_health_professional"]


class JobEditView(ObjectEditView):
    model = Job
    form_class = forms.JobForm


class JobDeleteView(ObjectDeleteView):
    model = Job


class PersonListView(ObjectListView):
    model = Person
    filterset_class = filters.PersonFilterSet
    table_class = tables.PersonTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Person.objects.select_related("job", "establishment").prefetch_related("care_units")


class PersonDetailView(ObjectDetailView):
    model = Person
    detail_fields = [
        "establishment",
        "first_name",
        "last_name",
        "job",
        "rpps",
        "employee_number",
        "care_units",
        "manager",
        "room",
        "phone",
        "mobile",
        "email",
        "active_from",
        "active_to",
        "user",
    ]

    def get_related(self, obj):
        return [
            related_block(
                _("Direct reports"),
                tables.PersonTable,
                obj.reports.select_related("job", "establishment").prefetch_related("care_units"),
                self.request.user,
            ),
            related_block(
                _("Teams"),
                tables.TeamTable,
                obj.teams.annotate(member_count=Count("members")),
                self.request.user,
            ),
        ]


class PersonEditView(ObjectEditView):
    model = Person
    form_class = forms.PersonForm


class PersonDeleteView(ObjectDeleteView):
    model = Person


class TeamListView(ObjectListView):
    model = Team
    filterset_class = filters.TeamFilterSet
    table_class = tables.TeamTable

    def base_queryset(self):
        return Team.objects.select_related("establishment").annotate(member_count=Count("members"))


class TeamDetailView(ObjectDetailView):
    model = Team
    detail_fields = ["code", "name", "establishment", "description", "email", "lead"]

    def get_related(self, obj):
        return [
            related_block(
                _("Members"),
                tables.PersonTable,
                obj.members.select_related("job", "establishment").prefetch_related("care_units"),
                self.request.user,
            )
        ]


class TeamEditView(ObjectEditView):
    model = Team
    form_class = forms.TeamForm


class TeamDeleteView(ObjectDeleteView):
    model = Team
