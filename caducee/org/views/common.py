"""Shared pieces of the org pages."""

from __future__ import annotations


def related_block(title, table_class, queryset, user, more_url=None, limit=50):
    scoped = queryset.restrict(user, "view")
    count = scoped.count()
    return {
        "title": title,
        "count": count,
        "table": table_class(scoped[:limit], orderable=False),
        "more_url": more_url if count > limit else None,
    }
