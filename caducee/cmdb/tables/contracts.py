"""Tables of suppliers, contracts and their commitments, and of the items a
contract covers or whose warranty ends: the list pages, the expiring report
and their CSV/XLSX exports share them."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.durations import format_minutes
from caducee.cmdb.models import ConfigurationItem, Contract, ContractCommitment, Supplier
from caducee.cmdb.templatetags.cmdb_links import object_url

__all__ = [
    "ContractCommitmentTable",
    "ContractTable",
    "ExpiringContractTable",
    "ItemWarrantyTable",
    "SupplierTable",
]


def _url(record):
    return object_url(record)


class _Base(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


class SupplierTable(_Base):
    name = tables.Column(linkify=_url)
    contract_count = tables.Column(verbose_name=_("Contracts"), orderable=True)

    class Meta(_Base.Meta):
        model = Supplier
        fields = ("name", "siret", "support_phone", "support_email", "contract_count")


class ContractTable(_Base):
    reference = tables.Column(linkify=_url)
    supplier = tables.Column(linkify=_url)
    establishment = tables.Column(default=_("Whole GHT"))
    item_count = tables.Column(verbose_name=_("Covered items"))

    class Meta(_Base.Meta):
        model = Contract
        fields = (
            "reference",
            "title",
            "supplier",
            "kind",
            "establishment",
            "start_date",
            "end_date",
            "support_hours",
            "item_count",
        )


class ContractCommitmentTable(_Base):
    priority = tables.Column()
    response_minutes = tables.Column(verbose_name=_("Response within"))
    resolution_minutes = tables.Column(verbose_name=_("Resolution within"))
    penalty_per_hour = tables.Column(verbose_name=_("Penalty per hour late (€)"))

    class Meta(_Base.Meta):
        model = ContractCommitment
        fields = ("priority", "response_minutes", "resolution_minutes", "penalty_per_hour")
        orderable = False

    def render_response_minutes(self, value):
        return format_minutes(value)

    def render_resolution_minutes(self, value):
        return format_minutes(value)


class ExpiringContractTable(_Base):
    """Rows are ``services.expiring.ExpiringContract``."""

    reference = tables.Column(
        verbose_name=_("Contract"),
        accessor="contract",
        linkify=lambda record: _url(record.contract),
    )
    supplier = tables.Column(verbose_name=_("Supplier"), accessor="contract__supplier")
    establishment = tables.Column(
        verbose_name=_("Establishment"), accessor="contract__establishment", default=_("Whole GHT")
    )
    end_date = tables.Column(verbose_name=_("End date"), accessor="contract__end_date")
    days_left = tables.Column(verbose_name=_("Days left"))
    notice_deadline = tables.Column(verbose_name=_("Notice deadline"))
    renewed_by = tables.Column(verbose_name=_("Renewed by"), default="—")
    reasons = tables.Column(verbose_name=_("Why it is listed"), empty_values=())

    class Meta(_Base.Meta):
        orderable = False

    def render_reasons(self, record):
        return "; ".join(record.reasons)

    def value_reasons(self, record):
        return self.render_reasons(record)


class ItemWarrantyTable(_Base):
    name = tables.Column(linkify=_url)
    establishment = tables.Column(default=_("Whole GHT"))
    warranty_left = tables.Column(
        verbose_name=_("Days left"), accessor="warranty_end", orderable=False, empty_values=()
    )

    class Meta(_Base.Meta):
        model = ConfigurationItem
        fields = (
            "name",
            "ci_type",
            "status",
            "establishment",
            "room",
            "manufacturer",
            "model",
            "serial_number",
            "supplier",
            "warranty_end",
            "warranty_left",
        )

    def render_warranty_left(self, record):
        if record.warranty_end is None:
            return "—"
        return (record.warranty_end - timezone.localdate()).days

    value_warranty_left = render_warranty_left
