"""The impact graph drawn on the server, as inline SVG.

Rule (issue "CMDB" point 2: "a readable graph rendered server-side (SVG) …
no CDN"; CSP: no inline script or style): a layered drawing of our own,
read left to right in the direction an outage travels — the root-cause
candidates (upstream), the items down, the items they take down level by
level, then the care units reached. A layer shows at most ``per_layer``
nodes (patient-safety-critical items and applications first) and one
"+ N more" node for the rest, so the core switch of a GHT draws as quickly
and as legibly as a workstation. Colours and fonts come from classes of
``caducee.css`` (presentation attributes would do, but classes keep the
palette in one place). Every node has a ``<title>`` (full name, type,
level) and, for the mouse, a link to its page; the figure is one image
(``role="img"``) with a title and a description, and the page lists the
same facts and links as text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caducee.cmdb.services.graph_scope import TYPE_ORDER, ScopedImpact

NODE_W, NODE_H = 190, 40
COL_W, ROW_H = 240, 52
TOP, PAD = 34, 8
NAME_CHARS = 24
#: Order in which items of one layer are kept when the layer is cut.
TYPE_RANK = {code: rank for rank, code in enumerate(TYPE_ORDER)}


@dataclass
class _Node:
    key: str
    label: str
    sublabel: str
    title: str
    css: str
    url: str | None = None
    x: int = 0
    y: int = 0


def _short(text: str, size: int = NAME_CHARS) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _rank(entry: dict[str, Any]) -> tuple:
    return (
        not entry["patient_safety_critical"],
        TYPE_RANK.get(entry["ci_type"], 99),
        entry["name"].lower(),
        entry["id"],
    )


def _item_node(entry: dict[str, Any], role: str) -> _Node:
    css = ["impact-node", f"impact-node-{role}"]
    notes = []
    if entry["patient_safety_critical"]:
        css.append("impact-node-safety")
        notes.append(_("patient-safety critical"))
    if entry["out_of_service"]:
        css.append("impact-node-oos")
        notes.append(_("out of service"))
    sublabel = entry["type_label"] + (f" · {notes[0]}" if notes else "")
    title = f"{entry['name']} — {entry['type_label']}"
    if entry["depth"]:
        title += " — " + _("level %(depth)d") % {"depth": entry["depth"]}
    if notes:
        title += " — " + ", ".join(notes)
    return _Node(
        f"i{entry['id']}", _short(entry["name"]), sublabel, title, " ".join(css), entry["url"]
    )


def _more_node(key: str, count: int) -> _Node:
    text = ngettext("+ %(n)d more", "+ %(n)d more", count) % {"n": count}
    title = ngettext("%(n)d more, listed below", "%(n)d more, listed below", count) % {"n": count}
    return _Node(key, text, "", title, "impact-node impact-more")


def _layer(
    entries: list[dict[str, Any]],
    total: int,
    role: str,
    key: str,
    per_layer: int,
    ranked: bool = False,
) -> list[_Node]:
    shown = (entries if ranked else sorted(entries, key=_rank))[:per_layer]
    nodes = [_item_node(entry, role) for entry in shown]
    more = total - len(shown)
    if more > 0:
        nodes.append(_more_node(key, more))
    return nodes


def render_impact_svg(
    scoped: ScopedImpact,
    *,
    title: str,
    per_layer: int = 8,
    max_levels: int = 4,
    max_upstream: int = 2,
) -> SafeString:
    """The graph as ``<svg>`` markup; empty when only the roots would show."""
    columns: list[tuple[str, list[_Node]]] = []
    by_depth: dict[int, list[dict]] = defaultdict(list)
    for entry in scoped.affected:
        by_depth[entry["depth"]].append(entry)
    up_depth: dict[int, list[dict]] = defaultdict(list)
    for entry in scoped.upstream:
        up_depth[entry["depth"]].append(entry)

    for depth in sorted(scoped.upstream_depths, reverse=True):
        if depth <= max_upstream:
            nodes = _layer(
                up_depth[depth], scoped.upstream_depths[depth], "upstream", f"up{depth}", per_layer
            )
            label = _("Depends on") if depth == 1 else _("Depends on (%(d)d)") % {"d": depth}
            columns.append((label, nodes))
    requested = set(scoped.result.requested)
    roots = sorted(scoped.roots, key=lambda e: (e["id"] not in requested, _rank(e)))
    columns.append((_("Down"), _layer(roots, len(roots), "root", "more0", per_layer, ranked=True)))
    levels = sorted(scoped.depths)
    for depth in levels[:max_levels]:
        total = scoped.depths[depth]
        label = _("Level %(d)d") % {"d": depth}
        if depth == max_levels and levels[-1] > max_levels:
            # The last column also stands for everything deeper.
            total += sum(scoped.depths[d] for d in levels if d > max_levels)
            label = _("Levels %(d)d+") % {"d": depth}
        nodes = _layer(by_depth[depth], total, "affected", f"more{depth}", per_layer)
        columns.append((label, nodes))
    units = []
    for unit in scoped.care_units[:per_layer]:
        units.append(
            _Node(
                f"u{unit['id']}",
                _short(f"{unit['code']} {unit['name']}"),
                f"{unit['criticality_label']} · "
                + ngettext("%(n)d person", "%(n)d people", unit["people"]) % {"n": unit["people"]},
                f"{unit['code']} {unit['name']} — {unit['criticality_label']}",
                f"impact-node impact-unit impact-crit-{unit['criticality']}",
                unit["url"],
            )
        )
    if len(scoped.care_units) > per_layer:
        units.append(_more_node("moreu", len(scoped.care_units) - per_layer))
    if units:
        columns.append((_("Care units"), units))
    if sum(len(nodes) for _label, nodes in columns) <= len(scoped.roots):
        return mark_safe("")

    rows = max(len(nodes) for _label, nodes in columns)
    width = len(columns) * COL_W - (COL_W - NODE_W) + 2 * PAD
    height = TOP + rows * ROW_H + PAD
    placed: dict[str, _Node] = {}
    for index, (_label, nodes) in enumerate(columns):
        offset = (rows - len(nodes)) * ROW_H // 2
        for row, node in enumerate(nodes):
            node.x = PAD + index * COL_W
            node.y = TOP + offset + row * ROW_H
            placed[node.key] = node

    edges: dict[tuple[str, str], None] = {}

    def link(source: tuple[str, str], target: tuple[str, str]) -> None:
        """Each end is (the node's key, the key of its layer's "more" node)."""
        a = source[0] if source[0] in placed else source[1]
        b = target[0] if target[0] in placed else target[1]
        if a in placed and b in placed and a != b:
            edges[(a, b)] = None

    for entry in scoped.affected:
        depth = entry["depth"]
        if depth <= max_levels and entry["via"] is not None:
            link((f"i{entry['via']}", f"more{depth - 1}"), (f"i{entry['id']}", f"more{depth}"))
    for entry in scoped.upstream:
        depth = entry["depth"]
        if depth <= max_upstream:
            # Drawn in the direction of the outage: from the dependency to its dependant.
            closer = f"up{depth - 1}" if depth > 1 else "more0"
            link((f"i{entry['id']}", f"up{depth}"), (f"i{entry['via']}", closer))
    for unit in scoped.care_units[:per_layer]:
        for item in unit["via"]:
            link((f"i{item['id']}", ""), (f"u{unit['id']}", ""))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="impact-svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="impact-graph-title impact-graph-desc">',
        f'<title id="impact-graph-title">{escape(title)}</title>',
        f'<desc id="impact-graph-desc">{escape(_describe(scoped))}</desc>',
        '<defs><marker id="impact-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="impact-arrow"/></marker></defs>',
    ]
    for index, (label, _nodes) in enumerate(columns):
        parts.append(
            f'<text class="impact-col" x="{PAD + index * COL_W}" y="18">{escape(label)}</text>'
        )
    for source, target in edges:
        a, b = placed[source], placed[target]
        x1, y1 = a.x + NODE_W, a.y + NODE_H // 2
        x2, y2 = b.x, b.y + NODE_H // 2
        bend = max(30, (x2 - x1) // 2)
        # Edges that jump over a column pass behind its nodes: drawn fainter.
        css = "impact-edge impact-edge-long" if x2 - x1 > COL_W else "impact-edge"
        parts.append(
            f'<path class="{css}" marker-end="url(#impact-arrow)" '
            f'd="M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"/>'
        )
    for node in placed.values():
        parts.append(_draw(node))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)


def _draw(node: _Node) -> str:
    body = (
        f'<g class="{node.css}"><title>{escape(node.title)}</title>'
        f'<rect x="{node.x}" y="{node.y}" width="{NODE_W}" height="{NODE_H}" rx="5"/>'
        f'<text class="impact-label" x="{node.x + 8}" y="{node.y + 17}">{escape(node.label)}</text>'
    )
    if node.sublabel:
        body += (
            f'<text class="impact-sublabel" x="{node.x + 8}" y="{node.y + 33}">'
            f"{escape(_short(node.sublabel, 32))}</text>"
        )
    body += "</g>"
    if node.url:
        # A shortcut for the mouse; keyboard and screen-reader users get the
        # same links in the lists (the figure is one image to them).
        return f'<a href="{escape(node.url)}" tabindex="-1">{body}</a>'
    return body


def _describe(scoped: ScopedImpact) -> str:
    result = scoped.result
    highest = result.highest_criticality
    text = ngettext(
        "%(n)d item goes down with it",
        "%(n)d items go down with it",
        len(result.affected),
    ) % {"n": len(result.affected)}
    text += "; " + ngettext(
        "%(n)d care unit reached", "%(n)d care units reached", len(result.care_units)
    ) % {"n": len(result.care_units)}
    if highest is not None:
        text += "; " + _("highest criticality: %(label)s") % {"label": highest.label}
    if result.patient_safety:
        text += "; " + _("a patient-safety-critical item is down")
    return text + ". " + _("The lists on this page give the same information as text.")
