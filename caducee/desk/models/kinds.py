"""The ITIL record kinds the desk handles.

Incidents (something is broken), service requests (something is wanted) and
problems (the cause behind incidents) follow the same lifecycle but are
numbered, categorised and reported on separately (ITIL 4 practices
"incident management", "service request management", "problem management").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Service request")
    PROBLEM = "problem", _("Problem")


#: The prefix of each kind's human number: INC-2026-000123.
NUMBER_PREFIXES: dict[str, str] = {
    TicketKind.INCIDENT: "INC",
    TicketKind.REQUEST: "REQ",
    TicketKind.PROBLEM: "PRB",
}
