"""Import relations between items, and from items to the care units using them.

Rule (issue "CMDB" points 2 and 6): a row reads "source <relation> target",
the target being an item or, for *used by*, a care unit given by its UF code.
Items are named by any natural key — UUID, asset tag, serial number,
hostname, or name — tried in that order, narrowed by the establishment
columns when the same value exists in several establishments; the care unit
is looked up in the target establishment, else in the source's. A relation
is found again by (source, relation, target), so a re-import changes nothing.

The relation's own rules (allowed type pairs, no self-loop) are
``Relation.clean``'s; scope as in ``create_relation``: the source must be an
item of an establishment the user may change, the target one they may see.
The impact graph is invalidated once the rows are saved (they bypass the
model signals that usually do it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.imports.columns import RELATION_COLUMNS
from caducee.cmdb.imports.engine import Importer, RowOutcome, Rows
from caducee.cmdb.imports.lookups import Lookups
from caducee.cmdb.imports.values import Choices
from caducee.cmdb.models import ConfigurationItem, Relation, RelationKind
from caducee.cmdb.services.impact import invalidate_graph
from caducee.core.imports import CellError
from caducee.core.services import audit
from caducee.core.services.scoping import can, establishment_allowed

BATCH = 1000
#: Item fields a reference may name, in the order they are tried.
REFERENCE_FIELDS = ("uuid", "asset_tag", "serial_number", "hostname", "name")
_LOWERED = {"uuid", "hostname"}  # stored in lower case by ``ConfigurationItem.clean``


@dataclass
class Parsed:
    number: int
    cells: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def fail(self, column: str, message: str) -> None:
        self.errors[column].append(str(message))


@dataclass
class Plan:
    relation: Relation
    original_notes: str | None = None  # set when updating an existing relation


class RelationImporter(Importer):
    kind = "relations"
    columns = RELATION_COLUMNS

    def __init__(self, user: Any, headers):
        super().__init__(user, headers)
        self.lookups = Lookups(user)
        self.kinds = Choices(RelationKind.choices)
        self.may_add = can(user, Relation, "add")
        self.may_change = can(user, Relation, "change")

    def begin_pass(self) -> None:
        self.seen: dict[tuple, int] = {}

    def check_chunk(self, rows: Rows) -> list[RowOutcome]:
        items = self._items(rows)
        parsed = [(Parsed(number, cells), cells) for number, cells in rows]
        resolved = [self._resolve(p, items) for p, _cells in parsed]
        existing = self._existing([r for r in resolved if r is not None])
        return [
            self._check(p, relation, existing)
            for (p, _c), relation in zip(parsed, resolved, strict=True)
        ]

    # --- finding the items the chunk names ----------------------------------
    def _items(self, rows: Rows) -> dict[str, dict[str, list[ConfigurationItem]]]:
        """Items whose keys match a source or target of the chunk: one query."""
        refs = set()
        for _number, cells in rows:
            refs.update(v for v in (self.cell(cells, "source"), self.cell(cells, "target")) if v)
        index: dict[str, dict[str, list]] = {name: defaultdict(list) for name in REFERENCE_FIELDS}
        if not refs:
            return index
        lowered = {ref.lower() for ref in refs}
        query = Q()
        for name in REFERENCE_FIELDS:
            query |= Q(**{f"{name}__in": lowered if name in _LOWERED else refs})
        items = (
            ConfigurationItem.objects.restrict(self.user, "view")
            .filter(query)
            .only("pk", "name", "ci_type", "establishment_id", *REFERENCE_FIELDS[:-1])
        )
        for item in items:
            for name in REFERENCE_FIELDS:
                value = getattr(item, name)
                if value:
                    index[name][value].append(item)
        return index

    def _item(self, index: dict, ref: str, establishment: int | None) -> ConfigurationItem:
        for name in REFERENCE_FIELDS:
            found = index[name].get(ref.lower() if name in _LOWERED else ref, [])
            if establishment is not None:
                found = [i for i in found if i.establishment_id == establishment]
            if len(found) > 1:
                raise CellError(
                    _(
                        "Several items match “%(ref)s”: use its UUID or asset tag, "
                        "or fill in the establishment."
                    )
                    % {"ref": ref}
                )
            if found:
                return found[0]
        raise CellError(_("No item found for “%(ref)s”.") % {"ref": ref})

    def _establishment(self, p: Parsed, column: str) -> int | None:
        try:
            return self.lookups.establishment(self.cell(p.cells, column))
        except CellError as exc:
            p.fail(column, exc.message)
            raise

    def _resolve(self, p: Parsed, items: dict) -> Relation | None:
        """The relation the row describes, built from its cells; None on error."""
        cells = p.cells
        try:
            source_est = self._establishment(p, "source_establishment")
            target_est = self._establishment(p, "target_establishment")
        except CellError:
            return None
        relation = Relation(notes=self.cell(cells, "notes"))
        try:
            relation.kind = self.kinds.parse(self.cell(cells, "kind"))
        except CellError as exc:
            p.fail("kind", exc.message)
        try:
            relation.source = self._item(items, self.cell(cells, "source"), source_est)
        except CellError as exc:
            p.fail("source", exc.message)
            return None
        target, unit = self.cell(cells, "target"), self.cell(cells, "care_unit")
        if target and unit:
            p.fail("care_unit", _("Fill in the target item or the care unit, not both."))
            return None
        try:
            if target:
                relation.target = self._item(items, target, target_est)
            elif unit:
                establishment = target_est or relation.source.establishment_id
                relation.care_unit = self.lookups.care_unit(establishment, unit)
        except CellError as exc:
            p.fail("target" if target else "care_unit", exc.message)
            return None
        return relation

    def _existing(self, relations: list[Relation]) -> dict[tuple, Relation]:
        sources = {r.source_id for r in relations}
        if not sources:
            return {}
        return {
            (r.source_id, r.kind, r.target_id, r.care_unit_id): r
            for r in Relation.objects.filter(source_id__in=sources)
        }

    # --- checking one row ---------------------------------------------------
    def _check(self, p: Parsed, relation: Relation | None, existing: dict) -> RowOutcome:
        if relation is None or p.errors:
            return self._error(p)
        key = (relation.source_id, relation.kind, relation.target_id, relation.care_unit_id)
        first = self.seen.setdefault(key, p.number)
        if first != p.number:
            p.fail("source", _("Same relation as row %(row)s.") % {"row": first})
        label = str(relation)
        if not establishment_allowed(self.user, relation.source.establishment_id):
            p.fail("source", _("This item belongs to an establishment outside your scope."))
        current = existing.get(key)
        if current is not None:
            if current.notes == relation.notes or not self.has("notes"):
                return self._done(p, "unchanged", label, None)
            if not self.may_change:
                p.fail("notes", _("You are not allowed to change relations."))
                return self._error(p)
            original = current.notes
            current.notes = relation.notes
            current.source, current.target = relation.source, relation.target
            current.care_unit = relation.care_unit
            return self._done(p, "update", label, Plan(current, original))
        if not self.may_add:
            p.fail("", _("You are not allowed to add relations."))
        try:
            relation.clean_fields(exclude=["source", "target", "care_unit"])
            relation.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = {"target": "target", "care_unit": "care_unit"}.get(name, name)
                for message in messages:
                    p.fail("" if column == NON_FIELD_ERRORS else column, message)
        return self._done(p, "create", label, Plan(relation))

    def _done(self, p: Parsed, action: str, label: str, plan: Plan | None) -> RowOutcome:
        if p.errors:
            return self._error(p, label)
        return RowOutcome(p.number, action, label=label, plan=plan)

    def _error(self, p: Parsed, label: str = "") -> RowOutcome:
        errors = [
            (self.header(column), message)
            for column, messages in p.errors.items()
            for message in messages
        ]
        return RowOutcome(p.number, "error", errors, label=label)

    # --- saving -------------------------------------------------------------
    def write_chunk(self, outcomes: list[RowOutcome]) -> None:
        created = [o.plan.relation for o in outcomes if o.action == "create"]
        updated = [o.plan for o in outcomes if o.action == "update"]
        if created:
            Relation.objects.bulk_create(created, batch_size=BATCH)
            audit.record_bulk_creation(created)
        if updated:
            now = timezone.now()
            for plan in updated:
                plan.relation.updated_at = now
            Relation.objects.bulk_update(
                [plan.relation for plan in updated], ["notes", "updated_at"], batch_size=BATCH
            )
            for plan in updated:
                before = audit.snapshot(plan.relation)
                before["notes"] = plan.original_notes
                audit.record_save(plan.relation, before=before, created=False)
        if created or updated:
            invalidate_graph()
