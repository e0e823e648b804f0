"""Template helpers for the shell: values rendered with links, field widgets."""

from __future__ import annotations

from django import template
from django.db.models import Model
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def display_value(value):
    """Render a detail value: links for objects, lists joined, dashes for empty."""
    if value is None or value == "" or value == []:
        return format_html('<span class="muted">{}</span>', "—")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return format_html_join(", ", "{}", ((display_value(v),) for v in value))
    if isinstance(value, Model) and hasattr(value, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)
    return value


@register.filter
def change_value(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return value


@register.filter
def widget_type(field):
    return field.field.widget.__class__.__name__.lower()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def table_body(context, table):
    """The rows of a django-tables2 table as ``<tr>`` elements.

    Same output as looping over ``row.items`` in the template (cell
    attributes per row, each cell labelled with its column header for the
    phone layout, values localised as ``{{ cell }}`` would), written in
    Python with the per-column decisions taken once (``core.cells``): the
    template loop and django-tables2's per-cell work cost about 0.1 ms a
    cell, most of a 50-row page's time.
    """
    from django.template.base import render_value_in_context
    from django.utils.html import conditional_escape

    from caducee.core.cells import rendered_rows

    headers: dict[str, str] = {}
    rows = []
    for row, cells in rendered_rows(table):
        html = []
        for plan, value in cells:
            label = headers.get(plan.name)
            if label is None:
                label = headers[plan.name] = conditional_escape(plan.bound_column.header)
            html.append(
                format_html(
                    '<td {} data-label="{}">{}</td>',
                    plan.td_attrs(row, value),  # already safe (django-tables2)
                    label,
                    # As ``{{ cell }}`` would: local time, localised dates and numbers.
                    render_value_in_context(value, context),
                )
            )
        rows.append(format_html_join("", "{}", ((cell,) for cell in html)))
    return format_html_join("\n", "<tr>{}</tr>", ((row,) for row in rows))
