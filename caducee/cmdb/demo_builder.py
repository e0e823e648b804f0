"""The workbench of the CMDB demo: what it knows of the organisation, how it
names and numbers things, and how it writes tens of thousands of rows fast.

The organisation part leaves its objects in ``ctx.data``; from them this
module rebuilds, per establishment, its care units with their staffing
profile (from the org catalogue), their rooms, floor and staff, and each
floor's wiring closet. Items and relations are collected in memory and
checked there — attributes against the type's schema (``clean_attributes``),
every relation against ``RULES``, no self-loop, no duplicate — then written
with ``bulk_create`` in batches, each object with its creation event in the
audit trail (``record_bulk_creation``), as the organisation part does.

Names follow hospital habits: ``PC-<EST>-<UF>-012`` for a workstation of a
care unit (UF code), ``SW-<EST>-A2-ACC-01`` for an access switch on floor 2
of building A, ``SRV-DPI-APP01`` for a server of the shared data centre.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.cmdb.models.relations import RULES
from caducee.cmdb.types import clean_attributes
from caducee.core.demo import DemoContext
from caducee.core.services import audit
from caducee.org import demo_data as org_data
from caducee.org.models import CareUnit, Establishment, Floor, Person, Room, Team

BATCH = 2000

#: Staffing profiles (``caducee.org.demo_data.PROFILES``) of clinical units.
CLINICAL = frozenset(
    {
        "emergency",
        "icu",
        "theatre",
        "maternity",
        "neonatal",
        "ward",
        "day_hospital",
        "consultation",
        "imaging",
        "lab",
        "pharmacy",
        "psy_ward",
        "psy_outpatient",
        "nursing_home",
    }
)
INPATIENT = frozenset({"icu", "ward", "maternity", "neonatal", "psy_ward", "nursing_home"})
ACUTE = frozenset({"emergency", "icu", "theatre", "maternity", "neonatal"})
BED_KINDS = frozenset({Room.Kind.CARE, Room.Kind.OPERATING})
UNIT_ROOMS = BED_KINDS | {Room.Kind.OFFICE, Room.Kind.OTHER}
_STOP_WORDS = {"le", "la", "les", "de", "des", "du", "d", "l", "sur", "en", "sous", "saint"}


@dataclass(eq=False)
class Unit:
    care_unit: CareUnit
    est: Est
    service: str
    profile: str
    floor: Floor
    rooms: list[Room] = field(default_factory=list)  # the unit's main room first
    #: People whose room is in the unit (each person in one unit only).
    staff: list[Person] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.care_unit.code

    @property
    def main_room(self) -> Room:
        return self.rooms[0]

    @property
    def beds(self) -> list[Room]:
        return [r for r in self.rooms if r.kind in BED_KINDS]

    @property
    def offices(self) -> list[Room]:
        return [r for r in self.rooms[1:] if r.kind == Room.Kind.OFFICE]

    @property
    def criticality(self) -> int:
        return self.care_unit.criticality

    def matches(self, tokens: str) -> bool:
        """Whether an application's usage tokens (``demo_data``) cover this unit."""
        for word in tokens.split():
            if (
                word == "*"
                or (word == "care" and self.profile in CLINICAL)
                or (word == "inpatient" and self.profile in INPATIENT)
                or (word == "acute" and self.profile in ACUTE)
                or word == f"p:{self.profile}"
                or word == f"s:{self.service}"
            ):
                return True
        return False


@dataclass(eq=False)
class Est:
    obj: Establishment
    index: int
    code: str
    domain: str
    units: list[Unit] = field(default_factory=list)
    floors: list[Floor] = field(default_factory=list)
    closets: dict[int, Room] = field(default_factory=dict)  # floor pk → wiring closet
    server_rooms: list[Room] = field(default_factory=list)
    it_team: Team | None = None
    _ips: int = 0

    @property
    def kind(self) -> str:
        return self.obj.kind

    def next_ip(self) -> str:
        n = self._ips
        self._ips += 1
        return f"10.{20 + self.index}.{n // 250}.{n % 250 + 2}"


def _profiles() -> dict[tuple[str, str], str]:
    return {
        (service.code, unit.name): unit.profile
        for service in org_data.SERVICES
        for unit in service.units
    }


def _profile_of(profiles: dict, service: str, name: str) -> str:
    if (service, name) in profiles:
        return profiles[(service, name)]
    base = name[:-2] if len(name) > 2 and name[-2] == " " else name  # "Cardiologie … B"
    return profiles.get((service, base), "admin")


def _est_code(city: str, taken: set[str]) -> str:
    words = slugify(city).split("-")
    words = [w for w in words if w not in _STOP_WORDS] or words
    candidates = [words[0][:3], words[0][:2] + (words[1][:1] if len(words) > 1 else "X")]
    candidates += [f"{words[0][:2]}{n}" for n in range(10)]
    code = next(c.upper() for c in candidates if c.upper() not in taken)
    taken.add(code)
    return code


def read_organisation(ctx: DemoContext) -> list[Est]:
    """Per establishment: units with profile, rooms and staff; floors and closets."""
    profiles = _profiles()
    taken: set[str] = {"GHT", "DC"}
    teams: dict[str, Team] = ctx.data["teams"]
    ests: dict[int, Est] = {}
    for index, obj in enumerate(ctx.data["establishments"]):
        est = Est(obj, index, _est_code(obj.city, taken), ctx.data["domains"][obj.pk])
        est.it_team = next(
            (t for c, t in teams.items() if c.startswith("proximite-") and t.establishment == obj),
            None,
        )
        ests[obj.pk] = est
    for floor in ctx.data["floors"]:
        ests[floor.building.site.establishment_id].floors.append(floor)
    by_main_room: dict[int, CareUnit] = {cu.room_id: cu for cu in ctx.data["care_units"]}
    unit_of_room: dict[int, Unit] = {}
    current: Unit | None = None
    for room in ctx.data["rooms"]:
        est = ests[room.floor.building.site.establishment_id]
        if room.kind == Room.Kind.TECHNICAL:
            est.closets[room.floor_id] = room
        elif room.kind == Room.Kind.DATACENTER:
            est.server_rooms.append(room)
        elif room.pk in by_main_room:
            care_unit = by_main_room[room.pk]
            current = Unit(
                care_unit,
                est,
                care_unit.service.code,
                _profile_of(profiles, care_unit.service.code, care_unit.name),
                room.floor,
            )
            est.units.append(current)
        if current is not None and room.floor_id == current.floor.pk and room.kind in UNIT_ROOMS:
            current.rooms.append(room)
            unit_of_room[room.pk] = current
    for person in ctx.data["people"]:
        unit = unit_of_room.get(person.room_id)
        if unit is not None:
            unit.staff.append(person)
    return list(ests.values())


class Builder:
    """Collects items and relations, hands out names and numbers, saves in bulk."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.random
        self.today = timezone.localdate()
        self.ests = read_organisation(ctx)
        self.support = next(e for e in self.ests if e.obj.is_support)
        self.teams: dict[str, Team] = ctx.data["teams"]
        self.accounts: dict[str, Any] = ctx.data.get("accounts", {})
        self.items: list[ConfigurationItem] = []
        self.relations: list[Relation] = []
        self._relation_keys: set[tuple] = set()
        #: Care units of each person (doctors work in every unit of their service).
        self.units_of_person: dict[int, list[CareUnit]] = defaultdict(list)
        care_units = {cu.pk: cu for cu in ctx.data["care_units"]}
        links = Person.care_units.through.objects.values_list("person_id", "careunit_id")
        for person_id, unit_id in links.order_by("pk"):
            self.units_of_person[person_id].append(care_units[unit_id])
        self._macs = 0
        self._counters: dict[str, int] = {}
        self._assets = 0
        self._dc_ips = 0
        #: Filled by the parts: applications by code, suppliers and contracts by key…
        self.apps: dict[str, ConfigurationItem] = {}
        self.suppliers: dict[str, Any] = {}
        self.contracts: dict[Any, Any] = {}
        #: The biomedical part's: teams by establishment pk, devices, vigilance cases.
        self.biomed_teams: dict[int, Team] = {}
        self.devices: list[ConfigurationItem] = []
        self.vigilance: list[tuple[Any, ConfigurationItem]] = []
        #: Print server of each establishment (by establishment pk).
        self.print_servers: dict[int, ConfigurationItem] = {}
        #: Items to link to their establishment's core switches once they exist.
        self.to_core: list[tuple[ConfigurationItem, Est]] = []
        #: Endpoints waiting for the network: floor pk → [(item, "wired" | "wifi")].
        self.endpoints: dict[int, list[tuple[ConfigurationItem, str]]] = defaultdict(list)

    # --- numbers and names ---------------------------------------------------

    def mac(self) -> str:
        self._macs += 1
        n = self._macs
        return "00:1e:" + ":".join(f"{n >> shift & 255:02x}" for shift in (24, 16, 8, 0))

    def next(self, key: str) -> int:
        """0, 1, 2… per key: extension numbers, sequence numbers."""
        self._counters[key] = self._counters.get(key, -1) + 1
        return self._counters[key]

    def dc_ip(self) -> str:
        self._dc_ips += 1
        n = self._dc_ips
        return f"10.1.{n // 250}.{n % 250 + 2}"

    def asset_tag(self, est: Est | None) -> str:
        self._assets += 1
        return f"{est.code if est else 'GHT'}-{self._assets:06d}"

    def serial(self, prefix: str) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
        return prefix + "".join(self.rng.choices(alphabet, k=10 - len(prefix)))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def hardware(
        self,
        hw: Any,
        est: Est | None,
        *,
        bought: dt.date,
        warranty_years: int,
        contract: Any = None,
        supplier: Any = None,
    ) -> dict[str, Any]:
        """Identification and dates of a physical item (``demo_data.Hardware``)."""
        return {
            "manufacturer": hw.manufacturer,
            "model": hw.model,
            "serial_number": self.serial(hw.serial_prefix),
            "asset_tag": self.asset_tag(est),
            "purchase_date": bought,
            "warranty_end": years_from(bought, warranty_years),
            "contract": contract,
            "supplier": supplier if supplier is not None else getattr(contract, "supplier", None),
        }

    def owner_for(self, tokens: str) -> Person | None:
        """A business owner (MOA) in the support establishment: the head of the
        first unit that uses the application, else the IT director."""
        units = [u for u in self.support.units if u.staff]
        for unit in units:
            if tokens and "*" not in tokens.split() and unit.matches(tokens):
                return unit.staff[0]
        dsi = [u for u in units if u.profile == ("direction" if tokens else "dsi")]
        return dsi[0].staff[0] if dsi else None

    # --- collecting ------------------------------------------------------------

    def add(
        self,
        ci_type: str,
        name: str,
        est: Est | None,
        attributes: dict[str, Any] | None = None,
        **fields: Any,
    ) -> ConfigurationItem:
        """A new item, validated against its type's attribute schema."""
        item = ConfigurationItem(
            name=name,
            ci_type=ci_type,
            establishment=est.obj if est else None,
            attributes=clean_attributes(ci_type, attributes or {}),
            **fields,
        )
        item.hostname = item.hostname.lower()
        self.items.append(item)
        return item

    def relate(
        self,
        source: ConfigurationItem,
        kind: str,
        target: ConfigurationItem | None = None,
        *,
        care_unit: CareUnit | None = None,
    ) -> None:
        """``source <kind> target`` (or a care unit), checked like ``Relation.clean``."""
        target_type = target.ci_type if target is not None else "care_unit"
        if (source.ci_type, target_type) not in RULES[kind]:
            raise ValueError(f"{source.ci_type} cannot be {kind} a {target_type}")
        if target is source:
            raise ValueError(f"{source.name} cannot be related to itself")
        key = (id(source), kind, id(target) if target is not None else care_unit.pk)
        if key in self._relation_keys:
            return
        self._relation_keys.add(key)
        self.relations.append(
            Relation(source=source, kind=kind, target=target, care_unit=care_unit)
        )

    def wire(self, item: ConfigurationItem, floor: Floor, how: str = "wired") -> None:
        """Connect ``item`` to its floor's network once the network is built."""
        self.endpoints[floor.pk].append((item, how))


def bulk(model: Any, objs: list) -> list:
    """bulk_create in batches, then one creation event per object."""
    model.objects.bulk_create(objs, batch_size=BATCH)
    audit.record_bulk_creation(objs)
    return objs


def years_from(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    raw = [total * w / whole for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares
