"""CMDB API: suppliers, contracts and their commitments, who uses what, and
the expiring report.

* ``suppliers/`` and ``contracts/`` (contracts embed their commitments, read
  only); ``contract-commitments/`` writes one priority's terms through
  ``set_commitment`` / ``remove_commitment``.
* ``GET people/{id}/usage/``: ``usage_for_person`` for the desk's side panel.
* ``GET expiring/?days=90``: the expiring contracts and warranties; items are
  paginated like any list (``page``, ``page_size``).

Every read is scoped by ``restrict()``; every write goes through
``caducee.cmdb.services.contracts``; bad input is a field-level 400.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from caducee.cmdb import filters
from caducee.cmdb.durations import format_minutes
from caducee.cmdb.forms.contracts import compact_siret
from caducee.cmdb.models import ConfigurationItem, Contract, ContractCommitment, Supplier
from caducee.cmdb.services import contracts as services
from caducee.cmdb.services.expiring import contract_state, expiring_report, parse_days
from caducee.cmdb.services.usage import usage_for_person
from caducee.core.api.pagination import Pagination
from caducee.core.api.serializers import ScopedModelSerializer
from caducee.core.api.views import ScopedModelViewSet
from caducee.core.services.scoping import can
from caducee.org.models import Person

COMMON = ["id", "url", "created_at", "updated_at"]


# --- Serializers ----------------------------------------------------------------------
class SupplierSerializer(ScopedModelSerializer):
    siret = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="14 digits; spaces allowed."
    )

    def validate_siret(self, value: str) -> str:
        return compact_siret(value)

    class Meta:
        model = Supplier
        fields = [
            *COMMON,
            "name",
            "siret",
            "phone",
            "email",
            "support_phone",
            "support_email",
            "website",
            "address",
            "notes",
        ]


class ContractCommitmentSerializer(ScopedModelSerializer):
    response = serializers.SerializerMethodField(help_text="Response time, human-readable.")
    resolution = serializers.SerializerMethodField(help_text="Resolution time, human-readable.")

    class Meta:
        model = ContractCommitment
        fields = [
            *COMMON,
            "contract",
            "priority",
            "response_minutes",
            "resolution_minutes",
            "penalty_per_hour",
            "response",
            "resolution",
        ]

    def get_response(self, obj) -> str:
        return format_minutes(obj.response_minutes)

    def get_resolution(self, obj) -> str:
        return format_minutes(obj.resolution_minutes)

    def validate(self, attrs):
        if self.instance is not None:
            errors = {}
            for name in ("contract", "priority"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    errors[name] = [_("Cannot be changed: delete this commitment and add another.")]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class NestedCommitmentSerializer(ContractCommitmentSerializer):
    class Meta(ContractCommitmentSerializer.Meta):
        fields = [
            "id",
            "priority",
            "response_minutes",
            "resolution_minutes",
            "penalty_per_hour",
            "response",
            "resolution",
        ]
        read_only_fields = fields


class ContractSerializer(ScopedModelSerializer):
    commitments = NestedCommitmentSerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField()
    notice_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            *COMMON,
            "supplier",
            "reference",
            "title",
            "kind",
            "establishment",
            "start_date",
            "end_date",
            "notice_days",
            "notice_deadline",
            "state",
            "support_hours",
            "calendar_code",
            "annual_amount",
            "penalty_cap",
            "notes",
            "commitments",
        ]

    def get_state(self, obj) -> str:
        return contract_state(obj).code

    def get_notice_deadline(self, obj) -> str:
        return contract_state(obj).notice_deadline.isoformat()


# --- ViewSets -------------------------------------------------------------------------
class SupplierViewSet(ScopedModelViewSet):
    model = Supplier
    serializer_class = SupplierSerializer
    filterset_class = filters.SupplierFilterSet
    create_service = staticmethod(services.create_supplier)
    update_service = staticmethod(services.update_supplier)
    delete_service = staticmethod(services.delete_supplier)


class ContractViewSet(ScopedModelViewSet):
    model = Contract
    serializer_class = ContractSerializer
    filterset_class = filters.ContractFilterSet
    create_service = staticmethod(services.create_contract)
    update_service = staticmethod(services.update_contract)
    delete_service = staticmethod(services.delete_contract)

    def base_queryset(self):
        return Contract.objects.select_related("supplier", "establishment").prefetch_related(
            "commitments"
        )


class ContractCommitmentViewSet(ScopedModelViewSet):
    model = ContractCommitment
    serializer_class = ContractCommitmentSerializer
    filterset_class = filters.ContractCommitmentFilterSet

    def base_queryset(self):
        return ContractCommitment.objects.select_related("contract")

    def _save(self, contract: Contract, data: dict[str, Any]) -> ContractCommitment:
        with transaction.atomic():
            return services.set_commitment(
                contract,
                actor=self.request.user,
                priority=data["priority"],
                response_minutes=data["response_minutes"],
                resolution_minutes=data["resolution_minutes"],
                penalty_per_hour=data.get("penalty_per_hour", 0),
            )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = self._save(data["contract"], data)

    def perform_update(self, serializer):
        instance = serializer.instance
        data = {
            name: serializer.validated_data.get(name, getattr(instance, name))
            for name in ("priority", "response_minutes", "resolution_minutes", "penalty_per_hour")
        }
        serializer.instance = self._save(instance.contract, data)

    def perform_destroy(self, instance):
        services.remove_commitment(
            instance.contract, actor=self.request.user, priority=instance.priority
        )


ROUTES = [
    ("suppliers", SupplierViewSet, "supplier"),
    ("contracts", ContractViewSet, "contract"),
    ("contract-commitments", ContractCommitmentViewSet, "contractcommitment"),
]


# --- Who uses what, expiring report ------------------------------------------------------
def _item(obj: ConfigurationItem | None, request) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {
        "id": obj.pk,
        "name": obj.name,
        "ci_type": obj.ci_type,
        "status": obj.status,
        "hostname": obj.hostname,
        "establishment": obj.establishment_id,
        "room": obj.room_id,
    }


def _ref(obj) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


class PersonUsageView(APIView):
    """A person's workstations, phones, nearby printers, their care units'
    applications, their room and manager."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        if not can(request.user, ConfigurationItem, "view"):
            raise PermissionDenied
        person = Person.objects.restrict(request.user, "view").filter(pk=pk).first()
        if person is None:
            raise Http404
        usage = usage_for_person(person, user=request.user)
        return Response(
            {
                "person": _ref(usage.person),
                "workstations": [_item(i, request) for i in usage.workstations],
                "phones": [
                    {**_item(i, request), "number": i.attributes.get("number", "")}
                    for i in usage.phones
                ],
                "other_items": [_item(i, request) for i in usage.other_items],
                "printers": [_item(i, request) for i in usage.printers],
                "printers_near": usage.printers_near,
                "applications": [_item(i, request) for i in usage.applications],
                "care_units": [
                    {
                        **_ref(unit.care_unit),
                        "applications": [a.pk for a in unit.applications],
                    }
                    for unit in usage.units
                ],
                "room": _ref(usage.room),
                "manager": _ref(usage.manager),
            }
        )


class ExpiringView(APIView):
    """Contracts ending within ``days`` (30, 90, 180 or 365) or past their
    notice deadline without renewal, and items whose warranty ends."""

    @extend_schema(
        parameters=[OpenApiParameter("days", int, enum=[30, 90, 180, 365], default=90)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        if not (can(request.user, Contract, "view") or can(request.user, ConfigurationItem)):
            raise PermissionDenied
        try:
            days = parse_days(request.query_params.get("days"))
        except ValueError as exc:
            raise ApiValidationError({"days": [str(exc)]}) from exc
        report = expiring_report(user=request.user, days=days)
        paginator = Pagination()
        page = paginator.paginate_queryset(report.items, request, view=self)
        return Response(
            {
                "days": days,
                "today": report.today.isoformat(),
                "horizon": report.horizon.isoformat(),
                "contracts": [
                    {
                        **_ref(row.contract),
                        "reference": row.contract.reference,
                        "supplier": _ref(row.contract.supplier),
                        "establishment": row.contract.establishment_id,
                        "end_date": row.contract.end_date.isoformat(),
                        "days_left": row.days_left,
                        "notice_deadline": row.notice_deadline.isoformat(),
                        "ends_within": row.ends_within,
                        "notice_passed": row.notice_passed,
                        "renewed_by": _ref(row.renewed_by),
                    }
                    for row in report.contracts
                ],
                "items": {
                    "count": report.item_count,
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "by_establishment": [
                        {"establishment": label, "count": n} for label, n in report.by_establishment
                    ],
                    "by_type": [{"type": label, "count": n} for label, n in report.by_type],
                    "results": [
                        {**_item(i, request), "warranty_end": i.warranty_end.isoformat()}
                        for i in page
                    ],
                },
            }
        )


urlpatterns = [
    path("people/<int:pk>/usage/", PersonUsageView.as_view(), name="cmdb-person-usage"),
    path("expiring/", ExpiringView.as_view(), name="cmdb-expiring"),
]
