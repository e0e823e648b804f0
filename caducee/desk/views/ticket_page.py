"""What the ticket page shows, gathered in a bounded number of queries.

Rule (issue "Service desk core" points 5 and 6; performance: the page's p95
under 100 ms at 750,000 tickets): the ticket comes in one query with its
establishment, place and category; its requester (with what the card
shows), its group (with the next level and manager the escalation names),
its accounts, items, tags, watchers and links in one query each — a query
of sixteen joins costs PostgreSQL more to plan than these cost to run. The
side column (requester card, items and their impact, similar tickets)
costs a fixed number of queries too — the impact analysis runs on the
CMDB's in-memory graph, so many items cost no more queries than one. No
query is made per comment, item or link.

What each user sees: the ticket is loaded through ``restrict()`` (outside
the scope: 404). Who works tickets of its establishment sees the actions
and the side column; a requester reading their own ticket sees it without
them (and the timeline without internal notes, which the timeline decides).

The parts other helpers bring (the timeline, the comment form, the Markdown
filter, the SLA panel) are used when installed and left out otherwise, so
the page never fails for a part that is not there yet.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db.models import Prefetch, Q
from django.http import Http404
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from caducee.cmdb.models import ConfigurationItem
from caducee.core.panels import panels_for
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, establishment_allowed
from caducee.core.widgets import lighten
from caducee.desk.forms.tickets import (
    REOPEN,
    PriorityOverrideForm,
    TicketItemsForm,
    TransitionForm,
    transition_groups,
)
from caducee.desk.models import (
    REOPEN_STATUSES,
    WAITING_STATUSES,
    AssignmentGroup,
    Status,
    Ticket,
    TicketKind,
    TicketLink,
)
from caducee.desk.services import choices
from caducee.desk.services import requester as requester_services
from caducee.org.models import CareUnit, Criticality, Person

#: Joined to the ticket's own query. PostgreSQL *plans* a query of sixteen
#: joins in 7 ms (25 ms on a fresh connection) to read one row: the
#: requester's and the group's neighbours come by a query of their own each
#: (under a millisecond), the people named on the ticket by one.
TICKET_RELATED = (
    "establishment",
    "location",
    "care_unit",
    "category__parent__parent",
)
#: The requester with what the card shows, the group with what the header
#: and the escalation form name (next level, manager).
TICKET_PREFETCH = (
    # ``order_by()``: one row each, and ordering a query by its model's
    # default order costs Django ~1 ms of compiling on these wide joins.
    Prefetch(
        "requester",
        queryset=Person.objects.select_related(
            "room", "job", "manager", "establishment"
        ).order_by(),
    ),
    Prefetch(
        "assignment_group",
        queryset=AssignmentGroup.objects.select_related(
            "team", "escalates_to__team", "manager"
        ).order_by(),
    ),
    "configuration_items",
    "tags",
    "watchers",
)
#: The ticket's accounts, read together.
TICKET_USERS = ("assignee", "created_by", "priority_overridden_by")
#: The fields each action's form shows (``TransitionForm``'s names).
ACTION_FIELDS: dict[str, list[str]] = {
    Status.ASSIGNED: ["assignment_group", "assignee"],
    "waiting": ["reason"],
    Status.RESOLVED: ["resolution_code", "resolution_notes"],
    REOPEN: ["reason"],
    Status.CANCELLED: ["reason"],
}
#: Care units of the impact listed on the page (the impact tab lists them all).
UNITS_SHOWN = 8


def ticket_queryset(user: Any):
    return (
        Ticket.objects.restrict(user, "view")
        .select_related(*TICKET_RELATED)
        .prefetch_related(*TICKET_PREFETCH)
    )


def attach_users(ticket: Ticket) -> None:
    """The assignee, recorder and overrider of ``ticket`` in one query."""
    fields = [Ticket._meta.get_field(name) for name in TICKET_USERS]
    ids = {getattr(ticket, field.attname) for field in fields} - {None}
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    for field in fields:
        field.set_cached_value(ticket, users.get(getattr(ticket, field.attname)))


def get_ticket(user: Any, pk: Any) -> Ticket:
    try:
        # Unordered: one row by its key (``first()`` would order it by the
        # tickets' default order, ~1 ms of the ORM's compiling).
        ticket = next(iter(ticket_queryset(user).filter(pk=int(pk)).order_by()[:1]), None)
    except (TypeError, ValueError):
        ticket = None
    if ticket is None:
        raise Http404
    attach_users(ticket)
    return ticket


def works(user: Any, ticket: Ticket) -> bool:
    """Whether ``user`` works this ticket (actions, side column)."""
    return can(user, Ticket, "change") and establishment_allowed(user, ticket.establishment_id)


# --- optional parts ---------------------------------------------------------------------
def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def url_exists(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@lru_cache(maxsize=8)
def static_exists(path: str) -> bool:
    return bool(finders.find(path))


def description_html(text: str) -> str:
    """The description as sanitised Markdown when the desk's filter is
    installed, else as escaped text with its line breaks."""
    try:
        from caducee.desk.templatetags.desk_text import markdown
    except ImportError:
        return mark_safe(linebreaks(escape(text or "")))  # noqa: S308  (escaped first)
    return markdown(text or "")


def work_parts(request: Any, ticket: Ticket) -> dict[str, Any]:
    """The timeline and the reply/note form of the comments part
    (``caducee.desk.views.comments.work_context``), or nothing when that
    part is not installed."""
    if not (
        template_exists("desk/partials/timeline.html")
        and template_exists("desk/partials/comment_form.html")
    ):
        return {}
    try:
        from caducee.desk.views.comments import work_context
    except ImportError:
        return {}
    return {**work_context(request, ticket), "work_parts": True}


def ticket_links(ticket: Ticket) -> dict[str, list[TicketLink]]:
    """The links from and to ``ticket`` in one query, with the other
    ticket's number (all the page shows of it)."""
    links = (
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
        .select_related("source", "target")
        .only("kind", "source", "target", "source__number", "target__number")
    )
    result: dict[str, list[TicketLink]] = {"links_out": [], "links_in": []}
    for link in links:
        result["links_out" if link.source_id == ticket.pk else "links_in"].append(link)
    return result


# --- the side column --------------------------------------------------------------------
def impact_summary(items: list[ConfigurationItem], user: Any) -> dict[str, Any] | None:
    """What the ticket's items take down: for all of them together (units
    reached, people, patient safety) and for each one."""
    if not items:
        return None
    from caducee.cmdb.services.graph import get_graph
    from caducee.cmdb.services.impact import analyse_impact

    try:
        graph = get_graph()
        total = analyse_impact([item.pk for item in items], graph=graph)
        each = [(item, analyse_impact([item.pk], graph=graph)) for item in items]
    except DomainError:  # an item the graph does not know yet
        return None
    reached = total.care_units[:UNITS_SHOWN]
    visible = {}
    if can(user, CareUnit, "view") and reached:
        visible = {
            unit.pk: unit
            for unit in CareUnit.objects.restrict(user, "view").filter(
                pk__in=[u.id for u in reached]
            )
        }
    units = [
        {
            "unit": visible.get(u.id),
            "criticality": Criticality(u.criticality),
            "life_critical": u.criticality == Criticality.LIFE_CRITICAL,
            "people": u.people,
        }
        for u in reached
    ]
    highest = total.highest_criticality
    return {
        "highest": highest,
        "life_critical": highest == Criticality.LIFE_CRITICAL,
        "people": total.people,
        "patient_safety": total.patient_safety,
        "units": units,
        "units_total": len(total.care_units),
        "units_hidden": sum(1 for u in units if u["unit"] is None),
        "items": [
            {
                "item": item,
                "highest": result.highest_criticality,
                "people": result.people,
                "units": len(result.care_units),
                "patient_safety": result.patient_safety,
                "impact_url": url_exists("cmdb:configurationitem_impact", item.pk),
            }
            for item, result in each
        ],
    }


def my_group_for(ticket: Ticket, user: Any) -> AssignmentGroup | None:
    """The group in which ``user`` takes the ticket: its own group when they
    belong to it, else their first active group serving its establishment."""
    groups = AssignmentGroup.of_user(user)
    if ticket.assignment_group_id and groups.filter(pk=ticket.assignment_group_id).exists():
        return ticket.assignment_group
    return (
        groups.filter(establishment__in=[ticket.establishment_id]).order_by("level", "pk").first()
        or groups.filter(establishment__isnull=True).order_by("level", "pk").first()
    )


# --- the actions ------------------------------------------------------------------------
def transition_actions(
    ticket: Ticket, user: Any, bound: TransitionForm | None = None
) -> list[dict[str, Any]]:
    """One form per move allowed from the ticket's status, with the fields
    the destination needs; the three waits share one form, the reopenings
    are one "Reopen"."""
    allowed = ticket.allowed_transitions()
    version = ticket.version
    # Built once for the page's several forms.
    groups = transition_groups(user, ticket)
    group_options = choices.group_choices(user, ticket.establishment_id)
    actions: list[dict[str, Any]] = []

    def add(to: str, label: str, **extra: Any) -> None:
        fields = ACTION_FIELDS.get(to, [])
        form = None
        if bound is not None and bound.data.get("action") == to:
            form = bound
        if form is None:
            form = TransitionForm(
                user=user,
                ticket=ticket,
                groups=groups,
                group_options=group_options,
                auto_id=f"transition-{to}-%s",
                initial={"to": extra.pop("to_value", to), "version": version},
            )
        else:
            extra.pop("to_value", None)
        # The group and assignee lists (hundreds of accounts) written in Python.
        lighten(form)
        actions.append(
            {
                "to": to,
                "label": label,
                "fields": [form[name] for name in fields],
                "form": form,
                "open": form.is_bound and bool(form.errors),
                **extra,
            }
        )

    if Status.ASSIGNED in allowed:
        label = _("Reassign") if ticket.assignment_group_id else _("Assign")
        add(Status.ASSIGNED, label)
    if Status.IN_PROGRESS in allowed and ticket.status != Status.RESOLVED:
        label = _("Resume") if ticket.status in WAITING_STATUSES else _("Start work")
        add(Status.IN_PROGRESS, label)
    waits = [s for s in Status if s in WAITING_STATUSES and s in allowed]
    if waits:
        add("waiting", _("Put on hold"), waits=waits, to_value=waits[0])
    if Status.RESOLVED in allowed:
        add(Status.RESOLVED, _("Resolve"), shortcut="s")
    if Status.CLOSED in allowed:
        add(Status.CLOSED, _("Close"))
    if ticket.status == Status.RESOLVED and allowed & REOPEN_STATUSES:
        add(REOPEN, _("Reopen"))
    if Status.CANCELLED in allowed:
        add(Status.CANCELLED, _("Cancel the ticket"))
    return actions


def orphan_errors(form: TransitionForm | None, actions: list[dict[str, Any]]) -> list[str]:
    """The errors of a move the page offers no form for (not allowed from
    this status, unknown): shown at the top of the actions."""
    if form is None or not form.errors or any(a["form"] is form for a in actions):
        return []
    return [message for messages in form.errors.values() for message in messages]


def page_context(
    request: Any,
    ticket: Ticket,
    *,
    transition_form: TransitionForm | None = None,
    priority_form: PriorityOverrideForm | None = None,
    items_form: TicketItemsForm | None = None,
    take_error: str | None = None,
) -> dict[str, Any]:
    user = request.user
    agent = works(user, ticket)
    items = list(ticket.configuration_items.all())
    context: dict[str, Any] = {
        "ticket": ticket,
        "object": ticket,
        "agent": agent,
        "is_problem": ticket.kind == TicketKind.PROBLEM,
        "description_html": description_html(ticket.description),
        "items": items,
        "tags": list(ticket.tags.all()),
        "watchers": list(ticket.watchers.all()),
        **ticket_links(ticket),
        "panels": panels_for(ticket, request),
        "tabs": ticket_tabs(ticket, "detail", agent=agent),
        "workspace_js": static_exists("desk/workspace.js"),
        "shortcuts_help": template_exists("desk/partials/shortcuts_help.html"),
        **work_parts(request, ticket),
    }
    if not agent:
        return context
    open_ = not ticket.is_final
    actions = transition_actions(ticket, user, transition_form)
    context.update(
        {
            "can_edit": open_,
            "edit_url": reverse("desk:ticket_edit", args=[ticket.pk]) if open_ else None,
            "actions": actions,
            "transition_errors": orphan_errors(transition_form, actions),
            "can_take": open_
            and ticket.status != Status.RESOLVED
            and ticket.assignee_id != user.pk,
            "take_error": take_error,
            "priority_form": lighten(
                priority_form
                or PriorityOverrideForm(
                    auto_id="priority-%s",
                    initial={"version": ticket.version, "priority": ticket.priority},
                )
            ),
            "items_form": items_form
            or TicketItemsForm(user=user, auto_id="items-%s", initial={"version": ticket.version}),
            "impact": impact_summary(items, user),
            "similar": requester_services.similar_tickets(ticket, user=user),
        }
    )
    if ticket.requester_id:
        context["card"] = requester_services.requester_card(
            ticket.requester, user=user, exclude_ticket=ticket.pk
        )
    return context


def ticket_tabs(ticket: Ticket, active: str, *, agent: bool) -> list[dict[str, Any]]:
    """The page's tabs; the history (the audit trail) is for those who work tickets."""
    tabs = [("detail", _("Ticket"), reverse("desk:ticket_detail", args=[ticket.pk]))]
    if agent:
        tabs.append(("history", _("History"), reverse("desk:ticket_history", args=[ticket.pk])))
    return [
        {"key": key, "label": label, "url": url, "active": key == active}
        for key, label, url in tabs
    ]
