"""Links between tickets: duplicates, causes, parents, and a problem's incidents.

Rule (ITIL problem management and incident matching): a ticket may be the
duplicate of another (same kind), be caused by another, be the child of a
parent (same kind: a major incident and the calls about it, a request split
into tasks), and an incident may be linked to the problem behind it — the
problem's "linked incidents". Each link is one row from ``source`` to
``target`` with a kind; reading it backwards gives the inverse ("has
duplicates", "caused", "children", "incidents of the problem").

A ticket is the duplicate of at most one ticket, the child of at most one
parent and linked to at most one problem; neither duplicates nor parents
form cycles. ``caducee.desk.services.tickets.link_tickets`` checks these;
the constraints below keep the database honest if anything else writes.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel


class LinkKind(models.TextChoices):
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")
    CAUSED_BY = "caused_by", _("Caused by")
    CHILD_OF = "child_of", _("Child of")
    PROBLEM = "problem", _("Incident of the problem")


#: Kinds a ticket has at most one outgoing link of.
SINGLE_TARGET_KINDS = frozenset({LinkKind.DUPLICATE_OF, LinkKind.CHILD_OF, LinkKind.PROBLEM})


class TicketLink(AuditedModel):
    scope_path = "source__establishment"

    source = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="links_out",
    )
    kind = models.CharField(_("link"), max_length=16, choices=LinkKind.choices)
    target = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("linked ticket"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        ordering = ["kind", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "target"], name="desk_link_unique"),
            models.UniqueConstraint(
                fields=["source", "kind"],
                condition=Q(kind__in=["duplicate_of", "child_of", "problem"]),
                name="desk_link_single_target",
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="desk_link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"
