"""Cell values as hospital spreadsheets write them, turned into field values.

Files come from many hands: a type may be written ``workstation``,
``Workstation`` or ``Poste de travail``; a flag ``oui``, ``x`` or ``1``; a
date ``2024-03-01`` or ``01/03/2024``. Choices are recognised by their code or
their label in any language of the interface, compared without case, accents
or punctuation (``caducee.core.imports.normalise_header``), so a French file
imports the same for an English-speaking user.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from caducee.core.imports import FALSE_WORDS, TRUE_WORDS, CellError, normalise_header

_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@functools.lru_cache(maxsize=4096)
def word(raw: str) -> str:
    """``normalise_header`` remembered: a column repeats a few values 25,000 times."""
    return normalise_header(raw)


class Choices:
    """Codes and labels of a set of choices, in every interface language."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]):
        self.codes: list[str] = []
        self.by_word: dict[str, Any] = {}
        for value, label in choices:
            self.codes.append(str(value))
            self.by_word[normalise_header(str(value))] = value
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    self.by_word.setdefault(normalise_header(str(label)), value)

    def parse(self, raw: str) -> Any:
        value = self.by_word.get(word(raw))
        if value is None:
            raise CellError(
                _("“%(value)s” is not one of: %(codes)s.")
                % {"value": raw, "codes": ", ".join(self.codes)}
            )
        return value


def parse_bool(raw: str) -> bool:
    normalised = word(raw)
    if normalised in TRUE_WORDS:
        return True
    if normalised in FALSE_WORDS:
        return False
    raise CellError(_("Enter yes or no (oui/non)."))


def parse_date(raw: str) -> dt.date | None:
    text = raw.strip()
    if not text:
        return None
    match = _FRENCH_DATE.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise CellError(_("Enter a date as YYYY-MM-DD or DD/MM/YYYY.")) from None


def casefold(value: str) -> str:
    return (value or "").strip().casefold()
