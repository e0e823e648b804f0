"""Attachments: a screenshot or a log is kept with its checksum under the
size limit; a page, a script or a program is refused whatever its name;
requesters attach publicly to their own tickets only; the download is
always a download, never a page of ours, and out of reach of those who may
not see it."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import Attachment
from caducee.desk.services.attachments import add_attachment, clean_name
from caducee.desk.services.comments import add_comment
from caducee.desk.services.lifecycle import cancel
from caducee.desk.tests.comment_data import *  # noqa: F403  (fixtures)
from caducee.desk.tests.comment_data import PDF, PNG, upload

pytestmark = pytest.mark.django_db

ZIP = b"PK\x03\x04" + bytes(40)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40)


def download(client, attachment):
    return client.get(reverse("desk:attachment_download", args=[attachment.pk]))


# --- what is accepted ---------------------------------------------------------------------
def test_a_screenshot_is_kept_under_its_checksum_and_audited(nurse_ticket, desk):
    attachment = add_attachment(
        nurse_ticket, actor=desk.agent, upload=upload("écran.png", PNG, "text/html")
    )
    digest = hashlib.sha256(PNG).hexdigest()
    assert attachment.sha256 == digest and attachment.size == len(PNG)
    # Our type, not the browser's claim.
    assert attachment.content_type == "image/png"
    assert attachment.file.name == f"desk/{digest[:2]}/{digest}"
    with default_storage.open(attachment.file.name, "rb") as handle:
        assert handle.read() == PNG
    assert attachment.is_public is False
    assert AuditEvent.objects.filter(
        object_type="desk.attachment", object_id=str(attachment.pk), action="create"
    ).exists()
    event = AuditEvent.objects.get(event="desk.attachment_added")
    assert event.data["attachment"] == attachment.pk and event.data["sha256"] == digest


def test_the_same_file_twice_is_stored_once(nurse_ticket, desk):
    first = add_attachment(nurse_ticket, actor=desk.agent, upload=upload("a.pdf", PDF))
    second = add_attachment(nurse_ticket, actor=desk.agent, upload=upload("b.pdf", PDF))
    assert first.file.name == second.file.name
    assert (first.name, second.name) == ("a.pdf", "b.pdf")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", PDF),
        ("journal.log", b"2026-03-29 02:59:59 ERROR pump 12 offline\n"),
        ("export.csv", "UF;Libellé\n4101;Réanimation\n".encode("cp1252")),
        ("notes.txt", "\ufeffé".encode("utf-16")),
        ("inventaire.xlsx", ZIP),
        ("ancien.doc", OLE),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + bytes(20)),
        ("capture.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(8)),
    ],
)
def test_accepted_kinds_of_files(nurse_ticket, desk, name, content):
    assert add_attachment(nurse_ticket, actor=desk.agent, upload=upload(name, content)).pk


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><body>hi</body></html>"),  # extension not accepted
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("script.js", b"alert(1)"),
        ("setup.exe", b"MZ\x90\x00"),
        ("sans-extension", b"texte"),
        ("faux.png", b"<html><script>alert(1)</script></html>"),  # content is a page
        ("faux.pdf", PNG),  # content of another kind
        ("lisez-moi.txt", b"  <!DOCTYPE html><p>x"),
        ("lisez-moi.txt", b"<svg onload=alert(1)>"),
        ("lisez-moi.txt", b'<?xml version="1.0"?><svg/>'),
        ("journal.log", b"#!/bin/sh\nrm -rf /\n"),
        ("outil.zip", b"\x7fELF\x02\x01"),
        ("binaire.txt", b"abc\x00def"),
        ("vide.txt", b""),
    ],
)
def test_refused_files_whatever_their_name(nurse_ticket, desk, name, content):
    with pytest.raises(DomainError) as caught:
        add_attachment(nurse_ticket, actor=desk.agent, upload=upload(name, content))
    assert caught.value.field == "file"
    assert not Attachment.objects.exists()


@override_settings(CADUCEE_ATTACHMENT_MAX_BYTES=1024 * 1024)
def test_a_file_over_the_limit_is_refused_with_the_limit_in_mb(nurse_ticket, desk):
    big = b"x" * (1024 * 1024 + 1)
    with pytest.raises(DomainError) as caught:
        add_attachment(nurse_ticket, actor=desk.agent, upload=upload("gros.log", big))
    assert caught.value.field == "file" and "1 MB" in caught.value.message
    assert add_attachment(nurse_ticket, actor=desk.agent, upload=upload("ok.log", big[:-1]))


@override_settings(CADUCEE_ATTACHMENT_TYPES=["pdf"])
def test_the_accepted_types_come_from_the_settings(nurse_ticket, desk):
    with pytest.raises(DomainError):
        add_attachment(nurse_ticket, actor=desk.agent, upload=upload("a.png", PNG))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\alice\\Bureau\\capture.png", "capture.png"),
        ("facture\u202egnp.exe.pdf", "facturegnp.exe.pdf"),
        ("ligne\r\nsuivante.txt", "lignesuivante.txt"),
        ("...cache.txt", "cache.txt"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_names_lose_folders_and_control_characters(raw, clean):
    assert clean_name(raw) == clean


# --- who and how public -------------------------------------------------------------------
def test_attachments_follow_their_comment_visibility(nurse_ticket, desk):
    note = add_comment(nurse_ticket, actor=desk.agent, body="Journal joint")
    reply = add_comment(nurse_ticket, actor=desk.agent, body="Photo", visibility="public")
    internal = add_attachment(
        nurse_ticket, actor=desk.agent, upload=upload("a.log", b"x"), comment=note
    )
    public = add_attachment(
        nurse_ticket, actor=desk.agent, upload=upload("b.png", PNG), comment=reply
    )
    assert (internal.is_public, public.is_public) == (False, True)
    with pytest.raises(DomainError) as caught:
        add_attachment(
            nurse_ticket, actor=desk.agent, upload=upload("c.png", PNG), comment=note, public=True
        )
    assert caught.value.field == "public"
    assert add_attachment(
        nurse_ticket, actor=desk.agent, upload=upload("d.png", PNG), public=True
    ).is_public


def test_files_sent_with_a_comment_are_attached_to_it_or_nothing_is_kept(nurse_ticket, desk):
    reply = add_comment(
        nurse_ticket,
        actor=desk.agent,
        body="Voici la procédure",
        visibility="public",
        files=[upload("procedure.pdf", PDF), upload("ecran.png", PNG)],
    )
    assert [(a.name, a.is_public) for a in reply.attachments.order_by("pk")] == [
        ("procedure.pdf", True),
        ("ecran.png", True),
    ]
    with pytest.raises(DomainError) as caught:
        add_comment(
            nurse_ticket,
            actor=desk.agent,
            body="Et ça",
            files=[upload("ok.pdf", PDF), upload("x.exe", b"MZ")],
        )
    assert caught.value.field == "file"
    assert nurse_ticket.comments.count() == 1 and Attachment.objects.count() == 2


def test_a_requester_attaches_publicly_to_her_own_ticket_only(
    nurse_ticket, new_ticket, ght, claire, make_user
):
    mine = add_attachment(
        nurse_ticket, actor=claire, upload=upload("photo.jpg", b"\xff\xd8\xff\xe0")
    )
    assert mine.is_public is True
    other = new_ticket(requester=ght.doctor_a)
    with pytest.raises(PermissionDenied):
        add_attachment(other, actor=claire, upload=upload("photo.jpg", b"\xff\xd8\xff\xe0"))
    auditor = make_user(roles.AUDITOR, whole_ght=True)
    with pytest.raises(PermissionDenied):
        add_attachment(nurse_ticket, actor=auditor, upload=upload("a.pdf", PDF))


def test_nothing_is_attached_to_a_cancelled_ticket(nurse_ticket, desk):
    cancelled = cancel(nurse_ticket, actor=desk.agent, reason="Doublon")
    with pytest.raises(Conflict):
        add_attachment(cancelled, actor=desk.agent, upload=upload("a.pdf", PDF))


# --- download -----------------------------------------------------------------------------
def test_the_download_is_always_an_attachment_that_is_not_sniffed(client, nurse_ticket, desk):
    pdf = add_attachment(nurse_ticket, actor=desk.agent, upload=upload("rapport final.pdf", PDF))
    sheet = add_attachment(nurse_ticket, actor=desk.agent, upload=upload("stock.xlsx", ZIP))
    client.force_login(desk.agent)
    response = download(client, pdf)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "rapport final.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    response = download(client, sheet)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_download_is_hidden_from_those_who_may_not_see_it(client, nurse_ticket, desk, claire):
    internal = add_attachment(nurse_ticket, actor=desk.agent, upload=upload("a.log", b"x"))
    public = add_attachment(
        nurse_ticket, actor=desk.agent, upload=upload("b.pdf", PDF), public=True
    )
    client.force_login(claire)
    assert download(client, internal).status_code == 404
    assert download(client, public).status_code == 200
    client.force_login(desk.agent_b)  # another establishment
    assert download(client, public).status_code == 404
    client.logout()
    assert download(client, public).status_code == 302
