"""A level-1 agent in a real browser (Debian's Chromium through Playwright,
against the live test server): find the core switch with the item list's
search, open its impact tab, and read that the intensive care unit it
reaches is life-critical — in the list and in the graph."""

import pytest

from caducee.core import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def agent(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a], username="agent.valmont")


def sign_in(page, base_url):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", "agent.valmont")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_agent_finds_the_core_switch_and_sees_the_life_critical_unit_it_reaches(
    live_server, browser, cmdb, agent
):
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []  # what the Content Security Policy blocked (inline script or style)
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/cmdb/configurationitems/")
    page.fill("#id_q", "sw-core")
    page.locator("form button[type=submit]", has_text="Filter").click()
    results = page.locator("#results")
    results.get_by_role("link", name="sw-core-a", exact=True).click()
    page.wait_for_url(live_server.url + cmdb.core.get_absolute_url())

    page.locator("nav.tabs a", has_text="Impact").click()
    page.wait_for_url("**/impact/")
    assert page.get_by_role("alert").inner_text().startswith("Patient safety:")

    icu = page.locator("#impact-units tr", has_text="Réanimation")
    assert icu.is_visible()
    assert icu.get_attribute("class") == "impact-life-critical"
    assert icu.locator(".badge").inner_text() == "Life-critical"
    ward = page.locator("#impact-units tr", has_text="Médecine interne")
    assert ward.locator(".badge").inner_text() == "High"
    # Life-critical units come first.
    rows = page.locator("#impact-units tbody tr")
    assert "Réanimation" in rows.nth(0).inner_text()

    graph = page.get_by_role("img", name="Impact of sw-core-a going down")
    assert graph.is_visible()
    unit_node = graph.locator("g.impact-crit-4", has_text="Réanimation")
    assert unit_node.is_visible()
    assert "Life-critical" in unit_node.text_content()
    assert refused == []
    context.close()
