"""The diagram as Graphviz DOT text (``dot -Tsvg erd.dot``): one HTML-like table per entity,
one port per row, and crow's foot arrows (``dir=both``) for the cardinality of each end.

Identifiers are double-quoted strings (:func:`dot_id`); the tables' text is XML-escaped
(:func:`~schemashift.erd.svg.xml_text`), the only escaping Graphviz's HTML-like labels know.
"""

from __future__ import annotations

from schemashift.erd.diagram import Cardinality, Diagram, Entity, Relation
from schemashift.erd.layout import column_cells, header_text
from schemashift.erd.svg import edge_title, xml_attr, xml_text

# Graphviz arrow shapes for each end (read from the box outwards)
ARROWS: dict[Cardinality, str] = {"one": "teetee", "zero_or_one": "teeodot", "zero_or_many": "crowodot"}
HEAD_COLOR = {"model": "#2f4a6b", "view": "#3f6b4a", "enum": "#6b4a2f", "type": "#5a3f6b"}


def dot_id(text: str) -> str:
    """``text`` as a DOT double-quoted identifier."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _port(name: str) -> str:
    return dot_id("c_" + name)


def _cell(text: str, color: str) -> str:
    """A cell in a colour (Graphviz refuses an empty ``<FONT>``)."""
    return f'<TD ALIGN="LEFT"><FONT COLOR="{color}">{text}</FONT></TD>' if text else '<TD></TD>'


def _label(e: Entity) -> str:
    head = xml_text(header_text(e) + (" (ignored)" if e.ignored else ""))
    rows = [
        f'<TR><TD COLSPAN="4" BGCOLOR="{HEAD_COLOR[e.kind]}" ALIGN="LEFT">'
        f'<FONT COLOR="white"><B>{head}</B></FONT></TD></TR>'
    ]
    for c in e.columns:
        keys, name, type_, default = (xml_text(v) for v in column_cells(c))
        rows.append(
            f"<TR>{_cell(keys, '#b5651d')}<TD ALIGN=\"LEFT\" PORT=\"{xml_attr('c_' + c.name)}\">{name}</TD>"
            f"{_cell(type_, '#2a6f97')}{_cell(default, '#6b7280')}</TR>"
        )
    for note in e.notes:
        rows.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT"><I>{xml_text(note)}</I></TD></TR>')
    return '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">' + "".join(rows) + "</TABLE>>"


def _end(e: Entity, columns: tuple[str, ...], field: str | None) -> str:
    wanted = columns[0] if columns else field
    if wanted is not None and any(c.name == wanted for c in e.columns):
        return f"{dot_id(e.name)}:{_port(wanted)}"
    return dot_id(e.name)


def _edge(r: Relation, entities: dict[str, Entity]) -> str:
    source = entities[r.source]
    target = entities[r.target]
    if r.kind == "m-n" or r.is_use:
        tail, head = _end(source, (), r.source_field), _end(target, (), r.target_field if r.kind == "m-n" else None)
    else:
        tail, head = _end(source, r.source_columns, r.source_field), _end(target, r.target_columns, r.target_field)
    style = ', style="dashed"' if r.is_use else ""
    return (
        f"  {tail} -> {head} [dir=both, arrowtail={ARROWS[r.source_card]}, arrowhead={ARROWS[r.target_card]}, "
        f"label={dot_id(r.label)}, tooltip={dot_id(edge_title(r))}{style}];"
    )


def render_dot(diagram: Diagram) -> str:
    out = [
        "digraph erd {",
        '  graph [rankdir=LR, fontname="monospace", nodesep=0.6, ranksep=1.0];',
        '  node [shape=plaintext, fontname="monospace", fontsize=10];',
        '  edge [fontname="monospace", fontsize=9, color="#7b8794"];',
    ]
    for e in diagram.entities:
        tooltip = f", tooltip={dot_id(e.doc)}" if e.doc else ""
        out.append(f"  {dot_id(e.name)} [label={_label(e)}{tooltip}];")
    entities = {e.name: e for e in diagram.entities}
    for r in diagram.relations:
        if r.source in entities and r.target in entities:
            out.append(_edge(r, entities))
    out.append("}")
    return "\n".join(out) + "\n"
