"""Every change of a ticket: creation, edits, items, priority override.

Rule (STYLE.md principle 5; issue "Service desk core"): pages, the API,
e-mail, monitoring and tasks change tickets only through these functions
and those of ``lifecycle`` (status) and ``links`` (related tickets), which
this module re-exports so that one import gives the whole desk. Each one is
atomic, takes the acting user keyword-only, checks the role permission and
the establishment scope (``core.services.scoping``), applies its rule,
saves through ``core.services.objects`` (validation and the object's audit
event) and records the business event (status changed, priority
overridden…) in the same transaction.

No lost updates (optimistic concurrency): each write reloads the ticket
``SELECT … FOR UPDATE``, applies only what it changes to that fresh row,
and adds one to ``version``. A caller that read version *n* passes
``expected_version=n``: if someone wrote in between, ``Conflict`` (code
``stale``) is raised and nothing is changed — the API maps it to 409 and
exposes ``version`` as the ETag. The functions return the saved ticket; the
instance passed in is left as it was read.

Priority (``caducee.desk.services.priority``) is computed at creation and
again when its inputs change: the items (``set_items``), the urgency, the
care unit or the requester (``update_ticket``); other edits leave it alone,
so an SLA deadline never moves because a title was corrected.

Override semantics: an agent's override (with a mandatory reason, kept on
the ticket and in the trail) sticks — later computations update
``computed_priority``, the impact and the patient-safety flag, not
``priority`` — until an agent clears it, which restores the computed
priority. One exception, for patient safety: a computation that newly finds
a patient-safety-critical item down (P1) which the override did not know
of lifts the override, with its own audit event (``desk.priority_override_lifted``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.models import ConfigurationItem, Priority
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can
from caducee.desk.models import NotificationKind, Status, Tag, Ticket, normalise_tag
from caducee.desk.services import configuration
from caducee.desk.services.common import (
    announce,
    apply_assessment,
    check_assignment,
    clear_override_fields,
    locked,
    record_event,
    record_m2m,
    refuse_final,
    require,
    save,
)
from caducee.desk.services.lifecycle import (
    UNSET,
    apply_move,
    assign,
    cancel,
    close,
    reopen,
    reopen_days,
    resolve,
    resume,
    start,
    transition,
    wait,
)
from caducee.desk.services.links import link_tickets, unlink_tickets
from caducee.desk.services.notifications import notify
from caducee.desk.services.numbering import next_number
from caducee.desk.services.priority import compute_priority
from caducee.desk.services.routing import Placement, place_new_ticket, record_placement
from caducee.desk.signals import ticket_recording

__all__ = [
    "EDITABLE_FIELDS",
    "UNSET",
    "assign",
    "cancel",
    "clear_priority_override",
    "close",
    "create_ticket",
    "link_tickets",
    "override_priority",
    "reopen",
    "reopen_days",
    "resolve",
    "resume",
    "set_items",
    "start",
    "transition",
    "unlink_tickets",
    "update_ticket",
    "wait",
]

#: What ``update_ticket`` may change; everything else has its own function.
EDITABLE_FIELDS = (
    "title",
    "description",
    "requester",
    "channel",
    "establishment",
    "location",
    "care_unit",
    "category",
    "urgency",
    "support_level",
    "root_cause",
    "workaround",
    "known_error",
)
#: Many-to-many fields ``update_ticket`` may replace.
M2M_FIELDS = ("tags", "watchers")
#: Edits after which the priority is computed again (its inputs).
PRIORITY_INPUTS = frozenset({"requester", "care_unit", "urgency"})
#: Fields the service sets at creation, whatever the caller put there.
SERVICE_FIELDS = (
    "number",
    "status",
    "impact",
    "impact_source",
    "priority",
    "computed_priority",
    "patient_safety",
    "priority_overridden",
    "priority_override_reason",
    "priority_overridden_by",
    "priority_overridden_at",
    "resolution_code",
    "first_response_at",
    "assigned_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "reopened_count",
    "response_due",
    "resolution_due",
    "version",
)


def _ids(values: Iterable[Any], field: str) -> list[int]:
    """Objects or ids, as sorted distinct ids; anything else is the field's error."""
    ids = set()
    for value in values:
        value = getattr(value, "pk", value)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DomainError(_("Give records or their ids."), field=field)
        try:
            ids.add(int(value))
        except ValueError as exc:
            raise DomainError(_("Give records or their ids."), field=field) from exc
    return sorted(ids)


def _items(actor: Any, ticket: Ticket, items: Iterable[Any]) -> list[ConfigurationItem]:
    """The items named (objects or ids), each visible to the actor and of the
    ticket's establishment or shared by the GHT."""
    ids = _ids(items, "configuration_items")
    # Unordered in SQL (ordering these wide rows costs the ORM more than
    # the sort), in id order here.
    visible = ConfigurationItem.objects.restrict(actor, "view").filter(pk__in=ids).order_by()
    found = sorted(visible, key=lambda item: item.pk)
    if len(found) != len(ids):
        raise DomainError(
            _("Unknown configuration items, or outside your scope."), field="configuration_items"
        )
    for item in found:
        if item.establishment_id not in (None, ticket.establishment_id):
            raise DomainError(
                _("%(item)s belongs to another establishment: record it on a ticket there.")
                % {"item": item},
                field="configuration_items",
            )
    return found


def _tags(actor: Any, names: Iterable[str]) -> list[Tag]:
    wanted = sorted({normalise_tag(name) for name in names} - {""})
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    for name in wanted:
        if name in tags:
            continue
        try:
            tags[name] = object_services.create_object(Tag(name=name), actor=actor)
        except ValidationError as exc:
            raise DomainError(
                _("“%(tag)s”: %(error)s") % {"tag": name, "error": " ".join(exc.messages)},
                field="tags",
            ) from exc
    return [tags[name] for name in wanted]


def _watchers(users: Iterable[Any]) -> list[Any]:
    ids = _ids(users, "watchers")
    found = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(ids):
        raise DomainError(_("Unknown or deactivated accounts."), field="watchers")
    return found


def _check_category(ticket: Ticket) -> None:
    """An active category, with those above it attached (routing and the
    SLA policies match on the chain), from the tree kept per process."""
    if not ticket.category_id:
        return
    category = configuration.active_category(ticket.category_id)
    if category is None:
        raise DomainError(_("This category is no longer in use."), field="category")
    ticket.category = category


# --- creation and edits ----------------------------------------------------------------
def create_ticket(
    ticket: Ticket,
    *,
    actor: Any,
    items: Iterable[Any] = (),
    tags: Iterable[str] = (),
    watchers: Iterable[Any] = (),
) -> Ticket:
    """Record a new ticket: numbered, priority computed, status new.

    ``ticket`` is unsaved; the fields the service owns (number, status,
    priority, timestamps, version…) are set here whatever it holds. With an
    assignment group (and assignee) already chosen, the ticket is assigned
    in the same transaction (a second, audited step), a member picked when
    the group assigns automatically; without, the routing rules choose the
    group (``caducee.desk.services.routing.place_new_ticket``). A requester
    who does not work tickets may only ask for themselves.

    Cost (issue 4: a creation through the API in under 30 ms): the ticket
    is inserted once, already assigned, and its events — creation, items,
    the assignment's update event, clocks, status change, routing — are
    those a creation followed by ``transition`` would write, in one append
    to the trail (``audit.batch``).
    """
    ticket.__dict__.pop(audit.INITIAL_VALUES, None)  # left by a failed attempt
    if ticket.pk is not None:
        raise DomainError(_("This ticket is already recorded."))
    if ticket.establishment_id is None:
        raise DomainError(_("Choose the establishment."), field="establishment")
    require(actor, ticket, "add")
    if not can(actor, Ticket, "change") and (
        ticket.requester_id is None or ticket.requester.user_id != actor.pk
    ):
        raise PermissionDenied(_("You may only ask for yourself."), field="requester")
    group, assignee = ticket.assignment_group, ticket.assignee
    if assignee is not None and group is None:
        raise DomainError(_("Choose the assignment group first."), field="assignee")
    for name in SERVICE_FIELDS:
        field = Ticket._meta.get_field(name)
        setattr(ticket, field.attname, field.get_default())
    ticket.assignment_group = None
    ticket.assignee = None
    ticket.created_by = actor if getattr(actor, "pk", None) else None
    _check_category(ticket)
    found = _items(actor, ticket, items) if items else []
    tag_names = list(tags)
    people = _watchers(watchers) if watchers else []
    with transaction.atomic(), audit.batch():
        apply_assessment(
            ticket, compute_priority(ticket, item_ids=[i.pk for i in found]), actor=actor
        )
        ticket.number = next_number(ticket.kind)
        placement = place_new_ticket(
            ticket, actor=actor, group=group, assignee=assignee, items=found
        )
        recorded = _assign_before_insert(ticket, placement) if placement else None
        ticket_recording.send(sender=Ticket, ticket=ticket, actor=actor)
        object_services.create_object(ticket, actor=actor, guaranteed=("number",), savepoint=False)
        _add_related(actor, ticket, "configuration_items", found)
        _add_related(actor, ticket, "tags", _tags(actor, tag_names) if tag_names else [])
        _add_related(actor, ticket, "watchers", people)
        announce(ticket, actor=actor, created=True)
        if placement is not None:
            # The assignment's own update event, as a second save would have written it.
            with context.acting_as(placement.actor):
                audit.record_save(
                    ticket, before={**audit.snapshot(ticket), **recorded}, created=False
                )
            record_placement(ticket, placement, source=Status.NEW)
        _tell_recorded(ticket, actor=actor)
    return ticket


def _tell_recorded(ticket: Ticket, *, actor: Any) -> None:
    """The requester learns the ticket's number (by their preferences)."""
    requester = ticket.requester
    notify(
        [requester.user_id] if requester is not None else [],
        ticket=ticket,
        kind=NotificationKind.CREATED,
        message=_("Your request is recorded as %(number)s: %(title)s")
        % {"number": ticket.number, "title": ticket.title},
        actor=actor,
    )


#: What assigning a new ticket changes (see ``_assign_before_insert``).
ASSIGNMENT_FIELDS = (
    "status",
    "assignment_group",
    "assignee",
    "support_level",
    "assigned_at",
    "version",
)


def _assign_before_insert(ticket: Ticket, placement: Placement) -> dict[str, Any]:
    """Apply the assignment to the ticket about to be inserted, as
    ``transition`` would to the saved one (the same checks and the version
    that a second write would have given it), so that it is written once.
    The create event records the ticket as it was before (``audit.INITIAL_VALUES``);
    returns those values for the assignment's update event."""
    require(placement.actor, ticket, "change")  # what ``transition`` checks of its actor
    before = {
        name: getattr(ticket, Ticket._meta.get_field(name).attname) for name in ASSIGNMENT_FIELDS
    }
    apply_move(
        ticket,
        to=Status.ASSIGNED,
        assignment_group=placement.group,
        assignee=placement.assignee,
        now=timezone.now(),
    )
    ticket.version += 1
    initial = {
        name: value
        for name, value in before.items()
        if getattr(ticket, Ticket._meta.get_field(name).attname) != value
    }
    setattr(ticket, audit.INITIAL_VALUES, initial)
    return {name: audit.to_jsonable(value) for name, value in initial.items()}


def _add_related(actor: Any, ticket: Ticket, name: str, objects: list[Any]) -> None:
    """Fill a many-to-many field of a ticket just inserted: one insert, one
    audit event (it had nothing before). The ticket then holds the list as a
    prefetch would, so whoever shows it next (the API's answer) reads nothing."""
    if objects:
        field = Ticket._meta.get_field(name)
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        through.objects.bulk_create([through(**{source: ticket, target: obj}) for obj in objects])
        record_m2m(actor, ticket, name, [], [obj.pk for obj in objects])
    _hold(ticket, name, objects)


def _hold(ticket: Ticket, name: str, objects: list[Any]) -> None:
    """Keep ``objects`` as the ticket's ``name`` list, in the related model's
    order, as ``prefetch_related`` keeps one (an order that Python cannot
    reproduce simply — descending, or across a relation — is not kept).
    An empty list is held as an empty queryset: whatever is asked of it
    (a filter, a count) answers nothing without a query, as the database
    would for the ticket just recorded."""
    cache = ticket.__dict__.setdefault("_prefetched_objects_cache", {})
    if not objects:
        related = Ticket._meta.get_field(name).related_model._default_manager.none()
        related._result_cache = []
        related._prefetch_done = True
        cache[name] = related
        return
    related = getattr(ticket, name).all()
    ordering = related.query.order_by or related.model._meta.ordering
    if any(not isinstance(key, str) or key.startswith("-") or "__" in key for key in ordering):
        return
    names = [
        "pk" if key == "pk" else related.model._meta.get_field(key).attname for key in ordering
    ]
    related._result_cache = sorted(objects, key=lambda obj: [getattr(obj, n) for n in names])
    related._prefetch_done = True
    cache[name] = related


def update_ticket(
    ticket: Ticket,
    *,
    actor: Any,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Ticket:
    """Change the fields an agent edits (``EDITABLE_FIELDS``, tags and
    watchers). Assignment, status, items and priority have their own
    functions. Closed and cancelled tickets are final."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS) - set(M2M_FIELDS))
    if unknown:
        raise DomainError(
            _("These fields are not changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            field=unknown[0],
        )
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        changed = set()
        for name in EDITABLE_FIELDS:
            if name not in changes:
                continue
            attname = Ticket._meta.get_field(name).attname
            before = getattr(current, attname)
            setattr(current, name, changes[name])
            if getattr(current, attname) != before:
                changed.add(name)
        if "category" in changed:
            _check_category(current)
        if "establishment" in changed:
            check_assignment(current)
            _items(actor, current, current.configuration_items.all())
        if changed & PRIORITY_INPUTS:
            apply_assessment(current, compute_priority(current), actor=actor)
        m2m: dict[str, list] = {}
        if "tags" in changes:
            m2m["tags"] = _tags(actor, changes["tags"])
        if "watchers" in changes:
            m2m["watchers"] = _watchers(changes["watchers"])
        m2m_before = {
            name: list(getattr(current, name).values_list("pk", flat=True)) for name in m2m
        }
        m2m_changed = {
            name
            for name, values in m2m.items()
            if sorted(v.pk for v in values) != sorted(m2m_before[name])
        }
        if not changed and not m2m_changed:
            return current
        current = save(current, actor=actor)
        for name in m2m_changed:
            getattr(current, name).set(m2m[name])
            record_m2m(actor, current, name, m2m_before[name], [v.pk for v in m2m[name]])
    return current


def set_items(
    ticket: Ticket,
    *,
    actor: Any,
    items: Iterable[Any],
    expected_version: int | None = None,
) -> Ticket:
    """Replace the ticket's configuration items and compute its priority
    again (an override sticks; see the module docstring)."""
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        found = _items(actor, current, items)
        before = sorted(current.configuration_items.values_list("pk", flat=True))
        after = sorted(item.pk for item in found)
        if before == after:
            return current
        current.configuration_items.set(found)
        apply_assessment(current, compute_priority(current, item_ids=after), actor=actor)
        current = save(current, actor=actor)
        record_m2m(actor, current, "configuration_items", before, after)
    return current


# --- priority override -----------------------------------------------------------------
def override_priority(
    ticket: Ticket,
    *,
    actor: Any,
    priority: int,
    reason: str,
    expected_version: int | None = None,
) -> Ticket:
    """Set the priority by hand. The reason is mandatory and kept on the
    ticket and in the trail; the computed priority stays alongside."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the priority is overridden."), field="reason")
    if priority not in Priority.values:
        raise DomainError(_("Choose a priority from P1 to P5."), field="priority")
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        previous = current.priority
        current.priority = priority
        current.priority_overridden = True
        current.priority_override_reason = reason
        current.priority_overridden_by = actor
        current.priority_overridden_at = timezone.now()
        current = save(current, actor=actor)
        record_event(
            actor,
            "desk.priority_overridden",
            current,
            {
                "from": previous,
                "to": priority,
                "computed": current.computed_priority,
                "reason": reason,
            },
        )
    return current


def clear_priority_override(
    ticket: Ticket, *, actor: Any, expected_version: int | None = None
) -> Ticket:
    """Give the ticket back the priority the rules compute."""
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        if not current.priority_overridden:
            raise Conflict(_("The priority is not overridden."), code="not_overridden")
        previous = current.priority
        clear_override_fields(current)
        apply_assessment(current, compute_priority(current), actor=actor)
        current = save(current, actor=actor)
        record_event(
            actor,
            "desk.priority_override_cleared",
            current,
            {"from": previous, "to": current.priority},
        )
    return current
