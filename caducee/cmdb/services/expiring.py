"""The "expiring warranties and contracts" report.

Rule (issue "CMDB" point 4): the DSI must see in time what stops being
covered. A contract is listed when it has not ended yet and either

* it ends within the horizon (N days: 30, 90, 180 or 365), or
* its notice deadline (end date − notice period) has passed and no renewal
  exists: past that day the renewal can no longer be negotiated calmly, and a
  public hospital needs months to run a new tender.

Renewal: public procurement renews a contract by signing a new one (a new
reference) that takes over when the old one ends. So a contract counts as
renewed when a contract of the same supplier, kind and establishment starts
on or after this one's notice deadline and ends after it. A contract of the
same kind running in parallel since before the deadline (the supplier's
maintenance of other devices) is not a renewal. No flag to keep in sync.

Items are listed when their warranty ends within the horizon, unless they are
retired or disposed (nobody renews the warranty of a device that left).
Everything is read through ``restrict()``: a user sees the contracts and
items of their establishments and those of the whole GHT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.models import ConfigurationItem, Contract, LifecycleStatus
from caducee.cmdb.types import CIType

HORIZONS = (30, 90, 180, 365)
DEFAULT_HORIZON = 90
#: Statuses whose warranty no longer matters.
GONE = (LifecycleStatus.RETIRED, LifecycleStatus.DISPOSED)


@dataclass
class ExpiringContract:
    contract: Contract
    days_left: int
    notice_deadline: dt.date
    ends_within: bool
    notice_passed: bool
    renewed_by: Contract | None = None

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.ends_within:
            reasons.append(_("ends in %(days)s days") % {"days": self.days_left})
        if self.notice_passed and self.renewed_by is None:
            reasons.append(
                _("notice deadline passed on %(date)s without renewal")
                % {"date": self.notice_deadline.isoformat()}
            )
        return reasons


@dataclass
class ExpiringReport:
    days: int
    today: dt.date
    horizon: dt.date
    contracts: list[ExpiringContract]
    items: QuerySet
    item_count: int
    by_establishment: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class WarrantyStatus:
    """``code``: none | in_warranty | ending | expired; ``days``: days left
    (negative once expired)."""

    code: str
    days: int | None
    label: str


@dataclass(frozen=True)
class ContractState:
    """``code``: upcoming | active | expired."""

    code: str
    label: str
    days_left: int
    notice_deadline: dt.date
    notice_passed: bool


def warranty_status(
    item: ConfigurationItem, *, today: dt.date | None = None, soon: int = DEFAULT_HORIZON
) -> WarrantyStatus:
    """In warranty, ends within ``soon`` days, expired, or no date known."""
    if item.warranty_end is None:
        return WarrantyStatus("none", None, _("No warranty end date recorded"))
    today = today or timezone.localdate()
    days = (item.warranty_end - today).days
    if days < 0:
        return WarrantyStatus(
            "expired", days, _("Warranty expired %(days)s days ago") % {"days": -days}
        )
    if days <= soon:
        return WarrantyStatus("ending", days, _("Warranty ends in %(days)s days") % {"days": days})
    return WarrantyStatus(
        "in_warranty",
        days,
        _("In warranty until %(date)s") % {"date": item.warranty_end.isoformat()},
    )


def contract_state(contract: Contract, *, today: dt.date | None = None) -> ContractState:
    today = today or timezone.localdate()
    deadline = notice_deadline(contract)
    if contract.start_date > today:
        code, label = "upcoming", _("Not started yet")
    elif contract.end_date < today:
        code, label = "expired", _("Expired")
    else:
        code, label = "active", _("Active")
    return ContractState(
        code=code,
        label=label,
        days_left=(contract.end_date - today).days,
        notice_deadline=deadline,
        notice_passed=code != "expired" and deadline <= today,
    )


def notice_deadline(contract: Contract) -> dt.date:
    return contract.end_date - dt.timedelta(days=contract.notice_days or 0)


def find_successor(contract: Contract, others: Iterable[Contract]) -> Contract | None:
    """The contract that renews ``contract`` among ``others``, if any."""
    candidates = [
        other
        for other in others
        if other.pk != contract.pk
        and other.supplier_id == contract.supplier_id
        and other.kind == contract.kind
        and other.establishment_id == contract.establishment_id
        and other.start_date > contract.start_date
        and other.start_date >= notice_deadline(contract)
        and other.end_date > contract.end_date
    ]
    return min(candidates, key=lambda c: c.start_date) if candidates else None


def parse_days(value: Any) -> int:
    """The horizon from a query string; ``ValueError`` names the allowed values."""
    if value in (None, ""):
        return DEFAULT_HORIZON
    try:
        days = int(str(value).strip())
    except ValueError:
        days = -1
    if days not in HORIZONS:
        raise ValueError(
            _("Choose one of: %(values)s days.") % {"values": ", ".join(map(str, HORIZONS))}
        )
    return days


def expiring_contracts(
    *, user: Any, days: int, today: dt.date | None = None
) -> list[ExpiringContract]:
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    # Every contract still running in scope: the candidates and, among them,
    # their possible successors (a successor ends later, so it is running too).
    running = list(
        Contract.objects.restrict(user, "view")
        .filter(end_date__gte=today)
        .select_related("supplier", "establishment")
        .order_by("end_date", "reference")
    )
    rows = []
    for contract in running:
        deadline = notice_deadline(contract)
        ends_within = contract.end_date <= horizon
        notice_passed = deadline <= today
        if not ends_within and not notice_passed:
            continue
        successor = find_successor(contract, running)
        if not ends_within and successor is not None:
            continue  # renewed in time: nothing to do before the horizon
        rows.append(
            ExpiringContract(
                contract=contract,
                days_left=(contract.end_date - today).days,
                notice_deadline=deadline,
                ends_within=ends_within,
                notice_passed=notice_passed,
                renewed_by=successor,
            )
        )
    return rows


def expiring_warranties(*, user: Any, days: int, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    return (
        ConfigurationItem.objects.restrict(user, "view")
        .filter(warranty_end__gte=today, warranty_end__lte=horizon)
        .exclude(status__in=GONE)
        .select_related("establishment", "room", "supplier", "contract")
        .order_by("warranty_end", "name", "pk")
    )


def expiring_report(*, user: Any, days: int, today: dt.date | None = None) -> ExpiringReport:
    """Contracts and warranties to act on within ``days`` (one of ``HORIZONS``)."""
    today = today or timezone.localdate()
    items = expiring_warranties(user=user, days=days, today=today)
    per_establishment = list(
        items.order_by()
        .values_list("establishment_id", "establishment__name")
        .annotate(n=Count("pk"))
    )
    by_establishment = sorted(
        ((name if pk else _("Whole GHT"), n) for pk, name, n in per_establishment),
        key=lambda row: (-row[1], row[0]),
    )
    per_type = items.order_by().values_list("ci_type").annotate(n=Count("pk"))
    labels = dict(CIType.choices)
    by_type = sorted(
        ((str(labels.get(code, code)), n) for code, n in per_type),
        key=lambda row: (-row[1], row[0]),
    )
    return ExpiringReport(
        days=days,
        today=today,
        horizon=today + dt.timedelta(days=days),
        contracts=expiring_contracts(user=user, days=days, today=today),
        items=items,
        item_count=sum(n for _pk, _name, n in per_establishment),
        by_establishment=by_establishment,
        by_type=by_type,
    )
