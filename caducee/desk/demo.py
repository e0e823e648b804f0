"""The desk part of ``caducee demo``: categories, groups, rules and tickets.

Runs after the organisation, the CMDB and the SLA parts (INSTALLED_APPS
order) and reads what it builds on from the database, not from
``ctx.data``, so the ticket generators also run against a database loaded
earlier (the benchmark databases):

1. the default category trees (``services.categories.DEFAULT_CATEGORIES``),
   the same whatever the seed and scale — the only step when the
   organisation part has not run (no establishment);
2. assignment groups on the organisation's teams, accounts for the people
   who work tickets, escalation chains and routing rules (``demo_groups``);
3. tickets: ``small`` records a few hundred through the real services, in
   every status, with comments and links (``demo_tickets``); ``ght`` writes
   ten years of history in bulk — 750,000 tickets, or
   ``CADUCEE_DEMO_TICKETS`` when set, e.g. 20000 to try it (``demo_history``);
   ``CADUCEE_DEMO_TICKETS=0`` skips tickets at either scale (tests of other parts).

Idempotent: categories and groups already there are kept, and tickets are
only generated into a database that has none (a second run adds nothing
and says so). Later parts find the categories in
``ctx.data["desk"]["categories"]`` by (kind, full name).
"""

from __future__ import annotations

import os
from importlib import import_module

from django.apps import apps

from caducee.core.demo import DemoContext
from caducee.desk.models import Category, Ticket
from caducee.desk.services.categories import install_default_categories
from caducee.org.models import Establishment

#: Tickets of the ``ght`` scale: ten years of a GHT recording 6,000 calls a month.
GHT_TICKETS = 750_000


def ticket_count(default: int) -> int:
    """``CADUCEE_DEMO_TICKETS`` when set (0: no tickets at all), else ``default``."""
    value = os.environ.get("CADUCEE_DEMO_TICKETS", "").strip().replace("_", "")
    return int(value) if value else default


def _level1_olas() -> None:
    """The SLA part installs the level-1 OLAs of the groups it finds and, as
    it runs first, asks the desk's demo to call it again once the groups
    exist (idempotent). Demo wiring only: the desk's product code never
    imports the SLA part."""
    if apps.is_installed("caducee.sla"):
        sla_demo = import_module("caducee.sla.demo")
        if hasattr(sla_demo, "install_default_olas"):
            sla_demo.install_default_olas()


def contribute(ctx: DemoContext) -> None:
    created = install_default_categories()
    categories = {
        (c.kind, c.full_name): c for c in Category.objects.select_related("parent__parent")
    }
    ctx.data["desk"] = {"categories": categories}
    ctx.log(f"  desk: {len(created)} ticket categories")
    if not Establishment.objects.exists():
        return
    from caducee.desk import demo_groups

    desk = demo_groups.build_groups(ctx.random)
    _level1_olas()
    ctx.data["desk"]["groups"] = desk.groups
    ctx.log(f"  desk: {len(desk.groups)} assignment groups, {len(desk.rules)} routing rules")
    if Ticket.objects.exists():
        ctx.log("  desk: tickets already present, none added")
        return
    if ticket_count(1) == 0:
        ctx.log("  desk: CADUCEE_DEMO_TICKETS=0, no tickets")
        return
    from caducee.desk.demo_pools import load_pools

    pools = load_pools()
    if ctx.big:
        from caducee.desk import demo_history

        result = demo_history.build_history(
            ctx.random, desk, pools, total=ticket_count(GHT_TICKETS), log=ctx.log
        )
        ctx.log(f"  desk: {result}")
    else:
        from caducee.desk import demo_tickets

        story = demo_tickets.build_small(ctx.random, desk, pools)
        ctx.log(f"  desk: {len(story.tickets)} tickets through the services")
