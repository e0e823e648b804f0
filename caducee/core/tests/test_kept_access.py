"""Roles, permissions and establishments kept per process
(``caducee.core.services.access`` on ``caducee.core.services.snapshots``).

What a user notices: the picture is read once, not on every request; a
revoked role or a removed establishment stops working at the next request
after the change commits (in this process and in any other); signing in
does not make every process reload; a change rolled back leaves no trace.
These tests commit for real (``transaction=True``), since freshness is
about what happens after a commit.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from caducee.core import roles
from caducee.core.services import access
from caducee.core.services.users import update_user
from caducee.desk.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_sites(ght):
    roles.sync_roles()
    return ght.a, ght.b


def _agent(django_user_model, establishments):
    user = django_user_model.objects.create_user("agent-k", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name=roles.DESK_AGENT))
    user.establishments.set(establishments)
    return django_user_model.objects.get(pk=user.pk)


def test_the_picture_is_read_once_then_costs_nothing(
    two_sites, django_user_model, django_assert_num_queries
):
    a, _b = two_sites
    agent = _agent(django_user_model, [a])
    access.access()  # loaded once by the process
    fresh = django_user_model.objects.get(pk=agent.pk)
    with django_assert_num_queries(0):
        assert fresh.has_perm("desk.view_ticket")
        assert fresh.establishment_ids() == {a.pk}
        assert fresh.has_role(roles.DESK_AGENT)


def test_a_revoked_role_stops_working_at_the_next_request(two_sites, django_user_model, admin_user):
    a, _b = two_sites
    agent = _agent(django_user_model, [a])
    client = Client()
    client.force_login(agent)
    assert client.get(reverse("desk:call")).status_code == 200  # the phone-call screen
    before = cache.get(access._snapshot.key)
    update_user(agent, actor=admin_user, roles=[roles.REQUESTER])  # commits
    assert cache.get(access._snapshot.key) != before  # every process reloads
    assert client.get(reverse("desk:call")).status_code == 403
    assert not django_user_model.objects.get(pk=agent.pk).has_perm("desk.change_ticket")


def test_a_removed_establishment_leaves_the_scope(two_sites, django_user_model, admin_user):
    a, b = two_sites
    agent = _agent(django_user_model, [a, b])
    assert django_user_model.objects.get(pk=agent.pk).establishment_ids() == {a.pk, b.pk}
    update_user(agent, actor=admin_user, establishments=[b])
    fresh = django_user_model.objects.get(pk=agent.pk)
    assert fresh.establishment_ids() == {b.pk}
    assert not Ticket.objects.restrict(fresh).filter(establishment=a).exists()


def test_another_process_publishing_a_change_makes_this_one_reload(two_sites, django_user_model):
    a, b = two_sites
    agent = _agent(django_user_model, [a])
    first = access.access()
    # Another process commits a change written without signals, then publishes.
    django_user_model.establishments.through.objects.create(user=agent, establishment=b)
    assert access.access() is first  # this process has not been told
    cache.set(access._snapshot.key, "published-by-another-process")
    assert django_user_model.objects.get(pk=agent.pk).establishment_ids() == {a.pk, b.pk}


def test_signing_in_does_not_reload_every_process(two_sites, django_user_model):
    a, _b = two_sites
    agent = _agent(django_user_model, [a])
    access.access()
    token = cache.get(access._snapshot.key)
    answer = Client().post(
        reverse("login"),
        {"username": agent.username, "password": "correct-horse-battery"},
    )
    assert answer.status_code == 302  # signed in (its last_login saved)
    assert cache.get(access._snapshot.key) == token


def test_a_deactivated_account_is_refused_at_once(two_sites, django_user_model):
    a, _b = two_sites
    agent = _agent(django_user_model, [a])
    access.access()
    # Deactivated past the signals (as a bulk update would): the flag is read
    # from the account row itself, so no stale picture lets it through.
    django_user_model.objects.filter(pk=agent.pk).update(is_active=False)
    assert not django_user_model.objects.get(pk=agent.pk).has_perm("desk.view_ticket")


def test_a_rolled_back_change_leaves_no_trace(two_sites, django_user_model, admin_user):
    a, b = two_sites
    agent = _agent(django_user_model, [a])
    token = access._snapshot.token()
    with transaction.atomic():
        agent.establishments.add(b)
        # Its own transaction sees the change at once…
        assert django_user_model.objects.get(pk=agent.pk).establishment_ids() == {a.pk, b.pk}
        transaction.set_rollback(True)
    # …and nobody else ever did.
    assert cache.get(access._snapshot.key) == token
    assert django_user_model.objects.get(pk=agent.pk).establishment_ids() == {a.pk}
