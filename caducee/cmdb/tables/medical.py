"""Tables of the biomedical CMMS: the list pages and their CSV/XLSX exports,
the device's register and the devices a plan covers.

An overdue order's due date and a device with an open patient-harm
vigilance report are shown in the danger colour (``crit-4``): the lists are
read to decide what to do first. Every cell reads the row or a
``select_related`` neighbour (the harm flag is an annotation), never a query
of its own.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, MaintenancePlan, VigilanceReport, WorkOrder

__all__ = [
    "MaintenancePlanTable",
    "PlanDeviceTable",
    "VigilanceReportTable",
    "WorkOrderRegisterTable",
    "WorkOrderTable",
]


def _url(record):
    try:
        return record.get_absolute_url()
    except NoReverseMatch:  # the item pages are another part's; degrade to text
        return None


def _device_class(record) -> str:
    return "crit-4" if getattr(record, "device_harm", False) else ""


def _due_class(record) -> str:
    overdue = record.status == WorkOrder.Status.PLANNED and record.due_date < timezone.localdate()
    return "crit-4" if overdue else ""


class _Base(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


def _shared(value) -> str:
    return value if value else str(_("Whole GHT"))


class MaintenancePlanTable(_Base):
    name = tables.Column(linkify=_url)
    applies_to = tables.Column(
        verbose_name=_("Applies to"), empty_values=(), order_by=("device_class", "model")
    )
    establishment = tables.Column(empty_values=(), order_by=("establishment__name",))
    frequency_months = tables.Column()
    responsible = tables.Column(
        verbose_name=_("Responsible"),
        empty_values=(),
        order_by=("responsible_team__name", "responsible_supplier__name"),
    )

    class Meta(_Base.Meta):
        model = MaintenancePlan
        fields = (
            "name",
            "kind",
            "applies_to",
            "establishment",
            "frequency_months",
            "responsible",
            "regulatory_reference",
            "is_active",
        )

    def render_applies_to(self, record):
        if record.device_class:
            return _("Class %(cls)s") % {"cls": record.device_class}
        return f"{record.manufacturer} {record.model}"

    def render_establishment(self, record):
        return _shared(record.establishment)

    def render_responsible(self, record):
        return record.responsible_team or record.responsible_supplier or "—"


class WorkOrderTable(_Base):
    id = tables.Column(verbose_name=_("No."), linkify=_url)
    device = tables.Column(
        linkify=lambda record: _url(record.device), attrs={"td": {"class": _device_class}}
    )
    establishment = tables.Column(
        verbose_name=_("Establishment"),
        accessor="device__establishment",
        empty_values=(),
        order_by=("device__establishment__name",),
    )
    due_date = tables.DateColumn(attrs={"td": {"class": _due_class}})
    responsible = tables.Column(
        verbose_name=_("Responsible"),
        empty_values=(),
        orderable=False,
    )

    class Meta(_Base.Meta):
        model = WorkOrder
        fields = (
            "id",
            "device",
            "establishment",
            "kind",
            "due_date",
            "status",
            "responsible",
            "result",
            "performed_on",
            "signed_by",
        )

    def render_establishment(self, value):
        return _shared(value)

    def render_responsible(self, record):
        plan = record.plan
        if plan is None:
            return "—"
        return plan.responsible_team or plan.responsible_supplier or "—"


class WorkOrderRegisterTable(_Base):
    """The register of one device (R5212-28): one line per operation."""

    id = tables.Column(verbose_name=_("No."), linkify=_url)
    kind = tables.Column(verbose_name=_("Nature"))
    due_date = tables.DateColumn()
    performed_on = tables.DateColumn()
    stopped_on = tables.DateColumn()
    restarted_on = tables.DateColumn()
    signature = tables.Column(verbose_name=_("Signature"), empty_values=(), orderable=False)

    class Meta(_Base.Meta):
        model = WorkOrder
        fields = (
            "id",
            "kind",
            "status",
            "due_date",
            "performed_on",
            "performed_by",
            "employer",
            "stopped_on",
            "restarted_on",
            "result",
            "report",
        )
        orderable = False

    def render_signature(self, record):
        if not record.signed_at:
            return "—"
        return format_html(
            "{}<br><small>{}</small>",
            record.signed_by,
            date_format(timezone.localtime(record.signed_at), "SHORT_DATETIME_FORMAT"),
        )


class VigilanceReportTable(_Base):
    id = tables.Column(verbose_name=_("No."), linkify=_url)
    device = tables.Column(linkify=lambda record: _url(record.device))
    establishment = tables.Column(
        verbose_name=_("Establishment"),
        accessor="device__establishment",
        empty_values=(),
        order_by=("device__establishment__name",),
    )
    patient_harm = tables.BooleanColumn(
        attrs={"td": {"class": lambda record: "crit-4" if record.patient_harm else ""}}
    )

    class Meta(_Base.Meta):
        model = VigilanceReport
        fields = (
            "id",
            "device",
            "establishment",
            "incident_date",
            "patient_harm",
            "status",
            "ansm_reference",
            "reported_on",
        )

    def render_establishment(self, value):
        return _shared(value)


class PlanDeviceTable(_Base):
    """The devices a plan covers, with the next due date under that plan."""

    name = tables.Column(linkify=_url)
    establishment = tables.Column(empty_values=())
    next_due = tables.Column(verbose_name=_("Next due"), orderable=False, empty_values=())

    class Meta(_Base.Meta):
        model = ConfigurationItem
        fields = ("name", "serial_number", "manufacturer", "model", "establishment", "status")
        orderable = False

    def render_establishment(self, value):
        return _shared(value)

    def render_next_due(self, value):
        return date_format(value, "SHORT_DATE_FORMAT") if value else _("an order is open")
