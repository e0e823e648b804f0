"""Time ticket creation through the API, alone and with 8 concurrent clients.

Issue 4 target: creating a ticket through the API — priority from the CMDB
impact analysis, SLA clocks, routing and audit included — p95 under 30 ms
with one client; the throughput with 8 concurrent clients is reported.

Usage (after `caducee demo --scale ght` on the database of DATABASE_URL):

    CADUCEE_VAR_DIR=… DATABASE_URL=… .venv/bin/python bench/desk_api.py \
        [--repeat 200] [--rounds 1] [--clients 8] [--seconds 20] [--workers 4] \
        [--with-account]

1. One client, in process (Django's test client with a token, no network):
   p50/p95 of `POST /api/desk/tickets/` and the SQL queries it issues.
2. The same request over HTTP against gunicorn (`--workers` sync workers on
   a loopback port) from 8 client threads for `--seconds`: requests per
   second and p50/p95 as the clients saw them.

Each request is a phone incident from a random person of the agent's
establishment on one of that establishment's workstations, with a category,
so every part of the create path runs. At the end the tickets the run
created are cancelled through the desk's own service (``--keep`` keeps them
open): left open, a few hundred a run piled up in the establishment's
queues — 16,000 after a day of runs against the demo's few hundred — and
the queue benchmarks measured that instead of a GHT's desk.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")


TITLE = "Écran figé sur le poste de soins"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def payload_maker(establishment, *, rng: random.Random, with_account: bool = False):
    """A function giving the body of one phone incident (a random person of
    ``establishment`` on one of its workstations, a category, an urgency),
    and the people it draws from."""
    from caducee.cmdb.models import ConfigurationItem
    from caducee.desk.models import Category
    from caducee.org.models import Person

    requesters = Person.objects.filter(establishment=establishment, care_units__isnull=False)
    if with_account:
        requesters = requesters.filter(user__is_active=True)
    people = list(requesters.values_list("pk", flat=True)[:2000])
    items = list(
        ConfigurationItem.objects.filter(
            establishment=establishment, ci_type="workstation"
        ).values_list("pk", flat=True)[:2000]
    )
    categories = list(
        Category.objects.filter(kind="incident", is_active=True, parent__isnull=False).values_list(
            "pk", flat=True
        )
    )

    def payload() -> dict:
        return {
            "kind": "incident",
            "title": TITLE,
            "description": "Appel du service : le poste ne répond plus.",
            "requester": rng.choice(people),
            "establishment": establishment.pk,
            "channel": "phone",
            "category": rng.choice(categories),
            "configuration_items": [rng.choice(items)],
            "urgency": rng.choice([1, 2, 3]),
        }

    return payload, people


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from caducee.core.models import User
    from caducee.core.services.tokens import create_token, revoke_token
    from caducee.desk.models import Ticket

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="one-client rounds of --repeat creates, each reported (the machine's speed drifts)",
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="leave the tickets open")
    parser.add_argument(
        "--with-account",
        action="store_true",
        help="requesters who have an account (told in the application too: more queries)",
    )
    args = parser.parse_args()

    tickets = Ticket.objects.count()
    if tickets < 10_000:
        sys.exit(f"only {tickets} tickets: load `caducee demo --scale ght` first")
    agent = User.objects.get(username="agent")
    last_before = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    if not args.keep:
        atexit.register(lambda: cancel_created(agent, after=last_before))
    establishment = agent.establishments.order_by("pk").first()
    payload, people = payload_maker(
        establishment, rng=random.Random(4), with_account=args.with_account
    )

    token, key = create_token(actor=agent, name=f"bench {time.time():.0f}")
    # Revoked at the end: an account holds at most 20 active tokens.
    atexit.register(lambda: revoke_token(token, actor=agent))
    auth = f"Token {key}"
    print(
        f"database: {connection.vendor}, tickets: {tickets}, establishment: {establishment}, "
        f"requesters: {len(people)}{' with an account' if args.with_account else ''}"
    )

    # 1. One client, in process.
    with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
        client = Client(HTTP_AUTHORIZATION=auth)
        # Warm-up: caches, the impact graph, and past the collector's one-time
        # settling (``caducee.core.collector``), as any process that has
        # served a minute of traffic is.
        for _ in range(settings.CADUCEE_GC_FREEZE_AFTER + 5):
            response = client.post("/api/desk/tickets/", payload(), content_type="application/json")
            assert response.status_code == 201, response.content[:500]
        rounds: list[list[float]] = []
        for _ in range(max(1, args.rounds)):
            timings: list[float] = []
            for _ in range(args.repeat):
                body = payload()
                start = time.perf_counter()
                response = client.post("/api/desk/tickets/", body, content_type="application/json")
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 201, response.content[:500]
            rounds.append(timings)
        queries = []
        # Queries counted apart: capturing them wraps every cursor in Django's
        # debug cursor (SQL formatted and logged), which production does not pay.
        for _ in range(10):
            with CaptureQueriesContext(connection) as captured:
                response = client.post(
                    "/api/desk/tickets/", payload(), content_type="application/json"
                )
            assert response.status_code == 201, response.content[:500]
            queries.append(len(captured))
    for number, timings in enumerate(rounds, start=1):
        label = f" (round {number} of {len(rounds)})" if len(rounds) > 1 else ""
        print(
            f"one client, in process, {args.repeat} creates{label}: "
            f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
            f"queries {min(queries)}–{max(queries)}"
        )

    # 2. Over HTTP, concurrent clients (``--clients 0``: not run).
    if args.clients <= 0:
        return
    port = free_port()
    # The API's rate limit (CADUCEE_API_RATE, 1200 a minute per account) is
    # lifted: 8 clients exceed it within ten seconds, and what is measured
    # here is how many creates the server sustains, not the limiter.
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "CADUCEE_API_RATE": "1000000/min"}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "caducee.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/api/desk/tickets/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        lock = threading.Lock()
        seen: list[float] = []
        errors: list[str] = []
        stop_at = time.monotonic() + args.seconds

        def post() -> float:
            with lock:
                data = json.dumps(payload()).encode()
            request = urllib.request.Request(
                url,
                data=data,
                method="POST",
                headers={"Authorization": auth, "Content-Type": "application/json"},
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
                answer.read()
                assert answer.status == 201, answer.status
            return (time.perf_counter() - start) * 1000

        for _ in range(args.workers * 2):  # warm every worker
            post()

        def client_loop() -> None:
            while time.monotonic() < stop_at:
                try:
                    elapsed = post()
                except Exception as exc:  # reported below, the run goes on
                    with lock:
                        errors.append(repr(exc)[:200])
                    continue
                with lock:
                    seen.append(elapsed)

        threads = [threading.Thread(target=client_loop) for _ in range(args.clients)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"{args.clients} clients over HTTP, gunicorn {args.workers} workers, {duration:.0f} s: "
        f"{len(seen) / duration:.1f} creates/s, p50 {statistics.median(seen):.1f} ms, "
        f"p95 {percentile(seen, 0.95):.1f} ms, errors {len(errors)}"
    )
    for error in errors[:5]:
        print("  error:", error)


def cancel_created(agent, *, after: int) -> None:
    """Cancel, through the desk's service, the open tickets this run created."""
    from django.db import connection

    from caducee.desk.models import OPEN_STATUSES, Ticket
    from caducee.desk.services.lifecycle import cancel

    connection.close()  # the process's connection may have been idle through the HTTP run
    created = Ticket.objects.filter(
        pk__gt=after, created_by=agent, title=TITLE, status__in=OPEN_STATUSES
    )
    count = 0
    for ticket in created.iterator():
        cancel(ticket, actor=agent, reason="Benchmark ticket")
        count += 1
    print(f"{count} benchmark tickets cancelled")


if __name__ == "__main__":
    main()
