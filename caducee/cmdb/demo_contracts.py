"""Suppliers and contracts of the demo GHT, with their commitments.

What a DSI signs (issue "CMDB" point 4): software support with each
publisher of a shared application (24/7 for the clinical core: EHR, admissions,
laboratory, imaging…), hosting at a certified health-data host (HDS) for the
applications served from outside, maintenance of the network, the data centre
and the telephony, a managed-print lease, a five-year on-site warranty per
yearly batch of workstations, and maintenance of medical devices by their
specialists. Every contract has response and resolution times for P1 to P5
and a penalty per hour late on the higher priorities, capped at a tenth of
the annual amount.

Dates are set against today so the "expiring" report always has something to
show: the oldest warranty batch ends within weeks, the print lease ends
without a renewal after its notice deadline, the network contract ends soon
but is renewed by a successor already signed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.text import slugify

from caducee.cmdb import demo_data as data
from caducee.cmdb.demo_builder import Builder, bulk, years_from
from caducee.cmdb.models import Contract, ContractCommitment, Supplier
from caducee.org import demo_data as org_data
from caducee.org.validators import luhn_complete

K, H = Contract.Kind, Contract.SupportHours
#: Per support hours, P1…P5: (response minutes, resolution minutes, € per hour late).
TERMS = {
    H.ALWAYS: [(15, 240, 400), (30, 480, 200), (120, 1440, 60), (480, 4320, 0), (1440, 10080, 0)],
    H.EXTENDED: [(30, 480, 200), (60, 960, 100), (240, 2880, 30), (480, 5760, 0), (960, 9600, 0)],
    H.BUSINESS: [(60, 480, 150), (120, 960, 75), (240, 2400, 25), (480, 4800, 0), (960, 9600, 0)],
}
WARRANTY_YEARS = 5
#: Workstation batches: years since purchase (the oldest ones out of warranty).
BATCH_AGES = (0, 1, 2, 3, 4, 5, 6)


def _siret(rng) -> str:
    siren = luhn_complete(f"{rng.randint(10_000_000, 99_999_999)}")
    return luhn_complete(f"{siren}{rng.randint(0, 9999):04d}")


def suppliers(b: Builder) -> None:
    rows = []
    for key, spec in data.SUPPLIERS.items():
        slug = slugify(spec.name)
        dept = b.rng.randint(1, 5)
        rows.append(
            Supplier(
                name=spec.name,
                siret=_siret(b.rng),
                phone=f"0{dept} {b.rng.randint(10, 99)} {b.rng.randint(10, 99)} 00 00",
                email=f"contact@{slug}.example",
                support_phone=f"0{dept} {b.rng.randint(10, 99)} {b.rng.randint(10, 99)} 12 34",
                support_email=f"support@{slug}.example",
                website=f"https://www.{slug}.example",
                address=f"{b.ctx.faker.street_address()}\n{spec.city}",
            )
        )
        b.suppliers[key] = rows[-1]
    bulk(Supplier, rows)


def _contract(
    b: Builder,
    key: object,
    supplier: str,
    kind: str,
    title: str,
    hours: str,
    start: dt.date,
    end: dt.date,
    annual: int,
    notice: int = 90,
) -> Contract:
    b.contracts[key] = Contract(
        supplier=b.suppliers[supplier],
        reference=f"{start.year}-{len(b.contracts) + 1:03d}",
        title=title,
        kind=kind,
        start_date=start,
        end_date=end,
        notice_days=notice,
        support_hours=hours,
        calendar_code=org_data.CARE_CALENDAR if hours == H.BUSINESS else "",
        annual_amount=Decimal(annual),
        penalty_cap=Decimal(annual // 10),
    )
    return b.contracts[key]


def _term(b: Builder, years: int = 4) -> tuple[dt.date, dt.date]:
    """A public contract of ``years`` years that started one to three years ago."""
    start = b.days_ago(365, 3 * 365)
    return start, years_from(start, years)


def contracts(b: Builder, apps: list[data.AppSpec]) -> None:
    """Every contract the other parts refer to, by key (see ``b.contracts``)."""
    for app in apps:
        hours = H.ALWAYS if app.has("24/7") else H.EXTENDED if app.has("extended") else H.BUSINESS
        start, end = _term(b)
        notice = 180 if app.annual >= 100_000 else 90
        _contract(
            b, ("app", app.code), app.publisher, K.SUPPORT,
            f"Maintenance et assistance – {app.name}", hours, start, end, app.annual, notice,
        )  # fmt: skip
        if app.has("hdshost") or app.has("saas"):
            start, end = _term(b, 3)
            host = "hds" if app.has("hdshost") else app.publisher
            _contract(
                b, ("hosting", app.code), host, K.HOSTING,
                f"Hébergement certifié HDS – {app.name}", H.ALWAYS, start, end, app.annual // 2,
            )  # fmt: skip
    today = b.today
    # The network contract ends in three weeks; its successor is already signed.
    start = years_from(today, -4) + dt.timedelta(days=21)
    _contract(
        b, "network", "reseaux", K.MAINTENANCE, "Maintien en condition opérationnelle du réseau",
        H.ALWAYS, start, today + dt.timedelta(days=21), 140_000, 180,
    )  # fmt: skip
    _contract(
        b, "network-next", "reseaux", K.MAINTENANCE,
        "Maintien en condition opérationnelle du réseau (nouveau marché)", H.ALWAYS,
        today + dt.timedelta(days=22), years_from(today, 4), 150_000, 180,
    )  # fmt: skip
    start, end = _term(b, 5)
    _contract(
        b, "datacentre", "datacentre", K.MAINTENANCE,
        "Maintenance des serveurs, du stockage et de la sauvegarde", H.ALWAYS, start, end, 95_000,
    )  # fmt: skip
    # The print lease ends in two months and nobody renewed it in time.
    start = years_from(today, -5) + dt.timedelta(days=60)
    _contract(
        b, "print", "impression", K.LEASE, "Location et maintenance du parc d'impression",
        H.BUSINESS, start, today + dt.timedelta(days=60), 210_000, 120,
    )  # fmt: skip
    start, end = _term(b)
    _contract(
        b, "telephony", "telephonie", K.MAINTENANCE, "Maintenance de la téléphonie et du DECT",
        H.ALWAYS, start, end, 48_000,
    )  # fmt: skip
    for age in BATCH_AGES:
        bought = years_from(today, -age) + dt.timedelta(days=40 if age == 5 else -30)
        _contract(
            b, ("warranty", age), "postes", K.WARRANTY,
            f"Garantie sur site {WARRANTY_YEARS} ans – postes de travail, lot {bought.year}",
            H.BUSINESS, bought, years_from(bought, WARRANTY_YEARS), 0, 30,
        )  # fmt: skip
    for key, title in (
        ("monitorage", "Maintenance du monitorage et des défibrillateurs"),
        ("ventilation", "Maintenance des ventilateurs et stations d'anesthésie"),
        ("perfusion", "Maintenance des pompes à perfusion et pousse-seringues"),
        ("imagerie", "Maintenance des équipements d'imagerie"),
        ("dialyse", "Maintenance des générateurs de dialyse"),
        ("biomed-ouest", "Maintenance multimarque des dispositifs médicaux"),
        ("cqdm", "Contrôle qualité externe des installations de radiologie"),
    ):
        start, end = _term(b)
        if key == "perfusion":  # ends within the month: the report shows it
            end = today + dt.timedelta(days=25)
        hours = H.ALWAYS if key in ("monitorage", "ventilation", "dialyse") else H.BUSINESS
        _contract(b, ("biomed", key), key, K.MAINTENANCE, title, hours, start, end, 60_000)


def warranty_batch(b: Builder) -> tuple[Contract, dt.date]:
    """A workstation's batch contract and purchase date (newer batches are larger)."""
    age = b.rng.choices(BATCH_AGES, weights=(14, 18, 18, 17, 15, 12, 6))[0]
    contract = b.contracts[("warranty", age)]
    return contract, contract.start_date


def save(b: Builder) -> None:
    """Suppliers are saved already; write contracts and their commitments."""
    bulk(Contract, list(b.contracts.values()))
    commitments = []
    for contract in b.contracts.values():
        for priority, (response, resolution, penalty) in enumerate(
            TERMS[contract.support_hours], start=1
        ):
            commitments.append(
                ContractCommitment(
                    contract=contract,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                    penalty_per_hour=Decimal(penalty) if contract.kind != K.WARRANTY else 0,
                )
            )
    bulk(ContractCommitment, commitments)
