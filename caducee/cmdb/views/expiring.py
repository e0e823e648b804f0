"""The "Expiring warranties and contracts" page (``cmdb:expiring``).

Rules in ``caducee.cmdb.services.expiring``. The page shows the contracts to
act on and the items whose warranty ends within the chosen horizon (30, 90,
180 or 365 days), counted by establishment and type; ``?export=csv|xlsx``
with ``table=contracts|items`` downloads either list as the page shows it.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import RequestConfig

from caducee.cmdb.models import ConfigurationItem, Contract
from caducee.cmdb.services.expiring import DEFAULT_HORIZON, HORIZONS, expiring_report
from caducee.cmdb.tables import ExpiringContractTable, ItemWarrantyTable
from caducee.core.exports import FORMATS, export_response
from caducee.core.services.scoping import can


class HorizonForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        # A callable: the labels are translated per request, not at import.
        choices=lambda: [(d, gettext("%(days)s days") % {"days": d}) for d in HORIZONS],
        initial=DEFAULT_HORIZON,
        required=False,
        empty_value=DEFAULT_HORIZON,
    )


class ExpiringView(LoginRequiredMixin, View):
    template_name = "cmdb/expiring.html"

    def get(self, request):
        user = request.user
        if not (can(user, Contract, "view") or can(user, ConfigurationItem, "view")):
            raise PermissionDenied
        form = HorizonForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        days = form.cleaned_data["days"] if form.is_bound else DEFAULT_HORIZON
        report = expiring_report(user=user, days=days)
        contracts = ExpiringContractTable(report.contracts, request=request)
        items = ItemWarrantyTable(report.items, request=request, prefix="items-")
        export = request.GET.get("export")
        if export in FORMATS:
            table = contracts if request.GET.get("table") == "contracts" else items
            RequestConfig(request, paginate=False).configure(table)
            name = "expiring-contracts" if table is contracts else "expiring-warranties"
            return export_response(table, export, f"{name}-{days}d")
        RequestConfig(request, paginate=False).configure(contracts)
        RequestConfig(request, paginate={"per_page": 50}).configure(items)
        query = request.GET.copy()
        for key in ("export", "table", "items-page"):
            query.pop(key, None)
        context = {
            "form": form,
            "report": report,
            "contracts_table": contracts,
            "items_table": items,
            "querystring": query.urlencode(),
        }
        return render(request, self.template_name, context)


urlpatterns = [path("expiring/", ExpiringView.as_view(), name="expiring")]
