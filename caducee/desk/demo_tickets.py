"""The ``small`` demo's tickets: a few hundred, through the real services.

Every ticket is recorded by a level-1 agent (or, on the portal, by the
requester who has an account) with ``services.tickets.create_ticket`` —
numbered, priority computed from the CMDB, routed by the rules, clocks
started by the SLA part — then moved with the lifecycle functions, commented
with ``services.comments.add_comment`` (public replies stamp the first
response) and linked with ``link_tickets``: the trail, the clocks and the
notifications are the product's own. The price is time: a few hundred
tickets, a few thousand service calls.

``STATUS_PLAN`` fixes how many tickets end in each status, so queues show
every state: new (what no rule routes), assigned, in progress, each wait,
resolved, closed, cancelled; some go through level 1 before being escalated
to level 2, some are reopened. Then the stories between tickets: problems
with their incidents, duplicates, a major incident with its child calls, an
incident caused by a request. Everything is drawn from the demo's seeded
``random``; ticket numbers follow creation order, so they are the same for
the same seed (in the same year).
"""

from __future__ import annotations

from typing import Any

from caducee.core.services.scoping import can, establishment_allowed
from caducee.desk import demo_data as data
from caducee.desk.demo_groups import Desk
from caducee.desk.demo_pools import Caller, Pools
from caducee.desk.models import (
    Channel,
    LinkKind,
    ResolutionCode,
    Status,
    Ticket,
    TicketKind,
    Urgency,
)
from caducee.desk.services import comments as comment_services
from caducee.desk.services import tickets as desk

S = Status
STATUS_PLAN: dict[str, int] = {
    S.NEW: 20,
    S.ASSIGNED: 28,
    S.IN_PROGRESS: 35,
    S.WAITING_REQUESTER: 12,
    S.WAITING_VENDOR: 10,
    S.WAITING_CHANGE: 6,
    S.RESOLVED: 30,
    S.CLOSED: 82,
    S.CANCELLED: 12,
}
KINDS = ((TicketKind.INCIDENT, 0.64), (TicketKind.REQUEST, 0.32), (TicketKind.PROBLEM, 0.04))
WAITS = {S.WAITING_REQUESTER: "requester", S.WAITING_VENDOR: "vendor", S.WAITING_CHANGE: "change"}
RESOLUTIONS = {
    TicketKind.INCIDENT: (ResolutionCode.FIXED, ResolutionCode.WORKAROUND, ResolutionCode.NO_FAULT),
    TicketKind.REQUEST: (ResolutionCode.FULFILLED, ResolutionCode.INFORMATION),
    TicketKind.PROBLEM: (ResolutionCode.FIXED,),
}


class Story:
    """One small demo run: the drawing, the actors, the tickets made."""

    def __init__(self, rng: Any, desk_: Desk, pools: Pools) -> None:
        self.rng = rng
        self.desk = desk_
        self.pools = pools
        self.l1 = desk_.groups["dsi-centre-de-services"]
        self.tickets: list[Ticket] = []
        self.users = {u.pk: u for ws in desk_.workers.values() for u, _ids in ws}

    # --- helpers ---------------------------------------------------------------------------
    def agent(self, est_id: int) -> Any:
        return self.rng.choice(self.desk.members_for(self.l1, est_id))

    def ght_agent(self) -> Any:
        """A level-1 agent who sees the whole GHT (links cross establishments)."""
        return self.rng.choice([u for u, ids in self.desk.workers[self.l1.pk] if ids is None])

    def worker(self, ticket: Ticket) -> tuple[Any, Any]:
        """The ticket's group (routed, else level 1) and someone of it to work it."""
        group = ticket.assignment_group or self.l1
        people = self.desk.members_for(group, ticket.establishment_id)
        if not people:
            group = self.l1
            people = self.desk.members_for(group, ticket.establishment_id)
        if ticket.assignee_id and ticket.assignee_id in {u.pk for u in people}:
            return group, next(u for u in people if u.pk == ticket.assignee_id)
        return group, self.rng.choice(people)

    def comment(self, ticket: Ticket, author: Any, *, public: bool | None = None) -> None:
        choices = [r for r in data.REPLIES if public is None or r[0] == public]
        is_public, body, minutes = self.rng.choice(choices)
        comment_services.add_comment(
            ticket,
            actor=author,
            body=body,
            visibility="public" if is_public else "internal",
            time_spent=minutes,
        )

    def fresh(self, ticket: Ticket) -> Ticket:
        return Ticket.objects.select_related("assignment_group").get(pk=ticket.pk)

    # --- creation --------------------------------------------------------------------------
    def create(
        self,
        kind: str,
        *,
        caller: Caller | None = None,
        subject: tuple[int, data.Subject] | None = None,
        title: str = "",
        routed: bool | None = None,
    ) -> Ticket:
        rng = self.rng
        for _attempt in range(40):
            who = caller or rng.choice(self.pools.callers)
            category_id, spec = (
                subject
                or rng.choices(self.pools.subjects[kind], self.pools.subject_weights(kind))[0]
            )
            item = self.pools.item_for(rng, spec, who)
            item_type = self.pools.item_types.get(item, "") if item else ""
            hits = self.desk.route(kind, category_id, item_type, who.establishment_id, 5)
            if routed is None or routed == (hits is not None):
                break
        portal_user = self.users.get(who.user_id) if who.user_id else None
        if (
            portal_user is None
            and who.user_id
            and kind != TicketKind.PROBLEM
            and rng.random() < 0.5
        ):
            from django.contrib.auth import get_user_model

            candidate = get_user_model().objects.get(pk=who.user_id)
            if can(candidate, Ticket, "add"):
                portal_user = candidate
        if portal_user is not None and establishment_allowed(portal_user, who.establishment_id):
            actor, channel = portal_user, Channel.PORTAL
        else:
            actor = self.agent(who.establishment_id)
            channel = rng.choices(
                [Channel.PHONE, Channel.EMAIL, Channel.PORTAL], [0.6, 0.25, 0.15]
            )[0]
        ticket = Ticket(
            kind=kind,
            title=title or rng.choice(spec.titles),
            description=f"Signalé par téléphone au poste {rng.randint(1000, 9999)}.",
            requester_id=who.pk,
            channel=channel if kind != TicketKind.PROBLEM else Channel.API,
            establishment_id=who.establishment_id,
            care_unit_id=who.care_unit_id,
            location_id=who.room_id,
            category_id=category_id,
            urgency=rng.choices(list(Urgency), [0.05, 0.2, 0.5, 0.25])[0],
        )
        if kind == TicketKind.PROBLEM:
            ticket.requester_id = None
            ticket.care_unit_id = ticket.location_id = None
            actor = self.agent(who.establishment_id)
        ticket = desk.create_ticket(ticket, actor=actor, items=[item] if item else [])
        self.tickets.append(ticket)
        return ticket

    # --- moving ----------------------------------------------------------------------------
    def work(self, ticket: Ticket, target: str) -> Ticket:
        """Take a ticket just created to ``target`` as an agent would."""
        rng = self.rng
        if target == S.NEW:
            return ticket
        if target == S.CANCELLED:
            if rng.random() < 0.5:
                group, who = self.worker(ticket)
                ticket = desk.assign(ticket, actor=who, group=group, assignee=None)
            return desk.cancel(
                ticket,
                actor=self.agent(ticket.establishment_id),
                reason=rng.choice(("Doublon d'un appel téléphonique", "Résolu par l'appelant")),
            )
        group, who = self.worker(ticket)
        if target == S.ASSIGNED:
            if ticket.status == S.NEW:
                assignee = who if rng.random() < 0.6 else None
                ticket = desk.assign(ticket, actor=who, group=group, assignee=assignee)
            return ticket
        if ticket.assignee_id == who.pk:
            ticket = desk.start(ticket, actor=who)
        else:
            ticket = desk.transition(
                ticket, actor=who, to=S.IN_PROGRESS, assignment_group=group, assignee=who
            )
        self.comment(ticket, who, public=True)
        if group.level == "l1" and rng.random() < 0.2:  # functional escalation
            higher = group.escalates_to
            people = self.desk.members_for(higher, ticket.establishment_id) if higher else []
            if people:
                self.comment(ticket, who, public=False)
                who = rng.choice(people)
                ticket = desk.assign(ticket, actor=who, group=higher, assignee=who)
                ticket = desk.start(ticket, actor=who)
        if target == S.IN_PROGRESS:
            return ticket
        if target in WAITS:
            return desk.wait(ticket, actor=who, on=WAITS[target], reason="")
        if rng.random() < 0.1:
            ticket = desk.wait(ticket, actor=who, on="requester")
            ticket = desk.resume(ticket, actor=who)
        if rng.random() < 0.3:
            self.comment(ticket, who, public=False)
        ticket = self.resolve(ticket, who)
        if target == S.CLOSED:
            ticket = desk.close(ticket, actor=who)
        return ticket

    def resolve(self, ticket: Ticket, who: Any, code: str = "") -> Ticket:
        if ticket.kind == TicketKind.PROBLEM:
            ticket = desk.update_ticket(
                ticket,
                actor=who,
                changes={
                    "root_cause": "Fuite mémoire du service applicatif après la mise à jour.",
                    "workaround": "Redémarrer le service chaque nuit.",
                    "known_error": True,
                },
            )
        code = code or self.rng.choice(RESOLUTIONS[ticket.kind])
        return desk.resolve(ticket, actor=who, code=code, notes="Solution décrite au demandeur.")


def build_small(rng: Any, desk_: Desk, pools: Pools) -> Story:
    story = Story(rng, desk_, pools)
    plan = [status for status, count in STATUS_PLAN.items() for _ in range(count)]
    rng.shuffle(plan)
    kinds, weights = zip(*KINDS, strict=True)
    for target in plan:
        kind = rng.choices(kinds, weights)[0]
        if target == S.NEW and kind == TicketKind.PROBLEM:
            kind = TicketKind.INCIDENT
        ticket = story.create(kind, routed=False if target == S.NEW else None)
        story.work(ticket, target)
    _reopened(story)
    _problems(story)
    _duplicates(story)
    _major_incident(story)
    _caused_by(story)
    return story


def _reopened(story: Story) -> None:
    resolved = [t for t in story.tickets if story.fresh(t).status == S.RESOLVED]
    for ticket in resolved[:4]:
        _group, who = story.worker(story.fresh(ticket))
        desk.reopen(ticket, actor=who, reason="Le problème est revenu ce matin.")


def _problems(story: Story) -> None:
    """Each problem gathers the incidents of its category's domain."""
    tickets = [story.fresh(t) for t in story.tickets]
    roots = {t.pk: next(iter(sorted(story.desk.lineage(t.category_id))), None) for t in tickets}
    problems = [t for t in tickets if t.kind == TicketKind.PROBLEM]
    incidents = [t for t in tickets if t.kind == TicketKind.INCIDENT]
    used: set[int] = set()
    for problem in problems[:4]:
        actor = story.ght_agent()
        same = [t for t in incidents if t.pk not in used and roots[t.pk] == roots[problem.pk]]
        pool = same or [t for t in incidents if t.pk not in used]
        for incident in story.rng.sample(pool, min(len(pool), story.rng.randint(2, 5))):
            used.add(incident.pk)
            desk.link_tickets(incident, problem, actor=actor, kind=LinkKind.PROBLEM)


def _duplicates(story: Story) -> None:
    """The same caller calls twice: the second call is closed as a duplicate."""
    for _ in range(3):
        original = story.create(TicketKind.INCIDENT)
        story.work(original, S.IN_PROGRESS)
        caller = next(c for c in story.pools.callers if c.pk == original.requester_id)
        again = story.create(
            TicketKind.INCIDENT,
            caller=caller,
            subject=(original.category_id, _subject_of(story, original)),
            title=f"Relance : {original.title}",
        )
        _group, who = story.worker(story.fresh(again))
        desk.link_tickets(again, original, actor=who, kind=LinkKind.DUPLICATE_OF)
        comment_services.add_comment(
            again,
            actor=who,
            body=f"Votre appel est déjà suivi sous le numéro {original.number}.",
            visibility="public",
        )
        again = desk.resolve(again, actor=who, code=ResolutionCode.DUPLICATE)
        desk.close(again, actor=who)


def _major_incident(story: Story) -> None:
    """A switch down: one parent incident, the calls of the units as children."""
    network = [
        (pk, s)
        for pk, s in story.pools.subjects[TicketKind.INCIDENT]
        if "Réseau" in s.titles[0] or s.item == "network_device"
    ]
    subject = network[0] if network else None
    parent = story.create(
        TicketKind.INCIDENT, subject=subject, title="Panne réseau : bâtiment B sans réseau"
    )
    story.work(parent, S.IN_PROGRESS)
    est = parent.establishment_id
    callers = [c for c in story.pools.by_establishment[est]][:40]
    for caller in story.rng.sample(callers, min(4, len(callers))):
        child = story.create(
            TicketKind.INCIDENT,
            caller=caller,
            subject=subject,
            title="Plus de réseau dans le service",
        )
        _group, who = story.worker(story.fresh(child))
        desk.link_tickets(child, parent, actor=who, kind=LinkKind.CHILD_OF)


def _caused_by(story: Story) -> None:
    requests = [t for t in story.tickets if t.kind == TicketKind.REQUEST][:2]
    for request in requests:
        caller = next((c for c in story.pools.callers if c.pk == request.requester_id), None)
        incident = story.create(
            TicketKind.INCIDENT, caller=caller, title="Plus d'accès depuis le déménagement"
        )
        _group, who = story.worker(story.fresh(incident))
        desk.link_tickets(incident, request, actor=who, kind=LinkKind.CAUSED_BY)


def _subject_of(story: Story, ticket: Ticket) -> data.Subject:
    for pk, subject in story.pools.subjects[ticket.kind]:
        if pk == ticket.category_id:
            return subject
    return story.pools.subjects[ticket.kind][0][1]
