"""The diagram as one SVG document (also the picture inside the HTML page).

Every box is ``<g class="entity" data-name="...">`` and every edge ``<path class="edge"
data-source="..." data-target="...">``, so tests and the page's script find them by name.
Every text from the schema (names, types, defaults, doc comments) goes through :func:`xml_text`
or :func:`xml_attr`; characters XML 1.0 cannot hold (control characters) become U+FFFD, so the
document always parses.
"""

from __future__ import annotations

import re

from schemashift.erd.diagram import Diagram, Entity, Relation
from schemashift.erd.layout import HEADER_H, PAD, ROW_H, Box, Layout, column_cells, header_text, layout

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

STYLE = """
.erd { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.erd .box { fill: #ffffff; stroke: #5b6b7f; stroke-width: 1; }
.erd .head { fill: #2f4a6b; }
.erd .enum .head { fill: #6b4a2f; }
.erd .view .head { fill: #3f6b4a; }
.erd .type .head { fill: #5a3f6b; }
.erd .ignored .box { stroke-dasharray: 4 3; }
.erd .title { fill: #ffffff; font-weight: bold; }
.erd .key { fill: #b5651d; font-weight: bold; }
.erd .field { fill: #1d2633; }
.erd .relation-field { fill: #5b6b7f; font-style: italic; }
.erd .type-name { fill: #2a6f97; }
.erd .default { fill: #6b7280; }
.erd .note { fill: #6b7280; font-style: italic; }
.erd .edge { fill: none; stroke: #7b8794; stroke-width: 1.3; }
.erd .edge.enum { stroke-dasharray: 5 4; stroke: #b08a5b; }
.erd .edge.type { stroke-dasharray: 5 4; stroke: #8a6bb0; }
.erd .edge.m-n { stroke: #8a5bb0; }
.erd .marker { fill: #ffffff; stroke: #5b6b7f; stroke-width: 1.3; }
"""

# crow's foot ends, drawn for the end of a path arriving at a box's side at x = 20
MARKERS = {
    "one": '<path d="M12,1 V13 M16,1 V13"/>',
    "zero_or_one": '<circle cx="6" cy="7" r="3.5"/><path d="M15,1 V13"/>',
    "zero_or_many": '<circle cx="5" cy="7" r="3.5"/><path d="M20,1 L10,7 L20,13 M10,7 H20"/>',
}


def xml_text(text: str) -> str:
    """``text`` as XML character data."""
    text = _NOT_XML.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """``text`` as the inside of a double-quoted XML attribute."""
    return xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def render_svg(diagram: Diagram, placed: Layout | None = None) -> str:
    placed = placed if placed is not None else layout(diagram)
    w, h = placed.width, placed.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="erd" width="{w:g}" height="{h:g}" '
        f'viewBox="0 0 {w:g} {h:g}" data-models="{len(diagram.entities)}">',
        f"<style>{STYLE}</style>",
        "<defs>",
    ]
    for name, body in MARKERS.items():
        out.append(
            f'<marker id="card-{name}" class="marker" viewBox="0 0 20 14" markerWidth="20" markerHeight="14" '
            f'refX="20" refY="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">{body}</marker>'
        )
    out.append("</defs>")
    out.append('<g class="edges">')
    entities = {e.name: e for e in diagram.entities}
    for r in diagram.relations:
        if r.source in placed.boxes and r.target in placed.boxes:
            out.append(_edge(r, entities, placed))
    out.append("</g>")
    out.append('<g class="entities">')
    for e in diagram.entities:
        out.append(_entity(e, placed))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _entity(e: Entity, placed: Layout) -> str:
    box, m = placed.boxes[e.name], placed.metrics[e.name]
    classes = f"entity {e.kind}" + (" ignored" if e.ignored else "")
    out = [
        f'<g class="{classes}" id="entity-{xml_attr(e.name)}" data-name="{xml_attr(e.name)}" '
        f'transform="translate({box.x:g},{box.y:g})">'
    ]
    tooltip = header_text(e) + (" (ignored)" if e.ignored else "") + (f"\n{e.doc}" if e.doc else "")
    out.append(f"<title>{xml_text(tooltip)}</title>")
    out.append(f'<rect class="box" width="{box.width:g}" height="{box.height:g}" rx="4"/>')
    out.append(f'<rect class="head" width="{box.width:g}" height="{HEADER_H:g}" rx="4"/>')
    out.append(f'<text class="title" x="{PAD:g}" y="{HEADER_H / 2 + 4:g}">{xml_text(header_text(e))}</text>')
    for i, c in enumerate(e.columns):
        y = m.row_y(i) + 4
        keys, name, type_, default = column_cells(c)
        tip = f"{c.name} {c.type}" + (f" @default({c.default})" if c.default is not None else "")
        if c.doc:
            tip += f"\n{c.doc}"
        cells = [
            ("key", keys), ("relation-field" if c.is_relation else "field", name), ("type-name", type_), ("default", default)
        ]
        texts = "".join(
            f'<text class="{cls}" x="{m.offsets[k]:g}" y="{y:g}">{xml_text(value)}</text>'
            for k, (cls, value) in enumerate(cells)
            if value
        )
        out.append(f'<g class="column" data-column="{xml_attr(c.name)}"><title>{xml_text(tip)}</title>{texts}</g>')
    for j, note in enumerate(e.notes):
        y = m.row_y(len(e.columns) + j) + 4
        out.append(f'<text class="note" x="{PAD:g}" y="{y:g}">{xml_text(note)}</text>')
    out.append("</g>")
    return "\n".join(out)


def _row(e: Entity, names: tuple[str, ...], field: str | None) -> int | None:
    wanted = names[0] if names else field
    for i, c in enumerate(e.columns):
        if c.name == wanted:
            return i
    return None


def _anchor_y(box: Box, placed: Layout, name: str, row: int | None) -> float:
    return box.y + (placed.metrics[name].row_y(row) if row is not None else HEADER_H / 2)


def edge_points(r: Relation, entities: dict[str, Entity], placed: Layout) -> tuple[float, float, float, float, str]:
    """The path of an edge: it leaves ``source`` at the row of its foreign key (or relation
    field) and reaches ``target`` at the referenced row, on the sides facing each other."""
    sb, tb = placed.boxes[r.source], placed.boxes[r.target]
    if r.kind == "m-n":
        s_row = _row(entities[r.source], (), r.source_field)
        t_row = _row(entities[r.target], (), r.target_field)
    elif r.is_use:
        s_row, t_row = _row(entities[r.source], (), r.source_field), None
    else:
        s_row = _row(entities[r.source], r.source_columns, r.source_field)
        t_row = _row(entities[r.target], r.target_columns, r.target_field)
    y1 = _anchor_y(sb, placed, r.source, s_row)
    y2 = _anchor_y(tb, placed, r.target, t_row)
    if r.is_self:
        x = sb.x + sb.width
        bulge = 40 + abs(y2 - y1) / 4
        return x, y1, x, y2, f"M{x:g},{y1:g} C{x + bulge:g},{y1:g} {x + bulge:g},{y2:g} {x:g},{y2:g}"
    if tb.x > sb.x + sb.width:  # target on the right
        x1, x2, d1, d2 = sb.x + sb.width, tb.x, 1, -1
    elif tb.x + tb.width < sb.x:  # on the left
        x1, x2, d1, d2 = sb.x, tb.x + tb.width, -1, 1
    else:  # above or below: both right sides, the curve bulges out
        x1, x2, d1, d2 = sb.x + sb.width, tb.x + tb.width, 1, 1
    reach = max(40.0, abs(x2 - x1) / 2) if d1 != d2 else 40 + abs(y2 - y1) / 8 + abs(x2 - x1)
    c1, c2 = x1 + d1 * reach, x2 + d2 * reach
    path = f"M{x1:g},{y1:g} C{c1:g},{y1:g} {c2:g},{y2:g} {x2:g},{y2:g}"
    return x1, y1, x2, y2, path


def edge_title(r: Relation) -> str:
    source = f"{r.source}.{r.source_field}" if r.source_field else r.source
    target = f"{r.target}.{r.target_field}" if r.target_field else r.target
    text = f"{r.kind}: {source} → {target}"
    if r.source_columns:
        text += f" ({', '.join(r.source_columns)} → {', '.join(r.target_columns)})"
    if r.join_table is not None:
        text += f" via {r.join_table}"
    return text


def _edge(r: Relation, entities: dict[str, Entity], placed: Layout) -> str:
    *_, path = edge_points(r, entities, placed)
    return (
        f'<path class="edge {r.kind}" d="{path}" data-source="{xml_attr(r.source)}" '
        f'data-target="{xml_attr(r.target)}" data-kind="{r.kind}" data-label="{xml_attr(r.label)}" '
        f'marker-start="url(#card-{r.source_card})" marker-end="url(#card-{r.target_card})">'
        f"<title>{xml_text(edge_title(r))}</title></path>"
    )
