"""Pages of assignment groups: the list (with each group's open tickets),
a group's page (its members, manager, level, method, escalation target and
the rules that route to it) and the group form.

Thin views (STYLE.md principle 4): the generic views with the services of
``caducee.desk.services.groups``. Who may change a group is the role's
permission (``caducee.desk.roles``: administrators, DSI managers, and group
managers for their groups' settings) and the group's establishment in
scope — a GHT-wide group only for those who see the whole GHT; the Edit
button shows only where the save would be accepted (``may_write``). Groups
are retired, never deleted: there is no delete page. Members are the
team's, kept by the organisation (``org``), and listed here only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from caducee.core.services.scoping import may_write
from caducee.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    object_urls,
)
from caducee.desk.filters.groups import AssignmentGroupFilterSet
from caducee.desk.forms.groups import AssignmentGroupForm
from caducee.desk.models import OPEN_STATUSES, AssignmentGroup, RoutingRule
from caducee.desk.services import groups as services
from caducee.desk.tables.groups import AssignmentGroupTable


def _queryset():
    return AssignmentGroup.objects.select_related(
        "team", "establishment", "manager", "escalates_to__team"
    ).annotate(open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES)))


class AssignmentGroupListView(ObjectListView):
    model = AssignmentGroup
    filterset_class = AssignmentGroupFilterSet
    table_class = AssignmentGroupTable

    def base_queryset(self):
        return _queryset()


class AssignmentGroupDetailView(ObjectDetailView):
    model = AssignmentGroup
    template_name = "desk/assignmentgroup_detail.html"
    detail_fields = [
        "team",
        "level",
        "establishment",
        "manager",
        "assignment_method",
        "auto_assign",
        "escalates_to",
        "last_assignee",
        "is_active",
    ]

    def base_queryset(self):
        return _queryset().select_related("last_assignee", "team__lead")

    def attributes(self, obj):
        rows = super().attributes(obj)
        for row in rows:
            if row["name"] == "establishment" and row["value"] is None:
                row["value"] = _("Whole GHT")
        return rows

    def get_extra_context(self, obj):
        user = self.request.user
        return {
            "members": services.members_of(obj),
            "lead": obj.team.lead,
            "open_tickets": obj.open_tickets,
            "escalated_from": list(
                AssignmentGroup.objects.restrict(user, "view")
                .filter(escalates_to=obj)
                .select_related("team")
            ),
            "rules": list(
                RoutingRule.objects.restrict(user, "view")
                .filter(assignment_group=obj)
                .order_by("position", "pk")
            ),
        }


class AssignmentGroupEditView(ObjectEditView):
    model = AssignmentGroup
    form_class = AssignmentGroupForm
    create_service = staticmethod(services.create_group)
    update_service = staticmethod(services.update_group)

    def load(self, pk):
        group = super().load(pk)
        if pk is not None and not may_write(self.request.user, group, "change"):
            raise DjangoPermissionDenied
        return group


urlpatterns = object_urls(
    AssignmentGroup,
    list_view=AssignmentGroupListView,
    detail_view=AssignmentGroupDetailView,
    edit_view=AssignmentGroupEditView,
)
