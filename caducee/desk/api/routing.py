"""Routing rules API: ``/api/desk/routing-rules/``.

List (in the order rules are tried), read, create, change, delete, and
``POST routing-rules/{id}/move/`` with ``{"direction": "up" | "down"}`` to
swap a rule with its neighbour (the list is renumbered by tens). Reads are
scoped (a rule of another establishment is a 404); writes go through
``caducee.desk.services.routing`` — administrators and DSI managers only
(``caducee.desk.roles``), a rule of the whole GHT only for those who see
it; the model's checks (a category of the rule's kind, a group and an item
of its establishment) come back as field-level 400s.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from caducee.core.api.serializers import ScopedModelSerializer
from caducee.core.api.views import ScopedModelViewSet
from caducee.desk.filters.routing import RoutingRuleFilterSet
from caducee.desk.models import RoutingRule
from caducee.desk.services import routing as services
from caducee.desk.tables.routing import conditions_text

__all__ = ["RoutingRuleSerializer", "RoutingRuleViewSet"]


class RoutingRuleSerializer(ScopedModelSerializer):
    conditions = serializers.SerializerMethodField()

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "url",
            "position",
            "name",
            "is_active",
            "kind",
            "category",
            "ci_type",
            "configuration_item",
            "establishment",
            "priority",
            "assignment_group",
            "conditions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_conditions(self, obj) -> str:
        """The conditions in words, as the list page shows them."""
        return conditions_text(obj)


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class RoutingRuleViewSet(ScopedModelViewSet):
    model = RoutingRule
    serializer_class = RoutingRuleSerializer
    filterset_class = RoutingRuleFilterSet
    create_service = staticmethod(services.create_rule)
    update_service = staticmethod(services.update_rule)
    delete_service = staticmethod(services.delete_rule)
    ordering_fields = ["position", "name", "updated_at"]
    ordering = ["position", "pk"]

    def base_queryset(self):
        return RoutingRule.objects.select_related(
            "category__parent__parent", "configuration_item", "establishment"
        )

    @extend_schema(request=MoveSerializer, responses=RoutingRuleSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Swap the rule with the one before (``up``) or after (``down``) it."""
        rule = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = services.move_rule(
            rule, actor=request.user, direction=body.validated_data["direction"]
        )
        return Response(self.get_serializer(moved).data)


ROUTES = [("routing-rules", RoutingRuleViewSet, "routingrule")]
urlpatterns: list = []
