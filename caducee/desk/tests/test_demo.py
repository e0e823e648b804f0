"""``caducee demo`` gives the desk a life: groups and rules on the org's
teams, a few hundred tickets in every state through the services (small),
and ten years of history in bulk whose volumes look like a hospital's (ght,
scaled down here to a couple of thousand tickets)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from caducee.core.demo import DemoContext
from caducee.core.models import AuditEvent
from caducee.core.services.audit import verify_chain
from caducee.desk import demo
from caducee.desk.demo_groups import load_desk
from caducee.desk.demo_history import build_history
from caducee.desk.demo_pools import load_pools
from caducee.desk.models import (
    OPEN_STATUSES,
    AssignmentGroup,
    Comment,
    LinkKind,
    RoutingRule,
    Status,
    SupportLevel,
    Ticket,
    TicketCounter,
    TicketKind,
    TicketLink,
)
from caducee.desk.services.numbering import format_number
from caducee.desk.services.tickets import create_ticket

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture(scope="class")
def built(django_db_setup, django_db_blocker, request):
    """Build once per class inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield request.param() if hasattr(request, "param") else None
                raise Rollback
        except Rollback:
            pass


def _small():
    call_command("demo", "--scale", "small", "--seed", "11", stdout=StringIO())


NOW = dt.datetime(2026, 11, 18, 10, 30, tzinfo=dt.UTC)
HISTORY = 2_000


def _history():
    import os

    os.environ["CADUCEE_DEMO_TICKETS"] = "0"
    try:
        call_command("demo", "--scale", "small", "--seed", "5", stdout=StringIO())
    finally:
        del os.environ["CADUCEE_DEMO_TICKETS"]
    return build_history(random.Random(7), load_desk(), load_pools(), total=HISTORY, now=NOW)


# --- small: the service path -----------------------------------------------------------------
@pytest.mark.parametrize("built", [_small], indirect=True)
@pytest.mark.usefixtures("built")
class TestSmall:
    def test_groups_are_built_on_the_teams_with_escalation_and_rules(self):
        groups = {g.team.code: g for g in AssignmentGroup.objects.select_related("team")}
        desk = groups["dsi-centre-de-services"]
        assert desk.level == SupportLevel.L1 and desk.auto_assign and desk.manager
        assert desk.escalates_to.level == SupportLevel.L2
        local = [g for code, g in groups.items() if code.startswith("proximite-")]
        assert local and all(g.establishment_id == g.team.establishment_id for g in local)
        assert {SupportLevel.L1, SupportLevel.L2, SupportLevel.L3, SupportLevel.VENDOR} <= {
            g.level for g in groups.values()
        }
        assert groups["dsi-app-dpi"].escalates_to.level == SupportLevel.VENDOR
        assert {"dsi-reseau", "dsi-systemes", "dsi-bases-de-donnees", "biomedical"} <= set(groups)
        rules = RoutingRule.objects.all()
        assert rules.filter(category__isnull=False).exists()
        assert rules.filter(ci_type="network_device").exists()
        assert rules.filter(priority=1).exists()
        # Level 2 has people who may be given tickets.
        assert groups["dsi-reseau"].members().exists()

    def test_tickets_in_every_status_and_kind(self):
        statuses = Counter(Ticket.objects.values_list("status", flat=True))
        assert set(statuses) == set(Status.values)
        assert set(Ticket.objects.values_list("kind", flat=True)) == set(TicketKind.values)
        assert 200 <= sum(statuses.values()) <= 400
        assert Ticket.objects.filter(reopened_count__gt=0).exists()
        # Some went through level 1 before level 2.
        assert Ticket.objects.filter(
            status=Status.IN_PROGRESS, assignment_group__level=SupportLevel.L2
        ).exists()

    def test_comments_links_and_first_responses(self):
        comments = Comment.objects.all()
        assert comments.filter(visibility="public").exists()
        assert comments.filter(visibility="internal", time_spent__gt=0).exists()
        worked = Ticket.objects.filter(status__in=[Status.IN_PROGRESS, Status.CLOSED])
        assert worked.exclude(first_response_at=None).count() == worked.count()
        kinds = set(TicketLink.objects.values_list("kind", flat=True))
        assert kinds == set(LinkKind.values)
        problem = Ticket.objects.filter(kind=TicketKind.PROBLEM, links_in__isnull=False).first()
        assert problem.linked_incidents().count() >= 2

    def test_open_tickets_have_running_clocks(self):
        open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
        assert open_tickets.exists()
        for ticket in open_tickets:
            clocks = {
                c.kind: c for c in ticket.sla_clocks.filter(kind__in=["response", "resolution"])
            }
            assert "resolution" in clocks, ticket.number
            resolution = clocks["resolution"]
            if ticket.status == Status.WAITING_REQUESTER:
                assert resolution.state == "paused" and ticket.resolution_due is None
            else:
                assert resolution.state == "running"
                assert ticket.resolution_due == resolution.due_at

    def test_numbers_follow_creation_order_without_gaps(self):
        year = timezone.localdate().year
        for kind in TicketKind.values:
            numbers = list(
                Ticket.objects.filter(kind=kind).order_by("pk").values_list("number", flat=True)
            )
            assert numbers == [format_number(kind, year, n) for n in range(1, len(numbers) + 1)]

    def test_audited_and_not_duplicated(self):
        assert AuditEvent.objects.filter(event="desk.status_changed").exists()
        assert AuditEvent.objects.filter(event="demo.desk_accounts").exists()
        before = (
            Ticket.objects.count(),
            AssignmentGroup.objects.count(),
            RoutingRule.objects.count(),
        )
        ctx = DemoContext(scale="small", seed=11, random=random.Random(11), faker=None)
        demo.contribute(ctx)
        after = (
            Ticket.objects.count(),
            AssignmentGroup.objects.count(),
            RoutingRule.objects.count(),
        )
        assert after == before
        assert verify_chain().ok


# --- ght: the bulk history, scaled down ----------------------------------------------------------
@pytest.mark.parametrize("built", [_history], indirect=True)
@pytest.mark.usefixtures("built")
class TestHistory:
    def test_volumes_look_like_a_hospital_desk(self):
        tickets = Ticket.objects.all()
        assert tickets.count() == HISTORY
        priorities = Counter(tickets.values_list("priority", flat=True))
        assert 0.002 <= priorities[1] / HISTORY <= 0.025
        assert 0.03 <= priorities[2] / HISTORY <= 0.10
        assert 0.38 <= priorities[4] / HISTORY <= 0.52
        local = [timezone.localtime(c) for c in tickets.values_list("created_at", flat=True)]
        night = sum(1 for t in local if t.hour >= 22 or t.hour < 6) / HISTORY
        weekend = sum(1 for t in local if t.weekday() >= 5) / HISTORY
        assert 0.03 <= night <= 0.12
        assert 0.04 <= weekend <= 0.14
        by_day = Counter(t.weekday() for t in local)
        assert by_day[0] > by_day[4] > by_day[6]
        peak = sum(1 for t in local if 8 <= t.hour < 12)
        assert peak > 4 * sum(1 for t in local if 0 <= t.hour < 4)
        years = Counter(t.year for t in local)
        assert years[2025] > years[2017]  # the desk grows
        assert min(local) >= timezone.localtime(NOW.replace(year=2016)) - dt.timedelta(days=1)

    def test_sla_outcomes(self):
        resolved = Ticket.objects.exclude(resolved_at=None).exclude(resolution_due=None)
        late = sum(1 for r, d in resolved.values_list("resolved_at", "resolution_due") if r > d)
        assert 0.06 <= late / resolved.count() <= 0.14
        old = Ticket.objects.filter(created_at__lt=NOW - dt.timedelta(days=60))
        final = old.filter(status__in=[Status.CLOSED, Status.CANCELLED]).count()
        assert final / old.count() > 0.99
        for ticket in Ticket.objects.filter(status__in=OPEN_STATUSES):
            clocks = {c.kind: c for c in ticket.sla_clocks.all()}
            assert {"response", "resolution"} <= set(clocks), ticket.number
            running = clocks["resolution"].state == "running"
            assert ticket.resolution_due == (clocks["resolution"].due_at if running else None)
        closed = Ticket.objects.filter(status=Status.CLOSED).first()
        assert closed.created_at <= closed.first_response_at <= closed.resolved_at
        assert closed.resolved_at < closed.closed_at
        assert Comment.objects.filter(ticket__created_at__gte=NOW - dt.timedelta(days=365)).exists()
        assert not Comment.objects.filter(
            ticket__created_at__lt=NOW - dt.timedelta(days=366)
        ).exists()

    def test_next_ticket_continues_the_sequence(self, admin_user):
        year = timezone.localdate().year
        counter = TicketCounter.objects.get(kind=TicketKind.INCIDENT, year=year)
        last = Ticket.objects.filter(number__startswith=f"INC-{year}-").order_by("-number").first()
        assert last.number == format_number(TicketKind.INCIDENT, year, counter.last)
        caller = load_pools().callers[0]
        ticket = create_ticket(
            Ticket(
                kind=TicketKind.INCIDENT,
                title="Après l'historique",
                establishment_id=caller.establishment_id,
                requester_id=caller.pk,
            ),
            actor=admin_user,
        )
        assert ticket.number == format_number(TicketKind.INCIDENT, year, counter.last + 1)

    def test_one_summary_event_and_no_second_load(self):
        events = AuditEvent.objects.filter(event="demo.tickets_loaded")
        assert events.count() == 1 and events.get().data["tickets"] == HISTORY
        assert not AuditEvent.objects.filter(object_type="desk.ticket", action="create").exists()
        again = build_history(random.Random(7), load_desk(), load_pools(), total=50, now=NOW)
        assert "already present" in again and Ticket.objects.count() == HISTORY

    def test_same_seed_same_history(self):
        def fingerprint():
            return list(
                Ticket.objects.order_by("pk").values_list(
                    "number", "created_at", "priority", "status", "requester_id", "resolved_at"
                )
            )

        first = fingerprint()
        try:
            with transaction.atomic():
                Ticket.objects.all().delete()
                TicketCounter.objects.all().delete()
                build_history(random.Random(7), load_desk(), load_pools(), total=HISTORY, now=NOW)
                second = fingerprint()
                raise Rollback
        except Rollback:
            pass
        assert [row[0] for row in first] == [row[0] for row in second]
        assert [row[1:] for row in first] == [row[1:] for row in second]
