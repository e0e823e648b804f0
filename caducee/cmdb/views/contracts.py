"""CMDB pages: suppliers, contracts with their P1–P5 commitments and covered
items, and the "Contracts" tab of an item.

Thin views (STYLE.md principle 4): the generic CRUD views configured with the
services of ``caducee.cmdb.services.contracts``; the commitment grid is the
one custom screen. Counts shown in lists (contracts of a supplier, items of a
contract) count only what the user may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from caducee.cmdb import filters, forms, tables
from caducee.cmdb.models import (
    ConfigurationItem,
    Contract,
    ContractCommitment,
    Priority,
    Supplier,
)
from caducee.cmdb.services import contracts as services
from caducee.cmdb.services.expiring import contract_state, warranty_status
from caducee.cmdb.views import expiring
from caducee.cmdb.views.tabs import ItemTabView
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, establishment_allowed
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    object_tabs,
    object_urls,
    optional_reverse,
    redirect_to,
)


def scoped_count(relation: str, model, user) -> Count:
    """``Count(relation)`` of the related rows ``user`` may see (no leak of
    another establishment's numbers through a list's counts)."""
    if not can(user, model, "view"):
        return Count(relation, filter=Q(pk__in=[]))
    ids = user.establishment_ids()
    if ids is None:
        return Count(relation, distinct=True)
    return Count(
        relation,
        filter=Q(**{f"{relation}__establishment__in": ids})
        | Q(**{f"{relation}__establishment__isnull": True}),
        distinct=True,
    )


# --- Suppliers ------------------------------------------------------------------------
class SupplierListView(ObjectListView):
    model = Supplier
    filterset_class = filters.SupplierFilterSet
    table_class = tables.SupplierTable

    def base_queryset(self):
        return Supplier.objects.annotate(
            contract_count=scoped_count("contracts", Contract, self.request.user)
        )


class SupplierDetailView(ObjectDetailView):
    model = Supplier
    detail_fields = [
        "name",
        "siret",
        "phone",
        "email",
        "support_phone",
        "support_email",
        "website",
        "address",
        "notes",
    ]

    def get_related(self, obj):
        user = self.request.user
        contracts = (
            obj.contracts.restrict(user, "view")
            .select_related("supplier", "establishment")
            .annotate(item_count=scoped_count("items", ConfigurationItem, user))
        )
        items = (
            obj.items.restrict(user, "view")
            .select_related("establishment", "room", "supplier")
            .order_by("name", "pk")
        )
        return [
            _block(gettext_lazy("Contracts"), tables.ContractTable, contracts),
            _block(
                gettext_lazy("Items supplied"),
                tables.ItemWarrantyTable,
                items,
                more_url=_item_list_url(supplier=obj.pk),
            ),
        ]


class SupplierEditView(ObjectEditView):
    model = Supplier
    form_class = forms.SupplierForm
    create_service = staticmethod(services.create_supplier)
    update_service = staticmethod(services.update_supplier)


class SupplierDeleteView(ObjectDeleteView):
    model = Supplier
    delete_service = staticmethod(services.delete_supplier)


# --- Contracts ------------------------------------------------------------------------
class ContractListView(ObjectListView):
    model = Contract
    filterset_class = filters.ContractFilterSet
    table_class = tables.ContractTable

    def base_queryset(self):
        return Contract.objects.select_related("supplier", "establishment").annotate(
            item_count=scoped_count("items", ConfigurationItem, self.request.user)
        )


class ContractDetailView(ObjectDetailView):
    model = Contract
    template_name = "cmdb/contract_detail.html"
    detail_fields = [
        "supplier",
        "reference",
        "title",
        "kind",
        "establishment",
        "start_date",
        "end_date",
        "notice_days",
        "annual_amount",
        "notes",
    ]  # support hours and penalty cap: in the Terms card, beside the commitments

    def base_queryset(self):
        return Contract.objects.select_related("supplier", "establishment")

    def attributes(self, obj):
        rows = super().attributes(obj)
        for row in rows:
            if row["name"] == "establishment" and row["value"] is None:
                row["value"] = _("Whole GHT")
        return rows

    def get_related(self, obj):
        items = (
            obj.items.restrict(self.request.user, "view")
            .select_related("establishment", "room", "supplier")
            .order_by("name", "pk")
        )
        return [
            _block(
                gettext_lazy("Covered items"),
                tables.ItemWarrantyTable,
                items,
                more_url=_item_list_url(contract=obj.pk),
            )
        ]

    def get_extra_context(self, obj):
        user = self.request.user
        return {
            "state": contract_state(obj),
            "commitments": list(obj.commitments.order_by("priority")),
            "commitments_url": optional_reverse("cmdb:contract_commitments", args=[obj.pk])
            if _may_change_terms(user, obj)
            else None,
        }


class ContractEditView(ObjectEditView):
    model = Contract
    form_class = forms.ContractForm
    create_service = staticmethod(services.create_contract)
    update_service = staticmethod(services.update_contract)


class ContractDeleteView(ObjectDeleteView):
    model = Contract
    delete_service = staticmethod(services.delete_contract)


def _may_change_terms(user, contract: Contract) -> bool:
    return can(user, ContractCommitment, "change") and establishment_allowed(
        user, contract.establishment_id
    )


class ContractCommitmentsView(ObjectViewMixin, View):
    """The P1–P5 grid of a contract, saved all at once by ``set_commitments``."""

    model = Contract
    template_name = "cmdb/contract_commitments.html"

    def load(self, pk) -> Contract:
        contract = self.get_object(pk)
        if not _may_change_terms(self.request.user, contract):
            raise DjangoPermissionDenied
        return contract

    def initial(self, contract: Contract) -> list[dict[str, Any]]:
        existing = {c.priority: c for c in contract.commitments.all()}
        rows = []
        for priority in Priority.values:
            commitment = existing.get(priority)
            rows.append(
                {
                    "priority": priority,
                    "response_minutes": commitment.response_minutes if commitment else None,
                    "resolution_minutes": commitment.resolution_minutes if commitment else None,
                    "penalty_per_hour": commitment.penalty_per_hour if commitment else None,
                }
            )
        return rows

    def render_grid(self, contract, formset, status=200):
        context = {
            **self.common_context(),
            "object": contract,
            "formset": formset,
            "tabs": object_tabs(Contract, contract, "detail"),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        contract = self.load(pk)
        formset = forms.CommitmentGridFormSet(initial=self.initial(contract), prefix="terms")
        return self.render_grid(contract, formset)

    def post(self, request, pk):
        contract = self.load(pk)
        formset = forms.CommitmentGridFormSet(
            request.POST, initial=self.initial(contract), prefix="terms"
        )
        if not formset.is_valid():
            return self.render_grid(contract, formset, status=400)
        terms = {}
        for form in formset.forms:
            data = form.cleaned_data
            terms[data["priority"]] = (
                None
                if form.is_blank
                else services.CommitmentTerms(
                    response_minutes=data["response_minutes"],
                    resolution_minutes=data["resolution_minutes"],
                    penalty_per_hour=data.get("penalty_per_hour") or 0,
                )
            )
        try:
            services.set_commitments(contract, actor=request.user, terms=terms)
        except ValidationError as exc:
            _apply_grid_errors(formset, exc)
            return self.render_grid(contract, formset, status=400)
        except DomainError as exc:
            formset.non_form_errors().append(exc.message)
            return self.render_grid(contract, formset, status=400)
        messages.success(request, _("Commitments of %(name)s saved.") % {"name": contract})
        return redirect_to(request, contract.get_absolute_url())


def _apply_grid_errors(formset, exc: ValidationError) -> None:
    by_priority = {form.cleaned_data.get("priority"): form for form in formset.forms}
    for key, errors in exc.message_dict.items():
        label, _dot, field = key.partition(".")
        form = by_priority.get(int(label[1:])) if label[1:].isdigit() else None
        if form is None:
            formset.non_form_errors().extend(errors)
            continue
        form.add_error(field if field in form.fields else None, errors)


# --- Item tab --------------------------------------------------------------------------
class ItemContractsTabView(ItemTabView):
    """The item's supplier, its contract with terms and commitments, and its
    warranty status."""

    tab = "contracts"
    template_name = "cmdb/contract_item_tab.html"

    def get_tab_context(self, item: ConfigurationItem) -> dict[str, Any]:
        user = self.request.user
        supplier = (
            Supplier.objects.filter(pk=item.supplier_id).first()
            if item.supplier_id and can(user, Supplier, "view")
            else None
        )
        contract = (
            Contract.objects.restrict(user, "view")
            .select_related("supplier", "establishment")
            .filter(pk=item.contract_id)
            .first()
            if item.contract_id
            else None
        )
        return {
            "supplier": supplier,
            "contract": contract,
            "contract_state": contract_state(contract) if contract else None,
            "commitments": list(contract.commitments.order_by("priority")) if contract else [],
            "warranty": warranty_status(item),
        }


def _block(title, table_class, queryset, more_url=None, limit=50) -> dict[str, Any]:
    count = queryset.count()
    return {
        "title": title,
        "count": count,
        "table": table_class(queryset[:limit], orderable=False),
        "more_url": more_url if more_url and count > limit else None,
    }


def _item_list_url(**params) -> str | None:
    url = optional_reverse("cmdb:configurationitem_list")
    if url is None:
        return None
    return url + "?" + "&".join(f"{key}={value}" for key, value in params.items())


urlpatterns = [
    *object_urls(
        Supplier,
        list_view=SupplierListView,
        detail_view=SupplierDetailView,
        edit_view=SupplierEditView,
        delete_view=SupplierDeleteView,
    ),
    *object_urls(
        Contract,
        list_view=ContractListView,
        detail_view=ContractDetailView,
        edit_view=ContractEditView,
        delete_view=ContractDeleteView,
        extra=[
            path(
                "contracts/<int:pk>/commitments/",
                ContractCommitmentsView.as_view(),
                name="contract_commitments",
            )
        ],
    ),
    path(
        "configurationitems/<int:pk>/contracts/",
        ItemContractsTabView.as_view(),
        name="configurationitem_contracts",
    ),
    *expiring.urlpatterns,
]
