"""Nightly generation of biomedical work orders from the maintenance plans.

Thin and idempotent (STYLE.md principle 9): it only calls
``generate_work_orders`` with today's date in Europe/Paris; running it twice,
or after a missed night, creates nothing twice (see that service).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="40"))
def generate_maintenance_work_orders() -> int:
    from django.utils import timezone

    from caducee.cmdb.services.maintenance import generate_work_orders

    return generate_work_orders(today=timezone.localdate())
