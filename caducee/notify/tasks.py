"""Background work of the e-mail channel: writing the mails of the desk's
events, sending the outbox.

Thin and idempotent (STYLE.md principle 9): the tasks call
``services.events``, which takes each noted event once, and
``services.outbox``, which claims each row before talking to SMTP, so a
task run twice, retried or overlapping the sweep writes and sends each mail
once.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def write_event_mail(ids: list[int]) -> dict[str, int]:
    """Write the mails of these noted events (enqueued when each commits),
    then send them."""
    from caducee.core.context import change_context
    from caducee.notify.services.events import expand
    from caducee.notify.services.outbox import send

    with change_context(source="task"):
        written = expand(ids)
        return {"written": len(written), **(send(written) if written else {})}


@db_task()
def send_outgoing_mail(ids: list[int]) -> dict[str, int]:
    """Send these outbox rows (enqueued when their event commits)."""
    from caducee.core.context import change_context
    from caducee.notify.services.outbox import send

    with change_context(source="task"):
        return send(ids)


@db_periodic_task(crontab(minute="*"))
def send_due_mail() -> dict[str, int]:
    """Every minute: the retries that are due, events and rows an enqueue
    missed, and rows abandoned in sending marked failed."""
    from caducee.core.context import change_context
    from caducee.notify.services.outbox import sweep

    with change_context(source="task"):
        return sweep()
