"""The mailbox form: the password is write-only.

A stored password is never sent back to the browser: the field is always
empty, "leave empty to keep the current password"; what is typed is
encrypted on the instance (``Mailbox.set_password``) before the service
saves it, and the trail records only that it changed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.core.forms import ScopedModelForm
from caducee.inbound.models import Mailbox


class MailboxForm(ScopedModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "establishment",
            "address",
            "host",
            "port",
            "security",
            "ca_file",
            "username",
            "password",
            "password_env",
            "folder",
            "unknown_senders",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.password_encrypted:
            self.fields["password"].help_text = _(
                "Stored encrypted. Or leave empty and name the environment variable below."
            )

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            self.instance.set_password(password)
        return cleaned
