"""Create or update a workstation or server from its inventory agent's report.

Rules (issue "CMDB" point 6; REFERENCE.md "Inventory agents"):

- **Which item.** An existing item is found by, in this order: its UUID
  (unique), its system serial number (with the manufacturer to break a
  tie), the MAC address of one of its physical interfaces, and last its
  hostname inside the establishment. Placeholder identifiers that firmware
  leaves behind ("To be filled by O.E.M.", "0", an all-zero UUID) never
  match (``caducee.cmdb.inventory.model``). UUID, serial and MAC identify
  hardware across the GHT: a match in an establishment outside the token's
  scope is refused (403), not duplicated. A hostname is only unique within
  one establishment.
- **Which type**, for a new item only (an existing item keeps the type a
  person gave it): ``caducee.cmdb.inventory.classify`` (servers by OS name,
  server chassis, or a VM not running a desktop system; else workstations).
- **Which establishment**, for a new item (``resolve_establishment``): the
  ``establishment`` given with the request (FINESS or short name), else the
  agent's tag when it names one (a tag naming nothing is ignored: sites use
  tags for other things too), else the token user's only establishment. A
  user with several establishments or the whole GHT must say which, or the
  inventory can only update items that already exist. The establishment
  must be in the token user's scope; an existing item keeps its own.
- **What is written.** Hostname, manufacturer, model, serial, UUID, IP and
  MAC, the operating system, processor and memory attributes, the agent's
  device id and the inventory time go through ``create_item``/``update_item``
  (validated, scoped, audited like any edit). The item's name follows the
  hostname unless someone renamed it. Network interfaces and installed
  software are replaced in bulk (a few queries for hundreds of packages)
  and summed up in ONE ``cmdb.inventory`` audit event on the item, with the
  device id, what matched, and the software added, removed and upgraded.
  Relations are untouched, so the impact graph stays valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.inventory import Inventory
from caducee.cmdb.inventory.classify import classify, form_factor, os_family
from caducee.cmdb.models import (
    ConfigurationItem,
    InstalledSoftware,
    LifecycleStatus,
    NetworkInterface,
    Software,
)
from caducee.cmdb.services.items import create_item, update_item
from caducee.cmdb.types import CIType
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed
from caducee.org.models import Establishment

COMPUTER_TYPES = (CIType.WORKSTATION, CIType.SERVER)
#: How many software names the summary event lists per change kind.
EVENT_NAMES = 50
CHUNK = 500


# --- establishment ------------------------------------------------------------------


def resolve_establishment(
    actor: Any, *, requested: str = "", tag: str = ""
) -> Establishment | None:
    """The establishment a new item goes to, or None when it cannot be told."""

    def lookup(code: str) -> Establishment | None:
        return Establishment.objects.filter(Q(finess=code) | Q(short_name__iexact=code)).first()

    def allowed(establishment: Establishment) -> Establishment:
        if not establishment_allowed(actor, establishment.pk):
            raise PermissionDenied(
                _("The establishment %(name)s is outside this token's scope.")
                % {"name": establishment},
                field="establishment",
            )
        return establishment

    requested, tag = (requested or "").strip(), (tag or "").strip()
    if requested:
        establishment = lookup(requested)
        if establishment is None:
            raise DomainError(
                _("No establishment has the FINESS number or short name %(code)s.")
                % {"code": requested[:40]},
                field="establishment",
            )
        return allowed(establishment)
    if tag and (establishment := lookup(tag)) is not None:
        return allowed(establishment)
    ids = actor.establishment_ids()
    if ids is not None and len(ids) == 1:
        return Establishment.objects.filter(pk=next(iter(ids))).first()
    return None


# --- matching ---------------------------------------------------------------------


def find_item(
    inv: Inventory, establishment: Establishment | None
) -> tuple[ConfigurationItem | None, str]:
    """The existing item this inventory describes, and the key that matched."""
    items = ConfigurationItem.objects.all()
    if inv.uuid and (item := items.filter(uuid=inv.uuid).first()):
        return item, "uuid"
    if inv.serial:
        same_serial = list(items.filter(serial_number=inv.serial)[:10])
        if len(same_serial) > 1 and inv.manufacturer:
            maker = inv.manufacturer.casefold()
            same_serial = [i for i in same_serial if i.manufacturer.casefold() == maker]
        if len(same_serial) == 1:
            return same_serial[0], "serial"
    macs = inv.hardware_macs
    if macs:
        ids = set(items.filter(mac_address__in=macs).values_list("pk", flat=True)[:10])
        ids |= set(
            NetworkInterface.objects.filter(mac_address__in=macs, is_virtual=False)
            .values_list("item_id", flat=True)
            .distinct()[:10]
        )
        if len(ids) == 1:
            return items.get(pk=ids.pop()), "mac"
    if inv.hostname and establishment is not None:
        named = list(
            items.filter(establishment=establishment, ci_type__in=COMPUTER_TYPES).filter(
                Q(hostname=inv.hostname) | Q(hostname="", name__iexact=inv.hostname)
            )[:2]
        )
        if len(named) == 1:
            return named[0], "hostname"
    return None, ""


# --- applying -----------------------------------------------------------------------


def apply_inventory(
    inv: Inventory, *, actor: Any, establishment: Establishment | None
) -> tuple[ConfigurationItem, bool]:
    """Create or update the item ``inv`` describes; returns ``(item, created)``.

    All or nothing: a refusal (scope, validation) leaves no trace.
    """
    if not (can(actor, ConfigurationItem, "add") and can(actor, ConfigurationItem, "change")):
        raise PermissionDenied(_("This token's user may not add and change configuration items."))
    with context.acting_as(actor, source="inventory"), transaction.atomic():
        item, matched_by = find_item(inv, establishment)
        created = item is None
        if item is None:
            if establishment is None:
                raise DomainError(
                    _(
                        "Cannot tell which establishment this computer belongs to: add "
                        "?establishment=<FINESS> to the server URL or set the agent's tag."
                    ),
                    field="establishment",
                )
            ci_type, server_kind = classify(inv)
            item = ConfigurationItem(
                ci_type=ci_type,
                establishment=establishment,
                status=LifecycleStatus.IN_PRODUCTION,
                attributes={"server_kind": server_kind} if server_kind else {},
            )
        elif not establishment_allowed(actor, item.establishment_id):
            raise PermissionDenied(
                _("This computer is recorded in an establishment outside this token's scope."),
                field="establishment",
            )
        _fill(item, inv, created=created)
        if created:
            create_item(item, actor=actor)
        else:
            update_item(item, actor=actor)
        interfaces = _replace_interfaces(item, inv)
        software = _sync_software(item, inv.software) if item.spec.has_software else None
        audit.record_event(
            "cmdb.inventory",
            item,
            data={
                "deviceid": inv.deviceid,
                "agent": inv.agent_version,
                "created": created,
                "matched_by": matched_by,
                "interfaces": interfaces,
                "software": software,
            },
        )
    return item, created


def _fill(item: ConfigurationItem, inv: Inventory, *, created: bool) -> None:
    """Copy what the agent reported; an unreported value never erases one."""
    hostname = inv.hostname[:255]
    if hostname and (created or not item.name or item.name.lower() == item.hostname):
        item.name = hostname[:200]
    if not item.name:
        item.name = inv.deviceid[:200]
    if hostname:
        item.hostname = hostname
    for field, value in (
        ("serial_number", inv.serial),
        ("manufacturer", inv.manufacturer),
        ("model", inv.model),
        ("uuid", inv.uuid),
        ("ip_address", inv.primary_ip),
        ("mac_address", inv.primary_mac),
    ):
        if value:
            setattr(item, field, value)
    item.inventory_agent = inv.deviceid
    item.last_inventory_at = timezone.now()
    reported: dict[str, Any] = {
        "os_family": os_family(inv),
        "os_name": inv.os_name,
        "os_version": inv.os_version,
        "cpu": inv.cpu,
        "ram_mb": inv.ram_mb,
        "cpu_cores": inv.cpu_cores,
    }
    attributes = dict(item.attributes or {})
    if inv.vm_system and item.ci_type == CIType.SERVER:
        reported["server_kind"] = "virtual" if inv.is_virtual else "physical"
    if not attributes.get("form_factor"):
        reported["form_factor"] = form_factor(inv)
    spec = item.spec
    for name, value in reported.items():
        if value not in (None, "") and spec.attribute(name) is not None:
            attributes[name] = value
    item.attributes = attributes


def _replace_interfaces(item: ConfigurationItem, inv: Inventory) -> dict[str, Any]:
    wanted = [(i.name, i.mac, i.ip or "", i.netmask, i.virtual) for i in inv.interfaces]
    current = [
        (name, mac, ip or "", netmask, virtual)
        for name, mac, ip, netmask, virtual in item.interfaces.values_list(
            "name", "mac_address", "ip_address", "netmask", "is_virtual"
        )
    ]
    changed = sorted(current) != sorted(wanted)
    if changed:
        item.interfaces.all().delete()
        NetworkInterface.objects.bulk_create(
            [
                NetworkInterface(
                    item=item,
                    name=name,
                    mac_address=mac,
                    ip_address=ip or None,
                    netmask=netmask,
                    is_virtual=virtual,
                )
                for name, mac, ip, netmask, virtual in wanted
            ],
            batch_size=CHUNK,
        )
    return {"count": len(wanted), "changed": changed}


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _software_ids(titles: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the ``(name, publisher)`` titles, creating the missing ones in bulk."""

    def load(names: list[str]) -> dict[tuple[str, str], int]:
        found = {}
        for chunk in _chunks(sorted(names)):
            for pk, name, publisher in Software.objects.filter(name__in=chunk).values_list(
                "pk", "name", "publisher"
            ):
                if (name, publisher) in titles:
                    found[(name, publisher)] = pk
        return found

    ids = load(list({name for name, _publisher in titles}))
    missing = titles - ids.keys()
    if missing:
        # ignore_conflicts: another agent may create the same title meanwhile.
        Software.objects.bulk_create(
            [Software(name=name, publisher=publisher) for name, publisher in sorted(missing)],
            batch_size=CHUNK,
            ignore_conflicts=True,
        )
        ids.update(load(list({name for name, _publisher in missing})))
    return ids


def _sync_software(item: ConfigurationItem, entries: list) -> dict[str, Any]:
    """Make the item's installed software what the agent listed; count the difference."""
    ids = _software_ids({(e.name, e.publisher) for e in entries})
    names = {pk: name for (name, _publisher), pk in ids.items()}
    wanted = {(ids[(e.name, e.publisher)], e.version): e.install_date for e in entries}
    current = {
        (software_id, version): (pk, installed_on)
        for pk, software_id, version, installed_on in item.installed_software.values_list(
            "pk", "software_id", "version", "install_date"
        )
    }
    added = wanted.keys() - current.keys()
    removed = current.keys() - wanted.keys()
    redated = [
        InstalledSoftware(pk=current[key][0], install_date=wanted[key])
        for key in wanted.keys() & current.keys()
        if wanted[key] != current[key][1]
    ]
    for chunk in _chunks([current[key][0] for key in removed]):
        InstalledSoftware.objects.filter(pk__in=chunk).delete()
    InstalledSoftware.objects.bulk_create(
        [
            InstalledSoftware(
                item=item, software_id=key[0], version=key[1], install_date=wanted[key]
            )
            for key in added
        ],
        batch_size=CHUNK,
    )
    if redated:
        InstalledSoftware.objects.bulk_update(redated, ["install_date"], batch_size=CHUNK)
    before = {sid for sid, _version in current}
    after = {sid for sid, _version in wanted}
    touched = {sid for sid, _version in added | removed}
    gone = sorted(before - after)[:CHUNK]
    gone_names = Software.objects.filter(pk__in=gone).values_list("name", flat=True) if gone else []

    def listed(values: Iterable[str | None]) -> list[str]:
        return sorted({v for v in values if v})[:EVENT_NAMES]

    return {
        "total": len(wanted),
        "added": len(after - before),
        "removed": len(before - after),
        "changed": len(touched & before & after),
        "added_names": listed(names.get(sid) for sid in after - before),
        "removed_names": listed(gone_names),
        "changed_names": listed(names.get(sid) for sid in touched & before & after),
    }
