"""The assignment drop-downs offered from lists kept per process
(``desk.services.choices``).

What a user notices: the assign form of a ticket page and the queue's bulk
form offer exactly the groups and people the database would, without a
query; the moment a change commits (a group retired, an account
deactivated, a person joining a team), the next page offers the new list.
Committed for real where freshness is the point (``transaction=True``).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caducee.core import roles
from caducee.core.services import objects as object_services
from caducee.core.services.users import update_user
from caducee.desk.forms.bulk import TicketBulkForm
from caducee.desk.forms.tickets import TransitionForm, assignee_queryset, transition_groups
from caducee.desk.models import AssignmentGroup
from caducee.desk.services import choices
from caducee.desk.services.groups import create_group, update_group
from caducee.org.models import Person, Team


def _offered(form: TransitionForm, name: str) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in form.fields[name].widget.choices]


def _from_database(user, ticket) -> list[tuple[str, str]]:
    groups = [(str(g.pk), str(g)) for g in transition_groups(user, ticket)]
    people = [(str(u.pk), u.get_full_name() or u.username) for u in assignee_queryset()]
    return groups, people


@pytest.mark.django_db
def test_the_assign_form_offers_what_the_database_holds_without_a_query(desk, new_ticket, ght):
    ticket = new_ticket()
    for user in (desk.agent, desk.engineer, desk.agent_b):
        _offered(TransitionForm(user=user, ticket=ticket), "assignee")  # the lists are loaded
        with CaptureQueriesContext(connection) as captured:
            form = TransitionForm(user=user, ticket=ticket)
            groups = _offered(form, "assignment_group")[1:]
            people = _offered(form, "assignee")[1:]
        assert len(captured) == 0, [q["sql"] for q in captured]
        assert (groups, people) == _from_database(user, ticket)

    # The agent of A sees A's desk and the GHT's network group; the agent of
    # B, on a ticket of A, only the GHT's.
    def labels(user) -> list[str]:
        form = TransitionForm(user=user, ticket=ticket)
        return [label for _value, label in _offered(form, "assignment_group")[1:]]

    assert labels(desk.agent) == ["Centre de services Valmont", "Réseau GHT"]
    assert labels(desk.agent_b) == ["Réseau GHT"]


@pytest.mark.django_db
def test_a_group_offered_is_still_checked_when_submitted(desk, new_ticket, ght, admin_user):
    """The kept list only says what to offer: a group outside the user's
    scope, typed into the request, is refused by the form's queryset."""
    ticket = new_ticket()
    team = object_services.create_object(
        Team(code="desk-b", name="Centre de services B", establishment=ght.b), actor=admin_user
    )
    with_b = create_group(AssignmentGroup(team=team, establishment=ght.b), actor=admin_user)
    form = TransitionForm(
        {"to": "assigned", "version": ticket.version, "assignment_group": with_b.pk},
        user=desk.agent,
        ticket=ticket,
    )
    assert not form.is_valid() and "assignment_group" in form.errors


@pytest.mark.django_db(transaction=True)
def test_a_retired_group_is_no_longer_offered(desk, new_ticket, admin_user):
    ticket = new_ticket()
    offered = _offered(TransitionForm(user=desk.engineer, ticket=ticket), "assignment_group")
    assert str(desk.network.pk) in [value for value, _label in offered]
    group = AssignmentGroup.objects.get(pk=desk.network.pk)
    group.is_active = False
    update_group(group, actor=admin_user)
    offered = _offered(TransitionForm(user=desk.engineer, ticket=ticket), "assignment_group")
    assert str(desk.network.pk) not in [value for value, _label in offered]


@pytest.mark.django_db(transaction=True)
def test_the_assignees_follow_accounts_and_teams_once_committed(
    desk, new_ticket, admin_user, make_user, ght
):
    def offered() -> list[str]:
        return [
            label for _value, label in TicketBulkForm(user=desk.agent).fields["assignee"].choices
        ][1:]

    assert offered() == ["alice", "bruno"]  # accounts without names: their usernames
    # A deactivated account is not offered any more.
    alice = type(desk.agent).objects.get(pk=desk.agent.pk)
    alice.is_active = False
    update_user(alice, actor=admin_user)
    assert offered() == ["bruno"]
    # A person with an account who joins a group's team is.
    claude = make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a], username="claude")
    person = object_services.create_object(
        Person(establishment=ght.a, first_name="Claude", last_name="Blanc", user=claude),
        actor=admin_user,
    )
    team = Team.objects.get(pk=desk.network.team_id)
    object_services.update_object(
        team, actor=admin_user, m2m={"members": [*team.members.all(), person]}
    )
    assert offered() == ["bruno", "claude"]
    # Named: the name, in its place.
    claude = type(claude).objects.get(pk=claude.pk)
    claude.first_name, claude.last_name = "Claude", "Aubert"
    update_user(claude, actor=admin_user)
    assert offered() == ["bruno", "Claude Aubert"]
    assert choices._assignee_options.kept() is not None
