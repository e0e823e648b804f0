"""CSV and XLSX export of any list, from the same filtered, scoped queryset
the page shows (STYLE.md principle 3: filtering is never written twice)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

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
    columns = [c for c in table.columns if not c.column.exclude_from_export]
    headers = [str(c.header) for c in columns]
    rows = [[_cell(row.get_cell_value(c.name)) for c in columns] for row in table.rows]
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
