"""Personal API tokens: shown once, stored hashed, revocable by their owner,
refused once revoked or expired, every creation and revocation audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from caducee.core import roles
from caducee.core.models import ApiToken, AuditEvent
from caducee.core.models.tokens import hash_key
from caducee.core.services.errors import DomainError
from caducee.core.services.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


def auth(key):
    return {"authorization": f"Token {key}"}


def test_token_page_shows_the_key_once(client, agent):
    client.force_login(agent)
    response = client.post(reverse("core:token_list"), {"name": "inventaire"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    token = ApiToken.objects.get(user=agent)
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    again = client.get(reverse("core:token_list")).content.decode()
    assert "inventaire" in again and key not in again
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 200


def test_token_page_rejects_a_past_expiry(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("core:token_list"),
        {"name": "old", "expires_at": "2001-01-01T10:00"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert "The expiry date must be in the future." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client, agent):
    token, key = create_token(actor=agent, name="script")
    client.force_login(agent)
    response = client.post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 401


def test_nobody_else_can_revoke_a_token(client, agent, make_user):
    token, _key = create_token(actor=agent, name="script")
    other = make_user(roles.DESK_AGENT)
    client.force_login(other)
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    assert client.delete(reverse("apitoken-detail", args=[token.pk])).status_code == 404
    assert client.get(reverse("apitoken-list")).json()["count"] == 0
    with pytest.raises(DomainError):
        revoke_token(token, actor=other)
    token.refresh_from_db()
    assert token.is_active


def test_token_api_create_list_revoke(client, agent):
    client.force_login(agent)
    created = client.post(
        reverse("apitoken-list"), {"name": "supervision"}, content_type="application/json"
    )
    assert created.status_code == 201
    key = created.json()["key"]
    listed = client.get(reverse("apitoken-list")).json()
    assert listed["count"] == 1 and "key" not in listed["results"][0]
    token_id = listed["results"][0]["id"]
    client.logout()
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 200
    deleted = client.delete(reverse("apitoken-detail", args=[token_id]), headers=auth(key))
    assert deleted.status_code == 204
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 401


def test_expired_token_is_refused(client, agent):
    token, key = create_token(
        actor=agent, name="short", expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("person-list"), headers=auth(key))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_token_of_a_deactivated_account_is_refused(client, agent):
    _token, key = create_token(actor=agent, name="script")
    agent.is_active = False
    agent.save()
    assert client.get(reverse("person-list"), headers=auth(key)).status_code == 401


def test_bearer_keyword_and_last_use(client, agent):
    token, key = create_token(actor=agent, name="script")
    response = client.get(reverse("person-list"), headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_malformed_header_is_refused(client, agent):
    response = client.get(reverse("person-list"), headers={"authorization": "Token a b"})
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_creation_and_revocation_are_audited_without_the_key(agent):
    token, key = create_token(actor=agent, name="script")
    revoke_token(token, actor=agent)
    events = AuditEvent.objects.filter(event__startswith="api_token.").order_by("seq")
    assert [e.event for e in events] == ["api_token.created", "api_token.revoked"]
    assert all(e.actor_id == agent.pk for e in events)
    for event in AuditEvent.objects.filter(object_type="core.apitoken"):
        assert key not in str(event.changes) + str(event.data)
        assert token.key_hash not in str(event.changes)
