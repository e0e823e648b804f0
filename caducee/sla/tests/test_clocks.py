"""The clocks of a ticket as the desk lives them: started when it is
recorded, paused while it waits on its requester (not on a vendor), stopped
at the first response and the resolution (met or not), resumed on reopening
with the time already counted, cancelled with no verdict, re-targeted when
the priority changes; OLA clocks per stay in a group; vendor clocks while it
waits on a vendor; the ticket's deadlines kept equal to the running clocks.

Most tests move the ticket through fixed instants of the DSI's business
hours (Monday–Friday 08:00–18:00, Europe/Paris) with ``set_state``, as the
desk would have saved it, so the deadlines can be checked exactly; the
first and the last go through the desk's own services."""

from __future__ import annotations

import datetime as dt

import pytest

from caducee.cmdb.models import Contract, ContractCommitment, Priority, Supplier
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.desk.models import Status, Ticket
from caducee.desk.services import lifecycle
from caducee.sla.models import ClockKind, ClockState, OperationalTarget, SlaClock
from caducee.sla.services.clocks import sync_ticket
from caducee.sla.services.policies import create_operational_target
from caducee.sla.tests.sla_data import paris, restart_at, set_state

pytestmark = pytest.mark.django_db

RESPONSE, RESOLUTION = ClockKind.RESPONSE, ClockKind.RESOLUTION


def clock(ticket, kind) -> SlaClock:
    return SlaClock.objects.filter(ticket=ticket, kind=kind).order_by("pk").last()


def events(ticket, prefix="sla.") -> list[tuple[str, dict]]:
    rows = AuditEvent.objects.filter(
        object_type="desk.ticket", object_id=str(ticket.pk), event__startswith=prefix
    ).order_by("seq")
    return [(e.event, e.data) for e in rows]


@pytest.fixture
def p4(policies, new_ticket):
    """An incident of priority P4 (business-hours policy), clocks started
    on Monday 2 March 2026 at 09:00."""
    ticket = new_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(priority=Priority.P4)
    return restart_at(ticket, paris(2026, 3, 2, 9))


# --- Through the desk -------------------------------------------------------------------
def test_recording_a_ticket_starts_its_clocks_and_fills_its_deadlines(policies, new_ticket):
    ticket = new_ticket()  # the nurse of intensive care: P2, the 24/7 policy

    assert ticket.priority == Priority.P2
    response, resolution = clock(ticket, RESPONSE), clock(ticket, RESOLUTION)
    assert response.policy == resolution.policy == policies.p2
    assert response.state == resolution.state == ClockState.RUNNING
    assert response.due_at - response.started_at == dt.timedelta(minutes=30)
    assert resolution.due_at - resolution.started_at == dt.timedelta(hours=8)
    assert resolution.warn_at - resolution.started_at == dt.timedelta(hours=6)  # 75 %
    stored = Ticket.objects.get(pk=ticket.pk)
    assert ticket.resolution_due == stored.resolution_due == resolution.due_at
    assert ticket.response_due == stored.response_due == response.due_at
    assert stored.version == 1  # deadlines are derived: no new version
    assert [name for name, _data in events(ticket)] == ["sla.clock_started"] * 2


def test_a_new_ticket_is_inserted_with_its_deadlines(policies, new_ticket):
    """The deadlines go in with the ticket: no second write of the ticket row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    new_ticket()  # warm the caches of the first ticket
    with CaptureQueriesContext(connection) as captured:
        ticket = new_ticket()
    updates = [q["sql"] for q in captured if q["sql"].startswith('UPDATE "desk_ticket"')]
    assert updates == []
    stored = Ticket.objects.get(pk=ticket.pk)
    response = clock(ticket, RESPONSE)
    assert stored.response_due == response.due_at is not None
    assert response.started_at == stored.created_at.replace(microsecond=0)


def test_a_creation_that_crosses_a_second_starts_the_clocks_at_its_own_second(policies, new_ticket):
    """The clocks are worked out just before the insert; when the insert
    lands in the next second, they start at the ticket's creation all the
    same, and the stored deadlines follow them."""
    import time

    from caducee.desk.signals import ticket_recording

    def slow_insert(sender, **kwargs):  # the clocks are ready: reach the next second
        time.sleep(1.02 - time.time() % 1)

    ticket_recording.connect(slow_insert, dispatch_uid="test-slow-insert")
    try:
        ticket = new_ticket()
    finally:
        ticket_recording.disconnect(dispatch_uid="test-slow-insert")
    stored = Ticket.objects.get(pk=ticket.pk)
    response, resolution = clock(ticket, RESPONSE), clock(ticket, RESOLUTION)
    assert response.started_at == resolution.started_at == stored.created_at.replace(microsecond=0)
    assert response.due_at - response.started_at == dt.timedelta(minutes=30)
    assert (stored.response_due, stored.resolution_due) == (response.due_at, resolution.due_at)
    assert [name for name, _data in events(ticket)] == ["sla.clock_started"] * 2


def test_creation_costs_few_queries(policies, new_ticket, django_assert_max_num_queries):
    new_ticket()  # warm the caches of the first ticket (content types, counters)
    with django_assert_max_num_queries(36):
        new_ticket()


def test_a_ticket_without_policy_has_no_clock(new_ticket, policies):
    policies.p2.is_active = False
    policies.p2.save()
    policies.incidents.is_active = False
    policies.incidents.save()
    ticket = new_ticket()
    assert not ticket.sla_clocks.exists()
    assert ticket.response_due is None and ticket.resolution_due is None


def test_waiting_on_the_requester_pauses_through_the_desk(policies, new_ticket, desk):
    ticket = new_ticket(assignment_group=desk.desk_a, assignee=desk.agent)
    ticket = lifecycle.start(ticket, actor=desk.agent)
    ticket = lifecycle.wait(ticket, actor=desk.agent, on="requester")
    assert {c.state for c in ticket.sla_clocks.filter(kind__in=[RESPONSE, RESOLUTION])} == {
        ClockState.PAUSED
    }
    assert ticket.resolution_due is None
    assert Ticket.objects.get(pk=ticket.pk).resolution_due is None
    ola = clock(ticket, ClockKind.OLA)
    assert ola.state == ClockState.RUNNING  # the group's time is its own

    ticket = lifecycle.resume(ticket, actor=desk.agent)
    assert ticket.resolution_due == clock(ticket, RESOLUTION).due_at is not None
    ticket = lifecycle.resolve(ticket, actor=desk.agent, code="fixed")
    assert clock(ticket, RESOLUTION).met is True
    assert clock(ticket, ClockKind.OLA).state == ClockState.STOPPED
    assert ticket.resolution_due is None


# --- Business hours, pauses, stops -------------------------------------------------------
def test_deadlines_count_business_hours_only(policies, new_ticket):
    ticket = new_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(priority=Priority.P4)
    ticket = restart_at(ticket, paris(2026, 3, 6, 17))  # a Friday, one hour before closing

    assert clock(ticket, RESPONSE).policy == policies.incidents
    assert clock(ticket, RESPONSE).due_at == paris(2026, 3, 9, 9)  # 1 h Friday + 1 h Monday
    assert ticket.resolution_due == paris(2026, 3, 10, 13)  # 1 + 10 + 5 hours


def test_waiting_on_the_requester_pauses_and_resumption_recomputes(p4):
    ticket = set_state(p4, paris(2026, 3, 2, 10), status=Status.WAITING_REQUESTER)
    paused = clock(ticket, RESOLUTION)
    assert paused.state == ClockState.PAUSED
    assert paused.elapsed == 3600
    assert paused.due_at is None and paused.warn_at is None
    assert ticket.resolution_due is None and ticket.response_due is None

    ticket = set_state(ticket, paris(2026, 3, 3, 9), status=Status.IN_PROGRESS)
    resumed = clock(ticket, RESOLUTION)
    assert resumed.state == ClockState.RUNNING and resumed.elapsed == 3600
    # 15 hours left from Tuesday 09:00: 9 on Tuesday, 6 on Wednesday.
    assert resumed.due_at == ticket.resolution_due == paris(2026, 3, 4, 14)
    # Warning at 12 of 16 hours: 11 left from Tuesday 09:00.
    assert resumed.warn_at == paris(2026, 3, 4, 10)
    assert [name for name, _data in events(ticket)][-4:] == [
        "sla.clock_paused",
        "sla.clock_paused",
        "sla.clock_resumed",
        "sla.clock_resumed",
    ]


def test_waiting_on_a_vendor_or_a_change_does_not_pause(p4):
    due = p4.resolution_due
    for status in (Status.WAITING_VENDOR, Status.WAITING_CHANGE):
        ticket = set_state(p4, paris(2026, 3, 2, 11), status=status)
        assert clock(ticket, RESOLUTION).state == ClockState.RUNNING
        assert ticket.resolution_due == due


def test_the_first_response_stops_the_response_clock(p4):
    ticket = set_state(p4, paris(2026, 3, 2, 10, 30), first_response_at=paris(2026, 3, 2, 10, 30))
    response = clock(ticket, RESPONSE)
    assert response.state == ClockState.STOPPED and response.met is True
    assert response.elapsed == 90 * 60
    assert ticket.response_due is None
    assert clock(ticket, RESOLUTION).state == ClockState.RUNNING
    assert events(ticket)[-1] == (
        "sla.clock_stopped",
        {"clock": response.pk, "kind": "response", "met": True, "elapsed": 5400},
    )


def test_a_late_response_is_not_met(p4):
    late = paris(2026, 3, 2, 11, 1)
    ticket = set_state(p4, late, first_response_at=late)
    assert clock(ticket, RESPONSE).met is False


def test_resolving_stops_and_reopening_resumes_with_the_time_counted(p4):
    resolved = paris(2026, 3, 2, 12)
    ticket = set_state(p4, resolved, status=Status.RESOLVED, resolved_at=resolved)
    resolution = clock(ticket, RESOLUTION)
    assert resolution.state == ClockState.STOPPED and resolution.met is True
    assert resolution.elapsed == 3 * 3600
    # A resolution answers too: after 3 hours, past the 2-hour response target.
    assert clock(ticket, RESPONSE).state == ClockState.STOPPED
    assert clock(ticket, RESPONSE).met is False

    ticket = set_state(ticket, paris(2026, 3, 3, 8), status=Status.IN_PROGRESS, resolved_at=None)
    again = clock(ticket, RESOLUTION)
    assert again.pk == resolution.pk and again.state == ClockState.RUNNING
    assert again.elapsed == 3 * 3600 and again.met is None and again.stopped_at is None
    assert ticket.resolution_due == paris(2026, 3, 4, 11)  # 13 h left from Tuesday 08:00
    assert clock(ticket, RESPONSE).state == ClockState.STOPPED  # answered once is answered


def test_cancelling_stops_every_clock_without_verdict(p4):
    ticket = set_state(p4, paris(2026, 3, 2, 10), status=Status.CANCELLED)
    for row in ticket.sla_clocks.all():
        assert row.state == ClockState.STOPPED and row.met is None
    assert ticket.response_due is None and ticket.resolution_due is None


def test_a_priority_change_keeps_the_time_counted_and_retargets(p4, policies):
    ticket = set_state(p4, paris(2026, 3, 2, 10), priority=Priority.P1)
    resolution = clock(ticket, RESOLUTION)
    assert resolution.policy == policies.p1 and resolution.calendar == policies.always
    assert resolution.elapsed == 3600 and resolution.target_minutes == 240
    assert resolution.due_at == paris(2026, 3, 2, 13)  # 3 h left, 24/7
    assert ticket.resolution_due == resolution.due_at
    name, data = events(ticket)[-1]
    assert name == "sla.target_changed"
    assert data["old"]["target"] == 960 and data["new"]["target"] == 240
    assert data["old"]["policy"] == policies.incidents.pk
    assert data["new"]["policy"] == policies.p1.pk


def test_a_target_already_used_up_is_due_at_once(p4, policies):
    ticket = set_state(p4, paris(2026, 3, 2, 9, 20), priority=Priority.P1)  # 15 min response
    response = clock(ticket, RESPONSE)
    assert response.elapsed == 20 * 60
    assert response.due_at == paris(2026, 3, 2, 9, 20)


def test_a_withdrawn_target_stops_the_clock_without_verdict(p4, policies):
    ticket = set_state(p4, paris(2026, 3, 2, 10), kind="request", category=None)
    response = clock(ticket, RESPONSE)  # requests have no response target
    assert response.state == ClockState.STOPPED and response.met is None
    assert clock(ticket, RESOLUTION).policy == policies.requests
    assert ticket.response_due is None


def test_syncing_again_changes_nothing(p4):
    before = list(SlaClock.objects.filter(ticket=p4).values())
    trail = events(p4)
    sync_ticket(p4, actor=None, now=paris(2026, 3, 2, 15))
    assert list(SlaClock.objects.filter(ticket=p4).values()) == before
    assert events(p4) == trail


# --- OLA ---------------------------------------------------------------------------------
def test_each_stay_in_a_group_has_its_own_ola_clock(p4, desk, policies, admin_user):
    network_ola = create_operational_target(
        OperationalTarget(
            assignment_group=desk.network,
            priority=Priority.P4,
            calendar=policies.always,
            resolution_minutes=60,
        ),
        actor=admin_user,
    )
    create_operational_target(
        OperationalTarget(
            assignment_group=desk.network, calendar=policies.always, resolution_minutes=600
        ),
        actor=admin_user,
    )
    ticket = set_state(
        p4, paris(2026, 3, 2, 10), status=Status.ASSIGNED, assignment_group=desk.desk_a
    )
    first = clock(ticket, ClockKind.OLA)
    assert first.operational_target == policies.ola_desk
    assert first.due_at == paris(2026, 3, 2, 14)  # 4 business hours

    ticket = set_state(ticket, paris(2026, 3, 2, 15), assignment_group=desk.network)
    first.refresh_from_db()
    assert first.state == ClockState.STOPPED and first.met is False  # 5 h with the desk
    second = clock(ticket, ClockKind.OLA)
    assert second.operational_target == network_ola  # its P4 target, not the default
    assert second.assignment_group == desk.network
    assert second.due_at == paris(2026, 3, 2, 16)

    ticket = set_state(ticket, paris(2026, 3, 2, 15, 30), assignment_group=desk.desk_a)
    assert SlaClock.objects.filter(ticket=ticket, kind=ClockKind.OLA).count() == 3
    assert clock(ticket, ClockKind.OLA).started_at == paris(2026, 3, 2, 15, 30)


# --- Vendor ------------------------------------------------------------------------------
@pytest.fixture
def under_contract(p4, cmdb, admin_user, policies):
    with acting_as(admin_user):
        supplier = Supplier.objects.create(name="Imagerie SA")
        contract = Contract.objects.create(
            supplier=supplier,
            reference="C-1",
            title="Maintenance PACS",
            kind=Contract.Kind.MAINTENANCE,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2027, 12, 31),
            support_hours=Contract.SupportHours.ALWAYS,
        )
        ContractCommitment.objects.create(
            contract=contract, priority=Priority.P4, response_minutes=30, resolution_minutes=120
        )
        expired = Contract.objects.create(
            supplier=supplier,
            reference="C-0",
            title="Ancien contrat",
            kind=Contract.Kind.MAINTENANCE,
            start_date=dt.date(2020, 1, 1),
            end_date=dt.date(2024, 12, 31),
            support_hours=Contract.SupportHours.ALWAYS,
        )
        ContractCommitment.objects.create(
            contract=expired, priority=Priority.P4, response_minutes=30, resolution_minutes=60
        )
        cmdb.server.contract = contract
        cmdb.server.save()
        cmdb.database.contract = expired
        cmdb.database.save()
    p4.configuration_items.set([cmdb.server, cmdb.database])
    return contract


def test_waiting_on_a_vendor_runs_the_contracts_clock(p4, under_contract, policies):
    ticket = set_state(p4, paris(2026, 3, 6, 17), status=Status.WAITING_VENDOR)
    vendor = SlaClock.objects.get(ticket=ticket, kind=ClockKind.VENDOR)  # not the expired one
    assert vendor.contract == under_contract
    assert vendor.calendar == policies.always  # 24/7 support, no calendar named
    assert vendor.due_at == paris(2026, 3, 6, 19)
    assert clock(ticket, RESOLUTION).state == ClockState.RUNNING

    ticket = set_state(ticket, paris(2026, 3, 6, 18, 30), status=Status.IN_PROGRESS)
    vendor.refresh_from_db()
    assert vendor.state == ClockState.STOPPED and vendor.met is True
    assert vendor.elapsed == 90 * 60


def test_a_vendor_clock_runs_on_the_calendar_the_contract_names(p4, under_contract, policies):
    under_contract.calendar_code = policies.calendars.office.code
    under_contract.save()
    ticket = set_state(p4, paris(2026, 3, 6, 17), status=Status.WAITING_VENDOR)
    vendor = SlaClock.objects.get(ticket=ticket, kind=ClockKind.VENDOR)
    assert vendor.calendar == policies.calendars.office
    assert vendor.due_at == paris(2026, 3, 9, 9)
