"""Software titles: which software runs where.

Titles (name and publisher) are shared by the whole GHT — a title is no
secret — but the installations counted and listed are only those on items
the user may see (``restrict()``), so a title's page never reveals another
establishment's machines. Titles and installations are written by the
inventory agents; these pages only read.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import path
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.filters import SoftwareFilterSet
from caducee.cmdb.models import ConfigurationItem, InstalledSoftware, Software
from caducee.cmdb.tables import InstallationTable, SoftwareTable
from caducee.core.services.scoping import restrict
from caducee.core.views.generic import ObjectDetailView, ObjectListView

#: Installations listed on a title's page (the count says how many in all).
LISTED = 200


def visible_items(user):
    return ConfigurationItem.objects.restrict(user, "view").values("pk")


class SoftwareViewMixin:
    model = Software

    def get_queryset(self):
        # Software has a plain manager: scope through the one entry point.
        return restrict(self.base_queryset(), self.request.user, self.action)


class SoftwareListView(SoftwareViewMixin, ObjectListView):
    filterset_class = SoftwareFilterSet
    table_class = SoftwareTable

    def base_queryset(self):
        return Software.objects.annotate(
            installation_count=Count(
                "installations",
                filter=Q(installations__item__in=visible_items(self.request.user)),
            )
        ).order_by("name", "publisher")


class SoftwareDetailView(SoftwareViewMixin, ObjectDetailView):
    detail_fields = ["name", "publisher"]

    def get_related(self, obj):
        installations = (
            InstalledSoftware.objects.filter(
                software=obj, item__in=visible_items(self.request.user)
            )
            .select_related("item", "item__establishment")
            .order_by("item__name", "version")
        )
        count = installations.count()
        return [
            {
                "title": _("Installed on"),
                "count": count,
                "table": InstallationTable(installations[:LISTED], orderable=False),
                "more_url": None,
            }
        ]


urlpatterns = [
    path("software/", SoftwareListView.as_view(), name="software_list"),
    path("software/<int:pk>/", SoftwareDetailView.as_view(), name="software_detail"),
]
