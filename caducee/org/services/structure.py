"""Changes to the organisation's structure.

Creating an establishment also gives it the default day/evening/night shifts
(3 × 8 h, editable afterwards), in the same transaction and audit trail.
Everything else is plain reference data: the audited generic services apply.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from caducee.core import context
from caducee.core.services import objects
from caducee.org.models import Establishment, ShiftDefinition
from caducee.org.models.units import DEFAULT_SHIFTS


def create_establishment(
    instance: Establishment, *, actor: Any, m2m: dict | None = None
) -> Establishment:
    with transaction.atomic():
        establishment = objects.create_object(instance, actor=actor, m2m=m2m)
        with context.acting_as(actor):
            add_default_shifts(establishment)
    return establishment


def add_default_shifts(establishment: Establishment) -> list[ShiftDefinition]:
    created = []
    for order, (code, name, start, end) in enumerate(DEFAULT_SHIFTS):
        shift, was_created = ShiftDefinition.objects.get_or_create(
            establishment=establishment,
            code=code,
            defaults={"name": str(name), "starts_at": start, "ends_at": end, "order": order},
        )
        if was_created:
            created.append(shift)
    return created
