"""Identifiers of the French health system (see shared/REFERENCE.md).

FINESS: 9 characters; on all-digit numbers the last digit is a Luhn key, so a
typing error is caught before it spreads to contracts and reports. Corsican
numbers (2A/2B in the department position) are accepted on format alone: their
key rule is not verified. RPPS: 11 digits, no documented key, format only.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FINESS_RE = re.compile(r"^(\d{2}|2A|2B)\d{7}$")
RPPS_RE = re.compile(r"^\d{11}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(first_eight: str) -> str:
    """Append the Luhn key to eight digits (used by the demo generator)."""
    for key in "0123456789":
        if luhn_valid(first_eight + key):
            return first_eight + key
    raise ValueError(first_eight)  # pragma: no cover - a key always exists


def normalise_finess(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def validate_finess(value: str) -> None:
    number = normalise_finess(value)
    if not FINESS_RE.match(number):
        raise ValidationError(
            _("A FINESS number has 9 characters: digits, or 2A/2B for Corsica."),
            code="finess_format",
        )
    if number.isdigit() and not luhn_valid(number):
        raise ValidationError(
            _("This FINESS number's check key is wrong: check the last digit."),
            code="finess_key",
        )


def validate_rpps(value: str) -> None:
    if value and not RPPS_RE.match(value):
        raise ValidationError(_("An RPPS number has exactly 11 digits."), code="rpps_format")
