"""Run a bulk import in chunks: check every row, then save, in short transactions.

Rule (issue "CMDB" point 6): a preview saves nothing; a real import is
all-or-nothing unless the user asks for "valid rows only"; 25,000 rows must
import in well under a minute. ``caducee.core.imports`` runs an import row by
row through the model form and the services — right for a few hundred
organisation records, too slow here — so the CMDB importers work a chunk of
rows at a time: one query for the existing records of the chunk, lookups in
dictionaries, ``bulk_create``/``bulk_update`` and one audit event per record.

Why two passes. Every audited write takes the head of the audit chain, so one
transaction around 25,000 rows would hold every other writer of the platform
(and, on SQLite, every page that saves its session) for its whole length.
Instead, an all-or-nothing import first *checks* every row without writing
(the preview is exactly this pass), and only when no row has an error does it
*save*, chunk by chunk, each chunk in its own short transaction. A chunk is
saved as checked when what its check read from the database did not change
meanwhile (one query compares, see ``Importer.fingerprint``); otherwise it is
checked again, and if a row now fails, that chunk is rolled back and the
import stops, saying how many rows were saved: importing the file again
finishes it, since rows already saved are found again by their natural keys.
"Valid rows only" needs no first pass: each chunk saves its valid rows.

An importer (``ItemImporter``, ``RelationImporter``) says how to check a chunk
(``check_chunk`` → one ``RowOutcome`` per row, with what to save) and how to
save the checked rows (``write_chunk``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caducee.core import context
from caducee.core.imports import Column, Table, match_columns
from caducee.core.models.jobs import MAX_STORED_ERRORS

ACTIONS = ("create", "update", "unchanged", "error")
Rows = Sequence[tuple[int, dict[str, str]]]
Progress = Callable[[str, int], None]


@dataclass
class RowOutcome:
    row: int
    action: str  # create, update, unchanged, error
    errors: list[tuple[str, str]] = field(default_factory=list)
    label: str = ""
    #: What ``write_chunk`` saves (the importer's own object).
    plan: Any = None


@dataclass
class Outcome:
    total: int
    counts: Counter = field(default_factory=Counter)
    #: (row, column, message), the first ``MAX_STORED_ERRORS`` only.
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    committed: bool = False
    failed: bool = False
    message: str = ""

    def add(self, outcome: RowOutcome) -> None:
        self.counts[outcome.action] += 1
        for column, message in outcome.errors:
            if len(self.errors) < MAX_STORED_ERRORS:
                self.errors.append((outcome.row, column, message))

    @property
    def error_rows(self) -> int:
        return self.counts["error"]


class ChunkChanged(Exception):
    """A row checked good failed when saved: the data changed meanwhile."""


class Importer:
    """One kind of bulk import (see module docstring)."""

    kind: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()

    def __init__(self, user: Any, headers: Iterable[str]):
        self.user = user
        self.found = match_columns(self.columns, headers)
        self.ignored = [h for h in headers if h and h not in self.found.values()]

    #: Set by ``check_chunk``: what the chunk's rows read from the database
    #: (see ``fingerprint``); None when the importer keeps no fingerprint.
    last_fingerprint: Any = None

    def begin_pass(self) -> None:
        """Forget the keys met in the file (before a first pass)."""

    def check_chunk(self, rows: Rows) -> list[RowOutcome]:
        raise NotImplementedError

    def fingerprint(self, rows: Rows) -> Any:
        """What the rows' check read from the database, re-read now (cheaply).

        Equal to the ``last_fingerprint`` left by their check, nothing they
        depend on changed and the checked outcomes can be saved as they are;
        None means "check again".
        """
        return None

    def write_chunk(self, outcomes: list[RowOutcome]) -> None:
        raise NotImplementedError

    # Helpers for the importers.
    def has(self, name: str) -> bool:
        return name in self.found

    def cell(self, cells: dict[str, str], name: str) -> str:
        header = self.found.get(name)
        return (cells.get(header) or "").strip() if header else ""

    def header(self, name: str) -> str:
        """The file's header for a column, else its label (a column the file lacks)."""
        if name in self.found:
            return self.found[name]
        for column in self.columns:
            if column.name == name:
                return str(column.label)
        return ""


def chunks(rows: Rows, size: int) -> Iterable[Rows]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def run_bulk_import(
    importer: Importer,
    table: Table,
    *,
    dry_run: bool,
    valid_only: bool,
    chunk_rows: int = 1000,
    progress: Progress | None = None,
) -> Outcome:
    report = progress or (lambda phase, done: None)
    rows = table.rows
    with context.acting_as(importer.user, source="import"):
        importer.begin_pass()
        kept: list[tuple[Any, list[RowOutcome]]] | None = None
        if dry_run or not valid_only:
            kept = [] if not dry_run else None
            checked = _check_pass(importer, rows, chunk_rows, report, kept)
            if dry_run:
                return checked
            if checked.error_rows:
                checked.message = ngettext(
                    "Nothing was saved: %(n)s row has errors.",
                    "Nothing was saved: %(n)s rows have errors.",
                    checked.error_rows,
                ) % {"n": checked.error_rows}
                return checked
        return _write_pass(importer, rows, chunk_rows, report, kept)


def _check_pass(
    importer: Importer, rows: Rows, size: int, report: Progress, kept: list | None
) -> Outcome:
    outcome = Outcome(total=len(rows))
    done = 0
    for chunk in chunks(rows, size):
        checked = importer.check_chunk(chunk)
        for row in checked:
            outcome.add(row)
        if kept is not None:
            kept.append((importer.last_fingerprint, checked))
        done += len(chunk)
        report("check", done)
    return outcome


def _write_pass(
    importer: Importer, rows: Rows, size: int, report: Progress, kept: list | None
) -> Outcome:
    """Save chunk by chunk. After a first pass (``kept``: its fingerprints and
    outcomes), a chunk whose data did not change meanwhile is saved as
    checked; the others are checked again, and an error then stops the import.
    The keys met in the file are kept from the first pass, so a row checked
    again is not taken for a duplicate of itself."""
    strict = kept is not None
    outcome = Outcome(total=len(rows))
    done = 0
    for index, chunk in enumerate(chunks(rows, size)):
        try:
            with transaction.atomic():
                checked = None
                if kept is not None:
                    fingerprint, outcomes = kept[index]
                    if fingerprint is not None and importer.fingerprint(chunk) == fingerprint:
                        checked = outcomes
                    kept[index] = (None, [])  # what is saved need not be kept
                if checked is None:
                    checked = importer.check_chunk(chunk)
                failed = [row for row in checked if row.action == "error"]
                if strict and failed:
                    raise ChunkChanged(failed)
                importer.write_chunk([row for row in checked if row.action != "error"])
        except ChunkChanged as exc:
            for row in exc.args[0]:
                outcome.add(row)
            outcome.failed = True
            outcome.message = _(
                "The data changed while importing: row %(row)s no longer passes. "
                "%(saved)s rows were saved before it; import the file again to finish "
                "(rows already saved are found again and left unchanged)."
            ) % {"row": exc.args[0][0].row, "saved": done}
            outcome.committed = done > 0
            return outcome
        for row in checked:
            outcome.add(row)
        done += len(chunk)
        report("write", done)
    outcome.committed = True
    return outcome
