"""Portal pages: reporting, my requests, the conversation, confirming, rating."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caducee.desk.models import Attachment, Channel, Status, Ticket, Visibility
from caducee.desk.services import lifecycle
from caducee.desk.services.attachments import add_attachment
from caducee.desk.services.comments import add_comment
from caducee.portal.models import Satisfaction

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PASSWORD = "correct-horse-battery"


@pytest.fixture
def nurse_client(client, requesters):
    client.force_login(requesters.nurse)
    return client


def resolved(ticket, desk):
    ticket = lifecycle.assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)
    return lifecycle.resolve(ticket, actor=desk.agent, code="fixed")


def test_a_requester_only_account_lands_on_the_portal(client, requesters, desk):
    response = client.post(reverse("login"), {"username": "claire", "password": PASSWORD})
    assert response.url == reverse("portal:home")
    client.logout()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.url == reverse("home")


def test_home_offers_to_report_and_to_follow(nurse_client, own_ticket, desk):
    ticket = own_ticket()
    page = nurse_client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:report") in page and reverse("portal:tickets") in page
    assert ticket.title in page and "We have received your request" in page
    lifecycle.assign(ticket, actor=desk.agent, group=desk.desk_a)
    page = nurse_client.get(reverse("portal:home")).content.decode()
    assert "Your request has been passed to a team" in page


def test_the_report_form_is_pre_filled_from_the_person(nurse_client, ght):
    page = nurse_client.get(reverse("portal:report")).content.decode()
    assert f'<option value="{ght.icu_a.pk}" selected>' in page
    assert f'<option value="{ght.room_a.pk}" selected>' in page
    assert str(ght.er_b.pk) + '">' not in page.split('name="care_unit"')[1].split("</select>")[0]
    assert 'capture="environment"' in page and 'accept="image/*' in page
    assert 'id="kb-suggestions"' in page  # the empty place for the knowledge base
    assert 'for="id_title"' in page and 'aria-describedby="id_title_helptext"' in page


def test_reporting_records_the_ticket_and_shows_it(nurse_client, ght, desk, requesters):
    response = nurse_client.post(
        reverse("portal:report"),
        {
            "title": "Armoire à pharmacie figée",
            "details": "Écran noir",
            "patients": "now",
            "care_unit": ght.icu_a.pk,
            "location": ght.room_a.pk,
            "files": SimpleUploadedFile("ecran.png", PNG, content_type="image/png"),
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:ticket", args=[ticket.pk])
    assert ticket.channel == Channel.PORTAL and ticket.requester == ght.nurse_a
    page = nurse_client.get(response.url).content.decode()
    assert ticket.number in page and "ecran.png" in page


def test_a_bad_file_is_refused_next_to_the_field(nurse_client, ght):
    response = nurse_client.post(
        reverse("portal:report"),
        {
            "title": "Écran",
            "patients": "no",
            "files": SimpleUploadedFile("ecran.png", b"MZ\x90\x00 not an image"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_files_error"' in page and "is not a .png file" in page
    assert 'aria-describedby="id_files_helptext id_files_error"' in page
    assert 'aria-invalid="true"' in page
    assert not Ticket.objects.exists()


def test_missing_answers_are_shown_next_to_their_fields(nurse_client):
    response = nurse_client.post(reverse("portal:report"), {"title": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_title_error"' in page and 'id="id_patients_error"' in page


def test_my_requests_newest_first_and_paged(nurse_client, own_ticket, desk, requesters):
    first = own_ticket(title="Premier")
    own_ticket(title="Second")
    for n in range(20):
        own_ticket(title=f"Ticket {n}")
    page = nurse_client.get(reverse("portal:tickets")).content.decode()
    assert "Page 1 of 2" in page and "Ticket 19" in page and "Premier" not in page
    assert page.index("Ticket 19") < page.index("Ticket 18")
    older = nurse_client.get(reverse("portal:tickets") + "?page=2").content.decode()
    assert older.index("Second") < older.index("Premier")
    lifecycle.close(resolved(first, desk), actor=desk.agent)
    finished = nurse_client.get(reverse("portal:tickets") + "?show=closed").content.decode()
    assert "Premier" in finished and "Second" not in finished and "Closed" in finished
    in_progress = nurse_client.get(reverse("portal:tickets") + "?show=open&page=2")
    assert "Second" in in_progress.content.decode()
    assert "Premier" not in in_progress.content.decode()


def test_the_expected_resolution_is_shown(nurse_client, own_ticket):
    import datetime as dt

    from django.utils import timezone

    ticket = own_ticket()
    due = timezone.now() + dt.timedelta(hours=4)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=due)
    page = nurse_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Expected resolution:" in page and "hours from now" in page
    assert f'<time datetime="{timezone.localtime(due).isoformat()[:19]}' in page


def test_another_requesters_ticket_is_a_404(client, requesters, own_ticket, ght):
    ticket = own_ticket(person=ght.doctor_a)
    client.force_login(requesters.nurse)
    for name in ("ticket", "reply", "confirm", "reopen", "satisfaction"):
        method = client.get if name == "ticket" else client.post
        assert method(reverse(f"portal:{name}", args=[ticket.pk])).status_code == 404, name


def test_internal_notes_and_files_never_reach_the_portal(nurse_client, desk, own_ticket):
    ticket = own_ticket()
    add_comment(ticket, actor=desk.agent, body="Réponse publique", visibility=Visibility.PUBLIC)
    note = add_comment(
        ticket, actor=desk.agent, body="Note interne secrète", visibility=Visibility.INTERNAL
    )
    add_attachment(
        ticket, actor=desk.agent, upload=SimpleUploadedFile("interne.png", PNG), comment=note
    )
    add_attachment(ticket, actor=desk.agent, upload=SimpleUploadedFile("orphelin.png", PNG))
    page = nurse_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Réponse publique" in page
    assert "Note interne secrète" not in page
    assert "interne.png" not in page and "orphelin.png" not in page
    # Even an agent looking through the portal sees what the requester sees.
    nurse_client.force_login(desk.agent)
    page = nurse_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Note interne secrète" not in page


def test_the_requester_replies_with_a_photo(nurse_client, own_ticket, requesters):
    ticket = own_ticket()
    response = nurse_client.post(
        reverse("portal:reply", args=[ticket.pk]),
        {
            "body": "Toujours figé",
            "files": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"0" * 20),
        },
    )
    assert response.status_code == 302
    comment = ticket.comments.get()
    assert comment.is_public and comment.author == requesters.nurse
    assert Attachment.objects.get(comment=comment).is_public
    empty = nurse_client.post(reverse("portal:reply", args=[ticket.pk]), {"body": ""})
    assert empty.status_code == 400 and 'id="reply_body_error"' in empty.content.decode()


def test_confirm_then_rate_from_the_ticket_page(nurse_client, own_ticket, desk):
    ticket = resolved(own_ticket(), desk)
    page = nurse_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Resolved: do you confirm?" in page and 'id="confirm-resolution"' in page
    response = nurse_client.post(reverse("portal:confirm", args=[ticket.pk]))
    assert response.url.endswith("#satisfaction")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    page = nurse_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert 'id="satisfaction"' in page and 'name="score"' in page
    bad = nurse_client.post(reverse("portal:satisfaction", args=[ticket.pk]), {"score": "9"})
    assert bad.status_code == 400 and 'id="rate_score_error"' in bad.content.decode()
    good = nurse_client.post(
        reverse("portal:satisfaction", args=[ticket.pk]), {"score": "5", "comment": "Merci"}
    )
    assert good.status_code == 302
    assert Satisfaction.objects.get(ticket=ticket).score == 5
    again = nurse_client.post(
        reverse("portal:satisfaction", args=[ticket.pk]), {"score": "1"}, follow=True
    )
    assert "already rated" in again.content.decode()
    assert "You rated this request 5 out of 5" in again.content.decode()
    assert Satisfaction.objects.get(ticket=ticket).score == 5


def test_the_problem_persists_from_the_ticket_page(nurse_client, own_ticket, desk):
    ticket = resolved(own_ticket(), desk)
    empty = nurse_client.post(reverse("portal:reopen", args=[ticket.pk]), {"reason": ""})
    assert empty.status_code == 400 and 'id="reopen_reason_error"' in empty.content.decode()
    response = nurse_client.post(
        reverse("portal:reopen", args=[ticket.pk]), {"reason": "Il fige encore"}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_a_follower_reads_but_does_not_decide(client, requesters, own_ticket, desk):
    ticket = resolved(own_ticket(), desk)
    client.force_login(requesters.head_nurse)
    page = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert ticket.title in page and 'id="confirm-resolution"' not in page
    client.post(reverse("portal:confirm", args=[ticket.pk]))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_the_satisfaction_api_rates_once(client, requesters, own_ticket, desk):
    ticket = resolved(own_ticket(), desk)
    client.force_login(requesters.nurse)
    url = "/api/portal/satisfaction/"
    early = client.post(url, {"ticket": ticket.pk, "score": 5}, content_type="application/json")
    assert early.status_code == 409
    client.post(reverse("portal:confirm", args=[ticket.pk]))
    bad = client.post(url, {"ticket": ticket.pk, "score": 7}, content_type="application/json")
    assert bad.status_code == 400 and "score" in bad.json()["error"]["fields"]
    made = client.post(url, {"ticket": ticket.pk, "score": 5}, content_type="application/json")
    assert made.status_code == 201 and made.json()["score"] == 5
    twice = client.post(url, {"ticket": ticket.pk, "score": 2}, content_type="application/json")
    assert twice.status_code == 409
    client.force_login(requesters.doctor)
    hidden = client.post(url, {"ticket": ticket.pk, "score": 1}, content_type="application/json")
    assert hidden.status_code == 400 and "ticket" in hidden.json()["error"]["fields"]


def test_my_requests_costs_the_same_whatever_the_number(nurse_client, own_ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert nurse_client.get(reverse("portal:tickets")).status_code == 200
        return len(queries)

    own_ticket()
    cost()  # the first page after signing in stamps the session (core/sessions.py)
    few = cost()
    for n in range(5):
        own_ticket(title=f"Ticket {n}")
    assert cost() == few
