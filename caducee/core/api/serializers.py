"""Serializer bases: related choices scoped to the caller, audit events.

Building a model serializer's fields reads the model's metadata field by
field (2–3 ms for a ticket's fifty fields, on every request that validates
or answers one). What it builds depends only on the serializer class, so it
is built once per class and each serializer gets copies, before the
caller's scope is applied. DRF's own copy (``Field.__deepcopy__``) calls
each field's constructor again, which costs half of building; a field is
instead copied attribute by attribute — what binding, scoping or a
serializer's ``get_fields`` then sets lands on the copy — with the field of
a list's items (lists, many-related) copied the same way and bound to the
new list; only nested serializers are copied deeply.
"""

from __future__ import annotations

import copy

from django.db import models
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from caducee.core.models import ApiToken, AuditEvent
from caducee.core.models.base import RestrictedQuerySet


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record chosen inside the caller's scope, scoped when the
    field is used (a value looked up, choices listed), not when it is built:
    a ticket has a dozen related fields and a request sends two or three,
    and scoping each one costs a good part of a millisecond.

    ``ScopedModelSerializer.get_fields`` marks the queryset to scope
    (``scope_on_use``); every use goes through ``get_queryset``, so no path
    reads an unscoped choice. A serializer that then gives the field another
    queryset (accounts any agent may name) gets that one as it is, as when
    the scope was applied up front."""

    def scope_on_use(self, queryset, user) -> None:
        self._scope = (queryset, user)

    def get_queryset(self):
        scope = self.__dict__.get("_scope")
        if scope is None or self.queryset is not scope[0]:
            return super().get_queryset()
        scoped = self.__dict__.get("_scoped")
        if scoped is None:
            queryset = scope[0].all() if isinstance(scope[0], models.Manager) else scope[0]
            scoped = self._scoped = queryset.restrict(scope[1], "view")
        return scoped.all()


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related objects may only be chosen inside the caller's scope: a
    foreign establishment's room is answered "does not exist" (no leak)."""

    serializer_related_field = ScopedRelatedField

    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None or not hasattr(obj, "get_absolute_url"):
            return None
        return request.build_absolute_uri(obj.get_absolute_url())

    def model_fields(self) -> dict:
        """``ModelSerializer.get_fields()``: built once per class, copied."""
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = serializers.ModelSerializer.get_fields(self)
            cls._built_fields = built
        return {name: _copy_field(field) for name, field in built.items()}

    def get_fields(self):
        fields = self.model_fields()
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
            if not isinstance(queryset, RestrictedQuerySet):
                continue
            if isinstance(target, ScopedRelatedField):
                target.scope_on_use(target.queryset, user)
            else:
                target.queryset = queryset.restrict(user, "view")
        return fields


def release_fields(serializer: serializers.BaseSerializer | None) -> None:
    """Let a serializer that has done its work drop its bound fields.

    Each bound field points back at its serializer (``field.parent``), so a
    used serializer is a reference cycle of some fifty fields, their
    dictionaries and whatever the serializer's context reaches (the request,
    querysets). Reference counting cannot free a cycle: each request left
    about 600 objects for the garbage collector, whose young-generation pass
    then paused every tenth ticket creation for 3–5 ms. Dropping the
    serializer's own link to its fields lets them go as soon as the request
    ends. A serializer still used afterwards (the browsable API's form)
    builds its fields again when it reads them."""
    if serializer is None:
        return
    child = serializer.__dict__.get("child")
    if isinstance(child, serializers.BaseSerializer):
        release_fields(child)
    fields = serializer.__dict__.pop("fields", None)
    for field in fields.values() if fields is not None else ():
        if isinstance(field, serializers.BaseSerializer):
            release_fields(field)
        # A list field and the field of its items point at each other too.
        for name in _CHILDREN:
            item = field.__dict__.get(name)
            if item is not None:
                item.__dict__.pop("parent", None)


#: Attributes through which a list field holds the field of its items.
_CHILDREN = ("child", "child_relation")


def _copy_field(field: serializers.Field) -> serializers.Field:
    """A fresh field with the same settings, its item field copied too and
    bound to it (DRF's own copy re-runs each field's ``__init__``). A nested
    serializer, which holds a whole set of fields, is deep-copied."""
    if hasattr(field, "_declared_fields"):
        return copy.deepcopy(field)
    fresh = object.__new__(type(field))
    fresh.__dict__.update(field.__dict__)
    for name in _CHILDREN:
        child = field.__dict__.get(name)
        if child is not None:
            child = _copy_field(child)
            child.parent = fresh
            fresh.__dict__[name] = child
    return fresh


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
