"""Warnings and breaches as the desk lives them: raised once each by the
periodic check (a second run does nothing), recorded on the ticket,
notified to whoever works it, and escalated as the policy says — to the
group's manager (who becomes a watcher) or to the next support level (the
ticket is handed on, unless its status does not allow it: then the trail
says why). An OLA breach tells the group's manager."""

from __future__ import annotations

import pytest

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.desk.models import Notification, Status, Ticket
from caducee.desk.services.routing import SYSTEM_USERNAME
from caducee.sla.models import ClockKind, Escalation, SlaClock
from caducee.sla.services.escalation import check_clocks
from caducee.sla.tasks import check_sla_clocks
from caducee.sla.tests.sla_data import paris, restart_at, set_state

pytestmark = pytest.mark.django_db


def sla_events(ticket) -> list[tuple[str, dict, str]]:
    rows = AuditEvent.objects.filter(
        object_type="desk.ticket",
        object_id=str(ticket.pk),
        event__in=["sla.warning", "sla.breached", "sla.escalation_skipped"],
    ).order_by("seq")
    return [(e.event, e.data, e.actor_label) for e in rows]


def inbox(user, kind=None) -> list[str]:
    rows = Notification.objects.filter(recipient=user)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("message", flat=True))


@pytest.fixture
def manager(ght, make_user, desk, admin_user):
    user = make_user(roles.GROUP_MANAGER, establishments=[ght.a], username="mathilde")
    with acting_as(admin_user):
        desk.desk_a.manager = user
        desk.desk_a.escalates_to = desk.network
        desk.desk_a.save()
    return user


@pytest.fixture
def worked(policies, new_ticket, desk, manager):
    """A P4 incident assigned to Alice of A's desk on Monday 2 March 2026 at
    09:00: response due 11:00 (warning 10:30), resolution due Wednesday
    09:00 (warning Tuesday 11:00); the desk's OLA due 13:00 (warning 12:00)."""
    ticket = new_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(priority=Priority.P4)
    ticket = restart_at(ticket, paris(2026, 3, 2, 9))
    return set_state(
        ticket,
        paris(2026, 3, 2, 9),
        status=Status.ASSIGNED,
        assignment_group=desk.desk_a,
        assignee=desk.agent,
    )


def test_a_warning_is_raised_once_and_notifies_the_assignee(worked, desk, manager):
    result = check_clocks(now=paris(2026, 3, 2, 10, 45))

    response = SlaClock.objects.get(ticket=worked, kind=ClockKind.RESPONSE)
    assert result.warned == [response.pk] and result.breached == []
    response.refresh_from_db()
    assert response.warned_at == paris(2026, 3, 2, 10, 45)
    [(name, data, actor)] = sla_events(worked)
    assert name == "sla.warning" and data["kind"] == "response"
    assert actor.endswith(f"({SYSTEM_USERNAME})")
    assert len(inbox(desk.agent, "sla_warning")) == 1
    assert inbox(manager) == []  # a warning of the incidents policy only notifies

    again = check_clocks(now=paris(2026, 3, 2, 10, 50))
    assert again.warned == [] and again.breached == []
    assert len(sla_events(worked)) == 1
    assert len(inbox(desk.agent)) == 1


def test_a_breach_escalates_to_the_manager_who_watches_the_ticket(worked, desk, manager):
    check_clocks(now=paris(2026, 3, 2, 11, 30))

    names = [(name, data["kind"]) for name, data, _actor in sla_events(worked)]
    assert names == [("sla.warning", "response"), ("sla.breached", "response")]
    ticket = Ticket.objects.get(pk=worked.pk)
    assert list(ticket.watchers.all()) == [manager]
    assert len(inbox(manager, "sla_breach")) == 1
    assert len(inbox(manager, "escalated")) == 1
    assert len(inbox(desk.agent, "sla_breach")) == 1
    assert SlaClock.objects.get(ticket=worked, kind=ClockKind.RESPONSE).breached_at is not None

    check_clocks(now=paris(2026, 3, 2, 11, 31))
    assert len(inbox(manager, "sla_breach")) == 1


def test_an_ola_breach_tells_the_groups_manager(worked, desk, manager):
    check_clocks(now=paris(2026, 3, 2, 13, 30))
    ola = SlaClock.objects.get(ticket=worked, kind=ClockKind.OLA)
    assert ola.breached_at is not None
    messages = inbox(manager, "sla_breach")
    assert any("time in the group" in m.lower() for m in messages)


def test_without_an_assignee_the_group_is_notified(worked, desk, manager):
    Ticket.objects.filter(pk=worked.pk).update(assignee=None)
    check_clocks(now=paris(2026, 3, 2, 10, 45))
    assert len(inbox(desk.agent, "sla_warning")) == 1  # a member of the desk group


def test_a_breach_hands_a_p1_to_the_next_level(worked, desk, manager, policies):
    ticket = set_state(worked, paris(2026, 3, 2, 9), priority=Priority.P1)
    assert SlaClock.objects.get(ticket=ticket, kind=ClockKind.RESPONSE).policy == policies.p1

    check_clocks(now=paris(2026, 3, 2, 9, 20))  # past the 15-minute response target

    ticket.refresh_from_db()
    assert ticket.assignment_group == desk.network
    assert ticket.status == Status.ASSIGNED and ticket.assignee is None
    assert len(inbox(desk.engineer, "escalated")) == 1


def skipped(ticket) -> list[dict]:
    return [data for name, data, _actor in sla_events(ticket) if name == "sla.escalation_skipped"]


def test_without_a_next_level_nothing_moves_and_the_trail_says_why(
    worked, desk, manager, admin_user
):
    with acting_as(admin_user):
        desk.desk_a.escalates_to = None
        desk.desk_a.save()
    ticket = set_state(worked, paris(2026, 3, 2, 9), priority=Priority.P1)

    check_clocks(now=paris(2026, 3, 2, 9, 20))

    ticket.refresh_from_db()
    assert ticket.assignment_group == desk.desk_a
    [skip] = skipped(ticket)
    assert (skip["escalation"], skip["why"]) == (Escalation.NEXT_LEVEL, "no_next_level")
    assert skip["detail"]  # the desk's message
    assert len(inbox(desk.agent, "sla_breach")) == 1  # still told


def test_a_resolved_ticket_is_not_reopened_by_an_escalation(worked, desk, manager):
    ticket = set_state(worked, paris(2026, 3, 2, 9), priority=Priority.P1)
    # Resolved in the same instant as the check ran, before its clocks were synced.
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)

    check_clocks(now=paris(2026, 3, 2, 9, 20))

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.assignment_group == desk.desk_a
    assert skipped(ticket)[0]["why"] == "status"


def test_a_waiting_ticket_is_handed_on_too(worked, desk, manager):
    ticket = set_state(worked, paris(2026, 3, 2, 9), priority=Priority.P1)
    ticket = set_state(ticket, paris(2026, 3, 2, 9), status=Status.WAITING_CHANGE)
    check_clocks(now=paris(2026, 3, 2, 9, 20))
    ticket.refresh_from_db()
    assert ticket.assignment_group == desk.network and ticket.status == Status.ASSIGNED


def test_a_manager_escalation_without_a_manager_is_recorded(worked, desk, admin_user):
    with acting_as(admin_user):
        desk.desk_a.manager = None
        desk.desk_a.save()
    check_clocks(now=paris(2026, 3, 2, 11, 30))
    [skip] = skipped(worked)
    assert (skip["escalation"], skip["why"]) == (Escalation.MANAGER, "no_manager")
    assert not Ticket.objects.get(pk=worked.pk).watchers.exists()


def test_the_periodic_task_runs_the_check(policies, new_ticket):
    ticket = new_ticket()  # P2, 24/7: nothing is due yet
    assert check_sla_clocks.call_local() == {"warned": 0, "breached": 0}
    SlaClock.objects.filter(ticket=ticket).update(warn_at=paris(2026, 1, 1, 0))
    assert check_sla_clocks.call_local() == {"warned": 2, "breached": 0}
