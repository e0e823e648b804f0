"""The staff profile behind a portal account, and what the portal offers it.

Rule (issue "Channels" point 3): the portal asks "where are you?" with the
answer pre-filled from the person's profile — their own room and first care
unit — changeable among their establishment's. The care units are the
establishment's active units (tens to a few hundred: one list); the places
are the person's own room and the main rooms of those units (a care unit's
nurse station, where its computers are), not every room of a hospital,
which a phone list could not hold: anything else is said in the details.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caducee.org.models import CareUnit, Person, Room


def person_of(user: Any) -> Person | None:
    """The account's staff profile (``Person.user``), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Person.objects.select_related("establishment", "room")
        .prefetch_related("care_units")
        .filter(user=user)
        .first()
    )


def care_units_for(person: Person) -> QuerySet:
    """The active care units of the person's establishment."""
    return CareUnit.objects.filter(
        establishment_id=person.establishment_id, is_active=True
    ).order_by("name", "code")


def places_for(person: Person) -> QuerySet:
    """The person's room and the main rooms of their establishment's units."""
    unit_rooms = CareUnit.objects.filter(
        establishment_id=person.establishment_id, is_active=True, room__isnull=False
    ).values("room_id")
    queryset = Room.objects.filter(pk__in=unit_rooms)
    if person.room_id:
        queryset = queryset | Room.objects.filter(pk=person.room_id)
    return queryset.select_related("floor__building").order_by("floor__building__name", "code")


def default_care_unit(person: Person) -> CareUnit | None:
    units = [u for u in person.care_units.all() if u.is_active]
    return min(units, key=lambda u: (u.name, u.code)) if units else None
