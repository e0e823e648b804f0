"""Configuration item types and their typed attributes.

Design choice (issue "CMDB", point 1): one ``ConfigurationItem`` table holds
every type, with the attributes common to all types as real columns, a few
identity columns promoted out of the types (hostname, IP and MAC address,
UUID, assigned person) because lists, filters, the desk's caller search and
the inventory agents' matching query them on every type that has them, and
the remaining type-specific attributes in one JSON column validated against
the schema declared here.

Why not one sub-table per type: the desk, the impact analysis, imports and
every list read all types at once; one table keeps those to one indexed
query without joins or unions, and 25,000 rows stay one narrow table. Adding
a type is one ``CIType`` entry and one ``TypeSpec`` below — no migration,
no new form, serializer or filter: forms, the API serializer, imports and the
detail page are built from the spec. The cost is that a type-specific
attribute cannot be a foreign key; references between items are relations
(``Relation``), which the impact analysis needs anyway.

Validation is done here once (``clean_attributes``) and called by the model's
``clean()``, so forms, the API, imports and the inventory agents share it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CIType(models.TextChoices):
    WORKSTATION = "workstation", _("Workstation")
    PRINTER = "printer", _("Printer")
    SERVER = "server", _("Server")
    CLUSTER = "cluster", _("Virtualisation cluster")
    NETWORK_DEVICE = "network_device", _("Network device")
    APPLICATION = "application", _("Application")
    DATABASE = "database", _("Database")
    PHONE = "phone", _("Phone")
    MEDICAL_DEVICE = "medical_device", _("Medical device")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class Attribute:
    """One typed attribute: its kind drives validation, form field and filter."""

    name: str
    label: Any
    kind: str = "text"  # text | int | bool | choice | date | list
    choices: tuple[tuple[str, Any], ...] = ()
    required: bool = False
    max_length: int = 200
    min_value: int | None = 0
    help_text: Any = ""
    pattern: str | None = None  # regular expression a text value must match


@dataclass(frozen=True)
class TypeSpec:
    code: str
    attributes: tuple[Attribute, ...] = ()
    #: Promoted identity columns this type uses (shown in its form and page).
    identity: tuple[str, ...] = ()
    #: Whether installed software and network interfaces are tracked.
    has_software: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


OS_FAMILY = (
    ("windows", "Windows"),
    ("linux", "Linux"),
    ("macos", "macOS"),
    ("other", _("Other")),
)
DEVICE_CLASS = (("I", "I"), ("IIa", "IIa"), ("IIb", "IIb"), ("III", "III"))
VLAN_LIST = r"^\d{1,4}(\s*,\s*\d{1,4})*$"

_os = (
    Attribute("os_family", _("operating system family"), "choice", OS_FAMILY),
    Attribute("os_name", _("operating system")),
    Attribute("os_version", _("operating system version"), max_length=100),
    Attribute("cpu", _("processor")),
    Attribute("ram_mb", _("memory (MB)"), "int"),
)

SPECS: dict[str, TypeSpec] = {
    CIType.WORKSTATION: TypeSpec(
        CIType.WORKSTATION,
        attributes=(
            *_os,
            Attribute(
                "form_factor",
                _("form factor"),
                "choice",
                (
                    ("desktop", _("Desktop")),
                    ("laptop", _("Laptop")),
                    ("thin_client", _("Thin client")),
                    ("cart", _("Medical cart")),
                ),
            ),
            Attribute(
                "usage",
                _("usage"),
                "choice",
                (("personal", _("Personal")), ("shared", _("Shared (unit workstation)"))),
            ),
        ),
        identity=("hostname", "ip_address", "mac_address", "uuid", "assigned_to"),
        has_software=True,
    ),
    CIType.PRINTER: TypeSpec(
        CIType.PRINTER,
        attributes=(
            Attribute(
                "printer_kind",
                _("printer kind"),
                "choice",
                (
                    ("laser", _("Laser")),
                    ("multifunction", _("Multifunction")),
                    ("label", _("Label printer")),
                    ("wristband", _("Wristband printer")),
                    ("inkjet", _("Inkjet")),
                ),
            ),
            Attribute("color", _("colour"), "bool"),
            Attribute("queue", _("print queue"), max_length=100),
        ),
        identity=("hostname", "ip_address", "mac_address"),
    ),
    CIType.SERVER: TypeSpec(
        CIType.SERVER,
        attributes=(
            Attribute(
                "server_kind",
                _("physical or virtual"),
                "choice",
                (("physical", _("Physical")), ("virtual", _("Virtual"))),
                required=True,
            ),
            *_os,
            Attribute("cpu_cores", _("processor cores"), "int"),
            Attribute(
                "environment",
                _("environment"),
                "choice",
                (
                    ("production", _("Production")),
                    ("preproduction", _("Pre-production")),
                    ("test", _("Test")),
                    ("training", _("Training")),
                ),
            ),
        ),
        identity=("hostname", "ip_address", "mac_address", "uuid"),
        has_software=True,
    ),
    CIType.CLUSTER: TypeSpec(
        CIType.CLUSTER,
        attributes=(
            Attribute("hypervisor", _("hypervisor"), max_length=100),
            Attribute("node_count", _("number of nodes"), "int"),
        ),
    ),
    CIType.NETWORK_DEVICE: TypeSpec(
        CIType.NETWORK_DEVICE,
        attributes=(
            Attribute(
                "network_role",
                _("network role"),
                "choice",
                (
                    ("core", pgettext_lazy("network role", "Core")),
                    ("distribution", _("Distribution")),
                    ("access", _("Access")),
                    ("wifi", _("Wi-Fi controller or access point")),
                    ("firewall", _("Firewall")),
                    ("router", _("Router")),
                ),
                required=True,
            ),
            Attribute("port_count", _("number of ports"), "int"),
            Attribute(
                "vlans",
                _("VLANs"),
                "list",
                pattern=VLAN_LIST,
                help_text=_("VLAN numbers separated by commas, e.g. 10, 20, 110."),
            ),
            Attribute("firmware", _("firmware version"), max_length=100),
        ),
        identity=("hostname", "ip_address", "mac_address"),
    ),
    CIType.APPLICATION: TypeSpec(
        CIType.APPLICATION,
        attributes=(
            Attribute("publisher", _("publisher")),
            Attribute("version", _("version"), max_length=100),
            Attribute(
                "hosting",
                _("hosting"),
                "choice",
                (
                    ("on_premise", _("On premises")),
                    ("hds", _("Certified health-data host (HDS)")),
                    ("saas", _("Software as a service")),
                ),
            ),
            Attribute("url", _("address (URL)"), max_length=300),
        ),
    ),
    CIType.DATABASE: TypeSpec(
        CIType.DATABASE,
        attributes=(
            Attribute(
                "engine",
                _("engine"),
                "choice",
                (
                    ("postgresql", "PostgreSQL"),
                    ("oracle", "Oracle"),
                    ("sqlserver", "SQL Server"),
                    ("mysql", "MySQL / MariaDB"),
                    ("other", _("Other")),
                ),
            ),
            Attribute("engine_version", _("engine version"), max_length=100),
            Attribute("instance", _("instance name"), max_length=100),
            Attribute("size_gb", _("size (GB)"), "int"),
        ),
    ),
    CIType.PHONE: TypeSpec(
        CIType.PHONE,
        attributes=(
            Attribute(
                "phone_kind",
                _("phone kind"),
                "choice",
                (
                    ("desk", _("Desk phone")),
                    ("dect", _("DECT handset")),
                    ("smartphone", _("Smartphone")),
                ),
            ),
            Attribute("number", _("number or extension"), max_length=32),
        ),
        identity=("mac_address", "assigned_to"),
    ),
    CIType.MEDICAL_DEVICE: TypeSpec(
        CIType.MEDICAL_DEVICE,
        attributes=(
            Attribute("device_class", _("device class"), "choice", DEVICE_CLASS, required=True),
            Attribute("trade_name", _("trade name")),
            Attribute("udi_di", _("UDI-DI"), max_length=100),
            Attribute("udi_pi", _("UDI-PI"), max_length=100),
            Attribute("gmdn_code", _("GMDN code"), max_length=10, pattern=r"^\d{1,10}$"),
            Attribute("gmdn_term", _("GMDN term")),
            Attribute("emdn_code", _("EMDN code"), max_length=20),
            Attribute("first_use_date", _("first use date"), "date"),
            Attribute("network_connected", _("network-connected"), "bool"),
        ),
        identity=("ip_address", "mac_address"),
    ),
    CIType.OTHER: TypeSpec(CIType.OTHER, identity=("hostname", "ip_address", "mac_address")),
}


def spec_for(ci_type: str) -> TypeSpec:
    return SPECS.get(ci_type) or SPECS[CIType.OTHER]


def _clean_value(attr: Attribute, value: Any) -> Any:
    """One attribute's value, normalised; raises ``ValueError`` with a message."""
    if attr.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "oui", "vrai", "on"}:
            return True
        if text in {"0", "false", "no", "non", "faux", "off"}:
            return False
        raise ValueError(_("Enter yes or no."))
    if attr.kind == "int":
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValueError(_("Enter a whole number.")) from None
        if attr.min_value is not None and number < attr.min_value:
            raise ValueError(_("Enter a number of at least %(min)s.") % {"min": attr.min_value})
        return number
    if attr.kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    text = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    text = text.strip()
    if attr.kind == "choice":
        allowed = {code for code, _label in attr.choices}
        if text not in allowed:
            raise ValueError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(sorted(allowed))}
            )
        return text
    if len(text) > attr.max_length:
        raise ValueError(_("Enter at most %(max)s characters.") % {"max": attr.max_length})
    if attr.pattern and text and not re.match(attr.pattern, text):
        raise ValueError(attr.help_text or _("Enter a valid value."))
    if attr.kind == "list":
        return ", ".join(part.strip() for part in text.split(",") if part.strip())
    return text


def clean_attributes(ci_type: str, data: Any) -> dict[str, Any]:
    """Validate ``data`` against the type's schema; field errors are keyed
    ``attributes.<name>`` so forms and the API put them next to the field."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise ValidationError({"attributes": _("Attributes must be an object of name: value.")})
    spec = spec_for(ci_type)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in data:
        if spec.attribute(name) is None:
            errors[f"attributes.{name}"] = [str(_("Unknown attribute for this type of item."))]
    for attr in spec.attributes:
        value = data.get(attr.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if attr.required:
                errors[f"attributes.{attr.name}"] = [str(_("This field is required."))]
            continue
        try:
            cleaned[attr.name] = _clean_value(attr, value)
        except ValueError as exc:
            errors[f"attributes.{attr.name}"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return cleaned
