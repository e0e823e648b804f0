"""Polling the mailboxes: every minute, each active mailbox in its own task
(several workers read several mailboxes; the lease of
``services.polling`` keeps two off the same one). Thin and idempotent:
a task takes an id and calls the service, which never raises."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> int:
    from caducee.inbound.models import Mailbox

    ids = list(Mailbox.objects.filter(is_active=True).values_list("pk", flat=True))
    for pk in ids:
        poll_mailbox(pk)
    return len(ids)


@db_task()
def poll_mailbox(mailbox_id: int) -> None:
    from caducee.inbound.models import Mailbox
    from caducee.inbound.services.polling import poll

    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is not None:
        poll(mailbox)
