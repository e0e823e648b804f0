"""Rating a closed ticket: ``rate``, the one way a satisfaction is written.

Rules (issue "Channels" point 3): only the ticket's requester — their own
account — rates it; only once it is closed; at most once (checked here with
the ticket row locked, and by the one-to-one key in the database behind it);
a score from 1 to 5 and an optional comment of at most 2,000 characters.
The rating is saved with its automatic audit, and a business event
``portal.satisfaction_rated`` on the ticket puts it in the ticket's trail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import Status, Ticket
from caducee.desk.services.comments import save_audited
from caducee.desk.services.common import record_event
from caducee.portal.models import SCORE_MAX, SCORE_MIN, Satisfaction
from caducee.portal.models.satisfaction import COMMENT_LENGTH
from caducee.portal.services.conversation import is_requester, portal_tickets


def clean_score(value: Any) -> int:
    score = None
    if isinstance(value, int) and not isinstance(value, bool):
        score = value
    elif isinstance(value, str) and value.strip().isdigit():
        score = int(value)
    if score is None or not SCORE_MIN <= score <= SCORE_MAX:
        raise DomainError(
            _("Choose a score from %(min)d to %(max)d.") % {"min": SCORE_MIN, "max": SCORE_MAX},
            field="score",
            code="invalid_score",
        )
    return score


def rate(ticket: Ticket, *, score: Any, comment: str = "", actor: Any) -> Satisfaction:
    """The requester's rating of their closed ticket."""
    if not portal_tickets(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("Only the person who asked may rate this ticket."))
    value = clean_score(score)
    text = str(comment or "").strip()
    if len(text) > COMMENT_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": COMMENT_LENGTH}, field="comment"
        )
    with transaction.atomic():
        current = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("requester")
            .get(pk=ticket.pk)
        )
        if not is_requester(actor, current):
            raise PermissionDenied(_("Only the person who asked may rate this ticket."))
        if current.status != Status.CLOSED:
            raise Conflict(
                _("A ticket is rated once it is closed."), field="score", code="not_closed"
            )
        if Satisfaction.objects.filter(ticket=current).exists():
            raise Conflict(
                _("You have already rated this ticket: thank you."),
                field="score",
                code="already_rated",
            )
        satisfaction = save_audited(
            Satisfaction(ticket=current, score=value, comment=text, rated_by=actor),
            actor=actor,
        )
        record_event(
            actor,
            "portal.satisfaction_rated",
            current,
            {"satisfaction": satisfaction.pk, "score": value},
        )
    return satisfaction
