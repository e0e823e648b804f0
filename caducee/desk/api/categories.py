"""Reference data of the desk, read only: categories and tags.

Rule (``caducee.desk.models.categories`` and ``tags``): categories are one
tree per ticket kind and tags are shared by the whole GHT; both are
maintained on the configuration pages. The API lists them so a client can
choose a ticket's ``category`` (an id) and ``tags`` (names): categories
in use by default (``?active=false`` for retired ones, ``?kind=`` for one
tree, ``?parent=`` for one level), each with its full path.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from caducee.desk.api.serializers import CategorySerializer, TagSerializer
from caducee.desk.models import Category, Tag, TicketKind


class CategoryApiFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("Kind"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Category
        fields = ["kind", "parent", "active", "q"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    filterset_class = CategoryApiFilterSet
    filter_backends = [DjangoFilterBackend]
    queryset = Category.objects.none()  # for the permission class and the schema

    def get_queryset(self):
        queryset = Category.objects.restrict(self.request.user, "view").select_related(
            "parent__parent"
        )
        if "active" not in self.request.query_params:
            queryset = queryset.filter(is_active=True)
        return queryset.order_by("kind", "position", "name", "pk")


class TagFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Tag
        fields = ["q"]


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TagSerializer
    filterset_class = TagFilterSet
    filter_backends = [DjangoFilterBackend]
    queryset = Tag.objects.none()

    def get_queryset(self):
        return Tag.objects.restrict(self.request.user, "view").order_by("name")


ROUTES = [
    ("categories", CategoryViewSet, "category"),
    ("tags", TagViewSet, "tag"),
]
urlpatterns: list = []
