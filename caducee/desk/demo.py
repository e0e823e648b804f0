"""The desk part of ``caducee demo``: the ticket categories of the demo GHT.

Tickets themselves come with a later part of the desk; this one installs
the default category trees (``services.categories.DEFAULT_CATEGORIES``, in
French), a few dozen rows, the same whatever the seed and scale. Later parts
find them in ``ctx.data["desk"]["categories"]`` by (kind, full name).
"""

from __future__ import annotations

from caducee.core.demo import DemoContext
from caducee.desk.models import Category
from caducee.desk.services.categories import install_default_categories


def contribute(ctx: DemoContext) -> None:
    created = install_default_categories()
    categories = {
        (c.kind, c.full_name): c for c in Category.objects.select_related("parent__parent")
    }
    ctx.data["desk"] = {"categories": categories}
    ctx.log(f"  desk: {len(created)} ticket categories")
