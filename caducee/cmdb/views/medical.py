"""Biomedical CMMS pages: maintenance plans, a device's maintenance tab and
its printable register; gathers the work order and vigilance pages.

The maintenance tab answers, for one device, what R5212-25 to R5212-35 ask
the operator to know: which plans cover it and when each falls due next, the
orders still open, the register of every operation (who, employer, dates,
stop and restart, nature, result, signature) and its vigilance reports. The
register also prints on its own page, with the inventory data the register
must carry (names, manufacturer, supplier, serial number, location, first
use date).
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from caducee.cmdb.filters.medical import MaintenancePlanFilterSet
from caducee.cmdb.forms.medical import MaintenancePlanForm
from caducee.cmdb.models import ConfigurationItem, MaintenancePlan, VigilanceReport, WorkOrder
from caducee.cmdb.services import maintenance as services
from caducee.cmdb.services.vigilance import harm_alert
from caducee.cmdb.tables.medical import (
    MaintenancePlanTable,
    PlanDeviceTable,
    VigilanceReportTable,
    WorkOrderRegisterTable,
    WorkOrderTable,
)
from caducee.cmdb.types import CIType
from caducee.cmdb.views import vigilance, workorders
from caducee.cmdb.views.tabs import ItemTabView
from caducee.core.services.scoping import can
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    object_urls,
)

DEVICES_SHOWN = 50


def plan_queryset():
    return MaintenancePlan.objects.select_related(
        "establishment", "responsible_team", "responsible_supplier"
    )


class MaintenancePlanListView(ObjectListView):
    model = MaintenancePlan
    filterset_class = MaintenancePlanFilterSet
    table_class = MaintenancePlanTable

    def base_queryset(self):
        return plan_queryset()


class MaintenancePlanDetailView(ObjectDetailView):
    model = MaintenancePlan
    detail_fields = [
        "name",
        "kind",
        "establishment",
        "manufacturer",
        "model",
        "device_class",
        "frequency_months",
        "lead_days",
        "responsible_team",
        "responsible_supplier",
        "regulatory_reference",
        "is_active",
    ]

    def base_queryset(self):
        return plan_queryset()

    def get_related(self, obj: MaintenancePlan) -> list[dict[str, Any]]:
        user = self.request.user
        devices = (
            services.devices_for_plan(obj).select_related("establishment").restrict(user, "view")
        )
        shown = list(devices.order_by("name", "pk")[:DEVICES_SHOWN])
        history = services.plan_history(obj)
        today = timezone.localdate()
        for device in shown:
            device.next_due = services.next_due_date(
                obj, device, history.get(device.pk), today=today
            )
        count = devices.count()
        orders = workorders.work_order_queryset().filter(plan=obj, status=WorkOrder.Status.PLANNED)
        orders = orders.restrict(user, "view")
        list_url = reverse("cmdb:workorder_list")
        open_count = orders.count()
        return [
            {
                "title": _("Devices covered"),
                "count": count,
                "table": PlanDeviceTable(shown, orderable=False),
                "more_url": None,
            },
            {
                "title": _("Open work orders"),
                "count": open_count,
                "table": WorkOrderTable(orders[:DEVICES_SHOWN], orderable=False),
                "more_url": f"{list_url}?plan={obj.pk}&status=planned" if open_count else None,
            },
        ]


class MaintenancePlanEditView(ObjectEditView):
    model = MaintenancePlan
    form_class = MaintenancePlanForm
    create_service = staticmethod(services.create_plan)
    update_service = staticmethod(services.update_plan)


class MaintenancePlanDeleteView(ObjectDeleteView):
    """Only a plan that never produced an order can go (orders PROTECT it);
    otherwise it is made inactive."""

    model = MaintenancePlan


def device_maintenance(device: ConfigurationItem, user: Any) -> dict[str, Any]:
    """What the tab and the printed register show about one device."""
    today = timezone.localdate()
    plans = []
    for plan in services.plans_for_device(device).restrict(user, "view").order_by("name"):
        plans.append(
            {
                "plan": plan,
                "next_due": services.next_due_for_device(plan, device, today=today)
                if plan.is_active
                else None,
            }
        )
    orders = (
        WorkOrder.objects.filter(device=device)
        .select_related("plan__responsible_team", "plan__responsible_supplier", "signed_by")
        .restrict(user, "view")
    )
    open_orders = orders.filter(status=WorkOrder.Status.PLANNED).order_by("due_date", "pk")
    register = orders.exclude(status=WorkOrder.Status.PLANNED).order_by(
        "-performed_on", "-due_date", "-pk"
    )
    reports = VigilanceReport.objects.filter(device=device).restrict(user, "view")
    return {
        "today": today,
        "is_medical": device.ci_type == CIType.MEDICAL_DEVICE,
        "plans": plans,
        "open_orders": open_orders,
        "register": register,
        "reports": reports,
        "harm_reports": harm_alert(device).restrict(user, "view"),
    }


class MaintenanceTabView(ItemTabView):
    tab = "maintenance"
    template_name = "cmdb/maintenance_tab.html"

    def get_tab_context(self, item: ConfigurationItem) -> dict[str, Any]:
        user = self.request.user
        data = device_maintenance(item, user)
        return {
            **data,
            "open_table": WorkOrderTable(
                data["open_orders"], orderable=False, exclude=("device", "establishment")
            ),
            "register_table": WorkOrderRegisterTable(data["register"]),
            "report_table": VigilanceReportTable(
                data["reports"].select_related("device__establishment"), orderable=False
            ),
            "can_add_order": can(user, WorkOrder, "add"),
            "can_add_report": can(user, VigilanceReport, "add"),
            "order_add_url": reverse("cmdb:workorder_add") + f"?device={item.pk}&kind=corrective",
            "report_add_url": reverse("cmdb:vigilancereport_add") + f"?device={item.pk}",
            "register_url": reverse("cmdb:configurationitem_register", args=[item.pk]),
            "orders_url": reverse("cmdb:workorder_list") + f"?device={item.pk}",
        }


class MaintenanceRegisterView(ObjectViewMixin, View):
    """The device's register as a page to print or save as PDF."""

    model = ConfigurationItem

    def base_queryset(self):
        return ConfigurationItem.objects.select_related("establishment", "room", "supplier")

    def get(self, request, pk):
        device = self.get_object(pk)
        data = device_maintenance(device, request.user)
        attributes = device.attributes or {}
        return render(
            request,
            "cmdb/maintenance_register.html",
            {
                **data,
                "device": device,
                "register": data["register"].order_by("performed_on", "due_date", "pk"),
                "trade_name": attributes.get("trade_name", ""),
                "device_class": attributes.get("device_class", ""),
                "first_use": services.first_use_date(device),
                "udi": " ".join(
                    v for v in (attributes.get("udi_di"), attributes.get("udi_pi")) if v
                ),
                "printed_at": timezone.localtime(),
            },
        )


urlpatterns = [
    *object_urls(
        MaintenancePlan,
        list_view=MaintenancePlanListView,
        detail_view=MaintenancePlanDetailView,
        edit_view=MaintenancePlanEditView,
        delete_view=MaintenancePlanDeleteView,
    ),
    *workorders.urlpatterns,
    *vigilance.urlpatterns,
    path(
        "configurationitems/<int:pk>/maintenance/",
        MaintenanceTabView.as_view(),
        name="configurationitem_maintenance",
    ),
    path(
        "configurationitems/<int:pk>/maintenance/register/",
        MaintenanceRegisterView.as_view(),
        name="configurationitem_register",
    ),
]
