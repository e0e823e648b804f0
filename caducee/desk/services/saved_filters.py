"""Saved queue filters: an agent keeps the filters they use under a name.

Rule (issue "Service desk core" point 6): a saved filter is a name and the
query string of the queue page — the TicketFilterSet's own parameters, so
the API reads the same filter. It belongs to the agent who saved it; shared,
it is listed for every colleague who works tickets. Names are unique per
owner (a field error, not a database error); only the owner deletes it.
What a filter shows is always cut to the reader's scope by the queue page,
so sharing a filter shares a question, never tickets.

Who may save: those who work tickets (``desk.change_ticket``). The saved
filter's own role permissions are not given to the desk roles: a filter is
the agent's own record, so the rule is "works tickets" + ownership, checked
here; the save and the deletion are audited by ``AuditedModel`` under the
actor, as ``create_object``/``delete_object`` would write them.

The query kept is normalised: parameters the FilterSet does not know and
the page number are dropped, so a filter saved on page 3 opens at page 1.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can
from caducee.desk.filters.tickets import TicketFilterSet
from caducee.desk.models import SavedFilter, Ticket

__all__ = ["delete_filter", "filters_for", "normalise_query", "save_filter"]

QUERY_LENGTH = SavedFilter._meta.get_field("query").max_length
NAME_LENGTH = SavedFilter._meta.get_field("name").max_length


def _require_worker(actor: Any) -> None:
    if not can(actor, Ticket, "change"):
        raise PermissionDenied(_("Only those who work tickets keep queue filters."))


def normalise_query(query: str) -> str:
    """The query string with only the FilterSet's parameters, no page."""
    known = set(TicketFilterSet.base_filters)
    source = QueryDict(query.lstrip("?"))
    kept = QueryDict(mutable=True)
    for key in sorted(source):
        if key in known:
            values = [v for v in source.getlist(key) if v != ""]
            if values:
                kept.setlist(key, values)
    return kept.urlencode()


def save_filter(*, actor: Any, name: str, query: str, shared: bool = False) -> SavedFilter:
    """Keep ``query`` under ``name`` for ``actor`` (shared with colleagues or not)."""
    _require_worker(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the filter a name."), field="name", code="required")
    if len(name) > NAME_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": NAME_LENGTH}, field="name", code="too_long"
        )
    normalised = normalise_query(query or "")
    if len(normalised) > QUERY_LENGTH:
        raise DomainError(_("This filter is too long to keep."), field="query", code="too_long")
    if SavedFilter.objects.filter(owner=actor, name__iexact=name).exists():
        raise DomainError(
            _("You already have a filter named “%(name)s”.") % {"name": name},
            field="name",
            code="duplicate",
        )
    saved = SavedFilter(owner=actor, name=name, query=normalised, shared=bool(shared))
    try:
        saved.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="name") from exc
    with context.acting_as(actor), transaction.atomic():
        try:
            saved.save()
        except IntegrityError as exc:  # a double submit racing the check above
            raise DomainError(
                _("You already have a filter named “%(name)s”.") % {"name": name},
                field="name",
                code="duplicate",
            ) from exc
    return saved


def delete_filter(saved: SavedFilter, *, actor: Any) -> None:
    """Delete one of the actor's own filters (a shared one stays the owner's)."""
    _require_worker(actor)
    if saved.owner_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only its owner deletes a saved filter."))
    with context.acting_as(actor), transaction.atomic():
        saved.delete()


def filters_for(user: Any) -> models.QuerySet[SavedFilter]:
    """The user's own filters and those colleagues share, own first."""
    if not can(user, Ticket, "change"):
        return SavedFilter.objects.none()
    mine = models.Q(owner=user)
    return (
        SavedFilter.objects.filter(mine | models.Q(shared=True, owner__is_active=True))
        .select_related("owner")
        .annotate(
            is_mine=models.Case(
                models.When(mine, then=True), default=False, output_field=models.BooleanField()
            )
        )
        .order_by("-is_mine", "name", "pk")
    )
