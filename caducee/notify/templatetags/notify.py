"""The bell's count: one COUNT of the user's unread notifications per page."""

from __future__ import annotations

from django import template

from caducee.desk.services.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)
