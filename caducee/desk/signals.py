"""What the desk tells the parts above it when a ticket changes.

Rule (DESIGN.md "Apps depend downward only"): the SLA part reads tickets and
the desk never imports it; the desk announces each saved change instead.
``ticket_saved`` is sent by the ticket services after every write, inside
the write's transaction, with the saved ticket, the acting user and whether
it was just created. A receiver may change derived fields of the ticket
itself (the SLA deadlines) with a queryset update and set them on the
instance it was given, so the caller returns the ticket as it now is. A
receiver that raises undoes the whole write: it must only fail for a reason
the write itself should fail for.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with ``ticket``, ``actor``, ``created`` (bool).
ticket_saved = Signal()
