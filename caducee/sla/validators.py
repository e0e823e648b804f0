"""Validation of a calendar's time zone against the installed tz database.

A calendar's opening hours are wall-clock times of the place it serves; an
unknown zone would make every deadline wrong, so only names that zoneinfo
lists (``Europe/Paris``, ``Indian/Reunion``…) are accepted, spelled exactly.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("Enter a time zone of the tz database, such as Europe/Paris."),
            code="invalid_time_zone",
        )
