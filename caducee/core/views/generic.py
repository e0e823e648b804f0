"""Generic object views configured by attributes (STYLE.md principle 4).

Every CRUD screen of every app is one of these with a model, a FilterSet, a
Table and a Form. Every queryset starts from ``restrict()``; an object outside
the user's scope is a 404; a list the role may not read at all is a 403, like
the API's. Changes go through the app's service functions
(``create_service`` / ``update_service`` / ``delete_service``, default: the
audited generic ones of ``caducee.core.services.objects``). Lists answer an
htmx request with the ``results`` partial only (principle 12).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from caducee.core.exports import FORMATS, export_response
from caducee.core.models import AuditEvent
from caducee.core.panels import panels_for
from caducee.core.services import objects as object_services
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, may_write

PAGE_SIZES = (25, 50, 100, 250)


def optional_reverse(name: str | None, args: list | None = None) -> str | None:
    if not name:
        return None
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def view_name(model, action: str) -> str:
    return f"{model._meta.app_label}:{model._meta.model_name}_{action}"


class ObjectViewMixin(LoginRequiredMixin):
    model: ClassVar[Any] = None
    action: ClassVar[str] = "view"

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, self.action)

    def get_object(self, pk: Any):
        try:
            return self.get_queryset().get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
            raise Http404 from exc

    def common_context(self) -> dict[str, Any]:
        meta = self.model._meta
        user = self.request.user
        return {
            "model_meta": meta,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": reverse(view_name(self.model, "list")),
            "can_add": can(user, self.model, "add")
            and optional_reverse(view_name(self.model, "add")) is not None,
            "can_change": can(user, self.model, "change"),
            "can_delete": can(user, self.model, "delete"),
            "add_url": optional_reverse(view_name(self.model, "add")),
        }


class ObjectListView(ObjectViewMixin, View):
    filterset_class: ClassVar[Any] = None
    table_class: ClassVar[Any] = None
    template_name = "core/object_list.html"
    import_url_name: ClassVar[str | None] = None

    def get(self, request):
        # Without the role's view permission the list is refused outright, as
        # the API does: the same 403 whatever the rows, so nothing leaks.
        if not can(request.user, self.model, "view"):
            raise DjangoPermissionDenied
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        rows = (
            filterset.qs
            if filterset.is_bound and filterset.is_valid()
            else (queryset.none() if filterset.is_bound else queryset)
        )
        table = self.table_class(rows, request=request)
        export = request.GET.get("export")
        if export in FORMATS:
            RequestConfig(request, paginate=False).configure(table)
            return export_response(table, export, self.model._meta.model_name)
        try:
            per_page = int(request.GET.get("per_page", 50))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PAGE_SIZES else 50
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            **self.common_context(),
            "filterset": filterset,
            "table": table,
            "page_sizes": PAGE_SIZES,
            "per_page": per_page,
            "querystring": query.urlencode(),
            "import_url": optional_reverse(self.import_url_name),
        }
        template = self.template_name
        if request.htmx and request.htmx.target == "results":
            template += "#results"
        return render(request, template, context)


class ObjectDetailView(ObjectViewMixin, View):
    template_name = "core/object_detail.html"
    #: Field names shown on the attributes tab, in order.
    detail_fields: ClassVar[list[str]] = []
    #: Extra tabs: (url suffix, label) — each a view of its own.
    tabs: ClassVar[list[tuple[str, str]]] = []

    def get_related(self, obj) -> list[dict[str, Any]]:
        """Related lists shown under the attributes: [{title, table}]."""
        return []

    def get_extra_context(self, obj) -> dict[str, Any]:
        return {}

    def attributes(self, obj) -> list[dict[str, Any]]:
        rows = []
        for name in self.detail_fields:
            field = self.model._meta.get_field(name)
            if field.many_to_many:
                value = list(getattr(obj, name).all())
            elif field.choices:
                value = getattr(obj, f"get_{name}_display")()
            else:
                value = getattr(obj, name)
            rows.append({"label": field.verbose_name, "value": value, "name": name})
        return rows

    def get(self, request, pk):
        obj = self.get_object(pk)
        context = {
            **self.common_context(),
            "object": obj,
            "attributes": self.attributes(obj),
            "related": self.get_related(obj),
            "tabs": object_tabs(self.model, obj, "detail", self.tabs),
            **object_actions(self.model, obj, request.user),
            # Panels other apps contribute to this page (core/panels.py).
            "panels": panels_for(obj, request),
            **self.get_extra_context(obj),
        }
        return render(request, self.template_name, context)


def object_actions(model, obj, user) -> dict[str, Any]:
    """Edit/delete links, shown only when the route exists and the user may."""
    actions: dict[str, Any] = {"edit_url": None, "delete_url": None}
    for key in ("edit", "delete"):
        url = optional_reverse(view_name(model, key), args=[obj.pk])
        action = "change" if key == "edit" else "delete"
        # Seen (restrict) and writable (may_write: a GHT-wide record only by
        # those who see the whole GHT), as the services will check.
        if (
            url
            and model.objects.filter(pk=obj.pk).restrict(user, action).exists()
            and may_write(user, obj, action)
        ):
            actions[f"{key}_url"] = url
    return actions


def object_tabs(model, obj, active: str, extra: list[tuple[str, str]] | None = None):
    tabs = [("detail", _("Attributes"))]
    tabs += list(extra or [])
    tabs.append(("history", _("History")))
    # A tab whose view is not installed (an optional part) is left out.
    links = [
        (key, label, optional_reverse(view_name(model, key), args=[obj.pk])) for key, label in tabs
    ]
    return [
        {"key": key, "label": label, "url": url, "active": key == active}
        for key, label, url in links
        if url
    ]


class ObjectHistoryView(ObjectViewMixin, View):
    template_name = "core/object_history.html"
    tabs: ClassVar[list[tuple[str, str]]] = []

    def get(self, request, pk):
        obj = self.get_object(pk)
        meta = self.model._meta
        events = AuditEvent.objects.filter(
            object_type=f"{meta.app_label}.{meta.model_name}", object_id=str(obj.pk)
        ).order_by("-seq")
        from django.core.paginator import Paginator

        page = Paginator(events, 50).get_page(request.GET.get("page"))
        context = {
            **self.common_context(),
            "object": obj,
            "page": page,
            "tabs": object_tabs(self.model, obj, "history", self.tabs),
            **object_actions(self.model, obj, request.user),
        }
        return render(request, self.template_name, context)


class ObjectEditView(ObjectViewMixin, View):
    form_class: ClassVar[Any] = None
    template_name = "core/object_edit.html"
    create_service = staticmethod(object_services.create_object)
    update_service = staticmethod(object_services.update_object)

    def get_form(self, obj, data=None, files=None):
        initial = {}
        if obj.pk is None:
            initial = {
                k: v for k, v in self.request.GET.items() if k in self.form_class.base_fields
            }
        return self.form_class(data, files, instance=obj, user=self.request.user, initial=initial)

    def load(self, pk):
        if pk is None:
            if not can(self.request.user, self.model, "add"):
                raise DjangoPermissionDenied
            return self.model()
        self.action = "change"
        return self.get_object(pk)

    def get(self, request, pk=None):
        obj = self.load(pk)
        return self.render_form(obj, self.get_form(obj))

    def render_form(self, obj, form, status=200):
        context = {**self.common_context(), "object": obj, "form": form}
        if obj.pk:
            context["tabs"] = object_tabs(self.model, obj, "detail")
        return render(
            request=self.request, template_name=self.template_name, context=context, status=status
        )

    def post(self, request, pk=None):
        obj = self.load(pk)
        form = self.get_form(obj, request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(obj, form, status=400)
        instance = form.save(commit=False)
        m2m = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name in {f.name for f in self.model._meta.many_to_many}
        }
        try:
            with transaction.atomic():
                if pk is None:
                    instance = self.create_service(instance, actor=request.user, m2m=m2m)
                else:
                    instance = self.update_service(instance, actor=request.user, m2m=m2m)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_form(obj, form, status=400)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(obj, form, status=400)
        messages.success(request, _("%(name)s saved.") % {"name": instance})
        return redirect_to(request, instance.get_absolute_url())


def apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def redirect_to(request, url: str):
    if getattr(request, "htmx", False):
        response = HttpResponseRedirect(url)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class ObjectDeleteView(ObjectViewMixin, View):
    action = "delete"
    template_name = "core/object_delete.html"
    delete_service = staticmethod(object_services.delete_object)

    def get(self, request, pk):
        obj = self.get_object(pk)
        return render(request, self.template_name, {**self.common_context(), "object": obj})

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            self.delete_service(obj, actor=request.user)
        except DomainError as exc:
            return render(
                request,
                self.template_name,
                {**self.common_context(), "object": obj, "error": exc.message},
                status=409,
            )
        messages.success(request, _("%(name)s deleted.") % {"name": obj})
        return redirect_to(request, reverse(view_name(self.model, "list")))


def object_urls(
    model,
    *,
    list_view=None,
    detail_view=None,
    edit_view=None,
    delete_view=None,
    history_view=None,
    extra: list | None = None,
) -> list:
    """URL patterns named ``<model>_list|add|detail|edit|delete|history``."""
    name = model._meta.model_name
    base = name
    patterns = []
    if list_view:
        patterns.append(path(f"{base}s/", list_view.as_view(), name=f"{name}_list"))
    if edit_view:
        patterns.append(path(f"{base}s/add/", edit_view.as_view(), name=f"{name}_add"))
    if detail_view:
        patterns.append(path(f"{base}s/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"))
    if edit_view:
        patterns.append(path(f"{base}s/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"))
    if delete_view:
        patterns.append(
            path(f"{base}s/<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete")
        )
    history = history_view or type(
        f"{model.__name__}HistoryView",
        (ObjectHistoryView,),
        {"model": model, "tabs": getattr(detail_view, "tabs", [])},
    )
    patterns.append(path(f"{base}s/<int:pk>/history/", history.as_view(), name=f"{name}_history"))
    patterns.extend(extra or [])
    return patterns
