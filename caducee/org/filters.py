"""One FilterSet per org model: the UI list, exports and the API share it."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from caducee.core.filters import SearchFilterSet, scoped
from caducee.org.models import (
    Building,
    CareUnit,
    Criticality,
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


def establishment_filter(field_name: str = "establishment"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=scoped(Establishment), label=_("Establishment")
    )


class HospitalGroupFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = HospitalGroup
        fields = ["q"]


class EstablishmentFilterSet(SearchFilterSet):
    search_fields = ("finess", "name", "short_name", "city")
    kind = django_filters.ChoiceFilter(choices=Establishment.Kind.choices, label=_("Kind"))

    class Meta:
        model = Establishment
        fields = ["q", "group", "kind", "is_support"]


class SiteFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "city")
    establishment = establishment_filter()

    class Meta:
        model = Site
        fields = ["q", "establishment"]


class BuildingFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    establishment = establishment_filter("site__establishment")
    site = django_filters.ModelChoiceFilter(queryset=scoped(Site), label=_("Site"))

    class Meta:
        model = Building
        fields = ["q", "establishment", "site"]


class FloorFilterSet(SearchFilterSet):
    search_fields = ("name",)
    establishment = establishment_filter("building__site__establishment")
    building = django_filters.ModelChoiceFilter(queryset=scoped(Building), label=_("Building"))

    class Meta:
        model = Floor
        fields = ["q", "establishment", "building", "level"]


class RoomFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    establishment = establishment_filter("floor__building__site__establishment")
    building = django_filters.ModelChoiceFilter(
        field_name="floor__building", queryset=scoped(Building), label=_("Building")
    )
    kind = django_filters.ChoiceFilter(choices=Room.Kind.choices, label=_("Kind"))

    class Meta:
        model = Room
        fields = ["q", "establishment", "building", "floor", "kind"]


class PoleFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    establishment = establishment_filter()

    class Meta:
        model = Pole
        fields = ["q", "establishment"]


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    establishment = establishment_filter()
    pole = django_filters.ModelChoiceFilter(queryset=scoped(Pole), label=_("Pole"))

    class Meta:
        model = Service
        fields = ["q", "establishment", "pole"]


class CareUnitFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "service__name")
    establishment = establishment_filter()
    service = django_filters.ModelChoiceFilter(queryset=scoped(Service), label=_("Service"))
    criticality = django_filters.ChoiceFilter(choices=Criticality.choices, label=_("Criticality"))
    care_hours = django_filters.ChoiceFilter(
        choices=CareUnit.CareHours.choices, label=_("Care hours")
    )

    class Meta:
        model = CareUnit
        fields = ["q", "establishment", "service", "criticality", "care_hours", "is_active"]


class ShiftDefinitionFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    establishment = establishment_filter()

    class Meta:
        model = ShiftDefinition
        fields = ["q", "establishment"]


class JobFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    category = django_filters.ChoiceFilter(choices=Job.Category.choices, label=_("Category"))

    class Meta:
        model = Job
        fields = ["q", "category", "is_health_professional"]


class PersonFilterSet(SearchFilterSet):
    search_fields = (
        "first_name",
        "last_name",
        "email",
        "phone",
        "mobile",
        "employee_number",
        "rpps",
    )
    establishment = establishment_filter()
    care_unit = django_filters.ModelChoiceFilter(
        field_name="care_units", queryset=scoped(CareUnit), label=_("Care unit")
    )
    job = django_filters.ModelChoiceFilter(queryset=Job.objects.all(), label=_("Job"))
    has_account = django_filters.BooleanFilter(
        field_name="user", lookup_expr="isnull", exclude=True, label=_("Has an account")
    )

    class Meta:
        model = Person
        fields = ["q", "establishment", "care_unit", "job", "has_account"]


class TeamFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")
    establishment = establishment_filter()
    member = django_filters.ModelChoiceFilter(
        field_name="members", queryset=scoped(Person), label=_("Member")
    )

    class Meta:
        model = Team
        fields = ["q", "establishment", "member"]
