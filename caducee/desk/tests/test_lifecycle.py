"""The lifecycle: every move of the status × status grid is either allowed
by ``TRANSITIONS`` and audited with its from/to, or refused with a message
naming both statuses and nothing changed; reopening is bound by the delay;
closed and cancelled are final (a closed ticket may only be reopened within
the delay); each destination has its guards."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import override_settings
from django.utils import timezone

from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError
from caducee.desk.models import (
    REOPEN_STATUSES,
    TRANSITIONS,
    ResolutionCode,
    Status,
    Ticket,
    TicketKind,
)
from caducee.desk.services.tickets import (
    assign,
    cancel,
    close,
    reopen,
    resolve,
    resume,
    start,
    transition,
    update_ticket,
    wait,
)

pytestmark = pytest.mark.django_db

GRID = list(itertools.product(Status.values, Status.values))
ALLOWED = [(a, b) for a, b in GRID if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in GRID if b not in TRANSITIONS[a]]


def _ids(pairs):
    return [f"{a}->{b}" for a, b in pairs]


def put_in(ticket: Ticket, status: str, *, unassigned: bool = False) -> Ticket:
    """Arrange a ticket in ``status`` (test set-up only: the product moves
    tickets through ``transition``)."""
    fields = {"status": status}
    if status in (Status.RESOLVED, Status.CLOSED):
        fields.update(resolved_at=timezone.now(), resolution_code=ResolutionCode.FIXED)
    if status == Status.CLOSED:
        fields.update(closed_at=timezone.now())
    if unassigned:
        fields.update(assignment_group=None, assignee=None)
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def worked(new_ticket, desk):
    """An incident of A assigned to the desk group and its agent."""
    ticket = new_ticket()
    return assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)


def arguments_for(to: str) -> dict:
    if to == Status.RESOLVED:
        return {"resolution_code": ResolutionCode.FIXED, "resolution_notes": "Câble remplacé."}
    return {"reason": "Test du cycle de vie"}


def test_the_grid_covers_every_status_pair():
    assert len(GRID) == len(Status.values) ** 2 == len(ALLOWED) + len(REFUSED)
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    assert TRANSITIONS[Status.CLOSED] == REOPEN_STATUSES
    assert set(TRANSITIONS) == set(Status.values)


@pytest.mark.parametrize(("source", "to"), ALLOWED, ids=_ids(ALLOWED))
def test_allowed_move_is_made_and_audited(worked, desk, source, to):
    ticket = put_in(worked, source, unassigned=to == Status.NEW)
    version = ticket.version
    moved = transition(ticket, actor=desk.agent, to=to, **arguments_for(to))
    assert moved.status == to
    assert moved.version == version + 1
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.version) == (to, version + 1)
    event = AuditEvent.objects.filter(event="desk.status_changed", object_id=str(ticket.pk)).latest(
        "seq"
    )
    assert event.data["from"] == source
    assert event.data["to"] == to
    assert event.actor_id == desk.agent.pk
    assert event.establishment_id == ticket.establishment_id


@pytest.mark.parametrize(("source", "to"), REFUSED, ids=_ids(REFUSED))
def test_refused_move_names_both_statuses_and_changes_nothing(worked, desk, source, to):
    ticket = put_in(worked, source)
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        transition(ticket, actor=desk.agent, to=to, **arguments_for(to))
    assert exc.value.code == "invalid_transition"
    assert exc.value.field == "status"
    assert str(exc.value) == (
        f"A ticket cannot go from “{Status(source).label}” to “{Status(to).label}”."
    )
    assert Ticket.objects.filter(pk=ticket.pk).values().get() == before
    assert AuditEvent.objects.count() == events


def test_unknown_status_is_the_fields_error(worked, desk):
    with pytest.raises(DomainError) as exc:
        transition(worked, actor=desk.agent, to="on_hold")
    assert exc.value.field == "status"


def test_a_day_of_work_through_the_wrappers(new_ticket, desk):
    ticket = new_ticket()
    assert (ticket.status, ticket.assigned_at) == (Status.NEW, None)
    ticket = assign(ticket, actor=desk.agent, group=desk.desk_a)
    assert ticket.status == Status.ASSIGNED and ticket.assigned_at is not None
    first_assigned = ticket.assigned_at
    ticket = start(ticket, actor=desk.agent)  # nobody had it: the agent takes it
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, desk.agent)
    ticket = wait(ticket, actor=desk.agent, on="requester", reason="Numéro de poste ?")
    assert ticket.status == Status.WAITING_REQUESTER
    ticket = wait(ticket, actor=desk.agent, on="vendor", reason="Pièce commandée")
    assert ticket.status == Status.WAITING_VENDOR
    ticket = resume(ticket, actor=desk.agent)
    ticket = resolve(ticket, actor=desk.agent, code=ResolutionCode.FIXED, notes="Alimentation")
    assert ticket.status == Status.RESOLVED and ticket.resolved_at is not None
    assert (ticket.resolution_code, ticket.resolution_notes) == ("fixed", "Alimentation")
    ticket = close(ticket, actor=desk.agent)
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    assert ticket.assigned_at == first_assigned  # the first assignment is what the SLA reads
    moves = AuditEvent.objects.filter(event="desk.status_changed", object_id=str(ticket.pk))
    assert [(e.data["from"], e.data["to"]) for e in moves.order_by("seq")] == [
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "waiting_requester"),
        ("waiting_requester", "waiting_vendor"),
        ("waiting_vendor", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]


def test_waiting_on_something_else_is_refused(worked, desk):
    ticket = start(worked, actor=desk.agent)
    with pytest.raises(DomainError) as exc:
        wait(ticket, actor=desk.agent, on="godot")
    assert exc.value.field == "waiting_on"


def resolved_days_ago(ticket: Ticket, days: float) -> Ticket:
    ticket = put_in(ticket, Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=days))
    return Ticket.objects.get(pk=ticket.pk)


def test_reopen_within_the_delay_goes_back_to_the_assignee(worked, desk):
    ticket = resolved_days_ago(worked, 6.9)
    ticket = reopen(ticket, actor=desk.agent, reason="Le poste s'éteint encore")
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, desk.agent)
    assert ticket.reopened_count == 1
    assert (ticket.resolved_at, ticket.resolution_code) == (None, "")
    event = AuditEvent.objects.filter(event="desk.status_changed").latest("seq")
    assert event.data == {
        "from": "resolved",
        "to": "in_progress",
        "reason": "Le poste s'éteint encore",
    }


def test_reopen_goes_to_the_group_or_to_new_without_an_assignee(worked, new_ticket, desk):
    Ticket.objects.filter(pk=worked.pk).update(assignee=None)
    ticket = reopen(resolved_days_ago(worked, 1), actor=desk.agent, reason="Encore")
    assert ticket.status == Status.ASSIGNED
    alone = put_in(new_ticket(), Status.RESOLVED)
    assert reopen(alone, actor=desk.agent, reason="Encore").status == Status.NEW


def test_reopen_after_the_delay_is_refused(worked, desk):
    ticket = resolved_days_ago(worked, 7.1)
    with pytest.raises(Conflict) as exc:
        reopen(ticket, actor=desk.agent, reason="Trop tard")
    assert exc.value.code == "reopen_expired"
    assert "7 days" in str(exc.value)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


@override_settings(CADUCEE_DESK_REOPEN_DAYS=30)
def test_the_reopen_delay_is_a_setting(worked, desk):
    ticket = resolved_days_ago(worked, 20)
    assert reopen(ticket, actor=desk.agent, reason="Récidive").status == Status.IN_PROGRESS


def test_reopen_needs_a_reason(worked, desk):
    with pytest.raises(DomainError) as exc:
        reopen(resolved_days_ago(worked, 1), actor=desk.agent, reason="  ")
    assert exc.value.field == "reason"


def test_a_closed_ticket_reopens_within_the_delay(worked, desk):
    ticket = put_in(worked, Status.CLOSED)
    ticket = reopen(ticket, actor=desk.agent, reason="La panne est revenue")
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, desk.agent)
    assert (ticket.closed_at, ticket.resolved_at, ticket.reopened_count) == (None, None, 1)


@pytest.mark.parametrize("final", [Status.CLOSED, Status.CANCELLED])
def test_closed_and_cancelled_are_final(worked, desk, final):
    ticket = put_in(worked, final)
    # Past the delay, a closed ticket is as final as a cancelled one.
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=8))
    ticket = Ticket.objects.get(pk=ticket.pk)
    for move in (
        lambda: reopen(ticket, actor=desk.agent, reason="Encore"),
        lambda: transition(ticket, actor=desk.agent, to=Status.IN_PROGRESS),
        lambda: cancel(ticket, actor=desk.agent, reason="Doublon"),
    ):
        with pytest.raises(DomainError):
            move()
    with pytest.raises(Conflict) as exc:
        update_ticket(ticket, actor=desk.agent, changes={"title": "Corrigé"})
    assert exc.value.code == "final"
    assert Ticket.objects.get(pk=ticket.pk).status == final


def test_cancel_needs_a_reason_and_is_stamped(worked, desk):
    with pytest.raises(DomainError) as exc:
        cancel(worked, actor=desk.agent, reason="")
    assert exc.value.field == "reason"
    ticket = cancel(worked, actor=desk.agent, reason="Appel en double")
    assert ticket.status == Status.CANCELLED and ticket.cancelled_at is not None
    assert ticket.closed_at is None


def test_resolve_needs_a_known_resolution_code(worked, desk):
    ticket = start(worked, actor=desk.agent)
    for code in ("", "magic"):
        with pytest.raises(DomainError) as exc:
            resolve(ticket, actor=desk.agent, code=code)
        assert exc.value.field == "resolution_code"
    with pytest.raises(DomainError) as exc:
        transition(ticket, actor=desk.agent, to=Status.WAITING_VENDOR, resolution_code="fixed")
    assert exc.value.field == "resolution_code"


def test_a_problem_is_resolved_once_its_root_cause_is_known(new_ticket, desk):
    problem = new_ticket(kind=TicketKind.PROBLEM, title="Coupures réseau répétées", requester=None)
    problem = assign(problem, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)
    with pytest.raises(DomainError) as exc:
        resolve(problem, actor=desk.agent, code=ResolutionCode.FIXED)
    assert exc.value.field == "root_cause"
    problem = update_ticket(
        problem, actor=desk.agent, changes={"root_cause": "Firmware du commutateur"}
    )
    assert resolve(problem, actor=desk.agent, code=ResolutionCode.FIXED).status == Status.RESOLVED


def test_in_progress_needs_someone_and_assigned_needs_a_group(new_ticket, desk):
    ticket = new_ticket()
    with pytest.raises(DomainError) as exc:
        transition(ticket, actor=desk.agent, to=Status.ASSIGNED)
    assert exc.value.field == "assignment_group"
    with pytest.raises(DomainError) as exc:
        transition(ticket, actor=desk.agent, to=Status.IN_PROGRESS)
    assert exc.value.field == "assignee"


def test_reassigning_to_another_group_drops_the_assignee_and_sets_the_level(worked, desk):
    ticket = start(worked, actor=desk.agent)
    assert ticket.support_level == "l1"
    ticket = assign(ticket, actor=desk.agent, group=desk.network)
    assert (ticket.status, ticket.assignee, ticket.support_level) == (Status.ASSIGNED, None, "l2")
    ticket = assign(ticket, actor=desk.agent, group=desk.network, assignee=desk.engineer)
    assert ticket.assignee == desk.engineer


def test_a_requester_cannot_move_tickets(worked, ght, make_user):
    from caducee.core import roles
    from caducee.core.services.errors import PermissionDenied

    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    with pytest.raises(PermissionDenied):
        cancel(worked, actor=requester, reason="Plus besoin")


def test_the_ticket_of_someone_who_left_the_team_can_still_be_resolved(worked, desk):
    ticket = start(worked, actor=desk.agent)
    desk.desk_a.team.members.remove(desk.agent_person)
    ticket = resolve(ticket, actor=desk.engineer, code=ResolutionCode.FIXED)
    assert ticket.status == Status.RESOLVED
    # Reopened, it goes back to the group's queue, not to someone outside it.
    ticket = reopen(ticket, actor=desk.engineer, reason="Encore")
    assert (ticket.status, ticket.assignee) == (Status.ASSIGNED, None)
    with pytest.raises(DomainError) as exc:
        assign(ticket, actor=desk.engineer, group=desk.desk_a, assignee=desk.agent)
    assert exc.value.field == "assignee"
