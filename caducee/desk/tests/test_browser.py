"""The desk's acceptance scenario in a real browser (Debian's Chromium
through Playwright, against the live test server).

A level-1 agent takes a phone call: finds the caller (a nurse of the
intensive care unit) by name, opens her card, records the ticket on the
electronic health record — an application the intensive care unit uses —
sees the priority preview say P1, saves, and on the ticket page reads P1
with the resolution timer running on the 24/7 calendar. The agent then
assigns the ticket to the level-2 network group and resolves it. The
Content Security Policy refuses nothing along the way.
"""

import pytest

from caducee.desk.models import Status, Ticket
from caducee.sla.models import ClockKind, ClockState
from caducee.sla.tests.calendar_data import calendars  # noqa: F401 - fixture
from caducee.sla.tests.sla_data import policies  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_a_phone_call_becomes_a_p1_on_the_24_7_calendar_then_level_2_resolves_it(
    live_server,
    browser,
    ght,
    cmdb,
    desk,
    policies,  # noqa: F811 - the imported fixture
    make_user,
):
    assert desk.agent.has_perm("desk.change_ticket")
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    sign_in(page, live_server.url, desk.agent.username)

    # The call: find the caller in a few keystrokes and open her card.
    page.goto(f"{live_server.url}/desk/call/")
    page.fill("#call-search", "Martin")
    page.locator(".call-result", has_text="Claire").first.wait_for()
    page.press("#call-search", "Enter")  # the first result: her card and the form
    page.wait_for_function("() => document.activeElement?.id === 'ticket-title'")
    assert "Réanimation" in page.content()

    # Qualify: the EHR, used by intensive care; the preview says P1.
    page.fill("#ticket-title", "Le DPI ne répond plus en réanimation")
    page.fill("#ticket-items-search", "DPI")
    page.locator(".item-result", has_text="DPI").first.click()
    page.select_option("#ticket-urgency", "1")
    preview = page.locator("#priority-preview-value")
    page.wait_for_function(
        "() => document.querySelector('#priority-preview-value')?.dataset.priority === '1'"
    )
    assert preview.inner_text().strip().startswith("P1")

    page.click("#ticket-save")
    page.wait_for_url("**/desk/tickets/*/")
    ticket = Ticket.objects.get(title="Le DPI ne répond plus en réanimation")
    assert page.locator("#ticket-priority").get_attribute("data-priority") == "1"
    assert ticket.priority == 1 and ticket.requester == ght.nurse_a
    assert list(ticket.configuration_items.all()) == [cmdb.ehr]

    # The SLA timer runs on the 24/7 calendar of the P1 policy.
    timer = page.locator(".sla-timer[data-kind='resolution']")
    assert timer.get_attribute("data-state") == ClockState.RUNNING
    assert timer.get_attribute("data-colour") == "green"
    assert "24/7" in timer.locator(".sla-calendar").inner_text()
    clock = ticket.sla_clocks.get(kind=ClockKind.RESOLUTION)
    assert clock.policy == policies.p1 and clock.calendar == policies.always

    # Assign to the level-2 network group.
    page.click("[data-transition-open='assigned']")
    page.select_option("#transition-assigned-assignment_group", value=str(desk.network.pk))
    page.click("[data-transition='assigned']")
    page.wait_for_function(
        "() => document.querySelector('#ticket-status')?.dataset.status === 'assigned'"
    )
    assert "Réseau GHT" in page.locator("main").inner_text()

    # Resolve it.
    page.click("[data-transition-open='resolved']")
    page.select_option("#transition-resolved-resolution_code", "fixed")
    page.click("[data-transition='resolved']")
    page.wait_for_function(
        "() => document.querySelector('#ticket-status')?.dataset.status === 'resolved'"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.assignment_group == desk.network
    clock.refresh_from_db()
    assert clock.state == ClockState.STOPPED and clock.met is True
    assert refused == []
    context.close()
