"""Related tickets: a problem and its incidents, duplicates, parents, causes
— of the right kinds, one target where one is meant, never in a loop."""

from __future__ import annotations

import pytest

from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import LinkKind, Status, Ticket, TicketKind, TicketLink
from caducee.desk.services.tickets import create_ticket, link_tickets, unlink_tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(new_ticket):
    return new_ticket(kind=TicketKind.PROBLEM, title="Coupures du DPI", requester=None)


def test_incidents_linked_to_a_problem(new_ticket, problem, desk):
    first, second = new_ticket(title="DPI figé"), new_ticket(title="DPI déconnecté")
    for incident in (first, second):
        link_tickets(incident, problem, actor=desk.agent, kind=LinkKind.PROBLEM)
    assert list(problem.linked_incidents()) == [first, second]
    assert Ticket.objects.get(pk=first.pk).version == first.version + 1
    event = AuditEvent.objects.filter(event="desk.tickets_linked").latest("seq")
    assert event.data["target"] == problem.number
    with pytest.raises(DomainError) as exc:  # only incidents go to a problem
        link_tickets(problem, first, actor=desk.agent, kind=LinkKind.PROBLEM)
    assert exc.value.field == "target"


def test_a_closed_incident_may_still_join_its_problem(new_ticket, problem, desk):
    old = new_ticket(title="DPI figé le mois dernier")
    Ticket.objects.filter(pk=old.pk).update(status=Status.CLOSED)
    link_tickets(old, problem, actor=desk.agent, kind=LinkKind.PROBLEM)
    assert list(problem.linked_incidents()) == [old]


def test_duplicates_and_children_are_of_the_same_kind(new_ticket, problem, desk):
    incident = new_ticket()
    for kind in (LinkKind.DUPLICATE_OF, LinkKind.CHILD_OF):
        with pytest.raises(DomainError):
            link_tickets(incident, problem, actor=desk.agent, kind=kind)
    link_tickets(incident, problem, actor=desk.agent, kind=LinkKind.CAUSED_BY)


def test_one_target_where_one_is_meant(new_ticket, desk):
    a, b, c = new_ticket(), new_ticket(), new_ticket()
    link_tickets(a, b, actor=desk.agent, kind=LinkKind.DUPLICATE_OF)
    with pytest.raises(Conflict):
        link_tickets(a, c, actor=desk.agent, kind=LinkKind.DUPLICATE_OF)
    with pytest.raises(Conflict):
        link_tickets(a, b, actor=desk.agent, kind=LinkKind.DUPLICATE_OF)
    link_tickets(a, b, actor=desk.agent, kind=LinkKind.CAUSED_BY)
    link_tickets(a, c, actor=desk.agent, kind=LinkKind.CAUSED_BY)  # causes may be several


@pytest.mark.parametrize("kind", [LinkKind.DUPLICATE_OF, LinkKind.CHILD_OF, LinkKind.CAUSED_BY])
def test_links_never_loop(new_ticket, desk, kind):
    a, b, c = new_ticket(), new_ticket(), new_ticket()
    with pytest.raises(DomainError):
        link_tickets(a, a, actor=desk.agent, kind=kind)
    link_tickets(a, b, actor=desk.agent, kind=kind)
    link_tickets(b, c, actor=desk.agent, kind=kind)
    with pytest.raises(DomainError) as exc:
        link_tickets(c, a, actor=desk.agent, kind=kind)
    assert "loop" in str(exc.value)


def test_unlinking_is_audited_and_needs_the_right(new_ticket, problem, desk, ght, make_user):
    from caducee.core import roles

    incident = new_ticket()
    link = link_tickets(incident, problem, actor=desk.agent, kind=LinkKind.PROBLEM)
    auditor = make_user(roles.AUDITOR, whole_ght=True)
    with pytest.raises(PermissionDenied):
        unlink_tickets(link, actor=auditor)
    source = unlink_tickets(link, actor=desk.agent)
    assert not TicketLink.objects.exists()
    assert source.version == incident.version + 2
    assert AuditEvent.objects.filter(event="desk.tickets_unlinked").count() == 1


def test_a_target_out_of_sight_is_unknown(new_ticket, desk, ght):
    hidden = create_ticket(
        Ticket(
            kind=TicketKind.INCIDENT,
            title="Urgences B",
            establishment=ght.b,
            requester=ght.clerk_b,
        ),
        actor=desk.agent_b,
    )
    with pytest.raises(DomainError) as exc:
        link_tickets(new_ticket(), hidden, actor=desk.agent, kind=LinkKind.CAUSED_BY)
    assert exc.value.field == "target"
    # The engineer sees the whole GHT: the cross-establishment link is fine.
    problem = new_ticket(kind=TicketKind.PROBLEM, title="Cœur de réseau", requester=None)
    link = link_tickets(hidden, problem, actor=desk.engineer, kind=LinkKind.PROBLEM)
    assert (link.source, link.target) == (hidden, problem)
