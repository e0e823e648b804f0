"""What the CMDB adds to other apps' pages: the person page shows the
person's equipment and applications (issue "CMDB" point 5), without ``org``
importing ``cmdb`` (see ``caducee.core.panels``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.usage import usage_for_person
from caducee.core.panels import register_panel
from caducee.core.services.scoping import can


def person_equipment(person, request) -> dict[str, Any] | None:
    """The "Equipment and applications" panel; absent for users who may not
    read the CMDB."""
    if not can(request.user, ConfigurationItem, "view"):
        return None
    return {
        "title": _("Equipment and applications"),
        "template": "cmdb/person_usage_panel.html",
        "context": {"usage": usage_for_person(person, user=request.user)},
    }


register_panel("org.person", person_equipment, order=10)
