"""A small XML reader that refuses what agents never send and attackers do.

Inventory XML is plain elements and text. A document type declaration is
what entity-expansion attacks ("billion laughs", external entities reading
local files) need, so any DTD or entity declaration is refused outright,
and nesting is capped; this needs no third-party parser (the standard
library's expat, driven event by event). The result is a tree of dicts:
each element is either its text or ``{child tag: [child values…]}``;
attributes are ignored (no agent puts data in them).
"""

from __future__ import annotations

from typing import Union
from xml.parsers import expat

from django.utils.translation import gettext as _

from caducee.cmdb.inventory.errors import PayloadError

Node = Union[str, dict[str, list["Node"]]]  # noqa: UP007 - recursive alias

MAX_DEPTH = 16


def parse_xml(data: bytes, *, max_depth: int = MAX_DEPTH) -> tuple[str, Node]:
    """Return ``(root tag, root value)``; raise ``PayloadError`` on anything odd."""
    stack: list[tuple[str, dict[str, list[Node]], list[str]]] = []
    root: list[tuple[str, Node]] = []

    def forbid(*_args) -> None:
        raise PayloadError(_("XML document type declarations and entities are not accepted."))

    def start(tag: str, _attrs: dict) -> None:
        if len(stack) >= max_depth:
            raise PayloadError(_("The XML document is nested too deeply."))
        stack.append((tag, {}, []))

    def end(_tag: str) -> None:
        tag, children, parts = stack.pop()
        value: Node = children if children else "".join(parts).strip()
        if stack:
            stack[-1][1].setdefault(tag, []).append(value)
        else:
            root.append((tag, value))

    def characters(data: str) -> None:
        if stack:
            stack[-1][2].append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise PayloadError(_("Malformed XML: %(error)s.") % {"error": exc}) from None
    if not root:
        raise PayloadError(_("The XML document is empty."))
    return root[0]
