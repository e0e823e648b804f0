"""Import configuration items from a spreadsheet, found again by natural keys.

Rule (issue "CMDB" point 6): a row finds its item by UUID, asset tag, serial
number (+ manufacturer) or hostname, in that order (``keys``), so importing a
file again changes nothing and writes no audit event; a changed cell updates
the item, audited as the importing user's change (source "import").

Validation is the model's own: ``clean_fields()`` and ``clean()`` (typed
attributes through ``clean_attributes``, MAC, UUID and hostname normalised,
room in the establishment, warranty after purchase), so an imported item
obeys the same rules as one typed in a form. Errors are reported on the
file's column (``attributes.<name>`` errors on that attribute's column).
Scope as in the services: the user must hold the add or change permission
and may only touch items of establishments they may change. Saved with
``bulk_create``/``bulk_update`` and one audit event per item created or
changed (``record_bulk_creation``, ``record_save``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.imports.columns import ITEM_COLUMNS, KEY_COLUMNS
from caducee.cmdb.imports.engine import Importer, RowOutcome, Rows
from caducee.cmdb.imports.keys import Ambiguous, ItemFinder, Parsed
from caducee.cmdb.imports.lookups import Lookups
from caducee.cmdb.imports.values import Choices, casefold, parse_bool, parse_date
from caducee.cmdb.models import ConfigurationItem, LifecycleStatus
from caducee.cmdb.services.impact import invalidate_graph
from caducee.cmdb.types import SPECS, Attribute, CIType, spec_for
from caducee.core.imports import CellError, ImportFileError
from caducee.core.services import audit
from caducee.core.services.scoping import can, establishment_allowed
from caducee.org.models import Criticality

BATCH = 500
FK_FIELDS = (
    "establishment",
    "room",
    "owner_group",
    "business_owner",
    "supplier",
    "contract",
    "assigned_to",
)
#: Required fields: an empty cell keeps the value (a file updating warranties
#: by asset tag need not repeat every name); other empty cells clear theirs.
KEEP_WHEN_EMPTY = ("name", "ci_type", "status", "criticality")
TEXT_FIELDS = ("name", "serial_number", "asset_tag", "manufacturer", "model", "notes")
TEXT_FIELDS += ("hostname", "mac_address", "uuid")
#: Fields read through a parser or a lookup (see ``ItemImporter._apply``).
READ_FIELDS = (
    "ci_type",
    "status",
    "criticality",
    "patient_safety_critical",
    "holds_health_data",
    "purchase_date",
    "warranty_end",
    "ip_address",
    "owner_group",
    "business_owner",
    "assigned_to",
    "supplier",
)
#: Each type's attributes by name.
ATTRIBUTES = {code: {a.name: a for a in spec.attributes} for code, spec in SPECS.items()}
#: Fields compared to tell an update from an unchanged row.
COMPARED = [
    f.attname
    for f in audit.recorded_fields(ConfigurationItem)
    if not f.primary_key and f.name not in ConfigurationItem.audit_ignore_fields
]


@dataclass
class Plan:
    item: ConfigurationItem
    original: ConfigurationItem | None = None
    changed: list[str] = field(default_factory=list)


class ItemImporter(Importer):
    kind = "items"
    columns = ITEM_COLUMNS

    def __init__(self, user: Any, headers):
        super().__init__(user, headers)
        if not any(self.has(name) for name in ("name", *KEY_COLUMNS)):
            names = ", ".join(f"“{self.header(name)}”" for name in ("name", *KEY_COLUMNS))
            raise ImportFileError(
                _("Missing column(s): one of %(names)s, to find or name each item.")
                % {"names": names}
            )
        self.lookups = Lookups(user)
        self.types = Choices(CIType.choices)
        self.statuses = Choices(LifecycleStatus.choices)
        self.criticalities = Choices(Criticality.choices)
        self.attribute_choices: dict[str, Choices] = {}
        self.may_add = can(user, ConfigurationItem, "add")
        self.may_change = can(user, ConfigurationItem, "change")
        self.finder = ItemFinder(user, by_establishment=self.has("establishment"))
        self.attribute_names = [n[len("attributes.") :] for n in self.found if "." in n]
        self.unchecked = [
            f.name
            for f in audit.recorded_fields(ConfigurationItem)
            if f.name in FK_FIELDS or not self.has(f.name)
        ]
        self.field_columns = [
            name
            for name in (*TEXT_FIELDS, *READ_FIELDS)
            if self.has(name)  # the file's columns filling a field, in reading order
        ]
        # A new item needs a name and a type whatever the file's columns.
        self.unchecked_new = [n for n in self.unchecked if n not in ("name", "ci_type")]

    def begin_pass(self) -> None:
        self.seen: dict[tuple, int] = {}

    # --- checking ---------------------------------------------------------
    def check_chunk(self, rows: Rows) -> list[RowOutcome]:
        parsed = [self._parse_keys(number, cells) for number, cells in rows]
        existing, self.last_fingerprint = self.finder.index(parsed)
        return [self._check(p, existing) for p in parsed]

    def fingerprint(self, rows: Rows) -> Any:
        return self.finder.fingerprint([self._parse_keys(n, cells) for n, cells in rows])

    def _parse_keys(self, number: int, row: dict[str, str]) -> Parsed:
        # The row by column name, read once (a row has some 40 cells to look at).
        cells = {name: (row.get(header) or "").strip() for name, header in self.found.items()}
        p = Parsed(number, cells)
        p.uuid = cells.get("uuid", "").lower()
        p.asset_tag = cells.get("asset_tag", "")
        p.serial = cells.get("serial_number", "")
        p.manufacturer = casefold(cells.get("manufacturer", ""))
        p.hostname = cells.get("hostname", "").lower()
        p.name = cells.get("name", "")
        if self.has("ci_type") and cells.get("ci_type", ""):
            try:
                p.ci_type = self.types.parse(cells.get("ci_type", ""))
            except CellError as exc:
                p.fail("ci_type", exc.message)
        try:
            p.establishment = self.lookups.establishment(cells.get("establishment", ""))
        except CellError as exc:
            p.fail("establishment", exc.message)
        return p

    def _check(self, p: Parsed, index: dict) -> RowOutcome:
        for column, key in p.file_keys():
            first = self.seen.setdefault(key, p.number)
            if first != p.number:
                p.fail(
                    column,
                    _("Same value as row %(row)s: each item once per file.") % {"row": first},
                )
        if not p.file_keys():
            p.fail(
                "name",
                _("Fill in the name, UUID, asset tag, serial number or hostname to find the item."),
            )
            return self._outcome(p, None)
        try:
            item, found_by = self.finder.match(p, index)
        except Ambiguous as exc:
            p.fail(exc.column, exc.message)
            return self._outcome(p, None)
        if item is not None:
            first = self.seen.setdefault(("item", item.pk), p.number)
            if first != p.number:
                p.fail(found_by, _("Row %(row)s already designates this item.") % {"row": first})
            if not self._may_change(p, item, found_by):
                return self._outcome(p, None)  # what else is wrong is none of their business
        self._check_unique(p, index, item)
        original = copy.copy(item) if item is not None else None
        target = item if item is not None else ConfigurationItem()
        self._apply(p, target, original)
        if p.errors:
            return self._outcome(p, None)
        if original is None:
            return self._outcome(p, Plan(target))
        changed = [name for name in COMPARED if getattr(original, name) != getattr(target, name)]
        return self._outcome(p, Plan(target, original, changed))

    def _may_change(self, p: Parsed, item: ConfigurationItem, found_by: str) -> bool:
        if not self.may_change:
            p.fail(found_by, _("You are not allowed to change configuration items."))
        elif not establishment_allowed(self.user, item.establishment_id):
            p.fail(found_by, _("This item belongs to an establishment outside your scope."))
        else:
            return True
        return False

    def _check_unique(self, p: Parsed, index: dict, item: ConfigurationItem | None) -> None:
        for column, value in (("uuid", p.uuid), ("asset_tag", p.asset_tag)):
            holders = self.finder.holders(index, column, value, item)
            if holders:
                other = holders[0]
                p.fail(
                    column,
                    _("Already used by another item: %(name)s.") % {"name": other.name}
                    if self.finder.sees(other)
                    else _("Already used by an item outside your scope."),
                )

    # --- applying the row to the item ---------------------------------------
    def _apply(self, p: Parsed, item: ConfigurationItem, original: Any) -> None:
        creating = original is None
        if creating and not self.may_add:
            p.fail("", _("You are not allowed to add configuration items."))
            return
        failed: set[str] = set(p.errors)
        if "establishment" in failed:
            # Unknown establishment: what is looked up within it cannot be checked.
            failed.update(("room", "business_owner", "assigned_to"))
        elif self.has("establishment"):
            item.establishment_id = p.establishment
        if "establishment" not in failed and not establishment_allowed(
            self.user, item.establishment_id
        ):
            p.fail(
                "establishment",
                _(
                    "Fill in the establishment: only users who see the whole GHT may import "
                    "items shared by the GHT."
                )
                if item.establishment_id is None
                else _("Establishment outside your scope."),
            )
            return
        est = item.establishment_id
        cells = p.cells
        readers = {
            "ci_type": lambda raw: p.ci_type,
            "status": self.statuses.parse,
            "criticality": self.criticalities.parse,
            "patient_safety_critical": parse_bool,
            "holds_health_data": parse_bool,
            "purchase_date": parse_date,
            "warranty_end": parse_date,
            "ip_address": lambda raw: raw or None,
            "owner_group": self.lookups.team,
            "business_owner": lambda raw: self.lookups.person(raw, est),
            "assigned_to": lambda raw: self.lookups.person(raw, est),
            "supplier": self.lookups.supplier,
        }
        for name in self.field_columns:
            if name in failed:
                continue
            raw = cells[name]
            if name in KEEP_WHEN_EMPTY and not raw:
                continue  # the current value (or the default) stays
            try:
                value = readers[name](raw) if name in readers else raw
            except CellError as exc:
                p.fail(name, exc.message)
                failed.add(name)
                continue
            setattr(item, f"{name}_id" if name in FK_FIELDS else name, value)
        room_from_file = self._apply_places(p, item, failed)
        self._apply_attributes(p, item, original, failed)
        self._validate(p, item, original, failed, room_from_file)

    def _apply_places(self, p: Parsed, item: ConfigurationItem, failed: set[str]) -> bool:
        cells = p.cells
        if self.has("contract"):
            try:
                item.contract_id = self.lookups.contract(
                    cells.get("contract", ""), item.supplier_id
                )
            except CellError as exc:
                p.fail("contract", exc.message)
                failed.add("contract")
        if not self.has("room") or "room" in failed:
            return False
        try:
            item.room_id = self.lookups.room(
                item.establishment_id,
                cells.get("room", ""),
                cells.get("site", ""),
                cells.get("building", ""),
                cells.get("floor", ""),
            )
        except CellError as exc:
            p.fail("room", exc.message)
            failed.add("room")
        return True

    def _apply_attributes(
        self, p: Parsed, item: ConfigurationItem, original: Any, failed: set[str]
    ) -> None:
        if "ci_type" in failed:
            return
        spec = spec_for(item.ci_type)
        known = ATTRIBUTES[spec.code]
        values = dict(item.attributes or {})
        if original is not None and original.ci_type != item.ci_type:
            # A new type keeps only the attributes it knows (the audit shows the rest go).
            values = {k: v for k, v in values.items() if k in known}
        for name in self.attribute_names:
            column = f"attributes.{name}"
            raw = p.cells[column]
            attribute = known.get(name)
            if attribute is None:
                if raw:
                    p.fail(column, _("Not an attribute of this type of item."))
                    failed.add(column)
                continue
            if not raw:
                values.pop(name, None)
                continue
            try:
                values[name] = self._attribute_value(attribute, raw)
            except CellError as exc:
                p.fail(column, exc.message)
                failed.add(column)
        item.attributes = values

    def _attribute_value(self, attribute: Attribute, raw: str) -> Any:
        if attribute.kind == "choice":
            if attribute.name not in self.attribute_choices:
                self.attribute_choices[attribute.name] = Choices(attribute.choices)
            return self.attribute_choices[attribute.name].parse(raw)
        if attribute.kind == "bool":
            return parse_bool(raw)
        if attribute.kind == "date":
            return parse_date(raw).isoformat()
        return raw  # text, int, list: ``clean_attributes`` checks and normalises

    def _validate(
        self,
        p: Parsed,
        item: ConfigurationItem,
        original: Any,
        failed: set[str],
        room_from_file: bool,
    ) -> None:
        errors: dict[str, list[str]] = {}
        try:
            # Fields the file does not fill keep valid values (defaults or the
            # item's own): only the file's are checked, and foreign keys were
            # found in the user's scope (checking them again is a query each).
            unchecked = self.unchecked if original is not None else self.unchecked_new
            item.clean_fields(exclude=[*unchecked, *failed])
        except ValidationError as exc:
            errors.update(exc.message_dict)
        # The room check of ``clean()`` costs a query per row; it is already
        # known to hold when the room was found in the row's establishment or
        # neither the room nor the establishment changed.
        room = item.room_id
        known = room_from_file or (
            original is not None
            and original.room_id == room
            and original.establishment_id == item.establishment_id
        )
        if known:
            item.room_id = None
        try:
            item.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        finally:
            item.room_id = room
        for name, messages in errors.items():
            if name in failed:
                continue  # already reported on its cell
            for message in messages:
                p.fail("" if name == NON_FIELD_ERRORS else name, message)

    def _outcome(self, p: Parsed, plan: Plan | None) -> RowOutcome:
        if p.errors or plan is None:
            errors = [
                (self.header(column), message)
                for column, messages in p.errors.items()
                for message in messages
            ]
            return RowOutcome(p.number, "error", errors, label=p.name)
        action = "update" if plan.changed else "unchanged"
        if plan.original is None:
            action = "create"
        return RowOutcome(p.number, action, label=plan.item.name, plan=plan)

    # --- saving -------------------------------------------------------------
    def write_chunk(self, outcomes: list[RowOutcome]) -> None:
        created = [o.plan.item for o in outcomes if o.action == "create"]
        updated = [o.plan for o in outcomes if o.action == "update"]
        if created:
            ConfigurationItem.objects.bulk_create(created, batch_size=BATCH)
            audit.record_bulk_creation(created)
        if updated:
            now = timezone.now()
            fields = {"updated_at"}
            for plan in updated:
                plan.item.updated_at = now
                fields.update(plan.changed)
            items = [plan.item for plan in updated]
            ConfigurationItem.objects.bulk_update(items, sorted(fields), batch_size=BATCH)
            for plan in updated:
                audit.record_save(plan.item, before=audit.snapshot(plan.original), created=False)
        if created or updated:
            invalidate_graph()
