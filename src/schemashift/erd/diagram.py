"""The diagram's facts, taken from a validated schema: entities (models, views, enums, composite
types) with their columns and keys, and the relations between them with their cardinality.

Everything comes from the validator's :class:`~schemashift.psl.validator.context.Context` (the
resolved names, keys and the relations paired by the ``relations`` pass), never from a database,
so the picture is the schema's, whatever the provider. The renderers (``svg``, ``html``, ``dot``,
``mermaid``) and the layout read only these classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from schemashift.psl import ast
from schemashift.psl.validator.attributes import render_expr, string_literal
from schemashift.psl.validator.context import Context, FieldInfo, ModelInfo, RelationInfo

EntityKind = Literal["model", "view", "enum", "type"]
RelationKind = Literal["1-1", "1-n", "m-n", "enum", "type"]  # enum, type: a field of that enum/composite type
# how many entities of one end relate to one entity of the other end (crow's foot notation)
Cardinality = Literal["one", "zero_or_one", "zero_or_many"]


@dataclass(frozen=True, slots=True)
class Column:
    """A field of a model (or a value of an enum: ``type`` is empty then)."""

    name: str
    type: str  # as written in the schema: ``String?``, ``Int[]``, ``Role``, ``Unsupported("x")``
    keys: tuple[str, ...] = ()  # of "PK", "FK", "UK", in that order
    default: str | None = None  # the @default argument in PSL form: ``now()``, ``"a"``, ``USER``
    doc: str | None = None  # the /// comment
    is_relation: bool = False  # a relation field (its type is a model)


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    kind: EntityKind
    columns: tuple[Column, ...]
    db_name: str | None = None  # @@map
    doc: str | None = None
    notes: tuple[str, ...] = ()  # keys over several fields: ``@@id([a, b])``, ``@@unique([a, b])``
    ignored: bool = False  # @@ignore


@dataclass(frozen=True, slots=True)
class Relation:
    """An edge. ``source`` holds the foreign key (1-1, 1-n), is the first model of an m-n
    relation (Prisma's model A), or is the model (or composite type) using an enum or a composite
    type; ``source_card`` says how many ``source`` entities one ``target`` has, ``target_card``
    how many targets one source has."""

    kind: RelationKind
    source: str
    target: str
    source_card: Cardinality
    target_card: Cardinality
    name: str  # the relation's name (explicit or Prisma's generated one); the field for enums
    source_field: str | None = None  # the relation field on ``source`` (the enum field)
    target_field: str | None = None  # the opposite relation field on ``target``
    source_columns: tuple[str, ...] = ()  # ``fields:`` (the foreign key)
    target_columns: tuple[str, ...] = ()  # ``references:``
    join_table: str | None = None  # an implicit m-n relation's table (``_CategoryToPost``)

    @property
    def is_use(self) -> bool:
        """A field whose type is an enum or a composite type (not a relation between models)."""
        return self.kind in ("enum", "type")

    @property
    def is_self(self) -> bool:
        return self.source == self.target

    @property
    def label(self) -> str:
        """The relation fields, ``source_field`` first: ``author/posts``."""
        names = [n for n in (self.source_field, self.target_field) if n is not None]
        return "/".join(names) if names else self.name


@dataclass(frozen=True, slots=True)
class Diagram:
    entities: tuple[Entity, ...]  # models and views in source order, then composite types, then enums
    relations: tuple[Relation, ...]  # relations in the validator's order, then enum and type uses

    def entity(self, name: str) -> Entity:
        for e in self.entities:
            if e.name == name:
                return e
        raise KeyError(name)


def from_context(ctx: Context) -> Diagram:
    """The diagram of a validated schema (``ctx`` of ``psl.analyze_files`` without errors)."""
    foreign_keys: dict[str, set[str]] = {}
    for rf in ctx.relation_fields.values():
        if rf.fields:
            foreign_keys.setdefault(rf.model, set()).update(rf.fields)
    entities: list[Entity] = []
    for info in ctx.models.values():
        entities.append(_model_entity(info, foreign_keys.get(info.name, set())))
    for name, composite in ctx.composite_types.items():
        fields = ctx.composite_fields.get(name, {})
        columns = tuple(
            _column(f, fields.get(f.name.name), ()) for f in composite.fields
        )
        entities.append(Entity(name, "type", columns, doc=composite.documentation))
    for name, enum in ctx.enums.items():
        enum_info = ctx.enum_infos.get(name)
        mapped = enum_info.value_db_names if enum_info is not None else {}
        values = tuple(
            Column(v.name.name, "", doc=_doc(v.documentation, mapped.get(v.name.name))) for v in enum.values
        )
        entities.append(
            Entity(name, "enum", values, db_name=enum_info.db_name if enum_info else None, doc=enum.documentation)
        )
    relations = [r for r in (_relation(ctx, rel) for rel in ctx.relations) if r is not None]
    users = [(info.name, info.node.fields, info.fields) for info in ctx.models.values()]
    users += [(name, t.fields, ctx.composite_fields.get(name, {})) for name, t in ctx.composite_types.items()]
    for user, user_fields, infos in users:
        for f in user_fields:
            fi = infos.get(f.name.name)
            if fi is None or fi.node is not f or fi.target is None:
                continue
            if (fi.kind == "enum" and fi.target in ctx.enums) or (fi.kind == "composite" and fi.target in ctx.composite_types):
                kind: RelationKind = "enum" if fi.kind == "enum" else "type"
                relations.append(Relation(kind, user, fi.target, "zero_or_many", _card(f.arity), f.name.name, f.name.name))
    return Diagram(tuple(entities), tuple(relations))


def _doc(doc: str | None, mapped: str | None) -> str | None:
    if mapped is None:
        return doc
    note = f"@map({string_literal(mapped)})"
    return note if doc is None else f"{doc}\n{note}"


def _type(f: ast.Field) -> str:
    if isinstance(f.field_type, ast.UnsupportedFieldType):
        base = f"Unsupported({string_literal(f.field_type.literal)})"
    else:
        base = f.field_type.name
    if f.arity is ast.FieldArity.OPTIONAL:
        return base + "?"
    if f.arity is ast.FieldArity.LIST:
        return base + "[]"
    return base


def _column(f: ast.Field, fi: FieldInfo | None, keys: Sequence[str]) -> Column:
    default = None
    if fi is not None and fi.default_value is not None:
        default = render_expr(fi.default_value)
    doc = _doc(f.documentation, fi.db_name if fi is not None else None)
    return Column(f.name.name, _type(f), tuple(keys), default, doc, fi is not None and fi.kind == "model")


def _model_entity(info: ModelInfo, foreign_keys: set[str]) -> Entity:
    pk = info.primary_key.fields if info.primary_key is not None else []
    unique = {i.fields[0] for i in info.indexes if i.kind == "unique" and len(i.fields) == 1}
    notes: list[str] = []
    if len(pk) > 1:
        notes.append(f"@@id([{', '.join(pk)}])")
    notes += [f"@@unique([{', '.join(i.fields)}])" for i in info.indexes if i.kind == "unique" and len(i.fields) > 1]
    columns = []
    for f in info.node.fields:
        name = f.name.name
        keys = [k for k, on in (("PK", name in pk), ("FK", name in foreign_keys), ("UK", name in unique)) if on]
        fi = info.fields.get(name)
        columns.append(_column(f, fi if fi is not None and fi.node is f else None, keys))
    return Entity(
        info.name,
        "view" if info.is_view else "model",
        tuple(columns),
        db_name=info.db_name,
        doc=info.node.documentation,
        notes=tuple(notes),
        ignored=info.is_ignored,
    )


def _card(arity: ast.FieldArity) -> Cardinality:
    if arity is ast.FieldArity.REQUIRED:
        return "one"
    if arity is ast.FieldArity.OPTIONAL:
        return "zero_or_one"
    return "zero_or_many"


def _relation(ctx: Context, rel: RelationInfo) -> Relation | None:
    def arity(model: str, field: str | None) -> ast.FieldArity | None:
        rf = ctx.relation_fields.get((model, field)) if field is not None else None
        return rf.node.arity if rf is not None else None

    a_arity, b_arity = arity(rel.model_a, rel.field_a), arity(rel.model_b, rel.field_b)
    if rel.kind == "many_to_many":
        return Relation(
            "m-n", rel.model_a, rel.model_b, "zero_or_many", "zero_or_many", rel.relation_name,
            rel.field_a, rel.field_b,
            join_table=None if rel.embedded else "_" + rel.relation_name,
        )
    if rel.kind not in ("one_to_one", "one_to_many") or rel.field_a is None:
        return None  # (a relation without its foreign key side: only in an invalid schema)
    rf = ctx.relation_fields.get((rel.model_a, rel.field_a))
    fields = tuple(rf.fields or ()) if rf is not None else ()
    references = tuple(rf.references or ()) if rf is not None else ()
    # one source per target at most for 1-1; any number for 1-n
    if rel.kind == "one_to_one":
        source_card: Cardinality = _card(b_arity) if b_arity is not None else "zero_or_one"
        kind: RelationKind = "1-1"
    else:
        source_card, kind = "zero_or_many", "1-n"
    target_card = _card(a_arity) if a_arity is not None else "zero_or_one"
    return Relation(
        kind, rel.model_a, rel.model_b, source_card, target_card, rel.relation_name,
        rel.field_a, rel.field_b, fields, references,
    )
