"""Response and resolution times written and read as people say them.

Contracts state times in hours and minutes ("4 h", "1 h 30"); the database
keeps minutes. Days are deliberately not used: whether "2 days" means 48 h
or two business days depends on the contract's calendar, which the SLA part
applies; hours say exactly what is meant.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_PATTERN = re.compile(
    r"^\s*(?:(?P<h>\d{1,6})\s*h(?:ours?|eures?)?)?\s*(?:(?P<m>\d{1,7})\s*(?:min(?:utes?)?|mn|m)?)?\s*$",
    re.IGNORECASE,
)


def format_minutes(minutes: int | None) -> str:
    """90 → "1 h 30 min", 240 → "4 h", 20 → "20 min"."""
    if minutes is None or minutes == "":
        return ""
    minutes = int(minutes)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)s min") % {"m": rest}
    if not rest:
        return _("%(h)s h") % {"h": hours}
    return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}


def parse_minutes(text: str | int) -> int:
    """Minutes from "4h", "4 h 30", "1h30min", "90" or "90 min"; else ``ValueError``."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    match = _PATTERN.match(str(text or ""))
    if not match or not (match.group("h") or match.group("m")):
        raise ValueError(_("Enter a duration such as 30 min, 4 h or 1 h 30."))
    return int(match.group("h") or 0) * 60 + int(match.group("m") or 0)
