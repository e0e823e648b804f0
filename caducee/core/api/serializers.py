"""Serializer bases: related choices scoped to the caller, audit events."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from caducee.core.models import ApiToken, AuditEvent
from caducee.core.models.base import RestrictedQuerySet


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related objects may only be chosen inside the caller's scope: a
    foreign establishment's room is answered "does not exist" (no leak)."""

    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None or not hasattr(obj, "get_absolute_url"):
            return None
        return request.build_absolute_uri(obj.get_absolute_url())

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return fields
        for field in fields.values():
            target = field.child_relation if isinstance(field, ManyRelatedField) else field
            if not isinstance(target, RelatedField):
                continue
            queryset = getattr(target, "queryset", None)
            # ModelSerializer hands related fields the model's manager, not a queryset.
            if isinstance(queryset, models.Manager):
                queryset = queryset.all()
            if isinstance(queryset, RestrictedQuerySet):
                target.queryset = queryset.restrict(user, "view")
        return fields


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "timestamp",
            "actor_id",
            "actor_label",
            "action",
            "event",
            "object_type",
            "object_id",
            "object_repr",
            "establishment_id",
            "changes",
            "data",
            "request_id",
            "client_ip",
            "source",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once, at creation.")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "hint",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "created_at",
            "key",
        ]
        read_only_fields = ["id", "hint", "last_used_at", "revoked_at", "created_at", "key"]
