"""``caducee demo`` builds a CMDB a DSI would recognise: every type, relations
the model accepts, impact paths from a core switch down to life-critical
units, contracts and a biomedical register with content, all audited, scoped
for the demo accounts, and the same for the same seed."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict, deque
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from caducee.cmdb.models import (
    PROPAGATES,
    RULES,
    ConfigurationItem,
    Contract,
    ContractCommitment,
    LifecycleStatus,
    MaintenancePlan,
    Relation,
    RelationKind,
    Supplier,
    VigilanceReport,
    WorkOrder,
)
from caducee.cmdb.services.workorders import signature_is_valid
from caducee.cmdb.types import CIType
from caducee.core import demo
from caducee.core.models import AuditEvent, User
from caducee.org.models import CareUnit, Criticality, Establishment, Team

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_tickets(monkeypatch):
    """The desk's demo test builds the tickets; here they would only cost time."""
    monkeypatch.setenv("CADUCEE_DEMO_TICKETS", "0")


@pytest.fixture
def small():
    call_command("demo", "--scale", "small", "--seed", "7", stdout=StringIO())


def impacted_from(start: int, relations: list[tuple]) -> tuple[set[int], set[int]]:
    """Independent breadth-first walk: items that go down with ``start`` (the
    sources of propagating relations whose target is down) and the care
    units those items are used by."""
    dependants: dict[int, list[int]] = defaultdict(list)
    units_of: dict[int, list[int]] = defaultdict(list)
    for source, kind, target, unit in relations:
        if kind in PROPAGATES and target is not None:
            dependants[target].append(source)
        elif kind == RelationKind.USED_BY:
            units_of[source].append(unit)
    seen, queue, units = {start}, deque([start]), set()
    while queue:
        item = queue.popleft()
        units.update(units_of[item])
        for source in dependants[item]:
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen, units


def test_small_infrastructure_is_complete_valid_and_audited(small):
    items = list(ConfigurationItem.objects.all())
    assert 300 <= len(items) <= 1500
    types = {item.ci_type for item in items}
    assert types == set(CIType.values) - {CIType.OTHER}
    for item in items:  # attributes, MAC, room of the item's establishment, field limits
        item.full_clean(validate_unique=False, validate_constraints=False)

    by_id = {item.pk: item for item in items}
    unit_ids = set(CareUnit.objects.values_list("pk", flat=True))
    relations = list(Relation.objects.values_list("source", "kind", "target", "care_unit"))
    assert len(relations) > 2 * len(items)
    assert {kind for _s, kind, _t, _u in relations} == set(RelationKind.values)
    for source, kind, target, unit in relations:
        assert source in by_id and source != target
        target_type = by_id[target].ci_type if target else "care_unit"
        assert (target is None) != (unit is None)
        assert unit is None or unit in unit_ids
        assert (by_id[source].ci_type, target_type) in RULES[kind], (source, kind, target)

    # Shared items belong to the whole GHT; local ones to one establishment.
    clusters = [i for i in items if i.ci_type == CIType.CLUSTER and i.name.startswith("CLU-PROD")]
    assert clusters and all(i.establishment_id is None for i in clusters)
    ehr = next(i for i in items if i.name.startswith("DPI"))
    assert ehr.establishment_id is None and ehr.holds_health_data
    used_by_ehr = Relation.objects.filter(source=ehr, kind=RelationKind.USED_BY)
    assert used_by_ehr.values("care_unit__establishment").distinct().count() == 3
    workstations = [i for i in items if i.ci_type == CIType.WORKSTATION]
    assert all(i.establishment_id for i in workstations)
    assert all(re.fullmatch(r"PC-[A-Z0-9]{3}-\d{4}-\d{3}", i.name) for i in workstations)
    assert {i.attributes["usage"] for i in workstations} == {"personal", "shared"}
    assert all(i.assigned_to_id for i in workstations if i.attributes["usage"] == "personal")

    # A core switch reaches life-critical units through the graph.
    critical = set(
        CareUnit.objects.filter(criticality=Criticality.LIFE_CRITICAL).values_list("pk", flat=True)
    )
    cores = [i for i in items if i.attributes.get("network_role") == "core" and i.establishment]
    reached = [impacted_from(core.pk, relations) for core in cores]
    assert any(units & critical for _items, units in reached)
    down_with_core, _units = max(reached, key=lambda r: len(r[0]))
    assert {by_id[i].ci_type for i in down_with_core} >= {
        CIType.WORKSTATION,
        CIType.PRINTER,
        CIType.MEDICAL_DEVICE,
    }
    _items, ehr_units = impacted_from(ehr.pk, relations)
    assert ehr_units & critical

    # Every object is in the trail, and the chain holds.
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE)
    for model in (ConfigurationItem, Relation, Contract, ContractCommitment, WorkOrder):
        object_type = f"cmdb.{model._meta.model_name}"
        assert created.filter(object_type=object_type).count() == model.objects.count()
    call_command("audit", "verify", stdout=StringIO())


def test_contracts_devices_and_maintenance_have_content(small):
    today = timezone.localdate()
    assert Supplier.objects.count() >= 10
    for supplier in Supplier.objects.all():
        supplier.full_clean()  # valid SIRET
    contracts = Contract.objects.all()
    for contract in contracts:
        contract.full_clean(validate_unique=False)
        terms = list(contract.commitments.order_by("priority"))
        assert [c.priority for c in terms] == [1, 2, 3, 4, 5]
        assert all(c.response_minutes <= c.resolution_minutes for c in terms)
        if contract.kind != Contract.Kind.WARRANTY:
            assert terms[0].penalty_per_hour > terms[-1].penalty_per_hour
    soon = today + dt.timedelta(days=90)
    assert contracts.filter(end_date__gte=today, end_date__lte=soon).exists()
    covered = ConfigurationItem.objects.exclude(contract=None)
    assert covered.filter(ci_type=CIType.WORKSTATION, warranty_end__range=(today, soon)).exists()
    assert covered.filter(ci_type=CIType.APPLICATION).exists()

    devices = ConfigurationItem.objects.filter(ci_type=CIType.MEDICAL_DEVICE)
    assert devices.filter(status=LifecycleStatus.OUT_OF_SERVICE).exists()
    flagged = devices.filter(patient_safety_critical=True)
    assert flagged.exists()
    assert not flagged.exclude(criticality=Criticality.LIFE_CRITICAL).exists()
    monitors = devices.filter(name__startswith="Moniteur multiparamétrique")
    assert monitors.exists() and not monitors.filter(patient_safety_critical=False).exists()
    for device in devices.filter(attributes__network_connected=True)[:50]:
        assert Relation.objects.filter(source=device, kind=RelationKind.CONNECTED_TO).exists()
    assert all(d.attributes["device_class"] in ("I", "IIa", "IIb", "III") for d in devices)

    teams = Team.objects.filter(code__startswith="biomed-")
    assert teams.exists() and all(t.establishment_id and t.members.exists() for t in teams)
    for plan in MaintenancePlan.objects.all():
        plan.full_clean()
    orders = WorkOrder.objects.all()
    done = orders.filter(status=WorkOrder.Status.DONE)
    assert done.exists() and all(signature_is_valid(o) for o in done)
    assert all(o.performed_on <= today and o.signed_by_id for o in done)
    planned = orders.filter(status=WorkOrder.Status.PLANNED)
    assert planned.filter(due_date__lt=today).exists(), "some orders are overdue"
    assert planned.filter(due_date__gte=today).exists()
    stopped = done.filter(result=WorkOrder.Result.NON_COMPLIANT, restarted_on=None)
    assert not stopped.exclude(device__status=LifecycleStatus.OUT_OF_SERVICE).exists()

    reports = VigilanceReport.objects.all()
    assert reports.count() >= 2
    for report in reports:
        report.full_clean()


def test_accounts_see_sensible_data_and_a_second_load_adds_nothing(small):
    support = Establishment.objects.get(is_support=True)
    users = {u.username: u for u in User.objects.all()}
    items = ConfigurationItem.objects

    biomed = items.restrict(users["biomed"]).filter(ci_type=CIType.MEDICAL_DEVICE)
    assert biomed.exists()
    assert set(biomed.values_list("establishment", flat=True)) == {support.pk}
    agent = items.restrict(users["agent"])
    assert agent.filter(establishment=None).exists()
    assert set(agent.exclude(establishment=None).values_list("establishment", flat=True)) == {
        support.pk
    }
    assert items.restrict(users["dsi"]).count() == items.count()
    assert not items.restrict(users["nurse"]).exists()  # requesters do not browse the CMDB
    assert not items.restrict(users["vendor"]).exists()
    # The accounts' people have equipment to show on their page.
    for username in ("agent", "engineer", "biomed", "cab"):
        assert items.filter(assigned_to__user=users[username]).exists(), username
    assert items.filter(assigned_to__user=users["nurse"], ci_type=CIType.PHONE).exists()

    before = (items.count(), Relation.objects.count(), AuditEvent.objects.count())
    call_command("demo", "--if-empty", stdout=StringIO())
    assert (items.count(), Relation.objects.count(), AuditEvent.objects.count()) == before


class Rollback(Exception):
    pass


def fingerprint(seed: int) -> tuple:
    result: tuple = ()
    try:
        with transaction.atomic():
            demo.build("small", seed)
            result = (
                list(ConfigurationItem.objects.order_by("pk").values_list("name", "serial_number")),
                Relation.objects.count(),
                WorkOrder.objects.count(),
            )
            raise Rollback
    except Rollback:
        pass
    assert not ConfigurationItem.objects.exists()
    return result


def test_same_seed_same_infrastructure():
    assert fingerprint(3) == fingerprint(3)
