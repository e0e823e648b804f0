"""Satisfaction: how the requester rated the handling of a closed ticket.

Rule (issue "Channels" point 3; ITIL continual improvement): once a ticket is
closed its requester may rate it from 1 (very dissatisfied) to 5 (very
satisfied) with an optional comment, at most once per ticket — a one-to-one
row, so the database refuses a second rating even if two requests race. The
dashboards count these later (``GET /api/portal/satisfaction/``). Written by
``caducee.portal.services.satisfaction.rate`` only; audited automatically.

Scoping: a rating is seen by whoever sees its ticket
(``Ticket.restrict_queryset``, then the ticket's establishment), so a
requester reads only their own and an agent those of their establishments.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel

SCORE_MIN = 1
SCORE_MAX = 5
COMMENT_LENGTH = 2000


class Satisfaction(AuditedModel):
    scope_path = "ticket__establishment"

    ticket = models.OneToOneField(
        "desk.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="satisfaction",
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("From 1 (very dissatisfied) to 5 (very satisfied)."),
    )
    comment = models.TextField(
        _("comment"), blank=True, validators=[MaxLengthValidator(COMMENT_LENGTH)]
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="portal_satisfaction_score_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}/{SCORE_MAX}"

    @classmethod
    def restrict_queryset(cls, queryset, user, action):
        """Seen with its ticket: the ticket's own scoping decides."""
        from caducee.desk.models import Ticket

        return queryset.filter(ticket__in=Ticket.objects.restrict(user, "view").values("pk"))
