"""Assignment groups in the browser: agents read them (members, manager,
level, method, next level, open tickets), administrators and DSI managers
keep them, a group outside one's scope is a 404, and bad input is answered
beside the field."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.desk.models import AssignmentGroup, SupportLevel
from caducee.desk.services.groups import create_group, update_group
from caducee.org.models import Team

pytestmark = pytest.mark.django_db

LIST = reverse("desk:assignmentgroup_list")
ADD = reverse("desk:assignmentgroup_add")


def detail(group) -> str:
    return reverse("desk:assignmentgroup_detail", args=[group.pk])


def edit(group) -> str:
    return reverse("desk:assignmentgroup_edit", args=[group.pk])


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def dsi_a(make_user, ght):
    return make_user(roles.DSI_MANAGER, establishments=[ght.a])


@pytest.fixture
def team_b(ght, admin_user):
    with acting_as(admin_user, source="test"):
        return Team.objects.create(code="sys-3r", name="Systèmes 3R", establishment=ght.b)


def form_data(group=None, **values) -> dict:
    data = {
        "team": "",
        "level": SupportLevel.L2,
        "establishment": "",
        "manager": "",
        "assignment_method": "round_robin",
        "escalates_to": "",
        "is_active": "on",
    }
    if group is not None:
        data.update(
            team=group.team_id,
            level=group.level,
            establishment=group.establishment_id or "",
            manager=group.manager_id or "",
            assignment_method=group.assignment_method,
            escalates_to=group.escalates_to_id or "",
        )
    data.update({k: ("" if v is None else v) for k, v in values.items()})
    return data


def test_agents_read_the_groups_with_their_open_tickets(client, desk, new_ticket):
    new_ticket(assignment_group=desk.desk_a)
    html = login(client, desk.agent).get(LIST).content.decode()
    assert "Centre de services Valmont" in html and "Réseau GHT" in html
    assert ADD not in html  # no "Add" for agents
    page = client.get(detail(desk.desk_a))
    assert page.status_code == 200
    assert page.context["open_tickets"] == 1
    html = page.content.decode()
    assert "Alice ROUX" in html and "Bruno PETIT" in html  # member and team lead
    assert edit(desk.desk_a) not in html


def test_a_groups_page_names_its_next_level_and_its_manager(client, desk, admin_user):
    group = AssignmentGroup.objects.get(pk=desk.desk_a.pk)
    group.escalates_to = desk.network
    group.manager = desk.engineer
    update_group(group, actor=admin_user)
    html = login(client, desk.agent).get(detail(group)).content.decode()
    assert detail(desk.network) in html
    assert str(desk.engineer) in html
    back = client.get(detail(desk.network)).content.decode()
    assert "Escalated from" in back and detail(group) in back


def test_agents_cannot_change_groups(client, desk):
    login(client, desk.agent)
    assert client.get(ADD).status_code == 403
    assert client.get(edit(desk.desk_a)).status_code == 404  # not in their "change" scope
    assert client.post(ADD, form_data(team=desk.desk_a.team_id)).status_code == 403


def test_an_administrator_creates_a_group(client, admin_user, ght, team_b, desk):
    form = login(client, admin_user).get(ADD)
    assert form.status_code == 200 and "Systèmes 3R" in form.content.decode()
    response = client.post(
        ADD,
        form_data(
            team=team_b.pk,
            establishment=ght.b.pk,
            auto_assign="on",
            assignment_method="least_loaded",
        ),
    )
    group = AssignmentGroup.objects.get(team=team_b)
    assert response.status_code == 302 and response["Location"] == detail(group)
    assert (group.auto_assign, group.assignment_method) == (True, "least_loaded")
    assert AuditEvent.objects.filter(
        object_type="desk.assignmentgroup", object_id=str(group.pk), action="create"
    ).exists()


def test_bad_input_is_answered_beside_the_field(client, admin_user, ght, team_b, desk):
    login(client, admin_user)
    response = client.post(ADD, form_data(team=team_b.pk, establishment=ght.a.pk))
    assert response.status_code == 400
    assert "establishment" in response.context["form"].errors
    response = client.post(edit(desk.desk_a), form_data(desk.desk_a, escalates_to=desk.desk_a.pk))
    assert response.status_code == 400
    assert "escalates_to" in response.context["form"].errors
    response = client.post(ADD, form_data(team=team_b.pk, establishment=ght.b.pk, level="l9"))
    assert response.status_code == 400
    assert "level" in response.context["form"].errors
    assert not AssignmentGroup.objects.filter(team=team_b).exists()


def test_a_dsi_manager_of_one_hospital_keeps_its_groups_only(client, dsi_a, desk):
    login(client, dsi_a)
    response = client.post(edit(desk.desk_a), form_data(desk.desk_a, auto_assign="on"))
    assert response.status_code == 302
    assert AssignmentGroup.objects.get(pk=desk.desk_a.pk).auto_assign
    # The GHT's shared group is read, not changed, from one hospital.
    assert client.get(detail(desk.network)).status_code == 200
    assert edit(desk.network) not in client.get(detail(desk.network)).content.decode()
    assert client.get(edit(desk.network)).status_code == 403


def test_groups_of_another_establishment_are_not_found(client, desk):
    login(client, desk.agent_b)
    assert client.get(detail(desk.desk_a)).status_code == 404
    assert client.get(detail(desk.network)).status_code == 200
    html = client.get(LIST).content.decode()
    assert "Centre de services Valmont" not in html and "Réseau GHT" in html


def test_groups_are_retired_not_deleted(desk):
    with pytest.raises(NoReverseMatch):
        reverse("desk:assignmentgroup_delete", args=[desk.desk_a.pk])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_more_groups(client, desk, admin_user, ght):
    login(client, admin_user)
    client.get(LIST)  # warm the session and permission caches
    before = _queries(client, LIST)
    with acting_as(admin_user, source="test"):
        teams = [Team.objects.create(code=f"t{n}", name=f"Équipe {n}") for n in range(5)]
    for team in teams:
        group = AssignmentGroup(team=team, manager=desk.engineer, escalates_to=desk.network)
        create_group(group, actor=admin_user)
    assert _queries(client, LIST) == before
