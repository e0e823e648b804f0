"""API tokens checked from a copy kept per process (``core.services.tokens``).

What a user notices: a token works without costing its call a query, and
the moment its revocation or its account's deactivation commits, the next
call with it is refused. Committed for real (``transaction=True``):
freshness is about what happens after a commit.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caducee.core import roles
from caducee.core.services import tokens
from caducee.core.services.tokens import authenticate_key, create_token, revoke_token
from caducee.core.services.users import update_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


def auth(key: str) -> dict:
    return {"authorization": f"Token {key}"}


def test_a_kept_token_costs_no_query_and_brings_its_account(agent):
    _token, key = create_token(actor=agent, name="supervision")
    assert authenticate_key(key) is not None  # loads the kept copy, notes the use
    with CaptureQueriesContext(connection) as captured:
        token = authenticate_key(key)
        assert token.user.username == agent.username
    assert len(captured) == 0
    assert tokens._snapshot.kept() is not None
    assert authenticate_key(key + "x") is None


def test_a_revoked_token_is_refused_at_the_next_call(client, agent):
    token, key = create_token(actor=agent, name="script")
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 200
    revoke_token(token, actor=agent)
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 401


def test_a_deactivated_account_is_refused_at_the_next_call(client, agent, admin_user):
    _token, key = create_token(actor=agent, name="script")
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 200
    agent.is_active = False
    update_user(agent, actor=admin_user)
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 401


def test_a_renamed_account_is_seen_renamed(client, agent, admin_user):
    _token, key = create_token(actor=agent, name="script")
    assert authenticate_key(key).user.last_name == agent.last_name
    agent.last_name = "Renommé"
    update_user(agent, actor=admin_user)
    assert authenticate_key(key).user.last_name == "Renommé"
