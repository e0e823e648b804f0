"""Find the records a row names by their natural keys, without a query per row.

Rule (STYLE.md principle 11): every lookup starts from ``restrict()``, so a
record outside the importing user's scope is "not found". The one exception
is the establishment, as in the organisation import: FINESS numbers are a
public national directory, and "outside your scope" tells the user exactly
why the row is refused.

Each kind of record is read once per import into a dictionary, the first
time a row needs it (25,000 rows must not mean 25,000 queries): rooms per
establishment, the teams, suppliers and contracts, and people only when the
file has a person column. Values are compared without case.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from caducee.cmdb.imports.values import casefold
from caducee.cmdb.models import Contract, Supplier
from caducee.core.imports import CellError
from caducee.org.models import CareUnit, Establishment, Person, Room, Team
from caducee.org.validators import normalise_finess


class Lookups:
    def __init__(self, user: Any):
        self.user = user
        self._establishments: dict[str, list[int]] | None = None
        self._rooms: dict[int, dict[str, list[tuple[str, str, int, int]]]] = {}
        self._care_units: dict[int, dict[str, CareUnit]] = {}
        self._teams: dict[str, list[int]] | None = None
        self._suppliers: dict[str, int] | None = None
        self._contracts: dict[str, list[tuple[int, int]]] | None = None
        self._people: tuple[dict, dict] | None = None

    # --- establishment --------------------------------------------------
    def establishment(self, raw: str) -> int | None:
        """An establishment by FINESS number or short name; empty: none."""
        if not raw:
            return None
        if self._establishments is None:
            found: dict[str, list[int]] = defaultdict(list)
            for pk, finess, short_name in Establishment.objects.values_list(
                "pk", "finess", "short_name"
            ):
                found[finess].append(pk)
                if short_name:
                    found[casefold(short_name)].append(pk)
            self._establishments = dict(found)
        pks = self._establishments.get(normalise_finess(raw)) or self._establishments.get(
            casefold(raw), []
        )
        if len(pks) > 1:
            raise CellError(_("Several establishments have this name: use the FINESS number."))
        if not pks:
            raise CellError(_("No establishment with FINESS or name “%(value)s”.") % {"value": raw})
        visible = self.user.establishment_ids()
        if visible is not None and pks[0] not in visible:
            raise CellError(_("Establishment outside your scope."))
        return pks[0]

    # --- rooms ------------------------------------------------------------
    def room(
        self, establishment: int | None, room: str, site: str, building: str, floor: str
    ) -> int | None:
        """A room by its code, narrowed by site, building and floor when given."""
        if not room:
            return None
        if establishment is None:
            raise CellError(_("Fill in the establishment to find the room."))
        if establishment not in self._rooms:
            by_code: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)
            rows = (
                Room.objects.restrict(self.user, "view")
                .filter(floor__building__site__establishment=establishment)
                .values_list(
                    "pk",
                    "code",
                    "floor__building__site__code",
                    "floor__building__code",
                    "floor__level",
                )
            )
            for pk, code, site_code, building_code, level in rows:
                by_code[casefold(code)].append(
                    (casefold(site_code), casefold(building_code), level, pk)
                )
            self._rooms[establishment] = dict(by_code)
        candidates = self._rooms[establishment].get(casefold(room), [])
        if site:
            candidates = [c for c in candidates if c[0] == casefold(site)]
        if building:
            candidates = [c for c in candidates if c[1] == casefold(building)]
        if floor:
            try:
                level = int(floor)
            except ValueError:
                raise CellError(_("Enter the floor's level as a whole number.")) from None
            candidates = [c for c in candidates if c[2] == level]
        if not candidates:
            raise CellError(
                _("No room with code %(code)s there in this establishment.") % {"code": room}
            )
        if len(candidates) > 1:
            raise CellError(
                _("Several rooms have code %(code)s: fill in the site, building and floor.")
                % {"code": room}
            )
        return candidates[0][3]

    # --- care units ---------------------------------------------------------
    def care_unit(self, establishment: int | None, code: str) -> CareUnit:
        if establishment is None:
            raise CellError(_("Fill in the establishment to find the care unit."))
        if establishment not in self._care_units:
            units = CareUnit.objects.restrict(self.user, "view").filter(establishment=establishment)
            self._care_units[establishment] = {
                casefold(unit.code): unit for unit in units.only("pk", "code", "name")
            }
        unit = self._care_units[establishment].get(casefold(code))
        if unit is None:
            raise CellError(
                _("No care unit with UF code %(code)s in this establishment.") % {"code": code}
            )
        return unit

    # --- teams, suppliers, contracts ----------------------------------------
    def team(self, raw: str) -> int | None:
        if not raw:
            return None
        if self._teams is None:
            found: dict[str, list[int]] = defaultdict(list)
            for pk, code, name in Team.objects.restrict(self.user, "view").values_list(
                "pk", "code", "name"
            ):
                found[casefold(code)].append(pk)
                if casefold(name) != casefold(code):
                    found[casefold(name)].append(pk)
            self._teams = dict(found)
        pks = self._teams.get(casefold(raw), [])
        if len(pks) != 1:
            message = (
                _("Several teams have this name: use the team's code.")
                if pks
                else _("No team with code or name “%(value)s”.") % {"value": raw}
            )
            raise CellError(message)
        return pks[0]

    def supplier(self, raw: str) -> int | None:
        if not raw:
            return None
        if self._suppliers is None:
            self._suppliers = {
                casefold(name): pk
                for pk, name in Supplier.objects.restrict(self.user, "view").values_list(
                    "pk", "name"
                )
            }
        pk = self._suppliers.get(casefold(raw))
        if pk is None:
            raise CellError(_("No supplier named “%(value)s”.") % {"value": raw})
        return pk

    def contract(self, raw: str, supplier: int | None) -> int | None:
        if not raw:
            return None
        if self._contracts is None:
            found: dict[str, list[tuple[int, int]]] = defaultdict(list)
            rows = Contract.objects.restrict(self.user, "view").values_list(
                "pk", "reference", "supplier_id"
            )
            for pk, reference, supplier_id in rows:
                found[casefold(reference)].append((pk, supplier_id))
            self._contracts = dict(found)
        candidates = self._contracts.get(casefold(raw), [])
        if supplier is not None:
            candidates = [c for c in candidates if c[1] == supplier]
        if not candidates:
            raise CellError(_("No contract with reference “%(value)s”.") % {"value": raw})
        if len(candidates) > 1:
            raise CellError(
                _("Several suppliers have a contract with this reference: fill in the supplier.")
            )
        return candidates[0][0]

    # --- people -------------------------------------------------------------
    def person(self, raw: str, establishment: int | None) -> int | None:
        """A person by e-mail (when it has an @), else by employee number
        within the row's establishment."""
        if not raw:
            return None
        if self._people is None:
            by_number: dict[tuple[int, str], int] = {}
            by_email: dict[str, list[int]] = defaultdict(list)
            rows = Person.objects.restrict(self.user, "view").values_list(
                "pk", "establishment_id", "employee_number", "email"
            )
            for pk, establishment_id, number, email in rows:
                if number:
                    by_number[(establishment_id, casefold(number))] = pk
                if email:
                    by_email[casefold(email)].append(pk)
            self._people = (by_number, dict(by_email))
        by_number, by_email = self._people
        if "@" in raw:
            pks = by_email.get(casefold(raw), [])
            if len(pks) > 1:
                raise CellError(_("Several people have this e-mail: use the employee number."))
            pk = pks[0] if pks else None
        else:
            if establishment is None:
                raise CellError(_("Fill in the establishment to find a person by employee number."))
            pk = by_number.get((establishment, casefold(raw)))
        if pk is None:
            raise CellError(_("No person found for “%(ref)s”.") % {"ref": raw})
        return pk
