"""Lowering: a validated PSL schema + provider -> the neutral :class:`~schemashift.model.Schema`.

Follows prisma-engines' SQL schema calculator: tables in model order (views are skipped),
columns for scalar fields, the primary key, then indexes in Prisma's order (field ``@unique``s,
``@@index``es, ``@@unique``s, ``@@fulltext``s), foreign keys of inline relations, then the implicit
many-to-many join tables. Default types, enum style and name limits come from
:mod:`schemashift.lower.rules`.

The AST is read directly (attributes are simple to read); the validator is assumed to have
accepted the schema, so malformed input is not re-diagnosed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Sequence

from schemashift.lower.defaults import CLIENT_SIDE, lower_default, sequence_options
from schemashift.lower.rules import SCALAR_FAMILIES, ProviderRules, rules_for
from schemashift.model import (
    Arity,
    Column,
    ColumnType,
    DbGeneratedDefault,
    Default,
    EnumType,
    Extension,
    Family,
    ForeignKey,
    Index,
    IndexAlgorithm,
    IndexColumn,
    IndexKind,
    PrimaryKey,
    ReferentialAction,
    Schema,
    SortOrder,
    Table,
)
from schemashift.psl import ast
from schemashift.psl import constraint_names as names

__all__ = ["lower_schema", "lower_source", "lower_files", "provider_of", "parse_checked", "LoweringError"]


class LoweringError(ValueError):
    """The schema cannot be lowered (invalid input the validator should have reported)."""


def lower_source(source: str, provider: str | None = None) -> Schema:
    return lower_files([("schema.prisma", source)], provider)


def lower_files(files: Sequence[tuple[str, str]], provider: str | None = None) -> Schema:
    return lower_schema(parse_checked(files), provider)


def parse_checked(files: Sequence[tuple[str, str]]) -> ast.SchemaAst:
    """Parse; a schema with syntax errors cannot be lowered."""
    from schemashift.psl import parse_files

    schema_ast, diags = parse_files(files)
    if diags.has_errors():
        raise LoweringError(diags.errors[0].message)
    return schema_ast


def provider_of(schema_ast: ast.SchemaAst) -> str:
    """The datasource provider of a parsed schema."""
    for ds in schema_ast.datasources():
        provider = _string(_property(ds, "provider"))
        if provider:
            return provider
    raise LoweringError("no datasource provider")


# ---------------------------------------------------------------- AST helpers


def _attr(attrs: Sequence[ast.Attribute], name: str) -> ast.Attribute | None:
    return next((a for a in attrs if a.name.name == name), None)


def _attrs(attrs: Sequence[ast.Attribute], name: str) -> list[ast.Attribute]:
    return [a for a in attrs if a.name.name == name]


def _arg(attr: ast.Attribute, name: str | None, position: int = 0) -> ast.Expression | None:
    """A named argument, or (for ``name=None`` or when absent by name) the positional one."""
    positional = [a for a in attr.arguments.arguments if a.name is None]
    if name is not None:
        for a in attr.arguments.arguments:
            if a.name is not None and a.name.name == name:
                return a.value
    if (name is None or position == 0) and len(positional) > position:
        return positional[position].value
    return None


def _named(attr: ast.Attribute, name: str) -> ast.Expression | None:
    for a in attr.arguments.arguments:
        if a.name is not None and a.name.name == name:
            return a.value
    return None


def _string(expr: ast.Expression | None) -> str | None:
    return expr.value if isinstance(expr, ast.StringValue) else None


def _strings(expr: ast.Expression | None) -> list[str]:
    if isinstance(expr, ast.ArrayExpression):
        return [e.value for e in expr.elements if isinstance(e, ast.StringValue)]
    return []


def _property(block: ast.SourceConfig | ast.GeneratorConfig, name: str) -> ast.Expression | None:
    return next((p.value for p in block.properties if p.name.name == name), None)


@dataclass(slots=True)
class _FieldRef:
    """An index/key field argument: ``name``, or ``name(sort: Desc, length: 10, ops: X)``."""

    name: str
    sort: SortOrder | None = None
    length: int | None = None
    opclass: str | None = None


def _field_refs(expr: ast.Expression | None) -> list[_FieldRef]:
    """A list of fields; Prisma also takes a single field without brackets (``fields: id``)."""
    out: list[_FieldRef] = []
    if expr is None:
        return out
    elements = expr.elements if isinstance(expr, ast.ArrayExpression) else [expr]
    for e in elements:
        if isinstance(e, ast.ConstantValue):
            out.append(_FieldRef(e.value))
        elif isinstance(e, ast.FunctionCall):
            ref = _FieldRef(e.name)
            for a in e.arguments.arguments:
                key = a.name.name if a.name else None
                if key == "sort" and isinstance(a.value, ast.ConstantValue):
                    ref.sort = SortOrder.DESC if a.value.value == "Desc" else None
                elif key == "length" and isinstance(a.value, ast.NumericValue):
                    ref.length = int(a.value.value)
                elif key == "ops":
                    ref.opclass = _opclass(a.value)
            out.append(ref)
    return out


def _opclass(expr: ast.Expression) -> str | None:
    if isinstance(expr, ast.FunctionCall) and expr.name == "raw":
        return _string(expr.arguments.arguments[0].value) if expr.arguments.arguments else None
    if isinstance(expr, ast.ConstantValue):
        return _snake(expr.value)
    return None


def _snake(name: str) -> str:
    """``JsonbPathOps`` -> ``jsonb_path_ops``, ``Int4MinMaxMultiOps`` -> ``int4_minmax_multi_ops``."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            out.append("_")
        out.append(ch.lower())
    return "".join(out).replace("min_max", "minmax")


_ALGORITHMS = {
    "BTree": IndexAlgorithm.BTREE,
    "Hash": IndexAlgorithm.HASH,
    "Gist": IndexAlgorithm.GIST,
    "Gin": IndexAlgorithm.GIN,
    "SpGist": IndexAlgorithm.SPGIST,
    "Brin": IndexAlgorithm.BRIN,
}

_REQUIRED, _OPTIONAL = ast.FieldArity.REQUIRED, ast.FieldArity.OPTIONAL
_ARITIES = {
    ast.FieldArity.REQUIRED: Arity.REQUIRED,
    ast.FieldArity.OPTIONAL: Arity.NULLABLE,
    ast.FieldArity.LIST: Arity.LIST,
}

_ACTIONS = {
    "Cascade": ReferentialAction.CASCADE,
    "Restrict": ReferentialAction.RESTRICT,
    "NoAction": ReferentialAction.NO_ACTION,
    "SetNull": ReferentialAction.SET_NULL,
    "SetDefault": ReferentialAction.SET_DEFAULT,
}


# ---------------------------------------------------------------- the lowering


@dataclass(slots=True)
class _Model:
    node: ast.Model
    table: str
    schema: str | None
    columns: list[Column] = field(default_factory=list)
    column_of_field: dict[str, str] = field(default_factory=dict)  # scalar field -> column name
    primary_key: PrimaryKey | None = None
    pk_fields: list[str] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    #: each field with its attributes by name (the first of a name, as ``_attr`` finds it)
    field_attrs: list[tuple[ast.Field, dict[str, ast.Attribute]]] = field(default_factory=list)
    relation_fields: list[tuple[ast.Field, dict[str, ast.Attribute]]] = field(default_factory=list)


_NO_ATTRS: dict[str, ast.Attribute] = {}


def _attrs_by_name(attrs: Sequence[ast.Attribute]) -> dict[str, ast.Attribute]:
    """The first attribute of each name: one pass instead of one scan per attribute asked for."""
    if not attrs:
        return _NO_ATTRS
    out: dict[str, ast.Attribute] = {}
    for a in attrs:
        out.setdefault(a.name.name, a)
    return out


class _Lowering:
    def __init__(self, schema_ast: ast.SchemaAst, provider: str | None) -> None:
        self.ast = schema_ast
        datasources = schema_ast.datasources()
        self.datasource = datasources[0] if datasources else None
        if provider is None:
            provider = provider_of(schema_ast)
        self.rules: ProviderRules = rules_for(provider)
        self.limit = self.rules.max_identifier_length
        self.native_prefix = (self.datasource.name.name if self.datasource else "db") + "."
        self._column_types: dict[tuple[str, tuple[str, tuple[int, ...]] | None], ColumnType] = {}
        self.namespaces: list[str] = (
            _strings(_property(self.datasource, "schemas"))
            if self.datasource and self.rules.supports_namespaces
            else []
        )
        mode = None
        if self.datasource is not None:
            mode = _string(_property(self.datasource, "relationMode")) or _string(
                _property(self.datasource, "referentialIntegrity")
            )
        self.foreign_keys = mode != "prisma"  # relationMode = "prisma": no foreign keys at all
        self.models = {m.name.name: m for m in schema_ast.models() if not m.is_view}
        self.model_and_view_names = {m.name.name for m in schema_ast.models()}
        self.enums = {e.name.name: e for e in schema_ast.enums()}
        self.lowered: dict[str, _Model] = {}
        self.inline_enums: list[EnumType] = []
        self.provider = provider
        self.partial_indexes = "partialIndexes" in self._preview_features()

    # -- names

    def _namespace(self, attrs: Sequence[ast.Attribute]) -> str | None:
        if not self.namespaces:
            return None
        a = _attr(attrs, "schema")
        return _string(_arg(a, None)) if a else None

    def enum_db_name(self, enum: ast.Enum) -> str:
        a = _attr(enum.attributes, "map")
        return (_string(_arg(a, "name")) if a else None) or enum.name.name

    def enum_value_db_name(self, enum: ast.Enum, value: str) -> str:
        for v in enum.values:
            if v.name.name == value:
                a = _attr(v.attributes, "map")
                return (_string(_arg(a, "name")) if a else None) or value
        return value

    def enum_values(self, enum: ast.Enum) -> tuple[str, ...]:
        return tuple(self.enum_value_db_name(enum, v.name.name) for v in enum.values)

    @staticmethod
    def model_db_name(m: ast.Model) -> str:
        a = _attr(m.attributes, "map")
        return (_string(_arg(a, "name")) if a else None) or m.name.name

    # -- run

    def run(self) -> Schema:
        enums = self._enums()
        for model in self.models.values():
            self.lowered[model.name.name] = self._model(model)
        relations = _Relations(self)
        relations.collect()
        if self.foreign_keys:
            for fk_model, fk in relations.foreign_keys:
                self.lowered[fk_model].foreign_keys.append(fk)
        tables = [
            Table(
                name=m.table,
                columns=tuple(m.columns),
                primary_key=m.primary_key,
                indexes=tuple(m.indexes),
                foreign_keys=tuple(m.foreign_keys),
                schema=m.schema,
            )
            for m in self.lowered.values()
        ]
        tables.extend(relations.join_tables())
        return Schema(
            tables=tuple(tables),
            enums=tuple(enums) + tuple(self.inline_enums),
            namespaces=tuple(sorted(self.namespaces)),
            extensions=self._extensions(),
            default_namespace=self.rules.default_namespace,
            partial_indexes=self.partial_indexes,
        )

    def _enums(self) -> list[EnumType]:
        if not self.rules.native_enums:
            return []
        return [
            EnumType(self.enum_db_name(e), self.enum_values(e), self._namespace(e.attributes))
            for e in self.enums.values()
        ]

    def _extensions(self) -> tuple[Extension, ...]:
        if self.datasource is None or not self.rules.supports_namespaces:
            return ()
        if "postgresqlExtensions" not in self._preview_features():
            return ()
        expr = _property(self.datasource, "extensions")
        out: list[Extension] = []
        if expr is not None:
            for e in expr.elements if isinstance(expr, ast.ArrayExpression) else [expr]:
                if isinstance(e, ast.ConstantValue):
                    out.append(Extension(e.value))
                elif isinstance(e, ast.FunctionCall):
                    fake = ast.Attribute(ast.Identifier(e.name, e.span), e.arguments, e.span)
                    out.append(
                        Extension(
                            _string(_named(fake, "map")) or e.name,
                            _string(_named(fake, "schema")),
                            _string(_named(fake, "version")),
                        )
                    )
        return tuple(sorted(out, key=lambda x: x.name))

    def _preview_features(self) -> set[str]:
        out: set[str] = set()
        for g in self.ast.generators():
            out.update(_strings(_property(g, "previewFeatures")))
        return out

    # -- models

    def _model(self, model: ast.Model) -> _Model:
        lm = _Model(model, self.model_db_name(model), self._namespace(model.attributes))
        relation_types = self.model_and_view_names
        for f in model.fields:
            attrs = _attrs_by_name(f.attributes)
            lm.field_attrs.append((f, attrs))
            ftype = f.field_type
            if isinstance(ftype, ast.SupportedFieldType) and ftype.name in relation_types:
                lm.relation_fields.append((f, attrs))
                continue
            column = self._column(lm, f, attrs)
            lm.columns.append(column)
            lm.column_of_field[f.name.name] = column.name
        self._primary_key(lm)
        self._implicit_autoincrement(lm)
        self._indexes(lm)
        return lm

    def _implicit_autoincrement(self, lm: _Model) -> None:
        if not self.rules.int_primary_key_autoincrements or len(lm.pk_fields) != 1:
            return
        field = next((f for f in lm.node.fields if f.name.name == lm.pk_fields[0]), None)
        if field is None or not isinstance(field.field_type, ast.SupportedFieldType) or field.field_type.name != "Int":
            return
        column = lm.column_of_field[field.name.name]
        lm.columns = [replace(c, autoincrement=True) if c.name == column else c for c in lm.columns]

    def _is_relation_field(self, f: ast.Field) -> bool:
        return isinstance(f.field_type, ast.SupportedFieldType) and f.field_type.name in self.model_and_view_names

    def _column(self, lm: _Model, f: ast.Field, attrs: dict[str, ast.Attribute]) -> Column:
        map_attr = attrs.get("map")
        name = (_string(_arg(map_attr, "name")) if map_attr else None) or f.name.name
        fa = f.arity  # identity tests: an Enum key's hash is a Python-level call
        arity = Arity.REQUIRED if fa is _REQUIRED else Arity.NULLABLE if fa is _OPTIONAL else _ARITIES[fa]
        default_attr = attrs.get("default")
        default_expr = _arg(default_attr, "value") if default_attr else None
        ftype = f.field_type
        if isinstance(ftype, ast.UnsupportedFieldType):
            ctype = ColumnType(Family.UNSUPPORTED, raw=ftype.literal)
            scalar = None
        elif ftype.name in self.enums:
            ctype = self._enum_type(lm, f, name)
            scalar = None
        else:
            scalar = ftype.name
            family = SCALAR_FAMILIES.get(scalar)
            if family is None:
                # composite types are stored as JSON on SQL connectors
                family, scalar = Family.JSON, "Json"
            native_type = self._native_type(f) if attrs else None
            key = (scalar, native_type)
            cached = self._column_types.get(key)
            if cached is None:  # column types are immutable values: one object per distinct type
                native, args = native_type or self.rules.default_types[scalar]
                cached = self._column_types[key] = ColumnType(family, native, args)
            ctype = cached
        autoincrement = isinstance(default_expr, ast.FunctionCall) and default_expr.name == "autoincrement"
        sequence_call = (
            default_expr
            if self.rules.sequence_defaults
            and isinstance(default_expr, ast.FunctionCall)
            and default_expr.name == "sequence"
            else None
        )
        default: Default | None = None
        if autoincrement and self.rules.autoincrement_default is not None:
            default = DbGeneratedDefault(self.rules.autoincrement_default)
        elif sequence_call is not None:
            return Column(
                name,
                ctype,
                arity,
                None,
                True,
                sequence=f"prisma_sequence_{lm.table}_{name}",
                sequence_options=sequence_options(sequence_call),
            )
        if default_expr is not None and not autoincrement:
            enum = self.enums.get(ftype.name) if isinstance(ftype, ast.SupportedFieldType) else None
            enum_value = None
            if enum is not None:
                enum_value = partial(self.enum_value_db_name, enum)
            default = lower_default(default_expr, scalar, enum_value)
        sequence = "" if autoincrement and self.rules.autoincrement_is_sequence else None
        client_default = (
            isinstance(default_expr, ast.FunctionCall) and default_expr.name in CLIENT_SIDE and default is None
        )
        return Column(name, ctype, arity, default, autoincrement, sequence=sequence, client_default=client_default)

    def _enum_type(self, lm: _Model, f: ast.Field, column: str) -> ColumnType:
        enum = self.enums[f.field_type.name]  # type: ignore[union-attr]
        if self.rules.native_enums:
            return ColumnType(Family.ENUM, enum=self.enum_db_name(enum), enum_schema=self._namespace(enum.attributes))
        if self.rules.inline_enums:
            inline = f"{lm.table}_{column}"
            self.inline_enums.append(EnumType(inline, self.enum_values(enum)))
            return ColumnType(Family.ENUM, enum=inline)
        native, args = self.rules.default_types["String"]
        return ColumnType(Family.STRING, native, args)

    def _native_type(self, f: ast.Field) -> tuple[str, tuple[int, ...]] | None:
        for a in f.attributes:
            if a.name.name.startswith(self.native_prefix):
                args = tuple(
                    int(x.value.value) for x in a.arguments.arguments if isinstance(x.value, ast.NumericValue)
                )
                return a.name.name[len(self.native_prefix) :], args
        return None

    def _primary_key(self, lm: _Model) -> None:
        refs: list[_FieldRef] = []
        map_name: str | None = None
        for f, attrs in lm.field_attrs:
            a = attrs.get("id")
            if a is not None:
                sort = _named(a, "sort")
                length = _named(a, "length")
                refs = [
                    _FieldRef(
                        f.name.name,
                        SortOrder.DESC if isinstance(sort, ast.ConstantValue) and sort.value == "Desc" else None,
                        int(length.value) if isinstance(length, ast.NumericValue) else None,
                    )
                ]
                map_name = _string(_named(a, "map"))
                break
        else:
            a = _attr(lm.node.attributes, "id")
            if a is None:
                return
            refs = _field_refs(_arg(a, "fields"))
            map_name = _string(_named(a, "map"))
        lm.pk_fields = [r.name for r in refs]
        name = None
        if self.rules.named_primary_keys:
            name = map_name or names.primary_key_name(lm.table, self.limit)
        lm.primary_key = PrimaryKey(name, tuple(self._index_column(lm, r) for r in refs))

    def _index_column(self, lm: _Model, ref: _FieldRef) -> IndexColumn:
        return IndexColumn(lm.column_of_field.get(ref.name, ref.name), ref.sort, ref.length, ref.opclass)

    def _indexes(self, lm: _Model) -> None:
        for f, attrs in lm.field_attrs:
            a = attrs.get("unique")
            if a is None or self._is_relation_field(f):
                continue
            sort = _named(a, "sort")
            length = _named(a, "length")
            ref = _FieldRef(
                f.name.name,
                SortOrder.DESC if isinstance(sort, ast.ConstantValue) and sort.value == "Desc" else None,
                int(length.value) if isinstance(length, ast.NumericValue) else None,
            )
            lm.indexes.append(self._index(lm, [ref], IndexKind.UNIQUE, a))
        block_kinds = ((IndexKind.NORMAL, "index"), (IndexKind.UNIQUE, "unique"), (IndexKind.FULLTEXT, "fulltext"))
        for kind, attr_name in block_kinds:
            for a in _attrs(lm.node.attributes, attr_name):
                lm.indexes.append(self._index(lm, _field_refs(_arg(a, "fields")), kind, a))

    def _index(self, lm: _Model, refs: list[_FieldRef], kind: IndexKind, a: ast.Attribute) -> Index:
        columns = tuple(self._index_column(lm, r) for r in refs)
        name = _string(_named(a, "map"))
        if name is None and kind is IndexKind.NORMAL:
            name = _string(_named(a, "name"))
        if name is None:
            col_names = [c.name for c in columns]
            name = (
                names.unique_name(lm.table, col_names, self.limit)
                if kind is IndexKind.UNIQUE
                else names.index_name(lm.table, col_names, self.limit)
            )
        algo = _named(a, "type")
        algorithm = _ALGORITHMS.get(algo.value) if isinstance(algo, ast.ConstantValue) else None
        where = _named(a, "where") if self.partial_indexes else None
        return Index(name, columns, kind, algorithm, self._predicate(lm, where) if where is not None else None)

    def _predicate(self, lm: _Model, where: ast.Expression) -> str | None:
        """A partial index's ``where:`` (Prisma 7) as SQL: ``raw("...")`` as written; an object
        ``{ a: null, b: { not: "x" }, c: true }`` as Prisma 7 writes it, conditions joined by
        AND (``"a" IS NULL AND "b" != 'x' AND "c" = true``)."""
        if isinstance(where, ast.FunctionCall):
            text = _string(where.arguments.arguments[0].value) if where.arguments.arguments else None
            return text
        if not isinstance(where, ast.ObjectExpression):
            return None
        from schemashift.dialects import get_dialect

        dialect = get_dialect(self.provider)
        conditions: list[str] = []
        for member in where.members:
            column = dialect.quote(lm.column_of_field.get(member.key.name, member.key.name))
            value, negated = member.value, False
            if isinstance(value, ast.ObjectExpression) and value.members:
                value, negated = value.members[0].value, True
            if isinstance(value, ast.ConstantValue) and value.value == "null":
                conditions.append(f"{column} IS NOT NULL" if negated else f"{column} IS NULL")
                continue
            if isinstance(value, ast.StringValue):
                literal = dialect.quote_literal(value.value)
            elif isinstance(value, (ast.NumericValue, ast.ConstantValue)):
                literal = value.value  # a number as written, true or false
            else:
                continue
            conditions.append(f"{column} {'!=' if negated else '='} {literal}")
        return " AND ".join(conditions)


class _Relations:
    """Pairs relation fields into relations; emits foreign keys and join tables in Prisma's order."""

    def __init__(self, low: _Lowering) -> None:
        self.low = low
        self.foreign_keys: list[tuple[str, ForeignKey]] = []
        self.m2m: list[tuple[str, str, str]] = []  # (relation name, model A, model B)

    @staticmethod
    def _relation_name(attrs: dict[str, ast.Attribute]) -> str | None:
        a = attrs.get("relation")
        return _string(_arg(a, "name")) if a else None

    def collect(self) -> None:
        low = self.low
        seen_m2m: set[tuple[str, str, str]] = set()
        for model in low.models.values():
            for f, attrs in low.lowered[model.name.name].relation_fields:
                target = f.field_type.name  # type: ignore[union-attr]
                if target not in low.models:
                    continue  # relations to views have no foreign key
                rel = attrs.get("relation")
                fields = _field_refs(_named(rel, "fields")) if rel else []
                if fields:
                    self._inline(model, f, target, rel, fields)  # type: ignore[arg-type]
                elif f.arity is ast.FieldArity.LIST and self._other_side_is_list(model, f, attrs, target):
                    a, b = sorted((model.name.name, target))
                    name = self._relation_name(attrs) or f"{a}To{b}"
                    key = (name, a, b)
                    if key not in seen_m2m:
                        seen_m2m.add(key)
                        self.m2m.append(key)

    def _other_side_is_list(self, model: ast.Model, f: ast.Field, attrs: dict[str, ast.Attribute], target: str) -> bool:
        name = self._relation_name(attrs)
        for g, g_attrs in self.low.lowered[target].relation_fields:
            if g is f:
                continue
            if g.field_type.name != model.name.name:  # type: ignore[union-attr]
                continue
            if self._relation_name(g_attrs) == name:
                return g.arity is ast.FieldArity.LIST
        return False

    def _inline(self, model: ast.Model, f: ast.Field, target: str, rel: ast.Attribute, fields: list[_FieldRef]) -> None:
        low = self.low
        lm = low.lowered[model.name.name]
        tm = low.lowered[target]
        columns = tuple(lm.column_of_field.get(r.name, r.name) for r in fields)
        referenced = tuple(tm.column_of_field.get(r.name, r.name) for r in _field_refs(_named(rel, "references")))
        on_delete = _named(rel, "onDelete")
        on_update = _named(rel, "onUpdate")
        # Prisma's "referential arity": required when the relation field or any of its scalar
        # fields is required
        scalar_names = {r.name for r in fields}
        required = f.arity is ast.FieldArity.REQUIRED or any(
            g.arity is ast.FieldArity.REQUIRED and g.name.name in scalar_names for g in model.fields
        )
        default_delete = ReferentialAction.RESTRICT if required else ReferentialAction.SET_NULL
        name = _string(_named(rel, "map")) or names.foreign_key_name(lm.table, columns, low.limit)
        fk = ForeignKey(
            name,
            columns,
            tm.table,
            referenced,
            _ACTIONS.get(on_delete.value, default_delete)
            if isinstance(on_delete, ast.ConstantValue)
            else default_delete,
            _ACTIONS.get(on_update.value, ReferentialAction.CASCADE)
            if isinstance(on_update, ast.ConstantValue)
            else ReferentialAction.CASCADE,
            tm.schema,
        )
        self.foreign_keys.append((model.name.name, fk))

    def join_tables(self) -> list[Table]:
        low = self.low
        out: list[Table] = []
        for rel_name, a, b in self.m2m:
            ma, mb = low.lowered[a], low.lowered[b]
            n = names.join_table_names(rel_name, low.limit)
            col_a = Column("A", self._id_type(ma))
            col_b = Column("B", self._id_type(mb))
            ab = (IndexColumn("A"), IndexColumn("B"))
            if low.rules.m2m_primary_key:
                pk: PrimaryKey | None = PrimaryKey(n.primary_key, ab)
                indexes: tuple[Index, ...] = ()
            else:
                pk, indexes = None, (Index(n.unique, ab, IndexKind.UNIQUE),)
            indexes += (Index(n.b_index, (IndexColumn("B"),)),)
            cascade = ReferentialAction.CASCADE
            fks = (
                (
                    ForeignKey(n.a_foreign_key, ("A",), ma.table, (self._id_column(ma),), cascade, cascade, ma.schema),
                    ForeignKey(n.b_foreign_key, ("B",), mb.table, (self._id_column(mb),), cascade, cascade, mb.schema),
                )
                if low.foreign_keys
                else ()
            )
            out.append(Table(n.table, (col_a, col_b), pk, indexes, fks, ma.schema))
        return out

    @staticmethod
    def _id_column(lm: _Model) -> str:
        if lm.primary_key is None:
            raise LoweringError(f"model {lm.node.name.name} in a many-to-many relation has no id")
        return lm.primary_key.columns[0].name

    def _id_type(self, lm: _Model) -> ColumnType:
        name = self._id_column(lm)
        return next(c.type for c in lm.columns if c.name == name)


def lower_schema(schema_ast: ast.SchemaAst, provider: str | None = None) -> Schema:
    """Lower a parsed (and validated) schema; ``provider`` defaults to the datasource's."""
    return _Lowering(schema_ast, provider).run()
