"""Changes to assignment groups.

Rule (STYLE.md principle 5; see ``caducee.desk.models.groups``): a group is
created on a team, for its establishment or the whole GHT, with a level, a
manager and an assignment method; the model validates that the team and the
group serve the same establishment and that the manager is active and sees
the group's tickets. Scope is checked by ``core.services.objects`` on the
group's establishment: a GHT-wide group (no establishment) is created or
changed only by someone with the whole GHT in scope. Groups are retired
(``is_active``), never deleted while tickets point to them.
"""

from __future__ import annotations

from typing import Any

from caducee.core.services import objects as object_services
from caducee.desk.models import AssignmentGroup


def create_group(group: AssignmentGroup, *, actor: Any) -> AssignmentGroup:
    return object_services.create_object(group, actor=actor)


def update_group(group: AssignmentGroup, *, actor: Any) -> AssignmentGroup:
    return object_services.update_object(group, actor=actor)
