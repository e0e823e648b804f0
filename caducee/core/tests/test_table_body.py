"""List rows rendered by the ``table_body`` tag look as the template loop did."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import django_tables2 as tables
from django.template import Context, Template
from django.utils import translation


class AmountTable(tables.Table):
    label = tables.Column()
    amount = tables.Column()
    day = tables.Column()

    class Meta:
        template_name = "core/table.html"


def render(rows) -> str:
    table = AmountTable(rows)
    return Template("{% load caducee %}{% table_body table %}").render(Context({"table": table}))


def test_values_are_localised_and_escaped():
    rows = [{"label": "<b>pompe</b>", "amount": Decimal("1234.50"), "day": dt.date(2026, 3, 29)}]
    with translation.override("fr"):
        html = render(rows)
    assert "1234,50" in html  # French decimal comma, as {{ cell }} gives
    assert "29 mars 2026" in html
    assert "&lt;b&gt;pompe&lt;/b&gt;" in html and "<b>" not in html
    assert 'data-label="Label"' in html
    with translation.override("en"):
        assert "1234.50" in render(rows)
