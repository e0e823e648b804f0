"""Forms of configuration items (and, re-exported, of relations).

Rule (issue "CMDB" point 7, and ``caducee.cmdb.types``): an item's form is
built from its type's spec — the common fields, the identity columns the
type uses, then one field per typed attribute named ``attributes.<name>``.
The type schema stays the one validator: the model's ``clean()`` raises
errors keyed ``attributes.<name>``, which land next to the field of that
name, exactly as the API reports them. The type is chosen before the form
and never changes afterwards (an ECG monitor does not become a printer).

The bulk edit form sets the same values on many items: an empty field
leaves them unchanged, "Clear" empties one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.forms.relations import ItemReferenceField, RelationForm, duplicate_relation
from caducee.cmdb.models import ConfigurationItem, Contract, LifecycleStatus, Supplier
from caducee.cmdb.models.items import COMMON_FIELDS, IDENTITY_FIELDS
from caducee.cmdb.types import Attribute, spec_for
from caducee.core.forms import ScopedModelForm
from caducee.org.models import Criticality, Establishment, Room, Team

__all__ = [
    "ConfigurationItemBulkEditForm",
    "ConfigurationItemForm",
    "ItemReferenceField",
    "RelationForm",
    "attribute_field_name",
    "duplicate_relation",
    "identity_taken",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


#: Identity columns unique across the GHT, with the message of a duplicate.
UNIQUE_IDENTITY = {
    "asset_tag": _("Another item already has this asset tag."),
    "uuid": _("Another item already has this UUID."),
}


def identity_taken(name: str, value: str, instance: ConfigurationItem | None) -> Any:
    """The message when another item already holds this unique identity."""
    value = (value or "").strip()
    if name == "uuid":
        value = value.lower()
    if not value:
        return None
    others = ConfigurationItem.objects.filter(**{name: value})
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    return UNIQUE_IDENTITY[name] if others.exists() else None


def room_label(room: Room) -> str:
    """Rooms are numbered per floor: say which establishment and building."""
    building = room.floor.building
    return f"{building.site.establishment} · {building.name} · {room}"


def label_rooms(field: forms.ModelChoiceField) -> None:
    field.queryset = field.queryset.select_related("floor__building__site__establishment")
    field.label_from_instance = room_label


def attribute_field_name(attr: Attribute | str) -> str:
    return f"attributes.{attr if isinstance(attr, str) else attr.name}"


def attribute_form_field(attr: Attribute) -> forms.Field:
    """The form field of one typed attribute, from its kind."""
    common: dict[str, Any] = {
        "label": capfirst(attr.label),
        # Checked here for the page and again by the schema (the one rule);
        # the form keeps a single message per field (see _update_errors).
        "required": attr.required,
        "help_text": attr.help_text,
    }
    if attr.kind == "int":
        return forms.IntegerField(min_value=attr.min_value, **common)
    if attr.kind == "bool":
        return forms.NullBooleanField(widget=yes_no_select("—"), **common)
    if attr.kind == "choice":
        return forms.ChoiceField(
            choices=[("", "---------"), *attr.choices],
            widget=forms.Select(attrs={"class": "select"}),
            **common,
        )
    if attr.kind == "date":
        return forms.DateField(widget=DATE, **common)
    return forms.CharField(max_length=attr.max_length, **common)


def _field_label(instance, name: str) -> str:
    try:
        return capfirst(instance._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key the model does not know
        return name


def yes_no_select(empty_label) -> forms.NullBooleanSelect:
    widget = forms.NullBooleanSelect(attrs={"class": "select"})
    widget.choices = [("unknown", empty_label), ("true", _("Yes")), ("false", _("No"))]
    return widget


class ConfigurationItemForm(ScopedModelForm):
    """Common fields + the type's identity columns + its typed attributes.

    The type comes from the instance: the edit view sets ``ci_type`` on a
    new item before building the form.
    """

    class Meta:
        model = ConfigurationItem
        fields = [*COMMON_FIELDS, *IDENTITY_FIELDS]
        widgets = {
            "purchase_date": DATE,
            "warranty_end": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec_for(self.instance.ci_type)
        for name in IDENTITY_FIELDS:
            if name not in self.spec.identity:
                del self.fields[name]
        # Identity columns after the general ones, notes last.
        self.order_fields([*(n for n in COMMON_FIELDS if n != "notes"), *IDENTITY_FIELDS])
        label_rooms(self.fields["room"])
        stored = self.instance.attributes or {}
        for attr in self.spec.attributes:
            field = attribute_form_field(attr)
            name = attribute_field_name(attr)
            self.fields[name] = field
            if attr.name in stored:
                self.initial[name] = stored[attr.name]
        self.fields["establishment"].empty_label = _("Shared (whole GHT)")

    def clean_asset_tag(self) -> str:
        return self._unique("asset_tag")

    def clean_uuid(self) -> str:
        return self._unique("uuid")

    def _unique(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        message = identity_taken(name, value, self.instance)
        if message:
            raise ValidationError(message, code="unique")
        return value

    @property
    def common_fields(self):
        return [self[name] for name in self.fields if not name.startswith("attributes.")]

    @property
    def attribute_fields(self):
        return [self[name] for name in self.fields if name.startswith("attributes.")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        attributes = {}
        for attr in self.spec.attributes:
            value = cleaned.get(attribute_field_name(attr))
            if value is not None and value != "":
                attributes[attr.name] = value
        # Validated by the type schema in the model's clean() (run next).
        self.instance.attributes = attributes
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        # A field that already failed at the form level keeps its one message;
        # an error about a column this type's form does not show (stale data)
        # is shown at the top instead of failing the page.
        if hasattr(errors, "error_dict"):
            kept: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                if field in self.errors:
                    continue
                if field != NON_FIELD_ERRORS and field not in self.fields:
                    label = _field_label(self.instance, field)
                    messages = [f"{label}: {' '.join(m.messages)}" for m in messages]
                    field = NON_FIELD_ERRORS
                kept.setdefault(field, []).extend(messages)
            errors = ValidationError(kept)
        super()._update_errors(errors)


class ConfigurationItemBulkEditForm(forms.Form):
    """The values a bulk edit sets; an empty field leaves the items unchanged,
    "Clear" empties a field (an empty establishment makes items GHT-wide)."""

    CLEARABLE = (
        ("establishment", _("Establishment (make shared with the whole GHT)")),
        ("room", _("Room")),
        ("owner_group", _("Owner group")),
        ("supplier", _("Supplier")),
        ("contract", _("Contract")),
        ("warranty_end", _("Warranty end")),
    )

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("— unchanged —")), *LifecycleStatus.choices],
    )
    establishment = forms.ModelChoiceField(
        label=_("Establishment"), required=False, queryset=Establishment.objects.all()
    )
    room = forms.ModelChoiceField(label=_("Room"), required=False, queryset=Room.objects.all())
    owner_group = forms.ModelChoiceField(
        label=_("Owner group"), required=False, queryset=Team.objects.all()
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), required=False, queryset=Supplier.objects.all()
    )
    contract = forms.ModelChoiceField(
        label=_("Contract"), required=False, queryset=Contract.objects.all()
    )
    criticality = forms.TypedChoiceField(
        label=_("Criticality"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("— unchanged —")), *Criticality.choices],
    )
    patient_safety_critical = forms.NullBooleanField(
        label=_("Patient-safety critical"),
        required=False,
        widget=yes_no_select(_("— unchanged —")),
    )
    holds_health_data = forms.NullBooleanField(
        label=_("Holds health data (HDS)"),
        required=False,
        widget=yes_no_select(_("— unchanged —")),
    )
    warranty_end = forms.DateField(label=_("Warranty end"), required=False, widget=DATE)
    clear = forms.MultipleChoiceField(
        label=_("Clear"),
        required=False,
        choices=CLEARABLE,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and user is not None:
                field.queryset = queryset.restrict(user, "view")
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("— unchanged —")
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")
        label_rooms(self.fields["room"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleared = set(cleaned.get("clear") or ())
        changes: dict[str, Any] = {}
        for name in self.fields:
            if name == "clear":
                continue
            value = cleaned.get(name)
            if value is None or value == "":
                continue
            if name in cleared:
                self.add_error(name, _("Either set this field or clear it, not both."))
                continue
            changes[name] = value
        for name in cleared:
            changes[name] = None
        if not changes and not self.errors:
            raise ValidationError(_("Choose at least one field to change."), code="empty")
        cleaned["changes"] = changes
        return cleaned
