"""Changes to configuration items and their relations.

Rule (STYLE.md principle 5): every change of an item goes through here —
forms, the API, imports, inventory agents and bulk edits alike — so the
type's attribute schema, the establishment scope and the audit trail apply
the same way whatever the channel. Relation changes also invalidate the
impact graph (``caducee.cmdb.services.impact``) through the model signals.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, Relation
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import DomainError, PermissionDenied

#: Fields a bulk edit may set on many items at once.
BULK_FIELDS = (
    "status",
    "establishment",
    "room",
    "owner_group",
    "business_owner",
    "supplier",
    "contract",
    "criticality",
    "patient_safety_critical",
    "holds_health_data",
    "warranty_end",
)


def create_item(
    item: ConfigurationItem, *, actor: Any, m2m: dict[str, Any] | None = None
) -> ConfigurationItem:
    return object_services.create_object(item, actor=actor, m2m=m2m)


def update_item(
    item: ConfigurationItem, *, actor: Any, m2m: dict[str, Any] | None = None
) -> ConfigurationItem:
    return object_services.update_object(item, actor=actor, m2m=m2m)


def delete_item(item: ConfigurationItem, *, actor: Any) -> None:
    object_services.delete_object(item, actor=actor)


def change_status(
    item: ConfigurationItem, *, actor: Any, status: str, reason: str = ""
) -> ConfigurationItem:
    """Move an item through its lifecycle; the reason is kept in the trail."""
    if status not in LifecycleStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    if item.status == status:
        return item
    with transaction.atomic():
        previous = item.status
        item.status = status
        update_item(item, actor=actor)
        with context.acting_as(actor):
            audit.record_event(
                "cmdb.status_changed",
                item,
                data={"from": previous, "to": status, "reason": reason},
            )
    return item


def bulk_update_items(
    items: Iterable[ConfigurationItem], *, actor: Any, changes: dict[str, Any]
) -> int:
    """Apply the same field values to many items, all or nothing.

    Each item is saved through ``update_item`` (scope check, validation, one
    audit event per item). The first refusal cancels the whole edit and names
    the item, so nothing is half-applied.
    """
    unknown = set(changes) - set(BULK_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be edited in bulk: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    count = 0
    with transaction.atomic():
        for item in items:
            for name, value in changes.items():
                setattr(item, name, value)
            try:
                update_item(item, actor=actor)
            except ValidationError as exc:
                messages = "; ".join(
                    f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()
                )
                raise DomainError(
                    _("%(item)s: %(errors)s") % {"item": item, "errors": messages}
                ) from exc
            except (DomainError, PermissionDenied) as exc:
                raise DomainError(
                    _("%(item)s: %(error)s") % {"item": item, "error": exc.message}
                ) from exc
            count += 1
    return count


def create_relation(relation: Relation, *, actor: Any) -> Relation:
    """Add a relation; type pairs and self-loops are checked by ``Relation.clean``."""
    return object_services.create_object(relation, actor=actor)


def delete_relation(relation: Relation, *, actor: Any) -> None:
    object_services.delete_object(relation, actor=actor)
