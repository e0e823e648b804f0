"""Workstations, printers and phones of the care units in the demo GHT.

What each unit holds, in the order a DSI equips it (so a smaller demo keeps
the head of each list): a shared workstation at the unit's desk (nursing
station, reception), then personal workstations for the staff who have a
desk (doctors, managers, secretaries, administration, IT and biomedical
staff) alternating with the unit's other shared ones — care carts in
inpatient and acute units, desk PCs in consultation boxes. Printers: a
multifunction at the desk, a label printer in clinical units (samples,
drugs), a wristband printer where patients are admitted (admissions,
emergency, births), then personal laser printers in offices. Phones: DECT
handsets for the care floor, personal ones for managers and doctors,
smartphones for the IT on-call engineers.

The totals of a scale (``SIZES``) are shared among the units in proportion
to what they would hold; the demo accounts' people come first, so every one
of them has equipment to show. Items are named ``PC-<EST>-<UF>-012``,
``IMP-<EST>-<UF>-03``, ``DECT-<EST>-<UF>-04``; a workstation is used by its
unit (personal: by its holder's units) and depends on the domain directory
(no session opens without it), a printer is used by the units of its floor.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import zip_longest

from caducee.cmdb import demo_contracts
from caducee.cmdb import demo_data as data
from caducee.cmdb.demo_builder import ACUTE, CLINICAL, INPATIENT, Builder, Unit, allocate
from caducee.cmdb.models import LifecycleStatus, RelationKind
from caducee.cmdb.types import CIType

R, S = RelationKind, LifecycleStatus
SIZES = {
    "small": {"workstation": 180, "printer": 70, "phone": 40},
    "ght": {"workstation": 12_000, "printer": 7_700, "phone": 1_300},
}
PERSONAL_JOBS = {
    "medecin", "pharmacien", "cadre-sante", "psychologue", "ama", "adjoint-admin", "attache",
    "gestionnaire-rh", "directeur", "qualiticien", "ingenieur-travaux", "technicien-info",
    "ingenieur-systemes", "chef-projet-si", "rssi", "dsi", "ingenieur-biomed", "technicien-biomed",
}  # fmt: skip
LAPTOP_JOBS = {"directeur", "dsi", "rssi", "ingenieur-systemes", "chef-projet-si"}
ON_CALL_JOBS = {"dsi", "rssi", "ingenieur-systemes"}
PERSONAL_DECT_JOBS = {"cadre-sante", "medecin", "sage-femme", "pharmacien"}
WORKSTATION_CRITICALITY = {4: 3, 3: 2, 2: 2, 1: 1}


def build(b: Builder) -> None:
    accounts = {p.pk for p in b.ctx.data["people"] if p.user_id}
    units = [u for est in b.ests for u in est.units]
    by_floor: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_floor[unit.floor.pk].append(unit)
    for kind, slots_of, make in (
        ("workstation", _workstation_slots, _workstation),
        ("printer", _printer_slots, _printer),
        ("phone", _phone_slots, _phone),
    ):
        slots = [slots_of(unit, accounts) for unit in units]
        quotas = allocate(SIZES[b.ctx.scale][kind], [len(s) for s in slots])
        for unit, unit_slots, quota in zip(units, slots, quotas, strict=True):
            for n in range(quota):
                slot = unit_slots[n] if n < len(unit_slots) else _extra(unit, kind, n)
                make(b, unit, n + 1, slot, by_floor)


def _personal(unit: Unit, accounts: set[int], jobs: set[str]) -> list:
    people = [p for p in unit.staff if p.job.code in jobs and p.active_to is None]
    return sorted(people, key=lambda p: p.pk not in accounts)


def _interleave(first: list, second: list) -> list:
    return [s for pair in zip_longest(first, second) for s in pair if s is not None]


def _extra(unit: Unit, kind: str, n: int) -> tuple:
    """Past a unit's list: more shared equipment, spread over its rooms."""
    rooms = unit.offices or unit.beds or unit.rooms
    room = rooms[n % len(rooms)]
    if kind == "workstation":
        return (None, room, "desktop")
    if kind == "printer":
        return ("label" if unit.profile in CLINICAL and n % 2 else "laser", room, None)
    return (None, unit.main_room, "care" if unit.profile in CLINICAL else "dect")


def _workstation_slots(unit: Unit, accounts: set[int]) -> list[tuple]:
    """(person or None, room, form factor), in the order the unit gets them."""
    personal = [
        (p, p.room or unit.main_room, "laptop" if p.job.code in LAPTOP_JOBS else "desktop")
        for p in _personal(unit, accounts, PERSONAL_JOBS)
    ]
    beds = unit.beds
    shared = []
    if unit.profile in INPATIENT or unit.profile in ACUTE:
        shared = [(None, beds[i], "cart") for i in range(0, len(beds), 4)]
    elif unit.profile in ("consultation", "day_hospital", "psy_outpatient", "imaging"):
        shared = [(None, room, "desktop") for room in beds]
    elif unit.profile in ("admissions", "lab", "pharmacy"):
        shared = [(None, unit.main_room, "thin_client")] * 2
    mine = [slot for slot in personal if slot[0].pk in accounts]  # the demo accounts' first
    personal = personal[len(mine) :]
    return [*mine, (None, unit.main_room, "desktop"), *_interleave(personal, shared)]


def _workstation(b: Builder, unit: Unit, n: int, slot: tuple, by_floor) -> None:
    person, room, form = slot
    est = unit.est
    hw = b.rng.choice(data.WORKSTATIONS[form])
    contract, bought = demo_contracts.warranty_batch(b)
    fields = b.hardware(hw, est, bought=bought, warranty_years=demo_contracts.WARRANTY_YEARS)
    fields["contract"] = contract if fields["warranty_end"] >= b.today else None
    fields["supplier"] = b.suppliers["postes"]
    os_name, os_version = data.WINDOWS[0 if bought.year < b.today.year - 2 else 1]
    status = _status(b, person is not None)
    name = f"PC-{est.code}-{unit.code}-{n:03d}"
    item = b.add(
        CIType.WORKSTATION, name, est,
        {"os_family": "windows", "os_name": os_name, "os_version": os_version, "cpu": hw.detail,
         "ram_mb": 16384 if form in ("laptop", "cart") else 8192, "form_factor": form,
         "usage": "personal" if person else "shared"},
        hostname=name, ip_address=est.next_ip(), mac_address=b.mac(), uuid=b.uuid(),
        room=room, assigned_to=person, status=status,
        owner_group=est.it_team or b.teams["dsi-postes-de-travail"],
        criticality=WORKSTATION_CRITICALITY[unit.criticality], **fields,
    )  # fmt: skip
    if status == S.IN_STOCK:
        return
    b.wire(item, room.floor, "wifi" if form == "cart" else "wired")
    if "AD" in b.apps:  # no session opens without the domain directory
        b.relate(item, R.DEPENDS_ON, b.apps["AD"])
    for care_unit in (b.units_of_person.get(person.pk) if person else None) or [unit.care_unit]:
        b.relate(item, R.USED_BY, care_unit=care_unit)


def _status(b: Builder, personal: bool) -> str:
    roll = b.rng.random()
    if roll < 0.015 and not personal:
        return S.IN_STOCK
    return S.IN_MAINTENANCE if roll > 0.992 else S.IN_PRODUCTION


def _printer_slots(unit: Unit, accounts: set[int]) -> list[tuple]:
    """(printer kind, room, person or None) in the order the unit gets them."""
    main = unit.main_room
    slots = [("multifunction", main, None)]
    if unit.profile in CLINICAL:
        slots.append(("label", main, None))
    if unit.profile in ("admissions", "emergency", "maternity", "neonatal"):
        slots.append(("wristband", main, None))
    if unit.profile in ("lab", "pharmacy"):
        slots.append(("label", main, None))
    for person in _personal(unit, accounts, PERSONAL_JOBS):
        if person.room is not None and person.room != main:
            slots.append(("laser", person.room, person))
    return slots


LABEL_APPLICATION = {"lab": "SIL", "pharmacy": "PHARMA"}


def _printer(b: Builder, unit: Unit, n: int, slot: tuple, by_floor) -> None:
    kind, room, person = slot
    est = unit.est
    hw = b.rng.choice(data.PRINTERS[kind])
    contract = b.contracts["print"]
    name = f"IMP-{est.code}-{unit.code}-{n:02d}"
    server = b.print_servers[est.obj.pk]
    status = _status(b, False)
    item = b.add(
        CIType.PRINTER, name, est,
        {"printer_kind": kind, "color": hw.detail == "color",
         "queue": f"\\\\{server.hostname}\\{name.lower()}"},
        hostname=name, ip_address=est.next_ip(), mac_address=b.mac(), room=room, status=status,
        owner_group=est.it_team or b.teams["dsi-postes-de-travail"],
        criticality=WORKSTATION_CRITICALITY[unit.criticality],
        **b.hardware(hw, est, bought=contract.start_date, warranty_years=0, contract=contract),
    )  # fmt: skip
    item.warranty_end = None  # leased: the lease covers it
    if status == S.IN_STOCK:
        return
    b.wire(item, room.floor)
    b.relate(item, R.DEPENDS_ON, server)
    if kind == "multifunction":
        users = [other.care_unit for other in by_floor[room.floor.pk]]
    else:
        users = (b.units_of_person.get(person.pk) if person else None) or [unit.care_unit]
    for care_unit in users:
        b.relate(item, R.USED_BY, care_unit=care_unit)
    if kind in ("label", "wristband"):
        code = "GAM" if kind == "wristband" else LABEL_APPLICATION.get(unit.profile, "DPI")
    else:
        code = "IMPR"  # office printers release jobs by badge
    if code in b.apps:
        b.relate(item, R.DEPENDS_ON, b.apps[code])


def _phone_slots(unit: Unit, accounts: set[int]) -> list[tuple]:
    """(person or None, room, phone kind) in the order the unit gets them."""
    slots = []
    for person in unit.staff:
        if person.pk in accounts and person.active_to is None:
            kind = "smartphone" if person.job.code in ON_CALL_JOBS else "dect"
            slots.append((person, person.room or unit.main_room, kind))
    if unit.profile == "dsi":
        slots += [
            (p, p.room, "smartphone")
            for p in _personal(unit, accounts, ON_CALL_JOBS)
            if p.pk not in accounts
        ]
    if unit.profile not in CLINICAL:
        return slots
    shared = [(None, unit.main_room, "care")] * (1 + len(unit.beds) // 5)
    personal = [
        (p, unit.main_room, "dect")
        for p in _personal(unit, accounts, PERSONAL_DECT_JOBS)
        if p.pk not in accounts
    ]
    return slots + _interleave(shared, personal)


def _phone(b: Builder, unit: Unit, n: int, slot: tuple, by_floor) -> None:
    person, room, kind = slot
    est = unit.est
    hw = b.rng.choice(data.PHONES[kind])
    prefix = "DECT" if kind == "dect" else "MOB"
    phone_kind = "smartphone" if kind == "care" else kind
    number = str(4000 + b.next(f"phone-{est.code}"))
    contract = b.contracts["telephony"]
    item = b.add(
        CIType.PHONE, f"{prefix}-{est.code}-{unit.code}-{n:02d}", est,
        {"phone_kind": phone_kind, "number": number},
        mac_address=b.mac(), room=room, assigned_to=person,
        owner_group=b.teams["dsi-reseau"], criticality=WORKSTATION_CRITICALITY[unit.criticality],
        **b.hardware(hw, est, bought=b.days_ago(60, 1800), warranty_years=2, contract=contract),
    )  # fmt: skip
    for care_unit in (b.units_of_person.get(person.pk) if person else None) or [unit.care_unit]:
        b.relate(item, R.USED_BY, care_unit=care_unit)
    if kind == "care":
        b.wire(item, room.floor, "wifi")
