"""Escalation: functional (the ticket goes to the next level's group) and
hierarchical (the group's manager is alerted and watches it); both audited,
both need a reason, neither touches a closed ticket, and a periodic task can
do either as the system account."""

from __future__ import annotations

import pytest

from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import (
    AssignmentGroup,
    Notification,
    NotificationKind,
    ResolutionCode,
    Status,
    SupportLevel,
    Ticket,
)
from caducee.desk.services.escalation import (
    escalate_to_manager,
    escalate_to_next_level,
    system_actor,
)
from caducee.desk.services.groups import create_group, update_group
from caducee.desk.services.tickets import assign, cancel, resolve
from caducee.org.models import Team

pytestmark = pytest.mark.django_db


def _set(group: AssignmentGroup, actor, **fields) -> AssignmentGroup:
    group = AssignmentGroup.objects.get(pk=group.pk)
    for name, value in fields.items():
        setattr(group, name, value)
    return update_group(group, actor=actor)


@pytest.fixture
def chain(desk, admin_user):
    """The Valmont desk escalates to the GHT network group; Bruno manages the desk."""
    _set(desk.desk_a, admin_user, escalates_to=desk.network, manager=desk.engineer)
    return desk


@pytest.fixture
def worked(new_ticket, chain):
    """An incident of A assigned to the desk and its agent Alice."""
    return assign(new_ticket(), actor=chain.agent, group=chain.desk_a, assignee=chain.agent)


def _events(ticket, name="desk.escalated"):
    return list(AuditEvent.objects.filter(event=name, object_id=str(ticket.pk)).order_by("seq"))


# --- Functional ----------------------------------------------------------------------
def test_functional_escalation_hands_the_ticket_to_the_next_level(worked, chain):
    ticket = escalate_to_next_level(
        worked, actor=chain.agent, reason="Switch d'étage hors service", expected_version=2
    )
    assert (ticket.status, ticket.assignment_group, ticket.assignee) == (
        Status.ASSIGNED,
        chain.network,
        None,
    )
    assert ticket.support_level == SupportLevel.L2
    [event] = _events(ticket)
    assert event.data["how"] == "functional"
    assert (event.data["from"], event.data["to"]) == (chain.desk_a.pk, chain.network.pk)
    assert event.data["reason"] == "Switch d'étage hors service"
    assert event.actor_id == chain.agent.pk
    # The network group (Bruno) is told; the agent who escalated is not.
    notes = Notification.objects.filter(ticket=ticket)
    assert {(n.recipient_id, n.kind) for n in notes} == {
        (chain.engineer.pk, NotificationKind.ESCALATED)
    }
    assert Ticket.objects.get(pk=ticket.pk).assignment_group == chain.network


def test_functional_escalation_picks_a_member_when_the_next_group_assigns(
    worked, chain, admin_user
):
    _set(chain.network, admin_user, auto_assign=True)
    ticket = escalate_to_next_level(worked, actor=chain.agent, reason="Panne réseau")
    assert ticket.assignee == chain.engineer
    [note] = Notification.objects.filter(ticket=ticket)
    assert (note.recipient, note.kind) == (chain.engineer, NotificationKind.ASSIGNED)


def test_functional_escalation_needs_a_group_with_a_next_level(new_ticket, chain, admin_user):
    unassigned = new_ticket()
    with pytest.raises(DomainError) as error:
        escalate_to_next_level(unassigned, actor=chain.agent, reason="Bloqué")
    assert error.value.field == "assignment_group"
    ticket = assign(unassigned, actor=chain.agent, group=chain.network)
    with pytest.raises(DomainError) as error:
        escalate_to_next_level(ticket, actor=chain.engineer, reason="Bloqué")
    assert (error.value.field, error.value.code) == ("assignment_group", "no_next_level")
    assert Ticket.objects.get(pk=ticket.pk).assignment_group == chain.network


def test_the_next_level_must_serve_the_tickets_establishment(ght, worked, chain, admin_user):
    with acting_as(admin_user, source="test"):
        team_b = Team.objects.create(code="sys-3r", name="Systèmes 3R", establishment=ght.b)
    group_b = create_group(
        AssignmentGroup(team=team_b, level=SupportLevel.L2, establishment=ght.b),
        actor=admin_user,
    )
    _set(chain.desk_a, admin_user, escalates_to=group_b)
    with pytest.raises(DomainError) as error:
        escalate_to_next_level(worked, actor=chain.agent, reason="Serveur")
    assert error.value.field == "assignment_group"
    _set(chain.desk_a, admin_user, escalates_to=chain.network)
    _set(chain.network, admin_user, is_active=False)
    with pytest.raises(DomainError):
        escalate_to_next_level(worked, actor=chain.agent, reason="Serveur")


@pytest.mark.parametrize("escalate", [escalate_to_next_level, escalate_to_manager])
def test_escalation_needs_a_reason(worked, chain, escalate):
    with pytest.raises(DomainError) as error:
        escalate(worked, actor=chain.agent, reason="  ")
    assert error.value.field == "reason"
    assert not _events(worked)


@pytest.mark.parametrize("escalate", [escalate_to_next_level, escalate_to_manager])
def test_closed_and_cancelled_tickets_are_not_escalated(worked, chain, escalate):
    ticket = cancel(worked, actor=chain.agent, reason="Doublon")
    with pytest.raises(Conflict) as error:
        escalate(ticket, actor=chain.agent, reason="Urgent")
    assert error.value.code == "final"


def test_a_resolved_ticket_is_reopened_not_escalated(worked, chain):
    ticket = resolve(worked, actor=chain.agent, code=ResolutionCode.FIXED)
    with pytest.raises(Conflict) as error:
        escalate_to_next_level(ticket, actor=chain.agent, reason="Revenu")
    assert error.value.code == "resolved"


@pytest.mark.parametrize("escalate", [escalate_to_next_level, escalate_to_manager])
def test_stale_versions_and_foreign_agents_are_refused(worked, chain, escalate):
    with pytest.raises(Conflict) as error:
        escalate(worked, actor=chain.agent, reason="Urgent", expected_version=1)
    assert error.value.code == "stale"
    with pytest.raises(PermissionDenied):
        escalate(worked, actor=chain.agent_b, reason="Urgent")
    assert not _events(worked)


# --- Hierarchical --------------------------------------------------------------------
def test_hierarchical_escalation_alerts_the_manager_who_then_watches(worked, chain):
    ticket = escalate_to_manager(worked, actor=chain.agent, reason="Réanimation sans DPI")
    assert list(ticket.watchers.all()) == [chain.engineer]
    assert ticket.version == worked.version + 1
    assert (ticket.assignment_group, ticket.assignee) == (chain.desk_a, chain.agent)
    [event] = _events(ticket)
    assert event.data["how"] == "hierarchical"
    assert event.data["manager"] == chain.engineer.pk
    assert event.data["reason"] == "Réanimation sans DPI"
    [note] = Notification.objects.filter(ticket=ticket)
    assert (note.recipient, note.kind) == (chain.engineer, NotificationKind.ESCALATED)
    assert "Réanimation sans DPI" in note.message
    # Again: one more event and notification, still one watcher.
    ticket = escalate_to_manager(ticket, actor=chain.agent, reason="Toujours rien")
    assert ticket.watchers.count() == 1
    assert len(_events(ticket)) == 2
    assert Notification.objects.filter(ticket=ticket).count() == 2


def test_hierarchical_escalation_needs_a_manager(worked, chain, admin_user):
    _set(chain.desk_a, admin_user, manager=None)
    with pytest.raises(DomainError) as error:
        escalate_to_manager(worked, actor=chain.agent, reason="Urgent")
    assert (error.value.field, error.value.code) == ("manager", "no_manager")


# --- From a periodic task ------------------------------------------------------------
def test_a_task_escalates_as_the_system_account(worked, chain):
    system = system_actor()
    ticket = escalate_to_manager(worked, actor=system, reason="Délai de résolution dépassé")
    ticket = escalate_to_next_level(ticket, actor=system, reason="Délai de résolution dépassé")
    assert ticket.assignment_group == chain.network
    events = _events(ticket)
    assert [e.data["how"] for e in events] == ["hierarchical", "functional"]
    assert {e.actor_id for e in events} == {system.pk}
    # Everyone concerned is told, the system account never.
    assert not Notification.objects.filter(recipient=system).exists()
    assert Notification.objects.filter(ticket=ticket, recipient=chain.engineer).count() == 2
