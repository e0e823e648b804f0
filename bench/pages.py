"""Time the pages and API calls that agents use all day, on a loaded database.

Usage (after `caducee demo --scale ght` on the database of DATABASE_URL):

    CADUCEE_VAR_DIR=… DATABASE_URL=… .venv/bin/python bench/pages.py [--repeat 30]

Runs in-process through Django's test client (no network, no server), as the
demo accounts `agent` (one establishment) and `dsi` (whole GHT), and prints
p50/p95 per request in milliseconds with the number of SQL queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[index]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from caducee.core.models import User
    from caducee.org.models import CareUnit, Person

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="time only the URLs containing this text")
    args = parser.parse_args()

    people = Person.objects.count()
    if people < 1000:
        sys.exit(f"only {people} people: load `caducee demo --scale ght` first")
    agent = User.objects.get(username="agent")
    dsi = User.objects.get(username="dsi")
    unit = CareUnit.objects.filter(establishment__in=agent.establishments.all()).first()
    person = Person.objects.filter(establishment__in=agent.establishments.all()).first()
    name = person.last_name

    cases = [
        ("agent", agent, "/org/persons/"),
        ("agent", agent, f"/org/persons/?q={name}"),
        ("agent", agent, f"/org/persons/?care_unit={unit.pk}"),
        ("agent", agent, f"/org/persons/{person.pk}/"),
        ("agent", agent, f"/org/persons/{person.pk}/history/"),
        ("agent", agent, "/api/org/people/"),
        ("agent", agent, f"/api/org/people/?q={name}"),
        ("dsi", dsi, "/org/persons/"),
        ("dsi", dsi, "/org/persons/?page=200"),
        ("dsi", dsi, "/org/careunits/"),
        ("dsi", dsi, "/api/org/people/?page=100"),
    ]
    # The CMDB (issue 3 targets: filtered list page and API, 50 rows, p95 < 80 ms).
    from caducee.cmdb.models import ConfigurationItem

    if ConfigurationItem.objects.count() >= 1000:
        item = ConfigurationItem.objects.filter(
            establishment__in=agent.establishments.all(), ci_type="workstation"
        ).first()
        cases += [
            ("agent", agent, "/cmdb/configurationitems/"),
            ("agent", agent, "/cmdb/configurationitems/?ci_type=workstation&status=in_production"),
            # A broad search (thousands of hostnames share the prefix) and an exact one.
            ("agent", agent, f"/cmdb/configurationitems/?q={item.hostname[:8]}"),
            ("agent", agent, f"/cmdb/configurationitems/?q={item.serial_number}"),
            ("agent", agent, f"/cmdb/configurationitems/{item.pk}/"),
            ("agent", agent, "/api/cmdb/items/?ci_type=workstation&page_size=50"),
            (
                "agent",
                agent,
                "/api/cmdb/items/?ci_type=medical_device&patient_safety_critical=true&page_size=50",
            ),
            ("dsi", dsi, "/cmdb/configurationitems/?ci_type=printer"),
            ("dsi", dsi, "/api/cmdb/items/?criticality=4&page_size=50"),
        ]
    # The desk (issue 4 targets: agent queue, filtered, 50 rows, and ticket page, p95 < 100 ms).
    from caducee.desk.models import OPEN_STATUSES, Ticket

    if Ticket.objects.count() >= 10_000:
        mine = Ticket.objects.filter(establishment__in=agent.establishments.all())
        open_ticket = mine.filter(status__in=OPEN_STATUSES).order_by("-pk").first()
        old_ticket = mine.filter(comments__isnull=False).order_by("-pk").first()
        number = mine.order_by("pk")[1000].number
        group = open_ticket.assignment_group_id or ""
        cases += [
            ("agent", agent, "/desk/?queue=groups"),
            ("agent", agent, "/desk/?queue=unassigned"),
            ("agent", agent, "/desk/?queue=breaching"),
            ("agent", agent, "/desk/?queue=all"),
            ("agent", agent, "/desk/?queue=all&status=closed&priority=2&kind=incident"),
            ("agent", agent, f"/desk/?queue=all&assignment_group={group}&page=3"),
            ("agent", agent, f"/desk/?queue=all&q={number}"),
            ("agent", agent, f"/desk/tickets/{open_ticket.pk}/"),
            ("agent", agent, f"/desk/tickets/{old_ticket.pk}/"),
            ("agent", agent, "/api/desk/tickets/?queue=all&status=closed&priority=2"),
            ("dsi", dsi, "/desk/?queue=all"),
            ("dsi", dsi, "/desk/?queue=all&status=closed&ordering=-created"),
        ]
    print(f"database: {connection.vendor}, people: {people}, repeat: {args.repeat}")
    print(f"{'user':<6} {'request':<48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    # DEBUG stays off, as in production (template debug costs ~30 %); queries are
    # counted on one more request, captured on the connection only.
    with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
        for label, user, url in cases:
            if args.only not in url:
                continue
            client = Client()
            client.force_login(user)
            client.get(url)  # warm-up
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            # Counted apart: the debug cursor that captures queries costs time.
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries = len(captured)
            print(
                f"{label:<6} {url[:48]:<48} {statistics.median(timings):8.1f} "
                f"{percentile(timings, 0.95):8.1f} {queries:8d}"
            )


if __name__ == "__main__":
    main()
