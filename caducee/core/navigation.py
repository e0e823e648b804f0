"""The navigation shell: each app offers its menu in ``navigation.py``.

``MENU = [MenuGroup(label, items=[MenuItem(label, url_name, permission)])]``;
an item shows only to users who hold its permission, a group only when it has
an item left. Later apps plug in without touching the base template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import module_has_submodule


@dataclass
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None


@dataclass
class MenuGroup:
    label: str
    items: list[MenuItem] = field(default_factory=list)
    order: int = 50


def _all_groups() -> list[MenuGroup]:
    groups: list[MenuGroup] = []
    for config in apps.get_app_configs():
        if config.name.startswith("caducee.") and module_has_submodule(config.module, "navigation"):
            groups.extend(getattr(import_module(f"{config.name}.navigation"), "MENU", []))
    return sorted(groups, key=lambda g: g.order)


def landing_for(user) -> str | None:
    """Where ``user`` lands after signing in (no ``next``): the first app whose
    ``navigation.landing(user)`` names a page (e.g. the portal for staff who
    only ask for help), else None."""
    for config in apps.get_app_configs():
        if config.name.startswith("caducee.") and module_has_submodule(config.module, "navigation"):
            hook = getattr(import_module(f"{config.name}.navigation"), "landing", None)
            target = hook(user) if hook is not None else None
            if target:
                return target
    return None


def menu_for(user) -> list[dict]:
    menu = []
    for group in _all_groups():
        items = []
        for item in group.items:
            if item.permission and not user.has_perm(item.permission):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "url_name": item.url_name})
        if items:
            menu.append({"label": group.label, "items": items})
    return menu


def _core_menu() -> list[MenuGroup]:
    from django.utils.translation import gettext_lazy as _

    return [
        MenuGroup(
            label=_("Administration"),
            order=90,
            items=[
                MenuItem(_("Users"), "core:user_list", "core.view_user"),
                MenuItem(_("Audit trail"), "core:audit_search", "core.view_auditevent"),
            ],
        )
    ]


MENU = _core_menu()
