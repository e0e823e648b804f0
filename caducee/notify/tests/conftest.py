"""Fixtures of the notification tests: the desk's small GHT and people
(``caducee.desk.tests.conftest``), e-mail addresses and languages for the
accounts that get mail, and a helper that runs a desk service with its
after-commit work (the send task, immediate in tests) done.

    Claire Martin, ICU nurse of A, requester: no account unless ``claire``
    Alice (agent of the Valmont desk) reads French; Bruno (engineer) English
"""

from __future__ import annotations

import contextlib

import pytest
from django.contrib.auth import get_user_model

from caducee.cmdb.tests.conftest import cmdb  # noqa: F401
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.tests.conftest import desk, new_ticket  # noqa: F401

ALICE = "alice.roux@valmont.example"
BRUNO = "bruno.petit@ght.example"
CLAIRE = "claire.martin@valmont.example"


@pytest.fixture
def addressed(desk):  # noqa: F811 - the imported fixture
    """Alice and Bruno with an address and a language (set up, not a change under test)."""
    users = get_user_model().objects
    users.filter(pk=desk.agent.pk).update(email=ALICE, language="fr")
    users.filter(pk=desk.engineer.pk).update(email=BRUNO, language="en")
    desk.agent.refresh_from_db()
    desk.engineer.refresh_from_db()
    return desk


@pytest.fixture
def claire(ght, make_user, admin_user):
    """The ICU nurse's own account, reading English."""
    user = make_user(roles.REQUESTER, establishments=[ght.a], username="claire")
    get_user_model().objects.filter(pk=user.pk).update(language="en")
    with acting_as(admin_user, source="test"):
        ght.nurse_a.user = user
        ght.nurse_a.save()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): service(...)`` — the service's after-commit work
    (enqueueing the send task, run at once in tests) happens at the end."""

    @contextlib.contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run
