"""Filters of the biomedical CMMS: plans, work orders, vigilance reports.

One FilterSet per model serves the list page, its exports and the API
(STYLE.md principle 3). The work order ``period`` filter is the definition of
"overdue" (planned, due before today), "due" (planned, due within the next
30 days) and "this month" used by the shortcut pages too.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import (
    MaintenanceKind,
    MaintenancePlan,
    Supplier,
    VigilanceReport,
    WorkOrder,
)
from caducee.cmdb.types import DEVICE_CLASS
from caducee.core.filters import SearchFilterSet, scoped
from caducee.org.models import Establishment, Team

__all__ = [
    "DUE_WITHIN_DAYS",
    "MaintenancePlanFilterSet",
    "VigilanceReportFilterSet",
    "WorkOrderFilterSet",
    "period_filter",
]

#: "Due" means planned and due within this many days (overdue ones excluded).
DUE_WITHIN_DAYS = 30

PERIODS = (
    ("overdue", _("Overdue")),
    ("due", _("Due within 30 days")),
    ("this_month", _("Due this month")),
    ("next_month", _("Due next month")),
)


def period_filter(period: str, today: dt.date | None = None) -> Q:
    """The condition of one ``PERIODS`` entry on work orders."""
    today = today or timezone.localdate()
    planned = Q(status=WorkOrder.Status.PLANNED)
    if period == "overdue":
        return planned & Q(due_date__lt=today)
    if period == "due":
        horizon = today + dt.timedelta(days=DUE_WITHIN_DAYS)
        return planned & Q(due_date__gte=today, due_date__lte=horizon)
    first = today.replace(day=1)
    if period == "next_month":
        first = (first + dt.timedelta(days=32)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Q(due_date__gte=first, due_date__lt=following)


DATE = forms.DateInput(attrs={"type": "date"})


def _device_filter():
    # By id: a GHT has thousands of devices, too many for a select; the item
    # page and scripts link to the list with ``?device=<id>``.
    return django_filters.NumberFilter(field_name="device_id", label=_("Device (id)"))


def _establishment(field_name: str):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=scoped(Establishment), label=_("Establishment")
    )


class MaintenancePlanFilterSet(SearchFilterSet):
    search_fields = ("name", "manufacturer", "model", "regulatory_reference")
    kind = django_filters.ChoiceFilter(
        choices=MaintenancePlan._meta.get_field("kind").choices, label=_("Kind")
    )
    establishment = _establishment("establishment")
    device_class = django_filters.ChoiceFilter(choices=DEVICE_CLASS, label=_("Device class"))
    responsible_team = django_filters.ModelChoiceFilter(
        queryset=scoped(Team), label=_("Responsible team")
    )
    responsible_supplier = django_filters.ModelChoiceFilter(
        queryset=scoped(Supplier), label=_("Responsible supplier")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = MaintenancePlan
        fields = [
            "q",
            "kind",
            "establishment",
            "device_class",
            "responsible_team",
            "responsible_supplier",
            "is_active",
        ]


class WorkOrderFilterSet(SearchFilterSet):
    search_fields = (
        "device__name",
        "device__serial_number",
        "device__asset_tag",
        "device__manufacturer",
        "device__model",
        "description",
        "performed_by",
    )
    status = django_filters.ChoiceFilter(choices=WorkOrder.Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=MaintenanceKind.choices, label=_("Kind"))
    period = django_filters.ChoiceFilter(choices=PERIODS, method="filter_period", label=_("Due"))
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due from"), widget=DATE
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due until"), widget=DATE
    )
    establishment = _establishment("device__establishment")
    device_class = django_filters.ChoiceFilter(
        field_name="device__attributes__device_class", choices=DEVICE_CLASS, label=_("Device class")
    )
    device_model = django_filters.CharFilter(
        method="filter_model", label=_("Device model"), help_text=_("Manufacturer or model.")
    )
    device = _device_filter()
    plan = django_filters.ModelChoiceFilter(
        queryset=scoped(MaintenancePlan), label=_("Maintenance plan")
    )
    responsible_team = django_filters.ModelChoiceFilter(
        field_name="plan__responsible_team", queryset=scoped(Team), label=_("Responsible team")
    )
    responsible_supplier = django_filters.ModelChoiceFilter(
        field_name="plan__responsible_supplier",
        queryset=scoped(Supplier),
        label=_("Responsible supplier"),
    )
    result = django_filters.ChoiceFilter(choices=WorkOrder.Result.choices, label=_("Result"))

    class Meta:
        model = WorkOrder
        fields = [
            "q",
            "status",
            "kind",
            "period",
            "due_after",
            "due_before",
            "establishment",
            "device_class",
            "device_model",
            "device",
            "plan",
            "responsible_team",
            "responsible_supplier",
            "result",
        ]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period_filter(value)) if value else queryset

    def filter_model(self, queryset, name, value):
        condition = Q()
        for word in (value or "").split()[:4]:
            condition &= Q(device__manufacturer__icontains=word) | Q(device__model__icontains=word)
        return queryset.filter(condition)


class VigilanceReportFilterSet(SearchFilterSet):
    search_fields = ("device__name", "device__serial_number", "description", "ansm_reference")
    status = django_filters.ChoiceFilter(choices=VigilanceReport.Status.choices, label=_("Status"))
    patient_harm = django_filters.BooleanFilter(label=_("Patient harmed"))
    establishment = _establishment("device__establishment")
    device = _device_filter()
    incident_after = django_filters.DateFilter(
        field_name="incident_date", lookup_expr="gte", label=_("Incident from"), widget=DATE
    )
    incident_before = django_filters.DateFilter(
        field_name="incident_date", lookup_expr="lte", label=_("Incident until"), widget=DATE
    )

    class Meta:
        model = VigilanceReport
        fields = [
            "q",
            "status",
            "patient_harm",
            "establishment",
            "device",
            "incident_after",
            "incident_before",
        ]
