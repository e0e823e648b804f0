"""CMDB API of the biomedical CMMS: maintenance plans (and the devices each
covers), work orders (``complete`` and ``cancel`` actions) and vigilance
reports (``declare`` and ``close`` actions).

Same services and FilterSets as the pages. Work orders and vigilance reports
are regulatory records: no DELETE (405). Completion fields are read-only on
the order itself: they are written once, by ``complete``, which signs the
record as the caller. A script signs with its personal API token, which only
its owner could create (the page asks for the password instead, see
``caducee.cmdb.forms.medical``); ``"sign": true`` must be sent to say so.
Domain errors map to the one error format: bad input 400 with the field,
a signed or cancelled order 409, a missing right 403.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from caducee.cmdb.filters.medical import (
    MaintenancePlanFilterSet,
    VigilanceReportFilterSet,
    WorkOrderFilterSet,
)
from caducee.cmdb.models import ConfigurationItem, MaintenancePlan, VigilanceReport, WorkOrder
from caducee.cmdb.services import maintenance as plan_services
from caducee.cmdb.services import vigilance as vigilance_services
from caducee.cmdb.services import workorders as order_services
from caducee.cmdb.types import CIType
from caducee.core.api.serializers import ScopedModelSerializer
from caducee.core.api.views import ScopedModelViewSet

COMMON = ["id", "url", "created_at", "updated_at"]
NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


def _medical_devices():
    return ConfigurationItem.objects.filter(ci_type=CIType.MEDICAL_DEVICE)


class MaintenancePlanSerializer(ScopedModelSerializer):
    class Meta:
        model = MaintenancePlan
        fields = [
            *COMMON,
            "name",
            "kind",
            "establishment",
            "manufacturer",
            "model",
            "device_class",
            "frequency_months",
            "lead_days",
            "responsible_team",
            "responsible_supplier",
            "regulatory_reference",
            "is_active",
        ]


class PlanDeviceSerializer(serializers.ModelSerializer):
    next_due = serializers.DateField(read_only=True, allow_null=True)
    # Plain text: the lifecycle enum is documented once, on the item itself.
    status = serializers.CharField(read_only=True)

    class Meta:
        model = ConfigurationItem
        fields = [
            "id",
            "name",
            "serial_number",
            "manufacturer",
            "model",
            "establishment",
            "status",
            "next_due",
        ]


class WorkOrderSerializer(ScopedModelSerializer):
    device = serializers.PrimaryKeyRelatedField(queryset=_medical_devices())
    signature_valid = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            *COMMON,
            "device",
            "plan",
            "kind",
            "due_date",
            "status",
            "description",
            "performed_on",
            "performed_by",
            "employer",
            "result",
            "stopped_on",
            "restarted_on",
            "report",
            "signed_by",
            "signed_at",
            "signature",
            "signature_valid",
        ]
        read_only_fields = ["plan", *order_services.COMPLETION_FIELDS]

    def get_signature_valid(self, obj) -> bool | None:
        return order_services.signature_is_valid(obj) if obj.signature else None


class WorkOrderCompletionSerializer(serializers.Serializer):
    performed_on = serializers.DateField()
    performed_by = serializers.CharField(max_length=200)
    employer = serializers.CharField(max_length=200)
    result = serializers.ChoiceField(choices=WorkOrder.Result.choices)
    report = serializers.CharField(required=False, allow_blank=True, default="")
    stopped_on = serializers.DateField(required=False, allow_null=True, default=None)
    restarted_on = serializers.DateField(required=False, allow_null=True, default=None)
    sign = serializers.BooleanField(
        help_text="Must be true: the caller signs the record with their token."
    )

    def validate_sign(self, value):
        if value is not True:
            raise serializers.ValidationError("Send true to sign the record.")
        return value


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class VigilanceReportSerializer(ScopedModelSerializer):
    device = serializers.PrimaryKeyRelatedField(queryset=_medical_devices())

    class Meta:
        model = VigilanceReport
        fields = [
            *COMMON,
            "device",
            "incident_date",
            "description",
            "patient_harm",
            "status",
            "ansm_reference",
            "reported_on",
            "actions",
        ]
        read_only_fields = list(vigilance_services.WORKFLOW_FIELDS)


class DeclareSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=64)
    reported_on = serializers.DateField()


class CloseSerializer(serializers.Serializer):
    actions = serializers.CharField(required=False, allow_blank=True, default="")


class MaintenancePlanViewSet(ScopedModelViewSet):
    model = MaintenancePlan
    serializer_class = MaintenancePlanSerializer
    filterset_class = MaintenancePlanFilterSet
    create_service = staticmethod(plan_services.create_plan)
    update_service = staticmethod(plan_services.update_plan)

    def base_queryset(self):
        return MaintenancePlan.objects.select_related(
            "establishment", "responsible_team", "responsible_supplier"
        )

    @extend_schema(responses=PlanDeviceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def devices(self, request, pk=None):
        """The devices the plan covers, with their next due date under it."""
        plan = self.get_object()
        devices = plan_services.devices_for_plan(plan).restrict(request.user, "view").order_by("pk")
        page = self.paginate_queryset(devices)
        history = plan_services.plan_history(plan)
        today = timezone.localdate()
        for device in page:
            device.next_due = plan_services.next_due_date(
                plan, device, history.get(device.pk), today=today
            )
        return self.get_paginated_response(PlanDeviceSerializer(page, many=True).data)


class WorkOrderViewSet(ScopedModelViewSet):
    model = WorkOrder
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilterSet
    http_method_names = NO_DELETE
    create_service = staticmethod(order_services.create_work_order)
    update_service = staticmethod(order_services.update_work_order)

    def base_queryset(self):
        return WorkOrder.objects.select_related("device", "plan", "signed_by")

    def _reply(self, order):
        order = self.base_queryset().get(pk=order.pk)
        return Response(self.get_serializer(order).data)

    @extend_schema(request=WorkOrderCompletionSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record the operation and sign it as the caller (once)."""
        order = self.get_object()
        data = WorkOrderCompletionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("sign")
        order_services.complete_work_order(order, actor=request.user, **fields)
        return self._reply(order)

    @extend_schema(request=CancelSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a planned order; it stays in the register with the reason."""
        order = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order_services.cancel_work_order(
            order, actor=request.user, reason=data.validated_data["reason"]
        )
        return self._reply(order)


class VigilanceReportViewSet(ScopedModelViewSet):
    model = VigilanceReport
    serializer_class = VigilanceReportSerializer
    filterset_class = VigilanceReportFilterSet
    http_method_names = NO_DELETE
    create_service = staticmethod(vigilance_services.create_vigilance_report)
    update_service = staticmethod(vigilance_services.update_vigilance_report)

    def base_queryset(self):
        return VigilanceReport.objects.select_related("device")

    @extend_schema(request=DeclareSerializer, responses=VigilanceReportSerializer)
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        """Record the declaration to ANSM with its reference."""
        report = self.get_object()
        data = DeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vigilance_services.report_to_ansm(report, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=CloseSerializer, responses=VigilanceReportSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the report once the actions taken are written down."""
        report = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vigilance_services.close_vigilance_report(
            report, actor=request.user, actions=data.validated_data["actions"]
        )
        return Response(self.get_serializer(report).data)


ROUTES = [
    ("maintenance-plans", MaintenancePlanViewSet, "maintenanceplan"),
    ("work-orders", WorkOrderViewSet, "workorder"),
    ("vigilance-reports", VigilanceReportViewSet, "vigilancereport"),
]
urlpatterns: list = []
