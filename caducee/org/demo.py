"""The organisation part of ``caducee demo``: a coherent GHT to try and to bench.

Builds, from ``ctx.random`` and ``ctx.faker`` only (a seed gives the same GHT):

* a group and its establishments (a support CH or CHU that hosts the shared
  IT department, then CH, EPSM, local hospitals and EHPAD), each with a FINESS
  number whose Luhn key is right, an e-mail domain and the default shifts;
* sites, buildings, floors and rooms: patient rooms, operating rooms, offices,
  a wiring closet on every floor, server rooms in basements;
* poles, services and care units (UF) from the catalogue in ``demo_data``,
  with the clinical criticality the desk turns into impact, and 24/7 care
  hours for life-critical and inpatient units;
* people with jobs, RPPS numbers for health professionals, employee numbers
  unique in their establishment, unique professional e-mails, phones, a room,
  their care units and a manager: the unit's cadre de santé (or head) for the
  staff, the chef de service for doctors, the director for heads;
* the IT department's GHT-wide teams and each local IT team;
* one account per role (``ACCOUNTS``), linked to a fitting person and scoped
  so that scoping shows (one, two or every establishment, or none).

``small`` (3 establishments, 600 people) is what ``make run`` loads; ``ght``
(13 establishments, 20,000 people) is the scale of DESIGN.md for benchmarks.
People and rooms are written with ``bulk_create`` and one audit event each;
care-unit links get one ``demo.people_assigned`` event per establishment.
Later apps find what they build on in ``ctx.data`` (see ``_share``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from caducee.core import roles
from caducee.core.demo import DEMO_PASSWORD, DemoAccount, DemoContext
from caducee.core.services import audit
from caducee.org import demo_data as data
from caducee.org.models import (
    Building,
    CareUnit,
    Establishment,
    Floor,
    HospitalGroup,
    Job,
    Person,
    Pole,
    Room,
    Service,
    Site,
    Team,
)
from caducee.org.services.structure import add_default_shifts
from caducee.org.validators import luhn_complete

BATCH = 2000

ACCOUNTS = [
    DemoAccount("nurse", roles.REQUESTER, "Intensive-care nurse, support establishment only"),
    DemoAccount("agent", roles.DESK_AGENT, "Service desk technician, support establishment only"),
    DemoAccount("engineer", roles.SUPPORT_ENGINEER, "Systems engineer, two establishments"),
    DemoAccount("manager", roles.GROUP_MANAGER, "Leads the network team, support establishment"),
    DemoAccount("changes", roles.CHANGE_MANAGER, "IT project lead running changes, whole GHT"),
    DemoAccount("cab", roles.CAB_MEMBER, "Head of emergency medicine, CAB member, whole GHT"),
    DemoAccount(
        "referent", roles.SOFTWARE_REFERENT, "Ward nurse, EHR referent, support establishment"
    ),
    DemoAccount("vendor", roles.VENDOR_ENGINEER, "Vendor's engineer: no establishment, no staff"),
    DemoAccount("biomed", roles.BIOMEDICAL_ENGINEER, "Biomedical engineer, support establishment"),
    DemoAccount("dsi", roles.DSI_MANAGER, "Head of the shared IT department, whole GHT"),
    DemoAccount("auditor", roles.AUDITOR, "Quality and risk manager, whole GHT"),
    DemoAccount("admin", roles.ADMINISTRATOR, "Caducée administrator (staff), whole GHT"),
]

# username: (establishment index, unit name or profile, job), the first such person
# not taken yet, and the establishments it sees: "one", "two", "all" or "none".
_ACCOUNT_PEOPLE: dict[str, tuple[tuple[int, str, str] | None, str]] = {
    "nurse": ((0, "Réanimation polyvalente", "infirmier"), "one"),
    "agent": ((0, "dsi", "technicien-info"), "one"),
    "engineer": ((0, "dsi", "ingenieur-systemes"), "two"),
    "manager": ((0, "dsi", "ingenieur-systemes"), "one"),
    "changes": ((0, "dsi", "chef-projet-si"), "all"),
    "cab": ((0, "Urgences adultes", "medecin"), "all"),
    "referent": ((0, "ward", "infirmier"), "one"),
    "vendor": (None, "none"),
    "biomed": ((0, "biomed", "ingenieur-biomed"), "one"),
    "dsi": ((0, "dsi", "dsi"), "all"),
    "auditor": ((0, "quality", "qualiticien"), "all"),
    "admin": ((0, "dsi", "chef-projet-si"), "all"),
}


@dataclass
class UnitPlan:
    est: EstPlan
    service: data.ServiceSpec
    spec: data.Unit
    name: str
    headcount: int = 0
    phone: str = ""
    floor: Floor | None = None
    rooms: list[Room] = field(default_factory=list)
    care_unit: CareUnit | None = None
    people: list[Person] = field(default_factory=list)

    @property
    def profile(self) -> data.Profile:
        return data.PROFILES[self.spec.profile]

    @property
    def minimum(self) -> int:
        return 1 + len(self.profile.fixed)


@dataclass
class EstPlan:
    obj: Establishment
    kind: str
    weight: int
    domain: str
    line_prefix: str
    extensions: list[str]
    units: list[UnitPlan] = field(default_factory=list)
    emails: dict[str, int] = field(default_factory=dict)

    def next_line(self) -> str:
        ext = self.extensions.pop()
        return f"{self.line_prefix} {ext[:2]} {ext[2:]}"


def contribute(ctx: DemoContext) -> None:
    jobs = {job.code: job for job in _bulk(Job, _jobs())}
    territory = ctx.random.choice(data.TERRITORIES)
    group_name = ctx.random.choice(data.GHT_NAMES)
    group = HospitalGroup.objects.create(
        code=f"ght-{slugify(group_name)}", name=f"GHT {group_name}"
    )
    ests = _establishments(ctx, group, territory)
    for est in ests:
        _plan_units(est)
    _allocate_staff(ctx, ests)
    places = _places(ctx, ests)
    structure = _care_units(ests)
    people, accounts = _people(ctx, ests, jobs)
    teams = _teams(ctx, ests)
    _share(ctx, group, ests, jobs, places, structure, people, accounts, teams)
    ctx.log(
        f"  org: {len(ests)} establishments, {len(structure['care_units'])} care units, "
        f"{len(places['rooms'])} rooms, {len(people)} people"
    )


def _bulk(model: Any, objs: list) -> list:
    """bulk_create in batches, then one audit event per object (pks are set)."""
    model.objects.bulk_create(objs, batch_size=BATCH)
    audit.record_bulk_creation(objs)
    return objs


def _jobs() -> list[Job]:
    return [
        Job(code=code, name=name, category=category, is_health_professional=health)
        for code, name, category, health in data.JOBS
    ]


# --- establishments ----------------------------------------------------------


def _of(town: str) -> str:
    """'de Valmont', "d'Ormesson", 'du Val', 'des Trois-Rivières', 'de La Roche'."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if town.startswith(article):
            return contracted + town[len(article) :]
    return f"d'{town}" if town[0] in "AEIOUYÉÈÊ" else f"de {town}"


def _establishments(ctx: DemoContext, group: HospitalGroup, territory: tuple) -> list[EstPlan]:
    dept, prefix, _name = territory
    towns = ctx.random.sample(data.TOWNS, len(data.PLANS[ctx.scale]))
    finess_seen: set[str] = set()
    ests = []
    for (kind, support, weight), town in zip(data.PLANS[ctx.scale], towns, strict=True):
        finess = ""
        while not finess or finess in finess_seen:
            finess = luhn_complete(f"{dept}0{ctx.random.randint(0, 99999):05d}")
        finess_seen.add(finess)
        long_name, short, domain = data.KIND_NAMES[kind]
        if kind == "ehpad":
            name = f"EHPAD {ctx.random.choice(data.EHPAD_NAMES)} – {town}"
        else:
            name = f"{long_name} {_of(town)}"
        area = f"{prefix} {ctx.random.randint(20, 99)} {ctx.random.randint(10, 99)}"
        est = Establishment.objects.create(
            group=group,
            finess=finess,
            name=name,
            short_name=f"{short} {town}"[:40],
            kind=kind,
            is_support=support,
            address=ctx.faker.street_address(),
            postcode=f"{dept}{ctx.random.randint(0, 9)}{ctx.random.randint(0, 9)}0",
            city=town,
            phone=f"{area} 00 00",
        )
        add_default_shifts(est)
        extensions = [f"{n:04d}" for n in ctx.random.sample(range(1000, 10000), 8999)]
        ests.append(
            EstPlan(est, kind, weight, f"{slugify(f'{domain} {town}')}.fr", area, extensions)
        )
    return ests


def _plan_units(est: EstPlan) -> None:
    support = est.obj.is_support
    repeats = max(1, round(est.weight / 12))
    for service in data.SERVICES:
        if est.kind not in service.kinds or service.support not in (None, support):
            continue
        for unit in service.units:
            if unit.kinds is not None and est.kind not in unit.kinds:
                continue
            count = repeats if unit.repeat else 1
            for n in range(count):
                name = f"{unit.name} {'ABCDEFGH'[n]}" if count > 1 else unit.name
                est.units.append(UnitPlan(est, service, unit, name))


def _allocate(total: int, minimums: list[int], weights: list[float]) -> list[int]:
    """Split ``total`` by weight (largest remainder), each share at least its minimum."""
    rest = total - sum(minimums)
    if rest < 0:
        raise ValueError(f"{total} people cannot staff units needing {sum(minimums)}")
    raw = [rest * w / sum(weights) for w in weights]
    shares = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [m + s for m, s in zip(minimums, shares, strict=True)]


def _allocate_staff(ctx: DemoContext, ests: list[EstPlan]) -> None:
    totals = _allocate(
        data.PEOPLE[ctx.scale],
        [sum(u.minimum for u in est.units) for est in ests],
        [est.weight for est in ests],
    )
    for est, total in zip(ests, totals, strict=True):
        counts = _allocate(
            total, [u.minimum for u in est.units], [u.spec.weight for u in est.units]
        )
        for unit, count in zip(est.units, counts, strict=True):
            unit.headcount = count


# --- places -----------------------------------------------------------------


def _floor_name(level: int) -> str:
    if level < 0:
        return "Sous-sol"
    return {0: "Rez-de-chaussée", 1: "1er étage"}.get(level, f"{level}e étage")


def _places(ctx: DemoContext, ests: list[EstPlan]) -> dict[str, list]:
    sites, buildings, floors = [], [], []
    upper_floors: dict[int, list[Floor]] = {}
    for est in ests:
        n_sites = 1 if est.weight < 8 else 2 if est.weight < 20 else 3
        est_sites = []
        for i in range(n_sites):
            main = i == 0
            label = "Site principal" if main else f"Site {data.SITE_NAMES[i - 1]}"
            est_sites.append(
                Site(
                    establishment=est.obj,
                    code="PRINCIPAL" if main else slugify(data.SITE_NAMES[i - 1]).upper()[:32],
                    name=label,
                    address=est.obj.address if main else ctx.faker.street_address(),
                    postcode=est.obj.postcode,
                    city=est.obj.city,
                )
            )
        sites += est_sites
        needed, upper = math.ceil(len(est.units) / 2), []
        names = ctx.random.sample(data.BUILDING_NAMES, len(data.BUILDING_NAMES))
        i = 0
        while len(upper) < needed or i < n_sites:
            top = ctx.random.randint(1, 3) if est.weight < 8 else ctx.random.randint(2, 6)
            letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
            building = Building(
                site=est_sites[i % n_sites],
                code=letters[i] if i < len(letters) else str(i + 1),
                name=f"Bâtiment {names[i % len(names)]}",
            )
            buildings.append(building)
            basement = i < 2 or ctx.random.random() < 0.5
            for level in range(-1 if basement else 0, top + 1):
                floor = Floor(building=building, level=level, name=_floor_name(level))
                floors.append(floor)
                if level >= 0:
                    upper.append(floor)
            i += 1
        upper_floors[est.obj.pk] = upper
    _bulk(Site, sites)
    _bulk(Building, buildings)
    _bulk(Floor, floors)
    rooms, server_rooms = _rooms(ests, floors, upper_floors)
    return {
        "sites": sites,
        "buildings": buildings,
        "floors": floors,
        "rooms": rooms,
        "server_rooms": server_rooms,
    }


def _rooms(ests, floors, upper_floors) -> tuple[list[Room], list[Room]]:
    counters: dict[int, int] = defaultdict(int)
    rooms: list[Room] = []

    def add(floor: Floor, name: str, kind: str) -> Room:
        counters[id(floor)] += 1
        level = str(floor.level) if floor.level >= 0 else "S"
        code = f"{floor.building.code}{level}{counters[id(floor)]:02d}"
        room = Room(floor=floor, code=code, name=name, kind=kind)
        rooms.append(room)
        return room

    for floor in floors:
        add(floor, "Local technique (baie de brassage)", Room.Kind.TECHNICAL)
    server_rooms = []
    for est in ests:
        basements = [f for f in floors if f.level < 0 and f.building.site.establishment is est.obj]
        names = ["Salle serveurs principale", "Salle serveurs de secours"]
        if not est.obj.is_support:
            names = ["Local informatique"]
        for i, name in enumerate(names):
            server_rooms.append(add(basements[i % len(basements)], name, Room.Kind.DATACENTER))
        for i, unit in enumerate(est.units):
            unit.floor = upper_floors[est.obj.pk][i // 2]
            unit.phone = est.next_line()
            profile = unit.profile
            unit.rooms.append(
                add(unit.floor, f"{profile.main_room} – {unit.name}", Room.Kind.OFFICE)
            )
            for name, kind, count in profile.rooms:
                for n in range(1, count + 1):
                    unit.rooms.append(add(unit.floor, name.format(n=n), kind))
            if profile.offices:
                for n in range(1, (unit.headcount + 1) // 2 + 1):
                    unit.rooms.append(add(unit.floor, f"Bureau {n}", Room.Kind.OFFICE))
    _bulk(Room, rooms)
    return rooms, server_rooms


# --- poles, services, care units -------------------------------------------


def _care_units(ests: list[EstPlan]) -> dict[str, list]:
    poles, services, units = [], [], []
    for est in ests:
        est_poles: dict[str, Pole] = {}
        est_services: dict[str, Service] = {}
        per_pole: dict[str, int] = defaultdict(int)
        for plan in est.units:
            spec = plan.service
            if spec.pole not in est_poles:
                code = f"P{len(est_poles) + 1:02d}"
                est_poles[spec.pole] = Pole(
                    establishment=est.obj, code=code, name=data.POLES[spec.pole]
                )
            pole = est_poles[spec.pole]
            if spec.code not in est_services:
                est_services[spec.code] = Service(
                    establishment=est.obj, pole=pole, code=spec.code, name=spec.name
                )
            per_pole[spec.pole] += 1
            always = plan.profile.always_open
            calendar = data.CARE_CALENDAR if plan.spec.criticality > 1 else data.OFFICE_CALENDAR
            plan.care_unit = CareUnit(
                establishment=est.obj,
                service=est_services[spec.code],
                code=f"{pole.code[1:]}{per_pole[spec.pole]:02d}",
                name=plan.name,
                criticality=plan.spec.criticality,
                care_hours=CareUnit.CareHours.ALWAYS if always else CareUnit.CareHours.BUSINESS,
                calendar_code="" if always else calendar,
                room=plan.rooms[0],
                phone=plan.phone,
            )
            units.append(plan.care_unit)
        poles += est_poles.values()
        services += est_services.values()
    _bulk(Pole, poles)
    _bulk(Service, services)
    _bulk(CareUnit, units)
    return {"poles": poles, "services": services, "care_units": units}


# --- people -----------------------------------------------------------------


def _new_person(ctx: DemoContext, est: EstPlan, unit: UnitPlan, job: Job, numbers, rpps_seen):
    first, last = ctx.faker.first_name(), ctx.faker.last_name()
    local = f"{slugify(first)}.{slugify(last)}"
    est.emails[local] = est.emails.get(local, 0) + 1
    if est.emails[local] > 1:
        local += str(est.emails[local])
    rpps = ""
    while job.is_health_professional and (not rpps or rpps in rpps_seen):
        rpps = luhn_complete(f"10{ctx.random.randint(0, 99_999_999):08d}")
    rpps_seen.add(rpps)
    on_floor = job.code in data.CARE_FLOOR_JOBS
    mobile = ""
    if job.code in data.MOBILE_JOBS:
        digits = ctx.random.randint(0, 99_999_999)
        mobile = f"0{ctx.random.choice('67')} " + " ".join(
            f"{digits:08d}"[i : i + 2] for i in (0, 2, 4, 6)
        )
    today = timezone.localdate()
    return Person(
        establishment=est.obj,
        employee_number=str(next(numbers)),
        first_name=first,
        last_name=last,
        job=job,
        rpps=rpps,
        phone=unit.phone if on_floor else est.next_line(),
        mobile=mobile,
        email=f"{local}@{est.domain}",
        active_from=today - dt.timedelta(days=ctx.random.randint(30, 12_000)),
    )


def _place(person: Person, unit: UnitPlan, index: int, is_head: bool) -> None:
    rooms = unit.rooms
    offices = [r for r in rooms[1:] if r.kind == Room.Kind.OFFICE]
    code = person.job.code
    if is_head and offices:
        person.room = offices[0]
    elif code == "medecin":
        person.room = next((r for r in rooms if r.name == "Bureau médical"), rooms[0])
    elif code in data.CARE_FLOOR_JOBS or not unit.profile.offices:
        person.room = rooms[0]
    else:
        person.room = offices[index % len(offices)]


def _people(ctx: DemoContext, ests: list[EstPlan], jobs: dict[str, Job]):
    tiers: list[list[Person]] = [[], [], []]  # directors, heads and chefs, staff
    rpps_seen: set[str] = set()
    for est in ests:
        total = sum(u.headcount for u in est.units)
        numbers = iter(sorted(ctx.random.sample(range(100_000, 1_000_000), total)))
        chefs: dict[str, Person] = {}
        director = None
        for unit in est.units:
            profile = unit.profile
            mix_jobs = [j for j, _ in profile.mix]
            weights = [w for _, w in profile.mix]
            drawn = ctx.random.choices(mix_jobs, weights, k=unit.headcount - unit.minimum)
            for index, code in enumerate([profile.head, *profile.fixed, *drawn]):
                person = _new_person(ctx, est, unit, jobs[code], numbers, rpps_seen)
                _place(person, unit, index, index == 0)
                unit.people.append(person)
                if code == "medecin" and unit.service.code not in chefs:
                    chefs[unit.service.code] = person
            if profile.head == "directeur":
                director = unit.people[0]
        for unit in est.units:
            head = unit.people[0]
            chef = chefs.get(unit.service.code)
            for person in unit.people:
                if person is director:
                    tiers[0].append(person)
                    continue
                if person is head or person is chef:
                    person.manager = director
                    tiers[1].append(person)
                    continue
                person.manager = chef if person.job.code == "medecin" and chef else head
                if ctx.random.random() < 0.015:  # a few have left: the desk still finds them
                    person.active_to = timezone.localdate() - dt.timedelta(
                        days=ctx.random.randint(1, 700)
                    )
                    person.active_from = min(person.active_from, person.active_to)
                tiers[2].append(person)
    accounts = _accounts(ctx, ests)
    for tier in tiers:
        _bulk(Person, tier)
    through = Person.care_units.through
    for est in ests:
        by_service: dict[str, list[CareUnit]] = defaultdict(list)
        for unit in est.units:
            by_service[unit.service.code].append(unit.care_unit)
        est_links = []
        for unit in est.units:
            for person in unit.people:
                targets = by_service[unit.service.code] if person.job.code == "medecin" else []
                for care_unit in targets or [unit.care_unit]:
                    est_links.append(through(person_id=person.pk, careunit_id=care_unit.pk))
        through.objects.bulk_create(est_links, batch_size=BATCH)
        audit.record_event(
            "demo.people_assigned",
            est.obj,
            data={"establishment": est.obj.pk, "links": len(est_links)},
        )
    people = [p for tier in tiers for p in tier]
    return people, accounts


def _find(ests: list[EstPlan], where: tuple[int, str, str], claimed: set[int]) -> Person:
    index, unit_key, job = where
    for unit in ests[index].units:
        if unit.name != unit_key and unit.spec.profile != unit_key:
            continue
        for person in unit.people:
            if person.job.code == job and id(person) not in claimed:
                return person
    raise LookupError(f"no {job} in {unit_key} of establishment #{index}")


def _accounts(ctx: DemoContext, ests: list[EstPlan]) -> dict[str, Any]:
    """One user per role, linked to a person (set before the person is saved).

    Users are audited models: their creation, roles and establishments are in
    the trail through the ordinary save and many-to-many hooks.
    """
    roles.sync_roles()
    User = get_user_model()
    # Argon2 is slow on purpose: hash once, the accounts share the password anyway.
    password = make_password(DEMO_PASSWORD)
    users: dict[str, Any] = {}
    claimed: set[int] = set()
    scopes = {
        "one": [ests[0].obj],
        "two": [ests[0].obj, ests[1].obj],
        "all": [],
        "none": [],
    }
    for account in ACCOUNTS:
        where, scope = _ACCOUNT_PEOPLE[account.username]
        person = _find(ests, where, claimed) if where else None
        if person is not None:
            claimed.add(id(person))
            first, last, email = person.first_name, person.last_name, person.email
        else:
            first, last = ctx.faker.first_name(), ctx.faker.last_name()
            email = f"{slugify(first)}.{slugify(last)}@prestataire.example"
        user = User(
            username=account.username,
            first_name=first,
            last_name=last,
            email=email,
            is_staff=account.role == roles.ADMINISTRATOR,
            all_establishments=scope == "all",
        )
        user.password = password
        user.save()
        user.groups.add(Group.objects.get(name=account.role))
        user.establishments.set(scopes[scope])
        if person is not None:
            person.user = user
        users[account.username] = user
    return users


# --- teams ------------------------------------------------------------------


def _teams(ctx: DemoContext, ests: list[EstPlan]) -> dict[str, Team]:
    support = next(e for e in ests if e.obj.is_support)
    dsi = [p for u in support.units if u.spec.profile == "dsi" for p in u.people[1:]]
    by_job: dict[str, list[Person]] = defaultdict(list)
    for person in dsi:
        by_job[person.job.code].append(person)
    techs, engineers = by_job["technicien-info"], by_job["ingenieur-systemes"]
    members = {
        "dsi-centre-de-services": techs[0::2],
        "dsi-reseau": engineers[1::2],
        "dsi-systemes": engineers[0::2] + by_job["rssi"],
        "dsi-postes-de-travail": techs[1::2],
        "dsi-applications": by_job["chef-projet-si"],
        "biomedical": [
            p for e in ests for u in e.units if u.spec.profile == "biomed" for p in u.people
        ],
    }
    teams: dict[str, Team] = {}
    for code, name, description in data.DSI_TEAMS:
        people = members[code]
        teams[code] = Team.objects.create(
            code=code,
            name=name,
            description=description,
            email=f"{code}@{support.domain}",
            lead=people[0] if people else None,
        )
        teams[code].members.set(people)
    for est in ests:
        for unit in est.units:
            if unit.spec.profile != "it_local":
                continue
            code = f"proximite-{slugify(est.obj.short_name)}"
            teams[code] = Team.objects.create(
                code=code,
                name=f"Informatique de proximité – {est.obj.short_name}",
                establishment=est.obj,
                email=f"informatique@{est.domain}",
                lead=unit.people[0],
            )
            teams[code].members.set(unit.people)
    return teams


def _share(ctx, group, ests, jobs, places, structure, people, accounts, teams) -> None:
    """What later apps (CMDB, desk…) build on."""
    by_est: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        by_est[person.establishment_id].append(person)
    ctx.data.update(
        {
            "group": group,
            "establishments": [e.obj for e in ests],
            "support": next(e.obj for e in ests if e.obj.is_support),
            "domains": {e.obj.pk: e.domain for e in ests},
            "jobs": jobs,
            **places,
            **structure,
            "people": people,
            "people_by_establishment": dict(by_est),
            "accounts": accounts,
            "teams": teams,
        }
    )
