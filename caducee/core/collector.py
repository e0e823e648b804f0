"""The garbage collector settled once a process is warm.

Rule (issue "Service desk core", performance: pages and ticket creation
under their p95 targets): a web process keeps a few hundred thousand
long-lived objects — Django's own, the CMDB impact graph, the kept
configuration and permissions (``core.services.snapshots``). CPython's full
collection walks every one of them: 100–180 ms at GHT scale, once every
twenty pages or so, charged to whichever request trips it. Once the first
requests have loaded what the process keeps, ``gc.freeze()`` moves those
objects out of the collector's sight, so later collections walk only what
came after.

Frozen objects are still freed by reference counting when nothing refers to
them (a configuration replaced after a change); only cyclic garbage among
them stays, and ``gc.collect()`` just before freezing leaves none.
``CADUCEE_GC_FREEZE_AFTER`` is the number of requests after which a process
freezes (0: never).
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.signals import request_finished

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_state = {"served": 0, "frozen": False}


def settle() -> None:
    """Collect, then freeze what the process holds (about 0.1 s, once)."""
    gc.collect()
    gc.freeze()
    _state["frozen"] = True
    # Not gc.get_freeze_count(): it walks every frozen object (20 ms).
    logger.info("garbage collector settled after %s requests", _state["served"])


def _request_finished(**kwargs: Any) -> None:
    if _state["frozen"]:
        return
    after = getattr(settings, "CADUCEE_GC_FREEZE_AFTER", 0)
    if after <= 0:
        return
    with _lock:
        _state["served"] += 1
        if _state["served"] >= after and not _state["frozen"]:
            settle()


def connect() -> None:
    request_finished.connect(_request_finished, dispatch_uid="caducee_gc_settle")
