"""Work on a ticket: public replies, internal notes, time spent, @mentions.

Rules (issue "Service desk core" point 5; see ``caducee.desk.models.comments``):

* Who may write. Those who work tickets (the role's ``desk.change_ticket``
  and the ticket's establishment in their scope) write public replies and
  internal notes and record time spent. A requester who does not work
  tickets writes only public replies, only on the tickets they see as their
  own (``Ticket.restrict_queryset``: asked for, recorded or watched), and
  records no time. Nobody writes on a closed or cancelled ticket; a reply on
  a resolved ticket is kept and does not reopen it (the channels of the next
  issue decide when a requester's answer reopens).
* The right to comment comes from the ticket, not from a permission on the
  comment model (the desk roles hand out none): the comment is validated
  and saved exactly as ``core.services.objects.create_object`` would (full
  clean, the automatic audit of ``AuditedModel`` under the actor), after
  the ticket rules above are checked here. A ``desk.commented`` event on
  the ticket adds the visibility, the time spent and the comment's id.
* Time spent: whole minutes, 0 to 1,440 (one day) per comment.
* @mentions: ``@username`` tokens — only user names, not full names, so a
  mention is never ambiguous (two "Marie Martin" work in most GHTs). A name
  is kept when it is an active account that works the tickets of this
  establishment (so it may read internal notes); other ``@words`` stay
  plain text. Mentioned accounts are stored on the comment and notified.
* First response: the first public reply written by someone who works
  tickets, and is not the ticket's requester, stamps
  ``first_response_at`` through the ticket's locked row and ``save`` (the
  version moves, ``ticket_saved`` fires and the SLA response clock stops),
  in the comment's transaction. Other comments leave the ticket's version
  alone: writing a note does not make a colleague's edit stale.
* A public reply notifies the watchers and the assignee ("reply"), a mention
  its account ("mention"); never the author, never twice the same person.
* Comments are never deleted (the record is kept). Their author may correct
  the text or the time within ``EDIT_WINDOW`` (15 minutes): long enough for
  a typo, short enough that nobody has acted on the text yet. The
  visibility never changes: a public reply may already have been read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.roles import REQUESTER
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed
from caducee.desk.models import Comment, NotificationKind, Ticket, Visibility
from caducee.desk.services.common import locked, record_event, refuse_final, save
from caducee.desk.services.notifications import notify

#: Most minutes one comment may record.
MAX_TIME_SPENT = 24 * 60
#: How long after writing it an author may still correct a comment.
EDIT_WINDOW = dt.timedelta(minutes=15)
#: Mentions resolved per comment (a pasted list of addresses is not a call for help).
MAX_MENTIONS = 20

# "@name" not preceded by a word character (so e-mail addresses are not mentions).
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w][\w.+-]*)")


# --- who may do what --------------------------------------------------------------------
def works_tickets(user: Any, ticket: Ticket) -> bool:
    """Whether ``user`` works this ticket: may write notes and record time."""
    return can(user, Ticket, "change") and establishment_allowed(user, ticket.establishment_id)


def sees_internal(user: Any) -> bool:
    """Whether ``user`` may read internal notes and attachments: everyone who
    sees tickets but the requesters who do not work them (the same line as
    ``Ticket.restrict_queryset`` draws)."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_perm("desk.change_ticket") or not user.has_role(REQUESTER)


def may_view(user: Any, ticket: Ticket) -> bool:
    return Ticket.objects.restrict(user, "view").filter(pk=ticket.pk).exists()


def writer_role(actor: Any, ticket: Ticket) -> str:
    """ "agent" or "requester", or PermissionDenied."""
    if works_tickets(actor, ticket):
        return "agent"
    if (
        actor is not None
        and actor.is_authenticated
        and actor.has_role(REQUESTER)
        and may_view(actor, ticket)
    ):
        return "requester"
    raise PermissionDenied(_("You are not allowed to write on this ticket."))


def lock_for(actor: Any, ticket: Ticket, role: str, expected_version: int | None) -> Ticket:
    """The ticket's current row, locked, whoever writes; final tickets refused."""
    if role == "agent":
        current = locked(ticket, actor=actor, expected_version=expected_version)
    else:
        current = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
        if current is None:
            raise DomainError(_("This ticket no longer exists."), code="not_found")
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _("%(number)s was changed meanwhile: reload it and try again.")
                % {"number": current.number},
                code="stale",
            )
    refuse_final(current)
    return current


# --- validation -------------------------------------------------------------------------
def clean_body(body: Any) -> str:
    text = str(body or "").strip()
    if not text:
        raise DomainError(_("Write something."), field="body", code="required")
    return text


def clean_time_spent(value: Any, *, role: str) -> int:
    try:
        minutes = int(value or 0)
    except (TypeError, ValueError):
        raise DomainError(_("Give whole minutes."), field="time_spent") from None
    if minutes < 0 or minutes > MAX_TIME_SPENT:
        raise DomainError(
            _("Time spent is between 0 and %(max)d minutes.") % {"max": MAX_TIME_SPENT},
            field="time_spent",
        )
    if minutes and role != "agent":
        raise DomainError(
            _("Only those who work the ticket record time spent."), field="time_spent"
        )
    return minutes


def clean_visibility(value: Any, *, role: str) -> str:
    if value not in Visibility.values:
        raise DomainError(_("Choose a public reply or an internal note."), field="visibility")
    if value == Visibility.INTERNAL and role != "agent":
        raise PermissionDenied(
            _("Only those who work the ticket write internal notes."), field="visibility"
        )
    return value


# --- mentions ---------------------------------------------------------------------------
def mentioned_names(body: str) -> list[str]:
    """The ``@username`` tokens of ``body``, in order, without duplicates."""
    seen: dict[str, str] = {}
    for match in MENTION_RE.finditer(body):
        name = match.group(1).rstrip(".-+")  # "@alice." ends a sentence
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())[:MAX_MENTIONS]


def resolve_mentions(body: str, ticket: Ticket) -> list[Any]:
    """The active accounts named in ``body`` who work this ticket's tickets."""
    names = mentioned_names(body)
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
    users = get_user_model().objects.filter(query, is_active=True).order_by("pk")
    return [u for u in users if works_tickets(u, ticket)]


# --- saving -----------------------------------------------------------------------------
def save_audited(instance: models.Model, *, actor: Any, m2m: dict | None = None) -> Any:
    """Validate and save ``instance`` as ``create_object``/``update_object``
    do (the audit is ``AuditedModel``'s), the permission having been decided
    from the ticket by the caller (see the module docstring)."""
    instance.full_clean()
    with context.acting_as(actor), transaction.atomic():
        try:
            instance.save()
        except IntegrityError as exc:
            raise DomainError(_("This record conflicts with an existing one.")) from exc
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def _notify_comment(
    comment: Comment, ticket: Ticket, *, actor: Any, mentioned: Sequence[Any]
) -> None:
    notify(
        mentioned,
        ticket=ticket,
        kind=NotificationKind.MENTION,
        message=_("%(user)s mentioned you on %(number)s")
        % {"user": actor, "number": ticket.number},
        actor=actor,
        comment=comment,
    )
    if not comment.is_public:
        return
    told = {u.pk for u in mentioned}
    recipients = [pk for pk in ticket.watchers.values_list("pk", flat=True) if pk not in told]
    for pk in (ticket.assignee_id, ticket.requester.user_id if ticket.requester_id else None):
        if pk and pk not in told:
            recipients.append(pk)
    notify(
        recipients,
        ticket=ticket,
        kind=NotificationKind.REPLY,
        message=_("New reply from %(user)s on %(number)s")
        % {"user": actor, "number": ticket.number},
        actor=actor,
        comment=comment,
    )


def _is_first_response(ticket: Ticket, *, actor: Any, role: str, visibility: str) -> bool:
    if role != "agent" or visibility != Visibility.PUBLIC or ticket.first_response_at:
        return False
    requester_user = ticket.requester.user_id if ticket.requester_id else None
    return requester_user != actor.pk


def add_comment(
    ticket: Ticket,
    *,
    actor: Any,
    body: str,
    visibility: str | None = None,
    time_spent: int = 0,
    files: Iterable[Any] = (),
    expected_version: int | None = None,
    via: str = "",
) -> Comment:
    """Write a public reply or an internal note on ``ticket`` (with files).
    ``via``: the channel a requester wrote through (the portal), if any.

    ``visibility`` left out is an internal note for those who work the
    ticket, a public reply for a requester."""
    from caducee.desk.services import attachments as attachment_services

    role = writer_role(actor, ticket)
    if visibility is None:
        visibility = Visibility.INTERNAL if role == "agent" else Visibility.PUBLIC
    visibility = clean_visibility(visibility, role=role)
    text = clean_body(body)
    minutes = clean_time_spent(time_spent, role=role)
    inspected = [attachment_services.inspect_upload(f) for f in files]
    with transaction.atomic():
        current = lock_for(actor, ticket, role, expected_version)
        mentioned = resolve_mentions(text, current)
        comment = save_audited(
            Comment(
                ticket=current,
                author=actor,
                visibility=visibility,
                body=text,
                time_spent=minutes,
                via=via if role != "agent" else "",
            ),
            actor=actor,
            m2m={"mentions": mentioned},
        )
        for upload in inspected:
            attachment_services.store_attachment(
                current, upload, actor=actor, comment=comment, public=comment.is_public
            )
        record_event(
            actor,
            "desk.commented",
            current,
            {
                "visibility": visibility,
                "time_spent": minutes,
                "comment": comment.pk,
                "mentions": [u.pk for u in mentioned],
            },
        )
        if _is_first_response(current, actor=actor, role=role, visibility=visibility):
            current.first_response_at = comment.created_at
            current = save(current, actor=actor)
        _notify_comment(comment, current, actor=actor, mentioned=mentioned)
    comment.ticket = current
    return comment


def edit_comment(
    comment: Comment,
    *,
    actor: Any,
    body: str | None = None,
    time_spent: int | None = None,
) -> Comment:
    """Correct one's own comment within ``EDIT_WINDOW``; newly mentioned
    accounts are notified, those already told are not told again."""
    with transaction.atomic():
        current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if current is None:
            raise DomainError(_("This comment no longer exists."), code="not_found")
        ticket = Ticket.objects.get(pk=current.ticket_id)
        role = writer_role(actor, ticket)
        if current.author_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only its author may correct a comment."))
        if timezone.now() - current.created_at > EDIT_WINDOW:
            raise Conflict(
                _("A comment may be corrected within %(minutes)d minutes of writing it.")
                % {"minutes": int(EDIT_WINDOW.total_seconds() // 60)},
                code="edit_window",
            )
        refuse_final(ticket)
        if body is not None:
            current.body = clean_body(body)
        if time_spent is not None:
            current.time_spent = clean_time_spent(time_spent, role=role)
        before = set(current.mentions.values_list("pk", flat=True))
        mentioned = resolve_mentions(current.body, ticket)
        try:
            current = save_audited(current, actor=actor, m2m={"mentions": mentioned})
        except ValidationError as exc:  # pragma: no cover - the cleaning above refuses first
            raise DomainError("; ".join(exc.messages), field="body") from exc
        record_event(
            actor,
            "desk.comment_edited",
            ticket,
            {"comment": current.pk, "time_spent": current.time_spent},
        )
        new = [u for u in mentioned if u.pk not in before]
        notify(
            new,
            ticket=ticket,
            kind=NotificationKind.MENTION,
            message=_("%(user)s mentioned you on %(number)s")
            % {"user": actor, "number": ticket.number},
            actor=actor,
        )
    return current


def visible_comments(ticket: Ticket, *, user: Any, internal: bool | None = None) -> models.QuerySet:
    """The comments of ``ticket`` that ``user`` may read (the caller has
    checked that ``user`` sees the ticket; ``internal``: ``sees_internal``
    if the caller already knows it)."""
    queryset = Comment.objects.filter(ticket=ticket).select_related("author")
    if not (sees_internal(user) if internal is None else internal):
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    return queryset.order_by("created_at", "pk")
