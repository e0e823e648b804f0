"""Saving the queue's current filter under a name.

The query string travels hidden (it is the page's own); the service
(``caducee.desk.services.saved_filters``) normalises it and owns the rule
that names are unique per owner — its error lands on the name field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.desk.models import SavedFilter

__all__ = ["SavedFilterForm"]


class SavedFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=SavedFilter._meta.get_field("name").max_length
    )
    shared = forms.BooleanField(
        label=_("Share with colleagues"),
        required=False,
        help_text=_("Colleagues who work tickets see it too."),
    )
    query = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=SavedFilter._meta.get_field("query").max_length * 2,
    )
