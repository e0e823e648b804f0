"""Human ticket numbers: INC-2026-000123, one sequence per kind and year.

Rule: see ``caducee.desk.models.numbering``. Two agents recording calls at
the same second must never get the same number, on either database:

* the counter row of (kind, year) is read ``SELECT … FOR UPDATE`` and
  incremented inside the caller's transaction, so a second transaction waits
  for the first to commit (PostgreSQL row lock) — on SQLite, where
  ``FOR UPDATE`` does not exist, our settings open every transaction
  ``IMMEDIATE``, which takes the database's write lock up front and
  serialises writers the same way;
* the first number of a year creates the row; two transactions racing to
  create it both try, the unique constraint (kind, year) lets one win and
  the other, inside a savepoint, falls back to locking the winner's row.

Where the database returns rows from an UPDATE (PostgreSQL, SQLite 3.35+),
the lock and the increment are one statement, ``UPDATE … SET last = last +
1 … RETURNING last``: the row lock it takes is the one ``FOR UPDATE`` took,
and a creation saves a round trip.

Because the increment belongs to the ticket's transaction, a ticket that
fails to save gives its number back. Numbers keep six digits and grow past
them rather than wrap (a GHT records about 72,000 tickets a year).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from caducee.desk.models import NUMBER_PREFIXES, TicketCounter

DIGITS = 6


def format_number(kind: str, year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIXES[kind]}-{year}-{sequence:0{DIGITS}d}"


def current_year() -> int:
    """The year in the GHT's time zone: a call at 00:30 on 1 January in
    Paris is numbered in the new year, though it is still 31 December UTC."""
    return timezone.localdate().year


def _locked_counter(kind: str, year: int) -> TicketCounter:
    counter = TicketCounter.objects.select_for_update().filter(kind=kind, year=year).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            TicketCounter.objects.create(kind=kind, year=year, last=0)
    except IntegrityError:
        pass  # another transaction created it first: lock theirs
    return TicketCounter.objects.select_for_update().get(kind=kind, year=year)


def _increment(kind: str, year: int) -> int | None:
    """The counter incremented in one statement, or None if it has no row."""
    quote = connection.ops.quote_name
    meta = TicketCounter._meta
    last, kind_column, year_column = (
        quote(meta.get_field(name).column) for name in ("last", "kind", "year")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {last} = {last} + 1 "  # noqa: S608 - our names
            f"WHERE {kind_column} = %s AND {year_column} = %s RETURNING {last}",
            [kind, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def next_number(kind: str, year: int | None = None) -> str:
    """Take the next number of ``kind`` in ``year`` (default: this year)."""
    if kind not in NUMBER_PREFIXES:
        raise ValueError(f"unknown ticket kind {kind!r}")
    year = year or current_year()
    with transaction.atomic(savepoint=False):  # nothing here to roll back alone
        # RETURNING came to SQLite's INSERT and UPDATE together (3.35).
        if connection.features.can_return_columns_from_insert:
            last = _increment(kind, year)
            if last is None:
                _locked_counter(kind, year)  # creates the row (or waits for its creator)
                last = _increment(kind, year)
        else:
            counter = _locked_counter(kind, year)
            counter.last += 1
            counter.save(update_fields=["last"])
            last = counter.last
    return format_number(kind, year, last)
