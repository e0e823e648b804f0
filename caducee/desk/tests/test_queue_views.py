"""The agent's queue page: who sees what, the tabs and their counts, sort,
paging without a count, SLA colours, the live-refresh partial, and a
query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caducee.core import roles
from caducee.desk.models import Status, Ticket
from caducee.desk.services.notifications import notify
from caducee.desk.services.tickets import resolve
from caducee.desk.views import queues
from caducee.org.models import Person

pytestmark = pytest.mark.django_db

QUEUE = reverse("desk:queue")
ROWS = reverse("desk:queue_rows")


def numbers(response) -> list[str]:
    return [ticket.number for ticket in response.context["page"].rows]


@pytest.fixture
def tickets(desk, new_ticket, ght):
    """mine (Alice's, in her group), group (her group, nobody on it),
    loose (no group), network (Bruno's group), resolved, and one of B."""
    mine = new_ticket(
        title="Mine", assignment_group=desk.desk_a, assignee=desk.agent, care_unit=ght.icu_a
    )
    group = new_ticket(title="Group", assignment_group=desk.desk_a)
    loose = new_ticket(title="Loose")
    network = new_ticket(title="Network", assignment_group=desk.network, actor=desk.engineer)
    done = new_ticket(title="Done", assignment_group=desk.desk_a, assignee=desk.agent)
    done = resolve(done, actor=desk.agent, code="fixed")
    other = new_ticket(
        title="Other establishment", establishment=ght.b, requester=ght.clerk_b, actor=desk.engineer
    )
    return {
        "mine": mine,
        "group": group,
        "loose": loose,
        "network": network,
        "done": done,
        "other": other,
    }


def test_a_member_of_a_group_lands_on_its_queue(client, desk, tickets):
    client.force_login(desk.agent)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.context["queue"] == "groups"
    assert sorted(numbers(response)) == sorted([tickets["mine"].number, tickets["group"].number])
    active = [tab["key"] for tab in response.context["tabs"] if tab["active"]]
    assert active == ["groups"]


def test_without_a_group_the_default_is_every_open_ticket_in_scope(client, desk, tickets):
    client.force_login(desk.outsider)  # agent of A, in no group
    response = client.get(QUEUE)
    assert response.context["queue"] == "all"
    shown = set(numbers(response))
    assert shown == {tickets[k].number for k in ("mine", "group", "loose", "network")}
    # Resolved tickets and establishment B's are not in it.
    assert tickets["done"].number not in shown
    assert tickets["other"].number not in shown


def test_the_all_tab_shows_every_status_and_has_no_count(client, desk, tickets):
    client.force_login(desk.agent)
    response = client.get(QUEUE, {"queue": "all"})
    assert tickets["done"].number in numbers(response)
    all_tab = next(tab for tab in response.context["tabs"] if tab["key"] == "all")
    assert all_tab["count"] is None


def test_scope_is_the_users_establishments(client, desk, tickets):
    client.force_login(desk.agent_b)
    response = client.get(QUEUE, {"queue": "all"})
    assert numbers(response) == [tickets["other"].number]


def test_a_requester_sees_only_their_own_tickets(client, ght, make_user, admin_user, tickets):
    from caducee.core.context import acting_as

    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    with acting_as(admin_user, source="test"):
        Person.objects.create(
            establishment=ght.a, first_name="Zoé", last_name="Blanc", user=requester
        )
    own = tickets["loose"]
    Ticket.objects.filter(pk=own.pk).update(requester=requester.person)
    client.force_login(requester)
    response = client.get(QUEUE, {"queue": "all"})
    assert response.status_code == 200
    assert numbers(response) == [own.number]
    # Nothing to tick or save: a requester does not work tickets.
    assert b'name="ticket"' not in response.content
    assert "bulk_form" not in response.context
    assert response.context["saved_filters"] == []


def test_without_the_right_to_read_tickets_the_page_is_refused(client, ght, make_user):
    client.force_login(make_user(roles.CHANGE_MANAGER, establishments=[ght.a]))
    assert client.get(QUEUE).status_code == 403
    assert client.get(ROWS).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_tab_counts_are_the_sizes_of_the_open_queues(client, desk, tickets):
    Ticket.objects.filter(pk=tickets["group"].pk).update(
        resolution_due=timezone.now() + dt.timedelta(minutes=20)
    )
    client.force_login(desk.agent)
    response = client.get(QUEUE)
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    for key in ("mine", "groups", "unassigned", "breaching"):
        listed = client.get(QUEUE, {"queue": key})
        assert counts[key] == len(numbers(listed)), key
    assert counts == {"mine": 1, "groups": 2, "unassigned": 2, "breaching": 1, "all": None}


def test_sorting_by_number_either_way(client, desk, tickets):
    client.force_login(desk.outsider)
    up = numbers(client.get(QUEUE, {"queue": "all", "ordering": "number"}))
    down = numbers(client.get(QUEUE, {"queue": "all", "ordering": "-number"}))
    assert up == sorted(up)
    assert down == list(reversed(up))


def test_sorting_by_priority_and_the_header_link_flips_it(client, desk, tickets):
    Ticket.objects.filter(pk=tickets["loose"].pk).update(priority=1)
    Ticket.objects.filter(pk=tickets["group"].pk).update(priority=5)
    client.force_login(desk.outsider)
    response = client.get(QUEUE, {"queue": "all", "ordering": "priority"})
    rows = response.context["page"].rows
    assert [t.priority for t in rows] == sorted(t.priority for t in rows)
    assert rows[0].number == tickets["loose"].number
    header = next(h for h in response.context["headers"] if h["name"] == "priority")
    assert header["sort"] == "ascending"
    assert "ordering=-priority" in header["url"]
    assert b'aria-sort="ascending"' in response.content
    # Columns without an index to sort on are not offered.
    title = next(h for h in response.context["headers"] if h["name"] == "title")
    assert title["url"] is None


def test_pages_are_known_without_counting_the_queue(client, desk, tickets, monkeypatch):
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    client.force_login(desk.agent)
    with CaptureQueriesContext(connection) as captured:
        first = client.get(QUEUE, {"queue": "all", "ordering": "number"})
    assert len(numbers(first)) == 2
    assert first.context["next_url"].endswith("page=2")
    assert "previous_url" not in first.context
    # The unread notifications are counted (an indexed, per-user count); the
    # tickets never are.
    counted = [q["sql"] for q in captured.captured_queries if "__count" in q["sql"]]
    assert counted and not [sql for sql in counted if "desk_ticket" in sql], counted
    last = client.get(QUEUE, {"queue": "all", "ordering": "number", "page": "3"})
    assert len(numbers(last)) == 1
    assert "next_url" not in last.context
    assert last.context["previous_url"].endswith("page=2")
    everything = numbers(client.get(QUEUE, {"queue": "all", "ordering": "number"}))
    everything += numbers(client.get(QUEUE, {"queue": "all", "ordering": "number", "page": 2}))
    everything += numbers(last)
    assert len(set(everything)) == 5


def test_a_page_number_that_is_not_one_is_the_first_page(client, desk, tickets):
    client.force_login(desk.agent)
    response = client.get(QUEUE, {"page": "x"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_invalid_filters_are_answered_without_rows_nor_error(client, desk, tickets):
    client.force_login(desk.agent)
    response = client.get(QUEUE, {"queue": "all", "status": "nonsense", "establishment": "x"})
    assert response.status_code == 200
    assert numbers(response) == []
    assert not response.context["filter_valid"]


def test_filters_narrow_the_queue(client, desk, tickets):
    client.force_login(desk.agent)
    response = client.get(QUEUE, {"queue": "all", "q": "Network"})
    assert numbers(response) == [tickets["network"].number]
    response = client.get(QUEUE, {"queue": "all", "status": "resolved"})
    assert numbers(response) == [tickets["done"].number]


def test_sla_deadlines_are_coloured_and_relative(client, desk, tickets):
    now = timezone.now()
    Ticket.objects.filter(pk=tickets["mine"].pk).update(
        resolution_due=now - dt.timedelta(hours=2, minutes=5)
    )
    Ticket.objects.filter(pk=tickets["group"].pk).update(
        resolution_due=now + dt.timedelta(minutes=30)
    )
    client.force_login(desk.agent)
    html = client.get(QUEUE).content.decode()
    assert 'class="due due-overdue"' in html
    assert 'class="due due-soon"' in html
    assert "overdue" in html
    assert "P" in html and "prio prio-" in html


def test_the_page_polls_its_rows_with_the_same_query(client, desk, tickets):
    client.force_login(desk.agent)
    response = client.get(QUEUE, {"queue": "unassigned", "ordering": "number"})
    html = response.content.decode()
    assert 'hx-trigger="every 30s, desk:refresh"' in html
    rows_url = response.context["rows_url"]
    assert rows_url.startswith(ROWS)
    assert "queue=unassigned" in rows_url and "ordering=number" in rows_url
    partial = client.get(rows_url)
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body
    assert numbers(partial) == numbers(response)
    assert 'id="queue-tabs"' in body and 'hx-swap-oob="true"' in body
    assert f'data-pk="{tickets["group"].pk}"' in body


def test_rows_carry_their_version_for_bulk_actions(client, desk, tickets):
    client.force_login(desk.agent)
    html = client.get(QUEUE).content.decode()
    mine = tickets["mine"]
    assert f'value="{mine.pk}:{mine.version}" form="bulk-form"' in html
    assert "js-select-all" in html
    assert f'href="{reverse("desk:ticket_detail", args=[mine.pk])}"' in html


def test_unread_notifications_are_counted_in_the_header(client, desk, tickets):
    notify([desk.agent], ticket=tickets["mine"], kind="assigned", message="Pour toi")
    client.force_login(desk.agent)
    response = client.get(QUEUE)
    assert response.context["unread_notifications"] == 1
    assert reverse("desk:notifications") in response.content.decode()


def test_the_shortcuts_help_and_script_are_on_the_page(client, desk, tickets):
    client.force_login(desk.agent)
    html = client.get(QUEUE).content.decode()
    assert 'id="shortcuts-help"' in html
    assert "desk/workspace.js" in html
    assert "desk/desk.css" in html
    assert 'data-shortcut="g q"' in html
    assert 'data-shortcut="/"' in html
    assert f'href="{reverse("desk:ticket_create")}" data-shortcut="n"' in html
    assert "<script>" not in html  # no inline script (CSP)


def _fill(new_ticket, desk, ght, count: int) -> None:
    for index in range(count):
        new_ticket(
            title=f"Poste {index}",
            assignment_group=desk.desk_a,
            assignee=desk.agent,
            care_unit=ght.ward_a,
        )


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, desk, ght, new_ticket, django_assert_num_queries
):
    _fill(new_ticket, desk, ght, 5)
    client.force_login(desk.agent)
    client.get(QUEUE)  # caches warmed (content types, templates)
    with CaptureQueriesContext(connection) as five:
        response = client.get(QUEUE)
    assert len(numbers(response)) == 5
    _fill(new_ticket, desk, ght, 25)
    with django_assert_num_queries(len(five.captured_queries)):
        response = client.get(QUEUE)
    assert len(numbers(response)) == 30
    assert len(five.captured_queries) <= 25
    with CaptureQueriesContext(connection) as partial:
        client.get(ROWS)
    assert len(partial.captured_queries) <= len(five.captured_queries)


def test_resolved_tickets_show_no_deadline(client, desk, tickets):
    Ticket.objects.filter(pk=tickets["done"].pk).update(
        resolution_due=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(desk.agent)
    response = client.get(QUEUE, {"queue": "all", "status": Status.RESOLVED})
    assert "due-overdue" not in response.content.decode()


def test_the_service_desk_menu_links_the_queues_and_skips_missing_pages(desk):
    from caducee.core.navigation import menu_for

    group = next(g for g in menu_for(desk.agent) if str(g["label"]) == "Service desk")
    urls = [item["url"] for item in group["items"]]
    assert urls[0] == QUEUE
    assert reverse("desk:ticket_create") in urls
    names = {item["url_name"] for item in group["items"]}
    # Agents read the groups and the routing rules (why a ticket went where
    # it went); only administrators change them.
    assert {"desk:assignmentgroup_list", "desk:routingrule_list"} <= names


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_and_bulk_in_a_real_browser(live_server, browser, desk, new_ticket):
    """j moves the selection, x ticks, the bulk form shows the fields of its
    destination, an htmx bulk assign reports and reloads the rows, "?"
    opens the help; the Content Security Policy refuses nothing."""
    first = new_ticket(title="Écran noir", assignment_group=desk.desk_a)
    new_ticket(title="Souris", assignment_group=desk.desk_a)
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{QUEUE}?ordering=number")

    page.keyboard.press("j")
    current = page.locator("[data-queue-rows] tr.is-current")
    assert current.get_attribute("data-pk") == str(first.pk)
    page.keyboard.press("x")
    assert page.locator(".js-bulk-count").inner_text() == "1"
    assert page.locator("[data-bulk-field=resolution_code]").is_hidden()
    page.select_option("#bulk-action", "status")
    page.select_option("#bulk-status", "resolved")
    assert page.locator("[data-bulk-field=resolution_code]").is_visible()
    assert page.locator("[data-bulk-field=assignment_group]").is_hidden()
    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-assignment_group", str(desk.network.pk))
    page.locator("#bulk-form button[type=submit]").click()
    page.locator("#bulk-result > *").first.wait_for()
    assert page.locator("#bulk-result .outcome-ok").count() == 1, page.inner_text("#bulk-result")
    assert first.number in page.locator("#bulk-result").inner_text()
    # The rows were reloaded: the ticket left "my groups" for the network's.
    page.locator(f'[data-queue-rows] tr[data-pk="{first.pk}"]').wait_for(state="detached")
    assert page.locator(".js-bulk-count").inner_text() == "0"

    page.keyboard.press("?")
    assert page.locator("#shortcuts-help").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "id_q"
    assert refused == []
