"""Changes to suppliers, contracts and the commitments of a contract.

Rule (issue "CMDB" point 4; STYLE.md principle 5): a contract states, per
ticket priority P1–P5, the supplier's response and resolution times and the
penalty per hour late. The SLA part runs a vendor clock from these terms and
the vendors part computes penalties, so the terms are written here only:
pages, the API and imports call these functions, which check the role and
the establishment of the contract (a GHT-wide contract is changed only by
someone with the whole GHT in scope), validate, and leave one audit event per
change.

There is one commitment per priority: ``set_commitment`` creates it or
replaces its terms, ``set_commitments`` applies a whole P1–P5 grid at once
(all or nothing), ``remove_commitment`` drops one priority.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caducee.cmdb.models import (
    ConfigurationItem,
    Contract,
    ContractCommitment,
    Priority,
    Supplier,
)
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed


@dataclass(frozen=True)
class CommitmentTerms:
    """What the supplier promises for one priority."""

    response_minutes: int
    resolution_minutes: int
    penalty_per_hour: Decimal = Decimal("0")


# --- Suppliers (GHT-wide reference data) ------------------------------------------
def create_supplier(
    supplier: Supplier, *, actor: Any, m2m: dict[str, Any] | None = None
) -> Supplier:
    """Add a supplier; its SIRET is checked (Luhn key) by ``Supplier.clean``."""
    return object_services.create_object(supplier, actor=actor, m2m=m2m)


def update_supplier(
    supplier: Supplier, *, actor: Any, m2m: dict[str, Any] | None = None
) -> Supplier:
    return object_services.update_object(supplier, actor=actor, m2m=m2m)


def delete_supplier(supplier: Supplier, *, actor: Any) -> None:
    """Refused (409) while contracts or items still name the supplier."""
    object_services.delete_object(supplier, actor=actor)


# --- Contracts ----------------------------------------------------------------------
def create_contract(
    contract: Contract, *, actor: Any, m2m: dict[str, Any] | None = None
) -> Contract:
    return object_services.create_object(contract, actor=actor, m2m=m2m)


def update_contract(
    contract: Contract, *, actor: Any, m2m: dict[str, Any] | None = None
) -> Contract:
    return object_services.update_object(contract, actor=actor, m2m=m2m)


def delete_contract(contract: Contract, *, actor: Any) -> None:
    """Delete a contract and its commitments (each deletion audited).

    Covered items lose their contract through the database's ``SET_NULL``,
    which no ``save()`` sees; each released item gets a
    ``cmdb.contract_released`` event so its history says where its contract
    went.
    """
    with transaction.atomic():
        released = list(ConfigurationItem.objects.filter(contract=contract))
        with context.acting_as(actor):
            for item in released:
                audit.record_event(
                    "cmdb.contract_released",
                    item,
                    data={"contract": contract.pk, "reference": contract.reference},
                )
        object_services.delete_object(contract, actor=actor)


# --- Commitments per priority -------------------------------------------------------
def _check_contract(contract: Contract, actor: Any) -> None:
    if not can(actor, ContractCommitment, "change") or not can(actor, Contract, "view"):
        raise PermissionDenied(_("You are not allowed to change the terms of contracts."))
    if not establishment_allowed(actor, contract.establishment_id):
        raise PermissionDenied(
            _("This contract is outside your scope."), field="contract", code="out_of_scope"
        )


def _priority(value: Any) -> int:
    try:
        priority = int(value)
    except (TypeError, ValueError):
        priority = 0
    if priority not in Priority.values:
        raise DomainError(_("Choose a priority from P1 to P5."), field="priority")
    return priority


def set_commitment(
    contract: Contract,
    *,
    actor: Any,
    priority: int,
    response_minutes: int,
    resolution_minutes: int,
    penalty_per_hour: Decimal | int | str = 0,
) -> ContractCommitment:
    """Create or replace the terms of ``contract`` for one priority.

    The resolution may not come before the response; both are at least one
    minute; the penalty is not negative (``ContractCommitment.clean`` and
    field validators, raised as a field-keyed ``ValidationError``).
    """
    _check_contract(contract, actor)
    priority = _priority(priority)
    existing = ContractCommitment.objects.filter(contract=contract, priority=priority).first()
    commitment = existing or ContractCommitment(contract=contract, priority=priority)
    commitment.contract = contract
    commitment.response_minutes = response_minutes
    commitment.resolution_minutes = resolution_minutes
    commitment.penalty_per_hour = penalty_per_hour if penalty_per_hour not in (None, "") else 0
    if existing is None:
        return object_services.create_object(commitment, actor=actor)
    return object_services.update_object(commitment, actor=actor)


def remove_commitment(contract: Contract, *, actor: Any, priority: int) -> bool:
    """Drop the commitment for ``priority``; False when there was none."""
    _check_contract(contract, actor)
    priority = _priority(priority)
    commitment = ContractCommitment.objects.filter(contract=contract, priority=priority).first()
    if commitment is None:
        return False
    object_services.delete_object(commitment, actor=actor)
    return True


def set_commitments(
    contract: Contract,
    *,
    actor: Any,
    terms: Mapping[int, CommitmentTerms | None],
) -> list[ContractCommitment]:
    """Apply a P1–P5 grid at once: ``None`` removes a priority's commitment.

    All or nothing: the first refused row cancels the whole grid, and its
    validation errors are keyed ``P<n>.<field>`` so a form can show them in
    the right row.
    """
    _check_contract(contract, actor)
    saved: list[ContractCommitment] = []
    with transaction.atomic():
        for priority, row in sorted(terms.items()):
            if row is None:
                remove_commitment(contract, actor=actor, priority=priority)
                continue
            try:
                saved.append(
                    set_commitment(
                        contract,
                        actor=actor,
                        priority=priority,
                        response_minutes=row.response_minutes,
                        resolution_minutes=row.resolution_minutes,
                        penalty_per_hour=row.penalty_per_hour,
                    )
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                raise ValidationError(
                    {f"P{priority}.{field}".rstrip("."): msgs for field, msgs in errors.items()}
                ) from exc
    return saved
