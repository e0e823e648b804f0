"""Operations: /health for load balancers, /metrics for Prometheus, request
ids on every response and log line, and the worker heartbeat.

The task queue check and the heartbeat go through Huey's real storage (the
in-memory one when CADUCEE_TESTING puts Huey in immediate mode).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from huey.contrib.djhuey import HUEY
from prometheus_client.parser import text_string_to_metric_families

from caducee.core import context
from caducee.core.logging import JsonFormatter, RequestIdFilter
from caducee.core.models import AuditChainHead
from caducee.core.tasks import HEARTBEAT_KEY, last_heartbeat, worker_heartbeat

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def no_heartbeat():
    """Heartbeats live in Huey's process-wide storage: start and end without one."""
    HUEY.storage.pop_data(HEARTBEAT_KEY)
    yield
    HUEY.storage.pop_data(HEARTBEAT_KEY)


# --- /health -----------------------------------------------------------------


def test_health_reports_database_and_task_queue(client, no_heartbeat):
    response = client.get("/health")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok", "vendor": connection.vendor}
    assert body["checks"]["task_queue"]["status"] == "ok"
    assert body["checks"]["task_queue"]["pending"] == HUEY.pending_count()
    assert body["checks"]["task_queue"]["backend"] == HUEY.__class__.__name__
    assert body["checks"]["worker"]["status"] == "unknown"


def test_health_answers_503_when_the_database_is_down(client, no_heartbeat):
    # Simulates an outage: every cursor the view asks for fails.
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"status": "error", "error": "OperationalError"}
    assert body["checks"]["task_queue"]["status"] == "ok"


def test_health_answers_503_when_the_task_queue_is_down(client, no_heartbeat):
    with mock.patch.object(HUEY.storage, "queue_size", side_effect=ConnectionError("redis")):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"] == {
        "status": "error",
        "error": "ConnectionError",
    }


def test_recent_heartbeat_is_ok_and_stale_one_degraded(client, no_heartbeat):
    worker_heartbeat.call_local()  # what the consumer runs every minute
    beat = last_heartbeat()
    assert beat is not None
    assert abs(time.time() - beat) < 5
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "ok"

    HUEY.storage.put_data(HEARTBEAT_KEY, str(time.time() - 3600).encode())
    response = client.get("/health")
    # A stopped worker does not take the web down: still 200, but degraded.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["status"] == "degraded"
    assert body["checks"]["worker"]["last_heartbeat_seconds"] >= 3600


def test_heartbeat_is_a_periodic_task_every_minute():
    for moment in (dt.datetime(2026, 1, 5, 10, 3), dt.datetime(2026, 7, 14, 23, 59)):
        due = HUEY.read_periodic(moment)
        assert any(isinstance(task, worker_heartbeat.task_class) for task in due)


# --- /metrics ----------------------------------------------------------------


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_expose_requests_and_audit_figures(client, ght):
    assert client.get("/health").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    families = _families(response.content.decode())
    health_requests = [
        sample
        for sample in families["caducee_http_requests"].samples
        if sample.name == "caducee_http_requests_total"
        and sample.labels == {"method": "GET", "view": "health", "status": "200"}
    ]
    assert health_requests and health_requests[0].value >= 1
    assert "caducee_http_request_duration_seconds" in families
    head = AuditChainHead.objects.get(pk=1)
    assert head.seq > 0
    assert families["caducee_audit_events"].samples[0].value == head.seq
    assert families["caducee_active_users"].samples[0].value >= 1
    assert families["caducee_tasks_pending"].samples[0].value == HUEY.pending_count()


@override_settings(CADUCEE_METRICS_TOKEN="s3cret")
def test_metrics_token_is_required_when_set(client):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200
    assert b"caducee_audit_events" in right.content


# --- request ids -------------------------------------------------------------


def test_every_response_carries_a_generated_request_id(client):
    first = client.get("/health")
    second = client.get("/no-such-page")
    assert GENERATED_ID.match(first["X-Request-ID"])
    assert GENERATED_ID.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_sane_incoming_request_id_is_echoed(client):
    response = client.get("/health", headers={"X-Request-ID": "lb-2026.01:abcdef12"})
    assert response["X-Request-ID"] == "lb-2026.01:abcdef12"


@pytest.mark.parametrize(
    "incoming",
    [
        "abc def ghi jkl",
        "abcdefgh\r\nSet-Cookie: sessionid=stolen",
        "short",
        "x" * 65,
        "<script>alert(1)</script>",
    ],
)
def test_malicious_request_id_is_replaced(client, incoming):
    response = client.get("/health", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert GENERATED_ID.match(response["X-Request-ID"])


# --- JSON logs -------------------------------------------------------------------


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("caducee.tests.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_json_log_lines_carry_the_request_id(json_log):
    logger, stream = json_log
    with context.change_context(request_id="abc12345"):
        logger.info(
            "ticket %s escalated", "INC-42", extra={"ticket": 42, "when": dt.date(2026, 1, 5)}
        )
    logger.warning("outside any request")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "abc12345"
    assert first["message"] == "ticket INC-42 escalated"
    assert first["level"] == "INFO"
    assert first["logger"] == "caducee.tests.json"
    assert first["ticket"] == 42
    assert first["when"] == repr(dt.date(2026, 1, 5))  # not JSON: repr, never a crash
    assert dt.datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["request_id"] == "-"


def test_json_log_includes_the_exception(json_log):
    logger, stream = json_log
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    line = json.loads(stream.getvalue())
    assert line["level"] == "ERROR"
    assert "ValueError: boom" in line["exception"]
