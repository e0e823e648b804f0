"""The import page: choose a kind, upload a file, preview, then import.

A workflow screen, not CRUD (STYLE.md principle 4): the view only parses the
upload and maps errors to messages (principle 6); ``caducee.core.imports``
does the work. A previewed file is kept for half an hour in the cache under a
random token bound to the user, so "Import" after "Preview" needs no second
upload. Bad input of any kind is a 400 with the message next to its field.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from caducee.core.imports import (
    ImportFileError,
    ImportSpec,
    check_size,
    read_table,
    run_import,
)
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can
from caducee.core.views.generic import view_name
from caducee.org.imports import SPECS

TOKEN_SECONDS = 30 * 60


def importable_specs(user: Any) -> dict[str, ImportSpec]:
    return {
        kind: spec
        for kind, spec in SPECS.items()
        if can(user, spec.model, "add") or can(user, spec.model, "change")
    }


def _cache_key(token: str) -> str:
    return f"caducee:import:{token}"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to import"),
        error_messages={
            "invalid_choice": gettext_lazy("Unknown kind of import: choose one from the list.")
        },
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "CSV (UTF-8, separated by ; or ,) or XLSX; the first row holds the headers."
        ),
    )
    valid_only = forms.BooleanField(
        label=gettext_lazy("Import valid rows only"),
        required=False,
        help_text=gettext_lazy("Otherwise nothing is saved when any row has an error."),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, specs: dict[str, ImportSpec], user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.specs, self.user = specs, user
        self.fields["kind"].choices = [("", "---------")] + [
            (kind, capfirst(spec.label)) for kind, spec in specs.items()
        ]
        self.fields["kind"].widget.attrs["class"] = "select"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload, token = cleaned.get("file"), cleaned.get("token")
        if "file" in self.errors:
            return cleaned
        try:
            if upload is not None:
                name, data = upload.name, self._read(upload)
            elif token:
                stored = cache.get(_cache_key(token))
                if not stored or stored["user"] != self.user.pk:
                    raise ImportFileError(_("The previewed file has expired: upload it again."))
                name, data = stored["name"], stored["data"]
            else:
                raise ImportFileError(_("Choose a file to import."))
            cleaned["table"] = read_table(name, data)
            cleaned["name"], cleaned["data"] = name, data
            spec = self.specs.get(cleaned.get("kind") or "")
            if spec is not None:
                spec.match_headers(cleaned["table"].headers)
        except ImportFileError as exc:
            self.add_error("file", exc.message)
        return cleaned

    def _read(self, upload) -> bytes:
        check_size(upload.size)  # before reading it into memory
        return upload.read()


def counts_text(result, *, preview: bool) -> str:
    counts = result.counts
    template = (
        _(
            "%(create)s to create, %(update)s to update, %(unchanged)s unchanged, "
            "%(error)s with errors."
        )
        if preview
        else _(
            "%(create)s created, %(update)s updated, %(unchanged)s unchanged, %(error)s skipped."
        )
    )
    return template % counts


class ImportView(LoginRequiredMixin, View):
    template_name = "org/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.specs = importable_specs(request.user)
            if not self.specs:
                raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        kind = request.GET.get("template")
        if kind is not None:
            spec = self.specs.get(kind)
            if spec is None:
                raise Http404
            response = HttpResponse(spec.template_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="caducee-{kind}.csv"'
            return response
        initial = {"kind": request.GET.get("kind", "")}
        form = ImportForm(specs=self.specs, user=request.user, initial=initial)
        return self.render_page(form)

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, specs=self.specs, user=request.user)
        if not form.is_valid():
            return self.render_page(form, status=400)
        kind = form.cleaned_data["kind"]
        spec = self.specs[kind]
        dry_run = request.POST.get("action") != "import"
        valid_only = form.cleaned_data["valid_only"]
        try:
            result = run_import(
                spec,
                form.cleaned_data["table"],
                user=request.user,
                dry_run=dry_run,
                valid_only=valid_only,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_page(form, status=400 if exc.status_code == 400 else 403)
        token = form.cleaned_data.get("token") or ""
        if dry_run:
            token = secrets.token_urlsafe(24)
            stored = {
                "user": request.user.pk,
                "name": form.cleaned_data["name"],
                "data": form.cleaned_data["data"],
            }
            cache.set(_cache_key(token), stored, TOKEN_SECONDS)
            return self.render_page(
                form, result=result, summary=counts_text(result, preview=True), token=token
            )
        if not result.committed:
            return self.render_page(
                form,
                result=result,
                summary=_("Nothing was saved: %(n)s row(s) have errors.")
                % {"n": result.counts["error"]},
                status=400,
            )
        if token:
            cache.delete(_cache_key(token))
        messages.success(
            request,
            _("Import of %(kind)s done: %(counts)s")
            % {"kind": spec.label, "counts": counts_text(result, preview=False)},
        )
        return HttpResponseRedirect(reverse(view_name(spec.model, "list")))

    def render_page(self, form, *, result=None, summary="", token="", status=200):
        kind = form.data.get("kind") if form.is_bound else form.initial.get("kind")
        context = {
            "form": form,
            "result": result,
            "summary": summary,
            "token": token,
            "kind": kind if kind in self.specs else "",
            "valid_only": form.is_bound and form.cleaned_data.get("valid_only", False),
            "templates": [
                {"kind": k, "label": capfirst(s.label), "url": f"?template={k}"}
                for k, s in self.specs.items()
            ],
        }
        return render(self.request, self.template_name, context, status=status)
