"""CMDB API: impact analysis.

``POST /api/cmdb/impact/`` with ``{"items": [ids], "include_out_of_service":
bool}`` and ``GET /api/cmdb/impact/<id>/[?include_out_of_service=true]``
answer what stops when those items are down (``analyse_impact``): the
summary the service desk sets a priority from (highest clinical criticality
reached, people, patient-safety flag, counts — complete whatever the caller
may see), then the items, applications, care units and upstream chain the
caller may read, with how many others are hidden (``scope_impact``).

Rule (STYLE.md principle 6, DESIGN.md scoping): the requested items must be
readable by the caller; unknown ids and ids outside the caller's scope get
the same 400 (404 on the per-item route), so nothing leaks.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.graph_scope import scope_impact
from caducee.cmdb.services.impact import MAX_ITEMS, analyse_impact
from caducee.core.services.scoping import can

ROUTES: list = []


class CanReadItems(BasePermission):
    message = gettext_lazy("You are not allowed to read the configuration database.")

    def has_permission(self, request, view) -> bool:
        return can(request.user, ConfigurationItem, "view")


class ImpactRequestSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=MAX_ITEMS,
        required=False,
        default=list,
        help_text="Ids of the configuration items that are down.",
    )
    include_out_of_service = serializers.BooleanField(
        default=False, help_text="Count every item already out of service as down too."
    )

    def validate(self, attrs):
        if not attrs["items"] and not attrs["include_out_of_service"]:
            raise serializers.ValidationError(
                {"items": [_("Name at least one configuration item.")]}
            )
        return attrs


class ImpactItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    ci_type = serializers.CharField()
    type_label = serializers.CharField()
    depth = serializers.IntegerField(help_text="0 for a root; hops from the nearest root.")
    via = serializers.IntegerField(allow_null=True, help_text="Reached through this item.")
    via_name = serializers.CharField(allow_null=True)
    out_of_service = serializers.BooleanField()
    patient_safety_critical = serializers.BooleanField()
    establishment = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="Absolute URL of its page.")


class ImpactLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ImpactUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    establishment = serializers.CharField(allow_null=True)
    criticality = serializers.IntegerField()
    criticality_label = serializers.CharField()
    life_critical = serializers.BooleanField()
    people = serializers.IntegerField(help_text="People working in the unit today.")
    via = ImpactLinkSerializer(many=True, help_text="Down items the unit uses (first three).")
    via_more = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="Absolute URL of its page.")


class ImpactSummarySerializer(serializers.Serializer):
    highest_criticality = serializers.IntegerField(allow_null=True)
    highest_criticality_label = serializers.CharField(allow_null=True)
    people = serializers.IntegerField()
    patient_safety = serializers.BooleanField()
    affected = serializers.IntegerField()
    affected_by_type = serializers.DictField(child=serializers.IntegerField())
    applications = serializers.IntegerField()
    care_units = serializers.IntegerField()
    upstream = serializers.IntegerField()


class ImpactHiddenSerializer(serializers.Serializer):
    roots = serializers.IntegerField()
    affected = serializers.IntegerField()
    applications = serializers.IntegerField()
    care_units = serializers.IntegerField()
    upstream = serializers.IntegerField()


class ImpactSerializer(serializers.Serializer):
    requested = serializers.ListField(child=serializers.IntegerField())
    include_out_of_service = serializers.BooleanField()
    summary = ImpactSummarySerializer(help_text="Totals, including what you may not see.")
    roots = ImpactItemSerializer(many=True)
    affected = ImpactItemSerializer(many=True)
    applications = ImpactItemSerializer(many=True)
    care_units = ImpactUnitSerializer(many=True, help_text="Most critical first.")
    upstream = ImpactItemSerializer(many=True, help_text="Root-cause candidates, nearest first.")
    hidden = ImpactHiddenSerializer(help_text="Counted above, not listed: outside your scope.")


class _ImpactView(APIView):
    permission_classes = [IsAuthenticated, CanReadItems]

    def answer(self, request, item_ids, include_out_of_service: bool) -> Response:
        result = analyse_impact(item_ids, include_out_of_service=include_out_of_service)
        data = scope_impact(result, request.user).to_json()
        # ``ImpactSerializer`` documents this shape (and a test holds the two
        # together); a core switch lists thousands of rows, too many to pass
        # through a serializer field by field.
        base = request.build_absolute_uri("/").rstrip("/")
        for key in ("roots", "affected", "applications", "care_units", "upstream"):
            for row in data[key]:
                if row["url"]:
                    row["url"] = base + row["url"]
        return Response(data)


class ImpactAnalysisView(_ImpactView):
    @extend_schema(
        request=ImpactRequestSerializer,
        responses=ImpactSerializer,
        summary="Impact of configuration items going down",
    )
    def post(self, request):
        serializer = ImpactRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["items"]
        readable = set(
            ConfigurationItem.objects.restrict(request.user, "view")
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        missing = [pk for pk in ids if pk not in readable]
        if missing:
            raise serializers.ValidationError(
                {
                    "items": [
                        _("Unknown items, or outside your establishments: %(ids)s.")
                        % {"ids": ", ".join(str(pk) for pk in missing[:20])}
                    ]
                }
            )
        return self.answer(request, ids, serializer.validated_data["include_out_of_service"])


class ItemImpactView(_ImpactView):
    @extend_schema(
        parameters=[OpenApiParameter("include_out_of_service", OpenApiTypes.BOOL, required=False)],
        responses=ImpactSerializer,
        summary="Impact of one configuration item going down",
    )
    def get(self, request, pk: int):
        item = get_object_or_404(ConfigurationItem.objects.restrict(request.user, "view"), pk=pk)
        flag = request.query_params.get("include_out_of_service", "false")
        try:
            include = serializers.BooleanField().to_internal_value(flag)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"include_out_of_service": exc.detail}) from exc
        return self.answer(request, [item.pk], include)


urlpatterns = [
    path("impact/", ImpactAnalysisView.as_view(), name="cmdb-impact"),
    path("impact/<int:pk>/", ItemImpactView.as_view(), name="cmdb-item-impact"),
]
