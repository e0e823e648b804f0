"""Tables of configuration items, relations and software: the list pages and
their CSV/XLSX exports (``?export=csv|xlsx`` on any list).

The item list shows what an agent scans for (name, type, status, where,
criticality, the two hospital flags, hostname and serial); the export adds
the identification and contract columns a DSI reconciles in a spreadsheet.
Every cell reads the row or a ``select_related`` neighbour, never a query of
its own, so a page of 50 or an export of 25,000 costs the same few queries.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, Relation, Software
from caducee.core.exports import FORMATS
from caducee.core.services.scoping import can

__all__ = ["ConfigurationItemTable", "InstallationTable", "RelationTable", "SoftwareTable"]


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row named ``pk`` for the bulk edit form (no script needed)."""

    def __init__(self, **kwargs):
        super().__init__(accessor="pk", exclude_from_export=True, orderable=False, **kwargs)

    @property
    def header(self):
        return _("Select")

    def render(self, value, bound_column, record):
        return format_html(
            '<input type="checkbox" name="pk" value="{}" aria-label="{}">',
            value,
            _("Select %(name)s") % {"name": record},
        )


def _establishment(record) -> str:
    return str(record.establishment) if record.establishment_id else str(_("Shared (whole GHT)"))


class ConfigurationItemTable(BaseTable):
    select = SelectColumn()
    name = tables.Column(linkify=True)
    ci_type = tables.Column(verbose_name=_("Type"))
    status = tables.Column()
    establishment = tables.Column(empty_values=(), order_by=("establishment__name",))
    room = tables.Column()
    criticality = tables.Column(
        attrs={"td": {"class": lambda record: f"crit-{record.criticality}"}}
    )
    flags = tables.Column(verbose_name=_("Flags"), accessor="pk", orderable=False)
    hostname = tables.Column()
    serial_number = tables.Column()
    # Export only: identification, network and contract columns.
    asset_tag = tables.Column(visible=False)
    manufacturer = tables.Column(visible=False)
    model = tables.Column(visible=False)
    ip_address = tables.Column(visible=False)
    mac_address = tables.Column(visible=False)
    owner_group = tables.Column(visible=False)
    supplier = tables.Column(visible=False)
    contract = tables.Column(visible=False)
    warranty_end = tables.Column(visible=False)

    EXPORT_ONLY = (
        "asset_tag",
        "manufacturer",
        "model",
        "ip_address",
        "mac_address",
        "owner_group",
        "supplier",
        "contract",
        "warranty_end",
    )

    class Meta(BaseTable.Meta):
        model = ConfigurationItem
        fields = (
            "select",
            "name",
            "ci_type",
            "status",
            "establishment",
            "room",
            "criticality",
            "flags",
            "hostname",
            "serial_number",
        )
        sequence = (*fields, "...")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        exporting = request is not None and request.GET.get("export") in FORMATS
        if exporting:
            for name in self.EXPORT_ONLY:
                self.columns.show(name)
        # Rows are selectable (for the bulk edit) by those who may change items.
        selectable = request is not None and can(request.user, ConfigurationItem, "change")
        if exporting or not selectable:
            self.columns.hide("select")

    def render_establishment(self, record):
        return _establishment(record)

    def value_establishment(self, record):
        return _establishment(record)

    def render_flags(self, record):
        flags = []
        if record.patient_safety_critical:
            flags.append(("flag flag-danger", _("Patient safety")))
        if record.holds_health_data:
            flags.append(("flag", _("HDS")))
        if not flags:
            return "—"
        return format_html_join(" ", '<span class="{}">{}</span>', flags)

    def value_flags(self, record):
        flags = []
        if record.patient_safety_critical:
            flags.append(str(_("Patient safety")))
        if record.holds_health_data:
            flags.append(str(_("HDS")))
        return ", ".join(flags)


def _relation_target(record):
    return record.target if record.target_id else record.care_unit


class RelationTable(BaseTable):
    relation = tables.Column(
        verbose_name=_("Relation"),
        accessor="pk",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("pk",),
    )
    source = tables.Column(linkify=True, order_by=("source__name",))
    source_type = tables.Column(
        verbose_name=_("Source type"), accessor="source__ci_type", orderable=False
    )
    kind = tables.Column()
    other = tables.Column(
        verbose_name=_("Target"),
        accessor="pk",
        orderable=False,
        linkify=lambda record: _relation_target(record).get_absolute_url(),
    )
    target_type = tables.Column(verbose_name=_("Target type"), accessor="pk", orderable=False)
    notes = tables.Column()

    class Meta(BaseTable.Meta):
        model = Relation
        fields = ("relation", "source", "source_type", "kind", "other", "target_type", "notes")

    def render_relation(self, value):
        return f"#{value}"

    def render_source_type(self, record):
        return record.source.get_ci_type_display()

    def render_other(self, record):
        return str(_relation_target(record))

    def render_target_type(self, record):
        if record.target_id:
            return record.target.get_ci_type_display()
        return _("Care unit")

    value_source_type = render_source_type
    value_other = render_other

    def value_target_type(self, record):
        return str(self.render_target_type(record))


class SoftwareTable(BaseTable):
    name = tables.Column(linkify=lambda record: reverse("cmdb:software_detail", args=[record.pk]))
    publisher = tables.Column()
    installation_count = tables.Column(verbose_name=_("Installations"))

    class Meta(BaseTable.Meta):
        model = Software
        fields = ("name", "publisher", "installation_count")


class InstallationTable(BaseTable):
    """Where one software title is installed (its detail page)."""

    item = tables.Column(linkify=lambda record: record.item.get_absolute_url())
    establishment = tables.Column(
        verbose_name=_("Establishment"), accessor="item__establishment", empty_values=()
    )
    version = tables.Column(verbose_name=_("Version"))
    install_date = tables.Column(verbose_name=_("Installed on"))

    def render_establishment(self, record):
        return _establishment(record.item)
