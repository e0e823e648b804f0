"""The SLA part of ``caducee demo``: business calendars, SLA policies, OLAs.

The default calendars of ``services.calendars`` (IT business hours, 24/7 for
critical care, Alsace-Moselle and La Réunion examples) and the default
policies below: a handful of rows, the same whatever the seed and scale.
Later parts (the service desk's clocks) find the calendars by code in
``ctx.data["sla"]["calendars"]``.

The policies a GHT starts from (ITIL practice as French hospital DSIs write
it in their service catalogues): critical incidents (P1, P2) are counted on
the 24/7 calendar — care never stops — and the others on the DSI's business
hours; requests and problems have targets of their own. P1 escalates to the
next level at the breach, P2 to the group's manager.

OLAs: the level-1 groups (service desks) keep a ticket at most two business
hours before solving or routing it (``install_default_olas``). The desk's
groups are built after this part (INSTALLED_APPS order), so this part
installs the OLAs of the groups already there, and the desk's demo may call
``install_default_olas`` again once it has built its groups (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from caducee.cmdb.models import Priority
from caducee.core.demo import DemoContext
from caducee.desk.models import AssignmentGroup, SupportLevel, TicketKind
from caducee.sla.models import BusinessCalendar, Escalation, OperationalTarget, SlaPolicy
from caducee.sla.services.calendars import DEFAULT_CALENDARS, install_default_calendars

BUSINESS = "heures-ouvrees-dsi"
ALWAYS = "soins-critiques-24-7"
DAY = 10 * 60  # a business day of 08:00–18:00, in minutes


@dataclass(frozen=True)
class DefaultPolicy:
    name: str
    position: int
    calendar: str
    kind: str = ""
    priority: int | None = None
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    on_warning: str = Escalation.NOTIFY
    on_breach: str = Escalation.MANAGER


INC, REQ, PRB = TicketKind.INCIDENT, TicketKind.REQUEST, TicketKind.PROBLEM
DEFAULT_POLICIES = (
    DefaultPolicy(
        "Incidents P1 (24/7)",
        10,
        ALWAYS,
        INC,
        Priority.P1,
        15,
        4 * 60,
        Escalation.MANAGER,
        Escalation.NEXT_LEVEL,
    ),
    DefaultPolicy("Incidents P2 (24/7)", 20, ALWAYS, INC, Priority.P2, 30, 8 * 60),
    DefaultPolicy("Incidents P3", 30, BUSINESS, INC, Priority.P3, 60, 2 * DAY),
    DefaultPolicy("Incidents P4", 40, BUSINESS, INC, Priority.P4, 4 * 60, 5 * DAY),
    DefaultPolicy(
        "Incidents P5",
        50,
        BUSINESS,
        INC,
        Priority.P5,
        DAY,
        10 * DAY,
        Escalation.NONE,
        Escalation.NOTIFY,
    ),
    DefaultPolicy(
        "Demandes de service",
        100,
        BUSINESS,
        REQ,
        None,
        DAY,
        5 * DAY,
        Escalation.NOTIFY,
        Escalation.NOTIFY,
    ),
    DefaultPolicy(
        "Problèmes",
        200,
        BUSINESS,
        PRB,
        None,
        2 * DAY,
        20 * DAY,
        Escalation.NONE,
        Escalation.MANAGER,
    ),
)
#: Level 1's OLA: two business hours to solve or route.
LEVEL1_OLA_MINUTES = 120


def install_default_policies() -> list[SlaPolicy]:
    """Create the default policies whose name is not taken yet (idempotent).

    System set-up, like the calendars: no acting user, the model's
    validation all the same, and the model writes the trail."""
    calendars = {c.code: c for c in BusinessCalendar.objects.filter(code__in=[BUSINESS, ALWAYS])}
    existing = set(SlaPolicy.objects.values_list("name", flat=True))
    created: list[SlaPolicy] = []
    with transaction.atomic():
        for default in DEFAULT_POLICIES:
            if default.name in existing or default.calendar not in calendars:
                continue
            policy = SlaPolicy(
                name=default.name,
                position=default.position,
                calendar=calendars[default.calendar],
                kind=default.kind,
                priority=default.priority,
                response_minutes=default.response_minutes,
                resolution_minutes=default.resolution_minutes,
                on_warning=default.on_warning,
                on_breach=default.on_breach,
            )
            policy.full_clean()
            policy.save()
            created.append(policy)
    return created


def install_default_olas() -> list[OperationalTarget]:
    """An OLA for each active level-1 group without one (idempotent)."""
    calendar = BusinessCalendar.objects.filter(code=BUSINESS).first()
    if calendar is None:
        return []
    groups = AssignmentGroup.objects.filter(level=SupportLevel.L1, is_active=True).exclude(
        operational_targets__isnull=False
    )
    created: list[OperationalTarget] = []
    with transaction.atomic():
        for group in groups:
            target = OperationalTarget(
                assignment_group=group, calendar=calendar, resolution_minutes=LEVEL1_OLA_MINUTES
            )
            target.full_clean()
            target.save()
            created.append(target)
    return created


def contribute(ctx: DemoContext) -> None:
    created = install_default_calendars()
    codes = [d.code for d in DEFAULT_CALENDARS]
    ctx.data["sla"] = {
        "calendars": {c.code: c for c in BusinessCalendar.objects.filter(code__in=codes)}
    }
    ctx.log(f"  sla: {len(created)} business calendars")
    policies = install_default_policies()
    olas = install_default_olas()
    ctx.log(f"  sla: {len(policies)} SLA policies, {len(olas)} OLAs")
