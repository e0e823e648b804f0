"""Compare ticket creation between two checkouts, interleaved request by request.

The machine the benchmarks run on drifts by ±30 % from one quarter of an hour
to the next, so two runs of `bench/desk_api.py` one after the other cannot
tell a 1 ms change from the drift. This runs both checkouts at once, each
in its own process on the same database, and sends them one request each in
turn (alternating which goes first): both see the same drift, and the
paired difference shows what the change did.

Usage (the environment of `bench/desk_api.py`: a database loaded with the
ght demo, Redis with PostgreSQL):

    CADUCEE_VAR_DIR=… DATABASE_URL=… .venv/bin/python bench/desk_api_ab.py \\
        --base /path/to/other/checkout [--repeat 300] [--with-account]

`--base` is the checkout to compare with (e.g. `git worktree add /tmp/base
<commit>`); this checkout is the other side. Both run with this virtualenv's
interpreter. The report gives p50/p95/p99 of each side, the time the garbage
collector took, and the median of the paired differences. The tickets both
sides created are cancelled at the end through the desk's service.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 60  # past CADUCEE_GC_FREEZE_AFTER (50): both sides measured settled


def worker(root: str, *, with_account: bool = False) -> None:
    """One side: creates a ticket each time it reads a line; answers the
    request's time and the garbage collector's time in it (ms)."""
    sys.path.insert(0, root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")
    import django

    django.setup()
    import logging

    import caducee

    if not caducee.__file__.startswith(root):
        sys.exit(f"caducee was imported from {caducee.__file__}, not from {root}")

    logging.disable(logging.CRITICAL)
    from django.test import Client
    from django.test.utils import override_settings

    from caducee.core.models import User
    from caducee.core.services.tokens import create_token, revoke_token

    sys.path.insert(0, str(ROOT / "bench"))
    from desk_api import payload_maker

    agent = User.objects.get(username="agent")
    establishment = agent.establishments.order_by("pk").first()
    payload, _people = payload_maker(
        establishment, rng=random.Random(os.getpid()), with_account=with_account
    )

    token, key = create_token(actor=agent, name=f"bench ab {os.getpid()}")
    paused = {"total": 0.0, "since": 0.0}

    def timed_collections(phase: str, info: dict) -> None:
        if phase == "start":
            paused["since"] = time.perf_counter()
        else:
            paused["total"] += time.perf_counter() - paused["since"]

    try:
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client = Client(HTTP_AUTHORIZATION=f"Token {key}")
            for _ in range(WARM_UP):
                response = client.post(
                    "/api/desk/tickets/", payload(), content_type="application/json"
                )
                assert response.status_code == 201, response.content[:500]
            gc.callbacks.append(timed_collections)
            print("ready", flush=True)
            for line in sys.stdin:
                if line.strip() != "go":
                    break
                body = payload()
                paused["total"] = 0.0
                start = time.perf_counter()
                response = client.post("/api/desk/tickets/", body, content_type="application/json")
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 201, response.content[:500]
                print(f"{elapsed:.3f} {paused['total'] * 1000:.3f}", flush=True)
    finally:
        revoke_token(token, actor=agent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the other checkout")
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument(
        "--with-account", action="store_true", help="requesters who have an account"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, with_account=args.with_account)
        return

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")
    import django

    django.setup()
    from caducee.core.models import User
    from caducee.desk.models import Ticket

    sys.path.insert(0, str(ROOT / "bench"))
    from desk_api import cancel_created, percentile

    agent = User.objects.get(username="agent")
    last_before = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    sides = {"base": str(Path(args.base).resolve()), "this": str(ROOT)}
    processes = {
        name: subprocess.Popen(  # noqa: S603 - this script, fixed arguments
            [
                sys.executable,
                __file__,
                "--base",
                args.base,
                *(["--with-account"] if args.with_account else []),
                "--worker",
                root,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for name, root in sides.items()
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    pauses: dict[str, list[float]] = {name: [] for name in sides}
    try:
        for process in processes.values():
            assert process.stdout.readline().strip() == "ready", "a side failed to start"
        for number in range(args.repeat):
            order = ("base", "this") if number % 2 == 0 else ("this", "base")
            for name in order:
                process = processes[name]
                process.stdin.write("go\n")
                process.stdin.flush()
                elapsed, paused = process.stdout.readline().split()
                times[name].append(float(elapsed))
                pauses[name].append(float(paused))
    finally:
        for process in processes.values():
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=60)
        cancel_created(agent, after=last_before)

    print(f"{args.repeat} creates each, interleaved; base: {sides['base']}")
    for name in sides:
        values, gcs = times[name], pauses[name]
        print(
            f"{name:>4}: p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 0.95):.1f} ms, p99 {percentile(values, 0.99):.1f} ms; "
            f"collector {statistics.mean(gcs):.2f} ms a create, "
            f"{sum(1 for g in gcs if g > 1.0)} creates paused > 1 ms"
        )
    paired = [this - base for base, this in zip(times["base"], times["this"], strict=True)]
    print(f"this − base, median of the paired differences: {statistics.median(paired):+.2f} ms")


if __name__ == "__main__":
    main()
