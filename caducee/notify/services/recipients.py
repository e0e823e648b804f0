"""Who receives an event's e-mail, at which address, in which language.

Rule (issue "Channels" point 1; contract in ``caducee.desk.signals``): the
desk names the accounts an event concerns (``recipients``, already without
the actor and inactive accounts); of those, e-mail goes to the ones who want
this event by e-mail (``desk.services.notifications.wants``, defaults
applied) and have an address. The requester-facing events (recorded, public
reply, resolved, closed) also reach the ticket's requester by the address
of their staff record, account or not: a requester with an account follows
that account's choice, one without follows the defaults.

Never the actor (someone does not need mail about what they just did; nor
the requester about the reply they sent by e-mail, recorded by the system),
never one address twice (an account and its person are one human), never
an internal note to a requester (a ``reply`` is mailed only for a public
comment). One exception: the acknowledgement of a new ticket reaches its
requester even when they recorded it themselves (in the portal, or by an
e-mail matched to their account): it carries the number to quote. Each
recipient reads in their own language: the account's
``language``, else the installation's default (French).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from caducee.desk.models import (
    DEFAULT_PREFERENCES,
    NotificationChannel,
    NotificationKind,
    Ticket,
)
from caducee.desk.services.notifications import REQUESTER_KINDS, wants
from caducee.org.models import Person

EMAIL = NotificationChannel.EMAIL


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str
    user: Any = None
    person: Person | None = None
    #: Reads the ticket as its requester (the portal), not as an agent.
    requester_side: bool = False


def default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def _language(user: Any) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    value = getattr(user, "language", "") or ""
    return value if value in codes else default_language()


def _address_of(user: Any) -> str:
    address = (user.email or "").strip()
    if not address:
        person = Person.objects.filter(user=user).only("email").first()
        address = (person.email or "").strip() if person else ""
    return address


def _works_tickets(user: Any) -> bool:
    return user.has_perm("desk.change_ticket")


def may_reach(kind: str, *, comment: Any, recipients: frozenset[int]) -> bool:
    """Whether an event can have any e-mail reader at all: never an internal
    note; otherwise an account concerned, or the requester for the kinds
    told to them (``REQUESTER_KINDS``)."""
    if kind == NotificationKind.REPLY and (comment is None or not comment.is_public):
        return False
    return bool(recipients) or kind in REQUESTER_KINDS


def email_recipients(
    ticket: Ticket,
    *,
    kind: str,
    actor: Any,
    recipients: frozenset[int],
    comment: Any = None,
) -> list[Recipient]:
    """The e-mail recipients of one event, in a stable order."""
    if not may_reach(kind, comment=comment, recipients=recipients):
        return []
    actor_id = getattr(actor, "pk", None)
    actor_address = (getattr(actor, "email", "") or "").strip().lower()
    acknowledgement = kind == NotificationKind.CREATED
    taken: set[str] = {actor_address} if actor_address and not acknowledgement else set()
    users_told: set[int] = set()
    found: list[Recipient] = []

    requester: Person | None = ticket.requester if ticket.requester_id else None
    ids = set(recipients) - {actor_id}
    wanted = wants(ids, kind, EMAIL)
    if wanted:
        users = get_user_model().objects.filter(pk__in=wanted, is_active=True).order_by("pk")
    else:
        users = []
    for user in users:
        address = _address_of(user)
        if not address or address.lower() in taken:
            continue
        taken.add(address.lower())
        users_told.add(user.pk)
        is_requester = requester is not None and requester.user_id == user.pk
        found.append(
            Recipient(
                address=address,
                language=_language(user),
                user=user,
                person=requester if is_requester else None,
                requester_side=is_requester or not _works_tickets(user),
            )
        )

    wrote_it = (
        comment is not None
        and requester is not None
        and (
            comment.author_person_id == requester.pk
            or (comment.author_id is not None and comment.author_id == requester.user_id)
        )
    )
    # A requester whose account was just told needs nothing more (one human,
    # one mail): their account and preferences are not read a second time.
    told_already = requester is not None and requester.user_id in users_told
    if kind in REQUESTER_KINDS and requester is not None and not wrote_it and not told_already:
        recipient = _requester_recipient(
            requester, kind=kind, actor_id=None if acknowledgement else actor_id
        )
        if (
            recipient is not None
            and recipient.address.lower() not in taken
            and (recipient.user is None or recipient.user.pk not in users_told)
        ):
            found.append(recipient)
    return found


def _requester_recipient(person: Person, *, kind: str, actor_id: int | None) -> Recipient | None:
    address = (person.email or "").strip()
    user = person.user if person.user_id else None
    if user is not None:
        if user.pk == actor_id or not user.is_active:
            return None
        if user.pk not in wants({user.pk}, kind, EMAIL):
            return None
        address = address or (user.email or "").strip()
        language = _language(user)
    else:
        if not DEFAULT_PREFERENCES.get((kind, EMAIL), True):
            return None
        language = default_language()
    if not address:
        return None
    return Recipient(
        address=address, language=language, user=user, person=person, requester_side=True
    )
