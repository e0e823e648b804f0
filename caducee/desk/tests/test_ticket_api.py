"""The tickets API as an integration or the agents' tools use it: tickets
listed in scope with the pages' filters in a constant number of queries,
recorded with their priority computed, edited field by field, refused field
by field (never a 500), and never overwritten silently: a stale ETag is a
412 and the edit is not applied."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.desk.models import Category, Channel, Ticket, TicketKind, Urgency
from caducee.desk.services.categories import create_category

pytestmark = pytest.mark.django_db

LIST = "/api/desk/tickets/"


def url(ticket, action: str = "") -> str:
    pk = ticket if isinstance(ticket, int | str) else ticket.pk
    return f"{LIST}{pk}/{action + '/' if action else ''}"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def payload(ght, **fields) -> dict:
    values = {
        "kind": "incident",
        "title": "Le DPI ne répond plus",
        "establishment": ght.a.pk,
        "requester": ght.nurse_a.pk,
    }
    values.update(fields)
    return values


@pytest.fixture
def api(desk):
    return client_for(desk.agent)


# --- read ------------------------------------------------------------------------------
def test_the_list_is_scoped_and_paginated(api, desk, new_ticket, ght):
    mine = new_ticket()
    other = new_ticket(actor=desk.agent_b, establishment=ght.b, requester=ght.clerk_b)
    body = api.get(LIST).json()
    assert body["count"] == 1 and [r["number"] for r in body["results"]] == [mine.number]
    row = body["results"][0]
    assert row["status"] == "new" and row["version"] == 1
    assert row["establishment_name"] == "CH Valmont"
    assert row["requester_name"] == "Claire MARTIN"
    assert numbers(client_for(desk.agent_b).get(LIST)) == [other.number]
    whole_ght = client_for(desk.engineer).get(LIST, {"page_size": 1}).json()
    assert whole_ght["count"] == 2 and len(whole_ght["results"]) == 1 and whole_ght["next"]


def test_listing_costs_the_same_queries_for_3_or_12_tickets(api, desk, new_ticket, ght, cmdb):
    category = Category.objects.create(kind=TicketKind.INCIDENT, name="Logiciel métier")
    sub = Category.objects.create(kind=TicketKind.INCIDENT, name="DPI", parent=category)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(LIST)
        assert response.status_code == 200
        return len(captured)

    for _ in range(3):
        new_ticket(
            category=sub,
            care_unit=ght.icu_a,
            assignment_group=desk.desk_a,
            assignee=desk.agent,
            items=[cmdb.ehr],
        )
    few = queries()
    for n in range(9):
        new_ticket(title=f"Imprimante {n}", requester=ght.doctor_a, category=category)
    assert queries() == few
    rows = api.get(LIST).json()["results"]
    assert {r["category_name"] for r in rows} == {"Logiciel métier > DPI", "Logiciel métier"}
    assert "Centre de services Valmont" in {r["assignment_group_name"] for r in rows}


def test_one_ticket_carries_its_etag_and_is_a_404_outside_the_scope(api, desk, new_ticket, ght):
    ticket = new_ticket()
    response = api.get(url(ticket))
    assert response.status_code == 200
    assert response["ETag"] == 'W/"1"' and response.json()["version"] == 1
    assert response.json()["allowed_transitions"] == sorted(
        ["assigned", "in_progress", "resolved", "cancelled"]
    )
    not_modified = api.get(url(ticket), HTTP_IF_NONE_MATCH='W/"1"')
    assert not_modified.status_code == 304 and not_modified["ETag"] == 'W/"1"'
    assert api.get(url(ticket), HTTP_IF_NONE_MATCH='W/"0"').status_code == 200
    outsider = client_for(desk.agent_b)
    for target in (ticket, 999999, "abc", "99999999999999999999999999"):
        error(outsider.get(url(target)), 404)
    error(outsider.patch(url(ticket), {"title": "x"}), 404)


def test_a_requester_reads_only_their_own_tickets(new_ticket, ght, make_user, admin_user):
    nurse = make_user(roles.REQUESTER, establishments=[ght.a])
    ght.nurse_a.user = nurse
    ght.nurse_a.save()
    theirs = new_ticket()
    new_ticket(requester=ght.doctor_a)
    assert numbers(client_for(nurse).get(LIST)) == [theirs.number]


# --- create ----------------------------------------------------------------------------
def test_creation_computes_priority_and_owns_the_service_fields(api, ght, cmdb):
    sent = payload(
        ght,
        configuration_items=[cmdb.ecg.pk],
        urgency=Urgency.LOW,
        care_unit=ght.icu_a.pk,
        location=ght.room_a.pk,
        tags=["Scope  Réa"],
        number="INC-1999-000001",
        status="resolved",
        priority=5,
        version=9,
    )
    response = api.post(LIST, sent, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["number"] == ticket.number != "INC-1999-000001"
    assert (body["status"], body["version"], body["channel"]) == ("new", 1, Channel.API)
    assert body["priority"] == Priority.P1 and body["patient_safety"] is True
    assert body["configuration_items"] == [cmdb.ecg.pk] and body["tags"] == ["scope-réa"]
    assert response["ETag"] == 'W/"1"'
    assert response["Location"].endswith(url(ticket))
    assert AuditEvent.objects.filter(object_type="desk.ticket", action="create").count() == 1
    # The answer, shown by the request's own serializer, is the ticket as read.
    assert api.get(url(ticket)).json() == body


def test_creation_with_a_group_and_assignee_assigns_at_once(api, ght, desk):
    response = api.post(
        LIST,
        payload(ght, assignment_group=desk.desk_a.pk, assignee=desk.agent.pk, channel="phone"),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["assignee"], body["version"]) == ("assigned", desk.agent.pk, 2)
    assert body["assignment_group_name"] == "Centre de services Valmont"
    assert body["channel"] == "phone" and response["ETag"] == 'W/"2"'


def test_creation_refuses_bad_input_field_by_field(api, ght, cmdb, desk, admin_user):
    request_category = create_category(
        Category(kind=TicketKind.REQUEST, name="Nouveau poste"), actor=admin_user
    )
    cases = [
        ({"requester": 987654}, "requester"),
        ({"requester": None}, "requester"),
        ({"establishment": ght.b.pk}, "establishment"),  # outside the agent's scope
        ({"care_unit": ght.er_b.pk}, "care_unit"),  # another establishment's unit
        ({"configuration_items": [cmdb.workstation_b.pk]}, "configuration_items"),
        ({"configuration_items": [cmdb.ehr.pk, 987654]}, "configuration_items"),
        ({"category": request_category.pk}, "category"),
        ({"watchers": [987654]}, "watchers"),
        ({"assignee": desk.agent.pk}, "assignee"),  # no group
        ({"assignment_group": desk.network.pk, "assignee": desk.agent.pk}, "assignee"),
        ({"title": ""}, "title"),
        ({"urgency": 9}, "urgency"),
        ({"kind": "change"}, "kind"),
        ({"root_cause": "Disque plein"}, "root_cause"),  # only problems have one
    ]
    for fields, field in cases:
        body = error(api.post(LIST, payload(ght, **fields), format="json"), 400)
        assert list(body["fields"]) == [field], (fields, body)
    assert not Ticket.objects.exists()


def test_a_requester_may_not_record_a_ticket_for_someone_else(ght, make_user):
    nurse = make_user(roles.REQUESTER, establishments=[ght.a])
    response = client_for(nurse).post(LIST, payload(ght), format="json")
    assert response.status_code in (400, 403), response.content
    assert list(response.json()["error"]["fields"]) == ["requester"]
    assert not Ticket.objects.exists()


# --- edit ------------------------------------------------------------------------------
def test_an_edit_changes_what_is_sent_and_recomputes_the_priority(api, new_ticket, ght, cmdb):
    ticket = new_ticket(care_unit=None, requester=None, channel="monitoring", items=[cmdb.printer])
    assert ticket.priority == Priority.P4
    response = api.patch(
        url(ticket),
        {"title": "Imprimante et DPI", "configuration_items": [cmdb.ehr.pk], "tags": ["dpi"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Imprimante et DPI" and body["priority"] == Priority.P2
    assert body["configuration_items"] == [cmdb.ehr.pk] and body["tags"] == ["dpi"]
    assert body["version"] == 3 and response["ETag"] == 'W/"3"'  # two writes: edit, items
    assert body["channel"] == "monitoring"  # not sent, not changed


def test_an_edit_refuses_fields_it_does_not_change(api, new_ticket):
    ticket = new_ticket()
    body = error(
        api.patch(url(ticket), {"status": "resolved", "assignee": 1, "titel": "x"}, format="json"),
        400,
    )
    assert set(body["fields"]) == {"status", "assignee", "titel"}
    assert "transition" in body["fields"]["status"][0]
    assert Ticket.objects.get().version == 1


def test_an_edit_is_all_or_nothing(api, new_ticket, cmdb):
    ticket = new_ticket()
    body = error(
        api.patch(
            url(ticket),
            {"title": "Nouveau titre", "configuration_items": [cmdb.workstation_b.pk]},
            format="json",
        ),
        400,
    )
    assert list(body["fields"]) == ["configuration_items"]
    stored = Ticket.objects.get()
    assert (stored.title, stored.version) == ("Le poste ne démarre pas", 1)


# --- optimistic concurrency -------------------------------------------------------------
def test_two_agents_editing_at_once_never_lose_an_edit_silently(new_ticket, desk):
    ticket = new_ticket()
    first, second = client_for(desk.agent), client_for(desk.engineer)
    tag_first = first.get(url(ticket))["ETag"]
    tag_second = second.get(url(ticket))["ETag"]
    assert tag_first == tag_second == 'W/"1"'
    ok = first.patch(url(ticket), {"title": "Écran noir"}, format="json", HTTP_IF_MATCH=tag_first)
    assert ok.status_code == 200 and ok["ETag"] == 'W/"2"'
    stale = second.patch(
        url(ticket), {"title": "Poste HS"}, format="json", HTTP_IF_MATCH=tag_second
    )
    body = error(stale, 412)
    assert body["code"] == "stale" and body["current_version"] == 2
    assert stale["ETag"] == 'W/"2"' and ticket.number in body["message"]
    assert Ticket.objects.get().title == "Écran noir"
    # The body's version serves clients without headers, the same way.
    error(second.patch(url(ticket), {"title": "Poste HS", "version": 1}, format="json"), 412)
    fresh = second.patch(url(ticket), {"title": "Poste HS", "version": 2}, format="json")
    assert fresh.status_code == 200 and fresh.json()["version"] == 3
    # Without a precondition the edit applies to the current row.
    assert second.patch(url(ticket), {"urgency": 1}, format="json").status_code == 200
    assert Ticket.objects.get().title == "Poste HS"


def test_a_write_between_the_read_and_the_lock_is_a_412_too(api, new_ticket):
    """Another write lands after the view read the ticket, before the service
    locks it: the service's stale version answers 412, nothing is changed."""
    ticket = new_ticket()
    fired = []

    def write_meanwhile(sender, instance, **kwargs):
        if instance.pk == ticket.pk and not fired:
            fired.append(True)
            Ticket.objects.filter(pk=ticket.pk).update(version=F("version") + 1)

    post_init.connect(write_meanwhile, sender=Ticket)
    try:
        response = api.patch(url(ticket), {"title": "Course"}, format="json", HTTP_IF_MATCH='"1"')
    finally:
        post_init.disconnect(write_meanwhile, sender=Ticket)
    body = error(response, 412)
    assert body["current_version"] == 2 and response["ETag"] == 'W/"2"'
    assert Ticket.objects.get().title == "Le poste ne démarre pas"


def test_if_match_forms(api, new_ticket):
    ticket = new_ticket()
    assert api.patch(url(ticket), {"title": "a"}, HTTP_IF_MATCH="*").status_code == 200
    assert api.patch(url(ticket), {"title": "b"}, HTTP_IF_MATCH='W/"9", "2"').status_code == 200
    error(api.patch(url(ticket), {"title": "c"}, HTTP_IF_MATCH='"abc"'), 412)
    body = error(api.patch(url(ticket), {"title": "d"}, HTTP_IF_MATCH="3"), 400)
    assert "If-Match" in body["fields"]
    body = error(api.patch(url(ticket), {"title": "e", "version": "trois"}, format="json"), 400)
    assert "version" in body["fields"]
    assert Ticket.objects.get().title == "b"


# --- no input gives a 500 -------------------------------------------------------------
BAD_VALUES = [
    None,
    True,
    -1,
    0,
    1.5,
    10**30,
    "",
    "x" * 100_001,
    "abc",
    [],
    [None],
    ["x"],
    [10**30],
    {"id": 1},
    [[1]],
]
FIELDS = [
    "kind",
    "title",
    "description",
    "requester",
    "channel",
    "establishment",
    "location",
    "care_unit",
    "category",
    "configuration_items",
    "urgency",
    "tags",
    "watchers",
    "assignment_group",
    "assignee",
    "known_error",
]


@pytest.mark.parametrize("field", FIELDS)
def test_wrong_types_are_field_errors_never_500(api, ght, new_ticket, field):
    ticket = new_ticket()
    for value in BAD_VALUES:
        created = api.post(LIST, payload(ght, **{field: value}), format="json")
        assert created.status_code in (201, 400), (field, value, created.content)
        if created.status_code == 400:
            assert field in created.json()["error"]["fields"], (field, value)
        if field == "assignment_group" or field == "assignee" or field == "kind":
            continue  # not edited by PATCH (refused as such)
        edited = api.patch(url(ticket), {field: value}, format="json")
        assert edited.status_code in (200, 400), (field, value, edited.content)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from([*FIELDS, "version", "status", "zzz"]),
            st.recursive(
                st.none()
                | st.booleans()
                | st.integers()
                | st.floats(allow_nan=False, allow_infinity=False)
                | st.text(max_size=30),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3)
                ),
                max_leaves=5,
            ),
            max_size=5,
        ),
        st.lists(st.integers(), max_size=3),
        st.text(max_size=10),
    )
)
def test_random_bodies_are_answered_without_a_500(api, ght, desk, body):
    created = api.post(LIST, body, format="json")
    assert created.status_code in (201, 400, 403), created.content
    ticket = Ticket.objects.first()
    if ticket is not None:
        edited = api.patch(url(ticket), body, format="json")
        assert edited.status_code in (200, 400, 409, 412), edited.content


def test_query_strings_out_of_range_are_400_not_500(api, new_ticket):
    new_ticket()
    for params in (
        {"establishment": "99999999999999999999999"},
        {"assignee": "99999999999999999999999"},
        {"category": "99999999999999999999999"},
        {"configuration_item": "-1"},
        {"ordering": "nope"},
        {"queue": "nope"},
        {"page": "999"},
    ):
        response = api.get(LIST, params)
        assert response.status_code in (400, 404), (params, response.content)
