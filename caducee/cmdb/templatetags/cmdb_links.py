"""Template helpers of the CMDB pages: links that degrade to plain text when
the target page is not installed, and human-readable durations."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch
from django.utils.html import format_html

from caducee.cmdb.durations import format_minutes

register = template.Library()


def object_url(obj) -> str | None:
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return None


@register.filter
def link(obj):
    """``<a href="…">obj</a>``, or the plain name when it has no page."""
    if obj is None:
        return ""
    url = object_url(obj)
    return format_html('<a href="{}">{}</a>', url, obj) if url else format_html("{}", obj)


@register.filter
def minutes(value):
    return format_minutes(value)
