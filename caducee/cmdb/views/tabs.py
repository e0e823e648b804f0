"""The configuration item page and its tabs.

Each tab is a view of its own, owned by the part that fills it (relations,
impact, maintenance, contracts, users). They share ``ItemTabView``: the item
loaded through ``restrict()`` (404 outside the user's scope), the page head
with edit/delete actions, and the tab bar. A tab whose view is not installed
is left out of the bar.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from caducee.cmdb.models import ConfigurationItem
from caducee.core.views.generic import ObjectViewMixin, object_actions, object_tabs

#: (url suffix → view name ``cmdb:configurationitem_<suffix>``, label)
ITEM_TABS: list[tuple[str, Any]] = [
    ("relations", _("Relations")),
    ("impact", _("Impact")),
    ("maintenance", _("Maintenance")),
    ("contracts", _("Contracts")),
    ("users", _("Users")),
]


class ItemTabView(ObjectViewMixin, View):
    """Base of a tab: subclasses set ``tab``, ``template_name`` and
    ``get_tab_context(item)``; the template extends ``cmdb/item_tab.html``
    and fills ``{% block tab %}``."""

    model = ConfigurationItem
    tab: ClassVar[str] = ""
    template_name: ClassVar[str] = "cmdb/item_tab.html"

    def base_queryset(self):
        return ConfigurationItem.objects.select_related("establishment", "room")

    def get_tab_context(self, item: ConfigurationItem) -> dict[str, Any]:
        return {}

    def get(self, request, pk):
        item = self.get_object(pk)
        context = {
            **self.common_context(),
            "object": item,
            "tabs": object_tabs(ConfigurationItem, item, self.tab, ITEM_TABS),
            **object_actions(ConfigurationItem, item, request.user),
            **self.get_tab_context(item),
        }
        return render(request, self.template_name, context)
