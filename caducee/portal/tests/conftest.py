"""Portal fixtures: the desk's small GHT and people (shared, not copied), and
the requesters of the portal, built through the same models as the product.

    Claire Martin (ght.nurse_a), intensive care at A — account "claire", requester
    Sophie Laurent, head nurse at A, Claire's manager — account "sophie", requester
    Paul Durand (ght.doctor_a) — account "paul", requester, nobody's manager
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from caducee.cmdb.tests.conftest import cmdb  # noqa: F401
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.models import Ticket, TicketKind
from caducee.desk.services.tickets import create_ticket
from caducee.desk.tests.conftest import desk, new_ticket  # noqa: F401
from caducee.org.models import Person


@dataclass
class Requesters:
    nurse: Any
    head_nurse: Any
    doctor: Any
    head_person: Person


@pytest.fixture
def requesters(ght, make_user, admin_user) -> Requesters:
    nurse = make_user(roles.REQUESTER, establishments=[ght.a], username="claire")
    head_nurse = make_user(roles.REQUESTER, establishments=[ght.a], username="sophie")
    doctor = make_user(roles.REQUESTER, establishments=[ght.a], username="paul")
    with acting_as(admin_user, source="test"):
        head_person = Person.objects.create(
            establishment=ght.a, first_name="Sophie", last_name="Laurent", user=head_nurse
        )
        head_person.care_units.set([ght.icu_a])
        ght.nurse_a.user = nurse
        ght.nurse_a.manager = head_person
        ght.nurse_a.save()
        ght.doctor_a.user = doctor
        ght.doctor_a.save()
    return Requesters(nurse, head_nurse, doctor, head_person)


@pytest.fixture
def own_ticket(ght, desk, requesters):  # noqa: F811 - the imported fixture
    """own_ticket(person=ght.nurse_a, actor=desk.agent, **fields) -> a saved incident."""

    def make(person=None, actor=None, **fields) -> Ticket:
        values = {
            "kind": TicketKind.INCIDENT,
            "title": "Écran figé sur l’armoire à pharmacie",
            "establishment": ght.a,
            "requester": person or ght.nurse_a,
            "care_unit": ght.icu_a,
        }
        values.update(fields)
        return create_ticket(Ticket(**values), actor=actor or desk.agent)

    return make
