"""Tables of core: user accounts."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from caducee.core.models import User
from caducee.core.roles import role_label


class UserTable(tables.Table):
    username = tables.Column(linkify=True)
    roles = tables.Column(verbose_name=_("Roles"), accessor="pk", orderable=False)
    scope = tables.Column(verbose_name=_("Establishments"), accessor="pk", orderable=False)

    class Meta:
        model = User
        fields = (
            "username",
            "last_name",
            "first_name",
            "email",
            "roles",
            "scope",
            "is_active",
            "last_login",
        )
        attrs = {"class": "table"}
        template_name = "core/table.html"

    def render_roles(self, record):
        return ", ".join(role_label(g.name) for g in record.groups.all())

    def render_scope(self, record):
        if record.all_establishments:
            return _("Whole GHT")
        return ", ".join(str(e) for e in record.establishments.all())

    value_roles = render_roles
    value_scope = render_scope
