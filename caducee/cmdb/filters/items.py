"""Filters of configuration items, relations and software titles.

Rule (STYLE.md principle 3): one FilterSet per model serves the UI list, the
bulk edit ("every item matching this filter"), the CSV/XLSX export and the
API, so a filter is never written twice. Choices offered (establishments,
sites, teams, suppliers, contracts) come from ``scoped()``: a user never sees
the name of another establishment's site in a drop-down.

Built for ≈ 25,000 items: every filter but the free text is an equality on
an indexed column (type, status, establishment, criticality) or a short join
through the place tables (site); the free text is one ``LIKE`` per word on
the searched columns joined (the generated ``search_text`` column), which
PostgreSQL answers from a trigram index.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from caducee.cmdb.models import (
    ConfigurationItem,
    Contract,
    LifecycleStatus,
    Relation,
    RelationKind,
    Software,
    Supplier,
)
from caducee.cmdb.models.items import SEARCH_FIELDS
from caducee.cmdb.types import CIType
from caducee.core.filters import SearchFilterSet, scoped
from caducee.org.models import CareUnit, Criticality, Establishment, Room, Site, Team

__all__ = ["ConfigurationItemFilterSet", "RelationFilterSet", "SoftwareFilterSet"]

#: The value of the establishment filter that selects GHT-wide items.
SHARED = "shared"

_MAC_FRAGMENT = re.compile(r"^[0-9a-fA-F]{2}([:\-.][0-9a-fA-F]{2})+[:\-.]?$")


def _select_multiple() -> forms.SelectMultiple:
    return forms.SelectMultiple(attrs={"class": "select", "size": 4})


class ConfigurationItemFilterSet(SearchFilterSet):
    search_fields = SEARCH_FIELDS
    ci_type = django_filters.MultipleChoiceFilter(
        choices=CIType.choices, label=_("Type"), widget=_select_multiple(), distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        choices=LifecycleStatus.choices,
        label=_("Status"),
        widget=_select_multiple(),
        distinct=False,
    )
    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment),
        label=_("Establishment"),
        null_label=_("Shared (whole GHT)"),
        null_value=SHARED,
    )
    site = django_filters.ModelChoiceFilter(
        queryset=scoped(Site), method="filter_site", label=_("Site")
    )
    criticality = django_filters.MultipleChoiceFilter(
        choices=Criticality.choices,
        label=_("Criticality"),
        widget=_select_multiple(),
        distinct=False,
    )
    patient_safety_critical = django_filters.BooleanFilter(label=_("Patient-safety critical"))
    holds_health_data = django_filters.BooleanFilter(label=_("Holds health data (HDS)"))
    owner_group = django_filters.ModelChoiceFilter(queryset=scoped(Team), label=_("Owner group"))
    supplier = django_filters.ModelChoiceFilter(queryset=scoped(Supplier), label=_("Supplier"))
    contract = django_filters.ModelChoiceFilter(queryset=scoped(Contract), label=_("Contract"))

    class Meta:
        model = ConfigurationItem
        fields = [
            "q",
            "ci_type",
            "status",
            "establishment",
            "site",
            "criticality",
            "patient_safety_critical",
            "holds_health_data",
            "owner_group",
            "supplier",
            "contract",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_site(self, queryset, name, value):
        """Items in a room of the site; an item with no room is placed by its
        establishment (it is somewhere in one of that establishment's sites)."""
        if not value:
            return queryset
        # The site's rooms as a subquery: no join through the place tables
        # for each of the 25,000 items.
        rooms = Room.objects.filter(floor__building__site=value).values("pk")
        return queryset.filter(
            Q(room_id__in=rooms) | Q(room__isnull=True, establishment_id=value.establishment_id)
        )

    def search(self, queryset, name, value):
        """Every word somewhere in the searched columns (``search_text``,
        upper-cased by the database on both sides, as ``icontains`` would)."""
        value = (value or "").strip()
        if not value:
            return queryset
        condition = Q()
        for word in value.split()[:6]:
            word_q = Q(search_text__contains=Upper(Value(word)))
            if _MAC_FRAGMENT.match(word):
                # MAC addresses are stored as 00:1a:2b…; accept 00-1A-2B too.
                mac = re.sub(r"[\-.]", ":", word)
                word_q |= Q(search_text__contains=Upper(Value(mac)))
            condition &= word_q
        return queryset.filter(condition)


#: Target types of a relation: the item types and "care unit".
TARGET_TYPES = [*CIType.choices, ("care_unit", _("Care unit"))]


class RelationFilterSet(SearchFilterSet):
    search_fields = ("source__name", "target__name", "care_unit__name", "care_unit__code")
    kind = django_filters.MultipleChoiceFilter(
        choices=RelationKind.choices, label=_("Relation"), widget=_select_multiple(), distinct=False
    )
    source_type = django_filters.ChoiceFilter(
        field_name="source__ci_type", choices=CIType.choices, label=_("Source type")
    )
    target_type = django_filters.ChoiceFilter(
        choices=TARGET_TYPES, method="filter_target_type", label=_("Target type")
    )
    care_unit = django_filters.ModelChoiceFilter(
        queryset=scoped(CareUnit), label=_("Target care unit")
    )
    # By id, for the API and the links of an item's page (no 25,000-row drop-down).
    source = django_filters.NumberFilter(field_name="source_id", widget=forms.HiddenInput)
    target = django_filters.NumberFilter(field_name="target_id", widget=forms.HiddenInput)
    item = django_filters.NumberFilter(method="filter_item", widget=forms.HiddenInput)

    class Meta:
        model = Relation
        fields = ["q", "kind", "source_type", "target_type", "care_unit"]

    def filter_target_type(self, queryset, name, value):
        if value == "care_unit":
            return queryset.filter(care_unit__isnull=False)
        return queryset.filter(target__ci_type=value) if value else queryset

    def filter_item(self, queryset, name, value):
        """Relations of one item, whichever end it is."""
        if value is None:
            return queryset
        return queryset.filter(Q(source_id=value) | Q(target_id=value))


class SoftwareFilterSet(SearchFilterSet):
    search_fields = ("name", "publisher")
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name"))
    publisher = django_filters.CharFilter(lookup_expr="icontains", label=_("Publisher"))

    class Meta:
        model = Software
        fields = ["q", "name", "publisher"]
