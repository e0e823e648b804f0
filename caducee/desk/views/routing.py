"""Pages of routing rules: the ordered list (move a rule up or down), a
rule's page, the rule form and its deletion; and "route again" on a ticket.

Thin views (STYLE.md principle 4): the generic views with the services of
``caducee.desk.services.routing``. Agents read the rules (so they know why
a ticket landed in a queue); administrators and DSI managers change them
(``caducee.desk.roles``), a rule of the whole GHT only if they see the whole
GHT (``may_write``, which the services check as well).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import may_write
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    object_urls,
    redirect_to,
)
from caducee.desk.filters.routing import RoutingRuleFilterSet
from caducee.desk.forms.routing import RoutingRuleForm
from caducee.desk.models import RoutingRule, Ticket
from caducee.desk.services import routing as services
from caducee.desk.tables.routing import RoutingRuleTable, conditions_text


def _queryset():
    return RoutingRule.objects.select_related(
        "assignment_group__team",
        "category__parent__parent",
        "configuration_item",
        "establishment",
    ).order_by("position", "pk")


class RoutingRuleListView(ObjectListView):
    model = RoutingRule
    filterset_class = RoutingRuleFilterSet
    table_class = RoutingRuleTable

    def base_queryset(self):
        return _queryset()


class RoutingRuleDetailView(ObjectDetailView):
    model = RoutingRule
    template_name = "desk/routingrule_detail.html"
    detail_fields = [
        "name",
        "position",
        "is_active",
        "kind",
        "category",
        "ci_type",
        "configuration_item",
        "establishment",
        "priority",
        "assignment_group",
    ]

    def base_queryset(self):
        return _queryset()

    def get_extra_context(self, obj):
        group = obj.assignment_group
        return {
            "conditions": conditions_text(obj),
            "group_url": reverse("desk:assignmentgroup_detail", args=[group.pk]),
            "group_unusable": not group.is_active,
        }


class _Writable:
    """Refuse, before the form is shown, what the service would refuse."""

    def get_object(self, pk):
        rule = super().get_object(pk)
        if not may_write(self.request.user, rule, self.action):
            raise DjangoPermissionDenied
        return rule


class RoutingRuleEditView(_Writable, ObjectEditView):
    model = RoutingRule
    form_class = RoutingRuleForm
    create_service = staticmethod(services.create_rule)
    update_service = staticmethod(services.update_rule)

    def base_queryset(self):
        return _queryset()


class RoutingRuleDeleteView(_Writable, ObjectDeleteView):
    model = RoutingRule
    delete_service = staticmethod(services.delete_rule)


@login_required
@require_POST
def routingrule_move(request, pk: int, direction: str):
    """One step up or down the list, then back to the list."""
    rule = RoutingRule.objects.restrict(request.user, "change").filter(pk=pk).first()
    if rule is None:
        raise Http404
    try:
        services.move_rule(rule, actor=request.user, direction=direction)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect_to(request, reverse("desk:routingrule_list"))


@login_required
@require_POST
def ticket_reroute(request, pk: int):
    """An agent's "route again": the rules applied to the ticket as it is now."""
    ticket = get_object_or_404(Ticket.objects.restrict(request.user, "change"), pk=pk)
    try:
        ticket = services.reroute(ticket, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(number)s routed to %(group)s.")
            % {"number": ticket.number, "group": ticket.assignment_group},
        )
    return redirect_to(request, reverse("desk:ticket_detail", args=[pk]))


urlpatterns = [
    *object_urls(
        RoutingRule,
        list_view=RoutingRuleListView,
        detail_view=RoutingRuleDetailView,
        edit_view=RoutingRuleEditView,
        delete_view=RoutingRuleDeleteView,
        extra=[
            path(
                "routingrules/<int:pk>/move/<str:direction>/",
                routingrule_move,
                name="routingrule_move",
            ),
            path("tickets/<int:pk>/reroute/", ticket_reroute, name="ticket_reroute"),
        ],
    ),
]
