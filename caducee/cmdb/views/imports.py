"""CMDB import pages: upload a file (preview or import), then follow its job.

A workflow screen, not CRUD (STYLE.md principle 4): the views parse the
upload, call ``caducee.cmdb.imports`` and map its errors next to the field
(principle 6). The job page is one view: the full page normally, and for
htmx's poll (``hx-trigger="every 1s"``) only its ``progress`` partial
(principle 12), which stops polling once the job has finished. Without
JavaScript, reloading the page shows the same progress.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View

from caducee.cmdb.imports import (
    KIND_LABELS,
    confirm_import,
    importable_kinds,
    jobs_of,
    submit_import,
)
from caducee.cmdb.imports.templates import template_file
from caducee.core.imports import check_size
from caducee.core.models.jobs import MAX_STORED_ERRORS
from caducee.core.services.errors import DomainError
from caducee.core.views.generic import optional_reverse, redirect_to

FORMATS = ("csv", "xlsx")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to import"),
        error_messages={"invalid_choice": _("Unknown kind of import: choose one from the list.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, separated by ; or ,) or XLSX; the first row holds the headers."),
        error_messages={"required": _("Choose a file to import.")},
    )
    valid_only = forms.BooleanField(
        label=_("Import valid rows only"),
        required=False,
        help_text=_("Otherwise nothing is saved when any row has an error."),
    )

    def __init__(self, *args: Any, kinds: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, capfirst(label)) for k, label in kinds.items()]
        self.fields["kind"].widget.attrs["class"] = "select"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before reading it into memory
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class ImportView(LoginRequiredMixin, View):
    template_name = "cmdb/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.kinds = importable_kinds(request.user)
            if not self.kinds:
                raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        kind, file_format = request.GET.get("template"), request.GET.get("format", "csv")
        if kind is not None:
            if kind not in self.kinds or file_format not in FORMATS:
                raise Http404
            content, content_type, name = template_file(kind, file_format, request.user)
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        form = ImportForm(kinds=self.kinds, initial={"kind": request.GET.get("kind", "items")})
        return self.render_page(form)

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, kinds=self.kinds)
        if not form.is_valid():
            return self.render_page(form, status=400)
        upload = form.cleaned_data["file"]
        options = {
            "kind": form.cleaned_data["kind"],
            "name": upload.name,
            "data": upload.read(),
            "dry_run": request.POST.get("action") != "import",
            "valid_only": form.cleaned_data["valid_only"],
        }
        try:
            job = submit_import(actor=request.user, **options)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_page(form, status=exc.status_code)
        return redirect_to(request, reverse("cmdb:import_job", args=[job.pk]))

    def render_page(self, form, *, status: int = 200):
        templates = [
            {
                "label": capfirst(label),
                "links": [(f.upper(), f"?template={kind}&format={f}") for f in FORMATS],
            }
            for kind, label in self.kinds.items()
        ]
        context = {
            "form": form,
            "templates": templates,
            "jobs": jobs_of(self.request.user).select_related("requested_by")[:10],
            "kind_labels": KIND_LABELS,
        }
        return render(self.request, self.template_name, context, status=status)


class ImportJobView(LoginRequiredMixin, View):
    """One job: progress while it runs, then counts and row errors."""

    template_name = "cmdb/import_job.html"

    def get(self, request, pk: int):
        job = get_object_or_404(jobs_of(request.user), pk=pk)
        template = self.template_name
        if request.htmx:
            template += "#progress"
        return render(request, template, self.context(job))

    def post(self, request, pk: int):
        """Import for real the file of a finished preview."""
        job = get_object_or_404(jobs_of(request.user), pk=pk)
        try:
            new = confirm_import(
                job, actor=request.user, valid_only=bool(request.POST.get("valid_only"))
            )
        except DomainError as exc:
            context = {**self.context(job), "action_error": exc.message}
            return render(request, self.template_name, context, status=exc.status_code)
        return redirect_to(request, reverse("cmdb:import_job", args=[new.pk]))

    @staticmethod
    def context(job) -> dict[str, Any]:
        kind = job.kind.removeprefix("cmdb.")
        return {
            "job": job,
            "kind_label": capfirst(KIND_LABELS.get(kind, kind)),
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in job.errors],
            "truncated": len(job.errors) >= MAX_STORED_ERRORS,
            "list_url": optional_reverse(
                "cmdb:configurationitem_list" if kind == "items" else "cmdb:relation_list"
            ),
        }


urlpatterns = [
    path("import/", ImportView.as_view(), name="import"),
    path("import/<int:pk>/", ImportJobView.as_view(), name="import_job"),
]
