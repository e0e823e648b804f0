"""Reporting a problem from the portal: the plain questions become a ticket.

Rule (issue "Channels" point 3; DESIGN.md "Clinical impact drives priority"):
staff answer "what is wrong, where are you, are patients affected" and may
attach a photo. The answers make an incident recorded by
``caducee.desk.services.tickets.create_ticket`` — channel portal, the
requester the account's own person, acting as the account — so every desk
rule applies once: numbering, routing, the priority computed by the desk from
the care unit and the items (the portal never sets a priority), the SLA.

"Are patients affected?" is the urgency (how soon it hurts, ITIL):

* yes, now — critical: care is affected at this moment;
* maybe soon — high: it will hurt care if it lasts;
* no — medium, the desk's default: someone cannot work, no patient waits.

Files go through the desk's attachment service (same size and type limits):
each is inspected before anything is written, so a refused photo leaves no
ticket behind and its message is shown next to the file field. They are
public (the requester's own).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.desk.models import Channel, Ticket, TicketKind, Urgency
from caducee.desk.services import attachments as attachment_services
from caducee.desk.services.tickets import create_ticket
from caducee.org.models import CareUnit, Room
from caducee.portal.services.people import care_units_for, person_of, places_for


class PatientsAffected(TextChoices):
    NOW = "now", gettext_lazy("Yes, patients are affected now")
    SOON = "soon", gettext_lazy("Maybe soon, if it lasts")
    NO = "no", gettext_lazy("No")


URGENCY_OF: dict[str, int] = {
    PatientsAffected.NOW: Urgency.CRITICAL,
    PatientsAffected.SOON: Urgency.HIGH,
    PatientsAffected.NO: Urgency.MEDIUM,
}
TITLE_LENGTH = Ticket._meta.get_field("title").max_length


def report_problem(
    *,
    actor: Any,
    title: str,
    details: str = "",
    patients: str,
    care_unit: CareUnit | None = None,
    location: Room | None = None,
    files: Iterable[Any] = (),
) -> Ticket:
    """Record the actor's problem as a portal incident; returns the ticket."""
    person = person_of(actor)
    if person is None:
        raise PermissionDenied(
            _("Your account is not linked to a staff profile: please call the service desk.")
        )
    title = " ".join(str(title or "").split())
    if not title:
        raise DomainError(_("Say in a few words what is wrong."), field="title", code="required")
    if len(title) > TITLE_LENGTH:
        raise DomainError(
            _("At most %(max)d characters: put the rest in the details.") % {"max": TITLE_LENGTH},
            field="title",
        )
    if patients not in URGENCY_OF:
        raise DomainError(_("Tell us whether patients are affected."), field="patients")
    if care_unit is not None and not care_units_for(person).filter(pk=care_unit.pk).exists():
        raise DomainError(_("Choose a care unit of your establishment."), field="care_unit")
    if location is not None and not places_for(person).filter(pk=location.pk).exists():
        raise DomainError(_("Choose a place from the list."), field="location")
    inspected = [attachment_services.inspect_upload(f, field="files") for f in files]
    ticket = Ticket(
        kind=TicketKind.INCIDENT,
        channel=Channel.PORTAL,
        title=title,
        description=str(details or "").strip(),
        requester=person,
        establishment=person.establishment,
        care_unit=care_unit,
        location=location,
        urgency=URGENCY_OF[patients],
    )
    with transaction.atomic():
        ticket = create_ticket(ticket, actor=actor)
        for upload in inspected:
            attachment_services.store_attachment(
                ticket, upload, actor=actor, comment=None, public=True
            )
    return ticket
