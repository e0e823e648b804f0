"""The pages: everyone's notification preferences, the administrators'
outbox with Retry, and the bell of the top bar."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.desk.models import Notification, NotificationChannel, NotificationKind
from caducee.desk.services.notifications import preferences
from caducee.notify.models import MailState, OutgoingMail
from caducee.notify.services import events, outbox
from caducee.notify.tests.conftest import CLAIRE

pytestmark = pytest.mark.django_db
EMAIL = NotificationChannel.EMAIL


def checked(html: str, name: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    assert tag, name
    return " checked" in tag.group(0)


def all_boxes(user) -> dict[str, str]:
    return {f"{kind}__{channel}": "on" for (kind, channel), on in preferences(user).items() if on}


# --- preferences --------------------------------------------------------------------------
def test_the_preferences_page_shows_the_defaults(client, claire):
    client.force_login(claire)
    html = client.get(reverse("notify:preferences")).content.decode()
    assert checked(html, "reply__email")
    assert checked(html, "resolved__in_app")
    assert not checked(html, "sla_warning__email")  # off unless chosen


def test_the_preferences_page_saves(client, claire):
    client.force_login(claire)
    data = all_boxes(claire)
    del data["reply__email"]
    response = client.post(reverse("notify:preferences"), data)
    assert response.status_code == 302
    assert preferences(claire)[(NotificationKind.REPLY, EMAIL)] is False
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "Your notification preferences are saved." in page
    assert not checked(page, "reply__email")
    assert checked(page, "reply__in_app")
    assert AuditEvent.objects.filter(event="desk.notification_preferences_changed").exists()


def test_the_preferences_page_shows_an_error_beside_the_event(client, desk):
    client.force_login(desk.agent)
    data = all_boxes(desk.agent)
    del data["assigned__email"], data["assigned__in_app"]
    response = client.post(reverse("notify:preferences"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep at least one channel" in html
    assert 'aria-invalid="true"' in html
    assert preferences(desk.agent)[(NotificationKind.ASSIGNED, EMAIL)] is True  # nothing saved


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get(reverse("notify:preferences"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- outbox -------------------------------------------------------------------------------
@pytest.fixture
def failed_mail(smtp_server, new_ticket, committed, settings):
    settings.CADUCEE_MAIL_MAX_ATTEMPTS = 1
    smtp_server.refuse_next(1, "451 4.7.1 Greylisted, come back later")
    with committed():
        new_ticket()
    [mail] = OutgoingMail.objects.all()
    assert mail.state == MailState.FAILED
    return mail


@pytest.fixture
def administrator(make_user):
    return make_user(roles.ADMINISTRATOR, whole_ght=True, username="sysadmin")


def test_the_outbox_lists_a_failed_mail_first_and_retry_sends_it(
    client, administrator, failed_mail, smtp_server, new_ticket, committed
):
    with committed():
        new_ticket(title="Imprimante bloquée")  # sent: listed after the failed one
    client.force_login(administrator)
    html = client.get(reverse("notify:outbox")).content.decode()
    assert html.index("Greylisted") < html.index("Imprimante bloquée")
    assert html.count(">Retry</button>") == 1
    assert len(smtp_server.to(CLAIRE)) == 1

    with committed():
        response = client.post(reverse("notify:outbox_retry", args=[failed_mail.pk]), follow=True)
    assert f"The e-mail to {CLAIRE} is queued again." in response.content.decode()
    assert len(smtp_server.to(CLAIRE)) == 2
    failed_mail.refresh_from_db()
    assert failed_mail.state == MailState.SENT
    event = AuditEvent.objects.get(event="notify.mail_retried")
    assert event.actor_id == administrator.pk
    assert "Greylisted" in event.data["last_error"]


def test_only_a_failed_mail_is_retried(client, administrator, smtp_server, new_ticket, committed):
    with committed():
        new_ticket()
    [mail] = OutgoingMail.objects.all()
    client.force_login(administrator)
    response = client.post(reverse("notify:outbox_retry", args=[mail.pk]), follow=True)
    assert "Only a failed e-mail can be sent again." in response.content.decode()
    assert len(smtp_server.messages) == 1


def test_the_outbox_is_for_administrators(client, desk, make_user, failed_mail, smtp_server):
    client.force_login(desk.agent)
    assert client.get(reverse("notify:outbox")).status_code == 403
    assert client.post(reverse("notify:outbox_retry", args=[failed_mail.pk])).status_code == 403
    manager = make_user(roles.DSI_MANAGER, whole_ght=True)
    client.force_login(manager)
    html = client.get(reverse("notify:outbox")).content.decode()
    assert "Greylisted" in html and ">Retry</button>" not in html
    response = client.post(reverse("notify:outbox_retry", args=[failed_mail.pk]), follow=True)
    assert "Only administrators may send an e-mail again." in response.content.decode()
    assert smtp_server.messages == []


def test_a_mail_of_another_establishment_is_not_listed(client, make_user, ght, failed_mail):
    admin_b = make_user(roles.ADMINISTRATOR, establishments=[ght.b])
    client.force_login(admin_b)
    assert "Greylisted" not in client.get(reverse("notify:outbox")).content.decode()
    assert client.post(reverse("notify:outbox_retry", args=[failed_mail.pk])).status_code == 404


def test_the_stuck_mail_shows_why(client, administrator, new_ticket):
    new_ticket()
    events.expand()
    [mail] = OutgoingMail.objects.all()
    now = timezone.now()
    outbox.claim([mail.pk], now=now)
    outbox.fail_stuck(now=now + dt.timedelta(minutes=20))
    client.force_login(administrator)
    assert "may or may not have been sent" in client.get(reverse("notify:outbox")).content.decode()


# --- the bell -----------------------------------------------------------------------------
def test_the_bell_shows_the_unread_count_with_one_query(client, desk, new_ticket):
    ticket = new_ticket(actor=desk.engineer, assignment_group=desk.desk_a, assignee=desk.agent)
    assert Notification.objects.filter(recipient=desk.agent, read_at__isnull=True).count() == 1
    client.force_login(desk.agent)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("notify:preferences")).content.decode()
    counted = [q["sql"] for q in queries if 'FROM "desk_notification" ' in q["sql"]]
    assert len(counted) == 1 and "COUNT" in counted[0].upper()
    assert re.search(r'id="notify-bell-count" class="bell-count bell-count-unread">1<', html)

    panel = client.get(reverse("notify:bell")).content.decode()
    assert ticket.number in panel
    note = Notification.objects.get(recipient=desk.agent)
    response = client.post(reverse("notify:bell_open", args=[note.pk]))
    assert response["Location"] == reverse("desk:ticket_detail", args=[ticket.pk])
    html = client.get(reverse("notify:preferences")).content.decode()
    assert 'id="notify-bell-count" class="bell-count">0<' in html


def test_mark_all_read_empties_the_bell(client, desk, new_ticket):
    new_ticket(actor=desk.engineer, assignment_group=desk.desk_a, assignee=desk.agent)
    client.force_login(desk.agent)
    response = client.post(reverse("notify:bell_read_all"), HTTP_HX_REQUEST="true")
    assert 'hx-swap-oob="true">0<' in response.content.decode()
    assert not Notification.objects.filter(recipient=desk.agent, read_at__isnull=True).exists()


def test_nobody_opens_someone_elses_notification(client, desk, new_ticket):
    new_ticket(actor=desk.engineer, assignment_group=desk.desk_a, assignee=desk.agent)
    note = Notification.objects.get(recipient=desk.agent)
    client.force_login(desk.outsider)
    assert client.post(reverse("notify:bell_open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
