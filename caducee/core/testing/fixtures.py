"""pytest fixtures: a small GHT of two establishments and users by role.

Built through the same services the product uses (STYLE.md 13), so tests see
the audit trail and scoping as users do. Establishment A is "CH de Valmont",
B is "CH des Trois-Rivières"; personas are named after what they do.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from caducee.core import roles
from caducee.core.testing.services import require
from caducee.core.testing.smtp import smtp_server  # noqa: F401 - registered for every app


@dataclass
class SmallGHT:
    group: object
    a: object
    b: object
    icu_a: object
    ward_a: object
    admin_a: object
    er_b: object
    room_a: object
    room_b: object
    nurse_a: object
    doctor_a: object
    clerk_b: object
    nurse_job: object
    doctor_job: object


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)


@pytest.fixture
def ght(db, admin_user) -> SmallGHT:
    from caducee.core.context import acting_as
    from caducee.org.models import (
        Building,
        CareUnit,
        Criticality,
        Establishment,
        Floor,
        HospitalGroup,
        Job,
        Person,
        Room,
        Site,
    )
    from caducee.org.services.structure import add_default_shifts

    with acting_as(admin_user, source="test"):
        group = HospitalGroup.objects.create(code="ght-test", name="GHT Test")
        a = Establishment.objects.create(
            group=group, finess="750712184", name="CH de Valmont", short_name="CH Valmont"
        )
        b = Establishment.objects.create(
            group=group, finess="330781196", name="CH des Trois-Rivières", short_name="CH 3R"
        )
        add_default_shifts(a)
        add_default_shifts(b)
        rooms = []
        for est in (a, b):
            site = Site.objects.create(establishment=est, code="MAIN", name=f"Site {est}")
            building = Building.objects.create(site=site, code="A", name="Bâtiment A")
            floor = Floor.objects.create(building=building, level=1, name="1er étage")
            rooms.append(Room.objects.create(floor=floor, code="101", name="Poste de soins"))
        icu_a = CareUnit.objects.create(
            establishment=a,
            code="4101",
            name="Réanimation",
            criticality=Criticality.LIFE_CRITICAL,
            care_hours="24/7",
        )
        ward_a = CareUnit.objects.create(
            establishment=a,
            code="4201",
            name="Médecine interne",
            criticality=Criticality.HIGH,
            care_hours="24/7",
        )
        admin_a = CareUnit.objects.create(
            establishment=a, code="9001", name="Admissions", criticality=Criticality.LOW
        )
        er_b = CareUnit.objects.create(
            establishment=b,
            code="1001",
            name="Urgences",
            criticality=Criticality.LIFE_CRITICAL,
            care_hours="24/7",
        )
        nurse_job = Job.objects.create(code="ide", name="Infirmier·e", category="paramedical")
        doctor_job = Job.objects.create(
            code="medecin", name="Médecin", category="medical", is_health_professional=True
        )
        nurse_a = Person.objects.create(
            establishment=a,
            first_name="Claire",
            last_name="Martin",
            job=nurse_job,
            room=rooms[0],
            phone="0102030405",
            email="claire.martin@valmont.example",
        )
        nurse_a.care_units.set([icu_a])
        doctor_a = Person.objects.create(
            establishment=a,
            first_name="Paul",
            last_name="Durand",
            job=doctor_job,
            rpps="10001234567",
            active_from=dt.date(2020, 1, 1),
        )
        doctor_a.care_units.set([icu_a, ward_a])
        clerk_b = Person.objects.create(
            establishment=b,
            first_name="Inès",
            last_name="Bernard",
            email="ines.bernard@3r.example",
            room=rooms[1],
        )
        clerk_b.care_units.set([er_b])
    return SmallGHT(
        group,
        a,
        b,
        icu_a,
        ward_a,
        admin_a,
        er_b,
        rooms[0],
        rooms[1],
        nurse_a,
        doctor_a,
        clerk_b,
        nurse_job,
        doctor_job,
    )


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(role, establishments=[...], whole_ght=False) -> User."""
    counter = {"n": 0}

    def make(role: str, establishments=(), whole_ght: bool = False, username: str | None = None):
        if not Group.objects.filter(name=role).exists():
            roles.sync_roles()  # groups come from post_migrate; flushed DBs may lack them
        counter["n"] += 1
        user = django_user_model.objects.create_user(
            username or f"{role}{counter['n']}",
            password="correct-horse-battery",  # noqa: S106
            all_establishments=whole_ght,
        )
        user.groups.add(Group.objects.get(name=role))
        if establishments:
            user.establishments.set(establishments)
        return django_user_model.objects.get(pk=user.pk)  # fresh permission cache

    return make


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("CADUCEE_CHROMIUM") or shutil.which("chromium") or ""
    require(bool(path) and os.path.exists(path), "Debian's Chromium (/usr/bin/chromium)")
    return path


@pytest.fixture
def browser(chromium_path):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield instance
        finally:
            instance.close()


def pytest_collection_modifyitems(config, items):
    """Each database pass runs the tests about its own database: tests marked
    ``postgresql`` run in the PostgreSQL pass, ``sqlite`` in the SQLite one."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    other = "sqlite" if "postgresql" in engine else "postgresql"
    skip = pytest.mark.skip(reason=f"{other}-only: runs in the {other} pass of the suite")
    for item in items:
        if other in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def english_clients(monkeypatch):
    """Tests read English messages: every test client starts with the language
    cookie set to English, as a user who chose English. A test about French
    (the product's default) removes the cookie or sets it to "fr"."""
    from django.conf import settings
    from django.test import Client

    original = Client.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    monkeypatch.setattr(Client, "__init__", init)


@pytest.fixture(autouse=True)
def english_messages():
    """Code called outside a request (services, parsers, tasks) also speaks
    English in tests, whatever an earlier test's request left active in the
    thread; a test about French uses ``translation.override("fr")``."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_snapshots():
    """Each test starts with no configuration kept by the process
    (``caducee.core.services.snapshots``): a value kept while another test's
    rolled-back data was visible must not be served to the next one."""
    from caducee.core.services.snapshots import drop_all_local

    drop_all_local()
    yield
