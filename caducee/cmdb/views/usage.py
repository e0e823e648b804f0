"""CMDB pages: who uses an item (the "Users" tab of an item page).

Rule in ``caducee.cmdb.services.usage``: the people assigned to the item and
the care units that use it, with their head count. The person side ("their
equipment and applications") is a panel of the person page, contributed by
``caducee.cmdb.panels`` because ``org`` may not import ``cmdb``.
"""

from __future__ import annotations

from typing import Any

from django.urls import path

from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.usage import users_of_item
from caducee.cmdb.views.tabs import ItemTabView
from caducee.core.views.generic import optional_reverse


class ItemUsersTabView(ItemTabView):
    tab = "users"
    template_name = "cmdb/usage_item_tab.html"

    def get_tab_context(self, item: ConfigurationItem) -> dict[str, Any]:
        return {
            "users": users_of_item(item, user=self.request.user),
            "impact_url": optional_reverse("cmdb:configurationitem_impact", args=[item.pk]),
        }


urlpatterns = [
    path(
        "configurationitems/<int:pk>/users/",
        ItemUsersTabView.as_view(),
        name="configurationitem_users",
    ),
]
