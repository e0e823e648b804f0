"""The notification preferences form: one checkbox per event and channel.

Rule (issue "Channels" point 1): everyone chooses, per event and channel,
what they receive, the defaults shown as the boxes' starting state. One
choice is refused at the edge: turning off both channels of an event that
hands you work (an assignment, a mention) would let tickets wait on someone
who never learns of them — the error is shown beside that event.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.desk.models import NotificationChannel, NotificationKind

#: Events that hand someone work: at least one channel stays on.
ESSENTIAL = (NotificationKind.ASSIGNED, NotificationKind.MENTION)


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class NotificationPreferenceForm(forms.Form):
    def __init__(self, *args, current: dict[tuple[str, str], bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        for kind in NotificationKind:
            for channel in NotificationChannel:
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    label=f"{kind.label} — {channel.label}",
                    required=False,
                    initial=current.get((kind.value, channel.value), False),
                )

    def rows(self) -> list[dict]:
        """Per event, its label, its fields per channel and its errors."""
        rows = []
        for kind in NotificationKind:
            bound = [self[field_name(kind, channel)] for channel in NotificationChannel]
            rows.append(
                {
                    "kind": kind,
                    "label": kind.label,
                    "fields": bound,
                    "errors": [e for f in bound for e in f.errors],
                }
            )
        return rows

    @staticmethod
    def channels() -> list:
        return list(NotificationChannel)

    def clean(self) -> dict:
        data = super().clean()
        for kind in ESSENTIAL:
            names = [field_name(kind, channel) for channel in NotificationChannel]
            if not any(data.get(name) for name in names):
                self.add_error(
                    names[0],
                    _("Keep at least one channel: this event gives you work to do."),
                )
        return data

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (kind.value, channel.value): bool(self.cleaned_data.get(field_name(kind, channel)))
            for kind in NotificationKind
            for channel in NotificationChannel
        }
