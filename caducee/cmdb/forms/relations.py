"""Forms of relations: "source <kind> target".

Rule (issue "CMDB" point 2): the allowed type pairs and the ban on
self-loops are ``Relation.clean``'s; this form only turns typed text into
items and reports a duplicate before the database would. Items are picked by
typing (name, hostname, asset tag, serial or ``#id``) rather than from a
drop-down: a GHT holds 25,000 of them.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.core.forms import ScopedModelForm

__all__ = ["ItemReferenceField", "RelationForm", "duplicate_relation"]


def duplicate_relation(data: dict[str, Any], instance: Relation | None) -> Any:
    """The message when the same "source kind target" is already recorded."""
    source, kind = data.get("source"), data.get("kind")
    target, care_unit = data.get("target"), data.get("care_unit")
    if not source or not kind or bool(target) == bool(care_unit):
        return None  # incomplete: Relation.clean says what is missing
    same = Relation.objects.filter(source=source, kind=kind)
    same = same.filter(target=target) if target else same.filter(care_unit=care_unit)
    if instance is not None and instance.pk:
        same = same.exclude(pk=instance.pk)
    return _("This relation is already recorded.") if same.exists() else None


class ItemReferenceField(forms.ModelChoiceField):
    """Pick an item by typing its name, hostname, asset tag, serial or ``#id``.

    The typed text must designate exactly one item of the user's scope; the
    page offers suggestions as you type (htmx), and works without them.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid_choice": _("No item of your scope matches “%(value)s”."),
        "ambiguous": _(
            "Several items match “%(value)s”: type its asset tag, serial number or #id."
        ),
    }
    # "#12" or "name (#12)"; bare digits are a serial number or an asset tag.
    _ID = re.compile(r"(?:^#|\(#)(\d+)\)?$")

    def __init__(self, queryset=None, **kwargs: Any) -> None:
        super().__init__(queryset if queryset is not None else ConfigurationItem.objects, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, ConfigurationItem):
            return f"{value.name} (#{value.pk})"
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            item = self.queryset.filter(pk=value).first()
            return f"{item.name} (#{item.pk})" if item else value
        return value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        match = self._ID.search(text)
        if match:
            item = self.queryset.filter(pk=int(match.group(1))).first()
        else:
            key = text.lower()
            candidates = list(
                self.queryset.filter(
                    Q(name__iexact=text)
                    | Q(hostname=key)
                    | Q(asset_tag__iexact=text)
                    | Q(serial_number__iexact=text)
                )[:2]
            )
            if len(candidates) > 1:
                raise ValidationError(
                    self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
                )
            item = candidates[0] if candidates else None
        if item is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
            )
        return item

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


def item_reference_widget(list_id: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "list": list_id,
            "autocomplete": "off",
            "hx-get": reverse("cmdb:configurationitem_suggest"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
        }
    )


class RelationForm(ScopedModelForm):
    """ "source <kind> target": the target is an item, or a care unit for *used by*."""

    source = ItemReferenceField(label=_("Source"))
    target = ItemReferenceField(label=_("Target item"), required=False)

    class Meta:
        model = Relation
        fields = ["source", "kind", "target", "care_unit", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ScopedModelForm has limited both to the items the user may see.
        for name in ("source", "target"):
            self.fields[name].widget = item_reference_widget(f"{name}-suggestions")
        self.fields["source"].help_text = _("Name, hostname, asset tag, serial number or #id.")
        self.fields["care_unit"].help_text = _("Only for “used by”: the care unit that uses it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        message = duplicate_relation(cleaned, self.instance)
        if message:
            raise ValidationError(message, code="unique")
        return cleaned
