"""The queue table: what an agent scans to pick the next ticket.

Rule (issue "Service desk core" point 6): one row per ticket with its
number, priority (coloured), title, requester, care unit, group and
assignee, status and the next SLA deadline — red once passed, amber within
the hour, written as a relative time ("in 40 minutes", "2 hours overdue")
because that is what an agent compares. The deadline shown is the nearest
one still running: the response deadline until someone has responded, then
the resolution deadline; a ticket waiting on its requester shows "paused"
(the SLA clock stops there) and a resolved or closed one shows none.

Sorting is the FilterSet's (``ordering``), not django-tables2's: the same
parameter the API takes, restricted to the columns an index leads with
(number, priority, status, deadline) so a sort never reads 750,000 rows.

Every cell reads the row or a prefetched neighbour; the body is written by
``body_html`` with ``core.cells`` (decisions per column taken once) and each
``<tr>`` carries ``data-pk`` for the live refresh and the keyboard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import django_tables2 as tables
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caducee.core.cells import rendered_rows
from caducee.desk.models import OPEN_STATUSES, SLA_PAUSED_STATUSES, Ticket

__all__ = ["SORTABLE", "TicketTable", "due_state", "next_due"]

#: Column → the FilterSet's ordering alias.
SORTABLE: Mapping[str, str] = {
    "number": "number",
    "priority": "priority",
    "status": "status",
    "due": "due",
}
#: How close a deadline turns amber.
SOON = dt.timedelta(hours=1)


def next_due(ticket: Ticket) -> dt.datetime | None:
    """The nearest SLA deadline still running for ``ticket``, if any."""
    if ticket.status not in OPEN_STATUSES:
        return None
    candidates = [ticket.resolution_due]
    if ticket.first_response_at is None:
        candidates.append(ticket.response_due)
    found = [due for due in candidates if due is not None]
    return min(found) if found else None


def due_state(due: dt.datetime, now: dt.datetime) -> str:
    """``overdue`` (red), ``soon`` (amber, within the hour) or ``ok``."""
    if due <= now:
        return "overdue"
    if due - now <= SOON:
        return "soon"
    return "ok"


#: The cells whose class depends on the row (priority and status colours).
TD_CLASSES: Mapping[str, Callable[[Ticket], str]] = {
    "priority": lambda record: f"prio prio-{record.priority}",
    "status": lambda record: f"status status-{record.status}",
}


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class TicketTable(tables.Table):
    select = tables.Column(
        verbose_name=gettext_lazy("Select"),
        accessor="pk",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )
    number = tables.Column(verbose_name=gettext_lazy("Number"))
    priority = tables.Column(
        verbose_name=gettext_lazy("Priority"),
        attrs={"td": {"class": lambda record: TD_CLASSES["priority"](record)}},
    )
    title = tables.Column(verbose_name=gettext_lazy("Title"), empty_values=())
    requester = tables.Column(verbose_name=gettext_lazy("Requester"))
    care_unit = tables.Column(verbose_name=gettext_lazy("Care unit"))
    assignment = tables.Column(
        verbose_name=gettext_lazy("Group / assignee"), accessor="pk", empty_values=()
    )
    status = tables.Column(
        verbose_name=gettext_lazy("Status"),
        attrs={"td": {"class": lambda record: TD_CLASSES["status"](record)}},
    )
    due = tables.Column(verbose_name=gettext_lazy("SLA due"), accessor="pk", empty_values=())

    class Meta:
        model = Ticket
        fields = (
            "select",
            "number",
            "priority",
            "title",
            "requester",
            "care_unit",
            "assignment",
            "status",
            "due",
        )
        attrs = {"class": "table queue-table"}
        row_attrs = {"data-pk": lambda record: record.pk}
        orderable = False

    def __init__(self, data, *, selectable: bool = False, now: dt.datetime | None = None, **kw):
        super().__init__(data, **kw)
        self.now = now or timezone.now()
        if not selectable:
            self.columns.hide("select")
        try:
            # One reverse for the page; each row swaps its own id in.
            self._detail_url = reverse("desk:ticket_detail", args=[987654321])
        except NoReverseMatch:  # the ticket page is another part's
            self._detail_url = None

    # -- cells -----------------------------------------------------------------

    def detail_url(self, record) -> str | None:
        if self._detail_url is None:
            return None
        return self._detail_url.replace("987654321", str(record.pk))

    def render_select(self, record):
        return format_html(
            '<input type="checkbox" name="ticket" value="{}:{}" form="bulk-form" '
            'class="js-row-check" aria-label="{}">',
            record.pk,
            record.version,
            _("Select %(number)s") % {"number": record.number},
        )

    def render_number(self, record):
        url = self.detail_url(record)
        if url is None:
            return format_html('<span class="ticket-number">{}</span>', record.number)
        return format_html(
            '<a class="ticket-number" href="{}" data-row-open>{}</a>', url, record.number
        )

    def render_title(self, record):
        if record.patient_safety:
            return format_html(
                '{} <span class="flag flag-danger">{}</span>', record.title, _("Patient safety")
            )
        return record.title

    def render_assignment(self, record):
        group = record.assignment_group
        if group is None:
            return format_html('<span class="muted">{}</span>', _("Unassigned"))
        if record.assignee_id is None:
            return str(group)
        return format_html(
            '{}<br><span class="muted">{}</span>', str(group), _person(record.assignee)
        )

    def render_due(self, record):
        if record.status in SLA_PAUSED_STATUSES:
            return format_html('<span class="due due-paused">{}</span>', _("Paused"))
        due = next_due(record)
        if due is None:
            return "—"
        state = due_state(due, self.now)
        if state == "overdue":
            text = _("%(time)s overdue") % {"time": timesince(due, self.now, depth=1)}
        else:
            text = _("in %(time)s") % {"time": timeuntil(due, self.now, depth=1)}
        return format_html(
            '<time class="due due-{}" datetime="{}" title="{}">{}</time>',
            state,
            due.isoformat(),
            formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT"),
            text,
        )

    # -- page parts ------------------------------------------------------------

    def headers(self, query: QueryDict, ordering: str) -> list[dict[str, Any]]:
        """Column headers with their sort link (``ordering`` as the FilterSet
        reads it) and ``aria-sort`` state."""
        current = ordering.lstrip("-")
        descending = ordering.startswith("-")
        result = []
        for column in self.columns:
            alias = SORTABLE.get(column.name)
            entry: dict[str, Any] = {"name": column.name, "label": column.header, "url": None}
            entry["sort"] = None
            if alias is not None:
                sorted_here = current == alias
                if sorted_here:
                    entry["sort"] = "descending" if descending else "ascending"
                next_query = query.copy()
                next_query.pop("page", None)
                next_query["ordering"] = alias if (not sorted_here or descending) else f"-{alias}"
                entry["url"] = f"?{next_query.urlencode()}"
            result.append(entry)
        return result

    def body_html(self) -> SafeString:
        """The ``<tr>`` rows, as ``core.templatetags.caducee.table_body``
        writes them, each row with its ``data-pk``.

        Written by hand (the queue's 50 rows are on every queue page and
        every 30-second refresh): the cells' attributes come from
        ``TD_CLASSES`` and the row's from its id and parity, without
        django-tables2 recomputing a column's attributes for every cell
        (``desk/tests/test_pages_render.py`` compares the output with
        django-tables2's own)."""
        column_plans = None
        rows = []
        for index, (row, cells) in enumerate(rendered_rows(self)):
            if column_plans is None:
                column_plans = [
                    (
                        TD_CLASSES.get(plan.name) if plan.td_dynamic else None,
                        plan,
                        conditional_escape(plan.bound_column.header),
                    )
                    for plan, _value in cells
                ]
            record = row.record
            html = [f'<tr data-pk="{record.pk}" class="{"odd" if index % 2 else "even"}">']
            for (td_class, plan, label), (_plan, value) in zip(column_plans, cells, strict=True):
                if td_class is not None:
                    attrs = f'class="{escape(td_class(record))}"'
                else:
                    attrs = plan.td_static if not plan.td_dynamic else plan.td_attrs(row, value)
                html.append(f'<td {attrs} data-label="{label}">{conditional_escape(value)}</td>')
            html.append("</tr>")
            rows.append("".join(html))
        return mark_safe("\n".join(rows))  # noqa: S308  (every part escaped above)
