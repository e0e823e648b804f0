"""Bulk assign and status change: each ticket through the lifecycle, a
ticket changed meanwhile reported and left alone, the others done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.desk.models import Status, Ticket
from caducee.desk.services.bulk import Selected, bulk_assign, bulk_change_status
from caducee.desk.services.tickets import cancel, resolve, update_ticket

pytestmark = pytest.mark.django_db

BULK = reverse("desk:bulk")


@pytest.fixture
def three(new_ticket, desk):
    return [new_ticket(title=f"Imprimante {n}", assignment_group=desk.desk_a) for n in range(3)]


def ticked(*tickets) -> list[str]:
    return [f"{t.pk}:{t.version}" for t in tickets]


def test_bulk_assign_reports_the_ticket_changed_meanwhile_and_does_the_others(client, desk, three):
    first, stale, third = three
    # A colleague edits the second ticket after the agent's page was drawn.
    update_ticket(stale, actor=desk.engineer, changes={"title": "Imprimante du 2e"})
    client.force_login(desk.agent)
    response = client.post(
        BULK,
        {
            "ticket": ticked(first, stale, third),
            "action": "assign",
            "assignment_group": desk.desk_a.pk,
            "assignee": desk.agent.pk,
        },
    )
    assert response.status_code == 200
    outcomes = {o.pk: o for o in response.context["outcomes"]}
    assert outcomes[first.pk].ok and outcomes[third.pk].ok
    assert not outcomes[stale.pk].ok
    assert outcomes[stale.pk].code == "stale"
    assert response.context["done"] == 2 and response.context["failed"] == 1
    html = response.content.decode()
    assert stale.number in html and "changed by someone else" in html
    for ticket in (first, third):
        ticket.refresh_from_db()
        assert ticket.assignee == desk.agent and ticket.status == Status.ASSIGNED
    stale.refresh_from_db()
    assert stale.assignee is None  # not overwritten


def test_bulk_status_change_goes_through_the_lifecycle_with_its_audit(desk, three):
    for ticket in three:
        Ticket.objects.filter(pk=ticket.pk).update(assignee=desk.agent)
    fresh = list(Ticket.objects.filter(pk__in=[t.pk for t in three]).order_by("pk"))
    outcomes = bulk_change_status(
        [Selected(t.pk, t.version) for t in fresh],
        actor=desk.agent,
        to=Status.RESOLVED,
        resolution_code="fixed",
        resolution_notes="Toner remplacé",
    )
    assert all(o.ok for o in outcomes)
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in three]):
        assert ticket.status == Status.RESOLVED
        assert ticket.resolution_code == "fixed"
        assert ticket.resolved_at is not None
    events = AuditEvent.objects.filter(
        event="desk.status_changed", object_id__in=[str(t.pk) for t in three]
    )
    assert sorted(e.data["to"] for e in events if e.data["to"] == "resolved") == ["resolved"] * 3


def test_an_illegal_move_is_reported_per_ticket(desk, new_ticket, three):
    cancelled = cancel(new_ticket(title="Annulé"), actor=desk.agent, reason="Doublon")
    resolved = new_ticket(title="Déjà fait", assignment_group=desk.desk_a, assignee=desk.agent)
    resolved = resolve(resolved, actor=desk.agent, code="fixed")
    outcomes = bulk_assign(
        [
            Selected(cancelled.pk, cancelled.version),
            Selected(resolved.pk, resolved.version),
            Selected(three[0].pk, three[0].version),
        ],
        actor=desk.agent,
        group=desk.network,
    )
    assert [o.ok for o in outcomes] == [False, False, True]
    assert outcomes[0].code == "invalid_transition"
    # Assigning a resolved ticket reopens it, which needs a reason.
    assert outcomes[1].field == "reason"
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_a_ticket_outside_the_scope_is_not_found(desk, ght, new_ticket, three):
    other = new_ticket(
        title="Autre", establishment=ght.b, requester=ght.clerk_b, actor=desk.engineer
    )
    outcomes = bulk_assign(
        [Selected(other.pk, other.version), Selected(three[0].pk, three[0].version)],
        actor=desk.agent,
        group=desk.desk_a,
    )
    assert outcomes[0].code == "not_found" and outcomes[0].number == f"#{other.pk}"
    assert outcomes[1].ok
    other.refresh_from_db()
    assert other.assignment_group is None


def test_resolving_needs_a_resolution_code_on_its_field(client, desk, three):
    client.force_login(desk.agent)
    response = client.post(
        BULK, {"ticket": ticked(*three), "action": "status", "status": "resolved"}
    )
    assert response.status_code == 400
    assert "resolution_code" in response.context["form"].errors
    assert all(
        t.status == Status.ASSIGNED for t in Ticket.objects.filter(pk__in=[t.pk for t in three])
    )


def test_cancelling_needs_a_reason(client, desk, three):
    client.force_login(desk.agent)
    response = client.post(
        BULK, {"ticket": ticked(three[0]), "action": "status", "status": "cancelled"}
    )
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    response = client.post(
        BULK,
        {
            "ticket": ticked(three[0]),
            "action": "status",
            "status": "cancelled",
            "reason": "Doublon",
        },
    )
    assert response.status_code == 200
    three[0].refresh_from_db()
    assert three[0].status == Status.CANCELLED


@pytest.mark.parametrize(
    "data, field",
    [
        ({"action": "assign"}, "ticket"),
        ({"ticket": ["12"], "action": "assign"}, "ticket"),
        ({"ticket": ["x:1"], "action": "status", "status": "closed"}, "ticket"),
        ({"ticket": ["1:1"], "action": "assign"}, "assignment_group"),
        ({"ticket": ["1:1"], "action": "status", "status": "new"}, "status"),
        ({"ticket": ["1:1"], "action": "nonsense"}, "action"),
    ],
)
def test_bad_input_is_a_field_error(client, desk, data, field):
    client.force_login(desk.agent)
    response = client.post(BULK, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_an_htmx_post_gets_the_partial_and_refreshes_the_queue(client, desk, three):
    client.force_login(desk.agent)
    response = client.post(
        BULK,
        {"ticket": ticked(three[0]), "action": "status", "status": "in_progress"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "desk:refresh"
    assert "<html" not in response.content.decode()
    three[0].refresh_from_db()
    assert three[0].status == Status.IN_PROGRESS
    assert three[0].assignee == desk.agent  # an unassigned ticket is taken


def test_the_plain_result_page_links_back_to_the_filtered_queue(client, desk, three):
    client.force_login(desk.agent)
    response = client.post(
        BULK,
        {
            "ticket": ticked(three[0]),
            "action": "assign",
            "assignment_group": desk.network.pk,
            "next": "?queue=unassigned",
        },
    )
    assert response.context["back_url"] == reverse("desk:queue") + "?queue=unassigned"
    hostile = client.post(
        BULK, {"ticket": ticked(three[1]), "action": "assign", "next": "//evil.example"}
    )
    assert hostile.context["back_url"] == reverse("desk:queue")


def test_those_who_do_not_work_tickets_are_refused(client, ght, make_user, desk, three):
    auditor = make_user(roles.AUDITOR, whole_ght=True)
    client.force_login(auditor)
    response = client.post(
        BULK, {"ticket": ticked(three[0]), "action": "assign", "assignment_group": desk.desk_a.pk}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        bulk_assign([Selected(three[0].pk, three[0].version)], actor=auditor, group=desk.desk_a)


def test_the_service_refuses_an_empty_or_oversized_selection(desk):
    with pytest.raises(DomainError) as empty:
        bulk_assign([], actor=desk.agent, group=desk.desk_a)
    assert empty.value.field == "tickets"
    with pytest.raises(DomainError) as many:
        bulk_assign([Selected(n, 1) for n in range(1, 200)], actor=desk.agent, group=desk.desk_a)
    assert many.value.code == "too_many"
