"""Assignment groups, their people and the routing rules of the demo GHT.

Groups are built on the organisation's teams (``demo_data.GROUPS``): the
shared service desk and each establishment's local IT team at level 1, the
DSI's specialist teams (network, systems, databases, workstations, the
application teams), the biomedical teams at level 2, and vendor groups (one
team per main supplier, no members: tickets wait there on the vendor).
Teams the organisation part has no equivalent for (databases, the three
application teams, the vendors) are added, drawn from the DSI's staff.

Who works tickets needs an account (an assignee is an active member with
the desk's permissions, ``common.check_assignment``): every member of those
teams without one gets one — agent at level 1, engineer above, biomedical
engineer in a biomedical team, group manager for the group's manager —
seeing the whole GHT when they belong to a shared team, else their
establishment. Accounts are written in bulk (one creation event each and one
``demo.desk_accounts`` event for their roles, scopes and people); groups and
rules, a few dozen rows, go through the services as an administrator would.

``load_desk`` reads all this back from the database (so the ticket
generators also run on a database the demo did not build in this process)
and ``Desk.route`` applies the rules the way the routing service does: the
first active rule whose conditions all hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils.text import slugify

from caducee.cmdb.models import Supplier
from caducee.core import roles
from caducee.core.demo import DEMO_PASSWORD
from caducee.core.services import access, audit
from caducee.core.services.objects import create_object
from caducee.core.services.scoping import establishment_allowed
from caducee.desk import demo_data as data
from caducee.desk.models import AssignmentGroup, Category, RoutingRule, SupportLevel
from caducee.desk.services.groups import create_group, update_group
from caducee.org.models import Person, Team


@dataclass
class Desk:
    """What the ticket generators need to know of the groups."""

    admin: Any
    groups: dict[str, AssignmentGroup]  # by team code
    #: Group pk → its members who work tickets: (user, establishment ids or None).
    workers: dict[int, list[tuple[Any, set[int] | None]]]
    rules: list[RoutingRule]
    parents: dict[int, int | None]  # category pk → parent pk
    by_establishment: dict[tuple[int, str], AssignmentGroup] = field(default_factory=dict)

    def lineage(self, category_id: int | None) -> set[int]:
        found: set[int] = set()
        while category_id is not None:
            found.add(category_id)
            category_id = self.parents.get(category_id)
        return found

    def route(
        self, kind: str, category_id: int | None, ci_type: str, est_id: int, priority: int
    ) -> AssignmentGroup | None:
        lineage = self.lineage(category_id)
        for rule in self.rules:
            if (
                (not rule.kind or rule.kind == kind)
                and (rule.category_id is None or rule.category_id in lineage)
                and (not rule.ci_type or rule.ci_type == ci_type)
                and (rule.establishment_id is None or rule.establishment_id == est_id)
                and (rule.priority is None or priority <= rule.priority)
            ):
                return rule.assignment_group
        return None

    def members_for(self, group: AssignmentGroup, est_id: int) -> list[Any]:
        return [
            user for user, ids in self.workers.get(group.pk, []) if ids is None or est_id in ids
        ]


def admin_account() -> Any:
    User = get_user_model()
    admin = User.objects.filter(username="admin", is_active=True).first()
    return admin or User.objects.filter(is_superuser=True, is_active=True).first()


# --- building ----------------------------------------------------------------------------


def build_groups(rng: Any) -> Desk:
    """Teams, accounts, groups and rules (skipped when groups exist already)."""
    if AssignmentGroup.objects.exists():
        return load_desk()
    admin = admin_account()
    teams = _teams(rng)
    specs = _specs(teams)
    managers = _accounts(teams, specs)
    groups: dict[str, AssignmentGroup] = {}
    for code, spec in specs.items():
        team = teams[code]
        groups[code] = create_group(
            AssignmentGroup(
                team=team,
                level=spec.level,
                establishment=team.establishment,
                manager=managers.get(code),
                auto_assign=spec.auto_assign,
                assignment_method=spec.method,
            ),
            actor=admin,
        )
    for code, spec in specs.items():
        if spec.escalates_to in groups:
            group = groups[code]
            group.escalates_to = groups[spec.escalates_to]
            update_group(group, actor=admin)
    _rules(admin, groups)
    return load_desk()


def _teams(rng: Any) -> dict[str, Team]:
    teams = {t.code: t for t in Team.objects.select_related("establishment", "lead")}
    members = _team_members()
    for code, name, description, source, every in data.EXTRA_TEAMS:
        if code in teams or source not in teams:
            continue
        pool = sorted(members[teams[source].pk])
        offset = rng.randrange(every) if pool else 0
        people = list(Person.objects.filter(pk__in=pool[offset::every] or pool[:1]))
        team = Team.objects.create(
            code=code, name=name, description=description, lead=people[0] if people else None
        )
        team.members.set(people)
        teams[code] = team
    for code, supplier_name in data.VENDORS:
        supplier = Supplier.objects.filter(name=supplier_name).first()
        if code in teams or supplier is None:
            continue
        teams[code] = Team.objects.create(
            code=code,
            name=f"Fournisseur – {supplier.name}",
            description="Support de l'éditeur ou du mainteneur (contrat dans la CMDB).",
            email=supplier.support_email,
        )
    return teams


def _team_members() -> dict[int, set[int]]:
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, person_id in Team.members.through.objects.values_list("team_id", "person_id"):
        members[team_id].add(person_id)
    for team_id, lead_id in Team.objects.exclude(lead=None).values_list("pk", "lead_id"):
        members[team_id].add(lead_id)
    return members


def _specs(teams: dict[str, Team]) -> dict[str, data.GroupSpec]:
    specs: dict[str, data.GroupSpec] = {}
    for spec in data.GROUPS:
        if spec.team.endswith("*"):
            prefix = spec.team[:-1]
            for code in sorted(teams):
                if code.startswith(prefix) and teams[code].establishment_id is not None:
                    specs[code] = spec
        elif spec.team in teams:
            specs[spec.team] = spec
    return specs


def _work_role(code: str, spec: data.GroupSpec) -> str:
    if code.startswith("biomed"):
        return roles.BIOMEDICAL_ENGINEER
    return roles.DESK_AGENT if spec.level == SupportLevel.L1 else roles.SUPPORT_ENGINEER


def _accounts(teams: dict[str, Team], specs: dict[str, data.GroupSpec]) -> dict[str, Any]:
    """Accounts for the members who have none; returns each group's manager."""
    User = get_user_model()
    members = _team_members()
    people_ids = {pid for code in specs for pid in members[teams[code].pk]}
    people = {p.pk: p for p in Person.objects.filter(pk__in=people_ids).select_related("user")}
    new_roles: dict[int, set[str]] = defaultdict(set)
    shared: set[int] = set()
    manager_person: dict[str, int] = {}
    for code, spec in specs.items():
        team = teams[code]
        ids = sorted(members[team.pk])
        if not ids or spec.level == SupportLevel.VENDOR:
            continue
        for pid in ids:
            new_roles[pid].add(_work_role(code, spec))
            if team.establishment_id is None:
                shared.add(pid)
        lead = people.get(team.lead_id) if team.lead_id else None
        candidates = ([lead] if lead else []) + [people[pid] for pid in ids]
        for person in candidates:
            user = person.user
            if user is None or establishment_allowed(user, team.establishment_id):
                manager_person[code] = person.pk
                if user is None:
                    new_roles[person.pk].add(roles.GROUP_MANAGER)
                break
    password = make_password(DEMO_PASSWORD)
    taken = set(User.objects.values_list("username", flat=True))
    created: dict[int, Any] = {}
    for pid in sorted(new_roles):
        person = people[pid]
        if person.user_id is not None:
            continue
        base = f"{slugify(person.first_name)}.{slugify(person.last_name)}"[:140]
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base}{n}"
        taken.add(username)
        user = User(
            username=username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            all_establishments=pid in shared,
        )
        user.password = password
        created[pid] = user
    users = list(created.values())
    User.objects.bulk_create(users, batch_size=1000)
    audit.record_bulk_creation(users)
    role_groups = {g.name: g for g in Group.objects.all()}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=created[pid].pk, group_id=role_groups[role].pk)
            for pid in created
            for role in sorted(new_roles[pid])
        ],
        batch_size=2000,
    )
    User.establishments.through.objects.bulk_create(
        [
            User.establishments.through(
                user_id=created[pid].pk, establishment_id=people[pid].establishment_id
            )
            for pid in created
            if pid not in shared
        ],
        batch_size=2000,
    )
    access.invalidate()  # accounts, roles and establishments written past the signals
    for pid, user in created.items():
        people[pid].user = user
    Person.objects.bulk_update([people[pid] for pid in created], ["user"], batch_size=1000)
    audit.record_event(
        "demo.desk_accounts",
        data={
            "accounts": len(created),
            "whole_ght": sum(1 for pid in created if pid in shared),
            "people": sorted(created),
            "roles": {role: sum(role in r for r in new_roles.values()) for role in role_groups},
        },
        obj_type="core.user",
        obj_repr="Comptes des équipes informatiques et biomédicales (démo)",
    )
    result = {}
    for code, pid in manager_person.items():
        result[code] = people[pid].user
    return result


def _rules(admin: Any, groups: dict[str, AssignmentGroup]) -> None:
    categories = {
        (c.kind, c.full_name): c for c in Category.objects.select_related("parent__parent")
    }
    position = 0

    def add(name: str, kind: str, category: str, ci_type: str, priority, group, est=None):
        nonlocal position
        position += 10
        create_object(
            RoutingRule(
                position=position,
                name=name[:200],
                kind=kind,
                category=categories.get((kind, category)) if category else None,
                ci_type=ci_type,
                priority=priority,
                establishment=est,
                assignment_group=group,
            ),
            actor=admin,
        )

    local = sorted(
        (g for g in groups.values() if g.establishment_id is not None),
        key=lambda g: (g.establishment_id, g.team.code),
    )
    for group in local:
        for kind, category, ci_type, prefix in data.LOCAL_ROUTES:
            if group.team.code.startswith(prefix):
                what = category or ci_type.replace("_", " ")
                name = f"{group.establishment.short_name} : {what} → {group.team.name}"
                add(name, kind, category, ci_type, None, group, group.establishment)
    for name, kind, category, ci_type, priority, code in data.ROUTES:
        if code in groups:
            add(name, kind, category, ci_type, priority, groups[code])


# --- reading back ------------------------------------------------------------------------


def load_desk() -> Desk:
    groups = {
        g.team.code: g
        for g in AssignmentGroup.objects.filter(is_active=True).select_related("team")
    }
    User = get_user_model()
    users = {u.pk: u for u in User.objects.filter(is_active=True, person__isnull=False)}
    can_work = set(
        User.objects.filter(
            groups__permissions__codename="change_ticket",
            groups__permissions__content_type__app_label="desk",
        ).values_list("pk", flat=True)
    )
    scopes: dict[int, set[int]] = defaultdict(set)
    for uid, eid in User.establishments.through.objects.values_list("user_id", "establishment_id"):
        scopes[uid].add(eid)
    user_of_person = dict(Person.objects.exclude(user=None).values_list("pk", "user_id"))
    members = _team_members()
    workers: dict[int, list] = {}
    for group in groups.values():
        found = []
        for pid in sorted(members[group.team_id]):
            uid = user_of_person.get(pid)
            if uid in users and uid in can_work:
                user = users[uid]
                ids = None if user.all_establishments or user.is_superuser else scopes[uid]
                if group.establishment_id is None or ids is None or group.establishment_id in ids:
                    found.append((user, ids))
        workers[group.pk] = found
    rules = list(
        RoutingRule.objects.filter(is_active=True)
        .select_related("assignment_group__team")
        .order_by("position", "pk")
    )
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    by_est = {
        (g.establishment_id, code.split("-")[0]): g
        for code, g in groups.items()
        if g.establishment_id is not None
    }
    return Desk(admin_account(), groups, workers, rules, parents, by_est)
