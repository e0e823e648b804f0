"""The business calendars API as a script or the desk uses it: calendars
scoped like the pages (shared ones too, others a 404) with their hours and
closures embedded, changes audited and refused field by field, the week
replaced at once with each error keyed after the row sent, deadlines asked
of a calendar, closures on their own endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from caducee.core.models import AuditEvent
from caducee.sla.models import BusinessCalendar, Closure
from caducee.sla.tests.calendar_data import *  # noqa: F403  (fixtures)
from caducee.sla.tests.calendar_data import make_calendar

pytestmark = pytest.mark.django_db

LIST = reverse("businesscalendar-list")
JSON = "application/json"


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


def detail(calendar) -> str:
    return reverse("businesscalendar-detail", args=[calendar.pk])


def week_url(calendar) -> str:
    return reverse("businesscalendar-week", args=[calendar.pk])


def deadline_url(calendar) -> str:
    return reverse("businesscalendar-deadline", args=[calendar.pk])


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


# --- Reading ----------------------------------------------------------------------------
def test_calendars_are_scoped_and_embed_hours_and_closures(client, calendars, agent_a):
    client.force_login(agent_a)
    assert names(client.get(LIST)) == {"Heures ouvrées DSI", "Accueil Valmont"}
    body = client.get(detail(calendars.valmont)).json()
    assert body["establishment"] == calendars.valmont.establishment_id
    assert body["opening_hours"][:2] == [
        {
            "id": body["opening_hours"][0]["id"],
            "weekday": 0,
            "start": "07:30:00",
            "end": "12:00:00",
        },
        {
            "id": body["opening_hours"][1]["id"],
            "weekday": 0,
            "start": "13:30:00",
            "end": "19:00:00",
        },
    ]
    assert body["opening_hours"][-1]["end"] is None  # Saturday until midnight
    assert body["closures"] == []
    error(client.get(detail(calendars.urgences_b)), 404)
    error(
        client.get(deadline_url(calendars.urgences_b), {"start": "2026-01-09T17:00", "hours": 1}),
        404,
    )


def test_the_list_shares_the_pages_filters(client, calendars, admin_user):
    client.force_login(admin_user)
    assert names(client.get(LIST, {"establishment": "null"})) == {"Heures ouvrées DSI"}
    assert names(client.get(LIST, {"always_open": "true"})) == {"Urgences 3R 24/7"}
    assert names(client.get(LIST, {"holiday_region": "none"})) == {
        "Accueil Valmont",
        "Urgences 3R 24/7",
    }
    assert names(client.get(LIST, {"q": "dsi"})) == {"Heures ouvrées DSI"}
    assert "holiday_region" in error(client.get(LIST, {"holiday_region": "mars"}), 400)["fields"]


# --- Writing the calendar ---------------------------------------------------------------
def test_create_change_delete_are_audited(client, ght, manager_a):
    client.force_login(manager_a)
    payload = {"code": "bloc-valmont", "name": "Bloc Valmont", "establishment": ght.a.pk}
    response = client.post(LIST, payload, content_type=JSON)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["timezone"] == "Europe/Paris" and created["opening_hours"] == []
    calendar = BusinessCalendar.objects.get(pk=created["id"])
    events = AuditEvent.objects.filter(
        object_type="sla.businesscalendar", object_id=str(calendar.pk), actor_id=manager_a.pk
    )
    assert list(events.values_list("action", flat=True)) == ["create"]

    response = client.patch(detail(calendar), {"name": "Bloc opératoire"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["name"] == "Bloc opératoire"
    assert events.get(action="update").changes == {"name": ["Bloc Valmont", "Bloc opératoire"]}

    assert client.delete(detail(calendar)).status_code == 204
    assert not BusinessCalendar.objects.filter(pk=calendar.pk).exists()
    assert events.filter(action="delete").count() == 1


def test_bad_input_is_a_field_level_400(client, ght, calendars, manager_a):
    client.force_login(manager_a)
    base = {"code": "x-valmont", "name": "X", "establishment": ght.a.pk}
    cases = [
        ({"timezone": "Europe/Pariss"}, "timezone"),
        ({"always_open": True, "holiday_region": "metropole"}, "holiday_region"),
        ({"holiday_region": "atlantis"}, "holiday_region"),
        ({"code": "heures-ouvrees-dsi"}, "code"),
        ({"code": "pas un slug"}, "code"),
        ({"establishment": ght.b.pk}, "establishment"),  # out of scope: does not exist
    ]
    for change, field in cases:
        body = error(client.post(LIST, {**base, **change}, content_type=JSON), 400)
        assert field in body["fields"], (change, body)
    assert not BusinessCalendar.objects.filter(name="X").exists()


def test_readers_and_managers_out_of_scope_cannot_write(client, calendars, agent_a, manager_a):
    client.force_login(agent_a)
    error(client.post(LIST, {"code": "y", "name": "Y"}, content_type=JSON), 403)
    error(client.patch(detail(calendars.valmont), {"name": "Z"}, content_type=JSON), 403)
    error(client.delete(detail(calendars.valmont)), 403)
    error(client.put(week_url(calendars.valmont), [], content_type=JSON), 403)
    closure = {
        "calendar": calendars.valmont.pk,
        "start": "2030-01-01T08:00:00+01:00",
        "end": "2030-01-01T12:00:00+01:00",
        "reason": "Y",
    }
    error(client.post(reverse("closure-list"), closure, content_type=JSON), 403)
    client.force_login(manager_a)
    # The whole GHT's calendar is read, not changed, by a manager of A alone.
    error(client.patch(detail(calendars.office), {"name": "Z"}, content_type=JSON), 403)
    error(client.put(week_url(calendars.office), [], content_type=JSON), 403)
    error(client.patch(detail(calendars.urgences_b), {"name": "Z"}, content_type=JSON), 404)
    assert not BusinessCalendar.objects.filter(name__in=["Y", "Z"]).exists()
    error(client.put(week_url(calendars.urgences_b), [], content_type=JSON), 404)
    assert calendars.office.opening_hours.count() == 5
    assert calendars.valmont.opening_hours.count() == 11
    assert not Closure.objects.exists()


# --- The week ---------------------------------------------------------------------------
def test_week_is_replaced_at_once_with_errors_keyed_by_row(client, calendars, manager_ght):
    office = calendars.office
    client.force_login(manager_ght)
    url = week_url(office)
    before = list(office.opening_hours.values_list("weekday", "start", "end"))
    rows = [
        {"weekday": 0, "start": "08:00", "end": "12:00"},
        {"weekday": 0, "start": "13:30", "end": "18:00"},
        {"weekday": 5, "start": "09:00", "end": None},
    ]

    def refused(sent, key):
        body = error(client.put(url, sent, content_type=JSON), 400)
        assert key in body["fields"], body
        assert list(office.opening_hours.values_list("weekday", "start", "end")) == before
        return body["fields"][key]

    assert (
        "Closes after it opens"
        in refused([rows[0], {"weekday": 1, "start": "18:00", "end": "08:00"}], "1.end")[0]
    )
    assert (
        "Overlaps"
        in refused([*rows, {"weekday": 0, "start": "11:00", "end": "14:00"}], "3.start")[0]
    )
    refused([{"weekday": 9, "start": "08:00", "end": "12:00"}], "0.weekday")
    refused([rows[0], {"weekday": 2, "start": "8 o'clock"}], "1.start")
    refused([rows[0], "Monday"], "1")
    refused({"weekday": 0, "start": "08:00"}, "non_field_errors")

    response = client.put(url, rows, content_type=JSON)
    assert response.status_code == 200, response.content
    assert [(r["weekday"], r["start"], r["end"]) for r in response.json()] == [
        (0, "08:00:00", "12:00:00"),
        (0, "13:30:00", "18:00:00"),
        (5, "09:00:00", None),
    ]
    assert client.get(detail(office)).json()["opening_hours"] == response.json()
    assert AuditEvent.objects.filter(
        object_type="sla.businesscalendar",
        object_id=str(office.pk),
        event="sla.week_changed",
        actor_id=manager_ght.pk,
    ).exists()


# --- Deadlines --------------------------------------------------------------------------
def test_deadline_of_four_business_hours_from_friday_17h(client, calendars, agent_a):
    client.force_login(agent_a)
    body = client.get(
        deadline_url(calendars.office), {"start": "2026-01-09T17:00", "hours": "4"}
    ).json()
    assert body == {
        "calendar": calendars.office.pk,
        "timezone": "Europe/Paris",
        "start": "2026-01-09T17:00:00+01:00",
        "business_time": "P0DT04H00M00S",
        "business_minutes": 240,
        "deadline": "2026-01-12T11:00:00+01:00",
        "elapsed": "P2DT18H00M00S",
    }
    # An instant with its offset is that instant; hours and minutes add up.
    body = client.get(
        deadline_url(calendars.office),
        {"start": "2026-01-09T16:00:00Z", "hours": "3", "minutes": "30"},
    ).json()
    assert body["deadline"] == "2026-01-12T10:30:00+01:00"


def test_deadline_on_the_calendars_own_clock(client, ght, admin_user):
    reunion = make_calendar(
        admin_user,
        "ouvre-reunion",
        "Heures ouvrées La Réunion",
        timezone="Indian/Reunion",
        week={day: [(dt.time(7, 30), dt.time(17))] for day in range(5)},
    )
    client.force_login(admin_user)
    body = client.get(deadline_url(reunion), {"start": "2026-01-09T16:00", "minutes": "90"}).json()
    assert body["start"] == "2026-01-09T16:00:00+04:00"
    assert body["deadline"] == "2026-01-12T08:00:00+04:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"hours": "4"}, "start"),
        ({"start": "tomorrow", "hours": "4"}, "start"),
        ({"start": "2026-03-29T02:30", "hours": "4"}, "start"),  # not on a Paris clock
        ({"start": "0001-01-01T00:00", "hours": "4"}, "start"),
        ({"start": "2026-01-09T17:00"}, "hours"),
        ({"start": "2026-01-09T17:00", "hours": "-2"}, "hours"),
        ({"start": "2026-01-09T17:00", "minutes": "a while"}, "minutes"),
        ({"start": "2026-01-09T17:00", "hours": "9999", "minutes": "60"}, "minutes"),
    ],
)
def test_deadline_refuses_bad_parameters_field_by_field(client, calendars, agent_a, query, field):
    client.force_login(agent_a)
    body = error(client.get(deadline_url(calendars.office), query), 400)
    assert list(body["fields"]) == [field]


def test_no_deadline_on_a_calendar_that_never_opens_or_not_long_enough(client, ght, admin_user):
    closed = make_calendar(admin_user, "jamais", "Jamais ouvert")
    # Open one minute a week: 100 hours would take 115 years, searched no further than ten.
    sparse = make_calendar(
        admin_user, "rare", "Presque jamais", week={0: [(dt.time(8), dt.time(8, 1))]}
    )
    client.force_login(admin_user)
    for calendar in (closed, sparse):
        body = error(
            client.get(deadline_url(calendar), {"start": "2026-01-09T17:00", "hours": 100}), 400
        )
        assert body["code"] == "no_deadline" and "start" in body["fields"]
    body = client.get(deadline_url(sparse), {"start": "2026-01-09T17:00", "minutes": 2}).json()
    assert body["deadline"] == "2026-01-19T08:01:00+01:00"


# --- Closures ---------------------------------------------------------------------------
def test_closures_endpoint(client, calendars, manager_ght, manager_a):
    client.force_login(manager_ght)
    url = reverse("closure-list")
    payload = {
        "calendar": calendars.office.pk,
        "start": "2030-01-02T08:00:00+01:00",
        "end": "2030-01-02T12:00:00+01:00",
        "reason": "Migration du DPI",
    }
    body = error(
        client.post(url, {**payload, "end": "2030-01-02T07:00:00+01:00"}, content_type=JSON), 400
    )
    assert "end" in body["fields"]
    body = error(client.post(url, {**payload, "calendar": 999999}, content_type=JSON), 400)
    assert "calendar" in body["fields"]
    response = client.post(url, payload, content_type=JSON)
    assert response.status_code == 201, response.content
    closure = Closure.objects.get(pk=response.json()["id"])
    assert AuditEvent.objects.filter(
        object_type="sla.closure",
        object_id=str(closure.pk),
        action="create",
        actor_id=manager_ght.pk,
    ).exists()
    # The closure counts: Friday 2 January 2030 opens at noon.
    deadline = client.get(
        deadline_url(calendars.office), {"start": "2030-01-02T08:00", "hours": "1"}
    ).json()
    assert deadline["deadline"] == "2030-01-02T13:00:00+01:00"
    assert [c["reason"] for c in client.get(detail(calendars.office)).json()["closures"]] == [
        "Migration du DPI"
    ]
    assert [
        c["id"] for c in client.get(url, {"calendar": calendars.valmont.pk}).json()["results"]
    ] == []

    client.force_login(manager_a)
    closure_url = reverse("closure-detail", args=[closure.pk])
    assert client.get(closure_url).status_code == 200  # a shared calendar's closure is read
    error(client.patch(closure_url, {"reason": "?"}, content_type=JSON), 403)
    body = error(
        client.post(url, {**payload, "calendar": calendars.urgences_b.pk}, content_type=JSON), 400
    )
    assert "calendar" in body["fields"]  # B's calendar does not exist for a manager of A
    client.force_login(manager_ght)
    assert client.delete(closure_url).status_code == 204
    assert not Closure.objects.exists()


def test_schema_documents_the_calendar_endpoints_without_warnings(tmp_path):
    """``spectacular --fail-on-warn`` raises on any warning of any endpoint."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for route in ("/api/sla/calendars/{id}/week/", "/api/sla/calendars/{id}/deadline/"):
        assert route in schema
    assert "/api/sla/closures/" in schema
