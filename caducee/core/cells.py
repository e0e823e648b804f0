"""Table cells worked out once per column, not once per cell.

django-tables2 decides, for every cell, how to reach the value (walking the
accessor, looking the model field up for its choices), which arguments the
column's ``render_<name>`` accepts (``inspect.signature``) and what the
``<td>`` attributes are. Those answers depend on the column, never on the
row, yet they cost about 0.1 ms a cell: 50 ms for a 50-row, 10-column list
page, minutes for a 25,000-row export.

A ``CellPlan`` takes those decisions once for a bound column and then
produces, per record, exactly what ``BoundRow.get_cell`` (list pages) or
``BoundRow.get_cell_value`` (exports) would: choices shown by their label,
empty values replaced by the column default, ``render_<name>`` /
``value_<name>`` called with the arguments they ask for, ``linkify`` links.
Columns this does not model (many-to-many, link columns with fixed text)
keep django-tables2's own path. ``core/tests/test_cells.py`` checks the
output is the same as django-tables2's on every list of the application.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_tables2.columns.base import BoundColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, signature

_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
_MISSING = object()


def _is_plain(function, base) -> bool:
    """Whether ``function`` is ``base`` itself, bound (returns the value untouched)."""
    return getattr(function, "__func__", None) is base


def _has_callable(attrs) -> bool:
    if callable(attrs):
        return True
    if isinstance(attrs, dict):
        return any(_has_callable(value) for value in attrs.values())
    return False


class _Caller:
    """Call a render/value function with the cell arguments it names, as
    ``call_with_appropriate`` does, its signature read once."""

    def __init__(self, function: Callable):
        self.function = function
        names, catch_all = signature(function)
        self.catch_all = catch_all is not None
        self.names = tuple(names)
        # A function asking for an argument cells never get is never called.
        self.callable = self.catch_all or all(name in _ARGUMENTS for name in self.names)

    def __call__(self, arguments: dict[str, Any]):
        if self.catch_all:
            return self.function(**arguments)
        if not self.callable:
            return None
        return self.function(**{name: arguments[name] for name in self.names})


class CellPlan:
    """How one bound column's cells are produced, decided once."""

    def __init__(self, bound_column: BoundColumn, *, export: bool = False):
        self.bound_column = bound_column
        self.name = bound_column.name
        column = bound_column.column
        table = bound_column._table
        self.table = table
        self.column = column
        self.export = export
        # Columns whose per-cell behaviour is not modelled here keep tables2's path.
        self.fallback = isinstance(column, tables.ManyToManyColumn | BaseLinkColumn)
        self.empty_values = column.empty_values
        self.default = None if export else bound_column.default
        self.link = None if export else bound_column.link
        # A table fed a list (a queue's page of rows) has no model in its
        # data: its Meta names it, and the choices' labels come from there.
        model = getattr(table.data, "model", None) or getattr(table._meta, "model", None)
        self._accessor(Accessor(bound_column.accessor), model)
        self._renderer(bound_column, export)
        self._td(bound_column, table)

    # -- the value -----------------------------------------------------------

    def _accessor(self, accessor: Accessor, model) -> None:
        path, _, remainder = accessor.rpartition(Accessor.SEPARATOR)
        self.remainder = remainder
        self.path_getter = self._walk(path.split(Accessor.SEPARATOR) if path else [], model)
        # The last step: a concrete attribute read directly, anything else
        # (properties, methods to call) through the accessor's own resolution.
        leaf = self._field(self._leaf_model(path, model), remainder)
        self.plain_leaf = remainder == "pk" or (
            leaf is not None and (leaf.concrete or (leaf.is_relation and leaf.many_to_one))
        )
        self.labels: dict | None = None
        if getattr(leaf, "choices", None) and self.path_getter is not None:
            # get_FOO_display(): the label of the stored value, the value itself otherwise.
            self.labels = {key: label for key, label in leaf.flatchoices}

    @staticmethod
    def _field(model, name: str):
        if model is None:
            return None
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    @staticmethod
    def _leaf_model(path: str, model):
        for bit in path.split(Accessor.SEPARATOR) if path else []:
            try:
                model = model._meta.get_field(bit).related_model
            except (FieldDoesNotExist, AttributeError):
                return None
        return model if hasattr(model, "_meta") else None

    def _walk(self, bits: list[str], model) -> Callable | None:
        """A getter for the accessor's path up to the last step, when every
        step is a forward relation of the model (``None`` stops the walk)."""
        for bit in bits:
            try:
                field = model._meta.get_field(bit)
            except (FieldDoesNotExist, AttributeError):
                return None
            if not (field.is_relation and (field.many_to_one or field.one_to_one)):
                return None
            model = field.related_model

        def walk(record):
            for bit in bits:
                record = getattr(record, bit)
                if record is None:
                    return None
            return record

        return walk

    def raw_value(self, record):
        """The value ``BoundRow._get_and_render_with`` hands to render."""
        if self.path_getter is None:
            return self._resolve(Accessor(self.bound_column.accessor), record)
        penultimate = self.path_getter(record)
        if penultimate is None:
            return None
        if self.labels is not None and isinstance(penultimate, models.Model):
            value = getattr(penultimate, self.remainder)
            label = self.labels.get(value, _MISSING)
            return value if label is _MISSING else str(label)
        if self.plain_leaf:
            return getattr(penultimate, self.remainder)
        return self._resolve(Accessor(self.remainder), penultimate)

    @staticmethod
    def _resolve(accessor: Accessor, record):
        try:
            return accessor.resolve(record)
        except Exception:  # as django-tables2: a missing value is an empty cell
            return None

    # -- rendering -----------------------------------------------------------

    def _renderer(self, bound_column: BoundColumn, export: bool) -> None:
        function = bound_column.value if export else bound_column.render
        column_render = self.column.render
        if export:
            plain = _is_plain(function, tables.Column.value) and _is_plain(
                column_render, tables.Column.render
            )
        else:
            plain = _is_plain(function, tables.Column.render)
        self.caller = None if plain else _Caller(function)

    def _td(self, bound_column: BoundColumn, table) -> None:
        sources = (
            table.attrs.get("td"),
            table.attrs.get("cell"),
            self.column.attrs.get("td"),
            self.column.attrs.get("cell"),
        )
        self.td_dynamic = any(_has_callable(source) for source in sources)
        self.td_static = None if self.td_dynamic else bound_column.attrs["td"].as_html()

    def cell(self, row: BoundRow):
        """What ``row.get_cell(name)`` (or ``get_cell_value`` for exports) gives."""
        if self.fallback:
            if self.export:
                return row.get_cell_value(self.name)
            return row.get_cell(self.name)
        record = row.record
        value = self.raw_value(record)
        if value in self.empty_values:
            return self.default
        if self.caller is None and self.link is None:
            return value
        arguments = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        content = value if self.caller is None else self.caller(arguments)
        if self.link:
            return self.link(content, **arguments)
        return content

    def td_attrs(self, row: BoundRow, value) -> str:
        if not self.td_dynamic:
            return self.td_static
        # As BoundRow.items() does for callable attributes.
        self.bound_column.current_value = value
        self.bound_column.current_record = row.record
        return self.bound_column.attrs["td"].as_html()


def plans(table, *, export: bool = False) -> list[CellPlan]:
    """One plan per column shown (or exported) by ``table``."""
    columns = table.columns
    if export:
        return [CellPlan(c, export=True) for c in columns if not c.column.exclude_from_export]
    return [CellPlan(c) for c in columns]


def rendered_rows(table) -> Iterator[tuple[BoundRow, list[tuple[CellPlan, Any]]]]:
    """The page's rows with each cell's rendered content (for ``table_body``)."""
    column_plans = plans(table)
    for row in table.paginated_rows:
        yield row, [(plan, plan.cell(row)) for plan in column_plans]


def exported_rows(table, column_plans: list[CellPlan]) -> Iterator[list[Any]]:
    """Every row's values without HTML, as ``row.get_cell_value`` gives them."""
    for row in table.rows:
        yield [plan.cell(row) for plan in column_plans]
