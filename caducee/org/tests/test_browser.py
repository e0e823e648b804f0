"""A desk agent's round trip in a real browser (Debian's Chromium through
Playwright, against the live test server): sign in, find a care unit's
staff, correct a phone number, read the change in the History tab; and the
list stays usable on a phone-sized screen."""

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


def test_agent_corrects_a_phone_number_and_sees_it_in_history(live_server, browser, ght, agent):
    context = browser.new_context(locale="en-GB")
    # The interface is French first; this agent chose English (language cookie).
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url)

    page.goto(live_server.url + ght.icu_a.get_absolute_url())
    people = page.locator("main section.card", has_text="People")
    assert people.get_by_role("link", name="Martin", exact=True).is_visible()
    assert people.get_by_role("link", name="Durand", exact=True).is_visible()

    people.get_by_role("link", name="Martin", exact=True).click()
    page.wait_for_url(live_server.url + ght.nurse_a.get_absolute_url())
    page.locator(".page-head .actions a", has_text="Edit").click()
    page.wait_for_url("**/edit/")
    assert page.input_value("#id_phone") == "0102030405"
    page.fill("#id_phone", "0611223344")
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + ght.nurse_a.get_absolute_url())
    assert page.locator(".messages").is_visible()

    page.locator("nav.tabs a", has_text="History").click()
    page.wait_for_url("**/history/")
    change = page.locator("table.table-compact tr", has_text="phone").first
    assert change.inner_text().split() == ["phone", "0102030405", "0611223344"]
    context.close()


def test_person_list_fits_a_phone_screen(live_server, browser, ght, agent):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/org/persons/")
    assert page.get_by_role("link", name="Martin", exact=True).is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    context.close()
