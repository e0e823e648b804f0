"""The user's notifications: their own only, newest first, marked read one
by one or all at once; someone else's is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.desk.models import Notification
from caducee.desk.services.notifications import notify

pytestmark = pytest.mark.django_db

LIST = reverse("desk:notifications")
READ = reverse("desk:notifications_read")


@pytest.fixture
def inbox(desk, new_ticket):
    ticket = new_ticket(title="Scanner en panne")
    first = notify([desk.agent], ticket=ticket, kind="assigned", message="Ticket pour toi")[0]
    second = notify([desk.agent], ticket=ticket, kind="mention", message="Bruno t'a cité")[0]
    theirs = notify([desk.engineer], ticket=ticket, kind="mention", message="Pour Bruno")[0]
    return {"ticket": ticket, "first": first, "second": second, "theirs": theirs}


def test_the_list_shows_only_ones_own_newest_first(client, desk, inbox):
    client.force_login(desk.agent)
    response = client.get(LIST)
    assert response.status_code == 200
    shown = [row["notification"].pk for row in response.context["page"].rows]
    assert shown == [inbox["second"].pk, inbox["first"].pk]
    html = response.content.decode()
    assert "Pour Bruno" not in html
    assert reverse("desk:ticket_detail", args=[inbox["ticket"].pk]) in html
    assert response.context["unread_notifications"] == 2


def test_marking_one_read(client, desk, inbox):
    client.force_login(desk.agent)
    response = client.post(READ, {"notification": inbox["first"].pk})
    assert response.status_code == 302
    inbox["first"].refresh_from_db()
    inbox["second"].refresh_from_db()
    assert inbox["first"].read_at is not None and inbox["second"].read_at is None
    unread = client.get(LIST, {"unread": "1"})
    assert [r["notification"].pk for r in unread.context["page"].rows] == [inbox["second"].pk]


def test_marking_all_read_leaves_others_inboxes_alone(client, desk, inbox):
    client.force_login(desk.agent)
    client.post(READ, {"all": "1"})
    assert not Notification.objects.filter(recipient=desk.agent, read_at__isnull=True).exists()
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None
    assert client.get(reverse("desk:queue")).context["unread_notifications"] == 0


def test_someone_elses_notification_is_a_404(client, desk, inbox):
    client.force_login(desk.agent)
    assert client.post(READ, {"notification": inbox["theirs"].pk}).status_code == 404
    assert client.post(READ, {"notification": "abc"}).status_code == 404
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_an_htmx_mark_read_answers_the_list(client, desk, inbox):
    client.force_login(desk.agent)
    response = client.post(READ, {"notification": inbox["second"].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="notifications"' in response.content.decode()
    assert response.context["unread_notifications"] == 1


def test_anonymous_visitors_sign_in_first(client):
    assert client.get(LIST).status_code == 302
    assert client.post(READ, {"all": "1"}).status_code == 302
