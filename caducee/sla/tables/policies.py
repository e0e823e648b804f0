"""Tables of SLA policies and OLAs: the list pages and their exports.

Targets are shown as durations ("4 h", "2 d 4 h" …) with the calendar they
are counted on; an empty condition reads "any".
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.durations import format_minutes
from caducee.sla.models import OperationalTarget, SlaPolicy

__all__ = ["OperationalTargetTable", "SlaPolicyTable"]


class _Base(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


def _minutes(value) -> str:
    return format_minutes(value) if value else "—"


class SlaPolicyTable(_Base):
    position = tables.Column()
    name = tables.Column(linkify=True)
    kind = tables.Column(default=_("any"))
    priority = tables.Column(default=_("any"))
    category = tables.Column(default=_("any"))
    establishment = tables.Column(default=_("Whole GHT"))
    calendar = tables.Column()
    response_minutes = tables.Column(verbose_name=_("First response"), default="—")
    resolution_minutes = tables.Column(verbose_name=_("Resolution"), default="—")
    is_active = tables.BooleanColumn()

    class Meta(_Base.Meta):
        model = SlaPolicy
        fields = (
            "position",
            "name",
            "kind",
            "priority",
            "category",
            "establishment",
            "calendar",
            "response_minutes",
            "resolution_minutes",
            "is_active",
        )

    def render_response_minutes(self, value):
        return _minutes(value)

    def render_resolution_minutes(self, value):
        return _minutes(value)


class OperationalTargetTable(_Base):
    assignment_group = tables.Column(linkify=lambda record: record.get_absolute_url())
    priority = tables.Column(default=_("any"))
    calendar = tables.Column()
    resolution_minutes = tables.Column()
    warning_percent = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta(_Base.Meta):
        model = OperationalTarget
        fields = (
            "assignment_group",
            "priority",
            "calendar",
            "resolution_minutes",
            "warning_percent",
            "is_active",
        )

    def render_resolution_minutes(self, value):
        return _minutes(value)
