"""SLA policies, OLAs and clocks API.

* ``policies/``: SLA policies, list, read, create, change, delete, through
  ``caducee.sla.services.policies`` (a model's rule refused is a 400 keyed
  by the field at fault; a policy still referred to by clocks is a 409).
* ``olas/``: the OLAs of the assignment groups, the same way.
* ``clocks/?ticket=<id>``: a ticket's clocks, read only, scoped by the
  ticket's establishment (``SlaClock.objects.restrict``): a ticket out of
  scope has no clock to show. Each clock says its state, target, time
  counted, deadline and warning instant, and whether it was met.

Every read is scoped by ``restrict()`` (out of scope: 404); bad input is a
field-level 400.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets

from caducee.core.api.serializers import ScopedModelSerializer
from caducee.core.api.views import ScopedModelViewSet
from caducee.sla import filters
from caducee.sla.models import OperationalTarget, SlaClock, SlaPolicy
from caducee.sla.services import policies as services

COMMON = ["id", "url", "created_at", "updated_at"]


class SlaPolicySerializer(ScopedModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            *COMMON,
            "name",
            "position",
            "is_active",
            "kind",
            "priority",
            "category",
            "establishment",
            "calendar",
            "response_minutes",
            "resolution_minutes",
            "warning_percent",
            "on_warning",
            "on_breach",
        ]


class OperationalTargetSerializer(ScopedModelSerializer):
    class Meta:
        model = OperationalTarget
        fields = [
            *COMMON,
            "assignment_group",
            "priority",
            "calendar",
            "resolution_minutes",
            "warning_percent",
            "is_active",
        ]


class SlaClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaClock
        fields = [
            "id",
            "ticket",
            "kind",
            "state",
            "policy",
            "operational_target",
            "assignment_group",
            "contract",
            "calendar",
            "target_minutes",
            "warning_percent",
            "started_at",
            "running_since",
            "elapsed",
            "due_at",
            "warn_at",
            "warned_at",
            "breached_at",
            "stopped_at",
            "met",
        ]
        read_only_fields = fields


class SlaPolicyViewSet(ScopedModelViewSet):
    model = SlaPolicy
    serializer_class = SlaPolicySerializer
    filterset_class = filters.SlaPolicyFilterSet
    create_service = staticmethod(services.create_policy)
    update_service = staticmethod(services.update_policy)
    delete_service = staticmethod(services.delete_policy)
    ordering_fields = ["position", "name", "updated_at"]
    ordering = ["position", "pk"]


class OperationalTargetViewSet(ScopedModelViewSet):
    model = OperationalTarget
    serializer_class = OperationalTargetSerializer
    filterset_class = filters.OperationalTargetFilterSet
    create_service = staticmethod(services.create_operational_target)
    update_service = staticmethod(services.update_operational_target)
    delete_service = staticmethod(services.delete_operational_target)
    ordering_fields = ["priority", "updated_at"]
    ordering = ["assignment_group", "priority", "pk"]

    def base_queryset(self):
        return OperationalTarget.objects.select_related("assignment_group")


class SlaClockViewSet(viewsets.ReadOnlyModelViewSet):
    """A ticket's clocks (``?ticket=<id>``), read only."""

    serializer_class = SlaClockSerializer
    filterset_class = filters.SlaClockFilterSet
    ordering = ["ticket", "started_at", "pk"]
    ordering_fields = ["started_at", "due_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return SlaClock.objects.none()
        return SlaClock.objects.restrict(self.request.user, "view").order_by(*self.ordering)


ROUTES = [
    ("policies", SlaPolicyViewSet, "slapolicy"),
    ("olas", OperationalTargetViewSet, "operationaltarget"),
    ("clocks", SlaClockViewSet, "slaclock"),
]

urlpatterns: list = []
