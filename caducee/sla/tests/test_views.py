"""Business calendars in the browser, as a desk agent reads them and a DSI
manager keeps them: the list scoped and filtered, a calendar's page with its
week, its public holidays and a box to try a deadline, the week saved all or
nothing with each error beside its input, closures typed on the calendar's
own clock, and the pages refused to those who may not change them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.sla.models import BusinessCalendar, Closure, HolidayRegion
from caducee.sla.tests.calendar_data import *  # noqa: F403  (fixtures)
from caducee.sla.tests.calendar_data import make_calendar

pytestmark = pytest.mark.django_db

LIST = reverse("sla:businesscalendar_list")
NAMES = ("Heures ouvrées DSI", "Accueil Valmont", "Urgences 3R 24/7")


def field_errors(html: str, name: str) -> list[str]:
    """Error messages shown in the ``.field`` block of input ``name``."""
    for block in re.findall(r'<(?:div|td) class="field[^"]*">.*?</(?:div|td)>', html, flags=re.S):
        if f'name="{name}"' in block:
            return re.findall(r'class="field-error"[^>]*>([^<]*)<', block)
    raise AssertionError(f"no field {name}")


def listed(client, **params) -> set[str]:
    html = client.get(LIST, params).content.decode()
    return {name for name in NAMES if name in html}


def week_post(rows: dict[int, list[tuple[str, str]]]) -> dict[str, str]:
    """The week form's POST data: ``{weekday: [(start, end), …]}``, other days empty."""
    data = {
        "week-TOTAL_FORMS": "7",
        "week-INITIAL_FORMS": "7",
        "week-MIN_NUM_FORMS": "0",
        "week-MAX_NUM_FORMS": "7",
    }
    for day in range(7):
        data[f"week-{day}-weekday"] = str(day)
        periods = rows.get(day, [])
        for n in (1, 2):
            start, end = periods[n - 1] if len(periods) >= n else ("", "")
            data[f"week-{day}-start_{n}"] = start
            data[f"week-{day}-end_{n}"] = end
    return data


def hours_of(calendar) -> list[tuple[int, str, str | None]]:
    return [
        (h.weekday, f"{h.start:%H:%M}", f"{h.end:%H:%M}" if h.end else None)
        for h in calendar.opening_hours.order_by("weekday", "start")
    ]


# --- The list ---------------------------------------------------------------------------
def test_list_shows_shared_calendars_and_those_of_the_users_establishments(
    client, calendars, agent_a, agent_b, make_user, ght
):
    client.force_login(agent_a)
    assert listed(client) == {"Heures ouvrées DSI", "Accueil Valmont"}
    assert client.get(calendars.urgences_b.get_absolute_url()).status_code == 404
    client.force_login(agent_b)
    assert listed(client) == {"Heures ouvrées DSI", "Urgences 3R 24/7"}
    client.force_login(make_user(roles.REQUESTER, establishments=[ght.a]))
    assert client.get(LIST).status_code == 403


def test_list_filters_and_reads_each_week_in_a_line(client, calendars, admin_user):
    client.force_login(admin_user)
    assert listed(client, establishment="null") == {"Heures ouvrées DSI"}
    assert listed(client, establishment=calendars.valmont.establishment_id) == {"Accueil Valmont"}
    assert listed(client, always_open="true") == {"Urgences 3R 24/7"}
    assert listed(client, always_open="false") == {"Heures ouvrées DSI", "Accueil Valmont"}
    assert listed(client, holiday_region="metropole") == {"Heures ouvrées DSI"}
    assert listed(client, holiday_region="none") == {"Accueil Valmont", "Urgences 3R 24/7"}
    assert listed(client, q="valmont") == {"Accueil Valmont"}
    html = client.get(LIST).content.decode()
    assert "Mon–Fri 08:00–18:00" in html
    assert "Mon–Fri 07:30–12:00, 13:30–19:00 · Sat 20:00 until midnight" in html
    export = client.get(LIST, {"holiday_region": "metropole", "export": "csv"})
    assert "Mon–Fri 08:00–18:00" in b"".join(export.streaming_content).decode()


def test_list_reads_the_weeks_of_a_page_in_one_query(
    client, calendars, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(LIST)  # warm the session and the menu
    with django_assert_max_num_queries(12) as first:
        client.get(LIST)
    for n in range(6):
        make_calendar(admin_user, f"extra-{n}", f"Extra {n}", week={0: [(dt.time(9), dt.time(17))]})
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(LIST).content.decode()
    assert "Extra 5" in html


# --- A calendar's page ------------------------------------------------------------------
def test_page_shows_the_week_public_holidays_and_closures(client, calendars, agent_a):
    client.force_login(agent_a)
    html = client.get(calendars.office.get_absolute_url()).content.decode()
    week = html[html.index('id="week"') : html.index('id="holidays"')]
    assert re.search(r"Monday</th><td>08:00–18:00<", week)
    assert re.search(r"Sunday</th><td><span class=\"muted\">Closed<", week)
    holidays = html[html.index('id="holidays"') : html.index('id="closures"')]
    assert "Easter Monday" in holidays  # one in any twelve months
    assert "Christmas Day" in holidays
    assert "Edit opening hours" not in html and "Add a closure" not in html  # an agent reads

    valmont = client.get(calendars.valmont.get_absolute_url()).content.decode()
    assert "07:30–12:00, 13:30–19:00" in valmont
    assert "20:00 until midnight" in valmont
    assert "No public holidays" in valmont


def test_page_speaks_french_to_a_french_reader(client, calendars, agent_a):
    client.force_login(agent_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(calendars.office.get_absolute_url()).content.decode()
    assert "Lundi de Pâques" in html
    assert "Easter Monday" not in html


def test_a_24_7_calendar_reads_24_7_without_holidays(client, calendars, agent_b):
    client.force_login(agent_b)
    html = client.get(calendars.urgences_b.get_absolute_url()).content.decode()
    week = html[html.index('id="week"') : html.index('id="holidays"')]
    assert "<strong>24/7</strong>" in week
    assert "public holidays do not close this calendar" in html


def test_try_it_box_gives_friday_17h_plus_4h_monday_11h(client, calendars, agent_a):
    client.force_login(agent_a)
    url = calendars.office.get_absolute_url()
    query = {"start": "2026-01-09T17:00", "hours": "4"}
    html = client.get(url, query).content.decode()
    assert 'datetime="2026-01-12T11:00:00+01:00"' in html
    assert "4 h of open time, 66 h after the start" in html

    # htmx asks for the box alone, from the same view.
    response = client.get(url, query, headers={"HX-Request": "true", "HX-Target": "try-it"})
    fragment = response.content.decode()
    assert 'datetime="2026-01-12T11:00:00+01:00"' in fragment
    assert "<html" not in fragment and 'id="holidays"' not in fragment

    # Minutes alone, and across Easter Monday (6 April 2026): Thursday 17:00 + 90 min.
    html = client.get(url, {"start": "2026-04-02T17:00", "minutes": "90"}).content.decode()
    assert 'datetime="2026-04-03T08:30:00+02:00"' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "soon", "hours": "4"}, "start", "Enter a valid date/time."),
        ({"start": "2026-01-09T17:00"}, "hours", "Enter a duration in hours, minutes or both."),
        ({"start": "2026-01-09T17:00", "hours": "-1"}, "hours", "greater than or equal to 0"),
        ({"start": "2026-01-09T17:00", "hours": "0"}, "hours", "at least one minute"),
        ({"start": "2026-01-09T17:00", "hours": "four"}, "hours", "Enter a whole number."),
        ({"start": "2026-01-09T17:00", "hours": "99999"}, "hours", "less than or equal to"),
        ({"start": "9999-12-31T23:59", "hours": "4"}, "start", "Enter a start between"),
        ({"start": "2026-03-29T02:30", "hours": "4"}, "start", "ambiguous or it may not exist"),
    ],
    ids=["not-a-date", "no-duration", "negative", "zero", "not-a-number", "huge", "far", "dst"],
)
def test_try_it_box_puts_bad_input_beside_its_field(
    client, calendars, agent_a, query, field, message
):
    client.force_login(agent_a)
    response = client.get(calendars.office.get_absolute_url(), query)
    assert response.status_code == 200  # the page is fine; the box says what is wrong
    html = response.content.decode()
    assert message in " ".join(field_errors(html, field))
    assert 'id="deadline"' not in html


def test_try_it_box_on_a_calendar_that_never_opens(client, ght, admin_user):
    closed = make_calendar(admin_user, "jamais", "Jamais ouvert")
    client.force_login(admin_user)
    html = client.get(
        closed.get_absolute_url(), {"start": "2026-01-09T17:00", "hours": "1"}
    ).content.decode()
    assert "not open that long" in " ".join(field_errors(html, "start"))


# --- The week -------------------------------------------------------------------------
def test_week_is_saved_all_or_nothing_with_errors_beside_their_inputs(
    client, calendars, manager_ght
):
    office = calendars.office
    url = reverse("sla:businesscalendar_week", args=[office.pk])
    client.force_login(manager_ght)
    page = client.get(url).content.decode()
    assert 'name="week-0-start_1" value="08:00"' in page
    before = hours_of(office)

    # Monday closes before it opens; Tuesday's second period overlaps its first.
    bad = week_post(
        {
            0: [("18:00", "08:00")],
            1: [("08:00", "12:00"), ("11:00", "14:00")],
            2: [("09:00", "17:00")],
        }
    )
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Closes after it opens" in " ".join(
        field_errors(response.content.decode(), "week-0-end_1")
    )
    assert hours_of(office) == before  # nothing saved

    bad["week-0-end_1"] = "19:00"
    response = client.post(url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Overlaps the opening hours Tuesday 08:00–12:00" in " ".join(
        field_errors(html, "week-1-start_2")
    )
    assert field_errors(html, "week-0-end_1") == []
    assert hours_of(office) == before

    # A closing time alone is refused by the form itself.
    response = client.post(url, week_post({3: [("", "12:00")]}))
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "week-3-start_1")

    good = week_post(
        {
            0: [("08:00", "12:00"), ("13:30", "18:00")],
            1: [("08:00", "18:00")],
            5: [("09:00", "")],  # Saturday until midnight
        }
    )
    response = client.post(url, good)
    assert response.status_code == 302
    assert response["Location"] == office.get_absolute_url() + "#week"
    assert hours_of(office) == [
        (0, "08:00", "12:00"),
        (0, "13:30", "18:00"),
        (1, "08:00", "18:00"),
        (5, "09:00", None),
    ]
    changed = AuditEvent.objects.filter(
        object_type="sla.businesscalendar",
        object_id=str(office.pk),
        event="sla.week_changed",
        actor_id=manager_ght.pk,
    )
    assert changed.count() == 1
    # Tuesday was kept as it was: its row was neither removed nor added again.
    assert changed.get().data["after"][2] == [1, "08:00:00", "18:00:00"]
    count = AuditEvent.objects.count()
    assert client.post(url, good).status_code == 302  # saved again, unchanged
    assert AuditEvent.objects.count() == count

    history = client.get(reverse("sla:businesscalendar_history", args=[office.pk]))
    assert "sla.week_changed" in history.content.decode()


def test_week_form_keeps_a_third_period_set_through_the_api(client, calendars, manager_ght):
    from caducee.sla.services.calendars import set_week

    T = dt.time
    office = calendars.office
    set_week(office, actor=manager_ght, week={0: [(T(6), T(8)), (T(9), T(12)), (T(14), T(18))]})
    client.force_login(manager_ght)
    url = reverse("sla:businesscalendar_week", args=[office.pk])
    page = client.get(url).content.decode()
    assert 'name="week-0-start_3" value="14:00"' in page
    data = week_post({0: [("06:00", "08:00"), ("09:00", "12:00")]})
    data |= {"week-0-start_3": "14:00", "week-0-end_3": "18:00"}
    for day in range(1, 7):
        data |= {f"week-{day}-start_3": "", f"week-{day}-end_3": ""}
    assert client.post(url, data).status_code == 302
    assert len(hours_of(office)) == 3


def test_week_and_closures_are_refused_to_readers_and_out_of_scope(
    client, calendars, agent_a, manager_a
):
    week = reverse("sla:businesscalendar_week", args=[calendars.office.pk])
    add = reverse("sla:closure_add", args=[calendars.office.pk])
    client.force_login(agent_a)
    assert client.get(week).status_code == 403
    assert client.post(week, week_post({})).status_code == 403
    assert client.get(add).status_code == 403
    client.force_login(manager_a)
    assert client.get(week).status_code == 403  # the whole GHT's hours need the whole GHT
    assert client.get(add).status_code == 403
    b_week = reverse("sla:businesscalendar_week", args=[calendars.urgences_b.pk])
    assert client.get(b_week).status_code == 404
    assert client.get(reverse("sla:closure_add", args=[calendars.urgences_b.pk])).status_code == 404
    for name in ("businesscalendar_edit", "businesscalendar_delete"):
        assert client.get(reverse(f"sla:{name}", args=[calendars.office.pk])).status_code == 403
    html = client.get(calendars.office.get_absolute_url()).content.decode()
    assert "Edit opening hours" not in html and ">Edit</a>" not in html
    own = reverse("sla:businesscalendar_week", args=[calendars.valmont.pk])
    assert client.get(own).status_code == 200
    html = client.get(calendars.valmont.get_absolute_url()).content.decode()
    assert "Edit opening hours" in html and "Add a closure" in html and ">Edit</a>" in html
    assert calendars.office.opening_hours.count() == 5


# --- Closures ---------------------------------------------------------------------------
def test_closures_are_typed_on_the_calendars_own_clock(client, ght, manager_ght):
    reunion = make_calendar(
        manager_ght,
        "ouvre-reunion",
        "Heures ouvrées La Réunion",
        timezone="Indian/Reunion",
        holiday_region=HolidayRegion.REUNION,
        week={day: [(dt.time(7, 30), dt.time(17))] for day in range(5)},
    )
    client.force_login(manager_ght)
    url = reverse("sla:closure_add", args=[reunion.pk])
    page = client.get(url).content.decode()
    assert "Indian/Reunion" in page
    data = {"start": "2030-06-03T08:00", "end": "2030-06-03T07:00", "reason": "Déménagement"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "ends after it starts" in " ".join(field_errors(response.content.decode(), "end"))
    assert not Closure.objects.exists()

    response = client.post(url, {**data, "end": "2030-06-03T12:00"})
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.start == dt.datetime(2030, 6, 3, 4, tzinfo=dt.UTC)  # 08:00 at UTC+4
    assert AuditEvent.objects.filter(
        object_type="sla.closure", action="create", actor_id=manager_ght.pk
    ).exists()

    html = client.get(reunion.get_absolute_url()).content.decode()
    assert 'datetime="2030-06-03T08:00:00+04:00"' in html and "Déménagement" in html
    edit = reverse("sla:closure_edit", args=[closure.pk])
    assert 'value="2030-06-03T08:00"' in client.get(edit).content.decode()
    response = client.post(edit, {**data, "end": "2030-06-03T13:00", "reason": "Déménagement"})
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.end == dt.datetime(2030, 6, 3, 9, tzinfo=dt.UTC)

    listed = client.get(reverse("sla:closure_list"), {"calendar": reunion.pk}).content.decode()
    assert "(Indian/Reunion)" in listed and "Déménagement" in listed

    response = client.post(reverse("sla:closure_delete", args=[closure.pk]))
    assert response.status_code == 302
    assert response["Location"] == reunion.get_absolute_url() + "#closures"
    assert not Closure.objects.exists()


# --- The calendar itself ----------------------------------------------------------------
def test_calendar_form_puts_model_rules_beside_their_fields(client, ght, calendars, manager_a):
    client.force_login(manager_a)
    url = reverse("sla:businesscalendar_add")
    data = {
        "code": "bloc-valmont",
        "name": "Bloc Valmont",
        "establishment": ght.a.pk,
        "timezone": "Europe/Paris",
        "always_open": "on",
        "holiday_region": "metropole",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "holiday_region")
    response = client.post(url, {**data, "holiday_region": "", "timezone": "Europe/Pariss"})
    assert field_errors(response.content.decode(), "timezone")
    # A manager of A alone does not write calendars for the whole GHT.
    response = client.post(url, {**data, "holiday_region": "", "establishment": ""})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "establishment")
    assert not BusinessCalendar.objects.filter(code="bloc-valmont").exists()

    response = client.post(url, {**data, "holiday_region": ""})
    assert response.status_code == 302
    created = BusinessCalendar.objects.get(code="bloc-valmont")
    assert created.always_open and created.establishment_id == ght.a.pk
    assert AuditEvent.objects.filter(
        object_type="sla.businesscalendar", object_id=str(created.pk), actor_id=manager_a.pk
    ).exists()

    delete = reverse("sla:businesscalendar_delete", args=[created.pk])
    assert client.post(delete).status_code == 302
    assert not BusinessCalendar.objects.filter(code="bloc-valmont").exists()


def test_menu_offers_calendars_to_readers_only(client, ght, agent_a, make_user):
    client.force_login(agent_a)
    html = client.get("/").content.decode()
    assert "Service levels" in html and f'href="{LIST}"' in html
    client.force_login(make_user(roles.REQUESTER, establishments=[ght.a]))
    assert f'href="{LIST}"' not in client.get("/").content.decode()
