"""How an imported row finds its configuration item: the natural keys.

Rule (issue "CMDB" point 6; ``ConfigurationItem``'s docstring): UUID, then
asset tag, then serial number (with the manufacturer when the file gives
one), then hostname within the establishment; a row with none of them (an
application, a database) is found by its type and name within its
establishment. UUID and asset tag are unique across the GHT, so they are
looked up among all items — a clash with an item out of the user's sight is
reported, never duplicated; the other keys only among the items the user
may see. Every item the rows of a chunk may designate is read in one query.
Within a file each key may appear once: a second row with the same key is an
error, not a second update.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from caducee.cmdb.imports.values import casefold
from caducee.cmdb.models import ConfigurationItem
from caducee.core.imports import CellError


@dataclass
class Parsed:
    """A row by column name, with its keys normalised as ``clean()`` stores them."""

    number: int
    cells: dict[str, str]
    establishment: int | None = None
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    uuid: str = ""
    asset_tag: str = ""
    serial: str = ""
    manufacturer: str = ""
    hostname: str = ""
    name: str = ""
    ci_type: str = ""

    def fail(self, column: str, message: str) -> None:
        self.errors[column].append(str(message))

    @property
    def has_key(self) -> bool:
        return bool(self.uuid or self.asset_tag or self.serial or self.hostname)

    def file_keys(self) -> list[tuple[str, tuple]]:
        """(column, key) of the keys that must be unique within the file."""
        keys = []
        if self.uuid:
            keys.append(("uuid", ("uuid", self.uuid)))
        if self.asset_tag:
            keys.append(("asset_tag", ("asset_tag", self.asset_tag)))
        if self.serial:
            keys.append(("serial_number", ("serial", self.serial, self.manufacturer)))
        if self.hostname:
            keys.append(("hostname", ("hostname", self.establishment, self.hostname)))
        if not keys and self.name:
            keys.append(("name", ("name", self.establishment, self.ci_type, self.name)))
        return keys


class Ambiguous(CellError):
    """Several items answer to the row's key: reported on that key's column."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


class ItemFinder:
    def __init__(self, user: Any, *, by_establishment: bool):
        self.visible = user.establishment_ids()
        #: Whether the file has an establishment column to narrow hostnames and names.
        self.by_establishment = by_establishment

    def sees(self, item: ConfigurationItem) -> bool:
        return (
            self.visible is None
            or item.establishment_id is None
            or item.establishment_id in self.visible
        )

    def query(self, parsed: list[Parsed]) -> tuple[dict[str, set], Q]:
        wanted = {
            "uuid": {p.uuid for p in parsed if p.uuid},
            "asset_tag": {p.asset_tag for p in parsed if p.asset_tag},
            "serial_number": {p.serial for p in parsed if p.serial},
            "hostname": {p.hostname for p in parsed if p.hostname},
            "name": {p.name for p in parsed if p.name and not p.has_key},
        }
        query = Q()
        for name, values in wanted.items():
            if values:
                query |= Q(**{f"{name}__in": values})
        return wanted, query

    def fingerprint(self, parsed: list[Parsed]) -> frozenset:
        """(pk, updated_at) of the items the rows may designate, as they are now."""
        query = self.query(parsed)[1]
        if not query:
            return frozenset()
        return frozenset(ConfigurationItem.objects.filter(query).values_list("pk", "updated_at"))

    def index(self, parsed: list[Parsed]) -> tuple[dict[str, dict], frozenset]:
        """{key field: {value: [items]}} for the chunk, and its fingerprint."""
        wanted, query = self.query(parsed)
        index: dict[str, dict] = {name: defaultdict(list) for name in wanted}
        if not query:
            return index, frozenset()
        items = list(ConfigurationItem.objects.filter(query))
        for item in items:
            for name in wanted:
                value = getattr(item, name)
                if value and value in wanted[name]:
                    index[name][value].append(item)
        return index, frozenset((item.pk, item.updated_at) for item in items)

    def match(self, p: Parsed, index: dict) -> tuple[ConfigurationItem | None, str]:
        """The existing item the row designates and the column that found it."""
        for column, value in (("uuid", p.uuid), ("asset_tag", p.asset_tag)):
            if value and index[column][value]:
                return index[column][value][0], column
        if p.serial:
            found = [i for i in index["serial_number"][p.serial] if self.sees(i)]
            if p.manufacturer:
                found = [i for i in found if casefold(i.manufacturer) == p.manufacturer]
            if len(found) > 1:
                raise Ambiguous(
                    "serial_number",
                    _("Several items have this serial number: add the manufacturer or asset tag."),
                )
            if found:
                return found[0], "serial_number"
        if p.hostname:
            found = [i for i in index["hostname"][p.hostname] if self._here(i, p)]
            if len(found) > 1:
                raise Ambiguous(
                    "hostname", _("Several items have this hostname: fill in the establishment.")
                )
            if found:
                return found[0], "hostname"
        if not p.has_key and p.name:
            found = [
                i
                for i in index["name"][p.name]
                if self._here(i, p) and (not p.ci_type or i.ci_type == p.ci_type)
            ]
            if len(found) > 1:
                raise Ambiguous(
                    "name",
                    _("Several items have this name: add a UUID, asset tag, serial or hostname."),
                )
            if found:
                return found[0], "name"
        return None, ""

    def _here(self, item: ConfigurationItem, p: Parsed) -> bool:
        """Visible, and in the row's establishment when the file names one."""
        return self.sees(item) and (
            not self.by_establishment or item.establishment_id == p.establishment
        )

    @staticmethod
    def holders(index: dict, column: str, value: str, item: Any) -> list[ConfigurationItem]:
        """Other items holding a GHT-unique ``value`` (UUID, asset tag)."""
        return [i for i in index[column][value] if i != item] if value else []
