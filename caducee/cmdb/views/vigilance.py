"""Device vigilance pages: list, report, edit, declare to ANSM, close.

A report is a regulatory record (R5212-22): there is no delete page, and the
declaration and closing are actions of their own on the report's page
(``caducee.cmdb.services.vigilance``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from caducee.cmdb.filters.medical import VigilanceReportFilterSet
from caducee.cmdb.forms.medical import (
    VigilanceReportAnsmForm,
    VigilanceReportCloseForm,
    VigilanceReportForm,
)
from caducee.cmdb.models import VigilanceReport
from caducee.cmdb.services import vigilance as services
from caducee.cmdb.tables.medical import VigilanceReportTable
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, establishment_allowed
from caducee.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    apply_validation_error,
    object_urls,
)

Status = VigilanceReport.Status


def report_queryset():
    return VigilanceReport.objects.select_related("device__establishment")


class VigilanceReportListView(ObjectListView):
    model = VigilanceReport
    filterset_class = VigilanceReportFilterSet
    table_class = VigilanceReportTable

    def base_queryset(self):
        return report_queryset()


class VigilanceReportDetailView(ObjectDetailView):
    model = VigilanceReport
    template_name = "cmdb/vigilancereport_detail.html"
    detail_fields = [
        "device",
        "incident_date",
        "description",
        "patient_harm",
        "status",
        "ansm_reference",
        "reported_on",
        "actions",
    ]

    def base_queryset(self):
        return report_queryset()

    def may_change(self, report: VigilanceReport) -> bool:
        user = self.request.user
        return can(user, VigilanceReport, "change") and establishment_allowed(
            user, report.device.establishment_id
        )

    def get_extra_context(self, obj: VigilanceReport) -> dict[str, Any]:
        forms = getattr(self, "bound_forms", {})
        can_act = obj.status != Status.CLOSED and self.may_change(obj)
        context: dict[str, Any] = {"can_act": can_act}
        if obj.status == Status.CLOSED:
            context["edit_url"] = None
        if can_act and obj.status == Status.DRAFT:
            context["ansm_form"] = forms.get("ansm_form") or VigilanceReportAnsmForm()
        if can_act:
            context["close_form"] = forms.get("close_form") or VigilanceReportCloseForm(
                initial={"actions": obj.actions}
            )
        return context

    def render_page(self, obj: VigilanceReport, *, status: int = 200, **forms: Any):
        self.bound_forms = forms
        response = self.get(self.request, obj.pk)
        response.status_code = status
        return response


class _ReportActionView(VigilanceReportDetailView):
    form_name: ClassVar[str] = ""

    def post(self, request, pk):
        report = self.get_object(pk)
        if not self.may_change(report):
            raise DjangoPermissionDenied
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_page(report, status=400, **{self.form_name: form})
        try:
            self.act(report, form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_page(report, status=400, **{self.form_name: form})
        except DomainError as exc:
            if exc.status_code == 403:
                raise DjangoPermissionDenied from exc
            if exc.status_code == 400 and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
                return self.render_page(report, status=400, **{self.form_name: form})
            messages.error(request, exc.message)
            return self.render_page(report, status=exc.status_code)
        return redirect(report.get_absolute_url())


class VigilanceReportAnsmView(_ReportActionView):
    form_name = "ansm_form"

    def make_form(self, data):
        return VigilanceReportAnsmForm(data)

    def act(self, report, form):
        services.report_to_ansm(report, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Declaration to ANSM recorded."))


class VigilanceReportCloseView(_ReportActionView):
    form_name = "close_form"

    def make_form(self, data):
        return VigilanceReportCloseForm(data)

    def act(self, report, form):
        services.close_vigilance_report(
            report, actor=self.request.user, actions=form.cleaned_data["actions"]
        )
        messages.success(self.request, _("Report closed."))


class VigilanceReportEditView(ObjectEditView):
    model = VigilanceReport
    form_class = VigilanceReportForm
    create_service = staticmethod(services.create_vigilance_report)
    update_service = staticmethod(services.update_vigilance_report)

    def get(self, request, pk=None):
        if pk is not None:
            report = self.load(pk)
            if report.status == Status.CLOSED:
                messages.error(request, _("This report is closed: it cannot be edited."))
                return redirect(report.get_absolute_url())
        return super().get(request, pk)


urlpatterns = object_urls(
    VigilanceReport,
    list_view=VigilanceReportListView,
    detail_view=VigilanceReportDetailView,
    edit_view=VigilanceReportEditView,
    extra=[
        path(
            "vigilancereports/<int:pk>/declare/",
            VigilanceReportAnsmView.as_view(),
            name="vigilancereport_declare",
        ),
        path(
            "vigilancereports/<int:pk>/close/",
            VigilanceReportCloseView.as_view(),
            name="vigilancereport_close",
        ),
    ],
)
