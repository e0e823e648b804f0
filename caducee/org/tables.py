"""One Table per org model: the list pages and their CSV/XLSX exports."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

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


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


class HospitalGroupTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = HospitalGroup
        fields = ("code", "name")


class EstablishmentTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Establishment
        fields = ("finess", "name", "short_name", "kind", "city", "is_support")


class SiteTable(BaseTable):
    name = tables.Column(linkify=True)
    establishment = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Site
        fields = ("code", "name", "establishment", "city")


class BuildingTable(BaseTable):
    name = tables.Column(linkify=True)
    site = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Building
        fields = ("code", "name", "site")


class FloorTable(BaseTable):
    name = tables.Column(linkify=True, empty_values=())
    building = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Floor
        fields = ("building", "level", "name")

    def render_name(self, record):
        return record.name or record.level


class RoomTable(BaseTable):
    code = tables.Column(linkify=True)
    floor = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Room
        fields = ("code", "name", "kind", "floor")


class PoleTable(BaseTable):
    name = tables.Column(linkify=True)
    establishment = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Pole
        fields = ("code", "name", "establishment")


class ServiceTable(BaseTable):
    name = tables.Column(linkify=True)
    pole = tables.Column(linkify=True)
    establishment = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Service
        fields = ("code", "name", "pole", "establishment")


class CareUnitTable(BaseTable):
    name = tables.Column(linkify=True)
    service = tables.Column(linkify=True)
    establishment = tables.Column(linkify=True)
    criticality = tables.Column(
        attrs={"td": {"class": lambda record: f"crit-{record.criticality}"}}
    )

    class Meta(BaseTable.Meta):
        model = CareUnit
        fields = ("code", "name", "service", "establishment", "criticality", "care_hours")


class ShiftDefinitionTable(BaseTable):
    name = tables.Column(linkify=True)
    establishment = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ShiftDefinition
        fields = ("establishment", "order", "code", "name", "starts_at", "ends_at")


class JobTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Job
        fields = ("code", "name", "category", "is_health_professional")


class PersonTable(BaseTable):
    last_name = tables.Column(linkify=True)
    first_name = tables.Column(linkify=True)
    job = tables.Column()
    establishment = tables.Column()
    units = tables.Column(
        verbose_name=_("Care units"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta(BaseTable.Meta):
        model = Person
        fields = (
            "last_name",
            "first_name",
            "job",
            "establishment",
            "units",
            "phone",
            "email",
            "employee_number",
        )

    def render_units(self, record):
        return ", ".join(unit.name for unit in record.care_units.all())

    def value_units(self, record):
        return ", ".join(unit.code for unit in record.care_units.all())


class TeamTable(BaseTable):
    name = tables.Column(linkify=True)
    establishment = tables.Column(default=_("Whole GHT"))
    size = tables.Column(verbose_name=_("Members"), accessor="member_count", default=0)

    class Meta(BaseTable.Meta):
        model = Team
        fields = ("code", "name", "establishment", "email", "size")
