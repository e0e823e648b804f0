"""What one notification e-mail says, in its reader's language.

Rule (issue "Channels" point 1): the mail is rendered from Django templates
whose words are translatable (``notify/mail/body.txt`` and ``body.html``,
one pair for every event, French and English from the same catalogue) under
``translation.override`` of the recipient's language; HTML and plain text
say the same thing. The subject carries the ticket's tag
(``reply_tokens.subject_tag``: number and reply token), the event's name
(the desk's ``NotificationKind`` label) and the ticket's title, so a reply
finds its ticket even when its headers are lost.

Links are absolute (``CADUCEE_BASE_URL``: a mail has no request to read the
host from). A requester is sent to the portal's page of the ticket, an agent
to the desk's; while the portal has no such page the desk's is used. A
public reply's text is rendered through the desk's Markdown (sanitised); the
plain-text part keeps the text as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from caducee.desk.markdown import render_markdown
from caducee.desk.models import NotificationKind, Ticket
from caducee.notify.services.recipients import Recipient

K = NotificationKind


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def absolute(path: str) -> str:
    return f"{settings.CADUCEE_BASE_URL}{path}"


def first_url(names: list[str], ticket: Ticket) -> str:
    """The first of the named pages that exists (the portal may not yet)."""
    for name in names:
        try:
            return absolute(reverse(name, args=[ticket.pk]))
        except NoReverseMatch:
            continue
    return absolute("/")


def ticket_link(ticket: Ticket, recipient: Recipient, kind: str) -> str:
    if not recipient.requester_side:
        return first_url(["desk:ticket_detail"], ticket)
    if kind == K.CLOSED:
        return first_url(["portal:satisfaction", "portal:ticket", "desk:ticket_detail"], ticket)
    return first_url(["portal:ticket", "desk:ticket_detail"], ticket)


def _author(comment: Any) -> str:
    if comment is None:
        return ""
    if comment.author_id:
        author = comment.author
        return author.get_full_name() or author.username
    if comment.author_person_id:
        return str(comment.author_person)
    return ""


def _name(recipient: Recipient) -> str:
    if recipient.person is not None:
        return recipient.person.first_name
    if recipient.user is not None:
        return recipient.user.first_name or recipient.user.username
    return ""


def render_mail(
    ticket: Ticket, *, kind: str, recipient: Recipient, comment: Any = None
) -> RenderedMail:
    """The subject, text and HTML of ``kind`` about ``ticket`` for ``recipient``."""
    from caducee.desk.services.lifecycle import reopen_days
    from caducee.desk.services.reply_tokens import subject_tag

    with translation.override(recipient.language):
        context = {
            "kind": kind,
            "ticket": ticket,
            "name": _name(recipient),
            "link": ticket_link(ticket, recipient, kind),
            "requester_side": recipient.requester_side,
            "comment": comment,
            "comment_author": _author(comment),
            "comment_html": render_markdown(comment.body) if comment is not None else "",
            "preferences_link": absolute(reverse("notify:preferences")),
            "reopen_days": reopen_days(),
        }
        event = NotificationKind(kind).label
        subject = f"{subject_tag(ticket)} {event}: {ticket.title}"
        text = render_to_string("notify/mail/body.txt", context)
        html = render_to_string("notify/mail/body.html", context)
    return RenderedMail(subject=" ".join(subject.split())[:300], text=text, html=html)
