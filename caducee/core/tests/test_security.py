"""Sign-in and the web's safety nets: lockout after repeated failures (axes),
sign-ins in the audit trail, HttpOnly session cookie, CSRF, login required."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from caducee.core import roles
from caducee.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def agent(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a], username="c.martin")


def sign_in(client, username, password, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, headers=headers
    )


def test_sign_in_with_the_right_password(client, agent):
    assert client.get(reverse("login")).status_code == 200
    response = sign_in(client, "c.martin", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.filter(event="user.login").last()
    assert event.actor_id == agent.pk


def test_wrong_password_is_refused_and_audited(client, agent):
    response = sign_in(client, "c.martin", "wrong", **{"accept-language": "en"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    event = AuditEvent.objects.filter(event="user.login_failed").last()
    assert event.object_repr == "c.martin"
    assert event.data["username"] == "c.martin"


def test_account_locks_after_repeated_failures(client, agent):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "c.martin", "wrong").status_code == 200
    # The limit-th failure locks; afterwards even the right password is refused.
    assert sign_in(client, "c.martin", "wrong").status_code == 429
    response = sign_in(client, "c.martin", PASSWORD, **{"accept-language": "en"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event="user.login_failed").count() >= limit
    assert not AuditEvent.objects.filter(event="user.login", actor_id=agent.pk).exists()


def test_lockout_is_per_account_and_address(client, agent, make_user):
    make_user(roles.DESK_AGENT, username="p.durand")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "c.martin", "wrong")
    assert sign_in(client, "p.durand", PASSWORD).status_code == 302


def test_session_cookie_is_http_only(client, agent):
    sign_in(client, "c.martin", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_csrf_is_enforced(agent, ght):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "c.martin", PASSWORD).status_code == 403
    client.force_login(agent)
    url = reverse("org:person_edit", args=[ght.nurse_a.pk])
    response = client.post(url, {"first_name": "Forged", "last_name": "Martin"})
    assert response.status_code == 403
    response = client.patch(
        reverse("person-detail", args=[ght.nurse_a.pk]),
        {"first_name": "Forged"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    ght.nurse_a.refresh_from_db()
    assert ght.nurse_a.first_name == "Claire"


@pytest.mark.parametrize(
    "url",
    ["/", "/org/persons/", "/org/establishments/", "/core/audit/", "/core/account/tokens/"],
)
def test_pages_require_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_security_headers(client):
    response = client.get(reverse("login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
