"""Relation pages and the "Relations" tab of an item.

Rule (issue "CMDB" point 2): a relation reads "source <kind> target"; the
allowed type pairs and the ban on self-loops live in ``Relation.clean`` and
reach the form as field errors. Adding goes through ``create_relation`` and
removing through ``delete_relation`` (they keep the impact graph fresh);
editing a relation's kind, target or notes is validated and audited by the
generic update service. A relation is visible with its source item.

The tab lists what the item depends on (outgoing) and what depends on it
(incoming); the "Add" links open the relation form prefilled with this item,
and return to the tab afterwards (``?next=``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from caducee.cmdb.filters import RelationFilterSet
from caducee.cmdb.forms import RelationForm
from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.cmdb.services.items import create_relation, delete_relation
from caducee.cmdb.tables import RelationTable
from caducee.cmdb.views.tabs import ItemTabView
from caducee.core.services.scoping import can
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    object_urls,
)

#: Relations listed per direction on the tab (a core switch has thousands);
#: the rest are a click away in the filtered relation list.
TAB_LIMIT = 200
RELATED = ("source", "source__establishment", "target", "care_unit")


class NextUrlMixin:
    """After a successful post, go back to ``?next=`` when it is one of ours."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        target = request.GET.get("next") or request.POST.get("next")
        if (
            isinstance(response, HttpResponseRedirect)
            and target
            and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            response["Location"] = target
            if response.has_header("HX-Redirect"):
                response["HX-Redirect"] = target
        return response


class RelationListView(ObjectListView):
    model = Relation
    filterset_class = RelationFilterSet
    table_class = RelationTable
    template_name = "cmdb/relation_list.html"

    def base_queryset(self):
        return Relation.objects.select_related(*RELATED)


class RelationDetailView(ObjectDetailView):
    model = Relation
    detail_fields = ["source", "kind", "target", "care_unit", "notes"]

    def base_queryset(self):
        return Relation.objects.select_related(*RELATED)


class RelationEditView(NextUrlMixin, ObjectEditView):
    model = Relation
    form_class = RelationForm
    template_name = "cmdb/relation_edit.html"
    create_service = staticmethod(
        lambda relation, *, actor, m2m=None: create_relation(relation, actor=actor)
    )


class RelationDeleteView(NextUrlMixin, ObjectDeleteView):
    model = Relation
    delete_service = staticmethod(delete_relation)


class ConfigurationItemRelationsView(ItemTabView):
    tab = "relations"
    template_name = "cmdb/item_relations.html"

    def get_tab_context(self, item: ConfigurationItem) -> dict[str, Any]:
        user = self.request.user
        visible = Relation.objects.restrict(user, "view").select_related(*RELATED)
        outgoing = visible.filter(source=item).order_by("kind", "target__name", "care_unit__name")
        incoming = visible.filter(target=item).order_by("kind", "source__name")
        deletable = set(
            Relation.objects.restrict(user, "delete")
            .filter(Q(source=item) | Q(target=item))
            .values_list("pk", flat=True)
        )
        here = reverse("cmdb:configurationitem_relations", args=[item.pk])
        add_url = reverse("cmdb:relation_add") if can(user, Relation, "add") else None
        list_url = reverse("cmdb:relation_list")
        return {
            "outgoing": outgoing[:TAB_LIMIT],
            "outgoing_count": outgoing.count(),
            "incoming": incoming[:TAB_LIMIT],
            "incoming_count": incoming.count(),
            "tab_limit": TAB_LIMIT,
            "deletable": deletable,
            "here": here,
            "add_url": add_url,
            "outgoing_list_url": f"{list_url}?source={item.pk}",
            "incoming_list_url": f"{list_url}?target={item.pk}",
        }


urlpatterns = [
    *object_urls(
        Relation,
        list_view=RelationListView,
        detail_view=RelationDetailView,
        edit_view=RelationEditView,
        delete_view=RelationDeleteView,
    ),
    path(
        "configurationitems/<int:pk>/relations/",
        ConfigurationItemRelationsView.as_view(),
        name="configurationitem_relations",
    ),
]
