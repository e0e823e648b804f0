"""Panels that one app adds to another app's detail page.

Rule (DESIGN.md "Apps depend downward only"): the person page belongs to
``org``, yet it must show the person's equipment, which ``cmdb`` knows;
``org`` may not import ``cmdb``. So an upper app registers a panel for a
lower app's model, and the generic detail view asks this registry::

    # caducee/cmdb/panels.py
    register_panel("org.person", equipment_panel, order=10)

``builder(obj, request)`` returns ``{"title", "template", "context"}``, or
``None`` when the user may not see it (the builder checks scope itself).
Like the menu (``core/navigation.py``), the ``panels`` module of every
installed Caducée app is imported on first use, so no ``AppConfig.ready``
needs to know about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

Builder = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    model: str
    builder: Builder
    order: int
    key: str


_registry: dict[tuple[str, str], Panel] = {}
_discovered = False


def _builder_key(builder: Builder) -> str:
    return f"{builder.__module__}.{builder.__qualname__}"


def register_panel(model: str, builder: Builder, *, order: int = 50) -> Builder:
    """Show ``builder``'s panel on the detail page of ``model`` ("app.model").

    Registering the same builder again replaces it (module reloads are safe).
    """
    key = _builder_key(builder)
    _registry[(model.lower(), key)] = Panel(model.lower(), builder, order, key)
    return builder


def unregister_panel(model: str, builder: Builder) -> None:
    _registry.pop((model.lower(), _builder_key(builder)), None)


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if config.name.startswith("caducee.") and module_has_submodule(config.module, "panels"):
            import_module(f"{config.name}.panels")
    _discovered = True


def panels_for(obj: Any, request: Any) -> list[dict[str, Any]]:
    """The panels to show on ``obj``'s page for this request, in order."""
    _discover()
    meta = obj._meta
    label = f"{meta.app_label}.{meta.model_name}"
    shown = []
    for panel in sorted(
        (p for p in _registry.values() if p.model == label), key=lambda p: (p.order, p.key)
    ):
        built = panel.builder(obj, request)
        if built is None:
            continue
        shown.append(
            {
                "key": panel.key.rsplit(".", 1)[-1].replace("_", "-"),
                "title": built["title"],
                "template": built["template"],
                "context": built.get("context", {}),
            }
        )
    return shown
