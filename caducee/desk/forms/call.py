"""Forms of the phone-call screen: the caller search and the ticket form
filled from the caller.

Rule (issue "Service desk core" point 6): once the caller is found, the
ticket form is filled from their record — requester, establishment, their
most critical care unit there, their room, channel phone — so that the
agent only types what the caller says. The ticket form itself is the one of
the create page (``caducee.desk.forms.tickets.TicketForm``): one set of
rules for both.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.desk.forms.tickets import TicketForm
from caducee.desk.models import Channel, Ticket, TicketKind
from caducee.org.models import Person


class CallSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Caller"),
        required=False,
        max_length=100,
        help_text=_("Name, phone number (its last digits are enough), room or care unit."),
    )


def call_initial(person: Person | None) -> dict[str, Any]:
    """The ticket form's initial values for a call from ``person``."""
    initial: dict[str, Any] = {"kind": TicketKind.INCIDENT, "channel": Channel.PHONE}
    if person is None:
        return initial
    initial.update({"requester": person.pk, "establishment": person.establishment_id})
    unit = (
        person.care_units.filter(is_active=True, establishment_id=person.establishment_id)
        .order_by("-criticality", "name")
        .first()
    )
    if unit is not None:
        initial["care_unit"] = unit.pk
    if person.room_id:
        initial["location"] = person.room_id
    return initial


def call_ticket_form(data: Any = None, *, user: Any, person: Person | None = None) -> TicketForm:
    return TicketForm(data, user=user, instance=Ticket(), initial=call_initial(person))
