"""Import jobs seen from the page and the API: a small file runs at once, a
large one in the background (Huey is immediate in tests) with a progress
bar that the page polls with htmx until 100 %; a preview can be imported
without a second upload; templates download as CSV and XLSX and import back;
a bad file is a 400 next to the file field and makes no job."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from caducee.cmdb.imports.templates import item_rows
from caducee.cmdb.models import ConfigurationItem
from caducee.core.models import ImportJob

pytestmark = pytest.mark.django_db

A = "750712184"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def upload(name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    return file


def workstations(count: int, *, bad_row: int | None = None, extra: str = "") -> bytes:
    lines = [
        "Name;Type;Establishment;Hostname;Operating system family" + (f";{extra}" if extra else "")
    ]
    for n in range(1, count + 1):
        family = "amiga" if n == bad_row else "windows"
        lines.append(f"pc-{n:03d};Workstation;{A};pc-{n:03d};{family}" + (";x" if extra else ""))
    return ("\n".join(lines) + "\n").encode()


def test_preview_then_import_without_second_upload(client, ght, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("cmdb:import"),
        {"kind": "items", "file": upload("pcs.csv", workstations(3, bad_row=2, extra="Mood"))},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cmdb/import/{job.pk}/"
    assert job.status == "done" and job.dry_run and job.total_rows == 3
    assert (job.created_count, job.error_count) == (2, 1)
    assert job.errors == [[3, "Operating system family", job.errors[0][2]]]
    assert not ConfigurationItem.objects.filter(hostname__startswith="pc-").exists()
    assert job.ignored_columns == ["Mood"]  # shown, so a misspelt header is noticed

    page = client.get(response["Location"]).content.decode()
    assert "Columns ignored (not recognised): Mood" in page
    assert "<td>3</td><td>Operating system family</td>" in page
    assert "“amiga” is not one of: windows, linux, macos, other." in page
    assert '<td id="count-created">2</td>' in page and "Import the valid rows" in page

    response = client.post(response["Location"], {"valid_only": "on"})
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/cmdb/import/{real.pk}/"
    assert real.file.name == job.file.name and not real.dry_run and real.valid_only
    assert real.status == "done" and real.created_count == 2 and real.committed
    assert ConfigurationItem.objects.filter(hostname__startswith="pc-").count() == 2
    response = client.post(f"/cmdb/import/{real.pk}/")  # not a preview: nothing to confirm
    assert response.status_code == 400
    assert "Only a finished preview can be imported." in response.content.decode()


def test_nightly_tidy_deletes_old_files_and_fails_stalled_jobs(ght, admin_user):
    import datetime as dt

    from django.utils import timezone

    from caducee.cmdb.imports import submit_import
    from caducee.cmdb.tasks.imports import tidy_import_jobs

    old = submit_import(
        actor=admin_user,
        kind="items",
        name="old.csv",
        data=workstations(1),
        dry_run=True,
        valid_only=False,
    )
    stalled = submit_import(
        actor=admin_user,
        kind="items",
        name="new.csv",
        data=workstations(1),
        dry_run=True,
        valid_only=False,
    )
    long_ago = timezone.now() - dt.timedelta(days=8)
    ImportJob.objects.filter(pk=old.pk).update(created_at=long_ago)
    ImportJob.objects.filter(pk=stalled.pk).update(
        status="running", updated_at=timezone.now() - dt.timedelta(hours=2)
    )
    path = old.file.path
    assert tidy_import_jobs.call_local() == 1
    old.refresh_from_db()
    stalled.refresh_from_db()
    assert not old.file and not Path(path).exists() and old.status == "done"
    assert stalled.status == "failed" and "worker ended" in stalled.message
    assert stalled.file  # recent: kept


@override_settings(CADUCEE_IMPORT_INLINE_ROWS=5, CADUCEE_IMPORT_CHUNK_ROWS=4)
def test_large_file_runs_in_background_and_page_polls_to_100(
    client, ght, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("cmdb:import"),
            {"kind": "items", "file": upload("pcs.csv", workstations(10)), "action": "import"},
        )
    job = ImportJob.objects.get()
    assert job.status == "queued" and len(callbacks) == 1  # enqueued once committed

    # While queued, the page's fragment polls every second and shows 0 %.
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="job-progress"')
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    assert 'value="0"' in fragment and "<html" not in fragment

    callbacks[0]()  # the worker (Huey is immediate in tests)
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100 and job.processed_rows == 10
    assert job.created_count == 10 and job.started_at and job.finished_at
    assert ConfigurationItem.objects.filter(hostname__startswith="pc-").count() == 10

    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment  # finished: polling stops
    assert 'value="100"' in fragment and '<td id="count-created">10</td>' in fragment


@override_settings(CADUCEE_IMPORT_INLINE_ROWS=0, CADUCEE_IMPORT_CHUNK_ROWS=4)
def test_progress_is_saved_chunk_by_chunk(ght, admin_user, monkeypatch):
    from caducee.cmdb.imports import jobs

    seen = []
    real_progress = jobs._progress

    def record(job_id, phase, done):
        real_progress(job_id, phase, done)
        job = ImportJob.objects.get(pk=job_id)
        seen.append((job.phase, job.processed_rows, job.percent))

    monkeypatch.setattr(jobs, "_progress", record)
    job = jobs.submit_import(
        actor=admin_user,
        kind="items",
        name="pcs.csv",
        data=workstations(10),
        dry_run=False,
        valid_only=False,
    )
    jobs.run_job(job.pk)  # outside a test transaction the commit would enqueue it
    assert seen == [
        ("check", 4, 20),
        ("check", 8, 40),
        ("check", 10, 50),
        ("write", 4, 70),
        ("write", 8, 90),
        ("write", 10, 100),
    ]
    job.refresh_from_db()
    assert job.percent == 100 and job.status == "done"
    jobs.run_job(job.pk)  # a second run of the task does nothing
    assert ConfigurationItem.objects.filter(hostname__startswith="pc-").count() == 10


@override_settings(CADUCEE_IMPORT_CHUNK_ROWS=4)
def test_an_unexpected_error_fails_the_job_and_says_what_was_saved(ght, admin_user, monkeypatch):
    from django.db import IntegrityError

    from caducee.cmdb.imports import submit_import
    from caducee.cmdb.imports.items import ItemImporter

    real_write = ItemImporter.write_chunk
    calls = []

    def write_then_break(self, outcomes):
        calls.append(len(outcomes))
        if len(calls) == 2:
            raise IntegrityError("disk full")
        real_write(self, outcomes)

    monkeypatch.setattr(ItemImporter, "write_chunk", write_then_break)
    job = submit_import(
        actor=admin_user,
        kind="items",
        name="p.csv",
        data=workstations(10),
        dry_run=False,
        valid_only=False,
    )
    assert job.status == "failed" and job.committed
    assert "4 rows before them were" in job.message
    assert ConfigurationItem.objects.filter(hostname__startswith="pc-").count() == 4


def test_strict_import_with_errors_fails_and_saves_nothing(client, ght, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("cmdb:import"),
        {
            "kind": "items",
            "file": upload("pcs.csv", workstations(3, bad_row=3)),
            "action": "import",
        },
    )
    job = ImportJob.objects.get()
    assert job.status == "failed" and not job.committed
    assert job.message == "Nothing was saved: 1 row has errors."
    assert not ConfigurationItem.objects.filter(hostname__startswith="pc-").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was saved: 1 row has errors." in page and 'id="job-errors"' in page


def test_page_refuses_bad_files_with_400_and_makes_no_job(client, ght, admin_user, make_user):
    client.force_login(admin_user)
    url = reverse("cmdb:import")
    cases = [
        ({"kind": "items", "file": upload("pcs.txt", b"a;b\n1;2\n")}, "Upload a .csv or .xlsx"),
        ({"kind": "items", "file": upload("pcs.xlsx", b"not a zip")}, "not a readable XLSX"),
        ({"kind": "items", "file": upload("pcs.csv", b"Mood;Sky\nx;y\n")}, "Missing column(s)"),
        ({"kind": "items"}, "Choose a file to import."),
        ({"kind": "spaceships", "file": upload("p.csv", b"x")}, "Unknown kind of import"),
    ]
    for post, message in cases:
        response = client.post(url, post)
        assert response.status_code == 400, message
        assert message in response.content.decode()
    with override_settings(CADUCEE_IMPORT_MAX_BYTES=50):
        response = client.post(url, {"kind": "items", "file": upload("p.csv", workstations(5))})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()

    client.force_login(make_user("service_desk_agent", establishments=[ght.a]))
    assert client.get(url).status_code == 200  # may change items: may import them
    client.force_login(make_user("requester", establishments=[ght.a]))
    assert client.get(url).status_code == 403


def test_jobs_are_their_owners(client, ght, admin_user, make_user):
    client.force_login(admin_user)
    client.post(reverse("cmdb:import"), {"kind": "items", "file": upload("p.csv", workstations(1))})
    job = ImportJob.objects.get()
    client.force_login(make_user("dsi_manager", establishments=[ght.a]))
    assert client.get(reverse("cmdb:import_job", args=[job.pk])).status_code == 404
    assert client.get(f"/api/cmdb/imports/{job.pk}/").status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_download_and_import_back(client, ght, admin_user, file_format):
    client.force_login(admin_user)
    response = client.get(reverse("cmdb:import"), {"template": "items", "format": file_format})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="caducee-items.{file_format}"'
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    assert rows[0] == item_rows(admin_user)[0] and len(rows) == 11  # one example per type
    response = client.post(
        reverse("cmdb:import"),
        {"kind": "items", "file": upload(f"t.{file_format}", response.content)},
    )
    job = ImportJob.objects.get()
    # Every example previews cleanly: all ten would be created.
    assert (job.created_count, job.error_count) == (10, 0), job.errors
    relations = client.get(reverse("cmdb:import"), {"template": "relations", "format": file_format})
    assert relations.status_code == 200


# --- The API ------------------------------------------------------------------------
def test_api_starts_a_job_and_reports_it(client, ght, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/api/cmdb/imports/",
        {"kind": "items", "file": upload("pcs.csv", workstations(3, bad_row=2)), "dry_run": "true"},
    )
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "items" and body["dry_run"] and body["status"] == "done"
    job_id = body["id"]
    detail = client.get(f"/api/cmdb/imports/{job_id}/").json()
    assert detail["percent"] == 100 and detail["total_rows"] == 3
    assert detail["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "errors": 1}
    assert detail["errors"][0]["row"] == 3
    assert detail["errors"][0]["column"] == "Operating system family"
    assert detail["page"].endswith(f"/cmdb/import/{job_id}/")
    assert not ConfigurationItem.objects.filter(hostname__startswith="pc-").exists()

    response = client.post(
        "/api/cmdb/imports/",
        {"kind": "items", "file": upload("pcs.csv", workstations(3, bad_row=2)), "valid_only": "1"},
    )
    assert response.json()["counts"]["created"] == 2 and response.json()["committed"]
    listed = client.get("/api/cmdb/imports/").json()
    assert [job["id"] for job in listed["results"]][1] == job_id


def test_api_refuses_bad_files_with_400(client, ght, admin_user, make_user):
    client.force_login(admin_user)
    cases = [
        ({"kind": "items", "file": upload("pcs.pdf", b"%PDF-1.4")}, "Upload a .csv or .xlsx"),
        ({"kind": "items", "file": upload("pcs.csv", b"")}, "empty"),
        ({"kind": "items", "file": upload("pcs.csv", b"Mood\nx\n")}, "Missing column(s)"),
        ({"kind": "items"}, "No file was submitted."),
        ({"kind": "planets", "file": upload("pcs.csv", workstations(1))}, "is not a valid choice"),
    ]
    for data, message in cases:
        response = client.post("/api/cmdb/imports/", data)
        assert response.status_code == 400, (message, response.content)
        error = response.json()["error"]
        field = "kind" if "choice" in message else "file"
        assert message in " ".join(error["fields"][field]), error
    with override_settings(CADUCEE_IMPORT_MAX_BYTES=50):
        response = client.post(
            "/api/cmdb/imports/", {"kind": "items", "file": upload("pcs.csv", workstations(5))}
        )
    assert response.status_code == 400
    assert "larger than" in response.json()["error"]["fields"]["file"][0]
    assert not ImportJob.objects.exists()

    client.force_login(make_user("requester", establishments=[ght.a]))
    response = client.post(
        "/api/cmdb/imports/", {"kind": "items", "file": upload("pcs.csv", workstations(1))}
    )
    assert response.status_code == 403
