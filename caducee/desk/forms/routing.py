"""The routing rule form.

Rule (see ``caducee.desk.models.routing``): every condition is optional; the
model checks that they agree (a category of the rule's kind, an item and a
group of the rule's establishment). Items are typed, not picked from a list
(a GHT holds 25,000 of them): the CMDB's ``ItemReferenceField``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.forms.relations import ItemReferenceField
from caducee.cmdb.models import Priority
from caducee.cmdb.types import CIType
from caducee.core.forms import ScopedModelForm
from caducee.desk.models import RoutingRule, TicketKind

__all__ = ["RoutingRuleForm"]


class RoutingRuleForm(ScopedModelForm):
    configuration_item = ItemReferenceField(
        label=_("configuration item"),
        required=False,
        help_text=_("Name, hostname, asset tag, serial number or #id."),
    )

    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "position",
            "is_active",
            "kind",
            "category",
            "ci_type",
            "configuration_item",
            "establishment",
            "priority",
            "assignment_group",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["kind"].choices = [("", _("Any kind")), *TicketKind.choices]
        fields["ci_type"].choices = [("", _("Any type")), *CIType.choices]
        fields["establishment"].empty_label = _("Any establishment")
        fields["category"].empty_label = _("Any category")
        fields["priority"].choices = [("", _("Any priority")), *Priority.choices]
        # A retired group takes no new rule, but an existing rule keeps showing its own.
        fields["assignment_group"].queryset = fields["assignment_group"].queryset.filter(
            Q(is_active=True) | Q(pk=self.instance.assignment_group_id)
        )
