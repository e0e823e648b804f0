"""Background work of the SLA part: raising warnings and breaches.

Thin and idempotent (STYLE.md principle 9): every minute it calls
``services.escalation.check_clocks``, which raises each warning and breach
once; a run that overlaps or repeats another does nothing twice.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def check_sla_clocks() -> dict[str, int]:
    from caducee.core.context import change_context
    from caducee.sla.services.escalation import check_clocks

    with change_context(source="task"):
        result = check_clocks()
    return {"warned": len(result.warned), "breached": len(result.breached)}
