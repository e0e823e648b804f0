"""The requester's card and similar tickets: what an agent sees beside a
ticket, within their scope; and the phone number rules of the caller search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caducee.core.context import acting_as
from caducee.desk.models import Category, Status, Ticket
from caducee.desk.services.requester import (
    default_item_ids,
    looks_like_phone,
    normalise_phone,
    person_for,
    requester_card,
    search_items,
    search_people,
    similar_tickets,
)
from caducee.desk.services.tickets import cancel
from caducee.org.models import Person


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("01 02 03 04 05", "0102030405"), ("01.02.03.04.05", "0102030405"), ("+33 1 02", "33102")],
)
def test_phone_numbers_are_typed_in_many_ways(typed, digits):
    assert normalise_phone(typed) == digits and looks_like_phone(typed)


@pytest.mark.parametrize("typed", ["Martin", "4", "01 Martin", ""])
def test_names_are_not_phone_numbers(typed):
    assert not looks_like_phone(typed)


@pytest.mark.django_db
def test_a_number_stored_with_dots_is_found_by_its_end(ght, desk, admin_user):
    with acting_as(admin_user):
        Person.objects.create(
            establishment=ght.a, first_name="Jean", last_name="Dot", mobile="06.12.34.56.78"
        )
    found = search_people("5678", user=desk.agent)
    assert [p.last_name for p in found] == ["Dot"]
    assert search_people("+33 6 12 34 56 78", user=desk.agent)[0].last_name == "Dot"
    assert search_people("5678", user=desk.agent_b) == []


@pytest.mark.django_db
def test_the_card_shows_unit_equipment_manager_and_other_open_tickets(
    ght, desk, cmdb, new_ticket, admin_user
):
    with acting_as(admin_user):
        ght.nurse_a.manager = ght.doctor_a
        ght.nurse_a.save()
    current = new_ticket(title="Écran noir")
    other = new_ticket(title="Badge refusé")
    closed = new_ticket(title="Ancien")
    cancel(closed, actor=desk.agent, reason="Doublon")
    person = person_for(desk.agent, ght.nurse_a.pk)
    card = requester_card(person, user=desk.agent, exclude_ticket=current.pk)
    assert [u.name for u in card.care_units] == ["Réanimation"]
    assert card.room == ght.room_a and card.phone == "0102030405"
    assert card.manager == ght.doctor_a
    assert {i.name for i in card.equipment} == {"pc-rea-01", "dect-rea-01"}
    assert [t.pk for t in card.open_tickets] == [other.pk] and card.open_count == 1
    # Another establishment's agent does not see the person at all.
    assert person_for(desk.agent_b, ght.nurse_a.pk) is None


@pytest.mark.django_db
def test_similar_tickets_share_an_item_or_category_and_unit(
    ght, desk, cmdb, new_ticket, admin_user
):
    with acting_as(admin_user):
        printing = Category.objects.create(kind="incident", name="Impression")
    ticket = new_ticket(items=[cmdb.ehr], category=printing, care_unit=ght.icu_a)
    same_item = new_ticket(items=[cmdb.ehr], title="DPI lent")
    same_place = new_ticket(category=printing, care_unit=ght.icu_a, title="Bac vide")
    new_ticket(category=printing, care_unit=ght.ward_a, title="Autre unité")
    old = new_ticket(items=[cmdb.ehr], title="Il y a deux mois")
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    done = new_ticket(items=[cmdb.ehr], title="Annulé")
    cancel(done, actor=desk.agent, reason="Erreur")
    found = {t.pk for t in similar_tickets(ticket, user=desk.agent)}
    assert found == {same_item.pk, same_place.pk}
    assert all(t.status in {Status.NEW} for t in similar_tickets(ticket, user=desk.agent))
    assert similar_tickets(ticket, user=desk.agent_b) == []


@pytest.mark.django_db
def test_the_callers_items_and_the_item_search(ght, desk, cmdb):
    ids = set(default_item_ids(ght.nurse_a, None, user=desk.agent))
    assert {cmdb.workstation.pk, cmdb.phone.pk, cmdb.printer.pk, cmdb.ehr.pk, cmdb.ecg.pk} <= ids
    assert cmdb.core.pk not in ids
    assert default_item_ids(ght.nurse_a, None, user=desk.agent_b) == []  # A's items
    assert [i.name for i in search_items("pc-rea", user=desk.agent)] == ["pc-rea-01"]
    assert search_items("p", user=desk.agent) == []  # two characters at least
    assert [i.name for i in search_items("DPI", user=desk.agent, among=ids)] == ["DPI"]
