"""Who wrote: the sender matched to a Person, and the account acting for them.

Rules (issue "Channels" point 2):

* A sender is matched to a Person by address, case-insensitively; of
  several people with that address (one person recorded in two
  establishments), the one of the mailbox's establishment first, then one
  with an account, then the oldest record.
* An unknown sender, where the mailbox says so, becomes a Person of the
  mailbox's establishment, named after the address's display name (else
  its local part) — the desk then corrects the record if it must. It is
  recorded by the desk's system account, audited like any person.
* The account that records what they sent is their own when it is active
  and may record tickets of that establishment (their own tickets then
  read as theirs in the portal), else the system account.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Case, IntegerField, Value, When

from caducee.core.services import objects as object_services
from caducee.core.services.scoping import can, establishment_allowed
from caducee.desk.models import Ticket
from caducee.desk.services.channel_replies import channel_actor
from caducee.inbound.services.parsing import ParsedMessage
from caducee.org.models import Establishment, Person


def people_with(address: str, establishment_id: int | None = None):
    return (
        Person.objects.filter(email__iexact=address.strip())
        .select_related("user")
        .annotate(
            here=Case(
                When(establishment_id=establishment_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            no_account=Case(
                When(user__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("here", "no_account", "pk")
    )


def find_person(address: str, establishment_id: int | None) -> Person | None:
    if not address:
        return None
    return people_with(address, establishment_id).first()


def _names(parsed: ParsedMessage) -> tuple[str, str]:
    name = re.sub(r"[\"'<>]", "", parsed.sender_name or "").strip()
    if "," in name:  # "DUPONT, Jean"
        last, first = (part.strip() for part in name.split(",", 1))
        if first and last:
            return first[:100], last[:100]
    words = name.split()
    if len(words) < 2:
        words = [w for w in re.split(r"[._\-+]+", parsed.sender.split("@", 1)[0]) if w]
        words = [w.capitalize() for w in words] or [parsed.sender]
    if len(words) == 1:
        return words[0][:100], words[0][:100]
    return words[0][:100], " ".join(words[1:])[:100]


def create_person(parsed: ParsedMessage, establishment: Establishment) -> Person:
    first, last = _names(parsed)
    person = Person(
        establishment=establishment, first_name=first, last_name=last, email=parsed.sender
    )
    return object_services.create_object(person, actor=channel_actor())


def acting_account(person: Person | None, establishment_id: int) -> Any:
    user = getattr(person, "user", None) if person is not None else None
    if (
        user is not None
        and user.is_active
        and can(user, Ticket, "add")
        and establishment_allowed(user, establishment_id)
    ):
        return user
    return channel_actor()
