"""The comments and attachments of a ticket through the API, as a script or
the portal uses them: what each caller may read, writes refused field by
field (400), for lack of a right (403) or for a ticket out of reach (404),
uploads in multipart, downloads always as files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core import roles
from caducee.desk.models import Attachment, Comment
from caducee.desk.services.attachments import add_attachment
from caducee.desk.services.comments import add_comment
from caducee.desk.tests.comment_data import *  # noqa: F403  (fixtures)
from caducee.desk.tests.comment_data import PDF, PNG, upload

pytestmark = pytest.mark.django_db


def comments_url(ticket_pk) -> str:
    return reverse("ticket-comment-list", kwargs={"ticket_pk": ticket_pk})


def attachments_url(ticket_pk) -> str:
    return reverse("ticket-attachment-list", kwargs={"ticket_pk": ticket_pk})


def error(response, status) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def discussed(nurse_ticket, desk):
    note = add_comment(nurse_ticket, actor=desk.agent, body="Switch à vérifier")
    add_attachment(nurse_ticket, actor=desk.agent, upload=upload("sw.log", b"down"), comment=note)
    reply = add_comment(nurse_ticket, actor=desk.agent, body="On arrive", visibility="public")
    add_attachment(nurse_ticket, actor=desk.agent, upload=upload("plan.pdf", PDF), comment=reply)
    return nurse_ticket


# --- reading ------------------------------------------------------------------------------
def test_the_desk_reads_every_comment_with_its_files(client, discussed, desk):
    client.force_login(desk.engineer)
    body = client.get(comments_url(discussed.pk)).json()
    rows = body["results"]
    assert [(r["visibility"], r["body"]) for r in rows] == [
        ("internal", "Switch à vérifier"),
        ("public", "On arrive"),
    ]
    assert rows[0]["attachments"][0]["name"] == "sw.log"
    assert rows[0]["author_name"] == str(desk.agent)


def test_the_requester_reads_public_replies_and_files_only(client, discussed, claire):
    client.force_login(claire)
    rows = client.get(comments_url(discussed.pk)).json()["results"]
    assert [r["body"] for r in rows] == ["On arrive"]
    names = [r["name"] for r in client.get(attachments_url(discussed.pk)).json()["results"]]
    assert names == ["plan.pdf"]
    internal = Comment.objects.get(visibility="internal")
    url = reverse("ticket-comment-detail", kwargs={"ticket_pk": discussed.pk, "pk": internal.pk})
    assert client.get(url).status_code == 404


def test_unknown_and_out_of_scope_tickets_are_not_found(client, discussed, desk):
    client.force_login(desk.agent_b)
    error(client.get(comments_url(discussed.pk)), 404)
    error(
        client.post(comments_url(discussed.pk), {"body": "x"}, content_type="application/json"), 404
    )
    error(client.get(attachments_url(discussed.pk)), 404)
    client.force_login(desk.agent)
    error(client.get(comments_url(999999)), 404)


# --- writing comments ---------------------------------------------------------------------
def test_an_agent_writes_a_note_and_a_reply(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    response = client.post(
        comments_url(nurse_ticket.pk),
        {"body": "Port 12 réactivé @bruno", "time_spent": 25},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["visibility"] == "internal" and body["time_spent"] == 25
    assert body["mentions"] == [desk.engineer.pk]
    response = client.post(
        comments_url(nurse_ticket.pk),
        {"body": "Capture jointe", "visibility": "public", "files": [upload("ecran.png", PNG)]},
    )
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == ["ecran.png"]
    assert Attachment.objects.get().is_public


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({}, "body"),
        ({"body": "x", "visibility": "secret"}, "visibility"),
        ({"body": "x", "time_spent": 1441}, "time_spent"),
        ({"body": "x", "time_spent": "beaucoup"}, "time_spent"),
        ({"body": "x", "expected_version": 0}, "expected_version"),
    ],
)
def test_bad_input_is_a_field_error(client, nurse_ticket, desk, data, field):
    client.force_login(desk.agent)
    body = error(
        client.post(comments_url(nurse_ticket.pk), data, content_type="application/json"), 400
    )
    assert field in body["fields"]
    assert not Comment.objects.exists()


def test_a_bad_file_is_a_field_error(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    response = client.post(
        comments_url(nurse_ticket.pk), {"body": "x", "files": [upload("a.exe", b"MZ\x90")]}
    )
    assert "file" in error(response, 400)["fields"]


def test_what_a_caller_may_not_do_is_forbidden(client, nurse_ticket, claire, make_user):
    client.force_login(claire)
    response = client.post(
        comments_url(nurse_ticket.pk),
        {"body": "Entre nous", "visibility": "internal"},
        content_type="application/json",
    )
    assert error(response, 403)["fields"] == {"visibility": [response.json()["error"]["message"]]}
    assert (
        "time_spent"
        in error(
            client.post(
                comments_url(nurse_ticket.pk),
                {"body": "x", "time_spent": 5},
                content_type="application/json",
            ),
            400,
        )["fields"]
    )
    response = client.post(
        comments_url(nurse_ticket.pk), {"body": "Merci"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["visibility"] == "public"
    client.force_login(make_user(roles.AUDITOR, whole_ght=True))
    error(
        client.post(comments_url(nurse_ticket.pk), {"body": "x"}, content_type="application/json"),
        403,
    )


def test_a_stale_version_is_a_conflict(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    response = client.post(
        comments_url(nurse_ticket.pk),
        {"body": "x", "expected_version": nurse_ticket.version + 5},
        content_type="application/json",
    )
    assert error(response, 409)["code"] == "stale"


def test_the_author_corrects_a_comment_others_may_not(client, nurse_ticket, desk):
    note = add_comment(nurse_ticket, actor=desk.agent, body="Brouillon")
    url = reverse("ticket-comment-detail", kwargs={"ticket_pk": nurse_ticket.pk, "pk": note.pk})
    client.force_login(desk.engineer)
    error(client.patch(url, {"body": "Pirate"}, content_type="application/json"), 403)
    client.force_login(desk.agent)
    response = client.patch(url, {"body": "Corrigé"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["body"] == "Corrigé"
    assert "body" in error(client.patch(url, {}, content_type="application/json"), 400)["fields"]
    error(client.delete(url), 405)


# --- attachments --------------------------------------------------------------------------
def test_an_upload_is_kept_and_downloaded_as_a_file(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    response = client.post(attachments_url(nurse_ticket.pk), {"file": upload("rapport.pdf", PDF)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_public"] is False and body["content_type"] == "application/pdf"
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_upload_errors_are_field_errors(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    url = attachments_url(nurse_ticket.pk)
    assert "file" in error(client.post(url, {}), 400)["fields"]
    assert "file" in error(client.post(url, {"file": upload("x.html", b"<html>")}), 400)["fields"]
    assert "file" in error(client.post(url, {"file": upload("x.png", b"<svg>")}), 400)["fields"]
    response = client.post(url, {"file": upload("a.pdf", PDF), "comment": 424242})
    assert "comment" in error(response, 400)["fields"]


def test_a_requester_uploads_publicly_and_never_downloads_internal_files(
    client, nurse_ticket, desk, claire
):
    internal = add_attachment(nurse_ticket, actor=desk.agent, upload=upload("sw.log", b"x"))
    client.force_login(claire)
    response = client.post(attachments_url(nurse_ticket.pk), {"file": upload("photo.png", PNG)})
    assert response.status_code == 201 and response.json()["is_public"] is True
    url = reverse(
        "ticket-attachment-download", kwargs={"ticket_pk": nurse_ticket.pk, "pk": internal.pk}
    )
    error(client.get(url), 404)
