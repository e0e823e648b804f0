"""The portal's acceptance scenario on a phone, in a real browser (Debian's
Chromium through Playwright, against the live test server, 375 × 740).

A nurse of the intensive care unit signs in and lands on the portal. She
reports a frozen drug-dispensing screen — her unit and place already filled
in from her profile, patients affected now, a photo attached — and finds the
ticket in "My requests". An agent replies (through the desk's service); she
reads the reply on the ticket page. The agent resolves it; she confirms that
it is fixed and rates it 5. No page scrolls sideways, every control is a
44-pixel touch target, every input has its label, headings go in order, and
the Content Security Policy refuses nothing.
"""

import pytest

from caducee.desk.models import Status, Ticket, Urgency, Visibility
from caducee.desk.services import lifecycle
from caducee.desk.services.comments import add_comment
from caducee.portal.models import Satisfaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256

FITS_THE_PHONE = """() => {
  const root = document.documentElement;
  const small = [];
  const controls = document.querySelectorAll(
    "main button, main select, main textarea, main input:not([type=radio]):not([type=hidden]),"
    + " main summary, main .choice, main .request-link, main .big-action, .topbar .btn-small,"
    + " .topbar select, .nav-toggle summary");
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height < 44) small.push(el.outerHTML.slice(0, 80));
  }
  const unlabelled = [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea")].filter((el) => el.labels.length === 0)
    .map((el) => el.name);
  const levels = [...document.querySelectorAll("main h1, main h2, main h3, main h4")]
    .map((h) => Number(h.tagName[1]));
  const skipped = levels.some((level, i) => i > 0 && level > levels[i - 1] + 1) || levels[0] !== 1;
  return {overflow: root.scrollWidth - window.innerWidth, small: small,
          unlabelled: unlabelled, skipped: skipped};
}"""


def fits(page):
    result = page.evaluate(FITS_THE_PHONE)
    assert result["overflow"] <= 0, f"{page.url} scrolls sideways by {result['overflow']} px"
    assert result["small"] == [], f"{page.url}: touch targets under 44 px: {result['small']}"
    assert result["unlabelled"] == [], f"{page.url}: inputs without a label"
    assert not result["skipped"], f"{page.url}: headings out of order"


def test_a_nurse_reports_a_frozen_drug_cabinet_follows_it_and_rates_it(
    live_server, browser, ght, desk, requesters, tmp_path
):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    base = live_server.url

    # She signs in and lands on the portal, in French.
    page.goto(f"{base}/login/")
    page.fill("#id_username", "claire")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/portal/")
    assert page.locator("html").get_attribute("lang") == "fr"
    fits(page)

    # The report: what is wrong, where (pre-filled), patients affected, a photo.
    page.click(".big-action-primary")
    page.wait_for_url(f"{base}/portal/report/")
    fits(page)
    assert page.input_value("#id_care_unit") == str(ght.icu_a.pk)
    assert page.input_value("#id_location") == str(ght.room_a.pk)
    page.fill("#id_title", "L'écran de l'armoire à pharmacie est figé")
    page.fill("#id_details", "Plus rien ne répond depuis la distribution de 8 h.")
    page.check("#id_patients_0")  # yes, now
    photo = tmp_path / "armoire.png"
    photo.write_bytes(PNG)
    page.set_input_files("#id_files", str(photo))
    page.click("#report-send")
    page.wait_for_url("**/portal/tickets/*/")
    ticket = Ticket.objects.get()
    assert ticket.requester == ght.nurse_a and ticket.urgency == Urgency.CRITICAL
    assert ticket.care_unit == ght.icu_a
    assert "armoire.png" in page.locator("#conversation").inner_text()
    fits(page)

    # "My requests" lists it.
    page.goto(f"{base}/portal/tickets/")
    assert ticket.number in page.locator("#requests").inner_text()
    fits(page)

    # An agent replies; she reads it.
    add_comment(
        ticket,
        actor=desk.agent,
        body="Bonjour, je redémarre l'armoire à distance.",
        visibility=Visibility.PUBLIC,
    )
    page.click(f"a[href='/portal/tickets/{ticket.pk}/']")
    page.wait_for_url(f"**/portal/tickets/{ticket.pk}/")
    assert "je redémarre l'armoire à distance" in page.locator("#conversation").inner_text()

    # The agent resolves it; she confirms, then rates it 5.
    ticket = lifecycle.assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)
    lifecycle.resolve(ticket, actor=desk.agent, code="fixed", notes="Armoire redémarrée.")
    page.reload()
    assert page.locator("#ticket-status").get_attribute("data-status") == Status.RESOLVED
    fits(page)
    page.click("#confirm-resolution")
    page.wait_for_url("**#satisfaction")
    assert page.locator("#ticket-status").get_attribute("data-status") == Status.CLOSED
    fits(page)
    page.click("label[for='rate_score_4']")  # the fifth choice: 5
    page.fill("#rate_comment", "Réglé en dix minutes, merci !")
    page.click("#rate-send")
    page.locator("#satisfaction-given").wait_for()
    fits(page)
    rating = Satisfaction.objects.get(ticket=ticket)
    assert (rating.score, rating.rated_by) == (5, requesters.nurse)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert refused == []
    context.close()
