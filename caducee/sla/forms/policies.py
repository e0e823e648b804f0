"""Forms of SLA policies and OLAs.

Only the input is read here; the rules (a target at least, the response
before the resolution, a category of the policy's kind, a calendar of the
policy's establishment, one OLA per group and priority) are the models'
and come back field by field through the services. Choices are scoped to
the user (``ScopedModelForm``); "empty" choices are named for what they
mean here ("Any priority", "Whole GHT").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from caducee.core.forms import ScopedModelForm
from caducee.sla.models import OperationalTarget, SlaPolicy

__all__ = ["OperationalTargetForm", "SlaPolicyForm"]


def _empty(form: ScopedModelForm, name: str, label: str) -> None:
    field = form.fields[name]
    if hasattr(field, "empty_label"):
        field.empty_label = label
    else:
        field.choices = [("", label), *[c for c in field.choices if c[0] not in ("", None)]]


class SlaPolicyForm(ScopedModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "position",
            "is_active",
            "kind",
            "priority",
            "category",
            "establishment",
            "calendar",
            "response_minutes",
            "resolution_minutes",
            "warning_percent",
            "on_warning",
            "on_breach",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _empty(self, "kind", _("Any kind"))
        _empty(self, "priority", _("Any priority"))
        _empty(self, "category", _("Any category"))
        _empty(self, "establishment", _("Whole GHT"))


class OperationalTargetForm(ScopedModelForm):
    class Meta:
        model = OperationalTarget
        fields = [
            "assignment_group",
            "priority",
            "calendar",
            "resolution_minutes",
            "warning_percent",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _empty(self, "priority", _("Any priority"))
