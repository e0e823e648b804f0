"""CMDB API: configuration items, relations, software titles.

Rule (STYLE.md principles 3, 5, 11): the API filters with the same
FilterSets as the pages, reads start from ``restrict()`` (an item outside
the caller's scope is a 404), and writes call the CMDB services
(``create_item``, ``update_item``, ``delete_item``, ``bulk_update_items``,
``create_relation``, ``delete_relation``), so validation, scope checks and
the audit trail are the same as in the UI. ``POST items/bulk-update/``
applies the same values to many items, all or nothing.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from caducee.cmdb.api.serializers_items import (
    BulkUpdateSerializer,
    ConfigurationItemSerializer,
    RelationSerializer,
    SoftwareSerializer,
)
from caducee.cmdb.filters import (
    ConfigurationItemFilterSet,
    RelationFilterSet,
    SoftwareFilterSet,
)
from caducee.cmdb.models import ConfigurationItem, InstalledSoftware, Relation, Software
from caducee.cmdb.services.items import (
    bulk_update_items,
    create_item,
    create_relation,
    delete_item,
    delete_relation,
    update_item,
)
from caducee.core.api.views import ScopedModelViewSet
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can, restrict


def _software_count():
    """Installations per item, as a correlated subquery: evaluated for the
    page's rows only, and dropped from the pagination count."""
    per_item = (
        InstalledSoftware.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_item, output_field=IntegerField()), Value(0))


class ConfigurationItemViewSet(ScopedModelViewSet):
    model = ConfigurationItem
    serializer_class = ConfigurationItemSerializer
    filterset_class = ConfigurationItemFilterSet
    create_service = staticmethod(create_item)
    update_service = staticmethod(update_item)
    delete_service = staticmethod(delete_item)
    ordering_fields = ["name", "ci_type", "status", "criticality", "warranty_end", "updated_at"]
    ordering = ["name", "pk"]

    def base_queryset(self):
        return (
            ConfigurationItem.objects.select_related("establishment", "room")
            .prefetch_related("interfaces")
            .annotate(software_count=_software_count())
        )

    @extend_schema(
        request=BulkUpdateSerializer,
        responses=inline_serializer("BulkUpdateResult", {"updated": serializers.IntegerField()}),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-update",
        permission_classes=[IsAuthenticated],
    )
    def bulk_update(self, request):
        """Set the same fields on many items; all or nothing."""
        if not can(request.user, ConfigurationItem, "change"):
            raise PermissionDenied(_("You are not allowed to do this."))
        payload = BulkUpdateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        ids = set(payload.validated_data["ids"])
        items = ConfigurationItem.objects.restrict(request.user, "change").filter(pk__in=ids)
        found = set(items.values_list("pk", flat=True))
        missing = sorted(ids - found)
        if missing:
            raise DomainError(
                _("No item you may change has the id(s): %(ids)s. Nothing was changed.")
                % {"ids": ", ".join(str(i) for i in missing[:20])},
                field="ids",
                code="not_found",
            )
        updated = bulk_update_items(
            items.order_by("pk"), actor=request.user, changes=payload.validated_data["changes"]
        )
        return Response({"updated": updated})


class RelationViewSet(ScopedModelViewSet):
    model = Relation
    serializer_class = RelationSerializer
    filterset_class = RelationFilterSet
    create_service = staticmethod(
        lambda relation, *, actor, m2m=None: create_relation(relation, actor=actor)
    )
    delete_service = staticmethod(delete_relation)
    ordering_fields = ["kind", "source__name", "updated_at"]

    def base_queryset(self):
        return Relation.objects.select_related("source", "target", "care_unit")


class SoftwareViewSet(viewsets.ReadOnlyModelViewSet):
    """Software titles with their installations counted on the caller's items."""

    serializer_class = SoftwareSerializer
    filterset_class = SoftwareFilterSet
    ordering_fields = ["name", "publisher", "installation_count"]
    ordering = ["name", "publisher"]
    queryset = Software.objects.none()  # for the permission class and the schema

    def get_queryset(self):
        visible = ConfigurationItem.objects.restrict(self.request.user, "view").values("pk")
        titles = Software.objects.annotate(
            installation_count=Count("installations", filter=Q(installations__item__in=visible))
        ).order_by("name", "publisher")
        return restrict(titles, self.request.user, "view")


ROUTES = [
    ("items", ConfigurationItemViewSet, "configurationitem"),
    ("relations", RelationViewSet, "relation"),
    ("software", SoftwareViewSet, "software"),
]
urlpatterns: list = []
