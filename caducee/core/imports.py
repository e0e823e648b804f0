"""Import reference data from CSV or XLSX, previewed first, idempotent.

Rule: an import is a batch of ordinary changes. Each row is validated by the
model's form (so errors are field-level and reported as row, column, message),
matched to an existing record by its natural key (so importing the same file
twice changes nothing), and saved through the audited services of
``caducee.core.services.objects`` with the importing user as actor (STYLE.md
principle 5): the same permission, establishment and audit rules as the UI.
Every lookup of a related record starts from ``restrict()`` (principle 11), so
a record outside the user's scope is simply "not found".

A preview runs the real import inside a transaction and rolls it back, so it
reports exactly what would happen, rows that depend on earlier rows of the
same file included. A real import is all-or-nothing unless the user asks for
"valid rows only"; each row runs in its own savepoint either way.

Apps declare one ``ImportSpec`` per kind of record (see ``caducee.org.imports``).
Tens of thousands of rows (the CMDB's inventories) need a chunked, bulk
runner instead (``caducee.cmdb.imports.engine``); it reuses the reading, the
header matching (``match_columns``) and the templates (``csv_text``,
``xlsx_bytes``) from here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services import objects as object_services
from caducee.core.services.audit import recorded_fields
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can

EXTENSIONS = (".csv", ".xlsx")
TRUE_WORDS = {"1", "true", "yes", "y", "x", "oui", "o", "vrai"}
FALSE_WORDS = {"", "0", "false", "no", "n", "non", "faux"}


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (shown next to the file field)."""

    def __init__(self, message: str, *, field: str = "file"):
        super().__init__(message, field=field)


class CellError(Exception):
    """A cell's value cannot be used; reported on that cell's column."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Skip(Exception):
    """A cell cannot be checked because a column it depends on failed."""


def normalise_header(text: str) -> str:
    """Headers compare equal whatever their case, accents, spaces, punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain.lower().replace("°", "o"))


# --- Reading files ------------------------------------------------------------
@dataclass
class Table:
    headers: list[str]
    #: (spreadsheet row number, {header: value}); the header is row 1.
    rows: list[tuple[int, dict[str, str]]]


def read_table(name: str, data: bytes) -> Table:
    """Read a CSV or XLSX upload into text cells, or raise ImportFileError."""
    lower = (name or "").lower()
    if not lower.endswith(EXTENSIONS):
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not data:
        raise ImportFileError(_("The file is empty."))
    check_size(len(data))
    raw_rows = _xlsx_rows(data) if lower.endswith(".xlsx") else _csv_rows(data)
    if not raw_rows or not any(cell for cell in raw_rows[0]):
        raise ImportFileError(_("The first row must hold the column headers."))
    headers = [cell.strip() for cell in raw_rows[0]]
    rows = []
    for number, cells in enumerate(raw_rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines keep their number but are not rows
        padded = [*cells, *[""] * (len(headers) - len(cells))]
        rows.append((number, {h: padded[i].strip() for i, h in enumerate(headers) if h}))
    if not rows:
        raise ImportFileError(_("The file has headers but no data rows."))
    return Table(headers=headers, rows=rows)


def check_size(size: int) -> None:
    if size > settings.CADUCEE_IMPORT_MAX_BYTES:
        limit = settings.CADUCEE_IMPORT_MAX_BYTES // (1024 * 1024) or 1
        raise ImportFileError(_("The file is larger than %(mb)s MB.") % {"mb": limit})


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("This does not look like a CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    # openpyxl raises many kinds of exception on a damaged or foreign file.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(_("This file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        raise ImportFileError(_("This file is not a readable XLSX workbook.")) from exc
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# --- Declaring an import ------------------------------------------------------
Parser = Callable[["RowContext", str], Any]


@dataclass(frozen=True)
class Column:
    """A column: ``name`` is the form field it fills, or a helper value that
    later parsers read (e.g. the establishment FINESS that finds a site)."""

    name: str
    label: Any  # lazy translated text: the template's header
    aliases: tuple[str, ...] = ()  # French and English headers accepted
    required: bool = False  # the header must be present
    parse: Parser | None = None

    def accepted(self) -> set[str]:
        """Normalised headers that name this column: its name, its label in
        every language of the interface (a file made from the French template
        imports for an English-speaking user too), and its aliases."""
        labels = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels.append(str(self.label))
        return {normalise_header(h) for h in (self.name, *labels, *self.aliases)}

    def accepts(self, header: str) -> bool:
        return normalise_header(header) in self.accepted()


class RowContext:
    """What parsers see: the user, the values parsed so far, which failed."""

    def __init__(self, spec: ImportSpec, user: Any, cache: dict):
        self.spec, self.user, self.cache = spec, user, cache
        self.values: dict[str, Any] = {}
        self.failed: set[str] = set()

    def need(self, name: str) -> Any:
        if name in self.failed:
            raise Skip
        return self.values.get(name)

    def find(self, model: type[models.Model], not_found: str, **filters: Any) -> Any:
        """The pk of the one record in the user's scope matching ``filters``."""
        pks = list(
            model.objects.restrict(self.user, "view")
            .filter(**filters)
            .values_list("pk", flat=True)[:2]
        )
        if not pks:
            raise CellError(not_found)
        if len(pks) > 1:
            raise CellError(_("Several records match; be more specific."))
        return pks[0]


class ImportSpec:
    """One kind of import, declared by attributes (see module docstring)."""

    kind: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    form_class: ClassVar[type]
    columns: ClassVar[tuple[Column, ...]] = ()
    #: Natural keys tried in order; a name may carry a lookup ("email__iexact").
    keys: ClassVar[tuple[tuple[str, ...], ...]] = ()
    create_service = staticmethod(object_services.create_object)
    update_service = staticmethod(object_services.update_object)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def new_instance(self, ctx: RowContext) -> models.Model:
        return self.model()

    def natural_key(self, ctx: RowContext) -> dict[str, Any] | None:
        """The lookup of the first complete key; Skip if a key column failed."""
        for key in self.keys:
            names = [part.split("__")[0] for part in key]
            if any(name in ctx.failed for name in names):
                raise Skip
            values = [ctx.values.get(name) for name in names]
            if all(value not in (None, "") for value in values):
                return dict(zip(key, values, strict=True))
        return None

    def find_existing(self, ctx: RowContext, lookup: dict[str, Any]) -> models.Model | None:
        return self.model.objects.restrict(ctx.user, "view").filter(**lookup).first()

    def match_headers(self, headers: Iterable[str]) -> dict[str, str]:
        """{column name: header in the file}; a missing required one is an error."""
        return match_columns(self.columns, headers)

    def template_csv(self) -> str:
        return csv_text([[str(c.label) for c in self.columns]])


def match_columns(columns: Iterable[Column], headers: Iterable[str]) -> dict[str, str]:
    """{column name: header in the file}; a missing required column is an error."""
    columns = list(columns)
    accepted = [(column, column.accepted()) for column in columns]
    found: dict[str, str] = {}
    for header in headers:
        wanted = normalise_header(header)
        for column, names in accepted:
            if column.name not in found and wanted in names:
                found[column.name] = header
                break
    missing = [str(c.label) for c in columns if c.required and c.name not in found]
    if missing:
        raise ImportFileError(
            _("Missing column(s): %(names)s. Download the template to see the headers.")
            % {"names": ", ".join(f"“{name}”" for name in missing)}
        )
    return found


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as the CSV spreadsheets open best in France: UTF-8 with BOM, ``;``."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(rows: Iterable[Iterable[Any]], *, title: str = "Import") -> bytes:
    """Rows as a one-sheet XLSX workbook, the first row in bold (the headers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Running an import --------------------------------------------------------
@dataclass
class RowResult:
    row_number: int
    action: str  # create, update, unchanged, error
    errors: list[tuple[str, str]] = field(default_factory=list)
    label: str = ""


@dataclass
class ImportResult:
    rows: list[RowResult]
    dry_run: bool
    committed: bool
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {
            action: counted.get(action, 0) for action in ("create", "update", "unchanged", "error")
        }

    @property
    def has_errors(self) -> bool:
        return any(row.action == "error" for row in self.rows)


class _Rollback(Exception):
    pass


def run_import(
    spec: ImportSpec, table: Table, *, user: Any, dry_run: bool = True, valid_only: bool = False
) -> ImportResult:
    if not (can(user, spec.model, "add") or can(user, spec.model, "change")):
        raise PermissionDenied(
            _("You are not allowed to import %(kind)s.") % {"kind": spec.label}, field="kind"
        )
    found = spec.match_headers(table.headers)
    ignored = [h for h in table.headers if h and h not in found.values()]
    results: list[RowResult] = []
    cache: dict = {}
    committed = False
    with context.acting_as(user, source="import"):
        try:
            with transaction.atomic():
                for number, cells in table.rows:
                    results.append(_run_row(spec, user, cache, number, cells, found))
                failed = any(r.action == "error" for r in results)
                if dry_run or (failed and not valid_only):
                    raise _Rollback
                committed = True
        except _Rollback:
            pass
    return ImportResult(results, dry_run=dry_run, committed=committed, ignored_headers=ignored)


def _run_row(spec, user, cache, number, cells, found) -> RowResult:
    try:
        with transaction.atomic():  # a savepoint: a failed row leaves nothing behind
            result = _apply_row(spec, RowContext(spec, user, cache), number, cells, found)
            if result.action == "error":
                raise _Rollback
            return result
    except _Rollback:
        return result


def _apply_row(spec: ImportSpec, ctx: RowContext, number: int, cells, found) -> RowResult:
    errors: dict[str, list[str]] = {}
    for column in spec.columns:
        if column.name not in found:
            continue
        raw = cells.get(found[column.name], "")
        try:
            ctx.values[column.name] = _parse(spec, column, ctx, raw)
        except Skip:
            ctx.failed.add(column.name)
        except CellError as exc:
            ctx.failed.add(column.name)
            errors.setdefault(column.name, []).append(exc.message)

    try:
        lookup, key_known = spec.natural_key(ctx), True
    except Skip:
        lookup, key_known = None, False
    existing = spec.find_existing(ctx, lookup) if lookup else None
    instance = existing or spec.new_instance(ctx)
    form = _bound_form(spec, ctx, instance)
    before = _snapshot(instance)
    if not form.is_valid():
        for name, messages in form.errors.items():
            if name not in ctx.failed:
                errors.setdefault(name, []).extend(messages)
    if not errors and key_known and lookup is None and spec.keys:
        last = [k[-1].split("__")[0] for k in spec.keys]
        names = ", ".join(f"“{_header(spec, found, name)}”" for name in last)
        errors[last[-1]] = [
            _("Fill in one of %(names)s: it finds this record again on the next import.")
            % {"names": names}
        ]
    if errors:
        return RowResult(number, "error", _located(spec, found, errors))

    m2m = {
        f.name: list(form.cleaned_data[f.name])
        for f in spec.model._meta.many_to_many
        if f.name in form.cleaned_data and f.name in found
    }
    if instance.pk and before == _snapshot(instance) and not _m2m_changed(instance, m2m):
        return RowResult(number, "unchanged", label=str(instance))
    service = spec.update_service if instance.pk else spec.create_service
    action = "update" if instance.pk else "create"
    try:
        instance = service(instance, actor=ctx.user, m2m=m2m)
    except ValidationError as exc:
        detail = getattr(exc, "error_dict", {NON_FIELD_ERRORS: exc.error_list})
        located = {name: [m for e in errs for m in e.messages] for name, errs in detail.items()}
        return RowResult(number, "error", _located(spec, found, located))
    except DomainError as exc:
        return RowResult(number, "error", _located(spec, found, {exc.field or "": [exc.message]}))
    return RowResult(number, action, label=str(instance))


def _parse(spec: ImportSpec, column: Column, ctx: RowContext, raw: str) -> Any:
    if column.parse is not None:
        return column.parse(ctx, raw)
    try:
        model_field = spec.model._meta.get_field(column.name)
    except FieldDoesNotExist:  # a helper column without a parser: kept as text
        return raw
    if model_field.choices:
        wanted = normalise_header(raw)
        for value, label in model_field.flatchoices:
            with translation.override("en"):
                english = str(label)
            if wanted in {normalise_header(str(v)) for v in (value, label, english)}:
                return value
        if not raw:
            return "" if not model_field.null else None
        names = ", ".join(str(value) for value, _label in model_field.flatchoices)
        raise CellError(_("“%(value)s” is not one of: %(names)s.") % {"value": raw, "names": names})
    if isinstance(model_field, models.BooleanField):
        word = normalise_header(raw)
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise CellError(_("Enter yes or no."))
    if isinstance(model_field, models.IntegerField) and raw:
        try:
            return int(raw)
        except ValueError as exc:
            raise CellError(_("Enter a whole number.")) from exc
    return raw


def _bound_form(spec: ImportSpec, ctx: RowContext, instance: models.Model):
    """The model form over the record's current values, the file's on top, so a
    column the file lacks keeps its value (or the model default when new)."""
    names = list(spec.form_class.base_fields)
    data: dict[str, Any] = {}
    for name in names:
        model_field = spec.model._meta.get_field(name)
        if model_field.many_to_many:
            related = getattr(instance, name).all() if instance.pk else []
            data[name] = [obj.pk for obj in related]
        else:
            data[name] = model_field.value_from_object(instance)
    for name, value in ctx.values.items():
        if name in data:
            data[name] = None if name in ctx.failed else value
    return spec.form_class(data=data, instance=instance, user=ctx.user)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    ignored = getattr(instance, "audit_ignore_fields", frozenset())
    return {
        f.attname: getattr(instance, f.attname)
        for f in recorded_fields(instance)
        if f.name not in ignored
    }


def _m2m_changed(instance: models.Model, m2m: dict[str, list]) -> bool:
    for name, objs in m2m.items():
        current = set(getattr(instance, name).values_list("pk", flat=True))
        if current != {obj.pk for obj in objs}:
            return True
    return False


def _header(spec: ImportSpec, found: dict[str, str], name: str) -> str:
    if name in found:
        return found[name]
    for column in spec.columns:
        if column.name == name:
            return str(column.label)
    try:
        return str(spec.model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a non-field error: no column
        return ""


def _located(spec, found, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [
        (_header(spec, found, "" if name == NON_FIELD_ERRORS else name), str(message))
        for name, messages in errors.items()
        for message in messages
    ]
