"""The local network of each establishment in the demo GHT.

A hospital campus network in three tiers: a pair of core switches per site,
a pair of distribution switches per building linked to both cores, and on
every floor, in its wiring closet, as many 48-port access switches as the
floor's wired equipment needs, each linked to both distribution switches.
Wi-Fi access points (a few per floor, more where carts and pumps roam) hang
off the access switches and are steered by the establishment's Wi-Fi
controller; a firewall and a WAN router link the establishment to the GHT.

Every wired item waiting in ``Builder.endpoints`` is *connected to* an access
switch of its floor, every Wi-Fi one to an access point: an outage of a
switch reaches, through those relations, the workstations, printers and
medical devices behind it and the care units that use them. Uplinks come in
pairs as on a real campus; the impact analysis does not model redundancy, so
either switch of a pair is shown reaching everything below it (the cautious
answer for a ticket's priority).
"""

from __future__ import annotations

import math
from collections import defaultdict

from caducee.cmdb import demo_data as data
from caducee.cmdb.demo_builder import Builder, Est
from caducee.cmdb.models import RelationKind
from caducee.cmdb.types import CIType
from caducee.org.models import Floor

R = RelationKind
USABLE_PORTS = 44  # of 48: four kept for uplinks and spares
#: One access point per this many rooms of a floor, per scale.
ROOMS_PER_AP = {"small": 40, "ght": 5}
WIFI_ITEMS_PER_AP = 12


def build(b: Builder) -> None:
    rooms_per_floor: dict[int, int] = defaultdict(int)
    for room in b.ctx.data["rooms"]:
        rooms_per_floor[room.floor_id] += 1
    for est in b.ests:
        _establishment(b, est, rooms_per_floor)


def _floor_label(floor: Floor) -> str:
    return f"{floor.building.code}{floor.level if floor.level >= 0 else 'S'}"


def _establishment(b: Builder, est: Est, rooms_per_floor: dict[int, int]) -> None:
    vendor = data.NETWORK_VENDORS[est.index % len(data.NETWORK_VENDORS)]
    criticality = _criticality(est)
    by_site: dict[int, dict[int, list[Floor]]] = {}
    for floor in sorted(est.floors, key=lambda f: (f.building.site.pk, f.building.pk, f.level)):
        by_site.setdefault(floor.building.site.pk, {}).setdefault(floor.building.pk, []).append(
            floor
        )

    def device(hw, role: str, name: str, floor: Floor, level: int, vlans: str = ""):
        attributes = {"network_role": role, "port_count": hw.ports, "firmware": hw.detail}
        if vlans:
            attributes["vlans"] = vlans
        return b.add(
            CIType.NETWORK_DEVICE, name, est, attributes,
            room=est.closets.get(floor.pk), hostname=name, ip_address=est.next_ip(),
            mac_address=b.mac(), owner_group=b.teams["dsi-reseau"], criticality=level,
            **b.hardware(hw, est, bought=b.days_ago(200, 2500), warranty_years=5,
                         contract=b.contracts["network"]),
        )  # fmt: skip

    site_cores, access_points = [], []
    for site_index, buildings in enumerate(by_site.values(), start=1):
        first = next(iter(buildings.values()))[0]
        cores = [
            device(vendor["core"], "core", f"SW-{est.code}-S{site_index}-CORE-{n:02d}", first, 4,
                   data.VLANS["core"])
            for n in (1, 2)
        ]  # fmt: skip
        site_cores.append(cores)
        for floors in buildings.values():
            code = floors[0].building.code
            level = max(criticality.get(f.pk, 2) for f in floors)
            dists = [
                device(vendor["distribution"], "distribution",
                       f"SW-{est.code}-{code}-DIST-{n:02d}", floors[0], max(level, 3),
                       data.VLANS["core"])
                for n in (1, 2)
            ]  # fmt: skip
            for dist in dists:
                for core in cores:
                    b.relate(dist, R.CONNECTED_TO, core)
            for floor in floors:
                access_points += _floor(
                    b, est, vendor, device, floor, dists, rooms_per_floor, criticality
                )
    main_cores, main_floor = site_cores[0], next(iter(next(iter(by_site.values())).values()))[0]
    controller = device(vendor["controller"], "wifi", f"WLC-{est.code}-01", main_floor, 3)
    firewall = device(data.FIREWALL, "firewall", f"FW-{est.code}-01", main_floor, 4)
    router = device(vendor["router"], "router", f"RTR-{est.code}-WAN01", main_floor, 4)
    for item in (controller, firewall, router):
        for core in main_cores:
            b.relate(item, R.CONNECTED_TO, core)
    for access_point in access_points:
        b.relate(access_point, R.CONNECTED_TO, controller)
    for item, owner in b.to_core:
        if owner is est:
            for core in main_cores:
                b.relate(item, R.CONNECTED_TO, core)


def _criticality(est: Est) -> dict[int, int]:
    """Per floor, the criticality of its most critical care unit."""
    levels: dict[int, int] = {}
    for unit in est.units:
        levels[unit.floor.pk] = max(levels.get(unit.floor.pk, 1), unit.criticality)
    return levels


def _floor(b, est, vendor, device, floor, dists, rooms_per_floor, criticality) -> list:
    """The floor's access switches and access points, its equipment connected."""
    endpoints = b.endpoints.get(floor.pk, [])
    wired = [item for item, how in endpoints if how == "wired"]
    wifi = [item for item, how in endpoints if how == "wifi"]
    rooms = rooms_per_floor.get(floor.pk, 0)
    n_ap = max(
        1 if rooms > 1 else 0,
        math.ceil(rooms / ROOMS_PER_AP[b.ctx.scale]),
        math.ceil(len(wifi) / WIFI_ITEMS_PER_AP),
    )
    n_access = max(1, math.ceil((len(wired) + n_ap) / USABLE_PORTS))
    label = _floor_label(floor)
    level = criticality.get(floor.pk, 2)
    switches = [
        device(vendor["access"], "access", f"SW-{est.code}-{label}-ACC-{n:02d}", floor, level,
               data.VLANS["access"])
        for n in range(1, n_access + 1)
    ]  # fmt: skip
    for switch in switches:
        for dist in dists:
            b.relate(switch, R.CONNECTED_TO, dist)
    access_points = [
        device(vendor["wifi"], "wifi", f"AP-{est.code}-{label}-{n:02d}", floor, level,
               data.VLANS["wifi"])
        for n in range(1, n_ap + 1)
    ]  # fmt: skip
    for index, item in enumerate(access_points + wired):
        b.relate(item, R.CONNECTED_TO, switches[index * n_access // (len(wired) + n_ap)])
    for index, item in enumerate(wifi):
        b.relate(item, R.CONNECTED_TO, access_points[index % n_ap])
    return access_points
