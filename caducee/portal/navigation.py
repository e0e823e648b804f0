"""The "Portal" menu, and where a requester-only account lands.

Staff who only ask for help (the requester role and nothing else) land on the
portal after signing in (``landing``, read by ``core.navigation.landing_for``);
everyone else keeps the home page and finds the portal in the menu.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem
from caducee.core.roles import REQUESTER

MENU = [
    MenuGroup(
        label=_("Help"),
        order=5,
        items=[
            MenuItem(_("Report a problem"), "portal:report", "desk.add_ticket"),
            MenuItem(_("My requests"), "portal:tickets", "desk.view_ticket"),
        ],
    )
]


def landing(user: Any) -> str | None:
    """``portal:home`` for an account whose only role is requester."""
    if user.is_superuser:
        return None
    roles = set(user.groups.values_list("name", flat=True))
    return "portal:home" if roles == {REQUESTER} else None
