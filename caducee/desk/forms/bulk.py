"""The queue's bulk form: the ticked tickets and what to do with them.

Rule (STYLE.md principle 6): what was ticked and chosen becomes field
errors here — a destination's missing group, resolution code or reason is
named on its field before any ticket is touched; the service
(``caducee.desk.services.bulk``) then applies the lifecycle to each ticket.
Each ticked row posts ``ticket=<id>:<version>``: the version the agent saw
travels with the id, so a ticket changed meanwhile is refused, not
overwritten.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.core.widgets import lighten
from caducee.desk.forms.tickets import AssigneeField, assignee_queryset, use_assignees
from caducee.desk.models import AssignmentGroup, ResolutionCode, Status
from caducee.desk.services.bulk import BULK_STATUSES, MAX_TICKETS, Selected

__all__ = ["TicketBulkForm", "TicketSelectionField"]

ASSIGN = "assign"
STATUS = "status"
ACTIONS = ((ASSIGN, _("Assign to a group or member")), (STATUS, _("Change status")))
#: Destinations that need a reason (the lifecycle refuses them without one).
REASON_NEEDED = frozenset({Status.CANCELLED})


class TicketSelectionField(forms.Field):
    """The ticked rows, ``<id>:<version>`` each."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one ticket."),
        "invalid": _("The selection is not valid: tick the tickets again."),
        "too_many": _("At most %(max)d tickets at once."),
    }

    def to_python(self, value: Any) -> list[Selected]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        selected = []
        for raw in value:
            pk, sep, version = str(raw).partition(":")
            if not sep or not pk.isdigit() or not version.isdigit():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            selected.append(Selected(int(pk), int(version)))
        if len(selected) > MAX_TICKETS:
            raise forms.ValidationError(
                self.error_messages["too_many"] % {"max": MAX_TICKETS}, code="too_many"
            )
        return selected


class TicketBulkForm(forms.Form):
    ticket = TicketSelectionField(label=_("Tickets"))
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignment_group = forms.ModelChoiceField(
        label=_("Group"), queryset=AssignmentGroup.objects.none(), required=False
    )
    assignee = AssigneeField(
        label=_("Member"),
        queryset=assignee_queryset().none(),
        required=False,
        empty_label=_("Nobody: the group’s queue"),
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", "---------"), *((s.value, s.label) for s in BULK_STATUSES)],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    resolution_code = forms.ChoiceField(
        label=_("Resolution code"),
        choices=[("", "---------"), *ResolutionCode.choices],
        required=False,
    )
    resolution_notes = forms.CharField(
        label=_("Resolution notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        # Its fields sit beside the queue's filters: ids of their own.
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.fields["assignment_group"].queryset = (
            AssignmentGroup.objects.select_related("team")
            .restrict(user, "view")
            .filter(is_active=True)
        )
        use_assignees(self.fields["assignee"])
        lighten(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == ASSIGN and not data.get("assignment_group"):
            self.add_error("assignment_group", _("Choose the group to assign the tickets to."))
        if action == STATUS:
            status = data.get("status")
            if not status:
                self.add_error("status", _("Choose the new status."))
            elif status == Status.RESOLVED and not data.get("resolution_code"):
                self.add_error("resolution_code", _("Choose how the tickets were resolved."))
            elif status in REASON_NEEDED and not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why the tickets are cancelled."))
        return data
