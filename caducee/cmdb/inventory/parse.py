"""Read an agent's message — FusionInventory XML or GLPI Agent JSON — into
an ``AgentMessage``.

Both formats carry the same inventory sections (REFERENCE.md "Inventory
agents"): the XML ones upper-case, repeated elements for lists; the JSON
ones lower-case (glpi-project/inventory_format), with ``MACADDR`` renamed
``mac`` and ``INSTALLDATE`` ``install_date``. The XML tree is first lowered
to the JSON shape, then one extractor fills the neutral ``Inventory``.

Messages understood:
- XML ``<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>…`` (FusionInventory's
  "may I send?") and ``<QUERY>INVENTORY</QUERY>`` with ``<CONTENT>``;
- JSON ``{"action": "contact", "deviceid": …}`` (the GLPI Agent's
  handshake) and ``{"action": "inventory", "deviceid": …, "content": …,
  "itemtype": "Computer"}`` (``action`` defaults to inventory).
Anything else is a ``PayloadError`` naming what is wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from caducee.cmdb.inventory.errors import PayloadError
from caducee.cmdb.inventory.model import (
    AgentMessage,
    Interface,
    Inventory,
    MessageFormat,
    MessageKind,
    SoftwareEntry,
    clean_ip,
    clean_mac,
    clean_serial,
    clean_uuid,
    is_placeholder,
    number,
    parse_date,
    text,
)
from caducee.cmdb.inventory.safexml import Node, parse_xml

#: XML field names that the JSON format spells differently.
RENAMED = {"macaddr": "mac", "installdate": "install_date"}
_DEVICEID_DATE = re.compile(r"-\d{4}(-\d{2}){5}$")


def parse_message(data: bytes) -> AgentMessage:
    """Decode an (already decompressed) agent message."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return _from_xml(data)
    if start in (b"{", b"["):
        return _from_json(data)
    raise PayloadError(_("The payload is neither an XML nor a JSON document."))


# --- FusionInventory XML ------------------------------------------------------


def _first_text(tree: dict[str, list[Node]], tag: str) -> str:
    values = tree.get(tag) or [""]
    return values[0] if isinstance(values[0], str) else ""


def _lower(value: Node) -> Any:
    """An XML element as its JSON equivalent (first occurrence of each child)."""
    if isinstance(value, str):
        return value
    lowered = {}
    for tag, values in value.items():
        key = tag.lower()
        lowered[RENAMED.get(key, key)] = _lower(values[0])
    return lowered


def _from_xml(data: bytes) -> AgentMessage:
    root, tree = parse_xml(data)
    if root != "REQUEST" or not isinstance(tree, dict):
        raise PayloadError(_("Expected a <REQUEST> document."))
    query = _first_text(tree, "QUERY").upper()
    deviceid = text(_first_text(tree, "DEVICEID"), 255)
    if not deviceid:
        raise PayloadError(_("The request has no DEVICEID."))
    if query == "PROLOG":
        return AgentMessage(MessageKind.PROLOG, MessageFormat.XML, deviceid)
    if query != "INVENTORY":
        raise PayloadError(
            _("Unknown QUERY %(query)r: this server answers PROLOG and INVENTORY.")
            % {"query": query[:40]}
        )
    content = (tree.get("CONTENT") or [""])[0]
    if not isinstance(content, dict):
        raise PayloadError(_("The inventory has no CONTENT."))
    sections = {tag.lower(): [_lower(value) for value in values] for tag, values in content.items()}
    inventory = extract_inventory(deviceid, sections)
    return AgentMessage(
        MessageKind.INVENTORY,
        MessageFormat.XML,
        deviceid,
        tag=inventory.tag,
        agent=inventory.agent_version,
        inventory=inventory,
    )


# --- GLPI Agent JSON ------------------------------------------------------------


def _from_json(data: bytes) -> AgentMessage:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise PayloadError(_("Malformed JSON: %(error)s.") % {"error": exc}) from None
    if not isinstance(document, dict):
        raise PayloadError(_("Expected a JSON object."))
    action = document.get("action") or "inventory"
    action = action.lower() if isinstance(action, str) else ""
    deviceid = text(document.get("deviceid"), 255)
    if not deviceid:
        raise PayloadError(_("The request has no deviceid."))
    tag = text(document.get("tag"), 100)
    if action == "contact":
        agent = " ".join(
            part
            for part in (text(document.get("name"), 50), text(document.get("version"), 30))
            if part
        )
        installed = document.get("installed-tasks") or document.get("enabled-tasks")
        if not isinstance(installed, list):
            installed = []
        tasks = [text(task, 40).lower() for task in installed if isinstance(task, str)][:50]
        return AgentMessage(
            MessageKind.CONTACT, MessageFormat.JSON, deviceid, tag=tag, agent=agent, tasks=tasks
        )
    if action != "inventory":
        raise PayloadError(
            _("Unsupported action %(action)r: this server answers contact and inventory.")
            % {"action": str(document.get("action"))[:40]}
        )
    itemtype = document.get("itemtype") or "Computer"
    if not isinstance(itemtype, str) or itemtype.lower() != "computer":
        raise PayloadError(
            _("Unsupported itemtype %(itemtype)r: only computers are inventoried here.")
            % {"itemtype": str(itemtype)[:40]}
        )
    content = document.get("content")
    if not isinstance(content, dict) or not content:
        raise PayloadError(_("The inventory has no content."))
    inventory = extract_inventory(deviceid, content)
    inventory.tag = inventory.tag or tag
    return AgentMessage(
        MessageKind.INVENTORY,
        MessageFormat.JSON,
        deviceid,
        tag=inventory.tag,
        agent=inventory.agent_version,
        inventory=inventory,
    )


# --- the shared extractor ----------------------------------------------------------


def _many(content: dict, name: str) -> list[dict]:
    value = content.get(name)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [entry for entry in value if isinstance(entry, dict)]
    return []


def _one(content: dict, name: str) -> dict:
    entries = _many(content, name)
    return entries[0] if entries else {}


def _scalar(content: dict, name: str) -> object:
    """A top-level value (XML repeats it in a list of one)."""
    value = content.get(name)
    return value[0] if isinstance(value, list) and value else value


def _truthy(value: object) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes", "y"}


def _meaningful(value: object, limit: int) -> str:
    """A manufacturer or model name, "" when the firmware left a placeholder."""
    name = text(value, limit)
    return "" if is_placeholder(name) else name


def _first_ipv4(value: object) -> str | None:
    for part in re.split(r"[/,\s]+", text(value, 500)):
        ip = clean_ip(part)
        if ip and ":" not in ip and not ip.startswith("127."):
            return ip
    return None


def _interfaces(content: dict) -> list[Interface]:
    seen: dict[tuple, Interface] = {}
    for entry in _many(content, "networks"):
        ip = clean_ip(text(entry.get("ipaddress"), 60)) or clean_ip(
            text(entry.get("ipaddress6"), 60)
        )
        interface = Interface(
            name=text(entry.get("description"), 100),
            mac=clean_mac(text(entry.get("mac") or entry.get("macaddr"), 40)),
            ip=ip,
            netmask=text(entry.get("ipmask") or entry.get("ipmask6"), 45),
            virtual=_truthy(entry.get("virtualdev")) or text(entry.get("type"), 20) == "loopback",
        )
        if interface.mac or interface.ip:
            seen.setdefault((interface.name, interface.mac, interface.ip), interface)
    return list(seen.values())


def _software(content: dict) -> list[SoftwareEntry]:
    seen: dict[tuple, SoftwareEntry] = {}
    for entry in _many(content, "softwares"):
        name = text(entry.get("name"), 255)
        if not name:
            continue
        item = SoftwareEntry(
            name=name,
            publisher=text(entry.get("publisher"), 255),
            version=text(entry.get("version"), 100),
            install_date=parse_date(
                text(entry.get("install_date") or entry.get("installdate"), 30)
            ),
        )
        seen.setdefault((item.name, item.publisher, item.version), item)
    return list(seen.values())


def _tag(content: dict) -> str:
    for entry in _many(content, "accountinfo"):
        if text(entry.get("keyname"), 20).upper() == "TAG":
            return text(entry.get("keyvalue"), 100)
    return ""


def extract_inventory(deviceid: str, content: dict) -> Inventory:
    """Fill an ``Inventory`` from lower-case sections (the JSON shape)."""
    bios = _one(content, "bios")
    hardware = _one(content, "hardware")
    system = _one(content, "operatingsystem")
    cpus = _many(content, "cpus")
    fqdn = text(system.get("fqdn"), 255).lower()
    hostname = (text(hardware.get("name"), 255) or fqdn or _DEVICEID_DATE.sub("", deviceid)).lower()
    if not clean_ip(hostname):
        hostname = hostname.split(".", 1)[0]  # the short name, as FusionInventory sends it
    cores = [number(cpu.get("core")) for cpu in cpus]
    return Inventory(
        deviceid=deviceid,
        hostname=hostname,
        fqdn=fqdn,
        uuid=clean_uuid(text(hardware.get("uuid"), 64)),
        serial=clean_serial(text(bios.get("ssn"), 100)),
        manufacturer=_meaningful(bios.get("smanufacturer") or bios.get("mmanufacturer"), 100),
        model=_meaningful(bios.get("smodel"), 150),
        chassis_type=text(hardware.get("chassis_type") or bios.get("type"), 50),
        vm_system=text(hardware.get("vmsystem"), 50),
        os_name=text(system.get("full_name") or hardware.get("osname") or system.get("name"), 200),
        os_version=text(system.get("version") or hardware.get("osversion"), 100),
        os_kernel=text(system.get("kernel_name"), 30).lower(),
        cpu=text(cpus[0].get("name"), 200) if cpus else "",
        cpu_cores=sum(core for core in cores if core) or None,
        ram_mb=number(hardware.get("memory")),
        ip_address=_first_ipv4(hardware.get("ipaddr")),
        tag=_tag(content),
        agent_version=text(_scalar(content, "versionclient"), 100),
        interfaces=_interfaces(content),
        software=_software(content),
    )
