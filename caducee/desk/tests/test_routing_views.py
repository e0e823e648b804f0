"""Routing rules in the browser: the list in the order rules are tried, each
rule's conditions in words; agents read it, administrators and DSI managers
write, reorder and delete rules; a rule out of scope is a 404; bad input is
answered beside the field; an agent routes a ticket again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.models import Category, RoutingRule, Status, Ticket, TicketKind
from caducee.desk.services.routing import create_rule

pytestmark = pytest.mark.django_db

LIST = reverse("desk:routingrule_list")
ADD = reverse("desk:routingrule_add")


def url(name: str, *args) -> str:
    return reverse(f"desk:routingrule_{name}", args=args)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def rules(desk, admin_user, ght):
    """Three rules: printers → network (10), B's tickets → network (20), any → desk (30)."""

    def make(name, position, group, **fields):
        return create_rule(
            RoutingRule(name=name, position=position, assignment_group=group, **fields),
            actor=admin_user,
        )

    return [
        make("Imprimantes", 10, desk.network, ci_type="printer"),
        make("Tout 3R", 20, desk.network, establishment=ght.b),
        make("Le reste", 30, desk.desk_a, establishment=ght.a),
    ]


def order() -> list[str]:
    return list(RoutingRule.objects.order_by("position", "pk").values_list("name", flat=True))


def rule_data(**values) -> dict:
    data = {"name": "Nouvelle règle", "position": "5", "is_active": "on"}
    data.update(values)
    return data


def test_agents_read_the_rules_in_order_and_in_words(client, desk, rules):
    response = login(client, desk.agent).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Imprimantes") < html.index("Le reste")
    assert "an item of type Printer" in html
    assert url("move", rules[0].pk, "down") not in html  # no reordering for agents
    assert ADD not in html
    page = client.get(url("detail", rules[0].pk)).content.decode()
    assert "an item of type Printer" in page and url("edit", rules[0].pk) not in page


def test_agents_cannot_write_rules(client, desk, rules):
    login(client, desk.agent)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, rule_data(assignment_group=desk.desk_a.pk)).status_code == 403
    assert client.get(url("edit", rules[0].pk)).status_code == 404
    assert client.post(url("delete", rules[0].pk)).status_code == 404
    assert client.post(url("move", rules[0].pk, "down")).status_code == 404
    assert order() == ["Imprimantes", "Tout 3R", "Le reste"]


def test_an_administrator_writes_a_rule_on_a_typed_item(client, admin_user, desk, cmdb, ght):
    response = login(client, admin_user).post(
        ADD,
        rule_data(
            kind=TicketKind.INCIDENT,
            configuration_item=f"#{cmdb.ecg.pk}",
            establishment=ght.a.pk,
            priority="2",
            assignment_group=desk.desk_a.pk,
        ),
    )
    rule = RoutingRule.objects.get(name="Nouvelle règle")
    assert response.status_code == 302 and response["Location"] == url("detail", rule.pk)
    assert (rule.configuration_item, rule.priority, rule.kind) == (cmdb.ecg, 2, "incident")
    page = client.get(url("detail", rule.pk)).content.decode()
    assert "P2" in page and "or higher" in page
    form = client.get(url("edit", rule.pk)).content.decode()
    assert f"{cmdb.ecg.name} (#{cmdb.ecg.pk})" in form


def test_bad_rules_are_answered_beside_the_field(client, admin_user, desk, ght):
    with acting_as(admin_user, source="test"):
        request_category = Category.objects.create(kind=TicketKind.REQUEST, name="Accès")
    login(client, admin_user)
    response = client.post(
        ADD,
        rule_data(
            kind=TicketKind.INCIDENT,
            category=request_category.pk,
            assignment_group=desk.desk_a.pk,
        ),
    )
    assert response.status_code == 400
    assert "category" in response.context["form"].errors
    response = client.post(ADD, rule_data(establishment=ght.b.pk, assignment_group=desk.desk_a.pk))
    assert response.status_code == 400
    assert "assignment_group" in response.context["form"].errors
    response = client.post(ADD, rule_data(configuration_item="no-such-item"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "configuration_item" in errors and "assignment_group" in errors
    assert not RoutingRule.objects.filter(name="Nouvelle règle").exists()


def test_moving_rules_up_and_down(client, admin_user, rules):
    login(client, admin_user)
    html = client.get(LIST).content.decode()
    assert url("move", rules[2].pk, "up") in html
    response = client.post(url("move", rules[2].pk, "up"))
    assert response.status_code == 302 and response["Location"] == LIST
    assert order() == ["Imprimantes", "Le reste", "Tout 3R"]
    client.post(url("move", rules[0].pk, "down"))
    assert order() == ["Le reste", "Imprimantes", "Tout 3R"]
    assert client.get(url("move", rules[0].pk, "down")).status_code == 405


def test_deleting_a_rule(client, admin_user, rules):
    response = login(client, admin_user).post(url("delete", rules[1].pk))
    assert response.status_code == 302
    assert order() == ["Imprimantes", "Le reste"]


def test_a_dsi_manager_of_one_hospital_keeps_its_own_rules(client, make_user, ght, rules):
    manager = make_user(roles.DSI_MANAGER, establishments=[ght.a])
    login(client, manager)
    assert client.get(url("detail", rules[1].pk)).status_code == 404  # B's rule
    assert client.get(url("edit", rules[1].pk)).status_code == 404
    assert client.get(url("edit", rules[0].pk)).status_code == 403  # whole GHT: read only
    assert client.get(url("edit", rules[2].pk)).status_code == 200
    html = client.get(LIST).content.decode()
    assert "Tout 3R" not in html and "Imprimantes" in html


def test_an_agent_routes_a_ticket_again(client, desk, new_ticket, rules, cmdb):
    ticket = new_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.NEW, assignment_group=None)
    ticket.configuration_items.set([cmdb.printer])
    response = login(client, desk.agent).post(reverse("desk:ticket_reroute", args=[ticket.pk]))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignment_group) == (Status.ASSIGNED, desk.network)
    # Out of scope: not found.
    login(client, desk.agent_b)
    assert client.post(reverse("desk:ticket_reroute", args=[ticket.pk])).status_code == 404
