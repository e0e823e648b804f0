"""The ``ght`` demo's history: ten years of tickets, written in bulk.

Rule (DESIGN.md "Scale"; issue "Service desk core" point 8): a large GHT
records about 6,000 calls a month and keeps ten years, some 750,000
tickets. The service path (~50 ms a ticket) would take hours, so the
history is drawn in memory and written with multi-row inserts, 20,000
tickets at a time, ids given here (no query per row, none for the ids).

How the calls fall (all local time, Europe/Paris):

* volume grows from 0.75 to 1.25 times the mean over the ten years, with
  seasons (August and Christmas low, September high);
* by weekday (Monday peak, weekends and public holidays a quarter of a
  weekday) and by hour (peaks 8–11 h and 14–16 h, the night shift low but
  never zero, weekends flatter);
* kind (62 % incidents, 37.5 % requests, a few problems), category and the
  item it is about (``demo_data.SUBJECTS``), the caller among the staff,
  channel (the portal gaining on the phone over the years, monitoring
  alerts without a caller), priority (P1 ≈ 1 %, P2 ≈ 6 %, P3 ≈ 35 %,
  P4 ≈ 45 %, P5 the rest) with an impact and urgency the matrix maps to it;
* group by the routing rules (``Desk.route``), else the level-1 desk, a
  share escalated to the next level; an assignee among the group's members;
* SLA: deadlines from the policy's targets on its calendar (``demo_sla``),
  a resolution time drawn per priority, breached for about one ticket in
  ten, first response, assignment, resolution and closure stamped
  accordingly. What is still unresolved today is open (new, assigned, in
  progress or waiting), with the clock rows the SLA service would hold for
  it; the rest is resolved (within the reopen window) or closed, a few
  cancelled. Closed tickets keep the deadlines they were held to, for the
  reports (the live service clears them when a clock stops).

Numbers follow creation order per kind and local year, and the counters are
set so the next ticket continues each sequence. Comments (a public reply at
the first response, an internal note with time spent for half of them, the
resolution reply) are written for the last twelve months only, to keep the
database a sensible size. No audit event per historical ticket: one
``demo.tickets_loaded`` event describes the load.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from caducee.core.services import audit
from caducee.desk.demo_groups import Desk
from caducee.desk.demo_pools import Pools
from caducee.desk.demo_sla import clock_db_row, clock_rows, load_targets
from caducee.desk.demo_volumes import (
    BREACH,
    CHANNELS,
    KINDS,
    OPEN_MIX,
    PARIS,
    PRIORITIES,
    RESOLUTIONS,
    Writer,
    comment_rows,
    cum,
    instant_adapter,
    slots,
    year_starts,
)
from caducee.desk.models import (
    Comment,
    PriorityMatrixCell,
    Ticket,
    TicketCounter,
)
from caducee.desk.services.numbering import format_number

CHUNK = 20_000


class History:
    """One generation run: what is drawn from, the counters, the writers."""

    def __init__(self, rng: Any, desk: Desk, pools: Pools, start: int, end: int) -> None:
        self.rng, self.desk, self.pools = rng, desk, pools
        self.start, self.now = start, end
        self.to_db = instant_adapter()
        self.targets = load_targets(start - 86_400, end + 400 * 86_400)
        self.cells: dict[int, list[tuple[int, int]]] = {}
        for impact, urgency, priority in PriorityMatrixCell.objects.values_list(
            "impact", "urgency", "priority"
        ):
            self.cells.setdefault(priority, []).append((impact, urgency))
        self.kind_names = [k for k, _w in KINDS]
        self.kind_cum = cum(w for _k, w in KINDS)
        self.prio_cum = {k: cum(w) for k, w in PRIORITIES.items()}
        self.subject_cum = {k: cum(pools.subject_weights(k)) for k in pools.subjects}
        self.monitored = [
            (pk, s)
            for pk, s in pools.subjects["incident"]
            if s.item == "network_device" or s.item.startswith("app:")
        ]
        self.portal_era = int(dt.datetime(2021, 1, 1, tzinfo=PARIS).timestamp())
        self.l1 = desk.groups["dsi-centre-de-services"]
        self.by_pk = {g.pk: g for g in desk.groups.values()}
        self.l1_agents = [u.pk for u, ids in desk.workers[self.l1.pk] if ids is None]
        self.routes: dict[tuple, Any] = {}
        self.members: dict[tuple[int, int], list[int]] = {}
        self.sequence: Counter = Counter()
        self.tickets = Writer(Ticket, with_id=True)
        self.items = Writer(Ticket.configuration_items.through, with_id=False)
        self.comments = Writer(Comment, with_id=False)
        from caducee.sla.models import SlaClock

        self.clocks = Writer(SlaClock, with_id=False)
        self.stats: Counter = Counter()
        office = self.targets.get(("incident", 4))
        self.office = office.clock if office and not office.clock.always else None

    # --- lookups (cached: a few hundred distinct keys for 750,000 tickets) ---------------
    def route(self, kind, category_id, item_type, est_id, priority):
        key = (kind, category_id, item_type, est_id, priority)
        if key not in self.routes:
            self.routes[key] = self.desk.route(*key)
        return self.routes[key]

    def worker_ids(self, group, est_id) -> list[int]:
        key = (group.pk, est_id)
        if key not in self.members:
            self.members[key] = [u.pk for u in self.desk.members_for(group, est_id)]
        return self.members[key]

    # --- one ticket ----------------------------------------------------------------------
    def draw(self, pk: int, created: int, year: int) -> None:
        rng, pools = self.rng, self.pools
        kind = self.kind_names[bisect.bisect_left(self.kind_cum, rng.random() * self.kind_cum[-1])]
        names, before, after = CHANNELS[kind]
        channel = rng.choices(names, before if created < self.portal_era else after)[0]
        if channel == "monitoring" and self.monitored:
            category_id, subject = rng.choice(self.monitored)
        else:
            cum = self.subject_cum[kind]
            category_id, subject = pools.subjects[kind][
                bisect.bisect_left(cum, rng.random() * cum[-1])
            ]
        caller = rng.choice(pools.callers)
        est = caller.establishment_id
        item = None
        if subject.item and (
            channel == "monitoring" or rng.random() < (0.5 if kind == "incident" else 0.25)
        ):
            item = pools.item_for(rng, subject, caller)
        item_type = pools.item_types.get(item, "") if item else ""
        cum = self.prio_cum[kind]
        priority = bisect.bisect_left(cum, rng.random() * cum[-1]) + 1
        impact, urgency = rng.choice(self.cells.get(priority) or [(3, 3)])
        routed = self.route(kind, category_id, item_type, est, priority)
        group = routed or self.l1
        if group.escalates_to_id and group.level == "l1" and rng.random() < 0.15:
            group = self.by_pk.get(group.escalates_to_id, group)
        workers = self.worker_ids(group, est)
        assignee = rng.choice(workers) if workers else None
        requester = None if channel in ("monitoring", "api") else caller.pk
        t = {
            "id": pk,
            "kind": kind,
            "title": rng.choice(subject.titles),
            "requester_id": requester,
            "created_by_id": rng.choice(self.l1_agents)
            if channel in ("phone", "email") and self.l1_agents
            else None,
            "channel": channel,
            "establishment_id": est,
            "location_id": caller.room_id if requester else None,
            "care_unit_id": caller.care_unit_id if requester else None,
            "category_id": category_id,
            "impact": impact,
            "urgency": urgency,
            "priority": priority,
            "computed_priority": priority,
            "impact_source": "cmdb" if item else ("requester" if requester else "none"),
            "patient_safety": priority == 1 and item_type == "medical_device",
            "assignment_group_id": group.pk,
            "assignee_id": assignee,
            "support_level": group.level,
            "created": created,
        }
        self._sla(t, kind, priority, created, year, triage=routed is None and priority >= 3)
        if item is not None:
            self.items.add({"ticket_id": pk, "configurationitem_id": item})

    def _sla(self, t: dict, kind: str, priority: int, created: int, year: int, triage: bool):
        """Deadlines, outcome, stamps and status; ``triage``: no rule routes
        the ticket, the level-1 desk assigns it in its opening hours (what
        comes at night or at the weekend waits, new, for the morning)."""
        rng, now = self.rng, self.now
        target = self.targets.get((kind, priority))
        biz = target.clock if target else None
        resolution = (target.resolution if target else None) or 5 * 36_000
        response = (target.response if target else None) or 3_600
        breached = rng.random() < BREACH[priority]
        share = 1 + rng.expovariate(1.5) if breached else 0.02 + 0.96 * rng.random() ** 1.6
        late = rng.random() < 0.05
        answer = response * ((1 + rng.expovariate(2)) if late else rng.random() ** 1.3)
        if biz is not None:
            resolved = biz.add(created, resolution * share)
            first = min(biz.add(created, answer), resolved)
            t["response_due"] = biz.add(created, response) if target.response else None
            t["resolution_due"] = biz.add(created, resolution) if target.resolution else None
        else:
            resolved = created + resolution * share
            first = min(created + answer, resolved)
        assigned = created + min(30 + rng.expovariate(1 / 300), max(first - created, 1))
        if triage and self.office is not None:
            assigned = self.office.add(created, 60 + rng.expovariate(1 / 900))
            first = max(first, assigned)
            resolved = max(resolved, first)
        if rng.random() < 0.35:
            closed = resolved + rng.uniform(600, 86_400)
        else:
            closed = resolved + 7 * 86_400 + rng.uniform(0, 21_600)
        t["number"] = format_number(kind, year, self._next(kind, year))
        if rng.random() < 0.02:  # cancelled: a duplicate call, solved by the caller…
            cancelled = created + rng.expovariate(1 / 7_200)
            if cancelled <= now:
                t.update(
                    status="cancelled",
                    cancelled_at=cancelled,
                    response_due=None,
                    resolution_due=None,
                )
                t["first_response_at"] = first if first <= cancelled else None
                t["assigned_at"] = assigned if assigned <= cancelled else None
                return self._write(t, cancelled, target, None)
        t["first_response_at"] = first if first <= now else None
        t["assigned_at"] = assigned if assigned <= now else None
        if resolved <= now:
            t["resolved_at"] = resolved
            t["resolution_code"] = rng.choice(RESOLUTIONS[kind])
            t["reopened_count"] = 1 if rng.random() < 0.025 else 0
            if kind == "problem":
                t["root_cause"] = "Cause identifiée avec l'éditeur (voir le compte rendu)."
                t["workaround"] = "Procédure de contournement diffusée aux services."
                t["known_error"] = rng.random() < 0.5
            if closed <= now:
                t.update(status="closed", closed_at=closed)
                return self._write(t, closed, target, None)
            t["status"] = "resolved"
            return self._write(t, resolved, target, None)
        paused = None
        if t["assigned_at"] is None:
            t.update(status="new", assignment_group_id=None, assignee_id=None, support_level="l1")
        else:
            status = rng.choices([s for s, _w in OPEN_MIX], [w for _s, w in OPEN_MIX])[0]
            if t["assignee_id"] is None:
                status = "assigned"
            t["status"] = status
            if status == "waiting_requester":
                paused = rng.uniform(max(t["assigned_at"], created), now)
        if target is not None:
            rows = clock_rows(
                {"created": created, "first_response": t["first_response_at"]}, target, now, paused
            )
            t["response_due"] = t["resolution_due"] = None
            for row in rows:
                if row["state"] == "running":
                    t[f"{row['kind']}_due"] = row["due_at"]
                self._clock(t["id"], row)
        return self._write(
            t, max(created, t["first_response_at"] or 0, t["assigned_at"] or 0), target, paused
        )

    def _next(self, kind: str, year: int) -> int:
        self.sequence[(kind, year)] += 1
        return self.sequence[(kind, year)]

    def _clock(self, ticket_id: int, row: dict) -> None:
        self.clocks.add(clock_db_row(row, ticket_id, self.now, self.to_db))

    def _write(self, t: dict, updated: float, target: Any, paused: float | None) -> None:
        to_db = self.to_db
        status = t["status"]
        self.stats[status] += 1
        self.stats[f"P{t['priority']}"] += 1
        if (
            t.get("resolved_at")
            and t.get("resolution_due")
            and t["resolved_at"] > t["resolution_due"]
        ):
            self.stats["breached"] += 1
        version = 1 + sum(
            1
            for n in (
                "assigned_at",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "cancelled_at",
            )
            if t.get(n)
        )
        if status not in ("new", "assigned"):
            version += 1
        if t["created"] >= self.now - 365 * 86_400 and status not in ("new", "cancelled"):
            self._comments(t)
        created = t.pop("created")
        for name in (
            "first_response_at",
            "assigned_at",
            "resolved_at",
            "closed_at",
            "cancelled_at",
            "response_due",
            "resolution_due",
        ):
            if name in t:
                t[name] = to_db(t[name])
        t["created_at"] = to_db(created)
        t["updated_at"] = to_db(updated)
        t["version"] = version
        self.tickets.add(t)

    def _comments(self, t: dict) -> None:
        agents = self.l1_agents
        author = t["assignee_id"] or (self.rng.choice(agents) if agents else None)
        for row in comment_rows(self.rng, t, author, self.now, self.to_db):
            self.comments.add(row)

    def flush(self) -> None:
        for writer in (self.tickets, self.items, self.comments, self.clocks):
            writer.flush()


def build_history(
    rng: Any,
    desk: Desk,
    pools: Pools,
    *,
    total: int,
    years: int = 10,
    now: dt.datetime | None = None,
    log: Callable[[str], None] | None = None,
) -> str:
    """Write ``total`` tickets created over the last ``years`` years; returns
    a one-line summary. Refuses (does nothing) when tickets exist."""
    if Ticket.objects.exists():
        return "tickets already present, no history added"
    began = time.perf_counter()
    now = (now or timezone.now()).replace(microsecond=0)
    end = int(now.timestamp())
    start = int(now.replace(year=now.year - years).timestamp())
    starts, cum = slots(start, end)
    picks = rng.choices(starts, cum_weights=cum, k=total)
    created = sorted(min(s + rng.randrange(3600), end - 1) for s in picks)
    del picks
    boundaries, year_of = year_starts(start, end)
    history = History(rng, desk, pools, start, end)
    first_id = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for offset, when in enumerate(created):
        year = year_of[bisect.bisect_right(boundaries, when) - 1]
        history.draw(first_id + offset, when, year)
        if (offset + 1) % CHUNK == 0:
            history.flush()
            if log and (offset + 1) % (CHUNK * 10) == 0:
                log(f"    {offset + 1} tickets ({time.perf_counter() - began:.0f} s)")
    history.flush()
    _finish(history)
    stats = history.stats
    summary = (
        f"{history.tickets.count} historical tickets over {years} years, "
        f"{history.items.count} item links, {history.comments.count} comments, "
        f"{history.clocks.count} SLA clocks; "
        + ", ".join(f"{k} {stats[k]}" for k in sorted(stats))
        + f" ({time.perf_counter() - began:.0f} s)"
    )
    audit.record_event(
        "demo.tickets_loaded",
        data={
            "tickets": history.tickets.count,
            "first_id": first_id,
            "comments": history.comments.count,
            "item_links": history.items.count,
            "sla_clocks": history.clocks.count,
            "by_status": {k: v for k, v in stats.items() if not k.startswith("P")},
            "years": years,
        },
        obj_type="desk.ticket",
        obj_repr=f"Historique de démonstration : {history.tickets.count} tickets",
    )
    return summary


def _finish(history: History) -> None:
    """Counters that continue the sequences; PostgreSQL's id sequence moved on."""
    for (kind, year), last in sorted(history.sequence.items()):
        counter, _created = TicketCounter.objects.get_or_create(kind=kind, year=year)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])
    statements = connection.ops.sequence_reset_sql(no_style(), [Ticket])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
