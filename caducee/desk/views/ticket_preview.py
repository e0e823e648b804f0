"""The priority preview of the ticket forms: what the rules would give the
ticket being typed, before it is saved.

Rule (issue "Service desk core" point 2): the agent sees the priority the
matrix gives — from the items' impact, the care unit, the urgency — while
qualifying a call, so a P1 is known as such before the ticket exists. It is
``compute_priority`` on an unsaved ticket; only what the agent may see
counts (people, units and items through ``restrict()``), so the preview
never reveals an item outside the scope. Writes nothing.
"""

from __future__ import annotations

from typing import Any

from caducee.cmdb.models import ConfigurationItem
from caducee.core.services.errors import DomainError
from caducee.desk.models import ImpactSource, Ticket, TicketKind, Urgency
from caducee.desk.services import requester as requester_services
from caducee.desk.services.priority import compute_priority
from caducee.org.models import CareUnit


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def preview_context(
    user: Any,
    *,
    kind: Any = None,
    urgency: Any = None,
    requester: Any = None,
    care_unit: Any = None,
    items: Any = (),
) -> dict[str, Any]:
    """The priority the rules would give a ticket with these inputs:
    ``compute_priority`` on an unsaved ticket, with only what ``user`` may
    see (people, care units and items through ``restrict()``)."""
    kind = kind if kind in TicketKind.values else TicketKind.INCIDENT
    urgency = _int(urgency)
    ticket = Ticket(kind=kind, urgency=urgency if urgency in Urgency.values else Urgency.MEDIUM)
    person = requester_services.person_for(user, requester)
    if person is not None:
        ticket.requester = person
    unit_id = _int(care_unit)
    if unit_id:
        ticket.care_unit = CareUnit.objects.restrict(user, "view").filter(pk=unit_id).first()
    wanted = [pk for pk in (_int(getattr(v, "pk", v)) for v in items or ()) if pk][:100]
    item_ids = []
    if wanted:
        item_ids = list(
            ConfigurationItem.objects.restrict(user, "view")
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
    try:
        assessment = compute_priority(ticket, item_ids=item_ids)
    except DomainError:
        return {"assessment": None, "source_label": ""}
    return {"assessment": assessment, "source_label": ImpactSource(assessment.source).label}


def form_value(form: Any, name: str) -> Any:
    """What a ticket form holds for ``name``: posted, initial, or the ticket's."""
    if form.is_bound:
        return form.data.getlist(name) if name == "items" else form.data.get(name)
    if name in form.initial:
        return form.initial[name]
    ticket = form.instance
    if ticket.pk is None:
        return None
    if name == "items":
        return [item.pk for item in ticket.configuration_items.all()]
    return (
        getattr(ticket, name, None)
        if name in ("kind", "urgency")
        else getattr(ticket, f"{name}_id", None)
    )


def form_preview(user: Any, form: Any) -> dict[str, Any]:
    """The preview of the ticket ``form`` as first shown (``preview`` key)."""
    values = {
        name: form_value(form, name) for name in ("kind", "urgency", "requester", "care_unit")
    }
    if values["urgency"] is None:
        values["urgency"] = (
            form.fields["urgency"].initial or Ticket._meta.get_field("urgency").get_default()
        )
    if values["kind"] is None:
        values["kind"] = form.instance.kind or None
    return {"preview": preview_context(user, items=form_value(form, "items") or (), **values)}
