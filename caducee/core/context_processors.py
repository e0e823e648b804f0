"""What the page shell needs on every page: navigation and the user's scope."""

from __future__ import annotations

from caducee.core.navigation import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": []}
    return {"nav_menu": menu_for(user)}
