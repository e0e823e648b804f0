"""The shared data centre and the application portfolio of the demo GHT.

A GHT's DSI runs one data centre in its support establishment (a main and a
backup server room): two core switches, a firewall pair, virtualisation
clusters on physical hosts, and the servers of the shared applications — the
EHR, admissions, laboratory, imaging, pharmacy… (``demo_data.APPLICATIONS``).
These belong to the whole GHT (no establishment), like the applications
themselves, which every matching care unit of every establishment uses.

Each establishment also runs local servers (print, files, a domain controller
and the servers of its own small applications), on a local cluster in the
larger ones, in the data centre otherwise.

Relations give the impact analysis its paths: application *runs on* its
servers and *depends on* its database and the applications it needs; a
virtual server is *hosted in* its cluster; a cluster *depends on* its hosts
and is *connected to* the core switches; the application is *used by* its
care units. Databases and production servers are *backed up by* the backup
servers (documentation only: a backup outage stops no care).
"""

from __future__ import annotations

import math

from caducee.cmdb import demo_data as data
from caducee.cmdb.demo_builder import Builder, Est
from caducee.cmdb.models import RelationKind
from caducee.cmdb.types import CIType

R = RelationKind
NODE_RAM_MB = 768 * 1024


def build(b: Builder, apps: list[data.AppSpec]) -> None:
    dc = _network(b)
    clusters = _clusters(b, dc)
    backups: list = []
    for spec in apps:
        _application(b, spec, clusters, dc, backups)
    for spec in apps:
        for code in spec.depends.split():
            if code in b.apps:
                b.relate(b.apps[spec.code], R.DEPENDS_ON, b.apps[code])
    backup_servers = [i for i in b.items if i.name.startswith("SRV-SAUV-BKP")]
    for item in backups:
        for server in backup_servers:
            if server is not item:
                b.relate(item, R.BACKED_UP_BY, server)
    for est in b.ests:
        _local(b, est, clusters)


def _rooms(b: Builder):
    rooms = b.support.server_rooms
    return rooms[0], rooms[1 % len(rooms)]


def _network(b: Builder) -> dict:
    main, backup = _rooms(b)
    vendor = data.NETWORK_VENDORS[0]
    contract = b.contracts["network"]
    common = {"owner_group": b.teams["dsi-reseau"], "criticality": 4}
    dc: dict = {"core": [], "firewall": []}
    for n, room in enumerate((main, backup), start=1):
        hw = vendor["core"]
        name = f"SW-DC-CORE-{n:02d}"
        dc["core"].append(
            b.add(
                CIType.NETWORK_DEVICE, name, None,
                {"network_role": "core", "port_count": hw.ports, "vlans": data.VLANS["core"],
                 "firmware": hw.detail},
                room=room, hostname=name, ip_address=b.dc_ip(), mac_address=b.mac(),
                **b.hardware(hw, None, bought=b.days_ago(400, 1500), warranty_years=5,
                             contract=contract), **common,
            )
        )  # fmt: skip
    for n, room in enumerate((main, backup), start=1):
        hw = data.FIREWALL
        name = f"FW-DC-{n:02d}"
        firewall = b.add(
            CIType.NETWORK_DEVICE, name, None,
            {"network_role": "firewall", "port_count": hw.ports, "firmware": hw.detail},
            room=room, hostname=name, ip_address=b.dc_ip(), mac_address=b.mac(),
            **b.hardware(hw, None, bought=b.days_ago(400, 1500), warranty_years=5,
                         contract=contract), **common,
        )  # fmt: skip
        dc["firewall"].append(firewall)
        for core in dc["core"]:
            b.relate(firewall, R.CONNECTED_TO, core)
    return dc


def _host(b: Builder, name: str, est: Est | None, room, cores: list, owner=None):
    hw = b.rng.choice(data.SERVER_PHYSICAL)
    host = b.add(
        CIType.SERVER, name, est,
        {"server_kind": "physical", "os_family": "other", "os_name": "VMware ESXi",
         "os_version": "8.0 U2", "cpu": hw.detail, "cpu_cores": hw.ports, "ram_mb": NODE_RAM_MB,
         "environment": "production"},
        room=room, hostname=name, ip_address=b.dc_ip() if est is None else est.next_ip(),
        mac_address=b.mac(), uuid=b.uuid(), owner_group=owner or b.teams["dsi-systemes"],
        criticality=4,
        **b.hardware(hw, est, bought=b.days_ago(200, 1800), warranty_years=5,
                     contract=b.contracts["datacentre"] if est is None else None,
                     supplier=b.suppliers["datacentre"]),
    )  # fmt: skip
    for core in cores:
        b.relate(host, R.CONNECTED_TO, core)
    return host


def _cluster(b: Builder, name: str, est: Est | None, room, nodes: int, cores: list, hds: bool):
    cluster = b.add(
        CIType.CLUSTER, name, est, {"hypervisor": data.HYPERVISOR, "node_count": nodes},
        room=room, owner_group=b.teams["dsi-systemes"], criticality=4, holds_health_data=hds,
        contract=b.contracts["datacentre"] if est is None else None,
        supplier=b.suppliers["datacentre"],
    )  # fmt: skip
    prefix = name.replace("CLU-", "ESX-")
    for n in range(1, nodes + 1):
        b.relate(cluster, R.DEPENDS_ON, _host(b, f"{prefix}-{n:02d}", est, room, cores))
    if est is None:
        for core in cores:
            b.relate(cluster, R.CONNECTED_TO, core)
    else:
        b.to_core.append((cluster, est))
    return cluster


def _clusters(b: Builder, dc: dict) -> dict[str, object]:
    main, backup = _rooms(b)
    nodes = 8 if b.ctx.big else 3
    clusters = {
        "A": _cluster(b, "CLU-PROD-A", None, main, nodes, dc["core"], True),
        "B": _cluster(b, "CLU-PROD-B", None, backup, nodes, dc["core"], True),
    }
    if b.ctx.big:
        clusters["HP"] = _cluster(b, "CLU-HORSPROD", None, backup, 4, dc["core"], False)
    return clusters


def _server(b: Builder, name: str, est: Est | None, role: str, os_family: str, **fields):
    os_name, os_version = b.rng.choice(data.SERVER_OS[os_family])
    attributes = {
        "server_kind": "virtual",
        "os_family": os_family,
        "os_name": os_name,
        "os_version": os_version,
        "cpu_cores": 8 if role in ("BDD", "APP") else 4,
        "ram_mb": 32768 if role in ("BDD", "APP") else 16384,
        "environment": fields.pop("environment", "production"),
    }
    return b.add(
        CIType.SERVER, name, est, attributes,
        hostname=name, ip_address=b.dc_ip() if est is None else est.next_ip(),
        mac_address=b.mac(), uuid=b.uuid(), owner_group=b.teams["dsi-systemes"],
        manufacturer="VMware", model="Machine virtuelle", notes=data.SERVER_ROLES.get(role, ""),
        **fields,
    )  # fmt: skip


def _version(b: Builder) -> str:
    return f"{b.rng.randint(2, 12)}.{b.rng.randint(0, 9)}.{b.rng.randint(0, 20)}"


def _application(b: Builder, spec: data.AppSpec, clusters: dict, dc: dict, backups: list) -> None:
    hosting = "saas" if spec.has("saas") else "hds" if spec.has("hdshost") else "on_premise"
    hds = spec.has("hds")
    domain = b.support.domain
    app = b.add(
        CIType.APPLICATION, spec.name, None,
        {"publisher": data.SUPPLIERS[spec.publisher].name, "version": _version(b),
         "hosting": hosting,
         "url": f"https://{spec.code.lower()}.{domain}/" if hosting == "on_premise" else ""},
        criticality=spec.criticality, holds_health_data=hds,
        patient_safety_critical=spec.code == "CSV",
        owner_group=b.teams["dsi-applications"], business_owner=b.owner_for(spec.users),
        supplier=b.suppliers[spec.publisher], contract=b.contracts[("app", spec.code)],
    )  # fmt: skip
    b.apps[spec.code] = app
    main, backup = _rooms(b)
    windows = spec.engine == "sqlserver" or "DC" in spec.servers.split()
    counters: dict[str, int] = {}
    db_server = None
    for index, role in enumerate(spec.servers.split()):
        counters[role] = counters.get(role, 0) + 1
        name = f"SRV-{spec.code}-{role}{counters[role]:02d}"
        side = "AB"[index % 2]
        room = main if side == "A" else backup
        if role in data.PHYSICAL_ROLES:
            server = _host(b, name, None, room, dc["core"])
            server.attributes.update(os_family="linux", os_name="Red Hat Enterprise Linux")
            server.attributes.update(os_version="9.3", environment="production")
            server.notes = data.SERVER_ROLES[role]
        else:
            server = _server(
                b, name, None, role, "windows" if windows else "linux",
                criticality=spec.criticality, holds_health_data=hds,
            )  # fmt: skip
            b.relate(server, R.HOSTED_IN, clusters[side])
        backups.append(server)
        if role == "BDD":
            db_server = server
        else:
            b.relate(app, R.RUNS_ON, server)
        db_server = db_server or server
    if spec.engine and db_server is not None:
        database = b.add(
            CIType.DATABASE, f"BDD-{spec.code}-PROD", None,
            {"engine": spec.engine, "engine_version": data.DB_VERSIONS[spec.engine],
             "instance": f"{spec.code}PRD", "size_gb": b.rng.choice((20, 50, 120, 400, 1500))},
            criticality=spec.criticality, holds_health_data=hds,
            owner_group=b.teams["dsi-systemes"],
        )  # fmt: skip
        b.relate(database, R.RUNS_ON, db_server)
        b.relate(app, R.DEPENDS_ON, database)
        backups.append(database)
    if hosting != "on_premise":
        b.relate(app, R.DEPENDS_ON, dc["firewall"][0])
    if b.ctx.big and spec.servers:
        # Outside production: a test server for every application, pre-production
        # and training environments for the large ones.
        extra = [("REC01", "test")]
        if spec.annual >= 100_000:
            extra += [("PP01", "preproduction"), ("PP02", "preproduction"), ("FOR01", "training")]
        for suffix, environment in extra:
            server = _server(
                b, f"SRV-{spec.code}-{suffix}", None, "APP", "windows" if windows else "linux",
                environment=environment, criticality=1,
            )  # fmt: skip
            b.relate(server, R.HOSTED_IN, clusters["HP"])
    for est in b.ests:
        for unit in est.units:
            if spec.users and unit.matches(spec.users):
                b.relate(app, R.USED_BY, care_unit=unit.care_unit)


def _local(b: Builder, est: Est, clusters: dict) -> None:
    """Local servers and the establishment's own applications.

    The support establishment's servers are virtual machines of the shared
    clusters; a hospital has its own small cluster; a local hospital or an
    EHPAD one physical server, its applications running in the data centre.
    """
    room = est.server_rooms[0]
    count = min(data.LOCAL_APP_COUNTS[b.ctx.scale][est.kind], len(data.LOCAL_APPLICATIONS))
    owner = est.it_team or b.teams["dsi-systemes"]
    if est.obj.is_support:
        cluster, shared = clusters["A"], clusters["B"]
    elif est.kind in ("chu", "ch", "chs"):
        cluster = shared = _cluster(b, f"CLU-{est.code}", est, room, 2, [], False)
    else:
        cluster, shared = None, clusters["B"]
    servers = []
    if cluster is None:
        server = _host(b, f"SRV-{est.code}-LOC01", est, room, [], owner)
        server.attributes.update(os_family="windows", os_name="Windows Server 2022 Standard")
        server.attributes.update(os_version="21H2", ram_mb=65536)
        server.notes = "serveur d'impression, de fichiers et contrôleur de domaine"
        b.to_core.append((server, est))
        b.print_servers[est.obj.pk] = server
    else:
        for role in ("IMP", "FIC", "AD"):
            server = _server(b, f"SRV-{est.code}-{role}01", est, role, "windows")
            servers.append(server)
        b.print_servers[est.obj.pk] = servers[0]
    app_servers = [
        _server(b, f"SRV-{est.code}-APP{n:02d}", est, "APP", "windows")
        for n in range(1, math.ceil(count / 4) + 1)
    ]
    for server in servers:
        b.relate(server, R.HOSTED_IN, cluster)
    for server in app_servers:
        b.relate(server, R.HOSTED_IN, shared)
    for server in servers + app_servers:
        server.owner_group = owner
        server.criticality = 3
    for n, (name, users) in enumerate(b.rng.sample(data.LOCAL_APPLICATIONS, count)):
        publisher = b.rng.choice(data.LOCAL_PUBLISHERS)
        app = b.add(
            CIType.APPLICATION, f"{name} ({est.code})", est,
            {"publisher": data.SUPPLIERS[publisher].name, "version": _version(b),
             "hosting": "on_premise"},
            criticality=2, owner_group=est.it_team or b.teams["dsi-applications"],
            supplier=b.suppliers[publisher],
        )  # fmt: skip
        server = app_servers[n // 4]
        b.relate(app, R.RUNS_ON, server)
        if "AD" in b.apps:
            b.relate(app, R.DEPENDS_ON, b.apps["AD"])
        if n % 2 == 0:
            engine = b.rng.choice(("sqlserver", "postgresql"))
            database = b.add(
                CIType.DATABASE, f"BDD-{est.code}-{n + 1:02d}", est,
                {"engine": engine, "engine_version": data.DB_VERSIONS[engine],
                 "instance": f"{est.code}{n + 1:02d}", "size_gb": b.rng.choice((2, 5, 10, 40))},
                criticality=2, owner_group=b.teams["dsi-systemes"],
            )  # fmt: skip
            b.relate(database, R.RUNS_ON, server)
            b.relate(app, R.DEPENDS_ON, database)
        for unit in est.units:
            if unit.matches(users):
                b.relate(app, R.USED_BY, care_unit=unit.care_unit)
