"""What the queue, the ticket page and the ticket list API cost, and that
what they show survives the ways they were made cheaper (issue "Service
desk core", performance: p95 under 100 ms at 750,000 tickets).

The bounds are query counts (a regression fails here, not on a timer);
the figures are in bench/README.md.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caducee.core.context import acting_as
from caducee.desk.models import AssignmentGroup, Status, Ticket
from caducee.desk.models.links import LinkKind
from caducee.desk.services.lifecycle import close, resolve
from caducee.desk.services.links import link_tickets
from caducee.desk.services.requester import LIST_LIMIT
from caducee.org.models import Team

pytestmark = pytest.mark.django_db

QUEUE = reverse("desk:queue")
API = "/api/desk/tickets/"


def _ticket_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "desk_ticket"' in q["sql"] and "LIMIT" in q["sql"]]


@pytest.fixture
def closed(desk, new_ticket):
    """Three closed tickets, oldest first, and one open."""
    done = []
    for title in ("Ancien", "Moyen", "Récent"):
        ticket = resolve(new_ticket(title=title), actor=desk.agent, code="fixed")
        done.append(close(ticket, actor=desk.agent))
    return done, new_ticket(title="Ouvert")


# --- the queue ----------------------------------------------------------------------------
def test_closed_newest_first_reads_no_distinct_rows(client, desk, closed):
    done, _open = closed
    client.force_login(desk.agent)
    query = {"queue": "all", "status": "closed", "ordering": "-created"}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE, query)
    rows = response.context["page"].rows
    assert [t.pk for t in rows] == [t.pk for t in reversed(done)]
    # DISTINCT over the rows made PostgreSQL sort every closed ticket first.
    assert not any("DISTINCT" in sql for sql in _ticket_queries(captured))


def test_closed_tickets_come_newest_recorded_first_by_the_index_order(client, desk, closed):
    """Without a chosen sort, the closed tickets are listed by when they were
    recorded (an imported history need not have its ids in that order), in
    the order the (status, priority, created_at, id) index keeps: ordering
    by id walked every newer ticket of another state."""
    import datetime as dt

    done, _open = closed
    oldest, middle, newest = done
    # An import: the first row inserted is the most recent ticket.
    Ticket.objects.filter(pk=oldest.pk).update(created_at=newest.created_at + dt.timedelta(days=1))
    client.force_login(desk.agent)
    with CaptureQueriesContext(connection) as captured:
        query = {"queue": "all", "status": "closed", "priority": str(oldest.priority)}
        response = client.get(QUEUE, query)
    rows = response.context["page"].rows
    assert [t.pk for t in rows] == [oldest.pk, newest.pk, middle.pk]
    [listing] = [sql for sql in _ticket_queries(captured) if "ORDER BY" in sql]
    assert re.search(r'ORDER BY "desk_ticket"."created_at" DESC, "desk_ticket"."id" DESC', listing)
    # Several statuses, or none: no index keeps them in creation order, and
    # SQLite would sort the establishment's tickets; by id, newest first.
    for query in ({"queue": "all", "status": ["closed", "new"]}, {"queue": "all"}):
        with CaptureQueriesContext(connection) as captured:
            client.get(QUEUE, query)
        [listing] = [sql for sql in _ticket_queries(captured) if "ORDER BY" in sql]
        assert re.search(r'ORDER BY "desk_ticket"."id" DESC LIMIT', listing), listing[-200:]


def test_several_statuses_and_priorities_list_each_ticket_once(client, desk, closed):
    done, opened = closed
    client.force_login(desk.agent)
    query = {"queue": "all", "status": ["closed", "new"], "priority": ["1", "2", "3", "4", "5"]}
    rows = client.get(QUEUE, query).context["page"].rows
    assert sorted(t.pk for t in rows) == sorted([*(t.pk for t in done), opened.pk])


def test_the_bulk_form_offers_the_active_groups_of_the_filter(client, desk, ght, admin_user):
    with acting_as(admin_user):
        team = Team.objects.create(code="ancien", name="Ancien groupe", establishment=ght.a)
    AssignmentGroup.objects.create(team=team, establishment=ght.a, is_active=False)
    client.force_login(desk.agent)
    html = client.get(QUEUE).content.decode()
    bulk = re.search(
        r'<select name="assignment_group" id="bulk-assignment_group".*?</select>', html, re.S
    )
    filters = re.search(
        r'<select name="assignment_group" id="id_assignment_group".*?</select>', html, re.S
    )
    assert bulk and filters
    for group in (desk.desk_a, desk.network):
        assert f'value="{group.pk}"' in bulk.group() and str(group) in bulk.group()
    assert "Ancien groupe" in filters.group() and "Ancien groupe" not in bulk.group()


def test_the_queue_costs_the_same_queries_for_every_queue(
    client, desk, new_ticket, django_assert_max_num_queries
):
    for index in range(12):
        new_ticket(title=f"Panne {index}", assignment_group=desk.desk_a)
    client.force_login(desk.agent)
    client.get(QUEUE)  # caches warmed
    for queue in ("groups", "unassigned", "breaching", "all", "mine"):
        with django_assert_max_num_queries(21):
            assert client.get(QUEUE, {"queue": queue}).status_code == 200
    with django_assert_max_num_queries(21):
        client.get(QUEUE, {"queue": "all", "status": "closed", "ordering": "-created"})


# --- the ticket page ----------------------------------------------------------------------
@pytest.fixture
def busy_ticket(desk, ght, new_ticket):
    """An assigned ticket whose group escalates, with links both ways and a
    requester who has more open tickets than the card lists."""
    AssignmentGroup.objects.filter(pk=desk.desk_a.pk).update(
        escalates_to=desk.network, manager=desk.engineer
    )
    ticket = new_ticket(title="Écran figé", assignment_group=desk.desk_a, assignee=desk.agent)
    others = [new_ticket(title=f"Autre {i}") for i in range(LIST_LIMIT + 2)]
    link_tickets(ticket, others[0], actor=desk.agent, kind=LinkKind.DUPLICATE_OF)
    link_tickets(others[1], ticket, actor=desk.agent, kind=LinkKind.CHILD_OF)
    return ticket, others


def test_the_ticket_page_keeps_what_it_shows(client, desk, busy_ticket):
    ticket, others = busy_ticket
    client.force_login(desk.agent)
    html = client.get(reverse("desk:ticket_detail", args=[ticket.pk])).content.decode()
    # The escalation names the next level and the manager.
    assert 'data-escalate="next_level"' in html and "(Réseau GHT)" in html
    assert f"({desk.engineer.get_full_name() or desk.engineer.username})" in html
    # Links from and to the ticket, each with the other's number.
    assert others[0].number in html and others[1].number in html and "Parent of" in html
    # The requester's other open tickets: all counted, the newest listed.
    card = re.search(r'id="requester-card".*?</section>', html, re.S).group()
    assert f'<span class="badge">{LIST_LIMIT + 2}</span>' in card
    assert card.count('class="open-ticket"') == LIST_LIMIT
    assert others[-1].number in card and others[0].number not in card
    # The assignee and group lists of the "Reassign" form.
    assert 'id="transition-assigned-assignee"' in html and desk.agent.username in html


def test_the_ticket_page_costs_a_bounded_number_of_queries(
    client, desk, busy_ticket, django_assert_max_num_queries
):
    ticket, _others = busy_ticket
    client.force_login(desk.agent)
    url = reverse("desk:ticket_detail", args=[ticket.pk])
    client.get(url)  # caches warmed
    with django_assert_max_num_queries(26):
        assert client.get(url).status_code == 200


def test_a_requester_without_other_open_tickets_has_an_empty_card(client, desk, new_ticket):
    ticket = new_ticket()
    client.force_login(desk.agent)
    html = client.get(reverse("desk:ticket_detail", args=[ticket.pk])).content.decode()
    assert '<span class="badge">0</span>' in html and "No other open ticket." in html


# --- the API list --------------------------------------------------------------------------
def test_the_api_lists_closed_tickets_in_few_queries(
    client, desk, closed, django_assert_max_num_queries
):
    done, _open = closed
    Ticket.objects.filter(pk__in=[t.pk for t in done]).update(priority=2)
    client.force_login(desk.agent)
    client.get(API)
    with django_assert_max_num_queries(10):
        body = client.get(API, {"queue": "all", "status": "closed", "priority": "2"}).json()
    assert body["count"] == 3
    assert {row["number"] for row in body["results"]} == {t.number for t in done}
    assert all(row["status"] == Status.CLOSED for row in body["results"])


@pytest.mark.postgresql
def test_ticket_statistics_are_refreshed_every_percent_of_changes(db):
    """The planner's view of recent tickets is kept within a few days (see
    migration desk 0006): "similar tickets" walked every recent open ticket
    with six-week-old statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('desk_ticket', 'desk_ticket_configuration_items')"
        )
        options = dict(cursor.fetchall())
    assert options == {
        "desk_ticket": ["autovacuum_analyze_scale_factor=0.01"],
        "desk_ticket_configuration_items": ["autovacuum_analyze_scale_factor=0.01"],
    }
