"""API view bases: every queryset scoped, every change through a service.

``ScopedModelViewSet`` is configured like the UI views (model, serializer,
FilterSet). Reads start from ``restrict(user, "view")``; writes look the
object up in ``restrict(user, "change"|"delete")`` (404 outside the scope)
and call the app's service functions. ``GET …/{id}/history/`` returns the
object's audit events.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from caducee.core.api.serializers import (
    ApiTokenSerializer,
    AuditEventSerializer,
    release_fields,
)
from caducee.core.filters import AuditEventFilterSet
from caducee.core.models import ApiToken, AuditEvent
from caducee.core.services import objects as object_services
from caducee.core.services import tokens as token_services

METHOD_ACTIONS = {"PUT": "change", "PATCH": "change", "DELETE": "delete", "POST": "add"}


class ReleasedSerializersMixin:
    """Once the answer is built, the serializers of the request, the one
    behind the answer's data included, drop their bound fields, so the
    request's objects are freed when it ends instead of waiting for the
    garbage collector (see ``release_fields``)."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        self.__dict__.setdefault("_serializers_used", []).append(serializer)
        return serializer

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for serializer in self.__dict__.pop("_serializers_used", ()):
            release_fields(serializer)
        release_fields(getattr(getattr(response, "data", None), "serializer", None))
        return response


class ScopedModelViewSet(ReleasedSerializersMixin, viewsets.ModelViewSet):
    model: ClassVar[Any] = None
    create_service = staticmethod(object_services.create_object)
    update_service = staticmethod(object_services.update_object)
    delete_service = staticmethod(object_services.delete_object)
    ordering = ["pk"]

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        action_name = METHOD_ACTIONS.get(self.request.method, "view")
        if action_name == "add":
            action_name = "view"
        return self.base_queryset().restrict(self.request.user, action_name)

    def _m2m(self, serializer) -> tuple[dict, dict]:
        names = {f.name for f in self.model._meta.many_to_many}
        data = dict(serializer.validated_data)
        m2m = {name: data.pop(name) for name in list(data) if name in names}
        return data, m2m

    def perform_create(self, serializer):
        data, m2m = self._m2m(serializer)
        with transaction.atomic():
            instance = self.create_service(self.model(**data), actor=self.request.user, m2m=m2m)
        serializer.instance = instance

    def perform_update(self, serializer):
        data, m2m = self._m2m(serializer)
        instance = serializer.instance
        for key, value in data.items():
            setattr(instance, key, value)
        with transaction.atomic():
            self.update_service(instance, actor=self.request.user, m2m=m2m)

    def perform_destroy(self, instance):
        self.delete_service(instance, actor=self.request.user)

    @extend_schema(responses=AuditEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = self.get_object()
        meta = self.model._meta
        events = AuditEvent.objects.filter(
            object_type=f"{meta.app_label}.{meta.model_name}", object_id=str(obj.pk)
        ).order_by("-seq")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, for auditors: search by actor, object, date."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering = ["-seq"]
    ordering_fields = ["seq", "timestamp"]
    lookup_field = "seq"

    def get_queryset(self):
        return AuditEvent.objects.restrict(self.request.user, "view").order_by("-seq")


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own API tokens: create (the key is shown once), list, revoke (DELETE)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: ClassVar[list] = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        token, key = token_services.create_token(
            actor=self.request.user,
            name=serializer.validated_data["name"],
            expires_at=serializer.validated_data.get("expires_at"),
        )
        token.key = key
        serializer.instance = token

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        token_services.revoke_token(token, actor=request.user)
        return Response(status=204)
