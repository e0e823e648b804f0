"""The job page in a real browser (Debian's Chromium through Playwright):
while the import waits for its worker the page polls its progress fragment
with htmx; once the worker has run, the bar reaches 100 % and the counts
appear without a reload."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from caducee.cmdb.imports.jobs import run_job
from caducee.cmdb.models import ConfigurationItem
from caducee.core.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def test_page_follows_a_background_import_to_the_end(live_server, browser, ght, make_user):
    engineer = make_user("support_engineer", establishments=[ght.a], username="tech.valmont")
    lines = ["Name;Type;Establishment;Hostname"]
    lines += [f"pc-{n:03d};Workstation;750712184;pc-{n:03d}" for n in range(1, 13)]
    job = ImportJob(
        kind="cmdb.items",
        file_name="pcs.csv",
        options={"dry_run": False, "valid_only": False},
        total_rows=12,
        requested_by=engineer,
    )
    job.file.save("pcs.csv", ContentFile("\n".join(lines).encode()), save=False)
    job.save()

    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "tech.valmont")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/cmdb/import/{job.pk}/")
    assert page.locator("#job-progress h2").inner_text() == "Queued"
    assert page.locator("#job-bar").get_attribute("value") == "0"

    run_job(job.pk)  # the worker
    page.wait_for_selector("#count-created", timeout=10_000)  # swapped in by the poll
    assert page.locator("#job-progress h2").inner_text() == "Done"
    assert page.locator("#job-progress progress").get_attribute("value") == "100"
    assert page.locator("#count-created").inner_text() == "12"
    assert ConfigurationItem.objects.filter(hostname__startswith="pc-").count() == 12
    context.close()
