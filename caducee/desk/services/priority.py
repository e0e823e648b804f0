"""Priority from clinical impact: the impact mapping, the matrix, a ticket's priority.

Rule (DESIGN.md "Clinical impact drives priority"; ITIL impact × urgency):

1. **Impact** comes from the care units a ticket hurts. ``impact_level`` is
   the one mapping, a pure function of the highest clinical criticality
   reached and the number of people reached:

   ==========================  ===========  ===============================
   highest unit reached         impact       with ≥ ``MANY_PEOPLE`` people
   ==========================  ===========  ===============================
   life-critical (ICU, ER…)     1 critical   1 critical
   high (inpatient wards)       2 high       1 critical
   medium (consultations)       3 medium     2 high
   low (administration)         4 low        3 medium
   none reached                 4 low        (people are only counted in units)
   ==========================  ===========  ===============================

   ``MANY_PEOPLE`` is 100: the staff of two or three wards, a whole pole —
   beyond one unit's team, an outage of that size needs the next level of
   response whatever the units. It raises the impact one level, never past
   critical. The mapping is monotonic: reaching a more critical unit or more
   people never lowers the impact (a property test checks it).

2. **What is reached.** For incidents and problems with configuration
   items, the CMDB's ``analyse_impact`` of those items (what goes down with
   them, the units that use any of it, their people today). Whatever the
   items, the care unit the ticket comes from — the ticket's own care unit,
   else the requester's most critical active unit — is hurt too (one
   person): the impact is the more serious of the two. Without that rule,
   an agent who qualifies a call properly (adding the ICU printer that
   reaches no unit in the CMDB) would lower the priority of the same call
   left unqualified. Service requests take only the care-unit path: nothing
   is down, so what the CMDB says would go down does not measure them.

3. **Priority** is the matrix cell (``PriorityMatrixCell``, see
   ``caducee.desk.models.priority``) of (impact, urgency) — except that an
   **incident** whose items include or take down a patient-safety-critical
   item (an ECG monitor, an infusion pump) is P1 whatever the matrix says:
   an incident is the report that its items are down.

The matrix is read in one small query per computation (16 rows); no cache,
so a change by an administrator applies at once in every process. A change
of the matrix applies to each ticket at its next computation (when its
items, urgency, care unit or requester change); open tickets are not
recomputed in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from caducee.cmdb.models import Priority
from caducee.cmdb.services.impact import analyse_impact
from caducee.core.services import objects as object_services
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can
from caducee.desk.models import (
    Impact,
    ImpactSource,
    PriorityMatrixCell,
    TicketKind,
    Urgency,
)
from caducee.desk.services import configuration
from caducee.org.models import CareUnit, Criticality, Person

#: People reached from which the impact rises one level.
MANY_PEOPLE = 100

#: Impact of the most critical unit reached, before counting people.
UNIT_IMPACT: dict[int | None, Impact] = {
    Criticality.LIFE_CRITICAL: Impact.CRITICAL,
    Criticality.HIGH: Impact.HIGH,
    Criticality.MEDIUM: Impact.MEDIUM,
    Criticality.LOW: Impact.LOW,
    None: Impact.LOW,
}

#: Kinds whose configuration items are analysed as down (see rule 2).
CMDB_IMPACT_KINDS = frozenset({TicketKind.INCIDENT, TicketKind.PROBLEM})
#: Kinds for which a patient-safety-critical item down means P1 (rule 3).
PATIENT_SAFETY_KINDS = frozenset({TicketKind.INCIDENT})


def impact_level(highest_criticality: int | None, people: int) -> Impact:
    """The impact of hurting units up to ``highest_criticality`` (``None``:
    no unit) and ``people`` people. Pure; see the module docstring."""
    level = int(UNIT_IMPACT[highest_criticality])
    if people >= MANY_PEOPLE:
        level -= 1
    return Impact(max(level, Impact.CRITICAL))


def load_matrix() -> dict[tuple[int, int], int]:
    """The matrix as ``{(impact, urgency): priority}`` (a copy of the one
    kept per process, ``desk.services.configuration``); pairs missing from
    the table take the ITIL default."""
    return configuration.matrix()


def matrix_priority(
    impact: int, urgency: int, matrix: Mapping[tuple[int, int], int] | None = None
) -> Priority:
    if impact not in Impact.values or urgency not in Urgency.values:
        raise DomainError(_("Impact and urgency go from 1 (critical) to 4 (low)."))
    matrix = load_matrix() if matrix is None else matrix
    return Priority(matrix[(impact, urgency)])


@dataclass(frozen=True)
class Assessment:
    """Why a ticket has its computed priority (for the page and the trail)."""

    impact: Impact
    urgency: Urgency
    priority: Priority
    source: str
    patient_safety: bool
    #: The most critical care-unit criticality reached (None: none).
    highest_criticality: int | None
    people: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "impact": int(self.impact),
            "urgency": int(self.urgency),
            "priority": int(self.priority),
            "source": self.source,
            "patient_safety": self.patient_safety,
            "highest_criticality": self.highest_criticality,
            "people": self.people,
        }


@dataclass(frozen=True)
class _Reach:
    impact: Impact
    source: str
    highest: int | None
    people: int
    patient_safety: bool = False


#: Set on a requester read by ``with_unit_criticality``.
UNIT_CRITICALITY = "unit_criticality"


def _top_unit(person: Any) -> QuerySet:
    return (
        CareUnit.objects.filter(people=person, is_active=True)
        .order_by("-criticality", "pk")
        .values("criticality")[:1]
    )


def with_unit_criticality(people: QuerySet) -> QuerySet:
    """People read together with the criticality of their most critical
    active care unit, which a ticket they ask for starts its priority from:
    a requester chosen from these costs the priority no read of its own.

    The subquery is written in SQL: built with ``Subquery``/``OuterRef``,
    compiling it took the ORM longer than the separate query it saves. It
    names the people's table, so use it on a queryset of people, not
    inside another query."""
    quote = connection.ops.quote_name
    field = Person._meta.get_field("care_units")
    link = field.remote_field.through._meta
    to_unit = quote(link.get_field(field.m2m_reverse_field_name()).column)
    to_person = quote(link.get_field(field.m2m_field_name()).column)
    unit, person = quote(CareUnit._meta.db_table), quote(Person._meta.db_table)
    table = quote(link.db_table)
    sql = (
        f"SELECT u.criticality FROM {unit} u JOIN {table} l ON l.{to_unit} = u.id "  # noqa: S608
        f"WHERE l.{to_person} = {person}.id AND u.is_active "
        "ORDER BY u.criticality DESC, u.id LIMIT 1"
    )
    return people.annotate(**{UNIT_CRITICALITY: RawSQL(sql, ())})  # noqa: S611 - our names


def _origin_unit(ticket: Any) -> tuple[int | None, str]:
    """The criticality of the care unit the ticket comes from: its own, else
    the requester's most critical active unit (read as one value: only the
    criticality counts here)."""
    if ticket.care_unit_id:
        unit = ticket.care_unit
        if unit.is_active:
            return unit.criticality, ImpactSource.CARE_UNIT
    if ticket.requester_id:
        requester = ticket.requester
        if UNIT_CRITICALITY in requester.__dict__:
            criticality = requester.__dict__[UNIT_CRITICALITY]
        else:
            row = next(iter(_top_unit(requester)), None)
            criticality = row["criticality"] if row else None
        if criticality is not None:
            return criticality, ImpactSource.REQUESTER
    return None, ImpactSource.NONE


def _reach(ticket: Any, item_ids: tuple[int, ...]) -> _Reach:
    criticality, source = _origin_unit(ticket)
    origin = (
        _Reach(impact_level(criticality, 1), source, criticality, 1)
        if criticality is not None
        else _Reach(impact_level(None, 0), ImpactSource.NONE, None, 0)
    )
    if not item_ids or ticket.kind not in CMDB_IMPACT_KINDS:
        return origin
    result = analyse_impact(item_ids)
    highest = result.highest_criticality
    highest = int(highest) if highest is not None else None
    cmdb = _Reach(
        impact_level(highest, result.people),
        ImpactSource.CMDB,
        highest,
        result.people,
        patient_safety=ticket.kind in PATIENT_SAFETY_KINDS and result.patient_safety,
    )
    if origin.impact < cmdb.impact:  # the unit the call comes from is hurt more
        return _Reach(
            origin.impact, origin.source, origin.highest, origin.people, cmdb.patient_safety
        )
    return cmdb


def compute_priority(
    ticket: Any,
    *,
    item_ids: Iterable[int] | None = None,
    matrix: Mapping[tuple[int, int], int] | None = None,
) -> Assessment:
    """The priority the rules give ``ticket`` (saved or not).

    ``item_ids`` are its configuration items (default: those saved on it).
    Reads the CMDB graph (cached) and the matrix; writes nothing.
    """
    if item_ids is None:
        item_ids = ticket.configuration_items.values_list("pk", flat=True) if ticket.pk else ()
    ids = tuple(sorted(set(item_ids)))
    reach = _reach(ticket, ids)
    urgency = Urgency(ticket.urgency)
    priority = (
        Priority.P1 if reach.patient_safety else matrix_priority(reach.impact, urgency, matrix)
    )
    return Assessment(
        impact=reach.impact,
        urgency=urgency,
        priority=priority,
        source=reach.source,
        patient_safety=reach.patient_safety,
        highest_criticality=reach.highest,
        people=reach.people,
    )


def set_matrix_cell(*, actor: Any, impact: int, urgency: int, priority: int) -> PriorityMatrixCell:
    """Change one cell of the matrix (administrators of the whole GHT: the
    matrix decides the priority of every establishment's tickets)."""
    if not can(actor, PriorityMatrixCell, "change"):
        raise PermissionDenied(_("You are not allowed to change the priority matrix."))
    if actor.establishment_ids() is not None:
        raise PermissionDenied(
            _("The priority matrix applies to the whole GHT: only those who see it may change it.")
        )
    cell = PriorityMatrixCell.objects.filter(impact=impact, urgency=urgency).first()
    if cell is None:
        cell = PriorityMatrixCell(impact=impact, urgency=urgency, priority=priority)
        if not can(actor, PriorityMatrixCell, "add"):
            raise PermissionDenied(_("You are not allowed to change the priority matrix."))
        return object_services.create_object(cell, actor=actor)
    cell.priority = priority
    return object_services.update_object(cell, actor=actor)
