"""Who uses what: a person's equipment and applications, an item's users.

Rule (issue "CMDB" point 5): when someone calls the desk, the agent sees in
one screen their workstation(s) and phone (items assigned to them), the
printers near them (in their room, else on their floor), the applications
their care units use (items related *used by* to those units), their room and
their manager. On an item, the people assigned to it and the care units that
use it with their head count. The service desk shows this beside every ticket,
so both functions cost a fixed, small number of queries whatever the size of
the GHT, and return only what ``user`` may see (``restrict()`` on every
query; an item of another establishment is simply absent).

Who is reached *through* an item (everyone behind a switch, every unit of the
EHR on a server) is the impact analysis's job (``services.impact``); it is
not repeated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, Relation, RelationKind
from caducee.cmdb.types import CIType
from caducee.core.services.scoping import can
from caducee.org.models import CareUnit, Person, Room

#: Items that are no longer anyone's equipment.
GONE = (LifecycleStatus.RETIRED, LifecycleStatus.DISPOSED)


@dataclass
class UnitApplications:
    care_unit: CareUnit
    applications: list[ConfigurationItem] = field(default_factory=list)


@dataclass
class PersonUsage:
    person: Person
    workstations: list[ConfigurationItem] = field(default_factory=list)
    phones: list[ConfigurationItem] = field(default_factory=list)
    #: Other items assigned to the person (a medical device, a tablet…).
    other_items: list[ConfigurationItem] = field(default_factory=list)
    printers: list[ConfigurationItem] = field(default_factory=list)
    #: "room" when the printers are in the person's room, "floor" when on
    #: their floor, "" when none was found or the person has no room.
    printers_near: str = ""
    #: Applications used by the person's care units, each once.
    applications: list[ConfigurationItem] = field(default_factory=list)
    #: The same, per care unit (a unit with no application is listed empty).
    units: list[UnitApplications] = field(default_factory=list)
    room: Room | None = None
    manager: Person | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.workstations
            or self.phones
            or self.other_items
            or self.printers
            or self.applications
        )


@dataclass
class UnitUse:
    care_unit: CareUnit
    people_count: int


@dataclass
class ItemUsers:
    item: ConfigurationItem
    people: list[Person] = field(default_factory=list)
    care_units: list[UnitUse] = field(default_factory=list)
    #: Care units using the item in establishments the user may not see:
    #: counted, not named.
    hidden_unit_count: int = 0

    @property
    def people_count(self) -> int:
        return sum(unit.people_count for unit in self.care_units)


def _visible_person(user: Any, person: Person | None) -> Person | None:
    """``person`` if ``user`` may read it (checked in memory, no query)."""
    if person is None or not can(user, Person, "view"):
        return None
    ids = user.establishment_ids()
    return person if ids is None or person.establishment_id in ids else None


def usage_for_person(person: Person, *, user: Any) -> PersonUsage:
    """Everything ``person`` works with, as far as ``user`` may see it.

    The caller has already loaded ``person`` through ``restrict()``. Five
    queries at most, whatever the data: the person's room and manager, their
    care units, their items, the printers near them, their units'
    applications.
    """
    loaded = (
        Person.objects.select_related("manager", "room__floor__building__site")
        .filter(pk=person.pk)
        .first()
    )
    person = loaded or person
    usage = PersonUsage(person=person, room=person.room)
    usage.manager = _visible_person(user, person.manager) if person.manager_id else None
    units = list(person.care_units.order_by("name"))
    if not can(user, ConfigurationItem, "view"):
        usage.units = [UnitApplications(unit) for unit in units]
        return usage
    items = ConfigurationItem.objects.restrict(user, "view").exclude(status__in=GONE)

    for item in items.filter(assigned_to=person).select_related("room").order_by("name", "pk"):
        if item.ci_type == CIType.WORKSTATION:
            usage.workstations.append(item)
        elif item.ci_type == CIType.PHONE:
            usage.phones.append(item)
        else:
            usage.other_items.append(item)

    if person.room_id:
        nearby = list(
            items.filter(ci_type=CIType.PRINTER)
            .filter(Q(room_id=person.room_id) | Q(room__floor_id=person.room.floor_id))
            .select_related("room")
            .order_by("name", "pk")
        )
        in_room = [p for p in nearby if p.room_id == person.room_id]
        usage.printers = in_room or nearby
        usage.printers_near = "room" if in_room else ("floor" if nearby else "")

    per_unit: dict[int, UnitApplications] = {u.pk: UnitApplications(u) for u in units}
    if per_unit:
        relations = (
            Relation.objects.filter(
                kind=RelationKind.USED_BY,
                care_unit_id__in=list(per_unit),
                source__ci_type=CIType.APPLICATION,
                source__in=items,
            )
            .select_related("source")
            .order_by("source__name", "source_id")
        )
        seen: dict[int, ConfigurationItem] = {}
        for relation in relations:
            application = seen.setdefault(relation.source_id, relation.source)
            per_unit[relation.care_unit_id].applications.append(application)
        usage.applications = list(seen.values())
    usage.units = list(per_unit.values())
    return usage


def users_of_item(item: ConfigurationItem, *, user: Any) -> ItemUsers:
    """The people assigned to ``item`` and the care units using it.

    Two queries: the assigned person (if any) and the *used by* relations
    with each unit's head count. Units of establishments outside the user's
    scope are counted in ``hidden_unit_count`` without their names.
    """
    result = ItemUsers(item=item)
    if item.assigned_to_id:
        assigned = Person.objects.filter(pk=item.assigned_to_id).first()
        visible = _visible_person(user, assigned)
        if visible is not None:
            result.people.append(visible)
    relations = (
        Relation.objects.filter(source=item, kind=RelationKind.USED_BY, care_unit__isnull=False)
        .select_related("care_unit__establishment")
        .annotate(people_count=Count("care_unit__people", distinct=True))
        .order_by("-care_unit__criticality", "care_unit__name")
    )
    ids = user.establishment_ids() if can(user, CareUnit, "view") else set()
    for relation in relations:
        unit = relation.care_unit
        if ids is None or unit.establishment_id in ids:
            result.care_units.append(UnitUse(unit, relation.people_count))
        else:
            result.hidden_unit_count += 1
    return result
