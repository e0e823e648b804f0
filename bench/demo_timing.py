"""Time ``caducee demo`` on the database of DATABASE_URL and count what it built.

Usage (on an empty, migrated database; ``--migrate`` migrates it first):

    CADUCEE_VAR_DIR=… DATABASE_URL=… .venv/bin/python bench/demo_timing.py \
        [--scale ght] [--seed 2026] [--migrate] [--verify]

Prints the elapsed seconds of the demo command (each app's share too), the
row counts of the organisation, accounts and audit trail, and with
``--verify`` the time ``caducee audit verify`` takes to walk the chain.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from caducee.core.models import AuditEvent, User
    from caducee.org import models as org

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "ght"], default="ght")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    parser.add_argument("--verify", action="store_true", help="also time `audit verify`")
    args = parser.parse_args()

    if args.migrate:
        call_command("migrate", verbosity=0)
    output = StringIO()
    start = time.perf_counter()
    call_command("demo", "--scale", args.scale, "--seed", str(args.seed), stdout=output)
    elapsed = time.perf_counter() - start

    print(f"database: {connection.vendor}, scale: {args.scale}, seed: {args.seed}")
    print(f"demo: {elapsed:.1f} s")
    for line in output.getvalue().splitlines():
        if line.startswith("  ") and line.rstrip().endswith(" s"):
            print(f"  {line.strip()}")
    counts = [
        ("establishments", org.Establishment),
        ("sites", org.Site),
        ("buildings", org.Building),
        ("floors", org.Floor),
        ("rooms", org.Room),
        ("poles", org.Pole),
        ("services", org.Service),
        ("care units", org.CareUnit),
        ("people", org.Person),
        ("care-unit links", org.Person.care_units.through),
        ("teams", org.Team),
        ("users", User),
        ("audit events", AuditEvent),
    ]
    for label, model in counts:
        print(f"{label:<16} {model.objects.count():>8}")
    if args.verify:
        start = time.perf_counter()
        call_command("audit", "verify", stdout=StringIO())
        print(f"audit verify: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
