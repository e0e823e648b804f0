"""The desk's and the SLA's configuration kept per process
(``desk.services.configuration``, ``sla.services.configuration``).

What a user notices: an administrator's change — a new routing rule, a
retired category, a policy's new target, a new closure of a calendar —
applies to the very next ticket recorded after it commits, though every
ticket no longer reads these tables. Committed for real
(``transaction=True``): freshness is about what happens after a commit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from caducee.core.context import acting_as
from caducee.core.services.errors import DomainError
from caducee.desk.models import Category, RoutingRule, Status, Ticket, TicketKind
from caducee.desk.services import configuration
from caducee.desk.services.categories import update_category
from caducee.desk.services.routing import create_rule
from caducee.desk.services.tickets import create_ticket
from caducee.desk.tests.test_routing import make_crew
from caducee.sla.models import ClockKind, Closure
from caducee.sla.services import configuration as sla_configuration
from caducee.sla.services.calendars import add_closure
from caducee.sla.services.policies import update_policy
from caducee.sla.tests.calendar_data import calendars  # noqa: F401
from caducee.sla.tests.sla_data import policies  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def category(admin_user):
    with acting_as(admin_user, source="test"):
        return Category.objects.create(kind=TicketKind.INCIDENT, name="Poste de travail")


def _record(ght, desk, category=None, **fields) -> Ticket:
    values = {
        "kind": TicketKind.INCIDENT,
        "title": "Le poste ne démarre pas",
        "establishment": ght.a,
        "requester": ght.nurse_a,
        "category": category,
        **fields,
    }
    return create_ticket(Ticket(**values), actor=desk.agent)


def test_a_rule_added_routes_the_next_ticket(ght, desk, make_user, admin_user, category):
    group, _users = make_crew(ght, make_user, admin_user, size=1)
    first = _record(ght, desk, category)
    assert first.status == Status.NEW  # no rule yet
    assert configuration._snapshot.kept() is not None  # the process keeps the rules
    create_rule(
        RoutingRule(name="Postes", assignment_group=group, category=category), actor=admin_user
    )
    second = _record(ght, desk, category)
    assert second.status == Status.ASSIGNED
    assert second.assignment_group_id == group.pk


def test_a_retired_category_is_refused_at_once(ght, desk, admin_user, category):
    _record(ght, desk, category)
    category.is_active = False
    update_category(category, actor=admin_user)
    with pytest.raises(DomainError) as refused:
        _record(ght, desk, category)
    assert refused.value.field == "category"


def test_a_policy_s_new_target_applies_to_the_next_ticket(ght, desk, admin_user, policies):  # noqa: F811
    before = _record(ght, desk, urgency=4)
    clock = before.sla_clocks.get(kind=ClockKind.RESOLUTION)
    assert clock.target_minutes == policies.incidents.resolution_minutes
    policies.incidents.resolution_minutes = 1920
    update_policy(policies.incidents, actor=admin_user)
    after = _record(ght, desk, urgency=4)
    assert after.sla_clocks.get(kind=ClockKind.RESOLUTION).target_minutes == 1920


def test_a_new_closure_moves_the_next_deadline(ght, desk, admin_user, policies):  # noqa: F811
    office = policies.incidents.calendar
    first = _record(ght, desk, urgency=4)
    # The office is closed for the coming thirty days (a move, say).
    now = timezone.now()
    add_closure(
        Closure(
            calendar=office,
            start=now - dt.timedelta(hours=1),
            end=now + dt.timedelta(days=30),
            reason="Déménagement du service informatique",
        ),
        actor=admin_user,
    )
    second = _record(ght, desk, urgency=4)
    assert first.resolution_due < now + dt.timedelta(days=30)
    assert second.resolution_due > now + dt.timedelta(days=30)


def test_another_process_publishing_makes_this_one_reload(ght, desk, category):
    _record(ght, desk, category)
    kept = configuration._snapshot.kept()
    assert configuration.configuration() is kept
    cache.set(configuration._snapshot.key, "published-by-another-process")
    assert configuration.configuration() is not kept
    kept = sla_configuration.configuration()
    cache.delete(sla_configuration._snapshot.key)  # evicted: a new token, a reload
    assert sla_configuration.configuration() is not kept


def test_an_establishment_changed_is_read_anew_by_the_api(ght, desk, admin_user):
    # The API checks a ticket's establishment against the rows kept per
    # process (``org.services.kept``): a rename shows at the next request.
    from rest_framework.test import APIClient

    from caducee.core.services.objects import update_object
    from caducee.org.services import kept

    client = APIClient()
    client.force_authenticate(desk.agent)
    body = {
        "kind": "incident",
        "title": "Le DPI ne répond plus",
        "establishment": ght.a.pk,
        "requester": ght.nurse_a.pk,
    }
    first = client.post("/api/desk/tickets/", body, format="json")
    assert first.status_code == 201, first.content
    assert kept._snapshot.kept() is not None and ght.a.pk in kept._snapshot.kept()
    establishment = type(ght.a).objects.get(pk=ght.a.pk)
    establishment.name = establishment.short_name = "CH Valmont Nord"
    update_object(establishment, actor=admin_user)
    second = client.post("/api/desk/tickets/", body, format="json")
    assert second.status_code == 201, second.content
    assert first.json()["establishment_name"] == "CH Valmont"
    assert second.json()["establishment_name"] == "CH Valmont Nord"
    outside = client.post("/api/desk/tickets/", {**body, "establishment": ght.b.pk}, format="json")
    assert outside.status_code == 400 and "establishment" in outside.json()["error"]["fields"]
