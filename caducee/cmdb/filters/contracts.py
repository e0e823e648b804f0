"""Filters of suppliers, contracts and commitments: one FilterSet each for
the list page, its exports and the API.

The contract state is computed against today: *active* (started, not
ended), *expired* (ended), *upcoming* (not started yet); ``expiring_within``
keeps the contracts that have not ended and end within N days. The
establishment filter offers "Whole GHT" for the contracts of no single
establishment.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import Contract, ContractCommitment, Priority, Supplier
from caducee.core.filters import SearchFilterSet, scoped
from caducee.org.models import Establishment

__all__ = ["ContractCommitmentFilterSet", "ContractFilterSet", "SupplierFilterSet"]


class SupplierFilterSet(SearchFilterSet):
    search_fields = ("name", "siret", "email", "support_email", "support_phone")

    class Meta:
        model = Supplier
        fields = ["q"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "supplier__name", "notes")

    STATES = (
        ("active", _("Active")),
        ("expired", _("Expired")),
        ("upcoming", _("Not started yet")),
    )

    supplier = django_filters.ModelChoiceFilter(queryset=scoped(Supplier), label=_("Supplier"))
    kind = django_filters.ChoiceFilter(choices=Contract.Kind.choices, label=_("Kind"))
    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment),
        label=_("Establishment"),
        null_label=_("Whole GHT"),
    )
    support_hours = django_filters.ChoiceFilter(
        choices=Contract.SupportHours.choices, label=_("Support hours")
    )
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state", label=_("State"))
    expiring_within = django_filters.NumberFilter(
        method="filter_expiring",
        label=_("Ends within (days)"),
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"min": 0, "max": 3650}),
    )

    class Meta:
        model = Contract
        fields = [
            "q",
            "supplier",
            "kind",
            "establishment",
            "support_hours",
            "state",
            "expiring_within",
        ]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "active":
            return queryset.filter(start_date__lte=today, end_date__gte=today)
        if value == "expired":
            return queryset.filter(end_date__lt=today)
        if value == "upcoming":
            return queryset.filter(start_date__gt=today)
        return queryset

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(
            end_date__gte=today, end_date__lte=today + dt.timedelta(days=int(value))
        )


class ContractCommitmentFilterSet(django_filters.FilterSet):
    contract = django_filters.ModelChoiceFilter(queryset=scoped(Contract), label=_("Contract"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))

    class Meta:
        model = ContractCommitment
        fields = ["contract", "priority"]
