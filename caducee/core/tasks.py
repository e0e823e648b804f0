"""Core background tasks: worker heartbeat, nightly audit-chain check,
expired-session and idempotency-key clean-up. Tasks are thin and idempotent (STYLE.md 9)."""

from __future__ import annotations

import logging
import time

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

logger = logging.getLogger(__name__)
HEARTBEAT_KEY = "caducee.worker.heartbeat"


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    HUEY.storage.put_data(HEARTBEAT_KEY, str(time.time()).encode())


def last_heartbeat() -> float | None:
    try:
        raw = HUEY.storage.peek_data(HEARTBEAT_KEY)
    except Exception:  # storage unreachable: health reports it
        return None
    if not isinstance(raw, bytes | str):  # huey answers EmptyData when unset
        return None
    try:
        return float(raw)
    except ValueError:
        return None


def queue_depth() -> int | None:
    try:
        return HUEY.pending_count()
    except Exception:
        return None


@db_periodic_task(crontab(hour="3", minute="17"))
def verify_audit_chain() -> bool:
    from caducee.core.services.audit import verify_chain

    result = verify_chain()
    if result.ok:
        logger.info("%s", result)
    else:
        logger.error("%s", result)
    return result.ok


@db_periodic_task(crontab(hour="4", minute="5"))
def clear_expired_sessions() -> None:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@db_periodic_task(crontab(minute="23"))
def clear_expired_idempotency_keys() -> int:
    """Forget the API's idempotency keys older than CADUCEE_IDEMPOTENCY_HOURS."""
    from caducee.core.api.idempotency import expiry_cutoff
    from caducee.core.models import IdempotencyKey

    deleted, _detail = IdempotencyKey.objects.filter(created_at__lt=expiry_cutoff()).delete()
    return deleted
