"""Medical devices of the demo GHT and their biomedical register.

Each clinical unit holds the devices of its kind (``demo_biomed_data``):
monitors, ventilators and syringe pumps in intensive care, anaesthesia
stations in the operating rooms, incubators in neonatology, generators in
dialysis… A device is *used by* its unit, *connected to* the floor's network
when it talks to a central system (wired monitors, Wi-Fi pumps) and *depends
on* that system (the monitoring central, the drug-library server, the PACS).
In a life-critical unit, monitors, ventilators and defibrillators are
flagged patient-safety-critical: their outage is P1 at once.

The register (CSP R5212-25 to R5212-35): a biomedical team per establishment
that has a biomedical department (others rely on the GHT team), maintenance
plans per model (preventive, external quality control by an approved body)
and per class (internal quality control of class IIb devices), and each
device's work orders as the nightly generator would have left them — the
last operations done and signed, the next one planned once within its lead
time, some overdue — so the due and overdue lists and a device's history
have content. A few devices are out of service (a failed check, a
matériovigilance case) with their reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from caducee.cmdb import demo_biomed_data as data
from caducee.cmdb.demo_builder import Builder, Unit, allocate, bulk
from caducee.cmdb.models import (
    LifecycleStatus,
    MaintenanceKind,
    MaintenancePlan,
    RelationKind,
    VigilanceReport,
    WorkOrder,
)
from caducee.cmdb.services.maintenance import add_months
from caducee.cmdb.services.workorders import signature_digest
from caducee.cmdb.types import CIType
from caducee.core.services import audit
from caducee.org.models import Criticality, Team

R, S = RelationKind, LifecycleStatus
SIZES = {"small": 120, "ght": 3_000}


def devices(b: Builder) -> None:
    """Biomedical teams, then every unit's devices (items and relations)."""
    b.biomed_teams = _teams(b)
    units = [u for est in b.ests for u in est.units]
    lists = [_equipment(unit) for unit in units]
    quotas = allocate(SIZES[b.ctx.scale], [len(keys) for keys in lists])
    udi = {key: f"0{b.rng.randint(10**12, 10**13 - 1)}" for key in data.MODELS}
    b.devices = []
    for unit, keys, quota in zip(units, lists, quotas, strict=True):
        for n in range(quota):
            key, room = keys[n % len(keys)]
            b.devices.append(_device(b, unit, n + 1, key, room, udi[key]))
    b.vigilance = _vigilance_devices(b)


def _teams(b: Builder) -> dict[int, Team]:
    teams = {}
    for est in b.ests:
        staff = [p for u in est.units if u.profile == "biomed" for p in u.staff]
        if not staff:
            continue
        team = Team.objects.create(
            code=f"biomed-{slugify(est.obj.short_name)}"[:64],
            name=f"Ingénierie biomédicale – {est.obj.short_name}",
            description="Dispositifs médicaux de l'établissement : maintenance, contrôles qualité.",
            establishment=est.obj,
            email=f"biomedical@{est.domain}",
            lead=staff[0],
        )
        team.members.set(staff)
        teams[est.obj.pk] = team
    return teams


def _equipment(unit: Unit) -> list[tuple[str, object]]:
    """(model key, room) in the unit's priority order, per-bed items room by room."""
    plan = data.SERVICE_EQUIPMENT.get(unit.service) or data.EQUIPMENT.get(unit.profile, [])
    beds = unit.beds or [unit.main_room]
    keys = []
    for key, count in plan:
        if isinstance(count, float):
            total = max(1, round(count * len(beds)))
            keys += [(key, beds[i % len(beds)]) for i in range(total)]
        else:
            keys += [(key, unit.main_room)] * count
    return keys


def _device(b: Builder, unit: Unit, n: int, key: str, room, udi: str):
    model = data.MODELS[key]
    est = unit.est
    bought = b.days_ago(20, 12 * 365) if b.rng.random() < 0.9 else b.days_ago(600, 760)
    life_critical = unit.criticality == Criticality.LIFE_CRITICAL
    safety = model.has("safety") and life_critical
    fields = b.hardware(
        model, est, bought=bought, warranty_years=2,
        contract=b.contracts[("biomed", model.maintainer)],
    )  # fmt: skip
    networked = bool(model.network)
    roll = b.rng.random()
    status = S.OUT_OF_SERVICE if roll < 0.015 else S.IN_MAINTENANCE if roll < 0.035 else None
    item = b.add(
        CIType.MEDICAL_DEVICE, f"{model.common_name} {est.code}-{unit.code}-{n:02d}", est,
        {"device_class": model.device_class, "trade_name": f"{model.manufacturer} {model.model}",
         "udi_di": udi, "udi_pi": f"(21){fields['serial_number']}", "gmdn_code": model.gmdn_code,
         "gmdn_term": model.gmdn_term,
         "first_use_date": bought + dt.timedelta(days=b.rng.randint(5, 30)),
         "network_connected": networked},
        room=room, status=status or S.IN_PRODUCTION,
        ip_address=est.next_ip() if networked else None, mac_address=b.mac() if networked else "",
        owner_group=b.biomed_teams.get(est.obj.pk) or b.teams["biomedical"],
        criticality=unit.criticality if safety else min(unit.criticality, Criticality.HIGH),
        patient_safety_critical=safety, holds_health_data=model.has("hds"), **fields,
    )  # fmt: skip
    b.relate(item, R.USED_BY, care_unit=unit.care_unit)
    if networked:
        b.wire(item, room.floor, model.network)
        if model.application in b.apps:
            b.relate(item, R.DEPENDS_ON, b.apps[model.application])
    return item


def _vigilance_devices(b: Builder) -> list:
    """One device per vigilance case, preferably in a life-critical unit."""
    chosen = []
    for case in data.VIGILANCE:
        model = data.MODELS[case.model]
        candidates = [d for d in b.devices if d.model == model.model]
        candidates.sort(key=lambda d: -d.criticality)
        if not candidates:
            continue
        device = candidates[b.rng.randrange(min(5, len(candidates)))]
        device.status = S.OUT_OF_SERVICE if case.out_of_service else S.IN_PRODUCTION
        chosen.append((case, device))
    return chosen


# --- after the items are saved: plans, work orders, vigilance -------------------------


def register(b: Builder) -> None:
    plans = _plans(b)
    orders = _work_orders(b, plans)
    WorkOrder.objects.bulk_create(orders, batch_size=1000)
    # The signature covers the order's id: compute it once the ids are known, then
    # write it in one statement per row (bulk_update's CASE is slow on thousands).
    signed = [o for o in orders if o.status == WorkOrder.Status.DONE]
    for order in signed:
        order.signature = signature_digest(order)
    table = connection.ops.quote_name(WorkOrder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET signature = %s WHERE id = %s",  # noqa: S608 - no user input
            [(o.signature, o.pk) for o in signed],
        )
    audit.record_bulk_creation(orders)
    bulk(VigilanceReport, _reports(b))


def _plans(b: Builder) -> dict:
    """{("model", manufacturer, model) | ("class", est pk, class): [plans]}."""
    plans: dict[tuple, list[MaintenancePlan]] = defaultdict(list)
    used = {d.model for d in b.devices}
    for model in data.MODELS.values():
        if model.model not in used:
            continue
        months, who = model.preventive
        by_supplier = who == "supplier"
        key = ("model", model.manufacturer, model.model)
        plans[key].append(
            MaintenancePlan(
                name=f"Maintenance préventive – {model.common_name} {model.model}",
                kind=MaintenanceKind.PREVENTIVE, manufacturer=model.manufacturer,
                model=model.model, frequency_months=months,
                responsible_team=None if by_supplier else b.teams["biomedical"],
                responsible_supplier=b.suppliers[model.maintainer] if by_supplier else None,
                regulatory_reference=data.MANUFACTURER_INSTRUCTION,
            )
        )  # fmt: skip
        if model.external_qc_months:
            plans[key].append(
                MaintenancePlan(
                    name=f"Contrôle qualité externe – {model.common_name} {model.model}",
                    kind=MaintenanceKind.EXTERNAL_QC, manufacturer=model.manufacturer,
                    model=model.model, frequency_months=model.external_qc_months,
                    responsible_supplier=b.suppliers["cqdm"],
                    regulatory_reference=data.ANSM_RADIOLOGY,
                )
            )  # fmt: skip
    device_class, months = data.INTERNAL_QC
    for est_pk, team in b.biomed_teams.items():
        plans[("class", est_pk, device_class)].append(
            MaintenancePlan(
                name=f"Contrôle qualité interne des dispositifs de classe {device_class} – "
                f"{team.establishment.short_name}",
                kind=MaintenanceKind.INTERNAL_QC, establishment=team.establishment,
                device_class=device_class, frequency_months=months, responsible_team=team,
                regulatory_reference=data.CSP_MAINTENANCE,
            )
        )  # fmt: skip
    bulk(MaintenancePlan, [p for group in plans.values() for p in group])
    return plans


def _work_orders(b: Builder, plans: dict) -> list[WorkOrder]:
    signer = b.accounts.get("biomed")
    technicians = _technicians(b)
    orders: list[WorkOrder] = []
    for device in b.devices:
        if device.status not in (S.IN_PRODUCTION, S.IN_MAINTENANCE, S.OUT_OF_SERVICE):
            continue
        est = next(e for e in b.ests if e.obj is device.establishment)
        applicable = plans.get(("model", device.manufacturer, device.model), []) + plans.get(
            ("class", est.obj.pk, device.attributes["device_class"]), []
        )
        first_use = dt.date.fromisoformat(device.attributes["first_use_date"])
        for plan in applicable:
            orders += _history(b, device, plan, first_use, technicians[est.obj.pk], signer)
        if device.status == S.OUT_OF_SERVICE:
            orders.append(
                WorkOrder(
                    device=device, kind=MaintenanceKind.CORRECTIVE,
                    due_date=b.today + dt.timedelta(days=b.rng.randint(1, 10)),
                    description="Panne signalée par le service : appareil retiré, en attente "
                    "de diagnostic ou de pièce.",
                )
            )  # fmt: skip
    for order in orders:
        if order.status == WorkOrder.Status.DONE:
            order.signed_by = signer
            evening = dt.datetime.combine(order.performed_on, dt.time(17, b.rng.randint(0, 59)))
            order.signed_at = timezone.make_aware(evening)
    return orders


def _technicians(b: Builder) -> dict[int, list[str]]:
    names = {}
    gh_team = [f"{p.first_name} {p.last_name}" for p in b.teams["biomedical"].members.all()[:20]]
    for est in b.ests:
        staff = [p for u in est.units if u.profile == "biomed" for p in u.staff]
        names[est.obj.pk] = [f"{p.first_name} {p.last_name}" for p in staff] or gh_team
    return names


def _history(b: Builder, device, plan, first_use: dt.date, technicians, signer) -> list:
    """The device's orders under one plan: done and signed, then the next one."""
    months = plan.frequency_months
    if add_months(first_use, months) > b.today:
        last_done = None
        due = add_months(first_use, months)
    else:
        overdue = b.rng.random() < 0.06
        span = months * 30
        back = b.rng.randint(span + 10, span + 120) if overdue else b.rng.randint(5, span - 5)
        last_done = max(first_use, b.today - dt.timedelta(days=back))
        due = add_months(last_done, months)
    orders = []
    by_team = plan.responsible_team is not None
    employer = device.establishment.name if by_team else plan.responsible_supplier.name
    done_dates = []
    if last_done is not None:
        done_dates.append(last_done)
        previous = add_months(last_done, -months)
        if previous >= first_use and b.rng.random() < 0.5:
            done_dates.append(previous)
    for n, performed in enumerate(done_dates):
        failing = n == 0 and device.status == S.OUT_OF_SERVICE
        roll = b.rng.random()
        result = (
            WorkOrder.Result.NON_COMPLIANT
            if failing
            else WorkOrder.Result.RESERVATIONS
            if roll < 0.07
            else WorkOrder.Result.COMPLIANT
        )
        orders.append(
            WorkOrder(
                device=device, plan=plan, kind=plan.kind,
                due_date=performed + dt.timedelta(days=b.rng.randint(-10, 15)),
                status=WorkOrder.Status.DONE, performed_on=performed,
                performed_by=b.rng.choice(technicians) if by_team else b.ctx.faker.name(),
                employer=employer, result=result,
                stopped_on=performed if failing else None,
                report=_report(result, plan.kind),
            )
        )  # fmt: skip
    if due - dt.timedelta(days=plan.lead_days or 60) <= b.today:
        orders.append(WorkOrder(device=device, plan=plan, kind=plan.kind, due_date=due))
    return orders


def _report(result: str, kind: str) -> str:
    if result == WorkOrder.Result.NON_COMPLIANT:
        return "Non conforme : appareil arrêté et retiré du service, pièce commandée."
    if result == WorkOrder.Result.RESERVATIONS:
        return "Conforme avec réserves : accessoires usés à remplacer au prochain passage."
    if kind == MaintenanceKind.PREVENTIVE:
        return "Maintenance préventive réalisée selon la procédure du fabricant ; tests conformes."
    return "Contrôle qualité réalisé : toutes les mesures dans les tolérances."


def _reports(b: Builder) -> list[VigilanceReport]:
    reports = []
    for n, (case, device) in enumerate(b.vigilance, start=1):
        incident = b.days_ago(10, 200)
        reported = case.status != VigilanceReport.Status.DRAFT
        reference = f"R{incident:%y}-{b.rng.randint(10_000, 99_999)}" if reported else ""
        reports.append(
            VigilanceReport(
                device=device, incident_date=incident, description=case.description,
                patient_harm=case.patient_harm, status=case.status, actions=case.actions,
                ansm_reference=reference,
                reported_on=incident + dt.timedelta(days=n % 3 + 1) if reported else None,
            )
        )  # fmt: skip
    return reports
