"""The diagram as a Mermaid ``erDiagram`` (for Markdown files that GitHub and others render).

Mermaid has no enums and no m-n join tables: an enum is an entity whose attributes are its
values, used through a dotted (non-identifying) relationship, as a composite type is; an implicit m-n relation is one
``}o--o{`` relationship whose label names the join table. Attribute types keep the schema's
type with ``?`` and ``[]`` moved into the comment (Mermaid's type grammar has neither ``?`` nor
quotes). Every quoted string goes through :func:`mermaid_string`.
"""

from __future__ import annotations

import re

from schemashift.erd.diagram import Cardinality, Column, Diagram, Entity, Relation

LEFT: dict[Cardinality, str] = {"one": "||", "zero_or_one": "|o", "zero_or_many": "}o"}
RIGHT: dict[Cardinality, str] = {"one": "||", "zero_or_one": "o|", "zero_or_many": "o{"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ENTITY_CODE = re.compile(r"[#\"<>&\\\x00-\x1f\x7f]")


def mermaid_string(text: str) -> str:
    """``text`` as a Mermaid double-quoted string: ``#``, quotes, angle brackets, backslashes and
    control characters become Mermaid's entity codes (``#35;``), newlines a space."""
    text = " ".join(text.splitlines())
    return '"' + _ENTITY_CODE.sub(lambda m: f"#{ord(m.group())};", text) + '"'


def mermaid_name(name: str) -> str:
    """An entity or attribute name: bare when it is a plain identifier (every Prisma name is),
    else quoted."""
    return name if _NAME.match(name) else mermaid_string(name)


def _type(column: Column) -> tuple[str, list[str]]:
    """Mermaid's attribute type and what the comment must add to it."""
    notes: list[str] = []
    base = column.type
    if base.endswith("?"):
        base, notes = base[:-1], ["optional"]
    elif base.endswith("[]"):
        base, notes = base[:-2], ["list"]
    if not _NAME.match(base):  # Unsupported("...")
        notes.append(base)
        base = "Unsupported"
    return base, notes


def _attribute(c: Column) -> str:
    type_, notes = _type(c)
    if c.default is not None:
        notes.append(f"default {c.default}")
    if c.doc:
        notes.append(c.doc)
    keys = f" {','.join(c.keys)}" if c.keys else ""
    comment = f" {mermaid_string('; '.join(notes))}" if notes else ""
    return f"        {type_} {mermaid_name(c.name)}{keys}{comment}"


def _entity(e: Entity) -> list[str]:
    out = [f"    {mermaid_name(e.name)} {{"]
    if e.kind == "enum":
        out += [
            f"        value {mermaid_name(v.name)}" + (f" {mermaid_string(v.doc)}" if v.doc else "") for v in e.columns
        ]
    else:
        # relation fields are the relationships below; the notes (compound keys) have no syntax
        out += [_attribute(c) for c in e.columns if not c.is_relation]
    out.append("    }")
    if len(out) == 2:  # an entity without attributes is written bare
        return [f"    {mermaid_name(e.name)}"]
    return out


def _relationship(r: Relation) -> str:
    line = ".." if r.is_use else "--"
    label = r.label + (f" ({r.join_table})" if r.join_table is not None else "")
    return (
        f"    {mermaid_name(r.source)} {LEFT[r.source_card]}{line}{RIGHT[r.target_card]} "
        f"{mermaid_name(r.target)} : {mermaid_string(label)}"
    )


def render_mermaid(diagram: Diagram) -> str:
    out = ["erDiagram"]
    for e in diagram.entities:
        out += _entity(e)
    out += [_relationship(r) for r in diagram.relations]
    return "\n".join(out) + "\n"
