"""``core.services.scoping.sees`` (tested here for the desk's personas):
the in-memory answer for one record must be the one ``restrict`` gives, for
every kind of scope (a model scoped by its own id, by a direct
establishment, through other tables, or by its own rule) and for accounts of
one establishment, of the whole GHT and without the role."""

from __future__ import annotations

import pytest

from caducee.core import roles
from caducee.core.services.scoping import restrict, sees
from caducee.desk.models import Ticket
from caducee.org.models import CareUnit, Establishment, Person, Room

pytestmark = pytest.mark.django_db


def test_sees_agrees_with_restrict_record_by_record(ght, desk, new_ticket, make_user):
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    new_ticket()
    new_ticket(actor=desk.agent_b, establishment=ght.b, requester=ght.clerk_b)
    users = [desk.agent, desk.agent_b, desk.engineer, requester]
    checked = 0
    for model in (Establishment, Person, CareUnit, Room, Ticket):
        records = list(model.objects.all()[:40])
        assert records, model
        for user in users:
            kept = set(restrict(model.objects.all(), user).values_list("pk", flat=True))
            for record in records:
                assert sees(user, record) == (record.pk in kept), (model, user, record)
                checked += 1
    # Both answers occur: someone sees a record another does not.
    assert not sees(desk.agent, ght.b) and sees(desk.agent_b, ght.b) and sees(desk.engineer, ght.b)
    assert checked >= 60
