"""Roles are Django groups whose permissions each app contributes.

The roles of a hospital IT department (DESIGN.md "Who uses it") are fixed
here; each app's ``roles.py`` gives ``PERMISSIONS = {role: [codenames]}`` for
its own models ("org.view_person", or "org.*" for every permission of the
app, "org.view_*" for every view permission). After each ``migrate`` the groups
are brought in line, so a new app's permissions reach the roles without a
data migration. A user's establishments are separate (see ``User``).
"""

from __future__ import annotations

import fnmatch
from importlib import import_module

from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

REQUESTER = "requester"
DESK_AGENT = "service_desk_agent"
SUPPORT_ENGINEER = "support_engineer"
GROUP_MANAGER = "group_manager"
CHANGE_MANAGER = "change_manager"
CAB_MEMBER = "cab_member"
SOFTWARE_REFERENT = "software_referent"
VENDOR_ENGINEER = "vendor_engineer"
BIOMEDICAL_ENGINEER = "biomedical_engineer"
DSI_MANAGER = "dsi_manager"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

ROLES: dict[str, str] = {
    REQUESTER: _("Requester"),
    DESK_AGENT: _("Service desk agent"),
    SUPPORT_ENGINEER: _("Support engineer"),
    GROUP_MANAGER: _("Group manager"),
    CHANGE_MANAGER: _("Change manager"),
    CAB_MEMBER: _("CAB member"),
    SOFTWARE_REFERENT: _("Software referent"),
    VENDOR_ENGINEER: _("Vendor engineer"),
    BIOMEDICAL_ENGINEER: _("Biomedical engineer"),
    DSI_MANAGER: _("IT department manager"),
    AUDITOR: _("Auditor"),
    ADMINISTRATOR: _("Administrator"),
}


def role_label(name: str) -> str:
    return str(ROLES.get(name, name))


def collected_patterns() -> dict[str, list[str]]:
    patterns: dict[str, list[str]] = {role: [] for role in ROLES}
    for config in apps.get_app_configs():
        if not config.name.startswith("caducee.") or not module_has_submodule(
            config.module, "roles"
        ):
            continue
        module = import_module(f"{config.name}.roles")
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            patterns.setdefault(role, []).extend(perms)
    return patterns


def sync_roles(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, patterns in collected_patterns().items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = {
            perm
            for key, perm in all_perms.items()
            if any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns)
        }
        group.permissions.set(wanted)


def connect_role_sync() -> None:
    post_migrate.connect(sync_roles, dispatch_uid="caducee.sync_roles")


# Core's own contribution: the audit trail is read by auditors, DSI managers
# and administrators; users' accounts are managed by administrators.
PERMISSIONS = {
    AUDITOR: ["core.view_auditevent"],
    DSI_MANAGER: ["core.view_auditevent", "core.view_user"],
    ADMINISTRATOR: ["core.view_auditevent", "core.view_user", "core.add_user", "core.change_user"],
}
