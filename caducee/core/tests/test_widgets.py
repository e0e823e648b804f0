"""Drop-downs rendered in Python look exactly like Django's."""

from __future__ import annotations

import pytest
from django import forms

from caducee.core.widgets import QuickSelect, QuickSelectMultiple

CHOICES = [
    ("", "---------"),
    ("a", "<Réa> & co"),
    ("Bloc", [("b", "Salle 1"), ("c", 'Salle "2"')]),
    (3, "trois"),
]


@pytest.mark.parametrize(
    ("django_widget", "quick", "value"),
    [
        (forms.Select, QuickSelect, "b"),
        (forms.Select, QuickSelect, None),
        (forms.SelectMultiple, QuickSelectMultiple, ["a", "3"]),
    ],
    ids=["select", "select-empty", "multiple"],
)
def test_same_html_as_djangos_templates(django_widget, quick, value):
    attrs = {"class": "select", "size": 4, "required": True, "disabled": False}
    expected = django_widget(attrs=attrs, choices=CHOICES).render("room", value, {"id": "id_room"})
    got = quick(attrs=attrs, choices=CHOICES).render("room", value, {"id": "id_room"})
    assert got == expected
    assert "&lt;Réa&gt; &amp; co" in got and "<Réa>" not in got
