"""What kind of computer an inventory describes: workstation or server.

Rule (the type of a new configuration item; an existing item keeps the type
a person gave it): a server when the operating system's name says so
("Windows Server…", "…Enterprise Server", ESXi), when the chassis is a
server chassis (rack mount, blade, main server chassis, multi-system), or
when it is a virtual machine or container that does not run a desktop system
(a Linux VM is a server; a Windows 10 VM is a virtual desktop, so a
workstation). A server is "virtual" when the agent reports a VM system other
than "Physical". Everything else is a workstation. Chassis names follow
dmidecode's list, which FusionInventory and the GLPI Agent report as is.
"""

from __future__ import annotations

import re

from caducee.cmdb.inventory.model import Inventory
from caducee.cmdb.types import CIType

SERVER_CHASSIS = frozenset(
    {
        "main server chassis",
        "rack mount chassis",
        "blade",
        "blade enclosing",
        "multi-system",
        "multi-system chassis",
    }
)
_SERVER_OS = re.compile(r"\bserver\b|\besxi?\b", re.IGNORECASE)
_DESKTOP_OS = re.compile(r"windows|mswin|darwin|mac ?os|os x", re.IGNORECASE)
FORM_FACTORS = {
    "laptop": {"laptop", "notebook", "portable", "sub notebook", "convertible", "detachable"},
    "desktop": {
        "desktop",
        "low profile desktop",
        "mini tower",
        "tower",
        "all in one",
        "space-saving",
        "mini pc",
        "sealed-case pc",
        "lunch box",
    },
}


def classify(inv: Inventory) -> tuple[str, str | None]:
    """``(ci_type, server_kind)`` for a new item (see the module docstring)."""
    desktop_system = bool(_DESKTOP_OS.search(f"{inv.os_name} {inv.os_kernel}"))
    is_server = (
        bool(_SERVER_OS.search(inv.os_name))
        or inv.chassis_type.lower() in SERVER_CHASSIS
        or (inv.is_virtual and not desktop_system)
    )
    if is_server:
        return CIType.SERVER, "virtual" if inv.is_virtual else "physical"
    return CIType.WORKSTATION, None


def os_family(inv: Inventory) -> str | None:
    """The ``os_family`` attribute: windows, linux, macos, other (None if unknown)."""
    described = f"{inv.os_name} {inv.os_kernel}".lower()
    if "windows" in described or "mswin" in described:
        return "windows"
    if "darwin" in described or "macos" in described or "mac os" in described:
        return "macos"
    if "linux" in described:
        return "linux"
    return "other" if inv.os_name else None


def form_factor(inv: Inventory) -> str | None:
    """The workstation ``form_factor`` its chassis implies, if any."""
    chassis = inv.chassis_type.lower()
    return next((kind for kind, names in FORM_FACTORS.items() if chassis in names), None)
