"""Demo data: each app contributes its part of a coherent GHT.

``caducee demo --scale small|ght --seed N`` calls ``contribute(ctx)`` from
every installed Caducée app's ``demo.py``, in INSTALLED_APPS order (so the
CMDB finds the organisation, the desk finds the CMDB…). Everything is drawn
from ``ctx.random`` and ``ctx.faker``, seeded once: a seed gives the same GHT.
Large volumes are written with ``bulk_create`` and their audit events with
``record_bulk_creation`` (one event per object, the chain kept whole).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from faker import Faker

SCALES = ("small", "ght")
DEMO_PASSWORD = "caducee-demo"  # noqa: S105 - printed on purpose: demo accounts only


@dataclass
class DemoAccount:
    username: str
    role: str
    description: str


@dataclass
class DemoContext:
    scale: str
    seed: int
    random: random.Random
    faker: Faker
    stdout: Any = None
    #: Shared between contributors: e.g. "establishments", "care_units".
    data: dict[str, Any] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def big(self) -> bool:
        return self.scale == "ght"

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


#: Demo accounts, filled by the contributors (org creates one per role).
ACCOUNTS: list[DemoAccount] = []


def contributors() -> list[tuple[str, Any]]:
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("caducee.") and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "contribute"):
                found.append((config.label, module))
    return found


def build(scale: str, seed: int, stdout: Any = None) -> DemoContext:
    from caducee.core import context

    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    ctx = DemoContext(
        scale=scale, seed=seed, random=random.Random(seed), faker=faker, stdout=stdout
    )
    with context.change_context(actor=None, actor_label="demo", source="demo"):
        for label, module in contributors():
            start = time.perf_counter()
            module.contribute(ctx)
            ctx.timings.append((label, time.perf_counter() - start))
    return ctx


def print_accounts(stdout: Any) -> None:
    from django.contrib.auth import get_user_model

    from caducee.core.roles import role_label

    usernames = [a.username for a in demo_accounts()]
    existing = set(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    if not existing:
        return
    stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for account in demo_accounts():
        if account.username in existing:
            stdout.write(
                f"  {account.username:<14} {role_label(account.role):<28} {account.description}"
            )


def demo_accounts() -> list[DemoAccount]:
    accounts: list[DemoAccount] = []
    for _label, module in contributors():
        accounts.extend(getattr(module, "ACCOUNTS", []))
    return accounts
