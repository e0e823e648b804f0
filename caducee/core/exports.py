"""CSV and XLSX export of any list, from the same filtered, scoped queryset
the page shows (STYLE.md principle 3: filtering is never written twice)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from caducee.core.cells import exported_rows, plans

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell must never start a formula.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_rows(table) -> tuple[list[str], list[list[str]]]:
    """The export's header and rows: what each column's ``value`` gives
    (``core.cells``: the same as django-tables2's ``get_cell_value``, at a
    fraction of its cost on 25,000 rows), made safe for spreadsheets."""
    column_plans = plans(table, export=True)
    headers = [str(plan.bound_column.header) for plan in column_plans]
    rows = [[_cell(value) for value in row] for row in exported_rows(table, column_plans)]
    return headers, rows


def export_response(table, fmt: str, basename: str):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    headers, rows = table_rows(table)
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(basename[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        writer = csv.writer(_Echo(), delimiter=";")

        def stream():
            yield "\ufeff"  # spreadsheet programs need the BOM to read UTF-8
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{fmt}"'
    return response
