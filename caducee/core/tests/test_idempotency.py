"""Idempotency-Key on the API's creates, seen from a client that retries:
a retried POST creates one ticket and gets the first answer again (marked
replayed); the same key for another body is refused (422); a retry while
the first is still being processed is told to wait (409); a refused request
leaves the key free; keys are the sender's own and are forgotten after
CADUCEE_IDEMPOTENCY_HOURS. Told through the ticket endpoint, the first to
use it."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from caducee.core import roles
from caducee.core.api.idempotency import fingerprint
from caducee.core.models import IdempotencyKey
from caducee.core.tasks import clear_expired_idempotency_keys
from caducee.desk.models import Ticket

pytestmark = pytest.mark.django_db

LIST = "/api/desk/tickets/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def agent(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def body(ght) -> dict:
    return {
        "kind": "incident",
        "title": "Alerte supervision : sw-core-a injoignable",
        "establishment": ght.a.pk,
        "requester": ght.nurse_a.pk,
    }


def send(client, body, key="9f1c2a6e-0b7d-4c55-a1de-3b9e5d0c7f42"):
    return client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_post_creates_one_ticket_and_replays_the_answer(agent, body):
    client = client_for(agent)
    first = send(client, body)
    assert first.status_code == 201, first.content
    assert not first.has_header("Idempotent-Replayed")
    again = send(client, {**dict(reversed(body.items()))})  # same body, keys reordered
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Location"] == first["Location"] and again["ETag"] == first["ETag"]
    assert Ticket.objects.count() == 1
    assert send(client, body, key="another-key").status_code == 201
    assert Ticket.objects.count() == 2


def test_the_same_key_for_another_request_is_a_422(agent, body):
    client = client_for(agent)
    assert send(client, body).status_code == 201
    response = send(client, {**body, "title": "Autre chose"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "different request" in error["message"]
    assert Ticket.objects.count() == 1


def test_a_retry_while_the_first_is_processed_is_a_409(agent, body):
    request = SimpleNamespace(method="POST", path=LIST, data=body)
    IdempotencyKey.objects.create(
        user=agent, endpoint=f"POST {LIST}", key="k-1", fingerprint=fingerprint(request)
    )
    response = send(client_for(agent), body, key="k-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_flight"
    assert not Ticket.objects.exists()
    # A request that died long ago did nothing (its work and its answer
    # commit together): the next one takes its key over.
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert send(client_for(agent), body, key="k-1").status_code == 201
    assert Ticket.objects.count() == 1


def test_a_refused_request_leaves_the_key_free(agent, body):
    client = client_for(agent)
    refused = send(client, {**body, "requester": 987654})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    corrected = send(client, body)
    assert corrected.status_code == 201 and not corrected.has_header("Idempotent-Replayed")
    assert Ticket.objects.count() == 1


def test_keys_belong_to_their_sender(agent, body, ght, make_user):
    colleague = make_user(roles.DESK_AGENT, establishments=[ght.a])
    assert send(client_for(agent), body).status_code == 201
    theirs = send(client_for(colleague), body)
    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert Ticket.objects.count() == 2


def test_malformed_keys_are_a_400_on_the_header(agent, body):
    client = client_for(agent)
    for key in ("k" * 256, "   ", "clé-accentuée"):
        response = send(client, body, key=key)
        assert response.status_code == 400, key
        assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert send(client, body, key="k" * 255).status_code == 201
    assert Ticket.objects.count() == 1


def test_without_a_key_every_post_creates(agent, body):
    client = client_for(agent)
    assert client.post(LIST, body, format="json").status_code == 201
    assert client.post(LIST, body, format="json").status_code == 201
    assert Ticket.objects.count() == 2 and not IdempotencyKey.objects.exists()


@override_settings(CADUCEE_IDEMPOTENCY_HOURS=1)
def test_keys_are_forgotten_after_the_configured_hours(agent, body):
    client = client_for(agent)
    assert send(client, body).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    again = send(client, body)
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Ticket.objects.count() == 2
    assert send(client, body, key="old").status_code == 201
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert clear_expired_idempotency_keys.call_local() == 1
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_clients_posting_the_same_key_at_once_create_one_ticket(agent, body):
    barrier = threading.Barrier(2)
    answers: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            client = client_for(agent)
            barrier.wait(timeout=30)
            answers.append(send(client, body, key="same-time").status_code)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert 201 in answers and set(answers) <= {201, 409}, answers
    assert Ticket.objects.count() == 1
