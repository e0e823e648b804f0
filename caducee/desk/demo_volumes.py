"""Volumes and bulk writing for the desk's demo history (``demo_history``).

When calls come (rule: DESIGN.md "Scale", 6,000 calls a month, growing):
the weight of each hour of the ten years is growth × season × weekday (or
public holiday) × hour of the day, in the hospital's local time; ticket
creation instants are drawn from those weights (``slots``). How rows are
written: ``Writer`` sends plain tuples — ``executemany`` batches on SQLite,
``COPY`` on PostgreSQL, where a statement per row took twice as long — with
no model instance and no ``pre_save``: ``created_at`` keeps the drawn
instant, where ``bulk_create`` would stamp ``auto_now_add`` fields with
today (and build 750,000 instances).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
BATCH = 2_000
SEASON = (1.05, 1.0, 1.05, 1.0, 0.95, 1.0, 0.85, 0.7, 1.12, 1.1, 1.05, 0.85)
WEEKDAY = (1.3, 1.12, 1.05, 1.05, 0.95, 0.28, 0.22)
HOLIDAY = 0.25
HOURS = (
    0.12,
    0.1,
    0.08,
    0.08,
    0.08,
    0.1,
    0.25,
    0.7,  # 0–7 h
    1.5,
    1.7,
    1.6,
    1.35,
    0.8,
    0.9,
    1.4,
    1.45,  # 8–15 h
    1.3,
    0.95,
    0.6,
    0.4,
    0.3,
    0.25,
    0.2,
    0.15,  # 16–23 h
)


#: The mix of the history (``demo_history``).
KINDS = (("incident", 0.62), ("request", 0.375), ("problem", 0.005))
PRIORITIES = {  # P1…P5
    "incident": (0.013, 0.08, 0.40, 0.38, 0.127),
    "request": (0.0, 0.02, 0.28, 0.55, 0.15),
    "problem": (0.0, 0.3, 0.5, 0.2, 0.0),
}
CHANNELS = {  # before and after the portal took off (2021)
    "incident": (
        ("phone", "portal", "email", "monitoring", "api"),
        (0.58, 0.1, 0.17, 0.12, 0.03),
        (0.45, 0.23, 0.15, 0.13, 0.04),
    ),
    "request": (
        ("portal", "email", "phone", "api"),
        (0.35, 0.3, 0.33, 0.02),
        (0.6, 0.2, 0.17, 0.03),
    ),
    "problem": (("api",), (1.0,), (1.0,)),
}
BREACH = {1: 0.14, 2: 0.12, 3: 0.1, 4: 0.09, 5: 0.08}
RESOLUTIONS = {
    "incident": ("fixed", "fixed", "fixed", "workaround", "no_fault", "information"),
    "request": ("fulfilled", "fulfilled", "fulfilled", "information", "refused"),
    "problem": ("fixed",),
}
OPEN_MIX = (
    ("assigned", 0.25),
    ("in_progress", 0.45),
    ("waiting_requester", 0.12),
    ("waiting_vendor", 0.1),
    ("waiting_change", 0.08),
)


def slots(start: int, end: int) -> tuple[list[int], list[float]]:
    """Every hour of the span (UTC epoch) and its cumulated weight."""
    from caducee.sla.public_holidays import french_holidays

    first_year = dt.datetime.fromtimestamp(start, UTC).year
    years = range(first_year, dt.datetime.fromtimestamp(end, UTC).year + 1)
    holidays = french_holidays("metropole", years) if _region_known("metropole") else set()
    span = max(end - start, 1)
    starts, cum, total = [], [], 0.0
    hour = start - start % 3600
    while hour < end:
        local = dt.datetime.fromtimestamp(hour, PARIS)
        day = local.weekday()
        growth = 0.75 + 0.5 * (hour - start) / span
        weight = growth * SEASON[local.month - 1] * HOURS[local.hour]
        if day >= 5:
            weight = growth * SEASON[local.month - 1] * (0.4 * HOURS[local.hour] + 0.45)
        weight *= HOLIDAY if local.date() in holidays else WEEKDAY[day]
        total += weight
        starts.append(hour)
        cum.append(total)
        hour += 3600
    return starts, cum


def _region_known(region: str) -> bool:
    from caducee.sla.public_holidays import SUBDIVISIONS

    return region in SUBDIVISIONS


def year_starts(start: int, end: int) -> tuple[list[int], list[int]]:
    """Epoch of each local 1 January in the span, and the year."""
    first = dt.datetime.fromtimestamp(start, PARIS).year
    last = dt.datetime.fromtimestamp(end, PARIS).year
    years = list(range(first, last + 1))
    return [int(dt.datetime(y, 1, 1, tzinfo=PARIS).timestamp()) for y in years], years


def cum(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class Writer:
    """Multi-row inserts of plain tuples: the columns of a model, its defaults."""

    def __init__(self, model: Any, *, with_id: bool) -> None:
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.model = model
        self.names = [f.attname for f in fields]
        self.defaults = {f.attname: self._default(f) for f in fields}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(model._meta.db_table)
        # Identifiers from the model's meta, quoted; values are parameters.
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.rows: list[tuple] = []
        self.count = 0

    @staticmethod
    def _default(field: Any) -> Any:
        if field.primary_key:
            return None
        value = field.get_default()
        return value

    def add(self, values: dict[str, Any]) -> None:
        defaults = self.defaults
        self.rows.append(tuple(values.get(n, defaults[n]) for n in self.names))

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: one stream instead of a statement per row (twice as fast).
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for i in range(0, len(self.rows), BATCH):
                    cursor.executemany(self.sql, self.rows[i : i + BATCH])
        self.count += len(self.rows)
        self.rows = []


def instant_adapter() -> Callable[[float | None], Any]:
    """Epoch seconds → what the backend stores (SQLite: naive UTC text)."""
    if connection.vendor == "sqlite":

        def to_db(t):
            if t is None:
                return None
            return str(dt.datetime.fromtimestamp(int(t), UTC).replace(tzinfo=None))

        return to_db

    def to_aware(t):
        return None if t is None else dt.datetime.fromtimestamp(int(t), UTC)

    return to_aware


REPLY = "Bonjour, nous prenons en charge votre demande."
NOTE = "Diagnostic et intervention, voir l'historique de l'équipement."
SOLVED = "Le nécessaire a été fait ; n'hésitez pas à nous rappeler si besoin."


def comment_rows(rng: Any, t: dict, author: int | None, now: float, to_db: Callable) -> list[dict]:
    """A historical ticket's comments: the public reply at its first response,
    an internal note with time spent for half of them, the resolution reply."""
    rows = []
    base = {"ticket_id": t["id"], "author_id": author}
    first = t.get("first_response_at")
    if first:
        rows.append(
            {
                **base,
                "visibility": "public",
                "body": REPLY,
                "time_spent": 0,
                "created_at": to_db(first),
                "updated_at": to_db(first),
            }
        )
        end = t.get("resolved_at") or now
        if rng.random() < 0.5 and end > first:
            when = rng.uniform(first, end)
            rows.append(
                {
                    **base,
                    "visibility": "internal",
                    "body": NOTE,
                    "time_spent": rng.choice((10, 15, 20, 30, 45, 60, 90)),
                    "created_at": to_db(when),
                    "updated_at": to_db(when),
                }
            )
    if t.get("resolved_at"):
        when = t["resolved_at"]
        rows.append(
            {
                **base,
                "visibility": "public",
                "body": SOLVED,
                "time_spent": 5,
                "created_at": to_db(when),
                "updated_at": to_db(when),
            }
        )
    return rows
