"""What the queue and the ticket page still show after their second diet
(issue "Service desk core", performance: p95 under 100 ms at GHT scale):
the assignee drop-down read as values and written in one pass, the "my
groups" lookup by semi-joins, the unread count read once per page. The
bounds are query counts; the figures are in bench/README.md."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.forms.tickets import AssigneeField, TransitionForm, assignee_queryset
from caducee.desk.models import AssignmentGroup, Notification
from caducee.org.models import Person, Team

pytestmark = pytest.mark.django_db

QUEUE = reverse("desk:queue")


# --- the assignee drop-down ---------------------------------------------------------------
def test_assignees_are_the_members_and_leads_of_active_groups(desk, ght, make_user, admin_user):
    former = make_user(roles.DESK_AGENT, establishments=[ght.a], username="ancien")
    with acting_as(admin_user):
        person = Person.objects.create(
            establishment=ght.a, first_name="Anne", last_name="Ancien", user=former
        )
        team = Team.objects.create(code="ancien", name="Ancienne équipe", establishment=ght.a)
        team.members.set([person])
    AssignmentGroup.objects.create(team=team, establishment=ght.a, is_active=False)
    # Alice is a member, Bruno a lead (and a member of the network); Aurélien
    # and Anne are in no active group. By name, then username (alice, bruno).
    assert list(assignee_queryset()) == [desk.agent, desk.engineer]


class _DjangoRendered(forms.Form):
    """The reference: Django's own ``Select``, rendered by its templates."""

    assignee = forms.ModelChoiceField(queryset=assignee_queryset(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = assignee_queryset()
        field.label_from_instance = lambda user: user.get_full_name() or user.username


@pytest.mark.parametrize("chosen", [None, "agent", "engineer"])
def test_the_assignee_drop_down_is_the_html_django_writes(desk, ght, chosen):
    with acting_as(desk.agent):
        # A name that needs escaping.
        desk.engineer.first_name = 'Bruno "<b>"'
        desk.engineer.save()
    initial = {"assignee": getattr(desk, chosen).pk if chosen else None}
    ours = TransitionForm(user=desk.agent, initial=initial, auto_id="id_%s")["assignee"]
    reference = _DjangoRendered(initial=initial)["assignee"]
    assert str(ours) == str(reference)
    assert "&lt;b&gt;" in str(ours)
    assert str(ours).count(" selected") == 1


def test_an_assignee_outside_the_groups_is_refused(desk):
    field = AssigneeField(queryset=assignee_queryset(), required=False)
    assert field.clean(str(desk.agent.pk)) == desk.agent
    with pytest.raises(forms.ValidationError):
        field.clean(str(desk.outsider.pk))


def test_the_assignee_drop_down_is_read_once_as_values(desk, django_assert_num_queries):
    form = TransitionForm(user=desk.agent)
    with django_assert_num_queries(1):
        html = str(form["assignee"])
    assert f'value="{desk.agent.pk}"' in html and f'value="{desk.outsider.pk}"' not in html


# --- "my groups" --------------------------------------------------------------------------
def test_my_groups_are_those_i_belong_to_or_lead_once_each(desk, admin_user):
    # Bruno leads the desk's team and is a member of the network's; make him
    # a member of the desk's team too: still one row per group.
    desk.desk_a.team.members.add(desk.engineer_person)
    assert list(AssignmentGroup.of_user(desk.engineer)) == [desk.desk_a, desk.network]
    assert list(AssignmentGroup.of_user(desk.agent)) == [desk.desk_a]
    assert list(AssignmentGroup.of_user(desk.outsider)) == []
    AssignmentGroup.objects.filter(pk=desk.network.pk).update(is_active=False)
    assert list(AssignmentGroup.of_user(desk.engineer)) == [desk.desk_a]


# --- the unread count ---------------------------------------------------------------------
def _unread_counts(captured) -> int:
    return sum('FROM "desk_notification"' in q["sql"] and "COUNT" in q["sql"] for q in captured)


def test_the_queue_and_its_bell_count_unread_notifications_once(client, desk, new_ticket):
    ticket = new_ticket()
    for message in ("Un", "Deux"):
        Notification.objects.create(
            recipient=desk.agent, ticket=ticket, kind="assigned", message=message
        )
    client.force_login(desk.agent)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(QUEUE).content.decode()
    assert _unread_counts(captured) == 1
    bell = re.search(r'<span id="notify-bell-count".*?</span></span>', html, re.S).group()
    link = re.search(r'<a id="desk-notifications".*?</a>', html, re.S).group()
    assert "bell-count-unread" in bell and ">2<" in bell
    assert ">2<" in link


def test_other_pages_count_for_the_bell_once(client, desk, new_ticket):
    ticket = new_ticket()
    Notification.objects.create(recipient=desk.agent, ticket=ticket, kind="assigned", message="Un")
    client.force_login(desk.agent)
    url = reverse("desk:ticket_detail", args=[ticket.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    assert _unread_counts(captured) == 1
    assert "bell-count-unread" in html


# --- what the pages cost ------------------------------------------------------------------
def test_the_queue_and_the_ticket_page_cost_fewer_queries(
    client, desk, new_ticket, django_assert_max_num_queries
):
    ticket = new_ticket(assignment_group=desk.desk_a, assignee=desk.agent)
    client.force_login(desk.agent)
    detail = reverse("desk:ticket_detail", args=[ticket.pk])
    client.get(QUEUE)  # caches warmed, the session's expiry pushed forward
    client.get(detail)
    # No session write, one unread count (test_pages_cost.py allowed 21 and 26).
    with django_assert_max_num_queries(17):
        assert client.get(QUEUE, {"queue": "groups"}).status_code == 200
    with django_assert_max_num_queries(23):
        assert client.get(detail).status_code == 200
