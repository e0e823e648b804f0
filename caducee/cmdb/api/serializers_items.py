"""Serializers of configuration items, relations and software titles.

Rule (``caducee.cmdb.types``): ``attributes`` is validated against the
item type's schema here, so a bad value answers a 400 whose ``fields`` name
``attributes.<name>`` — the same key the page puts next to its field. A
PATCH merges the attributes it sends into the stored ones (``null`` removes
one); POST and PUT send the whole set. The type is chosen at creation and
cannot change afterwards. Related choices are scoped to the caller
(``ScopedModelSerializer``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from caducee.cmdb.forms.items import UNIQUE_IDENTITY, duplicate_relation, identity_taken
from caducee.cmdb.models import ConfigurationItem, NetworkInterface, Relation, Software
from caducee.cmdb.models.items import COMMON_FIELDS, IDENTITY_FIELDS
from caducee.cmdb.services.items import BULK_FIELDS
from caducee.cmdb.types import clean_attributes
from caducee.core.api.serializers import ScopedModelSerializer

COMMON = ["id", "url", "created_at", "updated_at"]


class NetworkInterfaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NetworkInterface
        fields = ["id", "name", "mac_address", "ip_address", "netmask", "is_virtual"]
        read_only_fields = fields


class ConfigurationItemSerializer(ScopedModelSerializer):
    interfaces = NetworkInterfaceSerializer(many=True, read_only=True)
    software_count = serializers.SerializerMethodField()

    class Meta:
        model = ConfigurationItem
        fields = [
            *COMMON,
            "ci_type",
            *COMMON_FIELDS,
            "attributes",
            *IDENTITY_FIELDS,
            "inventory_agent",
            "last_inventory_at",
            "interfaces",
            "software_count",
        ]
        read_only_fields = ["inventory_agent", "last_inventory_at"]
        # Uniqueness (UUID, asset tag) is checked by the model with the rest.
        validators: list = []

    @extend_schema_field(serializers.IntegerField())
    def get_software_count(self, obj) -> int:
        annotated = getattr(obj, "software_count", None)
        return annotated if annotated is not None else obj.installed_software.count()

    def get_fields(self):
        fields = super().get_fields()
        for name in ("serial_number", "asset_tag", "uuid"):
            fields[name].validators = [
                v for v in fields[name].validators if not hasattr(v, "queryset")
            ]
        return fields

    def validate_ci_type(self, value: str) -> str:
        if self.instance is not None and value != self.instance.ci_type:
            raise serializers.ValidationError(
                _("The type of an item cannot change after its creation.")
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        if instance is None and not attrs.get("ci_type"):
            raise serializers.ValidationError({"ci_type": [_("This field is required.")]})
        ci_type = attrs.get("ci_type") or instance.ci_type
        taken = {
            name: [message]
            for name in UNIQUE_IDENTITY
            if name in attrs and (message := identity_taken(name, attrs[name], instance))
        }
        if taken:
            raise serializers.ValidationError(taken)
        if "attributes" in attrs or instance is None:
            sent = attrs.get("attributes")
            if self.partial and instance is not None and isinstance(sent, dict):
                sent = {**(instance.attributes or {}), **sent}
            try:
                attrs["attributes"] = clean_attributes(ci_type, sent)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class RelationSerializer(ScopedModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.SerializerMethodField()

    class Meta:
        model = Relation
        fields = [
            *COMMON,
            "source",
            "source_name",
            "kind",
            "target",
            "care_unit",
            "target_name",
            "notes",
        ]
        # "One relation per source, kind and target" is checked by the service.
        validators: list = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = {}
        if self.instance is not None:
            current = {
                name: getattr(self.instance, name)
                for name in ("source", "kind", "target", "care_unit")
            }
        message = duplicate_relation({**current, **attrs}, self.instance)
        if message:
            raise serializers.ValidationError({"non_field_errors": [message]})
        return attrs

    @extend_schema_field(serializers.CharField())
    def get_target_name(self, obj) -> str:
        other = obj.target if obj.target_id else obj.care_unit
        return str(other) if other is not None else ""


class SoftwareSerializer(serializers.ModelSerializer):
    installation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Software
        fields = ["id", "name", "publisher", "installation_count"]
        read_only_fields = fields


class BulkUpdateSerializer(serializers.Serializer):
    """``{"ids": [...], "changes": {field: value}}`` for ``bulk-update``."""

    ids = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=5000
    )
    changes = serializers.DictField(allow_empty=False)

    def validate_changes(self, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(BULK_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                _("These fields cannot be edited in bulk: %(fields)s.")
                % {"fields": ", ".join(unknown)}
            )
        # Each value is checked (and scoped) by the item serializer's own field.
        item_fields = ConfigurationItemSerializer(context=self.context).fields
        cleaned, errors = {}, {}
        for name, raw in value.items():
            try:
                cleaned[name] = item_fields[name].run_validation(raw)
            except serializers.ValidationError as exc:
                errors[name] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned
