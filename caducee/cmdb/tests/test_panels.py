"""The person page shows, in one screen, the person's equipment and
applications, contributed by the CMDB through ``core.panels`` (org does not
import cmdb): the nurse's workstation, DECT phone, the printer in her room,
the EHR of her unit, her manager — and nothing of B for an A-only agent."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from caducee.cmdb.models import RelationKind
from caducee.cmdb.tests.conftest import make_item, relate
from caducee.cmdb.tests.contract_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.types import CIType
from caducee.core.panels import panels_for, register_panel, unregister_panel

pytestmark = pytest.mark.django_db


def panel_html(html: str) -> str:
    match = re.search(
        r'<section class="card panel" id="panel-person-equipment">(.*?)</section>', html, re.S
    )
    assert match, "the equipment panel is on the page"
    return match.group(1)


def test_person_page_shows_equipment_and_applications(client, ght, cmdb, agent_a, admin_user):
    make_item(admin_user, "pc-b-pret", CIType.WORKSTATION, ght.b, assigned_to=ght.nurse_a)
    app_b = make_item(admin_user, "LABO-B", CIType.APPLICATION, ght.b)
    relate(admin_user, app_b, RelationKind.USED_BY, care_unit=ght.icu_a)
    client.force_login(agent_a)
    response = client.get(reverse("org:person_detail", args=[ght.nurse_a.pk]))
    assert response.status_code == 200
    panel = panel_html(response.content.decode())
    assert "Equipment and applications" in response.content.decode()
    for name in ("pc-rea-01", "dect-rea-01", "4101", "prn-rea-01", "DPI", "Réanimation"):
        assert name in panel, name
    assert "Printers in their room" in panel
    assert "pc-b-pret" not in panel and "LABO-B" not in panel

    client.force_login(admin_user)
    panel = panel_html(
        client.get(reverse("org:person_detail", args=[ght.nurse_a.pk])).content.decode()
    )
    assert "pc-b-pret" in panel and "LABO-B" in panel


def test_panel_hidden_from_users_who_may_not_read_the_cmdb(client, ght, cmdb, django_user_model):
    group = Group.objects.create(name="org readers")
    group.permissions.set(Permission.objects.filter(codename="view_person"))
    user = django_user_model.objects.create_user("reader", all_establishments=True)
    user.groups.add(group)
    client.force_login(user)
    html = client.get(reverse("org:person_detail", args=[ght.nurse_a.pk])).content.decode()
    assert "Claire" in html
    assert "panel-person-equipment" not in html and "pc-rea-01" not in html


def test_person_without_equipment(client, ght, cmdb, agent_a):
    client.force_login(agent_a)
    html = client.get(reverse("org:person_detail", args=[ght.doctor_a.pk])).content.decode()
    panel = panel_html(html)
    assert "No workstation assigned." in panel and "No location recorded." in panel
    assert "DPI" in panel  # both his units use the EHR


def test_registry_orders_panels_and_skips_none(rf, ght, admin_user):
    def second(obj, request):
        return {"title": "Second", "template": "x.html", "context": {}}

    def first(obj, request):
        return {"title": "First", "template": "x.html", "context": {"n": 1}}

    def hidden(obj, request):
        return None

    request = rf.get("/")
    request.user = admin_user
    try:
        register_panel("org.careunit", second, order=20)
        register_panel("org.careunit", first, order=5)
        register_panel("org.careunit", hidden, order=1)
        register_panel("org.careunit", first, order=5)  # again: replaced, not doubled
        shown = panels_for(ght.icu_a, request)
        assert [p["title"] for p in shown] == ["First", "Second"]
        assert shown[0]["context"] == {"n": 1}
        assert panels_for(ght.a, request) == []  # another model: none
    finally:
        for builder in (first, second, hidden):
            unregister_panel("org.careunit", builder)
