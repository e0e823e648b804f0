"""Human numbers: one sequence per kind and year, restarting each year,
never twice the same number — even when agents record calls at once."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from caducee.desk.models import Ticket, TicketCounter, TicketKind
from caducee.desk.services.numbering import current_year, format_number, next_number
from caducee.desk.services.tickets import create_ticket

pytestmark = pytest.mark.django_db


def test_numbers_follow_each_other_per_kind_and_year():
    assert next_number(TicketKind.INCIDENT, 2026) == "INC-2026-000001"
    assert next_number(TicketKind.INCIDENT, 2026) == "INC-2026-000002"
    assert next_number(TicketKind.REQUEST, 2026) == "REQ-2026-000001"
    assert next_number(TicketKind.PROBLEM, 2026) == "PRB-2026-000001"
    assert next_number(TicketKind.INCIDENT, 2026) == "INC-2026-000003"


def test_a_new_year_restarts_the_sequence():
    for _ in range(3):
        next_number(TicketKind.INCIDENT, 2026)
    assert next_number(TicketKind.INCIDENT, 2027) == "INC-2027-000001"
    assert next_number(TicketKind.INCIDENT, 2026) == "INC-2026-000004"
    assert set(TicketCounter.objects.values_list("kind", "year", "last")) == {
        ("incident", 2026, 4),
        ("incident", 2027, 1),
    }


def test_numbers_grow_past_six_digits_rather_than_wrap():
    assert format_number(TicketKind.REQUEST, 2026, 123) == "REQ-2026-000123"
    assert format_number(TicketKind.REQUEST, 2026, 1_234_567) == "REQ-2026-1234567"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown ticket kind"):
        next_number("change", 2026)


def test_tickets_take_numbers_of_their_kind_in_the_current_year(new_ticket):
    year = current_year()
    first = new_ticket()
    second = new_ticket(title="Imprimante hors ligne")
    request = new_ticket(kind=TicketKind.REQUEST, title="Nouveau poste")
    assert (first.number, second.number) == (f"INC-{year}-000001", f"INC-{year}-000002")
    assert request.number == f"REQ-{year}-000001"


def test_a_ticket_refused_gives_its_number_back(ght, desk, new_ticket):
    with pytest.raises(ValidationError):
        create_ticket(
            Ticket(kind=TicketKind.INCIDENT, title="Sans demandeur", establishment=ght.a),
            actor=desk.agent,
        )
    assert new_ticket().number.endswith("-000001")


def _in_threads(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads started together; their results."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.extend(work())
        except Exception as exc:  # reported below, with the thread's exception
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_gives_distinct_consecutive_numbers():
    def work():
        numbers = []
        for _ in range(5):
            with transaction.atomic():
                numbers.append(next_number(TicketKind.INCIDENT, 2031))
        return numbers

    numbers = _in_threads(8, work)
    assert sorted(numbers) == [f"INC-2031-{n:06d}" for n in range(1, 41)]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_ticket_creation_gives_distinct_numbers(ght, desk):
    def work():
        return [
            create_ticket(
                Ticket(
                    kind=TicketKind.INCIDENT,
                    title="Appel simultané",
                    establishment=ght.a,
                    requester=ght.nurse_a,
                ),
                actor=desk.agent,
            ).number
            for _ in range(3)
        ]

    numbers = _in_threads(6, work)
    year = current_year()
    assert sorted(numbers) == [f"INC-{year}-{n:06d}" for n in range(1, 19)]
    assert Ticket.objects.count() == 18
