"""The agents' queues through the API, with the pages' own FilterSet: mine,
my groups, unassigned, breaching soon and all, each in the caller's scope;
a ticket found by its number written any usual way or by words of its
title; a category with everything under it; sorting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caducee.desk.models import Category, ResolutionCode, Status, Ticket, TicketKind
from caducee.desk.services.tickets import assign, resolve
from caducee.desk.tests.test_ticket_api import LIST, client_for, numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(desk, new_ticket, ght):
    """Alice is in the desk group of A; Bruno in the network group."""
    mine = assign(
        new_ticket(title="Écran noir"), actor=desk.agent, group=desk.desk_a, assignee=desk.agent
    )
    queued = assign(new_ticket(title="Imprimante bloquée"), actor=desk.agent, group=desk.desk_a)
    network = assign(
        new_ticket(title="Wi-Fi lent en réa"),
        actor=desk.engineer,
        group=desk.network,
        assignee=desk.engineer,
    )
    fresh = new_ticket(title="Badge refusé")
    done = assign(
        new_ticket(title="Souris HS"), actor=desk.agent, group=desk.desk_a, assignee=desk.agent
    )
    done = resolve(done, actor=desk.agent, code=ResolutionCode.FIXED)
    foreign = new_ticket(
        actor=desk.agent_b, establishment=ght.b, requester=ght.clerk_b, title="Écran noir"
    )
    # Deadlines are the SLA's: set here so that only the test decides them.
    now = timezone.now()
    Ticket.objects.update(response_due=None, resolution_due=None)
    Ticket.objects.filter(pk=fresh.pk).update(resolution_due=now + dt.timedelta(minutes=30))
    Ticket.objects.filter(pk=queued.pk).update(response_due=now - dt.timedelta(minutes=5))
    Ticket.objects.filter(pk=network.pk).update(resolution_due=now + dt.timedelta(hours=3))
    Ticket.objects.filter(pk=done.pk).update(resolution_due=now - dt.timedelta(hours=1))
    Ticket.objects.filter(pk=foreign.pk).update(resolution_due=now)
    return {
        "mine": mine,
        "queued": queued,
        "network": network,
        "fresh": fresh,
        "done": done,
        "foreign": foreign,
    }


def queue(user, name: str, **params) -> set[str]:
    return set(numbers(client_for(user).get(LIST, {"queue": name, **params})))


def of(board, *names: str) -> set[str]:
    return {board[name].number for name in names}


def test_the_queues_of_an_agent_in_a_group(desk, board):
    agent = desk.agent
    assert queue(agent, "mine") == of(board, "mine")
    assert queue(agent, "groups") == of(board, "mine", "queued")
    assert queue(agent, "unassigned") == of(board, "queued", "fresh")
    assert queue(agent, "breaching") == of(board, "queued", "fresh")
    assert queue(agent, "all") == of(board, "mine", "queued", "network", "fresh", "done")
    assert set(numbers(client_for(agent).get(LIST))) == queue(agent, "all")


def test_the_queues_of_an_agent_without_a_group(desk, board):
    outsider = desk.outsider
    assert queue(outsider, "mine") == set()
    assert queue(outsider, "groups") == set()
    assert queue(outsider, "unassigned") == of(board, "queued", "fresh")
    assert queue(desk.agent_b, "breaching") == of(board, "foreign")


def test_a_queue_combines_with_the_other_filters(desk, board):
    # Bruno leads the desk's team and is in the network group.
    assert queue(desk.engineer, "groups") == of(board, "mine", "queued", "network")
    assert queue(desk.engineer, "all", status=Status.RESOLVED) == of(board, "done")
    assert queue(desk.agent, "all", assignment_group=desk.network.pk) == of(board, "network")
    assert queue(desk.agent, "all", assignee=desk.agent.pk) == of(board, "mine", "done")


def test_a_ticket_is_found_by_its_number_written_any_usual_way(desk, board):
    ticket = board["queued"]
    prefix, year, sequence = ticket.number.split("-")
    short = str(int(sequence))
    for written in (
        ticket.number,
        ticket.number.lower(),
        f"{prefix}{year}{sequence}",
        f"{year}-{sequence}",
        f"{year}-{short}",
        sequence,
        short,
        f"{prefix}-{short}",
    ):
        found = set(numbers(client_for(desk.agent).get(LIST, {"q": written})))
        assert found == {ticket.number}, written
    assert set(numbers(client_for(desk.agent).get(LIST, {"q": "REQ-" + short}))) == set()


def test_a_ticket_is_found_by_words_of_its_title_in_scope_only(desk, board):
    assert set(numbers(client_for(desk.agent).get(LIST, {"q": "NOIR Écran"}))) == of(board, "mine")
    assert set(numbers(client_for(desk.agent).get(LIST, {"q": "noir wi-fi"}))) == set()
    assert set(numbers(client_for(desk.agent_b).get(LIST, {"q": "noir"}))) == of(board, "foreign")


def test_a_category_brings_its_whole_subtree(desk, new_ticket):
    software = Category.objects.create(kind=TicketKind.INCIDENT, name="Logiciel métier")
    ehr = Category.objects.create(kind=TicketKind.INCIDENT, name="DPI", parent=software)
    login = Category.objects.create(kind=TicketKind.INCIDENT, name="Connexion", parent=ehr)
    hardware = Category.objects.create(kind=TicketKind.INCIDENT, name="Matériel")
    at_root = new_ticket(category=software)
    below = new_ticket(category=ehr)
    deepest = new_ticket(category=login)
    new_ticket(category=hardware)
    new_ticket()
    client = client_for(desk.agent)
    assert set(numbers(client.get(LIST, {"category": software.pk}))) == {
        at_root.number,
        below.number,
        deepest.number,
    }
    assert set(numbers(client.get(LIST, {"category": ehr.pk}))) == {below.number, deepest.number}
    assert client.get(LIST, {"category": 987654}).status_code == 400


def test_sorting(desk, board):
    client = client_for(desk.agent)
    rows = client.get(LIST, {"queue": "all", "ordering": "number"}).json()["results"]
    assert [r["number"] for r in rows] == sorted(r["number"] for r in rows)
    rows = client.get(LIST, {"queue": "all", "ordering": "-created"}).json()["results"]
    assert [r["number"] for r in rows] == sorted((r["number"] for r in rows), reverse=True)
    # By default: priority first, then the nearest resolution deadline, then the newest.
    Ticket.objects.update(priority=3)
    Ticket.objects.filter(pk=board["network"].pk).update(priority=1)
    rows = client.get(LIST, {"queue": "all"}).json()["results"]
    assert [r["number"] for r in rows] == [
        board[name].number for name in ("network", "done", "fresh", "queued", "mine")
    ]
    assert client.get(LIST, {"ordering": "nope"}).status_code == 400


def test_finished_tickets_sort_by_priority_then_newest(desk, new_ticket):
    """Closed or cancelled tickets have no deadline: by default the list
    gives them by priority, the newest first within a priority."""
    now = timezone.now()
    made = {}
    for name, priority, days in (("old-p2", 2, 30), ("new-p2", 2, 1), ("p1", 1, 10), ("p3", 3, 2)):
        ticket = new_ticket(title=name)
        Ticket.objects.filter(pk=ticket.pk).update(
            status=Status.CLOSED,
            priority=priority,
            created_at=now - dt.timedelta(days=days),
            response_due=None,
            resolution_due=None,
        )
        made[name] = ticket.number
    client = client_for(desk.agent)
    rows = client.get(LIST, {"queue": "all", "status": "closed"}).json()["results"]
    assert [r["number"] for r in rows] == [made[n] for n in ("p1", "new-p2", "old-p2", "p3")]
    rows = client.get(LIST, {"queue": "all", "status": ["closed", "new"]}).json()["results"]
    assert [r["number"] for r in rows] == [made[n] for n in ("p1", "new-p2", "old-p2", "p3")]
