"""Time the CSV import of 25,000 configuration items, then its idempotent re-import.

Usage (on the database of DATABASE_URL; ``--migrate`` migrates it first):

    CADUCEE_VAR_DIR=… DATABASE_URL=… .venv/bin/python bench/import_cis.py \
        [--rows 25000] [--migrate] [--seed 2026]

Builds a realistic CSV — the GHT mix of DESIGN.md (workstations, printers,
network devices, servers, applications, medical devices), every column filled
where a real inventory would fill it, French headers — on top of the
organisation in the database (the ``ght`` demo, say), or on a minimal one it
creates when the database has none. Then imports it the way the page and the
API do (``submit_import``: file stored, every row checked, then saved in
chunks with one audit event per item), run in-process, and prints the seconds;
then imports the same file again and prints the seconds and what changed
(nothing: 0 created, 0 updated, no audit event).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")

#: Shares of the GHT scale (DESIGN.md): 12,000 workstations, 7,700 printers…
MIX = [
    ("workstation", 12000),
    ("printer", 7700),
    ("network_device", 2000),
    ("server", 400),
    ("application", 300),
    ("medical_device", 3000),
]
HEADER = [
    "Nom", "Type", "Statut", "Établissement", "Code site", "Code bâtiment", "Niveau",
    "Code local", "Groupe propriétaire", "Fournisseur", "N° de série", "N° d'inventaire",
    "Fabricant", "Modèle", "Date d'achat", "Fin de garantie", "Criticité", "Sécurité patient",
    "Données de santé", "Nom d'hôte", "Adresse IP", "Adresse MAC", "UUID", "Attribué à",
    "attributes.os_family", "attributes.ram_mb", "attributes.form_factor", "attributes.usage",
    "attributes.printer_kind", "attributes.network_role", "attributes.port_count",
    "attributes.server_kind", "attributes.publisher", "attributes.device_class",
    "attributes.network_connected",
]  # fmt: skip
MODELS = {
    "workstation": [("HP", "EliteDesk 800 G6"), ("Dell", "OptiPlex 7090"), ("Lenovo", "M70q")],
    "printer": [("HP", "LaserJet M507"), ("Lexmark", "MS621"), ("Zebra", "ZD421")],
    "network_device": [("Cisco", "Catalyst 9200-48P"), ("HPE Aruba", "2930F")],
    "server": [("Dell", "PowerEdge R650"), ("VMware", "Virtual Machine")],
    "application": [("", "")],
    "medical_device": [("Philips", "IntelliVue MX450"), ("GE", "CARESCAPE B450")],
}


def minimal_org(actor) -> None:
    """Three establishments, their rooms, teams and a supplier (an empty database)."""
    from caducee.cmdb.models import Supplier
    from caducee.core.context import acting_as
    from caducee.org import models as org

    with acting_as(actor, source="bench"):
        group = org.HospitalGroup.objects.create(code="ght-bench", name="GHT Bench")
        for index, finess in enumerate(("750712184", "330781196", "690781810")):
            est = org.Establishment.objects.create(group=group, finess=finess, name=f"CH {index}")
            site = org.Site.objects.create(establishment=est, code="MAIN", name="Site principal")
            for b in "ABC":
                building = org.Building.objects.create(site=site, code=b, name=f"Bâtiment {b}")
                for level in range(4):
                    floor = org.Floor.objects.create(building=building, level=level)
                    org.Room.objects.bulk_create(
                        [org.Room(floor=floor, code=f"{level}{n:02d}") for n in range(30)]
                    )
        org.Team.objects.create(code="dsi-n2-poste", name="Poste de travail N2")
        Supplier.objects.create(name="Bench Fournisseur")


def generate(path: Path, rows: int, prefix: str, seed: int) -> int:
    import csv

    from caducee.org.models import Person, Room, Team

    rng = random.Random(seed)
    rooms = list(
        Room.objects.values_list(
            "floor__building__site__establishment__finess",
            "floor__building__site__code",
            "floor__building__code",
            "floor__level",
            "code",
        )[:5000]
    )
    if not rooms:
        sys.exit("the organisation has no rooms")
    people = {}
    for finess, number in Person.objects.exclude(employee_number="").values_list(
        "establishment__finess", "employee_number"
    )[:20000]:
        people.setdefault(finess, []).append(number)
    team = Team.objects.values_list("code", flat=True).first() or ""
    total = sum(share for _type, share in MIX)
    counts = [(ci_type, max(1, round(rows * share / total))) for ci_type, share in MIX]
    counts[0] = (counts[0][0], counts[0][1] + rows - sum(n for _t, n in counts))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        n = 0
        for ci_type, count in counts:
            for _index in range(count):
                n += 1
                writer.writerow(_row(rng, ci_type, n, prefix, rooms, people, team))
    return n


def _row(rng, ci_type, n, prefix, rooms, people, team) -> list[str]:
    finess, site, building, level, room = rng.choice(rooms)
    maker, model = rng.choice(MODELS[ci_type])
    hardware = ci_type not in ("application",)
    host = f"{prefix.lower()}-{ci_type[:3]}-{n:05d}" if ci_type != "medical_device" else ""
    year = rng.randint(2017, 2025)
    values = {
        "Nom": f"{prefix}-{ci_type[:3].upper()}-{n:05d}",
        "Type": ci_type,
        "Statut": rng.choice(["in_production"] * 9 + ["in_stock"]),
        "Établissement": finess,
        "Code site": site if hardware else "",
        "Code bâtiment": building if hardware else "",
        "Niveau": str(level) if hardware else "",
        "Code local": room if hardware else "",
        "Groupe propriétaire": team,
        "N° de série": f"{prefix}SN{n:07d}" if hardware else "",
        "N° d'inventaire": f"{prefix}-INV-{n:06d}" if hardware else "",
        "Fabricant": maker,
        "Modèle": model,
        "Date d'achat": f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" if hardware else "",
        "Fin de garantie": f"{year + 5}-06-30" if hardware else "",
        "Criticité": str(rng.choice([2, 2, 3, 4] if ci_type == "medical_device" else [1, 2, 2, 3])),
        "Sécurité patient": "oui" if ci_type == "medical_device" and n % 3 == 0 else "non",
        "Données de santé": "oui" if ci_type in ("application", "medical_device") else "non",
        "Nom d'hôte": host,
        "Adresse IP": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" if host else "",
        "Adresse MAC": ":".join(f"{(n >> s) & 255:02x}" for s in (40, 32, 24, 16, 8, 0))
        if hardware
        else "",
        "UUID": f"{n:08x}-0000-4000-8000-{prefix.encode().hex()[:12]:0>12}"
        if ci_type in ("workstation", "server")
        else "",
        "Attribué à": rng.choice(people.get(finess, [""]))
        if ci_type == "workstation" and n % 4 == 0
        else "",
    }
    attributes = {
        "workstation": {
            "attributes.os_family": "windows",
            "attributes.ram_mb": str(rng.choice([8192, 16384])),
            "attributes.form_factor": rng.choice(["desktop", "laptop", "thin_client"]),
            "attributes.usage": rng.choice(["personal", "shared"]),
        },
        "printer": {"attributes.printer_kind": rng.choice(["laser", "multifunction", "label"])},
        "network_device": {
            "attributes.network_role": rng.choice(["access"] * 8 + ["distribution", "core"]),
            "attributes.port_count": "48",
        },
        "server": {"attributes.server_kind": "virtual", "attributes.os_family": "linux"},
        "application": {"attributes.publisher": "Éditeur Santé"},
        "medical_device": {
            "attributes.device_class": rng.choice(["IIa", "IIb", "III"]),
            "attributes.network_connected": rng.choice(["oui", "non"]),
        },
    }[ci_type]
    values.update(attributes)
    return [values.get(column, "") for column in HEADER]


def timed_import(user, path: Path):
    from django.test.utils import override_settings

    from caducee.cmdb.imports import submit_import

    data = path.read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    with override_settings(CADUCEE_IMPORT_INLINE_ROWS=10**9):
        job = submit_import(
            actor=user, kind="items", name=path.name, data=data, dry_run=False, valid_only=False
        )
    return time.perf_counter() - start, time.process_time() - cpu, job


def report(label: str, seconds: float, cpu: float, job, events: int) -> None:
    print(
        f"{label + ':':<11}{seconds:6.1f} s (CPU {cpu:5.1f} s)  status={job.status} "
        f"created={job.created_count} updated={job.updated_count} "
        f"unchanged={job.unchanged_count} errors={job.error_count} audit events={events}"
    )
    if job.errors:
        print("  first errors:", job.errors[:5])


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from caducee.cmdb.models import ConfigurationItem
    from caducee.core.models import AuditEvent, User
    from caducee.org.models import Establishment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    args = parser.parse_args()

    if args.migrate:
        call_command("migrate", verbosity=0)
    user = User.objects.filter(username="bench-import").first()
    if user is None:
        user = User.objects.create_superuser("bench-import", "bench@example.org", None)
    if not Establishment.objects.exists():
        minimal_org(user)
    prefix = f"B{int(time.time()) % 1000000:06d}"  # fresh natural keys on every run
    path = Path(settings.VAR_DIR) / f"bench-import-{prefix}.csv"
    rows = generate(path, args.rows, prefix, args.seed)
    items_before = ConfigurationItem.objects.count()
    print(f"database: {connection.vendor}, rows: {rows}, file: {path.stat().st_size // 1024} KiB")

    events = AuditEvent.objects.count()
    seconds, cpu, job = timed_import(user, path)
    report("import", seconds, cpu, job, AuditEvent.objects.count() - events)
    assert ConfigurationItem.objects.count() == items_before + job.created_count

    events = AuditEvent.objects.count()
    seconds, cpu, again = timed_import(user, path)
    report("re-import", seconds, cpu, again, AuditEvent.objects.count() - events)
    path.unlink()


if __name__ == "__main__":
    main()
