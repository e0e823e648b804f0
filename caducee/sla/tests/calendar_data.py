"""Calendar fixtures shared by the page and API tests: the DSI's business
hours for the whole GHT (metropolitan holidays, Monday to Friday 08–18), a
calendar of establishment A (two periods on weekdays, Saturday until
midnight, no holidays) and the 24/7 calendar of B's emergency department,
built through the services (validated and audited as in the product);
readers and managers of A, of B and of the whole GHT."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from caducee.core import roles
from caducee.sla.models import BusinessCalendar, HolidayRegion
from caducee.sla.services.calendars import create_calendar, set_week

__all__ = ["agent_a", "agent_b", "calendars", "manager_a", "manager_ght"]

T = dt.time


@dataclass
class Calendars:
    office: BusinessCalendar
    valmont: BusinessCalendar
    urgences_b: BusinessCalendar


def make_calendar(actor, code, name, *, week=None, **fields) -> BusinessCalendar:
    calendar = create_calendar(BusinessCalendar(code=code, name=name, **fields), actor=actor)
    if week:
        set_week(calendar, actor=actor, week=week)
    return calendar


@pytest.fixture
def calendars(ght, admin_user) -> Calendars:
    office = make_calendar(
        admin_user,
        "heures-ouvrees-dsi",
        "Heures ouvrées DSI",
        holiday_region=HolidayRegion.METROPOLE,
        week={day: [(T(8), T(18))] for day in range(5)},
    )
    valmont = make_calendar(
        admin_user,
        "accueil-valmont",
        "Accueil Valmont",
        establishment=ght.a,
        week={
            **{day: [(T(7, 30), T(12)), (T(13, 30), T(19))] for day in range(5)},
            5: [(T(20), None)],
        },
    )
    urgences_b = make_calendar(
        admin_user, "urgences-3r", "Urgences 3R 24/7", establishment=ght.b, always_open=True
    )
    return Calendars(office, valmont, urgences_b)


@pytest.fixture
def agent_a(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def agent_b(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.b])


@pytest.fixture
def manager_a(ght, make_user):
    return make_user(roles.DSI_MANAGER, establishments=[ght.a])


@pytest.fixture
def manager_ght(ght, make_user):
    return make_user(roles.DSI_MANAGER, whole_ght=True)
