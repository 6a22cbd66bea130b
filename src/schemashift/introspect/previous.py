"""What re-introspection keeps from the existing schema: names, ``@map``s, relation names, order.

The existing schema is read from its AST (it need not be valid: anything that cannot be matched
is simply not reused). Everything is keyed by database names, the only thing the live database
and the schema have in common:

- models by table name (``@@map`` or the model name), enums by type name;
- scalar fields by column name (``@map`` or the field name);
- inline relations by (referencing table, referencing columns);
- implicit many-to-many relations by relation name (the join table is ``_<relation name>``);
- indexes by constraint name (``map:`` or Prisma's default name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from schemashift.introspect.names import qualified
from schemashift.psl import ast
from schemashift.psl import constraint_names as default_names
from schemashift.psl.validator.config import load as load_config

_CLIENT_DEFAULTS = frozenset({"cuid", "uuid", "nanoid", "ulid"})


@dataclass
class PrevField:
    name: str
    mapped: str | None
    position: int
    documentation: str | None
    updated_at: bool
    ignored: bool
    client_default: str | None  # e.g. "cuid()", "nanoid(10)": kept when the column has no default
    enum_type: str | None = None  # the field's enum (PSL name), where the database has no enum types
    has_default: bool = False


@dataclass
class PrevRelationField:
    name: str
    model: str  # the model it sits on (PSL name)
    target: str  # the related model (PSL name)
    relation_name: str | None
    fields: list[str]  # referencing fields (PSL names), empty on the back side
    mapped: str | None  # map: of @relation
    is_list: bool
    position: int
    source: str  # the field's text, for relations copied as they are (relationMode = "prisma")


@dataclass
class PrevIndex:
    constraint: str  # the database name the attribute stands for
    name: str | None  # the client name (name: argument)
    position: int


@dataclass
class PrevModel:
    name: str
    mapped: str | None
    position: int
    documentation: str | None
    ignored: bool
    fields: dict[str, PrevField] = field(default_factory=dict)  # by column name
    relation_fields: list[PrevRelationField] = field(default_factory=list)
    indexes: list[PrevIndex] = field(default_factory=list)
    id_name: str | None = None  # @@id(name: ...)
    file: str = ""  # the schema file it came from (re-introspection writes it back there)
    schema: str | None = None  # @@schema, in a multi-schema datasource

    @property
    def db_name(self) -> str:
        return self.mapped or self.name

    @property
    def key(self) -> str:
        """The introspection key (:func:`schemashift.introspect.names.qualified`)."""
        return qualified(self.schema, self.db_name)


@dataclass
class PrevEnum:
    name: str
    mapped: str | None
    position: int
    documentation: str | None
    values: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)  # db -> (name, map, doc)
    file: str = ""  # the schema file it came from


@dataclass
class InlineRelation:
    forward: str
    back: str | None
    relation_name: str | None
    mapped: str | None
    constraint: str  # the foreign key's name: map: or Prisma's default


@dataclass
class M2mRelation:
    field_a: str
    field_b: str
    self_relation: bool
    model_a: str = ""  # the relation's models: A is the first by name (the join table's column A)
    model_b: str = ""


@dataclass
class Previous:
    """The reusable parts of an existing schema (empty when there is none or with ``--force``)."""

    models: dict[str, PrevModel] = field(default_factory=dict)  # by table name
    enums: dict[str, PrevEnum] = field(default_factory=dict)  # by enum type name
    # by (referencing table, referencing columns); several relations can share the columns
    inline: dict[tuple[str, tuple[str, ...]], list[InlineRelation]] = field(default_factory=dict)
    m2m: dict[str, M2mRelation] = field(default_factory=dict)  # by relation name
    # the generator and datasource blocks (with their file's text), generators first
    config_nodes: list[tuple[ast.GeneratorConfig | ast.SourceConfig, str]] = field(default_factory=list)
    config_files: list[str] = field(default_factory=list)  # the file of each config block
    files: list[str] = field(default_factory=list)  # the existing schema's files, in the order given
    relation_mode_prisma: bool = False
    # the schema follows Prisma 7's rules (its datasource has no `url`): partial indexes are
    # written with `where:`, which Prisma 6's schema language does not have
    prisma7: bool = False
    # `view` blocks, verbatim, kept when the `views` preview feature is on (views are not introspected)
    view_blocks: list[str] = field(default_factory=list)
    view_names: set[str] = field(default_factory=set)
    view_files: list[str] = field(default_factory=list)  # the file of each view block


def _attr(attrs: Sequence[ast.Attribute], name: str) -> ast.Attribute | None:
    return next((a for a in attrs if a.name.name == name), None)


def _arg(attr: ast.Attribute | None, name: str) -> ast.Expression | None:
    """A named argument, or the positional one that stands for it (``fields`` of the index
    attributes, ``name`` of ``@relation``)."""
    if attr is None:
        return None
    for a in attr.arguments.arguments:
        if a.name is not None and a.name.name == name:
            return a.value
    positional_means = "name" if attr.name.name == "relation" else "fields"
    if name == positional_means:
        positional = [a for a in attr.arguments.arguments if a.name is None]
        return positional[0].value if positional else None
    return None


def _str(expr: ast.Expression | None) -> str | None:
    return expr.value if isinstance(expr, ast.StringValue) else None


def _positional_str(attr: ast.Attribute | None) -> str | None:
    if attr is None:
        return None
    positional = [a for a in attr.arguments.arguments if a.name is None]
    return _str(positional[0].value) if positional else None


def _field_list(expr: ast.Expression | None) -> list[str]:
    if not isinstance(expr, ast.ArrayExpression):
        return []
    out = []
    for e in expr.elements:
        if isinstance(e, ast.ConstantValue):
            out.append(e.value)
        elif isinstance(e, ast.FunctionCall):
            out.append(e.name)
    return out


def read_previous(schema_ast: ast.SchemaAst, provider: str, limit: int) -> Previous:
    prev = Previous(files=[f.path for f in schema_ast.files])
    sources = {f.file_id: f.source for f in schema_ast.files}
    paths = {f.file_id: f.path for f in schema_ast.files}
    # Prisma 7 writes the generators first, then the datasources, whatever order the file had
    configs: list[ast.GeneratorConfig | ast.SourceConfig] = [
        t for t in schema_ast.tops() if isinstance(t, ast.GeneratorConfig)
    ]
    configs += [t for t in schema_ast.tops() if isinstance(t, ast.SourceConfig)]
    for top in configs:
        src = sources.get(top.span.file_id, "")
        prev.config_nodes.append((top, src))
        prev.config_files.append(paths.get(top.span.file_id, ""))
    prev.prisma7 = load_config(schema_ast).prisma7
    multi_schema = any(p.name.name == "schemas" for ds in schema_ast.datasources() for p in ds.properties)

    def space(attributes: list[ast.Attribute]) -> str | None:
        return (_positional_str(_attr(attributes, "schema")) or "public") if multi_schema else None

    for ds in schema_ast.datasources():
        for p in ds.properties:
            if p.name.name in ("relationMode", "referentialIntegrity") and _str(p.value) == "prisma":
                prev.relation_mode_prisma = True
    model_names = {m.name.name for m in schema_ast.models()}
    previews: set[str] = set()
    for g in schema_ast.generators():
        for p in g.properties:
            if p.name.name == "previewFeatures" and isinstance(p.value, ast.ArrayExpression):
                previews.update(e.value for e in p.value.elements if isinstance(e, ast.StringValue))
    if "views" in previews:
        for view in (m for m in schema_ast.models() if m.is_view):
            src = sources.get(view.span.file_id, "")
            prev.view_blocks.append(src[view.span.start : view.span.end])
            prev.view_names.add(view.name.name)
            prev.view_files.append(paths.get(view.span.file_id, ""))
    enum_nodes = {e.name.name: e for e in schema_ast.enums()}
    for pos, enum in enumerate(schema_ast.enums()):
        mapped = _positional_str(_attr(enum.attributes, "map"))
        pe = PrevEnum(enum.name.name, mapped, pos, enum.documentation, file=paths.get(enum.span.file_id, ""))
        for v in enum.values:
            vmap = _positional_str(_attr(v.attributes, "map"))
            pe.values[vmap or v.name.name] = (v.name.name, vmap, v.documentation)
        prev.enums[qualified(space(enum.attributes), mapped or enum.name.name)] = pe

    models = [m for m in schema_ast.models() if not m.is_view]
    by_name: dict[str, PrevModel] = {}
    for pos, model in enumerate(models):
        mapped = _positional_str(_attr(model.attributes, "map"))
        pm = PrevModel(
            model.name.name, mapped, pos, model.documentation, _attr(model.attributes, "ignore") is not None
        )
        pm.file = paths.get(model.span.file_id, "")
        pm.schema = space(model.attributes)
        src = sources.get(model.span.file_id, "")
        column_of: dict[str, str] = {}
        for fpos, f in enumerate(model.fields):
            ftype = f.field_type
            if isinstance(ftype, ast.SupportedFieldType) and ftype.name in model_names:
                rel = _attr(f.attributes, "relation")
                rel_name = _str(_arg(rel, "name"))
                pm.relation_fields.append(
                    PrevRelationField(
                        f.name.name,
                        model.name.name,
                        ftype.name,
                        rel_name,
                        _field_list(_arg(rel, "fields")),
                        _str(_arg(rel, "map")),
                        f.arity is ast.FieldArity.LIST,
                        fpos,
                        src[f.span.start : f.span.end],
                    )
                )
                continue
            fmap = _positional_str(_attr(f.attributes, "map"))
            column = fmap or f.name.name
            column_of[f.name.name] = column
            default = _attr(f.attributes, "default")
            client_default = None
            if default is not None and default.arguments.arguments:
                value = default.arguments.arguments[0].value
                if isinstance(value, ast.FunctionCall) and value.name in _CLIENT_DEFAULTS:
                    client_default = src[value.span.start : value.span.end]
            pm.fields[column] = PrevField(
                f.name.name,
                fmap,
                fpos,
                f.documentation,
                _attr(f.attributes, "updatedAt") is not None,
                _attr(f.attributes, "ignore") is not None,
                client_default,
                ftype.name if isinstance(ftype, ast.SupportedFieldType) and ftype.name in enum_nodes else None,
                default is not None,
            )
            unique = _attr(f.attributes, "unique")
            if unique is not None:
                constraint = _str(_arg(unique, "map")) or default_names.unique_name(pm.db_name, [column], limit)
                pm.indexes.append(PrevIndex(constraint, None, -1))
        for apos, a in enumerate(model.attributes):
            kind = a.name.name
            if kind not in ("index", "unique", "fulltext", "id"):
                continue
            fields = [column_of.get(n, n) for n in _field_list(_arg(a, "fields"))]
            mapped_name = _str(_arg(a, "map"))
            client_name = _str(_arg(a, "name"))
            if kind == "id":
                pm.id_name = client_name
                continue
            if mapped_name is None and kind == "index" and client_name is not None:
                mapped_name, client_name = client_name, None  # Prisma 2 style: name is the index name
            if mapped_name is None:
                mapped_name = (
                    default_names.unique_name(pm.db_name, fields, limit)
                    if kind == "unique"
                    else default_names.index_name(pm.db_name, fields, limit)
                )
            pm.indexes.append(PrevIndex(mapped_name, client_name, apos))
        prev.models[pm.key] = pm
        by_name[pm.name] = pm

    # inline relations: the side with `fields`, paired with the opposite field when there is one
    for pm in by_name.values():
        for rf in pm.relation_fields:
            if not rf.fields:
                continue
            target = by_name.get(rf.target)
            columns = tuple(_column_of(pm, n) for n in rf.fields)
            back = None
            if target is not None:
                candidates = [
                    g
                    for g in target.relation_fields
                    if g.target == pm.name and g.relation_name == rf.relation_name and g is not rf and not g.fields
                ]
                if candidates:
                    back = candidates[0].name
            constraint = rf.mapped or default_names.foreign_key_name(pm.db_name, columns, limit)
            prev.inline.setdefault((pm.key, columns), []).append(
                InlineRelation(rf.name, back, rf.relation_name, rf.mapped, constraint)
            )
    # implicit many-to-many relations: both sides are lists without `fields`
    for pm in by_name.values():
        for rf in pm.relation_fields:
            if not rf.is_list or rf.fields:
                continue
            target = by_name.get(rf.target)
            if target is None:
                continue
            other = [
                g
                for g in target.relation_fields
                if g.target == pm.name and g.relation_name == rf.relation_name and g is not rf and g.is_list
            ]
            if not other:
                continue
            a_name, b_name = sorted((pm.name, target.name))
            name = rf.relation_name or f"{a_name}To{b_name}"
            if name in prev.m2m:
                continue
            field_on_a = rf if pm.name == a_name else other[0]
            field_on_b = other[0] if field_on_a is rf else rf
            prev.m2m[name] = M2mRelation(field_on_a.name, field_on_b.name, pm.name == target.name, a_name, b_name)
    return prev


def _column_of(pm: PrevModel, field_name: str) -> str:
    for column, f in pm.fields.items():
        if f.name == field_name:
            return column
    return field_name
