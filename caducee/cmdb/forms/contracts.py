"""Forms of suppliers and contracts, and the P1–P5 grid of a contract's
commitments (times typed as people say them: "4 h", "1 h 30", "45 min")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.durations import format_minutes, parse_minutes
from caducee.cmdb.models import Contract, Priority, Supplier
from caducee.core.forms import ScopedModelForm

__all__ = [
    "CommitmentGridFormSet",
    "CommitmentRowForm",
    "ContractForm",
    "DurationMinutesField",
    "SupplierForm",
    "compact_siret",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def compact_siret(value: str) -> str:
    """Spaces, dots and dashes removed: "732 829 320 00074" → "73282932000074"."""
    return "".join(ch for ch in (value or "") if not ch.isspace() and ch not in ".-")


class SupplierForm(ScopedModelForm):
    # Wider than the column: a SIRET is often typed with spaces, removed here.
    siret = forms.CharField(
        label=_("SIRET"), max_length=32, required=False, help_text=_("14 digits.")
    )

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    def clean_siret(self) -> str:
        return compact_siret(self.cleaned_data.get("siret", ""))

    class Meta:
        model = Supplier
        fields = [
            "name",
            "siret",
            "phone",
            "email",
            "support_phone",
            "support_email",
            "website",
            "address",
            "notes",
        ]


class ContractForm(ScopedModelForm):
    class Meta:
        model = Contract
        fields = [
            "supplier",
            "reference",
            "title",
            "kind",
            "establishment",
            "start_date",
            "end_date",
            "notice_days",
            "support_hours",
            "calendar_code",
            "annual_amount",
            "penalty_cap",
            "notes",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].empty_label = _("Whole GHT")


class DurationMinutesInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, int):
            return format_minutes(value)
        return super().format_value(value)


class DurationMinutesField(forms.CharField):
    """A duration in hours and minutes, cleaned to a number of minutes."""

    widget = DurationMinutesInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.validators.append(MinValueValidator(1))

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_minutes(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def run_validators(self, value):
        if value in self.empty_values:
            return
        # CharField's max-length validator applies to the text, not the minutes.
        for validator in self.validators:
            if isinstance(validator, MinValueValidator):
                validator(value)


class CommitmentRowForm(forms.Form):
    """One priority's terms; a row left empty means no commitment."""

    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, widget=forms.HiddenInput
    )
    # The grid page explains the format once, above the rows.
    response_minutes = DurationMinutesField(label=_("Response within"), required=False)
    resolution_minutes = DurationMinutesField(label=_("Resolution within"), required=False)
    penalty_per_hour = forms.DecimalField(
        label=_("Penalty per hour late (€)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )

    @property
    def priority_label(self) -> str:
        value = self.initial.get("priority") or self.data.get(self.add_prefix("priority"))
        try:
            return Priority(int(value)).label
        except (TypeError, ValueError):
            return ""

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            data.get("response_minutes") is None
            and data.get("resolution_minutes") is None
            and data.get("penalty_per_hour") in (None, 0)
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        response = cleaned.get("response_minutes")
        resolution = cleaned.get("resolution_minutes")
        if self.is_blank:
            return cleaned
        if response is None:
            self.add_error(
                "response_minutes", _("Enter the response time, or empty the whole row.")
            )
        if resolution is None:
            self.add_error(
                "resolution_minutes", _("Enter the resolution time, or empty the whole row.")
            )
        return cleaned


class _GridFormSet(forms.BaseFormSet):
    def clean(self):
        priorities = [f.cleaned_data.get("priority") for f in self.forms if f.cleaned_data]
        if len(priorities) != len(set(priorities)):
            raise ValidationError(_("Each priority may appear only once."))


CommitmentGridFormSet = forms.formset_factory(
    CommitmentRowForm,
    formset=_GridFormSet,
    extra=0,
    max_num=len(Priority.values),
    validate_max=True,
    absolute_max=len(Priority.values),
)
