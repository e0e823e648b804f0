"""Related tickets: duplicates, causes, parents and children, a problem's incidents.

Rule (ITIL incident matching and problem management; see
``caducee.desk.models.links``): a duplicate and a child are of the same kind
as their target, only an incident is linked to a problem, a ticket is the
duplicate, child or incident of at most one ticket, and duplicates, parents
and causes never loop back (A caused by B caused by A explains nothing).
Linking changes the source ticket: it needs the right to change it (and its
version moves, so its ETag does), and only the right to see the target,
which may belong to another establishment — a problem in the shared data
centre gathers incidents from every hospital. Closed and cancelled tickets
may be linked too: problem management links past incidents to the problem
found behind them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core.services import objects as object_services
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can
from caducee.desk.models import LinkKind, Ticket, TicketKind, TicketLink
from caducee.desk.models.links import SINGLE_TARGET_KINDS
from caducee.desk.services.common import locked, record_event, save

#: Kinds whose chains must not loop.
ACYCLIC_KINDS = frozenset({LinkKind.DUPLICATE_OF, LinkKind.CHILD_OF, LinkKind.CAUSED_BY})
SAME_KIND = frozenset({LinkKind.DUPLICATE_OF, LinkKind.CHILD_OF})


def _reaches(start: int, goal: int, kind: str) -> bool:
    """Whether following ``kind`` links from ``start`` leads to ``goal``."""
    seen, frontier = {start}, [start]
    while frontier:
        following = list(
            TicketLink.objects.filter(source_id__in=frontier, kind=kind).values_list(
                "target_id", flat=True
            )
        )
        if goal in following:
            return True
        frontier = [pk for pk in following if pk not in seen]
        seen.update(frontier)
    return False


def _check(source: Ticket, target: Ticket, kind: str) -> None:
    if kind not in LinkKind.values:
        raise DomainError(_("Unknown kind of link."), field="kind")
    if source.pk == target.pk:
        raise DomainError(_("A ticket cannot be linked to itself."), field="target")
    if kind in SAME_KIND and source.kind != target.kind:
        raise DomainError(
            _("%(kind)s links tickets of the same kind.") % {"kind": LinkKind(kind).label},
            field="target",
        )
    if kind == LinkKind.PROBLEM and (
        source.kind != TicketKind.INCIDENT or target.kind != TicketKind.PROBLEM
    ):
        raise DomainError(_("Only an incident is linked to a problem."), field="target")
    if TicketLink.objects.filter(source=source, kind=kind, target=target).exists():
        raise Conflict(_("These tickets are already linked so."), code="exists")
    if kind in SINGLE_TARGET_KINDS:
        existing = TicketLink.objects.filter(source=source, kind=kind).first()
        if existing is not None:
            raise Conflict(
                _("%(source)s is already “%(kind)s” %(target)s: remove that link first.")
                % {
                    "source": source.number,
                    "kind": LinkKind(kind).label.lower(),
                    "target": existing.target.number,
                },
                code="exists",
            )
    if kind in ACYCLIC_KINDS and _reaches(target.pk, source.pk, kind):
        raise DomainError(
            _("%(target)s already leads back to %(source)s: the link would loop.")
            % {"target": target.number, "source": source.number},
            field="target",
        )


def link_tickets(
    source: Ticket,
    target: Ticket,
    *,
    actor: Any,
    kind: str,
    expected_version: int | None = None,
) -> TicketLink:
    """Link ``source`` to ``target``: ``source`` is a duplicate of / caused
    by / a child of ``target``, or the incident of the problem ``target``."""
    if not can(actor, TicketLink, "add"):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        current = locked(source, actor=actor, expected_version=expected_version)
        other = Ticket.objects.restrict(actor, "view").filter(pk=target.pk).first()
        if other is None:
            raise DomainError(_("Unknown ticket, or outside your scope."), field="target")
        _check(current, other, kind)
        link = object_services.create_object(
            TicketLink(source=current, kind=kind, target=other), actor=actor
        )
        current = save(current, actor=actor)
        record_event(
            actor,
            "desk.tickets_linked",
            current,
            {"kind": kind, "target": other.number, "target_id": other.pk},
        )
    return link


def unlink_tickets(link: TicketLink, *, actor: Any, expected_version: int | None = None) -> Ticket:
    """Remove a link; returns the source ticket (its version moved)."""
    if not can(actor, TicketLink, "delete"):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        current = locked(link.source, actor=actor, expected_version=expected_version)
        row = TicketLink.objects.filter(pk=link.pk, source=current).first()
        if row is None:
            raise DomainError(_("This link no longer exists."), code="not_found")
        data = {"kind": row.kind, "target": row.target.number, "target_id": row.target_id}
        object_services.delete_object(row, actor=actor)
        current = save(current, actor=actor)
        record_event(actor, "desk.tickets_unlinked", current, data)
    return current
