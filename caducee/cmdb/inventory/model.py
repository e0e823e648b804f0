"""One neutral structure for what every inventory agent reports.

FusionInventory's XML and the GLPI Agent's JSON carry the same sections
under different spellings (REFERENCE.md "Inventory agents"); both parsers
fill these classes, so the CMDB service never sees a format. Values are
cleaned here once: hardware identifiers that firmware vendors leave as
placeholders ("To be filled by O.E.M.", an all-zero UUID, a null MAC) are
dropped, because matching a device on a placeholder would merge every
machine of a batch into one configuration item.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass, field
from enum import StrEnum

#: Values written by firmware that was never personalised, in serial,
#: manufacturer and model fields (compared lower-case, spaces and
#: punctuation removed).
PLACEHOLDERS = frozenset(
    {
        "tobefilledbyoem",
        "defaultstring",
        "systemmanufacturer",
        "systemproductname",
        "systemversion",
        "systemserialnumber",
        "chassisserialnumber",
        "notspecified",
        "notapplicable",
        "none",
        "na",
        "null",
        "invalid",
        "unknown",
        "oem",
        "serial",
        "serialnumber",
        "0123456789",
        "123456789",
        "1234567890",
    }
)
JUNK_UUIDS = frozenset(
    {
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",  # many white-box boards
        "00020003-0004-0005-0006-000700080009",
    }
)
JUNK_MACS = frozenset({"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"})
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")


def is_placeholder(value: str) -> bool:
    """Empty, all one character ("0", "00000000"), or a known filler text."""
    squeezed = re.sub(r"[\s._/-]+", "", (value or "").lower())
    return not squeezed or squeezed in PLACEHOLDERS or len(set(squeezed)) == 1


def clean_serial(value: str) -> str:
    """The serial, or "" when it is a placeholder ("To be filled by O.E.M.", "0"…)."""
    value = (value or "").strip()
    return "" if is_placeholder(value) else value[:100]


def clean_uuid(value: str) -> str:
    value = (value or "").strip().lower()
    if not _UUID.match(value) or value in JUNK_UUIDS:
        return ""
    return value


def clean_mac(value: str) -> str:
    """``00-1A-2B…``/``001a.2b3c…`` → ``00:1a:2b:…``; "" when invalid or a null address."""
    digits = re.sub(r"[^0-9a-f]", "", (value or "").lower())
    if len(digits) != 12:
        return ""
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    return "" if mac in JUNK_MACS else mac


def clean_ip(value: str) -> str | None:
    """A single valid IPv4/IPv6 address (link-local scope ids dropped), else None."""
    text = (value or "").strip().split("%", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def parse_date(value: str) -> dt.date | None:
    """Install dates as agents write them: ISO, ``DD/MM/YYYY`` (Windows), ``YYYYMMDD``."""
    text = (value or "").strip()[:10]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def text(value: object, limit: int) -> str:
    """A reported value as a bounded, stripped string (agents send numbers too)."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        value = int(value)
    return str(value).strip()[:limit]


def number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        result = int(float(str(value).strip()))
    except (TypeError, ValueError, OverflowError):
        return None
    return result if 0 <= result < 2**31 else None


@dataclass(frozen=True)
class Interface:
    name: str
    mac: str
    ip: str | None
    netmask: str
    virtual: bool


@dataclass(frozen=True)
class SoftwareEntry:
    name: str
    publisher: str
    version: str
    install_date: dt.date | None = None


@dataclass
class Inventory:
    """A computer as its agent saw it; empty strings when not reported."""

    deviceid: str
    hostname: str = ""
    fqdn: str = ""
    uuid: str = ""
    serial: str = ""
    manufacturer: str = ""
    model: str = ""
    chassis_type: str = ""
    vm_system: str = ""
    os_name: str = ""
    os_version: str = ""
    os_kernel: str = ""
    cpu: str = ""
    cpu_cores: int | None = None
    ram_mb: int | None = None
    ip_address: str | None = None
    tag: str = ""
    agent_version: str = ""
    interfaces: list[Interface] = field(default_factory=list)
    software: list[SoftwareEntry] = field(default_factory=list)

    @property
    def is_virtual(self) -> bool:
        """Reported as a virtual machine or a container (anything but "Physical")."""
        return bool(self.vm_system) and self.vm_system.lower() != "physical"

    @property
    def hardware_macs(self) -> list[str]:
        """MAC addresses of the physical (non-virtual) interfaces, in report order."""
        seen: list[str] = []
        for interface in self.interfaces:
            if interface.mac and not interface.virtual and interface.mac not in seen:
                seen.append(interface.mac)
        return seen

    @property
    def primary_mac(self) -> str:
        """The MAC of the first physical interface with an address, else of the first one."""
        for interface in self.interfaces:
            if interface.mac and not interface.virtual and interface.ip:
                return interface.mac
        macs = self.hardware_macs
        return macs[0] if macs else ""

    @property
    def primary_ip(self) -> str | None:
        if self.ip_address:
            return self.ip_address
        for interface in self.interfaces:
            if interface.ip and not interface.virtual and ":" not in interface.ip:
                return interface.ip
        return None


class MessageKind(StrEnum):
    PROLOG = "prolog"  # FusionInventory: "may I send?"
    CONTACT = "contact"  # GLPI Agent: "which tasks?"
    INVENTORY = "inventory"


class MessageFormat(StrEnum):
    XML = "xml"
    JSON = "json"


@dataclass
class AgentMessage:
    kind: MessageKind
    format: MessageFormat
    deviceid: str
    tag: str = ""
    agent: str = ""
    #: Tasks a GLPI Agent says it has (contact message), lower-case.
    tasks: list[str] = field(default_factory=list)
    inventory: Inventory | None = None
