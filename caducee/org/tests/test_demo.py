"""``caducee demo``: the organisation it builds is plausible, audited, scoped
through one account per role, and the same for the same seed."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import RequestFactory

from caducee.core import demo, roles
from caducee.core.models import AuditEvent, User
from caducee.org.demo_data import DSI_TEAMS
from caducee.org.models import (
    CareUnit,
    Criticality,
    Establishment,
    Person,
    Room,
    ShiftDefinition,
    Team,
)
from caducee.org.validators import RPPS_RE, validate_finess

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_tickets(monkeypatch):
    """The desk's demo test builds the tickets; here they would only cost time."""
    monkeypatch.setenv("CADUCEE_DEMO_TICKETS", "0")


@pytest.fixture
def small_ght():
    call_command("demo", "--scale", "small", "--seed", "7", stdout=StringIO())


def test_small_ght_is_plausible(small_ght):
    establishments = list(Establishment.objects.all())
    assert len(establishments) == 3
    assert sum(e.is_support for e in establishments) == 1
    for establishment in establishments:
        validate_finess(establishment.finess)
    assert ShiftDefinition.objects.count() == 3 * 3
    assert 300 <= Person.objects.count() <= 1000
    assert Room.objects.filter(kind=Room.Kind.OPERATING).exists()
    assert Room.objects.filter(kind=Room.Kind.DATACENTER).count() >= 3

    doctors = Person.objects.filter(job__code="medecin")
    assert doctors.exists()
    assert all(RPPS_RE.match(rpps) for rpps in doctors.values_list("rpps", flat=True))
    assert not Person.objects.filter(job__is_health_professional=False).exclude(rpps="").exists()
    rpps = list(Person.objects.exclude(rpps="").values_list("rpps", flat=True))
    assert len(rpps) == len(set(rpps))

    emails = list(Person.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails))
    duplicated_numbers = (
        Person.objects.values("establishment", "employee_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicated_numbers.exists()
    for person in Person.objects.select_related("establishment")[:50]:
        assert person.email.endswith(".fr")
        assert person.phone

    nurse = Person.objects.filter(job__code="infirmier").select_related("manager__job").first()
    assert nurse.manager.job.code == "cadre-sante"
    assert set(nurse.manager.care_units.all()) >= set(nurse.care_units.all())
    doctors = Person.objects.filter(job__code="medecin", manager__isnull=False)
    assert doctors.exists()
    chefs = doctors.exclude(manager__job__code="medecin")
    assert chefs.exists()
    assert set(chefs.values_list("manager__job__code", flat=True)) == {"directeur"}
    assert not Person.objects.filter(job__code="directeur", manager__isnull=False).exists()
    # The shared IT department's teams (the desk's demo adds its own beside them).
    shared = set(Team.objects.filter(establishment__isnull=True).values_list("code", flat=True))
    assert {code for code, _name, _jobs in DSI_TEAMS} <= shared
    assert Team.objects.get(code="dsi-centre-de-services").members.exists()


def test_criticality_and_care_hours(small_ght):
    critical = set(
        CareUnit.objects.filter(criticality=Criticality.LIFE_CRITICAL).values_list(
            "name", flat=True
        )
    )
    for word in ("Réanimation", "Urgences", "Bloc opératoire", "Maternité", "Néonatologie"):
        assert any(word in name for name in critical), word
    assert not CareUnit.objects.filter(
        criticality__gte=Criticality.HIGH, name__contains="hospitalisation"
    ).exclude(care_hours=CareUnit.CareHours.ALWAYS)
    assert not CareUnit.objects.filter(criticality=Criticality.LIFE_CRITICAL).exclude(
        care_hours=CareUnit.CareHours.ALWAYS
    )
    admin = CareUnit.objects.filter(name__in=["Facturation", "Direction générale"])
    assert set(admin.values_list("criticality", flat=True)) == {Criticality.LOW}
    consultations = CareUnit.objects.filter(name__startswith="Consultations")
    assert set(consultations.values_list("criticality", flat=True)) == {Criticality.MEDIUM}


def test_one_working_account_per_role(small_ght):
    request = RequestFactory().post("/login/")
    first = Establishment.objects.get(is_support=True)
    # The published demo accounts: one per role. (The desk's demo also opens
    # accounts for the members of its groups, with the same password.)
    published = {a.username for a in demo.demo_accounts()}
    for role in roles.ROLES:
        users = User.objects.filter(groups__name=role, username__in=published)
        assert users.count() == 1, role
        user = users.get()
        assert authenticate(request, username=user.username, password=demo.DEMO_PASSWORD) == user
    by_name = {u.username: u for u in User.objects.all()}
    assert published <= set(by_name)
    assert list(by_name["nurse"].establishments.all()) == [first]
    assert list(by_name["agent"].establishments.all()) == [first]
    assert by_name["engineer"].establishments.count() == 2
    assert by_name["cab"].all_establishments and by_name["changes"].all_establishments
    assert by_name["dsi"].all_establishments and by_name["auditor"].all_establishments
    assert by_name["admin"].all_establishments and by_name["admin"].is_staff
    assert not by_name["vendor"].establishments.exists()
    assert not by_name["vendor"].all_establishments
    assert by_name["nurse"].person.job.code == "infirmier"
    assert by_name["nurse"].person.care_units.filter(name__startswith="Réanimation").exists()


def test_audit_trail_is_complete_and_a_second_load_is_refused(small_ght):
    call_command("audit", "verify", stdout=StringIO())
    created = AuditEvent.objects.filter(action="create")
    assert created.filter(object_type="org.person").count() == Person.objects.count()
    assert created.filter(object_type="org.room").count() == Room.objects.count()
    assert created.filter(object_type="org.careunit").count() == CareUnit.objects.count()
    assigned = AuditEvent.objects.filter(event="demo.people_assigned")
    assert assigned.count() == 3
    links = Person.care_units.through.objects.count()
    assert sum(e.data["links"] for e in assigned) == links

    with pytest.raises(CommandError):
        call_command("demo", "--scale", "small", stdout=StringIO())
    call_command("demo", "--if-empty", stdout=StringIO())
    assert Establishment.objects.count() == 3


class Rollback(Exception):
    pass


def fingerprint(seed: int) -> tuple:
    """Build inside a transaction, read what identifies the GHT, roll back."""
    result: tuple = ()
    try:
        with transaction.atomic():
            ctx = demo.build("small", seed)
            assert ctx.data["care_units"] and ctx.data["people"] and ctx.data["teams"]
            result = (
                sorted(Establishment.objects.values_list("finess", "name")),
                list(Person.objects.order_by("pk").values_list("first_name", "last_name")[:50]),
                Person.objects.count(),
                Room.objects.count(),
                CareUnit.objects.count(),
            )
            raise Rollback
    except Rollback:
        pass
    assert not Establishment.objects.exists()
    return result


def test_same_seed_same_ght():
    first = fingerprint(7)
    assert first == fingerprint(7)
    assert first[:2] != fingerprint(8)[:2]


def test_each_demo_role_signs_in_and_sees_only_its_scope(small_ght, client):
    """Acceptance: every demo account logs in through the sign-in form and sees
    only what its role and establishments allow."""
    first = Establishment.objects.get(is_support=True)
    people_in_first = Person.objects.filter(establishment=first).count()
    everyone = Person.objects.count()
    expected_people = {
        "agent": people_in_first,
        "dsi": everyone,
        "auditor": everyone,
        "admin": everyone,
    }
    for account in demo.demo_accounts():
        client.logout()
        response = client.post(
            "/login/", {"username": account.username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, account.username
        assert client.get("/").status_code == 200
        listing = client.get("/api/org/people/")
        user = User.objects.get(username=account.username)
        if not user.has_perm("org.view_person"):
            assert listing.status_code == 403, account.username
            assert client.get("/org/persons/").status_code == 403
            continue
        assert listing.status_code == 200
        visible = listing.json()["count"]
        scope = user.establishment_ids()
        allowed = (
            everyone if scope is None else Person.objects.filter(establishment__in=scope).count()
        )
        assert visible == allowed, account.username
        if account.username in expected_people:
            assert visible == expected_people[account.username], account.username
    assert people_in_first < everyone
