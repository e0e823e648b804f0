"""The bell's count: at most one COUNT of the user's unread notifications per
request.

A page that shows the count itself (the queue, the notification list) puts
it in its context as ``unread_notifications``; the bell, drawn by the base
template on every page, takes that number rather than counting again, so
both always agree. Otherwise the count is read once and kept on the request.
"""

from __future__ import annotations

from django import template

from caducee.desk.services.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    counted = context.get("unread_notifications")
    if isinstance(counted, int):
        return counted
    request = context.get("request")
    cached = getattr(request, "_notify_unread_count", None)
    if cached is None:
        cached = unread_count(user)
        if request is not None:
            request._notify_unread_count = cached
    return cached
