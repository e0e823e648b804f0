"""The ITIL priority matrix: impact × urgency → P1…P5.

Rule (ITIL incident management; DESIGN.md "Clinical impact drives
priority"): a ticket's priority is read from a matrix of its impact (how much
of the hospital is hurt) and its urgency (how soon it hurts). Both have four
levels, **1 = critical, 2 = high, 3 = medium, 4 = low** — the smaller the
number, the more serious, like P1…P5 — so a level sorts the same way as the
priority it leads to.

The matrix is configuration of the whole GHT, one row per (impact, urgency)
pair: seeded by a data migration with ``DEFAULT_MATRIX`` and changed later by
administrators through ``caducee.desk.services.priority.set_matrix_cell``
(audited). A pair missing from the table (a row deleted by hand, a database
flushed by a test) falls back to ``DEFAULT_MATRIX``, so no ticket is ever
left without a priority.

The default is symmetric and monotonic (a more serious impact or urgency
never lowers the priority); a hospital bias puts the two "critical × high"
cells at P1, because a life-critical unit that is hurt soon cannot wait::

    impact \\ urgency   1 critical  2 high  3 medium  4 low
    1 critical            P1         P1       P2       P3
    2 high                P1         P2       P3       P3
    3 medium              P2         P3       P3       P4
    4 low                 P3         P3       P4       P5
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caducee.cmdb.models import Priority
from caducee.core.models import AuditedModel


class Impact(models.IntegerChoices):
    """How much of the hospital is hurt (1 = most)."""

    CRITICAL = 1, pgettext_lazy("impact", "Critical")
    HIGH = 2, pgettext_lazy("impact", "High")
    MEDIUM = 3, pgettext_lazy("impact", "Medium")
    LOW = 4, pgettext_lazy("impact", "Low")


class Urgency(models.IntegerChoices):
    """How soon it hurts (1 = now)."""

    CRITICAL = 1, _("Critical")
    HIGH = 2, _("High")
    MEDIUM = 3, _("Medium")
    LOW = 4, _("Low")


class ImpactSource(models.TextChoices):
    """Where a ticket's impact came from (see ``caducee.desk.services.priority``)."""

    CMDB = "cmdb", _("Configuration items (CMDB)")
    CARE_UNIT = "care_unit", _("Care unit of the ticket")
    REQUESTER = "requester", _("Care unit of the requester")
    NONE = "none", _("No care unit reached")


#: {(impact, urgency): priority} — see the module docstring for the grid.
DEFAULT_MATRIX: dict[tuple[int, int], int] = {
    (1, 1): 1, (1, 2): 1, (1, 3): 2, (1, 4): 3,
    (2, 1): 1, (2, 2): 2, (2, 3): 3, (2, 4): 3,
    (3, 1): 2, (3, 2): 3, (3, 3): 3, (3, 4): 4,
    (4, 1): 3, (4, 2): 3, (4, 3): 4, (4, 4): 5,
}  # fmt: skip


class PriorityMatrixCell(AuditedModel):
    """One cell of the matrix: this impact with this urgency gives this priority."""

    scope_path = None

    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    class Meta:
        verbose_name = _("priority matrix cell")
        verbose_name_plural = _("priority matrix")
        ordering = ["impact", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["impact", "urgency"], name="desk_priority_matrix_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_impact_display()} × {self.get_urgency_display()} → P{self.priority}"
