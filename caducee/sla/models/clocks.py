"""SLA clocks: one per target a ticket is held to.

Rule (issue "Service desk core" point 4; DESIGN.md "SLA clocks are exact"):
a clock counts the open time of its calendar while it runs. It is
*running*, *paused* (the ticket waits on its requester: only the SLA
clocks pause, the OLA and vendor clocks keep running) or *stopped* (the
target was reached — first response given, ticket resolved, group left,
vendor answered — or the ticket was cancelled). A clock's kinds:

- ``response`` and ``resolution``: the SLA policy's two targets;
- ``ola``: the time with one assignment group (a new clock per stay);
- ``vendor``: the contract's resolution commitment while the ticket waits on
  that vendor (a new clock per wait).

What is stored makes the arithmetic cheap and the queries indexed: the
business seconds already counted up to ``running_since`` (``elapsed``), and,
while running, the instant the target runs out (``due_at``) and the instant
the warning share is reached (``warn_at``), both computed once from the
calendar. A pause folds the open time since ``running_since`` into
``elapsed`` and clears the two instants; resuming computes them again from
what is left. "Which clocks breach within the hour" is then one range scan
on ``(state, due_at)``; the periodic task that raises warnings and breaches
scans ``(state, warn_at)`` and ``(state, due_at)`` the same way.

The ticket carries the running SLA deadlines too (``response_due``,
``resolution_due``), for the queues' sort and filter; the clock service
keeps them equal to these rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import Contract
from caducee.core.models import BaseModel
from caducee.desk.models import AssignmentGroup
from caducee.sla.models.calendars import BusinessCalendar
from caducee.sla.models.policies import OperationalTarget, SlaPolicy


class ClockKind(models.TextChoices):
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    OLA = "ola", _("Time in the group (OLA)")
    VENDOR = "vendor", _("Vendor resolution")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class SlaClock(BaseModel):
    """Not audited row by row: the clock service records the business events
    (started, paused, warning, breach, met) in the trail."""

    scope_path = "ticket__establishment"

    ticket = models.ForeignKey(
        "desk.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_clocks"
    )
    kind = models.CharField(_("clock"), max_length=16, choices=ClockKind.choices)
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clocks",
    )
    operational_target = models.ForeignKey(
        OperationalTarget,
        verbose_name=_("OLA"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clocks",
    )
    assignment_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("assignment group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_clocks",
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_clocks",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="clocks",
    )
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    warning_percent = models.PositiveSmallIntegerField(_("warning at (%)"), default=75)
    state = models.CharField(
        _("state"), max_length=8, choices=ClockState.choices, default=ClockState.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    elapsed = models.PositiveBigIntegerField(
        _("open time counted (seconds)"),
        default=0,
        help_text=_("Counted up to the last pause, or up to “running since”."),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning from"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warning raised"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    met = models.BooleanField(
        _("target met"), null=True, blank=True, help_text=_("Known once the clock stops.")
    )

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "started_at", "pk"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="sla_clock_state_due"),
            models.Index(fields=["state", "warn_at"], name="sla_clock_state_warn"),
            models.Index(fields=["ticket", "kind", "state"], name="sla_clock_ticket_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_state_display()}"
