"""Who is acting, from where, under which request id.

The audit trail records the actor, the request id and the client address of
every change. Services receive the actor explicitly (keyword-only ``actor``)
and open an ``acting_as`` block; the request middleware fills the request id
and address; tasks and commands open their own block. Context variables carry
it to the audit signal handlers without threading it through every call.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class ChangeContext:
    actor: Any = None
    actor_label: str = ""
    request_id: str = ""
    client_ip: str | None = None
    source: str = "system"  # web, api, task, command, import, demo, agent…
    extra: dict = field(default_factory=dict)


_current: ContextVar[ChangeContext] = ContextVar("caducee_change_context", default=ChangeContext())  # noqa: B039 - frozen


def current() -> ChangeContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def change_context(**changes: Any) -> Iterator[ChangeContext]:
    """Open a context whose fields override the enclosing one."""
    ctx = replace(_current.get(), **changes)
    if not ctx.request_id:
        ctx = replace(ctx, request_id=new_request_id())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def acting_as(actor: Any, *, source: str | None = None) -> Iterator[ChangeContext]:
    """Mark every change inside the block as done by ``actor``."""
    label = str(actor) if actor is not None else ""
    changes: dict[str, Any] = {"actor": actor, "actor_label": label}
    if source:
        changes["source"] = source
    with change_context(**changes) as ctx:
        yield ctx
