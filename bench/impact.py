"""Time the impact analysis on a loaded database: the most connected core
switch and random single workstations, cold (graph load) and warm.

Usage (after `caducee demo --scale ght` on the database of DATABASE_URL):

    CADUCEE_VAR_DIR=… DATABASE_URL=… .venv/bin/python bench/impact.py \
        [--repeat 50] [--workstations 300] [--seed 2026]

Targets (issue "CMDB"): p95 under 100 ms for the core switch, under 10 ms
for a workstation. "Most connected" is measured, not guessed: every core
switch is analysed once and the one taking the most items down is kept.
Prints, in milliseconds: the graph load (cold), the version check alone,
``analyse_impact`` warm (p50/p95/max), the scoped answer of the API for
a whole-GHT reader, and one HTTP round trip of the API and of the impact
tab through Django's test client when the demo accounts exist.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[index]


def timed(func, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def line(label: str, timings: list[float], extra: str = "") -> None:
    print(
        f"{label:<44} {statistics.median(timings):8.2f} {percentile(timings, 0.95):8.2f} "
        f"{max(timings):8.2f} {len(timings):6d}  {extra}"
    )


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from caducee.cmdb.models import ConfigurationItem, Relation
    from caducee.cmdb.services import graph as graph_module
    from caducee.cmdb.services.graph_scope import scope_impact
    from caducee.cmdb.services.impact import analyse_impact
    from caducee.cmdb.types import CIType
    from caducee.core.models import User

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--workstations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    items = ConfigurationItem.objects.count()
    relations = Relation.objects.count()
    if items < 1000:
        sys.exit(f"only {items} configuration items: load `caducee demo --scale ght` first")
    print(f"database: {connection.vendor}, items: {items}, relations: {relations}")
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")

    loads = []
    for _ in range(3):
        graph_module.drop_local_graph()
        start = time.perf_counter()
        graph = graph_module.get_graph()
        loads.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    kept = graph_module.load_graph()
    size, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    print(
        f"graph: {graph.stats['items']} items, {graph.stats['relations']} relations, "
        f"{graph.stats['units']} open care units, about {size / 2**20:.0f} MiB in memory"
    )
    print(f"{'':<44} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'runs':>6}")
    line("cold: load the graph (4 queries)", loads)
    line("warm: version check only", timed(graph_module.get_graph, 200))

    cores = list(
        ConfigurationItem.objects.filter(
            ci_type=CIType.NETWORK_DEVICE, attributes__network_role="core"
        ).values_list("pk", flat=True)
    )
    if not cores:
        sys.exit("no core switch (network device with network_role=core) in this database")
    sizes = {pk: len(analyse_impact([pk]).affected) for pk in cores}
    core = max(sizes, key=sizes.get)
    result = analyse_impact([core])
    name = ConfigurationItem.objects.get(pk=core).name
    print(
        f"core switch {name}: {len(result.affected)} items down, "
        f"{len(result.care_units)} care units, {result.people} people, "
        f"highest criticality {result.highest_criticality} "
        f"(of {len(cores)} core switches)"
    )
    line("warm: analyse_impact(core switch)", timed(lambda: analyse_impact([core]), args.repeat))
    graph_module.drop_local_graph()
    start = time.perf_counter()
    analyse_impact([core])
    line("cold: analyse_impact(core switch) incl. load", [(time.perf_counter() - start) * 1000])

    line(
        f"warm: analyse_impact(all {len(cores)} core switches)",
        timed(lambda: analyse_impact(cores), 10),
        f"{len(analyse_impact(cores).affected_ids)} items down",
    )

    pool = list(
        ConfigurationItem.objects.filter(ci_type=CIType.WORKSTATION).values_list("pk", flat=True)
    )
    sample = random.Random(args.seed).sample(pool, min(args.workstations, len(pool)))
    timings = []
    reached = 0
    for pk in sample:
        start = time.perf_counter()
        found = analyse_impact([pk])
        timings.append((time.perf_counter() - start) * 1000)
        reached += bool(found.care_units)
    line(
        "warm: analyse_impact(one workstation)",
        timings,
        f"{reached}/{len(sample)} reach a unit",
    )

    dsi = User.objects.filter(username="dsi").first()
    if dsi is not None:
        line(
            "warm: scoped answer, core switch (dsi)",
            timed(lambda: scope_impact(analyse_impact([core]), dsi).to_json(), 10),
        )
    agent = User.objects.filter(username="agent").first()
    with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
        for label, user, pk in (("dsi", dsi, core), ("agent", agent, sample[0])):
            if user is None:
                continue
            client = Client()
            client.force_login(user)
            visible = ConfigurationItem.objects.restrict(user, "view").filter(pk=pk).exists()
            if not visible:
                continue
            for kind, url in (
                ("API", f"/api/cmdb/impact/{pk}/"),
                ("impact tab", f"/cmdb/configurationitems/{pk}/impact/"),
            ):
                assert client.get(url).status_code == 200, url
                line(
                    f"http: {kind} ({label}, {'core switch' if pk == core else 'workstation'})",
                    timed(lambda url=url, client=client: client.get(url), 10),
                )


if __name__ == "__main__":
    main()
