"""Assignment groups API: ``/api/desk/groups/``.

List, read, create and change (no delete: a group is retired with
``is_active: false``); each group carries its members (the team's, read
only), its open ticket count and who was last given a ticket. Reads are
scoped by ``restrict()`` (a group outside the caller's scope is a 404);
writes go through ``caducee.desk.services.groups``; the model's rules (the
team's establishment, an active manager who sees the group's tickets, no
escalation loop) come back as field-level 400s.
"""

from __future__ import annotations

from django.db.models import Count, Q
from rest_framework import serializers

from caducee.core.api.serializers import ScopedModelSerializer
from caducee.core.api.views import ScopedModelViewSet
from caducee.desk.filters.groups import AssignmentGroupFilterSet
from caducee.desk.forms.groups import manager_choices
from caducee.desk.models import OPEN_STATUSES, AssignmentGroup
from caducee.desk.services import groups as services

__all__ = ["AssignmentGroupSerializer", "AssignmentGroupViewSet"]


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class AssignmentGroupSerializer(ScopedModelSerializer):
    name = serializers.CharField(source="team.name", read_only=True)
    members = serializers.SerializerMethodField()
    open_tickets = serializers.IntegerField(read_only=True)

    class Meta:
        model = AssignmentGroup
        fields = [
            "id",
            "url",
            "name",
            "team",
            "level",
            "establishment",
            "manager",
            "assignment_method",
            "auto_assign",
            "escalates_to",
            "last_assignee",
            "is_active",
            "members",
            "open_tickets",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_assignee", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # The managers a page offers: accounts of the caller's establishments.
            current = getattr(self.instance, "manager_id", None)
            fields["manager"].queryset = manager_choices(request.user, current)
        return fields

    def get_members(self, obj) -> list[dict]:
        return MemberSerializer(services.members_of(obj), many=True).data


class AssignmentGroupViewSet(ScopedModelViewSet):
    model = AssignmentGroup
    serializer_class = AssignmentGroupSerializer
    filterset_class = AssignmentGroupFilterSet
    create_service = staticmethod(services.create_group)
    update_service = staticmethod(services.update_group)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["team__name", "level", "updated_at"]
    ordering = ["team__name", "pk"]

    def base_queryset(self):
        return AssignmentGroup.objects.select_related("team").annotate(
            open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))
        )


ROUTES = [("groups", AssignmentGroupViewSet, "assignmentgroup")]
urlpatterns: list = []
