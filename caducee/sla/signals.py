"""The SLA part listening to the desk: every saved ticket gets its clocks synced.

Rule (DESIGN.md "Apps depend downward only"): the desk never imports the SLA
part; it sends ``caducee.desk.signals.ticket_saved`` after each write, in
the write's transaction, and this receiver makes the ticket's clocks agree
with it (``services.clocks.sync_ticket``: state-based and idempotent). The
deadlines it sets on the instance are those the desk returns to its caller.
A new ticket's clocks are worked out just before its insert
(``ticket_recording``), so that its deadlines go in with it. Connected in
``SlaConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from caducee.sla.services.clocks import prepare_new_ticket, sync_ticket


def ticket_recording(sender: Any, *, ticket: Any, actor: Any, **kwargs: Any) -> None:
    prepare_new_ticket(ticket, actor=actor)


def ticket_saved(sender: Any, *, ticket: Any, actor: Any, created: bool, **kwargs: Any) -> None:
    sync_ticket(ticket, actor=actor, created=created)
