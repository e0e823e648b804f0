"""The impact tab of a configuration item: what stops if it stops.

Rule (issue "CMDB" point 2, DESIGN.md "Clinical impact drives priority"):
the page answers the desk's questions in the order they are asked — how
bad (highest clinical criticality reached, people, patient safety), which
care units (life-critical first), which items and applications, and what
the item itself depends on (root-cause candidates) — as text lists and as a
server-drawn graph (``caducee.cmdb.graph_svg``). Totals are complete; the
lists show what the user may read and count the rest. A checkbox (plain
GET form, no script) adds everything already out of service to the roots.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _

from caducee.cmdb.graph_svg import render_impact_svg
from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.graph_scope import scope_impact
from caducee.cmdb.services.impact import analyse_impact
from caducee.cmdb.views.tabs import ItemTabView
from caducee.org.models import Criticality

#: Affected items listed per type on the page (the API lists them all).
PER_TYPE = 25
UPSTREAM_LIMIT = 50


class ConfigurationItemImpactView(ItemTabView):
    tab = "impact"
    template_name = "cmdb/impact.html"

    def get_tab_context(self, item: ConfigurationItem) -> dict[str, Any]:
        include = self.request.GET.get("include_out_of_service") == "1"
        result = analyse_impact([item.pk], include_out_of_service=include)
        scoped = scope_impact(
            result, self.request.user, per_type=PER_TYPE, upstream_limit=UPSTREAM_LIMIT
        )
        title = _("Impact of %(item)s going down") % {"item": item}
        return {
            "impact": scoped,
            "result": result,
            "include_out_of_service": include,
            "life_critical": int(Criticality.LIFE_CRITICAL),
            "graph_svg": render_impact_svg(scoped, title=title),
            "graph_title": title,
        }


urlpatterns = [
    path(
        "configurationitems/<int:pk>/impact/",
        ConfigurationItemImpactView.as_view(),
        name="configurationitem_impact",
    ),
]
