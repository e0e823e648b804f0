"""The counters behind human ticket numbers (INC-2026-000123).

Rule: agents and requesters quote a ticket by a number that says its kind
and year and restarts each year (the custom of hospital service desks,
reports by year); database ids cannot do that. One row per (kind, year)
holds the last number given; ``caducee.desk.services.numbering`` takes the
next one under a row lock inside the ticket's own transaction.

Not audited on purpose: a counter is bookkeeping; each number appears in
the trail with the creation of the ticket that took it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.desk.models.kinds import TicketKind


class TicketCounter(models.Model):
    kind = models.CharField(_("ticket kind"), max_length=16, choices=TicketKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="desk_counter_kind_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
