"""Form base classes: choices limited to the user's scope, labelled fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.core.models.base import RestrictedQuerySet


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-object choices are scoped to the user.

    A user of establishment A must not be able to pick (or even see the name
    of) a room, unit or person of establishment B.
    """

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and isinstance(queryset, RestrictedQuerySet):
                field.queryset = queryset.restrict(user, "view")
            if isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "select")


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for a token that does not expire."),
    )
