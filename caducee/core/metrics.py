"""Prometheus metrics: request counters per process, and gauges read from the
database and the task queue at scrape time (so every web node reports the
same business figures)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "caducee_http_requests",
    "HTTP requests served by this process",
    ["method", "view", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "caducee_http_request_duration_seconds",
    "Time to answer HTTP requests in this process",
    ["view"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def observe_request(method: str, view: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


class BusinessCollector:
    """Figures read at scrape time."""

    def describe(self):
        # Declared so registering does not query the database at import time.
        return []

    def collect(self):
        from django.contrib.auth import get_user_model

        from caducee.core.models import AuditChainHead
        from caducee.core.tasks import queue_depth

        head = AuditChainHead.objects.filter(pk=1).first()
        audit = GaugeMetricFamily("caducee_audit_events", "Events in the audit trail")
        audit.add_metric([], head.seq if head else 0)
        yield audit
        users = GaugeMetricFamily("caducee_active_users", "Active user accounts")
        users.add_metric([], get_user_model().objects.filter(is_active=True).count())
        yield users
        pending = GaugeMetricFamily("caducee_tasks_pending", "Tasks waiting in the queue")
        depth = queue_depth()
        pending.add_metric([], depth if depth is not None else float("nan"))
        yield pending


REGISTRY.register(BusinessCollector())


def render() -> bytes:
    return generate_latest(REGISTRY)
