"""Business calendars as a DSI manager keeps them: a bad time zone, hours
that close before they open or overlap, a 24/7 calendar with holidays are
refused field by field; every change is audited; a manager of one
establishment cannot change a calendar of the whole GHT; the rows give the
deadlines the arithmetic promises; the default calendars install once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from caducee.core import roles
from caducee.core.demo import DemoContext
from caducee.core.models import AuditEvent
from caducee.core.services.errors import PermissionDenied
from caducee.sla import demo
from caducee.sla.calendar import add_business_time, business_time
from caducee.sla.models import BusinessCalendar, Closure, HolidayRegion, OpeningHours
from caducee.sla.services.calendars import (
    DEFAULT_CALENDARS,
    add_closure,
    add_opening_hours,
    calendar_spec,
    create_calendar,
    install_default_calendars,
    set_week,
    update_calendar,
    update_opening_hours,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
H = dt.timedelta(hours=1)
WORKING_WEEK = {day: [(dt.time(8), dt.time(18))] for day in range(5)}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def manager_ght(ght, make_user):
    return make_user(roles.DSI_MANAGER, whole_ght=True)


@pytest.fixture
def manager_a(ght, make_user):
    return make_user(roles.DSI_MANAGER, establishments=[ght.a])


@pytest.fixture
def office(manager_ght) -> BusinessCalendar:
    calendar = create_calendar(
        BusinessCalendar(
            code="heures-ouvrees", name="Heures ouvrées", holiday_region=HolidayRegion.METROPOLE
        ),
        actor=manager_ght,
    )
    set_week(calendar, actor=manager_ght, week=WORKING_WEEK)
    return calendar


def hours(calendar, weekday, start, end=None) -> OpeningHours:
    return OpeningHours(calendar=calendar, weekday=weekday, start=start, end=end)


# --- validation ------------------------------------------------------------------------
def test_unknown_time_zone_is_the_fields_error(manager_ght):
    with pytest.raises(ValidationError) as exc:
        create_calendar(
            BusinessCalendar(code="mars", name="Mars", timezone="Europe/Pariss"),
            actor=manager_ght,
        )
    assert list(exc.value.message_dict) == ["timezone"]
    assert not BusinessCalendar.objects.filter(code="mars").exists()


def test_24_7_calendar_has_no_public_holidays(manager_ght):
    calendar = BusinessCalendar(
        code="rea", name="Réanimation", always_open=True, holiday_region=HolidayRegion.METROPOLE
    )
    with pytest.raises(ValidationError) as exc:
        create_calendar(calendar, actor=manager_ght)
    assert list(exc.value.message_dict) == ["holiday_region"]


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.time(18), dt.time(8)), (dt.time(8), dt.time(8)), (dt.time(20), dt.time(0))],
    ids=["before", "same", "midnight-as-zero"],
)
def test_hours_that_close_before_they_open_are_the_end_fields_error(
    office, manager_ght, start, end
):
    with pytest.raises(ValidationError) as exc:
        add_opening_hours(hours(office, 5, start, end), actor=manager_ght)
    assert list(exc.value.message_dict) == ["end"]


def test_overlapping_hours_on_a_weekday_are_refused_touching_ones_accepted(office, manager_ght):
    with pytest.raises(ValidationError) as exc:
        add_opening_hours(hours(office, 0, dt.time(17), dt.time(20)), actor=manager_ght)
    assert list(exc.value.message_dict) == ["start"]
    assert "08:00–18:00" in exc.value.message_dict["start"][0]

    evening = add_opening_hours(hours(office, 0, dt.time(18)), actor=manager_ght)  # until midnight
    assert evening.end is None
    moved = OpeningHours.objects.get(calendar=office, weekday=0, start=dt.time(8))
    moved.end = dt.time(19)
    with pytest.raises(ValidationError) as exc:
        update_opening_hours(moved, actor=manager_ght)
    assert list(exc.value.message_dict) == ["start"]


def test_a_closure_ends_after_it_starts(office, manager_ght):
    closure = Closure(calendar=office, start=at(2026, 6, 1, 12), end=at(2026, 6, 1, 8), reason="x")
    with pytest.raises(ValidationError) as exc:
        add_closure(closure, actor=manager_ght)
    assert list(exc.value.message_dict) == ["end"]


def test_a_week_is_replaced_all_or_nothing_with_errors_keyed_by_weekday(office, manager_ght):
    with pytest.raises(ValidationError) as exc:
        set_week(
            office,
            actor=manager_ght,
            week={0: [(dt.time(9), dt.time(12))], 2: [(dt.time(14), dt.time(13))]},
        )
    assert list(exc.value.message_dict) == ["2.end"]
    assert office.opening_hours.count() == 5  # unchanged

    set_week(office, actor=manager_ght, week={5: [(dt.time(9), dt.time(12))]})
    assert [(h.weekday, h.start, h.end) for h in office.opening_hours.all()] == [
        (5, dt.time(9), dt.time(12))
    ]


# --- audit and scope ----------------------------------------------------------------------
def test_every_change_is_an_audit_event_of_the_acting_manager(office, manager_ght):
    created = AuditEvent.objects.filter(
        object_type="sla.businesscalendar", object_id=str(office.pk), action="create"
    ).get()
    assert created.actor_id == manager_ght.pk
    assert (
        AuditEvent.objects.filter(
            object_type="sla.openinghours", action="create", actor_id=manager_ght.pk
        ).count()
        == 5
    )
    office.name = "Heures ouvrées DSI"
    update_calendar(office, actor=manager_ght)
    updated = AuditEvent.objects.filter(
        object_type="sla.businesscalendar", object_id=str(office.pk), action="update"
    ).get()
    assert updated.changes == {"name": ["Heures ouvrées", "Heures ouvrées DSI"]}


def test_only_managers_in_scope_change_a_calendar(ght, office, manager_a, make_user):
    agent = make_user(roles.DESK_AGENT, establishments=[ght.a])
    with pytest.raises(PermissionDenied):
        create_calendar(BusinessCalendar(code="x", name="X", establishment=ght.a), actor=agent)
    with pytest.raises(PermissionDenied):  # a GHT-wide calendar needs the whole GHT in scope
        add_opening_hours(hours(office, 5, dt.time(9), dt.time(12)), actor=manager_a)
    own = create_calendar(
        BusinessCalendar(code="valmont", name="Valmont", establishment=ght.a), actor=manager_a
    )
    add_opening_hours(hours(own, 5, dt.time(9), dt.time(12)), actor=manager_a)

    assert set(BusinessCalendar.objects.restrict(agent)) == {office, own}  # shared ones too
    agent_b = make_user(roles.DESK_AGENT, establishments=[ght.b])
    assert set(BusinessCalendar.objects.restrict(agent_b)) == {office}


# --- rows to arithmetic ------------------------------------------------------------------
def test_the_rows_give_the_deadlines_of_the_arithmetic(office, manager_ght):
    spec = calendar_spec(office)
    assert local(add_business_time(spec, at(2026, 1, 9, 17), 4 * H)) == at(2026, 1, 12, 11)
    # New Year's Day is seen from December, whatever year the spec was built in.
    assert local(add_business_time(spec, at(2025, 12, 31, 17), 2 * H)) == at(2026, 1, 2, 9)

    add_closure(
        Closure(calendar=office, start=at(2026, 1, 12, 8), end=at(2026, 1, 12, 12), reason="Move"),
        actor=manager_ght,
    )
    spec = calendar_spec(office)
    assert local(add_business_time(spec, at(2026, 1, 9, 17), 4 * H)) == at(2026, 1, 12, 15)


def test_a_24_7_calendar_ignores_its_opening_hours(office, manager_ght):
    office.always_open, office.holiday_region = True, ""
    update_calendar(office, actor=manager_ght)
    spec = calendar_spec(office)
    assert spec.always_open and spec.holiday_region == ""
    assert business_time(spec, at(2026, 3, 28, 12), at(2026, 3, 29, 12)) == 23 * H


def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(PARIS)


# --- default calendars and the demo ----------------------------------------------------
def test_default_calendars_install_once_with_their_hours_and_regions():
    created = install_default_calendars()
    assert {c.code for c in created} == {d.code for d in DEFAULT_CALENDARS}
    assert install_default_calendars() == []

    dsi = BusinessCalendar.objects.get(code="heures-ouvrees-dsi")
    assert dsi.name == "Heures ouvrées DSI" and dsi.holiday_region == "metropole"
    assert dsi.opening_hours.count() == 5
    critical = BusinessCalendar.objects.get(code="soins-critiques-24-7")
    assert critical.always_open and not critical.opening_hours.exists()
    alsace = calendar_spec(BusinessCalendar.objects.get(code="heures-ouvrees-alsace-moselle"))
    assert business_time(alsace, at(2026, 4, 3), at(2026, 4, 4)) == dt.timedelta(0)
    reunion = BusinessCalendar.objects.get(code="heures-ouvrees-la-reunion")
    assert reunion.timezone == "Indian/Reunion"
    assert AuditEvent.objects.filter(object_type="sla.businesscalendar").count() == len(
        DEFAULT_CALENDARS
    )


def test_demo_contributes_the_default_calendars():
    ctx = DemoContext(scale="small", seed=1, random=None, faker=None)
    demo.contribute(ctx)
    demo.contribute(ctx)  # a second run adds nothing
    assert set(ctx.data["sla"]["calendars"]) == {d.code for d in DEFAULT_CALENDARS}
    assert BusinessCalendar.objects.count() == len(DEFAULT_CALENDARS)
