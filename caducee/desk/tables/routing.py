"""The routing rule list, in the order the rules are tried, and its exports.

Each row reads its conditions in one sentence ("Incident · Poste de travail
and below · P2 or higher") so that an administrator reviews the order
without opening every rule; the related rows are selected by the list's
queryset, so the page is one query. Moving a rule up or down is a small
POST form per row, shown only to those who may reorder.
"""

from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caducee.core.services.scoping import can
from caducee.desk.models import RoutingRule

__all__ = ["RoutingRuleTable", "conditions_text"]


def conditions_text(rule: RoutingRule) -> str:
    """The rule's non-empty conditions, in words; "Any ticket" when none."""
    parts = []
    if rule.kind:
        parts.append(str(rule.get_kind_display()))
    if rule.category_id:
        parts.append(_("%(category)s and below") % {"category": rule.category.full_name})
    if rule.ci_type:
        parts.append(_("an item of type %(type)s") % {"type": rule.get_ci_type_display()})
    if rule.configuration_item_id:
        parts.append(_("item %(item)s") % {"item": rule.configuration_item})
    if rule.establishment_id:
        parts.append(str(rule.establishment))
    if rule.priority:
        parts.append(_("%(priority)s or higher") % {"priority": rule.get_priority_display()})
    return " · ".join(parts) if parts else _("Any ticket")


class RoutingRuleTable(tables.Table):
    position = tables.Column()
    name = tables.Column(linkify=("desk:routingrule_detail", [tables.A("pk")]))
    conditions = tables.Column(
        verbose_name=gettext_lazy("Conditions"), accessor="pk", orderable=False, empty_values=()
    )
    assignment_group = tables.Column(
        linkify=("desk:assignmentgroup_detail", [tables.A("assignment_group_id")])
    )
    is_active = tables.BooleanColumn()
    move = tables.Column(
        verbose_name=gettext_lazy("Order"),
        accessor="pk",
        orderable=False,
        empty_values=(),
        exclude_from_export=True,
    )

    class Meta:
        model = RoutingRule
        attrs = {"class": "table"}
        template_name = "core/table.html"
        fields = ("position", "name", "conditions", "assignment_group", "is_active", "move")
        sequence = fields
        order_by = ("position",)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.csrf_token = get_token(request) if request is not None else ""
        if not can(user, RoutingRule, "change"):
            self.columns.hide("move")

    def render_conditions(self, record):
        return conditions_text(record)

    value_conditions = render_conditions

    def render_move(self, record):
        rows = [
            (
                reverse("desk:routingrule_move", args=[record.pk, direction]),
                self.csrf_token,
                label,
                arrow,
            )
            for direction, label, arrow in (
                ("up", _("Move up"), "↑"),
                ("down", _("Move down"), "↓"),
            )
        ]
        return format_html_join(
            " ",
            '<form method="post" action="{0}" class="inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{1}">'
            '<button class="btn btn-small" type="submit" title="{2}" aria-label="{2}">{3}</button>'
            "</form>",
            rows,
        )
