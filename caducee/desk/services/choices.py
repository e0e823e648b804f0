"""What the assignment drop-downs offer, kept per process.

Rule (issue "Service desk core", performance: agent queue and ticket page
under 100 ms): every queue page (bulk assignment) and every ticket page
(the assign form) lists the accounts that may be given tickets — the
GHT's 368 engineers and agents — and the groups a ticket may go to. Read
from the database on each page, the accounts cost 2.7 ms and the 18 groups
3.9 ms (their instances, for a query the database answers in 0.1 ms). Both
change a few times a month, so they are kept per process
(``caducee.core.services.snapshots``: fresh across processes, replaced when
a change commits):

* the assignees: active accounts of people who are members or leads of an
  active group's team, as ``assignees()`` selects them and in its order.
  Watched on what decides it: an account's names and activity (not its
  logins), a person's account, a team's lead and members, a group's team
  and activity;
* the groups, from the desk's kept configuration (``configuration``), by
  the rules of ``restrict`` (``scoping.sees``) for the user at hand.

The forms validate a submitted choice against their querysets, in the
database, as before: the kept lists only say what to offer.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from caducee.core.services.scoping import sees
from caducee.core.services.snapshots import Snapshot
from caducee.desk.models import AssignmentGroup
from caducee.desk.services import configuration
from caducee.org.models import Person, Team


@functools.cache
def _assignees() -> QuerySet:
    User = get_user_model()
    # Two semi-joins (members, leads) rather than one OR over two outer-join
    # paths, which scanned the 20,000 people: 1.2 ms against 3.6 ms at the
    # GHT's scale, for the same accounts.
    teams = AssignmentGroup.objects.filter(is_active=True).values("team_id")
    members = Team.members.through.objects.filter(team_id__in=teams).values("person_id")
    leads = Team.objects.filter(pk__in=teams).values("lead_id")
    in_a_group = Q(pk__in=members) | Q(pk__in=leads)
    working = Person.objects.filter(in_a_group, user__isnull=False).values("user_id")
    return (
        User.objects.filter(pk__in=working, is_active=True)
        .only("pk", "username", "first_name", "last_name")
        .order_by("last_name", "first_name", "username")
    )


def assignees() -> QuerySet:
    """Active accounts that are members or leads of an active group's team."""
    # The query has no parameter: built once per process (0.75 ms of ORM
    # work), cloned per use.
    return _assignees().all()


def assignee_label(first_name: str, last_name: str, username: str) -> str:
    """``User.get_full_name()`` or the username, from the columns alone."""
    return f"{first_name} {last_name}".strip() or username


def _load_assignees() -> tuple[tuple[int, str], ...]:
    rows = assignees().values_list("pk", "first_name", "last_name", "username")
    return tuple((pk, assignee_label(*names)) for pk, *names in rows)


_assignee_options: Snapshot[tuple[tuple[int, str], ...]] = Snapshot(
    "desk-assignees", _load_assignees
)
_assignee_options.watch(
    AssignmentGroup,
    fields={
        get_user_model(): ("username", "first_name", "last_name", "is_active"),
        Person: ("user_id",),
        Team: ("lead_id",),
    },
    m2m=(Team.members.through,),
)


def assignee_options() -> tuple[tuple[int, str], ...]:
    """``(account id, label)`` of every assignee, in ``assignees()``'s order."""
    return _assignee_options.get()


def group_choices(user: Any, establishment_id: int | None) -> list[tuple[int, str]]:
    """``(group id, team name)`` of the active groups ``user`` sees that
    serve ``establishment_id`` (or the whole GHT), by team name as the
    groups are ordered."""
    config = configuration.configuration()
    groups = config.groups
    found = []
    for pk in groups.values:
        if not groups.value(pk, "is_active"):
            continue
        if groups.value(pk, "establishment_id") not in (None, establishment_id):
            continue
        group = groups.materialise(pk)
        if not sees(user, group):
            continue
        team_id = group.team_id
        name = config.teams.value(team_id, "name") if team_id in config.teams else str(pk)
        found.append((name, pk))
    return [(pk, name) for name, pk in sorted(found)]
