"""SLA policies, OLAs and calendars as every ticket write reads them, kept
per process.

Rule (issue "Service desk core": a creation in under 30 ms, and exact
deadlines): each ticket write matches its SLA policy and its group's OLA and
counts deadlines on their calendars — three to five queries and a few dozen
instances for tables that change a few times a year. They are read once per
process and kept while current (``caducee.core.services.snapshots``): a
change an administrator saves publishes a new token when it commits, and
every process reloads before its next match, so no deadline is computed on
a withdrawn policy or a calendar without its new closure. Clocks already
running keep their target until their ticket is next written, as before.

Matching is ``policies.match_policy``'s rule, on kept values: the first
active policy, by ``position`` then id, whose conditions all hold. Callers
receive fresh instances with their calendar attached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

from django.utils import timezone

from caducee.core.services.snapshots import Rows, Snapshot, attach
from caducee.sla.calendar import CalendarSpec
from caducee.sla.models import (
    BusinessCalendar,
    Closure,
    OpeningHours,
    OperationalTarget,
    SlaPolicy,
)


@dataclass(frozen=True)
class PolicyView:
    """What matching reads of an active policy."""

    pk: int
    kind: str
    priority: int | None
    category_id: int | None
    establishment_id: int | None


@dataclass(frozen=True)
class SlaConfiguration:
    #: Active policies in the order they are tried.
    policy_views: tuple[PolicyView, ...]
    policies: Rows
    #: Active OLAs: ``{(group id, priority or None): id}``.
    targets_by_group: MappingProxyType
    targets: Rows
    calendars: Rows
    #: Each calendar's arithmetic (``calendars.calendar_spec``), by id.
    specs: MappingProxyType


def _load() -> SlaConfiguration:
    from caducee.sla.services.calendars import calendar_spec

    policies = Rows(SlaPolicy, SlaPolicy.objects.filter(is_active=True))
    views = [
        PolicyView(
            pk=policy.pk,
            kind=policy.kind,
            priority=policy.priority,
            category_id=policy.category_id,
            establishment_id=policy.establishment_id,
        )
        for policy in policies.by_position()
    ]
    targets = Rows(OperationalTarget, OperationalTarget.objects.filter(is_active=True))
    by_group = {
        (targets.value(pk, "assignment_group_id"), targets.value(pk, "priority")): pk
        for pk in targets.values
    }
    specs = {
        calendar.pk: calendar_spec(calendar)
        for calendar in BusinessCalendar.objects.prefetch_related("opening_hours", "closures")
    }
    # The public holidays of this year and the next, computed here rather
    # than by the first ticket to reach them (the ``holidays`` package takes
    # a good part of a second per region and year; the arithmetic caches them).
    this_year = timezone.localdate().year
    for spec in specs.values():
        for year in (this_year, this_year + 1):
            spec.is_holiday(dt.date(year, 1, 1))
    return SlaConfiguration(
        policy_views=tuple(views),
        policies=policies,
        targets_by_group=MappingProxyType(by_group),
        targets=targets,
        calendars=Rows(BusinessCalendar),
        specs=MappingProxyType(specs),
    )


_snapshot: Snapshot[SlaConfiguration] = Snapshot("sla-configuration", _load)
_snapshot.watch(SlaPolicy, OperationalTarget, BusinessCalendar, OpeningHours, Closure)


def configuration() -> SlaConfiguration:
    return _snapshot.get()


def _with_calendar(instance):
    calendars = configuration().calendars
    if instance.calendar_id in calendars:
        attach(instance, "calendar", calendars.materialise(instance.calendar_id))
    return instance


def first_policy(
    *,
    kind: str,
    priority: int | None,
    establishment_id: int | None,
    lineage: list[int],
) -> SlaPolicy | None:
    """The first active policy whose conditions hold, a fresh instance with
    its calendar, or None."""
    config = configuration()
    for view in config.policy_views:
        if (
            view.kind in ("", kind)
            and view.priority in (None, priority)
            and view.establishment_id in (None, establishment_id)
            and (view.category_id is None or view.category_id in lineage)
        ):
            return _with_calendar(config.policies.materialise(view.pk))
    return None


def operational_target(group_id: int, priority: int | None) -> OperationalTarget | None:
    """The group's active OLA for this priority, else for any priority."""
    config = configuration()
    pk = config.targets_by_group.get((group_id, priority))
    if pk is None:
        pk = config.targets_by_group.get((group_id, None))
    return _with_calendar(config.targets.materialise(pk)) if pk is not None else None


def spec(calendar_id: int) -> CalendarSpec | None:
    """The calendar's arithmetic as kept (None: not a saved calendar)."""
    return configuration().specs.get(calendar_id)
