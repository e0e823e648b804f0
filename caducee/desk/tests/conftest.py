"""Desk fixtures: the small GHT of ``caducee.core.testing``, the small CMDB
of the CMDB's tests, and the people who work tickets, built through the
services as in the product.

    establishment A (CH Valmont): desk group "Centre de services Valmont"
        (level 1, team of A) — agent Alice (member), engineer Bruno (lead)
    the whole GHT: network group "Réseau GHT" (level 2, shared team) — Bruno
    agent Aurélien of A belongs to no team; agent Bérénice works for B only
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

# The CMDB's fixture, shared rather than copied: pytest registers a fixture
# wherever its function is visible in a conftest module.
from caducee.cmdb.tests.conftest import cmdb  # noqa: F401
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.models import AssignmentGroup, SupportLevel, Ticket, TicketKind
from caducee.desk.services.groups import create_group
from caducee.desk.services.tickets import create_ticket
from caducee.org.models import Person, Team


@dataclass
class SmallDesk:
    agent: Any
    engineer: Any
    outsider: Any
    agent_b: Any
    desk_a: AssignmentGroup
    network: AssignmentGroup
    agent_person: Person
    engineer_person: Person


def _person(ght, first: str, last: str, user=None, establishment=None) -> Person:
    return Person.objects.create(
        establishment=establishment or ght.a, first_name=first, last_name=last, user=user
    )


@pytest.fixture
def desk(ght, make_user, admin_user) -> SmallDesk:
    agent = make_user(roles.DESK_AGENT, establishments=[ght.a], username="alice")
    engineer = make_user(roles.SUPPORT_ENGINEER, whole_ght=True, username="bruno")
    outsider = make_user(roles.DESK_AGENT, establishments=[ght.a], username="aurelien")
    agent_b = make_user(roles.DESK_AGENT, establishments=[ght.b], username="berenice")
    with acting_as(admin_user, source="test"):
        agent_person = _person(ght, "Alice", "Roux", agent)
        engineer_person = _person(ght, "Bruno", "Petit", engineer)
        _person(ght, "Aurélien", "Morel", outsider)
        _person(ght, "Bérénice", "Faure", agent_b, ght.b)
        desk_team = Team.objects.create(
            code="desk-valmont", name="Centre de services Valmont", establishment=ght.a
        )
        desk_team.members.set([agent_person])
        desk_team.lead = engineer_person
        desk_team.save()
        network_team = Team.objects.create(code="reseau-ght", name="Réseau GHT")
        network_team.members.set([engineer_person])
    desk_a = create_group(
        AssignmentGroup(team=desk_team, level=SupportLevel.L1, establishment=ght.a),
        actor=admin_user,
    )
    network = create_group(
        AssignmentGroup(team=network_team, level=SupportLevel.L2), actor=admin_user
    )
    return SmallDesk(
        agent, engineer, outsider, agent_b, desk_a, network, agent_person, engineer_person
    )


@pytest.fixture
def new_ticket(ght, desk):
    """new_ticket(actor=desk.agent, items=(), **fields) -> a saved incident of A."""

    def make(actor=None, items=(), **fields) -> Ticket:
        values = {
            "kind": TicketKind.INCIDENT,
            "title": "Le poste ne démarre pas",
            "establishment": ght.a,
            "requester": ght.nurse_a,
        }
        values.update(fields)
        return create_ticket(Ticket(**values), actor=actor or desk.agent, items=items)

    return make
