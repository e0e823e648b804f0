"""Every list page and export shows, cell for cell, what django-tables2's own
per-cell path gives (``core.cells`` only takes its decisions once per column).

The lists are the application's own, on the small demo GHT, seen by the
administrator: every list view's queryset and table, rendered in French.
"""

from __future__ import annotations

from io import StringIO

import django_tables2 as tables
import pytest
from django.core.management import call_command
from django.template import Context
from django.template.base import render_value_in_context
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils import translation
from django_tables2 import RequestConfig

from caducee.cmdb.models import InstalledSoftware
from caducee.core.cells import plans
from caducee.core.models import User
from caducee.core.views.generic import ObjectListView

pytestmark = pytest.mark.django_db


def list_views():
    """(url name, view class) of every list page built on ObjectListView."""
    found = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
                continue
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and issubclass(view, ObjectListView) and view.table_class:
                found[f"{namespace}{pattern.name}"] = view

    walk(get_resolver().url_patterns)
    return sorted(found.items())


def reference_cells(rows, export_names=None):
    """django-tables2's own output: ``row.items()`` (what the template loop
    used) or ``row.get_cell_value`` (what exports used)."""
    if export_names is not None:
        return [[row.get_cell_value(name) for name in export_names] for row in rows]
    context = Context()
    return [
        [
            (column.attrs["td"].as_html(), render_value_in_context(cell, context))
            for column, cell in row.items()
        ]
        for row in rows
    ]


def fast_cells(rows, table, export=False):
    column_plans = plans(table, export=export)
    if export:
        return [[plan.cell(row) for plan in column_plans] for row in rows]
    context = Context()
    result = []
    for row in rows:
        cells = []
        for plan in column_plans:
            value = plan.cell(row)
            cells.append((plan.td_attrs(row, value), render_value_in_context(value, context)))
        result.append(cells)
    return result


@pytest.fixture
def demo_admin():
    call_command("demo", "--scale", "small", "--seed", "3", stdout=StringIO())
    return User.objects.get(username="admin")


def tables_to_check(admin):
    factory = RequestFactory()
    for name, view_class in list_views():
        request = factory.get("/")
        request.user = admin
        view = view_class()
        view.setup(request)
        yield name, view_class.table_class(view.get_queryset(), request=request), request
    # Tables shown outside the generic list pages.
    from caducee.cmdb.tables.items import InstallationTable

    request = factory.get("/")
    request.user = admin
    rows = InstalledSoftware.objects.select_related("item__establishment", "software")
    yield "installations", InstallationTable(rows), request


def test_list_cells_are_django_tables2s(demo_admin):
    checked, differences, cells = [], [], 0
    with translation.override("fr"):
        for name, table, request in tables_to_check(demo_admin):
            RequestConfig(request, paginate={"per_page": 40}).configure(table)
            rows = list(table.paginated_rows)
            if not rows:
                continue
            checked.append(name)
            expected = reference_cells(rows)
            got = fast_cells(rows, table)
            cells += sum(len(r) for r in expected)
            if got != expected:
                differences.append(name)
    assert not differences, differences
    # The comparison ran over the application's lists, not a handful.
    assert {"cmdb:configurationitem_list", "cmdb:relation_list", "org:person_list"} <= set(checked)
    assert len(checked) >= 15 and cells > 2000


def test_export_cells_are_django_tables2s(demo_admin):
    differences, checked = [], 0
    with translation.override("fr"):
        for name, table, _request in tables_to_check(demo_admin):
            names = [c.name for c in table.columns if not c.column.exclude_from_export]
            rows = list(table.rows)[:200]
            if not rows:
                continue
            checked += 1
            if fast_cells(rows, table, export=True) != reference_cells(rows, names):
                differences.append(name)
    assert not differences, differences
    assert checked >= 15


def test_choices_links_defaults_and_callable_attributes():
    """The per-column decisions, one by one, on a table built for it."""

    class ItemTable(tables.Table):
        name = tables.Column(linkify=lambda record: f"/items/{record['id']}/")
        status = tables.Column(attrs={"td": {"class": lambda record: f"s-{record['status']}"}})
        missing = tables.Column(default="n/a")
        shout = tables.Column(accessor="name")

        def render_shout(self, value, record):
            return f"{value.upper()}#{record['id']}"

    data = [{"id": 1, "name": "pompe", "status": "up"}, {"id": 2, "name": "", "status": None}]
    table = ItemTable(data)
    rows = list(table.paginated_rows)
    assert fast_cells(rows, table) == reference_cells(rows)
    first = fast_cells(rows, table)[0]
    assert first[0] == ("", '<a href="/items/1/">pompe</a>')
    assert first[1][0] == 'class="s-up"'
    assert first[2][1] == "n/a"
    assert first[3][1] == "POMPE#1"
