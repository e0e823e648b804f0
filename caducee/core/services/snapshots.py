"""Small, read-mostly data kept in each process, fresh across processes.

Rule (STYLE.md principle 10; issue "Service desk core", performance): every
ticket written reads the same configuration — the priority matrix, the
categories, the routing rules, the SLA policies and calendars, the roles of
the account doing it. Read from the database each time, that is a dozen
queries and a few hundred model instances per write, for data that changes
a few times a month. A ``Snapshot`` loads it once per process and keeps it
while it is current.

Freshness across processes (web nodes, task workers) works as for the CMDB's
impact graph: the value is tagged with a version token read from the Django
cache (Redis in production, files in the embedded set-up) *before* loading;
each use compares the shared token with the value's (one cheap read).
``invalidate()`` publishes a new random token once the writing transaction
commits, so no process keeps a value read before the change was visible.
Random tokens (not counters) make a lost or restarted cache cost a reload,
never a stale match. A stale value would be a wrong deadline or a wrong
permission, so every channel that writes the data invalidates: model
signals (``watch``) for saves, deletes and many-to-many changes, and an
explicit ``invalidate()`` from code that writes with ``bulk_create``,
``QuerySet.update()`` or raw SQL (``invalidate_all`` after a demo load).

A request reads the tokens once (at the first use, all of them in one cache
call; ``request_started`` and ``request_finished`` bound the memo): one
request sees one version of the configuration throughout, and a write that
asks for the roles, the policies and the calendars a dozen times pays one
cache read in all. A change this
process publishes clears its own memo at once.

Inside a transaction that changed the data and has not committed, the value
is private to that transaction: loaded from what it sees, kept on its
connection only until its next change to the data (or a savepoint rolled
back), and never shared — the change may still be rolled back. Tests run in
rolled-back transactions, so they always see their own data.

What a snapshot holds must be treated as read-only by its users: the
helpers that hand out model instances (``rows`` / ``materialise``) build a
fresh instance for each call from stored column values, so a caller may
change or save what it receives without touching the shared copy.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_registry: dict[str, Snapshot[Any]] = {}

#: The tokens read by the request this thread serves (None: not serving one).
_memo = threading.local()


def _request_started(**kwargs: Any) -> None:
    _memo.tokens = {}


def _request_finished(**kwargs: Any) -> None:
    _memo.tokens = None


request_started.connect(_request_started, dispatch_uid="caducee_snapshot_tokens_start")
request_finished.connect(_request_finished, dispatch_uid="caducee_snapshot_tokens_end")


def _read_tokens(tokens: dict[str, str | None]) -> None:
    """Read every snapshot's token this request has not read yet, in one
    cache call: a ticket written uses them all, and with Redis one round
    trip costs what four would."""
    keys = [snapshot.key for snapshot in _registry.values() if snapshot.key not in tokens]
    found = cache.get_many(keys)
    for key in keys:
        tokens[key] = found.get(key)


class Snapshot(Generic[T]):
    """``load()``'s value, kept per process while the shared token holds.

    ``extra``: a value that must also be unchanged for the kept value to be
    used (the CMDB graph reloads when the day changes)."""

    def __init__(
        self,
        name: str,
        load: Callable[[], T],
        *,
        key: str | None = None,
        extra: Callable[[], Hashable] | None = None,
    ) -> None:
        if name in _registry:
            raise ValueError(f"snapshot {name!r} is already defined")
        self.name = name
        self.key = key or f"caducee:snapshot:{name}:version"
        self._load = load
        self._extra = extra
        self._lock = threading.Lock()
        self._kept: tuple[str, Hashable, T] | None = None
        # One bound method, so the on-commit list can be searched for it.
        self._publish_hook = self._publish
        self._mark = f"_caducee_snapshot_{name}"
        self._private = f"_caducee_snapshot_{name}_value"
        _registry[name] = self

    # --- versioning ---------------------------------------------------------------
    def _publish(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)
        tokens = getattr(_memo, "tokens", None)
        if tokens is not None:
            tokens.pop(self.key, None)

    def token(self) -> str:
        tokens = getattr(_memo, "tokens", None)
        if tokens is not None:
            if self.key not in tokens:
                _read_tokens(tokens)
            if tokens.get(self.key) is not None:
                return tokens[self.key]
        token = cache.get(self.key)
        if token is None:
            # First use, or evicted: agree on a new token. A cache that keeps
            # nothing (dummy) gives a new token each time: always reload.
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            token = cache.get(self.key) or uuid.uuid4().hex
        if tokens is not None:
            tokens[self.key] = token
        return token

    def pending(self, using: str | None = None) -> bool:
        """Whether the open transaction changed the data (not yet committed).

        Django replaces ``run_on_commit`` by a new list on commit, on
        rollback and when a savepoint is rolled back; remembering the list
        our hook went into tells whether it is still waiting."""
        connection = transaction.get_connection(using)
        if not connection.in_atomic_block:
            return False
        hooks = connection.run_on_commit
        if getattr(connection, self._mark, None) is hooks:
            return True
        # A savepoint rollback rebuilt the list, keeping hooks from outside it.
        if any(entry[1] is self._publish_hook for entry in hooks):
            setattr(connection, self._mark, hooks)
            return True
        return False

    def invalidate(self, using: str | None = None) -> None:
        """Tell every process the data changed, once the transaction commits.
        Cheap and idempotent within a transaction."""
        connection = transaction.get_connection(using)
        if not connection.in_atomic_block:
            self._publish()
            return
        setattr(connection, self._private, None)  # this transaction's view changed too
        if self.pending(using):
            return
        connection.on_commit(self._publish_hook)
        setattr(connection, self._mark, connection.run_on_commit)

    # --- reading ------------------------------------------------------------------
    def get(self) -> T:
        """The current value: kept per process, reloaded when the shared
        token (or ``extra``) changed; inside a transaction that changed it,
        the transaction's own (see the module docstring)."""
        if self.pending():
            connection = transaction.get_connection()
            private = getattr(connection, self._private, None)
            if private is not None and private[0] is connection.run_on_commit:
                return private[1]
            value = self._load()
            setattr(connection, self._private, (connection.run_on_commit, value))
            return value
        extra = self._extra() if self._extra is not None else None
        token = self.token()
        kept = self._kept
        if kept is not None and kept[0] == token and kept[1] == extra:
            return kept[2]
        with self._lock:
            kept = self._kept
            if kept is not None and kept[0] == token and kept[1] == extra:
                return kept[2]
            # The token was read before loading: a change committed meanwhile
            # publishes a newer token, so this value is replaced at next use.
            value = self._load()
            self._kept = (token, extra, value)
        return value

    def kept(self) -> T | None:
        """The value this process keeps, whatever its freshness (tests, stats)."""
        return self._kept[2] if self._kept is not None else None

    def drop_local(self) -> None:
        """Forget this process's value (the next use reloads it)."""
        with self._lock:
            self._kept = None

    # --- invalidation by signals --------------------------------------------------
    def watch(
        self,
        *senders: type[models.Model],
        fields: dict[type[models.Model], Sequence[str]] | None = None,
        m2m: Iterable[Any] = (),
    ) -> None:
        """Invalidate on every save and delete of ``senders``; for a model
        named in ``fields``, only when one of those attributes changed (as
        kept by ``AuditedMixin``: an account's login must not reload every
        role). ``m2m``: many-to-many ``through`` models whose changes count."""
        fields = fields or {}
        for sender in (*senders, *fields):
            watched = tuple(fields.get(sender, ()))
            post_save.connect(
                self._saved(watched),
                sender=sender,
                weak=False,
                dispatch_uid=f"snapshot:{self.name}:{sender._meta.label}:saved",
            )
            post_delete.connect(
                self._changed_signal,
                sender=sender,
                weak=False,
                dispatch_uid=f"snapshot:{self.name}:{sender._meta.label}:deleted",
            )
        for through in m2m:
            m2m_changed.connect(
                self._m2m_signal,
                sender=through,
                weak=False,
                dispatch_uid=f"snapshot:{self.name}:{through._meta.label}:m2m",
            )

    def _saved(self, watched: tuple[str, ...]) -> Callable[..., None]:
        def receiver(sender, instance, created=False, **kwargs) -> None:
            if created or not watched or _changed(instance, watched):
                self.invalidate(kwargs.get("using"))

        return receiver

    def _changed_signal(self, sender, **kwargs) -> None:
        self.invalidate(kwargs.get("using"))

    def _m2m_signal(self, sender, action: str, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            self.invalidate(kwargs.get("using"))


def _changed(instance: models.Model, fields: tuple[str, ...]) -> bool:
    # ``AuditedMixin`` keeps the values as loaded (or last saved) in
    # ``_audit_loaded`` and refreshes it only after post_save has run.
    loaded = getattr(instance, "_audit_loaded", None)
    if loaded is None:
        return True  # saved without having been loaded: assume the worst
    return any(name not in loaded or loaded[name] != getattr(instance, name) for name in fields)


def invalidate_all(using: str | None = None) -> None:
    """Every snapshot is stale: after writes that bypass the model signals
    (the demo, imports in bulk)."""
    for snapshot in _registry.values():
        snapshot.invalidate(using)


def drop_all_local() -> None:
    """Forget every value kept by this process (tests start from here)."""
    for snapshot in _registry.values():
        snapshot.drop_local()


# --- Rows that become fresh instances -------------------------------------------------
class Rows:
    """Column values of some rows of ``model``, as stored in a snapshot, and
    fresh instances built from them on demand (``from_db``: what a query
    would have returned, with ``AuditedMixin``'s loaded values, minus the
    query). Columns left out (``exclude``) stay deferred: reading one on an
    instance loads it from the database, so volatile columns (a group's last
    assignee) are never served stale."""

    def __init__(
        self, model: type[models.Model], queryset: Any = None, *, exclude: Iterable[str] = ()
    ) -> None:
        skipped = set(exclude)
        self.model = model
        self.names = tuple(
            f.attname for f in model._meta.concrete_fields if f.attname not in skipped
        )
        queryset = model._default_manager.all() if queryset is None else queryset
        self.values: dict[Any, tuple[Any, ...]] = {}
        pk_index = self.names.index(model._meta.pk.attname)
        for row in queryset.values_list(*self.names):
            self.values[row[pk_index]] = row

    def __contains__(self, pk: Any) -> bool:
        return pk in self.values

    def __len__(self) -> int:
        return len(self.values)

    def value(self, pk: Any, name: str) -> Any:
        return self.values[pk][self.names.index(name)]

    def by_position(self) -> list[Any]:
        """Fresh instances of every row, by ``position`` then id (the order
        in which rules and policies are tried)."""
        order = sorted(self.values, key=lambda pk: (self.value(pk, "position"), pk))
        return [self.materialise(pk) for pk in order]

    def materialise(self, pk: Any) -> Any:
        """A new instance of the row ``pk`` (``KeyError`` if absent)."""
        return self.model.from_db("default", list(self.names), self.values[pk])


def attach(instance: models.Model, name: str, related: models.Model | None) -> None:
    """Set ``related`` as the loaded value of the foreign key ``name`` of
    ``instance`` (as ``select_related`` would), without marking a change."""
    instance._meta.get_field(name).set_cached_value(instance, related)
