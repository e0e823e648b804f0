"""Forms of the biomedical CMMS: plans, work orders and their signature,
vigilance reports and their declaration.

Signing a work order (``WorkOrderCompletionForm``) asks the signed-in user
for their password again and for an explicit "I sign" box. Why both: the
register is a regulatory record that names who certifies the operation, and
biomedical workshops and wards share workstations where a session may be
left open; typing the password proves the person at the keyboard is the
account holder at the moment of signing (PGSSI-S: traceability and
authentication of the author of health records), and the box states what
they certify. The check goes through Django's ``authenticate`` so repeated
wrong passwords lock the account out exactly as at sign-in (axes).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import (
    MaintenanceKind,
    MaintenancePlan,
    VigilanceReport,
    WorkOrder,
)
from caducee.cmdb.types import CIType
from caducee.core.forms import ScopedModelForm

__all__ = [
    "MaintenancePlanForm",
    "VigilanceReportAnsmForm",
    "VigilanceReportCloseForm",
    "VigilanceReportForm",
    "WorkOrderCancelForm",
    "WorkOrderCompletionForm",
    "WorkOrderForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _medical_devices_only(form: ScopedModelForm) -> None:
    field = form.fields.get("device")
    if field is not None:
        field.queryset = field.queryset.filter(ci_type=CIType.MEDICAL_DEVICE).select_related(
            "establishment"
        )


class MaintenancePlanForm(ScopedModelForm):
    class Meta:
        model = MaintenancePlan
        fields = [
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


class WorkOrderForm(ScopedModelForm):
    """An order made by hand, or the rescheduling of a planned one."""

    class Meta:
        model = WorkOrder
        fields = ["device", "kind", "due_date", "description"]
        widgets = {"due_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _medical_devices_only(self)
        if not self.instance.pk and not self.initial.get("kind"):
            self.initial["kind"] = MaintenanceKind.CORRECTIVE
        if self.instance.pk and self.instance.plan_id:
            # A generated order keeps its device and kind (the schedule hangs on them).
            for name in ("device", "kind"):
                self.fields[name].disabled = True


class WorkOrderCompletionForm(forms.Form):
    performed_on = forms.DateField(label=_("Performed on"), widget=DATE)
    performed_by = forms.CharField(label=_("Performed by"), max_length=200)
    employer = forms.CharField(
        label=_("Employer"),
        max_length=200,
        help_text=_("The hospital, or the company the technician works for."),
    )
    result = forms.ChoiceField(label=_("Result"), choices=WorkOrder.Result.choices)
    report = forms.CharField(
        label=_("Report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the result is not compliant."),
    )
    stopped_on = forms.DateField(
        label=_("Device stopped on"),
        required=False,
        widget=DATE,
        help_text=_(
            "Required when non-compliant. Without a restart date the device is put out of service."
        ),
    )
    restarted_on = forms.DateField(
        label=_("Device restarted on"),
        required=False,
        widget=DATE,
        help_text=_("The device is put back in production."),
    )
    confirm = forms.BooleanField(
        label=_("I sign this record: the operation was done as described."),
        required=True,
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Your password confirms that you are the one signing."),
    )

    def __init__(self, *args: Any, request: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        user = request.user
        if not self.is_bound:
            self.initial.setdefault("performed_on", timezone.localdate())
            self.initial.setdefault("performed_by", user.get_full_name() or user.get_username())
            plan = order.plan
            if plan is not None and plan.responsible_supplier_id:
                employer = plan.responsible_supplier.name
            else:
                establishment = order.device.establishment
                employer = establishment.name if establishment else ""
            self.initial.setdefault("employer", employer)

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        user = self.request.user
        signer = authenticate(self.request, username=user.get_username(), password=password)
        if signer is None or signer.pk != user.pk:
            raise forms.ValidationError(_("This password is not correct."))
        return ""

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "performed_on",
                "performed_by",
                "employer",
                "result",
                "report",
                "stopped_on",
                "restarted_on",
            )
        }


class WorkOrderCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VigilanceReportForm(ScopedModelForm):
    class Meta:
        model = VigilanceReport
        fields = ["device", "incident_date", "description", "patient_harm", "actions"]
        widgets = {"incident_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _medical_devices_only(self)
        if self.instance.pk and self.instance.status != VigilanceReport.Status.DRAFT:
            self.fields["device"].disabled = True


class VigilanceReportAnsmForm(forms.Form):
    reference = forms.CharField(label=_("ANSM reference"), max_length=64)
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)


class VigilanceReportCloseForm(forms.Form):
    actions = forms.CharField(
        label=_("Actions taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
