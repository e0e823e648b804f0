"""Form base classes: choices limited to the user's scope, labelled fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.core.models import User
from caducee.core.models.base import RestrictedQuerySet
from caducee.core.widgets import lighten


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
        lighten(self)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for a token that does not expire."),
    )


def role_choices() -> list[tuple[str, str]]:
    from caducee.core.roles import ROLES

    return [(name, label) for name, label in ROLES.items()]


class UserForm(ScopedModelForm):
    """An account: identity, roles, establishments; a password when created."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=role_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Leave empty to keep the current password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "language",
            "all_establishments",
            "establishments",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.groups.values_list("name", flat=True))
        else:
            self.fields["password1"].required = True
            self.fields["password2"].required = True
            self.fields["password1"].help_text = _("At least 12 characters.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
