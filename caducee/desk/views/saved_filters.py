"""Saving and deleting the queue's named filters.

The queue page posts its current query string with a name; the service
(``caducee.desk.services.saved_filters``) owns the rules (who may, unique
names per owner, only the owner deletes). Plain form posts that redirect
back to the queue, so they work without JavaScript; a refused save shows
this small page with the error on the name (400). Someone else's filter,
or one that does not exist, is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can
from caducee.desk.forms.saved_filters import SavedFilterForm
from caducee.desk.models import SavedFilter, Ticket
from caducee.desk.services.saved_filters import delete_filter, save_filter
from caducee.desk.views.bulk import back_to_queue


def _require_worker(request) -> None:
    if not can(request.user, Ticket, "change"):
        raise DjangoPermissionDenied


class SavedFilterCreateView(LoginRequiredMixin, View):
    template_name = "desk/queue_saved_filter.html"

    def get(self, request):
        _require_worker(request)
        form = SavedFilterForm(initial={"query": request.GET.get("query", "")})
        return self.render_form(form, request.GET.get("query", ""))

    def post(self, request):
        _require_worker(request)
        form = SavedFilterForm(request.POST)
        query = request.POST.get("query", "")
        if not form.is_valid():
            return self.render_form(form, query, status=400)
        try:
            saved = save_filter(
                actor=request.user,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
                shared=form.cleaned_data["shared"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form, query, status=400)
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
        url = reverse("desk:queue")
        return HttpResponseRedirect(f"{url}?{saved.query}" if saved.query else url)

    def render_form(self, form, query: str, status: int = 200):
        url = reverse("desk:queue")
        back = f"{url}?{query.lstrip('?')}" if query else url
        return render(
            self.request, self.template_name, {"form": form, "back_url": back}, status=status
        )


class SavedFilterDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        _require_worker(request)
        saved = SavedFilter.objects.filter(pk=pk, owner=request.user).first()
        if saved is None:
            raise Http404
        try:
            delete_filter(saved, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
        return HttpResponseRedirect(back_to_queue(request))


urlpatterns = [
    path("filters/save/", SavedFilterCreateView.as_view(), name="savedfilter_add"),
    path("filters/<int:pk>/delete/", SavedFilterDeleteView.as_view(), name="savedfilter_delete"),
]
