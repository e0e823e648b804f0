"""SLA policies and OLAs in the browser, as a desk agent reads them and a DSI
manager keeps them — lists scoped, a policy's page, forms refused with each
error beside its input, deletion refused while clocks refer to a policy —
and the SLA timers beside a ticket, in colour."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from caducee.core.panels import panels_for
from caducee.desk.models import Status, Ticket
from caducee.sla.models import ClockKind, ClockState, OperationalTarget, SlaClock, SlaPolicy
from caducee.sla.panels import ticket_timers
from caducee.sla.services.policies import create_policy
from caducee.sla.tests.sla_data import paris, restart_at, set_state
from caducee.sla.tests.test_views import field_errors

pytestmark = pytest.mark.django_db

LIST = reverse("sla:slapolicy_list")
ADD = reverse("sla:slapolicy_add")
OLA_LIST = reverse("sla:operationaltarget_list")
OLA_ADD = reverse("sla:operationaltarget_add")


def policy_post(policies, **values) -> dict[str, str]:
    data = {
        "name": "Imagerie 24/7",
        "position": "15",
        "is_active": "on",
        "kind": "incident",
        "priority": "",
        "category": "",
        "establishment": "",
        "calendar": str(policies.always.pk),
        "response_minutes": "20",
        "resolution_minutes": "120",
        "warning_percent": "80",
        "on_warning": "notify",
        "on_breach": "manager",
    }
    data.update({k: str(v) for k, v in values.items()})
    return data


def test_agents_read_the_policies_of_their_scope(client, policies, agent_a, admin_user, ght):
    create_policy(
        SlaPolicy(
            name="Urgences 3R",
            position=1,
            establishment=ght.b,
            calendar=policies.calendars.urgences_b,
            resolution_minutes=60,
        ),
        actor=admin_user,
    )
    client.force_login(agent_a)
    html = client.get(LIST).content.decode()
    assert "P1 incidents" in html and "Requests" in html
    assert "Urgences 3R" not in html
    assert "P1 incidents" in client.get(LIST, {"kind": "incident"}).content.decode()
    assert "Requests" not in client.get(LIST, {"kind": "incident"}).content.decode()
    page = client.get(policies.p1.get_absolute_url())
    assert page.status_code == 200 and "Clocks running" in page.content.decode()
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, policy_post(policies)).status_code == 403


def test_a_manager_creates_a_policy_and_errors_show_beside_their_field(
    client, policies, manager_ght
):
    client.force_login(manager_ght)
    response = client.post(ADD, policy_post(policies, response_minutes=600))
    assert response.status_code == 400
    errors = field_errors(response.content.decode(), "response_minutes")
    assert errors and "resolution" in errors[0]
    assert not SlaPolicy.objects.filter(name="Imagerie 24/7").exists()

    response = client.post(ADD, policy_post(policies))
    policy = SlaPolicy.objects.get(name="Imagerie 24/7")
    assert response.status_code == 302 and response["Location"] == policy.get_absolute_url()
    assert policy.warning_percent == 80 and policy.calendar == policies.always

    edit = reverse("sla:slapolicy_edit", args=[policy.pk])
    response = client.post(edit, policy_post(policies, resolution_minutes=""))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.resolution_minutes is None and policy.response_minutes == 20


def test_a_policy_in_use_is_not_deleted(client, policies, manager_ght, new_ticket):
    new_ticket()  # P2: its clocks refer to the P2 policy
    client.force_login(manager_ght)
    response = client.post(reverse("sla:slapolicy_delete", args=[policies.p2.pk]))
    assert response.status_code == 409
    assert SlaPolicy.objects.filter(pk=policies.p2.pk).exists()
    response = client.post(reverse("sla:slapolicy_delete", args=[policies.requests.pk]))
    assert response.status_code == 302
    assert not SlaPolicy.objects.filter(pk=policies.requests.pk).exists()


def test_olas_are_listed_created_and_refused_field_by_field(client, policies, desk, manager_ght):
    client.force_login(manager_ght)
    assert "Centre de services Valmont" in client.get(OLA_LIST).content.decode()
    data = {
        "assignment_group": str(desk.network.pk),
        "priority": "1",
        "calendar": str(policies.always.pk),
        "resolution_minutes": "0",
        "warning_percent": "75",
        "is_active": "on",
    }
    response = client.post(OLA_ADD, data)
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "resolution_minutes")
    response = client.post(OLA_ADD, {**data, "resolution_minutes": "45"})
    assert response.status_code == 302
    ola = OperationalTarget.objects.get(assignment_group=desk.network)
    assert ola.priority == 1 and ola.resolution_minutes == 45
    page = client.get(ola.get_absolute_url()).content.decode()
    assert "45 min" in page


# --- The ticket's timers ---------------------------------------------------------------
def colours(ticket, now) -> dict[str, str]:
    return {t.clock.kind: t.colour for t in ticket_timers(ticket, now=now)}


def test_timers_are_coloured_by_how_close_the_deadline_is(policies, new_ticket):
    ticket = new_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(priority=4)
    ticket = restart_at(ticket, paris(2026, 3, 2, 9))  # response due 11:00, warning 10:30
    assert colours(ticket, paris(2026, 3, 2, 10)) == {"response": "green", "resolution": "green"}
    assert colours(ticket, paris(2026, 3, 2, 10, 40))["response"] == "amber"
    assert colours(ticket, paris(2026, 3, 2, 11, 5))["response"] == "red"

    ticket = set_state(ticket, paris(2026, 3, 2, 10), status=Status.WAITING_REQUESTER)
    timers = ticket_timers(ticket, now=paris(2026, 3, 2, 12))
    assert {t.colour for t in timers} == {"grey"}
    resolution = next(t for t in timers if t.clock.kind == ClockKind.RESOLUTION)
    assert resolution.remaining == "15 h left"

    ticket = set_state(
        ticket,
        paris(2026, 3, 2, 11),
        status=Status.RESOLVED,
        resolved_at=paris(2026, 3, 2, 11),
    )
    timers = {t.clock.kind: t for t in ticket_timers(ticket, now=paris(2026, 3, 2, 12))}
    assert timers["resolution"].colour == "grey" and timers["resolution"].label == "Met"
    assert timers["response"].label == "Met"  # 1 h counted: the wait did not count

    SlaClock.objects.filter(ticket=ticket, kind=ClockKind.RESPONSE).update(
        met=False, elapsed=3 * 3600
    )
    timers = {t.clock.kind: t for t in ticket_timers(ticket, now=paris(2026, 3, 2, 12))}
    assert timers["response"].colour == "red" and timers["response"].label == "Missed"
    assert timers["response"].remaining == "late by 1 h"
    assert SlaClock.objects.get(ticket=ticket, kind="response").state == ClockState.STOPPED


def test_the_panel_is_on_the_ticket_page_for_those_who_may_see_it(
    policies, new_ticket, agent_a, agent_b
):
    ticket = new_ticket()
    request = RequestFactory().get("/")
    request.user = agent_a
    [panel] = [p for p in panels_for(ticket, request) if p["template"].startswith("sla/")]
    assert panel["template"] == "sla/panels/ticket_clocks.html"
    assert len(panel["context"]["timers"]) == 2
    from django.template.loader import render_to_string

    html = render_to_string(panel["template"], {"panel": panel["context"]})
    assert html.count('data-colour="green"') == 2 and "First response" in html
    request.user = agent_b
    assert not [p for p in panels_for(ticket, request) if p["template"].startswith("sla/")]
