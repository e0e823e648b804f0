"""The assignment group form.

Rule (see ``caducee.desk.models.groups``): the model validates the team and
the establishment together, the manager (active, seeing the group's
tickets) and the escalation target (not itself, no loop); this form only
offers choices the editor may see — teams and groups of their scope, and as
managers the active accounts of their establishments or of the whole GHT.
Members are the team's, kept by the organisation: they are not edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caducee.core.forms import ScopedModelForm
from caducee.desk.models import AssignmentGroup
from caducee.desk.services.routing import SYSTEM_USERNAME

__all__ = ["AssignmentGroupForm", "manager_choices"]


def manager_choices(user: Any, current_id: int | None = None):
    """Active accounts in ``user``'s establishments or seeing the whole GHT."""
    accounts = get_user_model().objects.filter(is_active=True).exclude(username=SYSTEM_USERNAME)
    ids = user.establishment_ids() if user is not None else set()
    if ids is not None:
        accounts = accounts.filter(
            Q(establishments__in=ids) | Q(all_establishments=True) | Q(pk=current_id)
        )
    return accounts.distinct().order_by("last_name", "first_name", "username")


class AssignmentGroupForm(ScopedModelForm):
    class Meta:
        model = AssignmentGroup
        fields = [
            "team",
            "level",
            "establishment",
            "manager",
            "assignment_method",
            "auto_assign",
            "escalates_to",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["establishment"].empty_label = _("Whole GHT")
        fields["manager"].queryset = manager_choices(self.user, self.instance.manager_id)
        fields["manager"].empty_label = _("No manager")
        fields["escalates_to"].empty_label = _("No next level")
        if self.instance.pk:
            fields["escalates_to"].queryset = fields["escalates_to"].queryset.exclude(
                pk=self.instance.pk
            )
