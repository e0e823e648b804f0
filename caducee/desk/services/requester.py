"""What the desk shows beside a ticket and on the phone-call screen: who the
requester is, what they work with, what else they asked, similar tickets,
and finding a caller in a few keystrokes.

Rule (issue "Service desk core" points 5 and 6): an agent on the phone must
see in one glance the caller's care unit, room, phone, manager, their
equipment from the CMDB (items assigned to them) and their other open
tickets — a second call about the same frozen screen is a note on the first
ticket, not a new one. "Similar open tickets" are those still open, recorded
in the last ``SIMILAR_DAYS`` days, that share a configuration item with the
ticket, or have its category and care unit: the signs of one outage reported
several times, which an agent links rather than works twice.

Read-only helpers: every query starts from ``restrict()`` (STYLE.md
principle 11), so a person, item or ticket outside the user's scope is simply
absent. Each function costs a fixed number of queries, whatever the data;
lists are capped (the page shows the first ones and a count).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import Replace
from django.utils import timezone

from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, Relation, RelationKind
from caducee.core.services.scoping import can
from caducee.desk.models import OPEN_STATUSES, Ticket
from caducee.org.models import CareUnit, Person

#: Open tickets younger than this count as "similar" (days).
SIMILAR_DAYS = 30
#: Tickets sharing an item looked at, the most recently recorded first: an
#: item named on more within a month is an outage already well reported.
SIMILAR_CANDIDATES = 500
#: Rows listed per block of the side column and per search.
LIST_LIMIT = 10
SEARCH_LIMIT = 20
#: Items no longer anyone's equipment.
GONE = (LifecycleStatus.RETIRED, LifecycleStatus.DISPOSED)
#: What a phone number may be typed with: "01 02 03", "01.02.03", "+33 1…".
_PHONE_NOISE = re.compile(r"[\s.\-/()]")
_DIGITS = re.compile(r"^\+?\d+$")


@dataclass
class RequesterCard:
    person: Person
    care_units: list[CareUnit] = field(default_factory=list)
    manager: Person | None = None
    #: Items assigned to the person (workstation, phone, devices…).
    equipment: list[ConfigurationItem] = field(default_factory=list)
    #: Their open tickets (the current one excluded), newest first.
    open_tickets: list[Ticket] = field(default_factory=list)
    open_count: int = 0

    @property
    def room(self):
        return self.person.room

    @property
    def phone(self) -> str:
        return self.person.phone or self.person.mobile


def _visible(user: Any, person: Person | None) -> Person | None:
    """``person`` if ``user`` may read it (in memory, no query)."""
    if person is None or not can(user, Person, "view"):
        return None
    ids = user.establishment_ids()
    return person if ids is None or person.establishment_id in ids else None


def people(user: Any) -> QuerySet:
    return Person.objects.restrict(user, "view")


def person_for(user: Any, pk: Any) -> Person | None:
    """The person ``pk`` as ``user`` may see them, with what the card shows."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        people(user)
        .select_related("establishment", "room", "manager", "job", "user")
        .filter(pk=pk)
        .first()
    )


def equipment_of(person: Person, *, user: Any) -> list[ConfigurationItem]:
    """Items assigned to ``person`` that ``user`` may see (one query)."""
    if not can(user, ConfigurationItem, "view"):
        return []
    return list(
        ConfigurationItem.objects.restrict(user, "view")
        .filter(assigned_to=person)
        .exclude(status__in=GONE)
        .order_by("ci_type", "name", "pk")[:SEARCH_LIMIT]
    )


def open_tickets_of(
    person: Person, *, user: Any, exclude: int | None = None
) -> tuple[list[Ticket], int]:
    """The person's open tickets (newest first, capped) and how many there
    are, in one query: the count is a window over the same rows."""
    rows = Ticket.objects.restrict(user, "view").filter(requester=person, status__in=OPEN_STATUSES)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    listed = list(
        rows.only("pk", "number", "title", "status", "priority", "created_at")
        .annotate(open_total=Window(Count("pk")))
        .order_by("-created_at")[:LIST_LIMIT]
    )
    return listed, listed[0].open_total if listed else 0


def requester_card(
    person: Person, *, user: Any, exclude_ticket: int | None = None
) -> RequesterCard:
    """The card of ``person`` as ``user`` may see it (about four queries).

    ``person`` should come with its room and manager loaded (``person_for``).
    """
    card = RequesterCard(person=person)
    card.care_units = list(person.care_units.order_by("-criticality", "name"))
    card.manager = _visible(user, person.manager) if person.manager_id else None
    card.equipment = equipment_of(person, user=user)
    card.open_tickets, card.open_count = open_tickets_of(person, user=user, exclude=exclude_ticket)
    return card


def similar_tickets(ticket: Ticket, *, user: Any, limit: int = LIST_LIMIT) -> list[Ticket]:
    """Open tickets of the last ``SIMILAR_DAYS`` days sharing an item with
    ``ticket``, or its category and care unit (see the module docstring)."""
    item_ids = [item.pk for item in ticket.configuration_items.all()]
    condition = Q()
    if item_ids:
        # The tickets sharing an item are read first, newest links first, and
        # handed on as ids. As a subquery, PostgreSQL misjudges how many open
        # tickets are recent (the two go together) and walked every recent
        # open ticket of the GHT instead of the item's few (19 ms, not 1).
        shared = list(
            Ticket.configuration_items.through.objects.filter(configurationitem_id__in=item_ids)
            .exclude(ticket_id=ticket.pk)
            .order_by("-ticket_id")
            .values_list("ticket_id", flat=True)[:SIMILAR_CANDIDATES]
        )
        if shared:
            condition |= Q(pk__in=shared)
    if ticket.category_id and ticket.care_unit_id:
        condition |= Q(category_id=ticket.category_id, care_unit_id=ticket.care_unit_id)
    if not condition:
        return []
    since = timezone.now() - dt.timedelta(days=SIMILAR_DAYS)
    return list(
        Ticket.objects.restrict(user, "view")
        .filter(condition, status__in=OPEN_STATUSES, created_at__gte=since)
        .exclude(pk=ticket.pk)
        .only("pk", "number", "title", "status", "priority", "created_at")
        .order_by("priority", "-created_at")[:limit]
    )


# --- finding a caller ------------------------------------------------------------------
def normalise_phone(text: str) -> str:
    """ "01 02.03-04 05" → "0102030405"; "+33 1 02…" → "33102…"."""
    return _PHONE_NOISE.sub("", text or "").lstrip("+")


def looks_like_phone(text: str) -> bool:
    cleaned = _PHONE_NOISE.sub("", text or "")
    return bool(_DIGITS.match(cleaned)) and len(cleaned.lstrip("+")) >= 2


def _digits_only(field_name: str) -> Replace:
    """The column without the spaces, dots, dashes and slashes people type."""
    expression: Any = field_name
    for noise in (" ", ".", "-", "/"):
        expression = Replace(expression, Value(noise), Value(""))
    return expression


def search_people(text: str, *, user: Any, limit: int = SEARCH_LIMIT) -> list[Person]:
    """Callers matching ``text``: a phone number (its end, so an extension
    or the last digits are enough; spaces and dots ignored), else every word
    in the first or last name, or the caller's room (code or name) or care
    unit (name or UF code). At least two characters."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    rows = people(user)
    # A room or a care unit by its code ("101", UF "4101") is typed like a number.
    units = CareUnit.objects.filter(code__iexact=text)
    place = Q(room__code__iexact=text)
    if looks_like_phone(text):
        digits = normalise_phone(text)
        if digits.startswith("33") and len(digits) > 9:  # +33 1 02… is 01 02…
            digits = digits[-9:]
        rows = rows.annotate(
            phone_digits=_digits_only("phone"), mobile_digits=_digits_only("mobile")
        )
        found = Q(phone_digits__endswith=digits) | Q(mobile_digits__endswith=digits)
    else:
        found = Q()
        for word in text.split()[:4]:
            found &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        place |= Q(room__name__icontains=text)
        units = CareUnit.objects.filter(Q(name__icontains=text) | Q(code__iexact=text))
    rows = rows.filter(found | place | Q(care_units__in=units.values("pk"))).distinct()
    return list(
        rows.select_related("establishment", "room", "job")
        .prefetch_related(
            Prefetch("care_units", queryset=CareUnit.objects.order_by("-criticality", "name"))
        )
        .order_by("last_name", "first_name", "pk")[:limit]
    )


def default_item_ids(person: Person | None, care_unit: CareUnit | None, *, user: Any) -> list[int]:
    """The items an agent most likely means for this caller: their equipment,
    the items in their room, and the items their care unit uses (two
    queries). Scoped; capped."""
    if not can(user, ConfigurationItem, "view"):
        return []
    condition = Q()
    unit_ids: list[int] = []
    if care_unit is not None:
        unit_ids.append(care_unit.pk)
    if person is not None:
        condition |= Q(assigned_to=person)
        if person.room_id:
            condition |= Q(room_id=person.room_id)
        if not unit_ids:
            unit_ids = list(person.care_units.values_list("pk", flat=True))
    if unit_ids:
        used = Relation.objects.filter(kind=RelationKind.USED_BY, care_unit_id__in=unit_ids).values(
            "source_id"
        )
        condition |= Q(pk__in=used)
    if not condition:
        return []
    return list(
        ConfigurationItem.objects.restrict(user, "view")
        .filter(condition)
        .exclude(status__in=GONE)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:200]
    )


def search_items(
    text: str,
    *,
    user: Any,
    among: Iterable[int] | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[ConfigurationItem]:
    """Items by name, hostname or asset tag (and serial), scoped, at most
    ``limit``; ``among`` limits them to these ids (the caller's items).
    With ``among`` and no text, those items themselves."""
    text = (text or "").strip()
    rows = ConfigurationItem.objects.restrict(user, "view").exclude(status__in=GONE)
    if among is not None:
        rows = rows.filter(pk__in=list(among))
    elif len(text) < 2:
        return []
    if text:
        rows = rows.filter(
            Q(name__icontains=text)
            | Q(hostname__startswith=text.lower())
            | Q(asset_tag__iexact=text)
            | Q(serial_number__iexact=text)
        )
    return list(rows.select_related("establishment", "room").order_by("name", "pk")[:limit])
