"""SLA fixtures shared by the policy, clock, escalation, page and API tests.

On top of the desk's small GHT (``caducee.desk.tests.conftest``) and the
calendars of ``calendar_data`` (the DSI's business hours Monday–Friday
08–18 with metropolitan holidays; A's reception; B's 24/7 emergency
calendar), a shared 24/7 calendar and the policies a GHT starts from:

    10  P1 incidents, 24/7: respond 15 min, resolve 4 h
    20  P2 incidents, 24/7: respond 30 min, resolve 8 h
    100 incidents, business hours: respond 2 h, resolve 16 h (2 days)
    110 service requests, business hours: resolve 5 days, no response target

and an OLA of 4 business hours for A's service desk group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from caducee.cmdb.models import Priority
from caducee.desk.models import Ticket, TicketKind
from caducee.sla.models import BusinessCalendar, Escalation, OperationalTarget, SlaPolicy
from caducee.sla.services.clocks import sync_ticket
from caducee.sla.services.policies import create_operational_target, create_policy
from caducee.sla.tests.calendar_data import Calendars, make_calendar

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@dataclass
class Policies:
    calendars: Calendars
    always: BusinessCalendar
    p1: SlaPolicy
    p2: SlaPolicy
    incidents: SlaPolicy
    requests: SlaPolicy
    ola_desk: OperationalTarget


@pytest.fixture
def policies(calendars, desk, admin_user) -> Policies:
    always = make_calendar(admin_user, "soins-critiques-24-7", "24/7", always_open=True)
    office = calendars.office

    def policy(name, position, calendar, **fields) -> SlaPolicy:
        return create_policy(
            SlaPolicy(name=name, position=position, calendar=calendar, **fields), actor=admin_user
        )

    p1 = policy(
        "P1 incidents",
        10,
        always,
        kind=TicketKind.INCIDENT,
        priority=Priority.P1,
        response_minutes=15,
        resolution_minutes=240,
        on_breach=Escalation.NEXT_LEVEL,
    )
    p2 = policy(
        "P2 incidents",
        20,
        always,
        kind=TicketKind.INCIDENT,
        priority=Priority.P2,
        response_minutes=30,
        resolution_minutes=480,
    )
    incidents = policy(
        "Incidents",
        100,
        office,
        kind=TicketKind.INCIDENT,
        response_minutes=120,
        resolution_minutes=960,
    )
    requests = policy("Requests", 110, office, kind=TicketKind.REQUEST, resolution_minutes=2400)
    ola = create_operational_target(
        OperationalTarget(assignment_group=desk.desk_a, calendar=office, resolution_minutes=240),
        actor=admin_user,
    )
    return Policies(calendars, always, p1, p2, incidents, requests, ola)


def restart_at(ticket: Ticket, now: dt.datetime, *, actor=None) -> Ticket:
    """Forget the ticket's clocks and start them again at ``now``: the clock
    tests then move the ticket through fixed instants."""
    ticket.sla_clocks.all().delete()
    Ticket.objects.filter(pk=ticket.pk).update(response_due=None, resolution_due=None)
    ticket.refresh_from_db()
    sync_ticket(ticket, actor=actor, now=now)
    return ticket


def set_state(ticket: Ticket, now: dt.datetime, *, actor=None, **fields) -> Ticket:
    """The ticket as the desk would have saved it, then synced at ``now``."""
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    ticket.refresh_from_db()
    sync_ticket(ticket, actor=actor, now=now)
    return ticket
