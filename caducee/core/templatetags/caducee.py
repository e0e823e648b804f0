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
