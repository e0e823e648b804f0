"""What the ticket generators draw from: callers, their units and equipment.

Read from the database with ``values_list`` (tens of thousands of people and
items at the ``ght`` scale, a few queries, no model instances), so both the
service path (``demo_tickets``) and the bulk path (``demo_history``) run on
any database the organisation and CMDB parts filled, in this process or not.

A caller is an active person with a care unit; the ticket takes their
establishment, their first care unit and their room. The item of a call is
the caller's own workstation or phone when the subject is about one,
otherwise an item of that type in their establishment (or a shared one:
servers and applications live in the GHT's data centre), or the application
whose name starts as ``demo_data.Subject.item`` says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from caducee.cmdb.models import ConfigurationItem
from caducee.desk import demo_data as data
from caducee.desk.models import Category
from caducee.org.models import Person

PERSONAL_TYPES = ("workstation", "phone")


@dataclass
class Caller:
    pk: int
    establishment_id: int
    care_unit_id: int | None
    room_id: int | None
    user_id: int | None


@dataclass
class Pools:
    callers: list[Caller]
    by_establishment: dict[int, list[Caller]]
    items: dict[tuple[int | None, str], list[int]]
    apps: dict[str, int]
    personal: dict[tuple[int, str], int]
    item_types: dict[int, str]
    #: (kind, category pk, subject) per kind, with their weights.
    subjects: dict[str, list[tuple[int, data.Subject]]] = field(default_factory=dict)

    def subject_weights(self, kind: str) -> list[float]:
        return [s.weight for _pk, s in self.subjects[kind]]

    def item_for(self, rng: Any, subject: data.Subject, caller: Caller) -> int | None:
        spec = subject.item
        if not spec:
            return None
        if spec.startswith("app:"):
            return self.apps.get(spec[4:])
        own = self.personal.get((caller.pk, spec)) if spec in PERSONAL_TYPES else None
        if own is not None:
            return own
        pool = self.items.get((caller.establishment_id, spec)) or self.items.get((None, spec))
        return rng.choice(pool) if pool else None


def load_pools() -> Pools:
    today = timezone.localdate()
    units: dict[int, int] = {}
    for person_id, unit_id in Person.care_units.through.objects.order_by("pk").values_list(
        "person_id", "careunit_id"
    ):
        units.setdefault(person_id, unit_id)
    callers = [
        Caller(pk, est, units.get(pk), room, user)
        for pk, est, room, user in Person.objects.filter(
            Q(active_to__isnull=True) | Q(active_to__gte=today)
        )
        .order_by("pk")
        .values_list("pk", "establishment_id", "room_id", "user_id")
        if pk in units
    ]
    by_est: dict[int, list[Caller]] = defaultdict(list)
    for caller in callers:
        by_est[caller.establishment_id].append(caller)
    items: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    personal: dict[tuple[int, str], int] = {}
    item_types: dict[int, str] = {}
    names: list[tuple[str, int]] = []
    rows = ConfigurationItem.objects.filter(
        status__in=("in_production", "in_maintenance")
    ).order_by("pk")
    for pk, est, ci_type, owner, name in rows.values_list(
        "pk", "establishment_id", "ci_type", "assigned_to_id", "name"
    ):
        items[(est, ci_type)].append(pk)
        item_types[pk] = ci_type
        if owner is not None and ci_type in PERSONAL_TYPES:
            personal.setdefault((owner, ci_type), pk)
        if ci_type == "application" and est is None:
            names.append((name, pk))
    apps: dict[str, int] = {}
    for _kind_cat, subject in data.SUBJECTS.items():
        spec = subject.item
        if spec.startswith("app:") and spec[4:] not in apps:
            match = next((pk for name, pk in names if name.startswith(spec[4:])), None)
            if match is not None:
                apps[spec[4:]] = match
    categories = {
        (c.kind, c.full_name): c.pk for c in Category.objects.select_related("parent__parent")
    }
    subjects: dict[str, list[tuple[int, data.Subject]]] = defaultdict(list)
    for (kind, full_name), subject in data.SUBJECTS.items():
        if (kind, full_name) in categories:
            subjects[kind].append((categories[(kind, full_name)], subject))
    return Pools(callers, dict(by_est), dict(items), apps, personal, item_types, dict(subjects))
