"""Work order pages: the lists (all, due, overdue), the order with its
signature and cancellation forms, the form for orders made by hand.

Views only parse, call ``caducee.cmdb.services.workorders`` and map its
errors (STYLE.md principle 5): a field error next to the field (400), a
signed or cancelled order as a clear message (409), a user without the right
as a 403. Why signing asks for the password again is explained in
``caducee.cmdb.forms.medical``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from caducee.cmdb.filters.medical import WorkOrderFilterSet
from caducee.cmdb.forms.medical import (
    WorkOrderCancelForm,
    WorkOrderCompletionForm,
    WorkOrderForm,
)
from caducee.cmdb.models import WorkOrder
from caducee.cmdb.services import workorders as services
from caducee.cmdb.services.maintenance import generate_work_orders
from caducee.cmdb.services.vigilance import devices_with_open_harm, harm_alert
from caducee.cmdb.tables.medical import WorkOrderTable
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, establishment_allowed
from caducee.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    apply_validation_error,
    object_urls,
)


def work_order_queryset():
    return WorkOrder.objects.select_related(
        "device__establishment",
        "plan__responsible_team",
        "plan__responsible_supplier",
        "signed_by",
    ).annotate(device_harm=devices_with_open_harm("device_id"))


class WorkOrderListView(ObjectListView):
    model = WorkOrder
    filterset_class = WorkOrderFilterSet
    table_class = WorkOrderTable
    #: A named list: the ``period`` filter it applies unless the query sets one.
    preset: ClassVar[str] = ""
    title: ClassVar[Any] = None

    def base_queryset(self):
        return work_order_queryset()

    def common_context(self) -> dict[str, Any]:
        context = super().common_context()
        if self.title:
            context["verbose_name_plural"] = self.title
        return context

    def get(self, request):
        if self.preset and "period" not in request.GET:
            query = request.GET.copy()
            query["period"] = self.preset
            request.GET = query
        return super().get(request)


class WorkOrderDueView(WorkOrderListView):
    preset = "due"
    title = gettext_lazy("Work orders due within 30 days")


class WorkOrderOverdueView(WorkOrderListView):
    preset = "overdue"
    title = gettext_lazy("Overdue work orders")


class WorkOrderDetailView(ObjectDetailView):
    model = WorkOrder
    template_name = "cmdb/workorder_detail.html"
    detail_fields = [
        "device",
        "plan",
        "kind",
        "due_date",
        "status",
        "description",
        "performed_on",
        "performed_by",
        "employer",
        "result",
        "stopped_on",
        "restarted_on",
        "report",
    ]

    def base_queryset(self):
        return work_order_queryset()

    def may_change(self, order: WorkOrder) -> bool:
        user = self.request.user
        return can(user, WorkOrder, "change") and establishment_allowed(
            user, order.device.establishment_id
        )

    def get_extra_context(self, obj: WorkOrder) -> dict[str, Any]:
        forms = getattr(self, "bound_forms", {})
        is_open = obj.status == WorkOrder.Status.PLANNED
        can_act = is_open and self.may_change(obj)
        context: dict[str, Any] = {
            "is_open": is_open,
            "can_act": can_act,
            "signature_valid": services.signature_is_valid(obj) if obj.signature else None,
            "harm_reports": harm_alert(obj.device),
            "overdue": is_open and obj.due_date < timezone.localdate(),
        }
        if not is_open:
            context["edit_url"] = None
        if can_act:
            context["completion_form"] = forms.get("completion_form") or WorkOrderCompletionForm(
                request=self.request, order=obj
            )
            context["cancel_form"] = forms.get("cancel_form") or WorkOrderCancelForm()
        return context

    def render_page(self, obj: WorkOrder, *, status: int = 200, **forms: Any):
        """The order's page again, with the forms as posted (errors shown)."""
        self.bound_forms = forms
        response = self.get(self.request, obj.pk)
        response.status_code = status
        return response


class _WorkOrderActionView(WorkOrderDetailView):
    """POST of a form shown on the order's page; GET shows the page."""

    form_name: ClassVar[str] = ""

    def refuse(self, order: WorkOrder) -> None:
        if not self.may_change(order):
            raise DjangoPermissionDenied

    def post(self, request, pk):
        order = self.get_object(pk)
        self.refuse(order)
        form = self.make_form(order, request.POST)
        if not form.is_valid():
            return self.render_page(order, status=400, **{self.form_name: form})
        try:
            self.act(order, form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_page(order, status=400, **{self.form_name: form})
        except DomainError as exc:
            if exc.status_code == 403:
                raise DjangoPermissionDenied from exc
            if exc.status_code == 400 and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
                return self.render_page(order, status=400, **{self.form_name: form})
            messages.error(request, exc.message)
            return self.render_page(order, status=exc.status_code)
        return redirect(order.get_absolute_url())


class WorkOrderCompleteView(_WorkOrderActionView):
    form_name = "completion_form"

    def make_form(self, order, data):
        return WorkOrderCompletionForm(data, request=self.request, order=order)

    def act(self, order, form):
        services.complete_work_order(order, actor=self.request.user, **form.service_kwargs())
        messages.success(self.request, _("Work order signed."))


class WorkOrderCancelView(_WorkOrderActionView):
    form_name = "cancel_form"

    def make_form(self, order, data):
        return WorkOrderCancelForm(data)

    def act(self, order, form):
        services.cancel_work_order(
            order, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, _("Work order cancelled."))


class WorkOrderEditView(ObjectEditView):
    model = WorkOrder
    form_class = WorkOrderForm
    create_service = staticmethod(services.create_work_order)
    update_service = staticmethod(services.update_work_order)

    def _closed(self, pk):
        if pk is None:
            return None
        order = self.load(pk)
        if order.status == WorkOrder.Status.PLANNED:
            return None
        messages.error(self.request, _("This work order is closed: it cannot be edited."))
        return redirect(order.get_absolute_url())

    def get(self, request, pk=None):
        return self._closed(pk) or super().get(request, pk)


class WorkOrderGenerateView(ObjectViewMixin, View):
    """Run the nightly generation now, for the devices in the user's scope."""

    model = WorkOrder

    def post(self, request):
        if not can(request.user, WorkOrder, "add"):
            raise DjangoPermissionDenied
        count = generate_work_orders(today=timezone.localdate(), actor=request.user)
        messages.success(
            request, _("%(count)s work order(s) created from the plans.") % {"count": count}
        )
        return redirect(reverse("cmdb:workorder_list"))

    def get(self, request):
        return render(request, "cmdb/workorder_generate.html", self.common_context())


urlpatterns = object_urls(
    WorkOrder,
    list_view=WorkOrderListView,
    detail_view=WorkOrderDetailView,
    edit_view=WorkOrderEditView,
    extra=[
        path("workorders/due/", WorkOrderDueView.as_view(), name="workorder_due"),
        path("workorders/overdue/", WorkOrderOverdueView.as_view(), name="workorder_overdue"),
        path("workorders/generate/", WorkOrderGenerateView.as_view(), name="workorder_generate"),
        path(
            "workorders/<int:pk>/complete/",
            WorkOrderCompleteView.as_view(),
            name="workorder_complete",
        ),
        path("workorders/<int:pk>/cancel/", WorkOrderCancelView.as_view(), name="workorder_cancel"),
    ],
)
