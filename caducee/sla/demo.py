"""The SLA part of ``caducee demo``: the business calendars of the demo GHT.

The default calendars of ``services.calendars`` (IT business hours, 24/7 for
critical care, Alsace-Moselle and La Réunion examples): a handful of rows,
the same whatever the seed and scale. Later parts (SLA targets, the service
desk's clocks) find them by code in ``ctx.data["sla"]["calendars"]``.
"""

from __future__ import annotations

from caducee.core.demo import DemoContext
from caducee.sla.models import BusinessCalendar
from caducee.sla.services.calendars import DEFAULT_CALENDARS, install_default_calendars


def contribute(ctx: DemoContext) -> None:
    created = install_default_calendars()
    codes = [d.code for d in DEFAULT_CALENDARS]
    ctx.data["sla"] = {
        "calendars": {c.code: c for c in BusinessCalendar.objects.filter(code__in=codes)}
    }
    ctx.log(f"  sla: {len(created)} business calendars")
