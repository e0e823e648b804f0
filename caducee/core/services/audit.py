"""Write and verify the hash-chained audit trail.

See ``caducee.core.models.audit`` for the rule. Appending takes the chain
head row ``FOR UPDATE`` (PostgreSQL) or relies on SQLite's IMMEDIATE write
lock, so two transactions never link to the same previous event; the event
is written in the caller's transaction and vanishes with it on rollback.

Each append costs a read of the chain head and its update besides the
insert (on PostgreSQL the update rides on the insert's statement), so a
service that writes several events at once (a ticket recorded: its
creation, items, clocks, routing) gathers them: ``record_events`` appends a
list of business events in one go, and ``batch()`` defers every event
recorded inside it — object saves included — to one append when the block
ends. The events, their order and their content are those that one append
each would have written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from caducee.core import context
from caducee.core.models.audit import AuditChainHead, AuditEvent

GENESIS = "0" * 64
SECRET_MARK = "********"  # noqa: S105 - the mask shown instead
HASHED_FIELDS = (
    "seq",
    "timestamp",
    "actor_id",
    "actor_label",
    "action",
    "event",
    "object_type",
    "object_id",
    "object_repr",
    "establishment_id",
    "changes",
    "data",
    "request_id",
    "client_ip",
    "source",
    "prev_hash",
)


# --- serialisation ---------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Turn a field value into a JSON value that survives a database round trip."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return str(value)


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def event_fields(event: AuditEvent) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    values["timestamp"] = to_jsonable(values["timestamp"])
    values["client_ip"] = values["client_ip"] or None
    return values


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event_fields(event))).hexdigest()


# --- snapshots of model instances -------------------------------------------


def object_type(instance_or_model: Any) -> str:
    meta = instance_or_model._meta
    return f"{meta.app_label}.{meta.model_name}"


def recorded_fields(model: type[models.Model] | models.Model) -> list[models.Field]:
    """The columns an audit event records: generated columns are derived from
    the others (and reading one before a reload would cost a query)."""
    return [f for f in model._meta.concrete_fields if not f.generated]


def snapshot(instance: models.Model) -> dict[str, Any]:
    secret = getattr(instance, "audit_secret_fields", frozenset())
    data: dict[str, Any] = {}
    for field in recorded_fields(instance):
        value = getattr(instance, field.attname)
        data[field.name] = SECRET_MARK if field.name in secret and value else to_jsonable(value)
    return data


def snapshot_loaded(instance: models.Model) -> dict[str, Any] | None:
    loaded = getattr(instance, "_audit_loaded", None)
    if loaded is None:
        return None
    secret = getattr(instance, "audit_secret_fields", frozenset())
    data: dict[str, Any] = {}
    for field in recorded_fields(instance):
        if field.attname not in loaded:
            continue
        value = loaded[field.attname]
        data[field.name] = SECRET_MARK if field.name in secret and value else to_jsonable(value)
    return data


def diff(before: dict[str, Any], after: dict[str, Any], ignore: Iterable[str]) -> dict:
    ignored = set(ignore)
    changes = {}
    for name, new in after.items():
        if name in ignored or name not in before:
            continue
        if before[name] != new:
            changes[name] = [before[name], new]
    return changes


def _establishment_of(instance: Any) -> int | None:
    getter = getattr(instance, "audit_establishment_id", None)
    try:
        return getter() if getter else None
    except Exception:  # a half-deleted relation must never block the trail
        return None


# --- appending ---------------------------------------------------------------

#: The events a ``batch()`` block has recorded and not yet appended.
_batched: ContextVar[list[AuditEvent] | None] = ContextVar("caducee_audit_batch", default=None)

#: Set by a service on an unsaved instance whose single insert also carries
#: a first change of it (a ticket recorded and assigned in one write): field
#: name → value before that change. The create event records those values;
#: the service records the change itself (``record_save(created=False)``).
INITIAL_VALUES = "_audit_initial_values"


def _lock_head() -> tuple[int, str]:
    """The chain's last ``seq`` and hash, its row locked until commit."""
    connection = transaction.get_connection()
    sql = f"SELECT seq, hash FROM {_head_table()} WHERE id = 1"  # noqa: S608 - our table
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:
        head, _ = AuditChainHead.objects.get_or_create(pk=1)
        return head.seq, head.hash
    return row[0], row[1]


def _build(
    *,
    action: str,
    event: str = "",
    instance: Any = None,
    obj_type: str = "",
    obj_id: str = "",
    obj_repr: str = "",
    establishment_id: int | None = None,
    changes: dict | None = None,
    data: dict | None = None,
    when: dt.datetime | None = None,
) -> AuditEvent:
    ctx = context.current()
    actor = ctx.actor
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if instance is not None:
        obj_type = obj_type or object_type(instance)
        obj_id = obj_id or str(instance.pk)
        obj_repr = obj_repr or str(instance)[:300]
        if establishment_id is None:
            establishment_id = _establishment_of(instance)
    return AuditEvent(
        timestamp=when or timezone.now(),
        actor_id=actor_id,
        actor_label=(ctx.actor_label or (str(actor) if actor is not None else ""))[:200],
        action=action,
        event=event,
        object_type=obj_type,
        object_id=str(obj_id),
        object_repr=obj_repr[:300],
        establishment_id=establishment_id,
        changes=to_jsonable(changes or {}),
        data=to_jsonable(data or {}),
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
        source=ctx.source,
    )


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Append every event recorded inside the block in one go when it ends.

    Open it inside the transaction that writes (``with transaction.atomic(),
    audit.batch():``) so the events commit or vanish with the changes. An
    exception discards them (the transaction is rolled back). Inside a
    batch, the events returned by the ``record_*`` functions are not saved
    yet (no ``seq`` nor ``pk``). A nested batch joins the outer one and,
    like the savepoint it is opened with, drops its own events when an
    error leaves it; code that catches an error raised after an event was
    recorded, without a batch (and savepoint) around the failing part, must
    not run inside a batch.
    """
    pending = _batched.get()
    if pending is not None:
        mark = len(pending)
        try:
            yield
        except BaseException:
            del pending[mark:]
            raise
        return
    events: list[AuditEvent] = []
    token = _batched.set(events)
    try:
        yield
    finally:
        _batched.reset(token)
    _write(events)


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    pending = _batched.get()
    if pending is not None:
        pending.extend(events)
        return events
    return _write(events)


def _write(events: list[AuditEvent]) -> list[AuditEvent]:
    if not events:
        return events
    # No savepoint of its own: a trail that cannot be written fails the change.
    with transaction.atomic(savepoint=False):
        seq, prev = _lock_head()
        for event in events:
            seq += 1
            event.seq = seq
            event.prev_hash = prev
            event.hash = compute_hash(event)
            prev = event.hash
        _insert(events, head=(seq, prev))
    return events


#: Rows per INSERT statement (17 parameters each: within SQLite's limit).
INSERT_ROWS = 500


def _head_table() -> str:
    return transaction.get_connection().ops.quote_name(AuditChainHead._meta.db_table)


@functools.cache
def _fields() -> tuple[models.Field, ...]:
    """The event columns an append writes (all but the id)."""
    return tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)


def _insert(events: list[AuditEvent], *, head: tuple[int, str]) -> None:
    """Insert the events and move the chain head, in as few statements as
    the database allows: on PostgreSQL one, the head's update riding on the
    insert as a data-modifying ``WITH`` (an append already costs the head's
    read; each statement more is a round trip on every ticket written).

    Written in SQL rather than with ``bulk_create``: the ORM's insert
    compiler and PostgreSQL's ``UNNEST`` arrays took about as long as the
    database did, for a statement whose shape never changes. The values go
    through each field's own ``get_db_prep_save``, as the ORM would send them.
    """
    connection = transaction.get_connection()
    fields = _fields()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = connection.features.can_return_rows_from_bulk_insert
    head_sql = f"UPDATE {_head_table()} SET seq = %s, hash = %s WHERE id = 1"  # noqa: S608
    chunks = [events[i : i + INSERT_ROWS] for i in range(0, len(events), INSERT_ROWS)]
    with connection.cursor() as cursor:
        for number, chunk in enumerate(chunks):
            params = [
                field.get_db_prep_save(getattr(event, field.attname), connection)
                for event in chunk
                for field in fields
            ]
            values = ", ".join([marks] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 - our columns
            last = number == len(chunks) - 1
            if last and connection.vendor == "postgresql":
                sql = f"WITH added AS ({sql} RETURNING id), head AS ({head_sql}) "
                sql += "SELECT id FROM added ORDER BY id"
                params += list(head)
            elif returning:
                sql += " RETURNING id"
            cursor.execute(sql, params)
            if returning:
                ids = sorted(row[0] for row in cursor.fetchall())
                for event, pk in zip(chunk, ids, strict=True):
                    event.pk = event.id = pk
                    event._state.adding = False
                    event._state.db = connection.alias
        if connection.vendor != "postgresql":
            cursor.execute(head_sql, list(head))


def record_save(instance: Any, *, before: dict | None, created: bool) -> AuditEvent | None:
    after = snapshot(instance)
    if created:
        initial = instance.__dict__.pop(INITIAL_VALUES, None)  # for this insert only
        if initial:
            after.update({name: to_jsonable(value) for name, value in initial.items()})
        return _append(
            [
                _build(
                    action=AuditEvent.Action.CREATE,
                    instance=instance,
                    changes={k: [None, v] for k, v in after.items()},
                )
            ]
        )[0]
    if before is None:
        # Saved from an instance not loaded from the database: compare with the row.
        return _append(
            [
                _build(
                    action=AuditEvent.Action.UPDATE,
                    instance=instance,
                    changes={k: [None, v] for k, v in after.items()},
                    data={"unknown_before": True},
                )
            ]
        )[0]
    changes = diff(before, after, getattr(instance, "audit_ignore_fields", ()))
    if not changes:
        return None
    return _append([_build(action=AuditEvent.Action.UPDATE, instance=instance, changes=changes)])[0]


def record_delete(instance: Any) -> AuditEvent:
    before = snapshot(instance)
    return _append(
        [
            _build(
                action=AuditEvent.Action.DELETE,
                instance=instance,
                changes={k: [v, None] for k, v in before.items()},
            )
        ]
    )[0]


def _ordered(values: list) -> list:
    """Sort ids numerically (9 before 10) whatever their type mix."""
    return sorted(values, key=lambda v: (0, v, "") if isinstance(v, int) else (1, 0, str(v)))


def record_m2m(instance: Any, field_name: str, before: list, after: list) -> AuditEvent | None:
    before, after = _ordered(before), _ordered(after)
    if before == after:
        return None
    return _append(
        [
            _build(
                action=AuditEvent.Action.UPDATE,
                instance=instance,
                changes={field_name: [before, after]},
            )
        ]
    )[0]


def record_event(
    event: str,
    instance: Any = None,
    *,
    data: dict | None = None,
    establishment_id: int | None = None,
    obj_type: str = "",
    obj_id: str = "",
    obj_repr: str = "",
) -> AuditEvent:
    """Record a business event (login, SLA breached, CAB approved, access granted…)."""
    return _append(
        [
            _build(
                action=AuditEvent.Action.EVENT,
                event=event,
                instance=instance,
                data=data,
                establishment_id=establishment_id,
                obj_type=obj_type,
                obj_id=obj_id,
                obj_repr=obj_repr,
            )
        ]
    )[0]


def record_events(events: Iterable[tuple[str, Any, dict | None]]) -> list[AuditEvent]:
    """Record business events, each ``(event, instance, data)``, in one
    append: the same events as one ``record_event`` each, cheaper."""
    return _append(
        [
            _build(action=AuditEvent.Action.EVENT, event=name, instance=instance, data=data)
            for name, instance, data in events
        ]
    )


def record_bulk_creation(instances: Iterable[Any]) -> int:
    """Write one create event per instance already saved by ``bulk_create``."""
    events = [
        _build(
            action=AuditEvent.Action.CREATE,
            instance=obj,
            changes={k: [None, v] for k, v in snapshot(obj).items()},
        )
        for obj in instances
    ]
    _append(events)
    return len(events)


# --- verifying ---------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} events"
        return (
            f"audit chain broken at event #{self.first_bad_seq} (id {self.first_bad_id}): "
            f"{self.problem}"
        )


def _iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    last = -1
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain() -> VerifyResult:
    """Walk the whole chain and name the first event that does not hold."""
    prev_hash, expected_seq, checked, prev_time = GENESIS, 1, 0, None
    for event in _iter_events():
        if event.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                event.seq,
                event.pk,
                f"events #{expected_seq}…#{event.seq - 1} are missing (deleted)",
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                event.pk,
                "does not link to the previous event (inserted or reordered)",
            )
        if compute_hash(event) != event.hash:
            return VerifyResult(
                False, checked, event.seq, event.pk, "content does not match its hash (modified)"
            )
        if prev_time and event.timestamp < prev_time - dt.timedelta(seconds=5):
            return VerifyResult(
                False,
                checked,
                event.seq,
                event.pk,
                "timestamp earlier than the previous event (out of order)",
            )
        prev_hash, prev_time = event.hash, event.timestamp
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            expected_seq,
            None,
            f"chain ends at #{expected_seq - 1} but its head says #{head.seq} "
            "(events cut off the end)",
        )
    return VerifyResult(True, checked)
