"""Operations endpoints: /health for load balancers and /metrics for Prometheus.

/health answers 200 when the database and the task queue storage answer,
503 otherwise; the worker's last heartbeat is reported (a stale heartbeat is
"degraded", not down: the web still serves). /metrics may be protected by a
bearer token (CADUCEE_METRICS_TOKEN).
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from huey.contrib.djhuey import HUEY

from caducee import __version__
from caducee.core import metrics
from caducee.core.tasks import last_heartbeat

HEARTBEAT_STALE_SECONDS = 180


@never_cache
def health(request):
    checks: dict[str, dict] = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:
        checks["database"] = {"status": "error", "error": exc.__class__.__name__}
        status = 503
    try:
        pending = HUEY.pending_count()
        checks["task_queue"] = {
            "status": "ok",
            "pending": pending,
            "backend": HUEY.__class__.__name__,
        }
    except Exception as exc:
        checks["task_queue"] = {"status": "error", "error": exc.__class__.__name__}
        status = 503
    beat = last_heartbeat()
    if beat is None:
        checks["worker"] = {"status": "unknown", "detail": "no heartbeat yet"}
    else:
        age = round(time.time() - beat)
        checks["worker"] = {
            "status": "ok" if age < HEARTBEAT_STALE_SECONDS else "degraded",
            "last_heartbeat_seconds": age,
        }
    overall = "ok" if status == 200 else "error"
    if overall == "ok" and checks["worker"]["status"] == "degraded":
        overall = "degraded"
    return JsonResponse(
        {"status": overall, "version": __version__, "checks": checks}, status=status
    )


@never_cache
def metrics_view(request):
    token = settings.CADUCEE_METRICS_TOKEN
    if token:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(supplied, token):
            return HttpResponse("unauthorized\n", status=401, content_type="text/plain")
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
