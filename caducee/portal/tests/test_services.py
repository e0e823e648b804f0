"""Portal services: reporting, confirming or reopening a resolution, rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import Attachment, Channel, Status, Ticket, Urgency, Visibility
from caducee.desk.services import lifecycle
from caducee.desk.services.comments import add_comment
from caducee.portal.models import Satisfaction
from caducee.portal.services.conversation import confirm_resolution, reopen_ticket
from caducee.portal.services.reports import report_problem
from caducee.portal.services.satisfaction import rate

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def resolved(ticket, desk):
    ticket = lifecycle.assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)
    return lifecycle.resolve(ticket, actor=desk.agent, code="fixed", notes="Écran redémarré.")


def closed(ticket, desk, requesters):
    return confirm_resolution(resolved(ticket, desk), actor=requesters.nurse)


# --- reporting ---------------------------------------------------------------------------
def test_a_report_becomes_a_portal_incident_for_the_nurse(ght, desk, requesters):
    ticket = report_problem(
        actor=requesters.nurse,
        title="  L'armoire à pharmacie   ne répond plus ",
        details="Écran figé depuis 8 h.",
        patients="now",
        care_unit=ght.icu_a,
        location=ght.room_a,
        files=[SimpleUploadedFile("ecran.png", PNG, content_type="image/png")],
    )
    assert ticket.channel == Channel.PORTAL
    assert ticket.requester == ght.nurse_a and ticket.created_by == requesters.nurse
    assert ticket.title == "L'armoire à pharmacie ne répond plus"
    assert ticket.urgency == Urgency.CRITICAL
    assert ticket.care_unit == ght.icu_a and ticket.location == ght.room_a
    assert ticket.number.startswith("INC-")
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.is_public and attachment.name == "ecran.png"


@pytest.mark.parametrize(("patients", "urgency"), [("now", 1), ("soon", 2), ("no", 3)])
def test_patients_affected_is_the_urgency(ght, desk, requesters, patients, urgency):
    ticket = report_problem(actor=requesters.nurse, title="Imprimante", patients=patients)
    assert ticket.urgency == urgency


def test_a_refused_file_leaves_no_ticket(ght, desk, requesters):
    page = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>")
    with pytest.raises(DomainError) as refused:
        report_problem(actor=requesters.nurse, title="Écran", patients="no", files=[page])
    assert refused.value.field == "files"
    assert not Ticket.objects.exists()


def test_a_report_is_checked_field_by_field(ght, desk, requesters):
    with pytest.raises(DomainError) as empty:
        report_problem(actor=requesters.nurse, title="   ", patients="no")
    assert empty.value.field == "title"
    with pytest.raises(DomainError) as unknown:
        report_problem(actor=requesters.nurse, title="Écran", patients="perhaps")
    assert unknown.value.field == "patients"
    with pytest.raises(DomainError) as foreign:
        report_problem(actor=requesters.nurse, title="Écran", patients="no", care_unit=ght.er_b)
    assert foreign.value.field == "care_unit"
    with pytest.raises(DomainError) as elsewhere:
        report_problem(actor=requesters.nurse, title="Écran", patients="no", location=ght.room_b)
    assert elsewhere.value.field == "location"
    assert not Ticket.objects.exists()


def test_an_account_without_a_staff_profile_cannot_report(ght, desk, make_user):
    stranger = make_user("requester", establishments=[ght.a])
    with pytest.raises(PermissionDenied):
        report_problem(actor=stranger, title="Écran", patients="no")


# --- confirming or reopening -------------------------------------------------------------
def test_the_requester_confirms_the_resolution(ght, desk, requesters, own_ticket):
    ticket = resolved(own_ticket(), desk)
    closed_ticket = confirm_resolution(ticket, actor=requesters.nurse)
    assert closed_ticket.status == Status.CLOSED and closed_ticket.closed_at
    event = AuditEvent.objects.get(event="portal.resolution_confirmed")
    assert event.actor_id == requesters.nurse.pk and event.object_id == str(ticket.pk)


def test_only_the_requester_confirms(ght, desk, requesters, own_ticket):
    ticket = resolved(own_ticket(), desk)
    with pytest.raises(PermissionDenied):
        confirm_resolution(ticket, actor=requesters.head_nurse)  # follows, does not decide
    with pytest.raises(PermissionDenied):
        confirm_resolution(ticket, actor=requesters.doctor)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_a_ticket_not_resolved_cannot_be_confirmed(ght, desk, requesters, own_ticket):
    ticket = own_ticket()
    with pytest.raises(Conflict) as refused:
        confirm_resolution(ticket, actor=requesters.nurse)
    assert refused.value.code == "not_resolved"


def test_the_problem_persists_reopens_with_the_reason_as_a_reply(ght, desk, requesters, own_ticket):
    ticket = resolved(own_ticket(), desk)
    with pytest.raises(DomainError) as silent:
        reopen_ticket(ticket, actor=requesters.nurse, reason="  ")
    assert silent.value.field == "reason"
    reopened = reopen_ticket(ticket, actor=requesters.nurse, reason="L'écran fige encore.")
    assert reopened.status == Status.IN_PROGRESS and reopened.assignee == desk.agent
    assert reopened.reopened_count == 1
    reply = reopened.comments.get()
    assert reply.visibility == Visibility.PUBLIC and reply.author == requesters.nurse
    assert reply.body == "L'écran fige encore."
    assert AuditEvent.objects.filter(
        event="portal.resolution_refused", actor_id=requesters.nurse.pk
    ).exists()


def test_reopening_after_the_delay_is_refused(ght, desk, requesters, own_ticket, settings):
    ticket = resolved(own_ticket(), desk)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(Conflict) as late:
        reopen_ticket(ticket, actor=requesters.nurse, reason="Encore.")
    assert late.value.code == "reopen_expired"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


# --- satisfaction ------------------------------------------------------------------------
def test_the_requester_rates_a_closed_ticket_once(ght, desk, requesters, own_ticket):
    ticket = closed(own_ticket(), desk, requesters)
    rating = rate(ticket, score=5, comment="Rapide, merci.", actor=requesters.nurse)
    assert (rating.score, rating.comment, rating.rated_by) == (
        5,
        "Rapide, merci.",
        requesters.nurse,
    )
    assert AuditEvent.objects.filter(event="portal.satisfaction_rated").count() == 1
    with pytest.raises(Conflict) as twice:
        rate(ticket, score=1, actor=requesters.nurse)
    assert twice.value.code == "already_rated"
    assert Satisfaction.objects.get().score == 5


def test_only_a_closed_ticket_is_rated(ght, desk, requesters, own_ticket):
    ticket = resolved(own_ticket(), desk)
    with pytest.raises(Conflict) as early:
        rate(ticket, score=4, actor=requesters.nurse)
    assert early.value.code == "not_closed"
    assert not Satisfaction.objects.exists()


def test_only_the_requester_rates(ght, desk, requesters, own_ticket):
    ticket = closed(own_ticket(), desk, requesters)
    for someone in (requesters.head_nurse, requesters.doctor, desk.agent):
        with pytest.raises(PermissionDenied):
            rate(ticket, score=1, actor=someone)
    assert not Satisfaction.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "five", None, True, 2.5])
def test_the_score_is_from_1_to_5(ght, desk, requesters, own_ticket, score):
    ticket = closed(own_ticket(), desk, requesters)
    with pytest.raises(DomainError) as bad:
        rate(ticket, score=score, actor=requesters.nurse)
    assert bad.value.field == "score"


def test_a_reply_from_the_agent_reaches_the_requesters_ticket(ght, desk, requesters, own_ticket):
    ticket = own_ticket()
    add_comment(ticket, actor=desk.agent, body="Je passe.", visibility=Visibility.PUBLIC)
    assert ticket.comments.get().is_public
