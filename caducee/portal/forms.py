"""Portal forms: plain questions, every input labelled, every error linked.

Accessibility (WCAG 2.1 AA, 1.3.1 / 3.3.1): each input points with
``aria-describedby`` at its help text and, once refused, at its error
message (``<id>_error``), and carries ``aria-invalid``; the templates render
those ids (``portal/includes/field.html``). A refusal of a service
(``DomainError``) lands on the field it names, else above the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.portal.models import SCORE_MAX, SCORE_MIN
from caducee.portal.models.satisfaction import COMMENT_LENGTH
from caducee.portal.services.reports import TITLE_LENGTH, PatientsAffected

#: What the file input offers a phone: its camera and photos, and documents.
ACCEPT = "image/*,.pdf,.txt,.log,.csv,.doc,.docx,.xls,.xlsx,.odt,.ods,.zip"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class DescribedForm(forms.Form):
    """Links each input to its help text and its errors (see module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe()

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if self.is_bound and name in self._errors_or_empty():
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def _errors_or_empty(self) -> dict:
        return self._errors or {}

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def add_error(self, field: str | None, error: Any) -> None:
        if field is not None and field not in self.fields:
            field = None
        super().add_error(field, error)
        self._describe()

    def domain_error(self, exc: Any) -> None:
        """Show a service's refusal next to the field it names."""
        self.add_error(exc.field, exc.message)


class ReportForm(DescribedForm):
    title = forms.CharField(
        label=_("What is wrong?"),
        max_length=TITLE_LENGTH,
        help_text=_("In a few words, e.g. “The drug cabinet screen is frozen”."),
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you were doing, what you see, since when. No patient names, please."),
    )
    care_unit = forms.ModelChoiceField(
        label=_("Your care unit"), queryset=None, required=False, empty_label=_("Not in a unit")
    )
    location = forms.ModelChoiceField(
        label=_("Where are you?"),
        queryset=None,
        required=False,
        empty_label=_("Somewhere else (say where in the details)"),
    )
    patients = forms.ChoiceField(
        label=_("Are patients affected?"),
        choices=PatientsAffected.choices,
        widget=forms.RadioSelect,
    )
    files = MultipleFileField(
        label=_("A photo or a file"),
        help_text=_("Optional: a photo of the screen helps the technician."),
    )

    def __init__(self, *args: Any, care_units: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_unit"].queryset = care_units
        self.fields["location"].queryset = places
        # The phone's camera first: "capture" opens it where the browser can.
        self.fields["files"].widget.attrs["capture"] = "environment"


class ReplyForm(DescribedForm):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    files = MultipleFileField(label=_("A photo or a file"))


class ReopenForm(DescribedForm):
    reason = forms.CharField(
        label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class SatisfactionForm(DescribedForm):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very satisfied."),
    )
    comment = forms.CharField(
        label=_("A comment (optional)"),
        required=False,
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
