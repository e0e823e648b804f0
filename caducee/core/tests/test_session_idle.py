"""The idle timeout of a session (``core/sessions.py``): a shared ward
computer left alone signs its user out after ``SESSION_COOKIE_AGE``; an
agent at work stays signed in; and the session is not rewritten on every
page to get there."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caducee.core import roles

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
IDLE = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.fixture
def signed_in(client, ght, make_user):
    """A client signed in through the form at a fixed instant; ``at(delta)``
    returns a context in which the clock reads that instant plus ``delta``."""
    make_user(roles.DESK_AGENT, establishments=[ght.a], username="c.martin")
    start = timezone.now()

    def at(delta: dt.timedelta):
        return mock.patch("django.utils.timezone.now", return_value=start + delta)

    with at(dt.timedelta(0)):
        response = client.post(reverse("login"), {"username": "c.martin", "password": PASSWORD})
    assert response.status_code == 302
    client.at = at
    return client


def signed_in_at(client, delta: dt.timedelta) -> bool:
    with client.at(delta):
        response = client.get(reverse("home"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_an_idle_session_is_signed_out(signed_in):
    assert signed_in_at(signed_in, dt.timedelta(minutes=1))
    assert not signed_in_at(signed_in, dt.timedelta(minutes=1) + IDLE + dt.timedelta(seconds=1))


def test_an_idle_session_is_signed_out_even_after_requests_inside_a_minute(signed_in):
    # The requests at 10 and 40 seconds do not push the expiry forward: the
    # session still ends, at the latest, the timeout after the last request.
    for seconds in (0, 10, 40):
        assert signed_in_at(signed_in, dt.timedelta(seconds=seconds))
    assert not signed_in_at(signed_in, dt.timedelta(seconds=40) + IDLE)


def test_an_active_session_is_kept_well_past_the_timeout(signed_in):
    # A request every half timeout, for four timeouts.
    step = IDLE / 2
    for n in range(1, 9):
        assert signed_in_at(signed_in, step * n)


def test_a_session_is_kept_to_the_minute(signed_in):
    assert signed_in_at(signed_in, dt.timedelta(minutes=5))
    # Idle for the timeout less a minute: still signed in.
    assert signed_in_at(signed_in, dt.timedelta(minutes=5) + IDLE - dt.timedelta(seconds=61))


def test_pages_inside_a_minute_do_not_write_the_session(signed_in):
    assert signed_in_at(signed_in, dt.timedelta(seconds=5))  # pushes the expiry forward
    with signed_in.at(dt.timedelta(seconds=30)), CaptureQueriesContext(connection) as queries:
        assert signed_in.get(reverse("home")).status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []
    # A minute on, one write pushes it forward again.
    with signed_in.at(dt.timedelta(seconds=70)), CaptureQueriesContext(connection) as queries:
        assert signed_in.get(reverse("home")).status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert len(writes) == 1


def test_signing_out_leaves_no_session(signed_in):
    with signed_in.at(dt.timedelta(seconds=5)):
        signed_in.post(reverse("logout"))
    assert not signed_in_at(signed_in, dt.timedelta(seconds=10))
    assert settings.SESSION_COOKIE_NAME not in signed_in.cookies or not (
        signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    )


def test_anonymous_pages_create_no_session(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
