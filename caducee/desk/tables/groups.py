"""The assignment group list and its exports. The open ticket count is
annotated by the list's queryset (one query for the page)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from caducee.desk.models import AssignmentGroup

__all__ = ["AssignmentGroupTable"]


class AssignmentGroupTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Group"),
        accessor="team__name",
        linkify=("desk:assignmentgroup_detail", [tables.A("pk")]),
        order_by=("team__name",),
    )
    level = tables.Column()
    establishment = tables.Column(default=_("Whole GHT"))
    manager = tables.Column()
    assignment_method = tables.Column()
    auto_assign = tables.BooleanColumn()
    escalates_to = tables.Column(
        linkify=("desk:assignmentgroup_detail", [tables.A("escalates_to_id")])
    )
    open_tickets = tables.Column(verbose_name=_("Open tickets"), orderable=True)
    is_active = tables.BooleanColumn()

    class Meta:
        model = AssignmentGroup
        attrs = {"class": "table"}
        template_name = "core/table.html"
        fields = (
            "name",
            "level",
            "establishment",
            "manager",
            "assignment_method",
            "auto_assign",
            "escalates_to",
            "open_tickets",
            "is_active",
        )
        sequence = fields
