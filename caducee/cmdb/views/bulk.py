"""Bulk edit of configuration items: the same values on many items at once.

A workflow screen (STYLE.md principle 4), in two plain form posts so it
works without JavaScript: the list posts the ticked rows (or "every item
matching the current filter") here, this page shows what will change and
the values to set, and "Apply" calls ``bulk_update_items`` — all or
nothing, each item checked for scope and validated, one audit event each.

Selection rules: only items the user may change are taken; a ticked item
outside that set (another establishment's, or deleted meanwhile) refuses
the whole edit rather than silently skipping it, and so does a ticked
GHT-wide item for a user without the whole GHT (the service names it).
"All matching" leaves GHT-wide items out for such a user and says so. "All matching" re-runs the
list's FilterSet on apply and asks for the count the user confirmed, so a
filter that now matches more items does not change them unseen.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from caducee.cmdb.filters import ConfigurationItemFilterSet
from caducee.cmdb.forms import ConfigurationItemBulkEditForm
from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.items import bulk_update_items
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can

#: How many of the selected items the page names.
LISTED = 50


class SelectionError(Exception):
    pass


class ConfigurationItemBulkEditView(LoginRequiredMixin, View):
    template_name = "cmdb/item_bulk_edit.html"

    def get(self, request):
        # Reached by a link or a reload: the selection lives in the list.
        return HttpResponseRedirect(reverse("cmdb:configurationitem_list"))

    def post(self, request):
        if not can(request.user, ConfigurationItem, "change"):
            raise DjangoPermissionDenied
        self.query = request.POST.get("query", "")
        self.all_matching = request.POST.get("select_all") == "1"
        try:
            items = self.selection(request)
        except SelectionError as exc:
            return self.render_page(None, None, error=str(exc), status=400)
        count = items.count()
        if "apply" not in request.POST:
            form = ConfigurationItemBulkEditForm(user=request.user)
            return self.render_page(form, items, count=count)
        form = ConfigurationItemBulkEditForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(form, items, count=count, status=400)
        if self.all_matching and request.POST.get("confirm_count") != str(count):
            form.add_error(
                None,
                _(
                    "The filter now matches %(count)s items, not the number you confirmed: "
                    "check the list and confirm again."
                )
                % {"count": count},
            )
            return self.render_page(form, items, count=count, status=400)
        try:
            changed = bulk_update_items(
                items.order_by("pk"), actor=request.user, changes=form.cleaned_data["changes"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.render_page(form, items, count=count, status=400)
        messages.success(
            request,
            ngettext("%(count)s item updated.", "%(count)s items updated.", changed)
            % {"count": changed},
        )
        url = reverse("cmdb:configurationitem_list")
        return HttpResponseRedirect(f"{url}?{self.query}" if self.query else url)

    def selection(self, request):
        editable = ConfigurationItem.objects.restrict(request.user, "change")
        if self.all_matching:
            filterset = ConfigurationItemFilterSet(
                QueryDict(self.query) or None, queryset=editable, request=request
            )
            if filterset.is_bound and not filterset.is_valid():
                raise SelectionError(_("The filter is not valid any more: filter the list again."))
            items = filterset.qs
            if request.user.establishment_ids() is not None:
                # GHT-wide items are changed by whole-GHT users only: "every
                # matching item" means every one this user may change.
                self.shared_left_out = items.filter(establishment__isnull=True).count()
                items = items.exclude(establishment__isnull=True)
            return items
        try:
            pks = {int(value) for value in request.POST.getlist("pk")}
        except ValueError:
            raise SelectionError(_("The selection is not valid: select the items again.")) from None
        if not pks:
            raise SelectionError(_("Select at least one item in the list."))
        items = editable.filter(pk__in=pks)
        missing = len(pks) - items.count()
        if missing:
            raise SelectionError(
                ngettext(
                    "%(count)s selected item cannot be changed by you (outside your scope "
                    "or deleted meanwhile); nothing was changed.",
                    "%(count)s selected items cannot be changed by you (outside your scope "
                    "or deleted meanwhile); nothing was changed.",
                    missing,
                )
                % {"count": missing}
            )
        self.pks = sorted(pks)
        return items

    def render_page(self, form, items, *, count=0, error="", status=200):
        list_url = reverse("cmdb:configurationitem_list")
        context = {
            "form": form,
            "error": error,
            "count": count,
            "listed": list(items.select_related("establishment")[:LISTED])
            if items is not None
            else [],
            "all_matching": self.all_matching,
            "shared_left_out": getattr(self, "shared_left_out", 0),
            "pks": getattr(self, "pks", []),
            "query": self.query,
            "back_url": f"{list_url}?{self.query}" if self.query else list_url,
            "list_url": list_url,
        }
        return render(self.request, self.template_name, context, status=status)


urlpatterns = [
    path(
        "configurationitems/bulk-edit/",
        ConfigurationItemBulkEditView.as_view(),
        name="configurationitem_bulk_edit",
    ),
]
