"""Described database (neutral model) -> PSL text, the way Prisma's introspection renders it.

Follows prisma-engines' ``sql-schema-connector`` introspection: models for tables (Prisma's
migration tables and implicit many-to-many join tables left out), scalar fields for columns,
relation fields for foreign keys in both directions (named by ``relation_names``' rules), list
fields for join tables, then enums. Each block is rendered as Prisma's ``datamodel-renderer``
would write it and the whole text goes through the formatter (``psl.format``), as Prisma runs
``reformat`` on its output.

Re-introspection: a :class:`~schemashift.introspect.previous.Previous` supplies the names,
``@map``s, relation names, documentation, client-side defaults and orders the existing schema
used for the same database objects.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from schemashift.introspect import names
from schemashift.introspect.extras import Extras
from schemashift.introspect.previous import InlineRelation, PrevEnum, PrevField, PrevModel, Previous
from schemashift.introspect.warnings import Warnings
from schemashift.lower.rules import ProviderRules, rules_for
from schemashift.model import (
    BoolLit,
    BytesLit,
    Column,
    DateTimeLit,
    DbGeneratedDefault,
    DecimalLit,
    EnumLit,
    Family,
    FloatLit,
    ForeignKey,
    Index,
    IndexAlgorithm,
    IndexColumn,
    IndexKind,
    IntLit,
    JsonLit,
    ListLit,
    Literal,
    LiteralDefault,
    NowDefault,
    ReferentialAction,
    Schema,
    SequenceOptions,
    SortOrder,
    StrLit,
    Table,
    Unexpressed,
)
from schemashift.psl import constraint_names as default_names

_SCALAR_OF_FAMILY = {
    Family.INT: "Int",
    Family.BIGINT: "BigInt",
    Family.FLOAT: "Float",
    Family.DECIMAL: "Decimal",
    Family.BOOLEAN: "Boolean",
    Family.STRING: "String",
    Family.DATETIME: "DateTime",
    Family.BINARY: "Bytes",
    Family.JSON: "Json",
    Family.UUID: "String",
}
_ACTIONS = {
    ReferentialAction.NO_ACTION: "NoAction",
    ReferentialAction.RESTRICT: "Restrict",
    ReferentialAction.CASCADE: "Cascade",
    ReferentialAction.SET_NULL: "SetNull",
    ReferentialAction.SET_DEFAULT: "SetDefault",
}
_ALGORITHMS = {
    IndexAlgorithm.HASH: "Hash",
    IndexAlgorithm.GIST: "Gist",
    IndexAlgorithm.GIN: "Gin",
    IndexAlgorithm.SPGIST: "SpGist",
    IndexAlgorithm.BRIN: "Brin",
}
#: PostgreSQL operator classes Prisma knows by name (index_field.rs); others are raw("...")
_MANAGED_OPS = {
    "inet_ops": "InetOps",
    "jsonb_ops": "JsonbOps",
    "jsonb_path_ops": "JsonbPathOps",
    "array_ops": "ArrayOps",
    "text_ops": "TextOps",
    "bit_minmax_ops": "BitMinMaxOps",
    "varbit_minmax_ops": "VarBitMinMaxOps",
    "bpchar_bloom_ops": "BpcharBloomOps",
    "bpchar_minmax_ops": "BpcharMinMaxOps",
    "bytea_bloom_ops": "ByteaBloomOps",
    "bytea_minmax_ops": "ByteaMinMaxOps",
    "date_bloom_ops": "DateBloomOps",
    "date_minmax_ops": "DateMinMaxOps",
    "date_minmax_multi_ops": "DateMinMaxMultiOps",
    "float4_bloom_ops": "Float4BloomOps",
    "float4_minmax_ops": "Float4MinMaxOps",
    "float4_minmax_multi_ops": "Float4MinMaxMultiOps",
    "float8_bloom_ops": "Float8BloomOps",
    "float8_minmax_ops": "Float8MinMaxOps",
    "float8_minmax_multi_ops": "Float8MinMaxMultiOps",
    "inet_inclusion_ops": "InetInclusionOps",
    "inet_bloom_ops": "InetBloomOps",
    "inet_minmax_ops": "InetMinMaxOps",
    "inet_minmax_multi_ops": "InetMinMaxMultiOps",
    "int2_bloom_ops": "Int2BloomOps",
    "int2_minmax_ops": "Int2MinMaxOps",
    "int2_minmax_multi_ops": "Int2MinMaxMultiOps",
    "int4_bloom_ops": "Int4BloomOps",
    "int4_minmax_ops": "Int4MinMaxOps",
    "int4_minmax_multi_ops": "Int4MinMaxMultiOps",
    "int8_bloom_ops": "Int8BloomOps",
    "int8_minmax_ops": "Int8MinMaxOps",
    "int8_minmax_multi_ops": "Int8MinMaxMultiOps",
    "numeric_bloom_ops": "NumericBloomOps",
    "numeric_minmax_ops": "NumericMinMaxOps",
    "numeric_minmax_multi_ops": "NumericMinMaxMultiOps",
    "oid_bloom_ops": "OidBloomOps",
    "oid_minmax_ops": "OidMinMaxOps",
    "oid_minmax_multi_ops": "OidMinMaxMultiOps",
    "text_bloom_ops": "TextBloomOps",
    "text_minmax_ops": "TextMinMaxOps",
    "timestamp_bloom_ops": "TimestampBloomOps",
    "timestamp_minmax_ops": "TimestampMinMaxOps",
    "timestamp_minmax_multi_ops": "TimestampMinMaxMultiOps",
    "timestamptz_bloom_ops": "TimestampTzBloomOps",
    "timestamptz_minmax_ops": "TimestampTzMinMaxOps",
    "timestamptz_minmax_multi_ops": "TimestampTzMinMaxMultiOps",
    "time_bloom_ops": "TimeBloomOps",
    "time_minmax_ops": "TimeMinMaxOps",
    "time_minmax_multi_ops": "TimeMinMaxMultiOps",
    "timetz_bloom_ops": "TimeTzBloomOps",
    "timetz_minmax_ops": "TimeTzMinMaxOps",
    "timetz_minmax_multi_ops": "TimeTzMinMaxMultiOps",
    "uuid_bloom_ops": "UuidBloomOps",
    "uuid_minmax_ops": "UuidMinMaxOps",
    "uuid_minmax_multi_ops": "UuidMinMaxMultiOps",
}

_TIME_PRECISION_TYPES = frozenset({"Timestamp", "Timestamptz", "Time", "Timetz"})

DOC_NO_IDENTIFIER = (
    "The underlying table does not contain a valid unique identifier and can therefore currently not be "
    "handled by Prisma Client."
)
DOC_PARTITION = (
    "This table is a partition table and requires additional setup for migrations. "
    "Visit https://pris.ly/d/partition-tables for more info."
)
DOC_SUBCLASS = (
    "This table has subclasses and requires additional setup for migrations. "
    "Visit https://pris.ly/d/table-inheritance for more info."
)
DOC_CHECK = (
    "This table contains check constraints and requires additional setup for migrations. "
    "Visit https://pris.ly/d/check-constraints for more info."
)
DOC_EXCLUSION = (
    "This table contains exclusion constraints and requires additional setup for migrations. "
    "Visit https://pris.ly/d/exclusion-constraints for more info."
)
DOC_COMMENTS = (
    "This model or at least one of its fields has comments in the database, and requires an additional "
    "setup for migrations: Read more: https://pris.ly/d/database-comments"
)
DOC_ENUM_COMMENT = (
    "This enum is commented in the database, and requires an additional setup for migrations: "
    "Read more: https://pris.ly/d/database-comments"
)
DOC_RLS = (
    "This model contains row level security and requires additional setup for migrations. "
    "Visit https://pris.ly/d/row-level-security for more info."
)
DOC_DEFERRING = (
    "This model has constraints using non-default deferring rules and requires additional setup for "
    "migrations. Visit https://pris.ly/d/constraint-deferring for more info."
)
DOC_NULL_ORDER = (
    "This model contains an index with non-default null sort order and requires additional setup for "
    "migrations. Visit https://pris.ly/d/default-index-null-ordering for more info."
)
DOC_EXPRESSION_INDEX = (
    "This model contains an expression index which requires additional setup for migrations. "
    "Visit https://pris.ly/d/expression-indexes for more info."
)
DOC_EMPTY_FIELD = (
    "This field was commented out because of an invalid name. Please provide a valid one that matches "
    "[a-zA-Z][a-zA-Z0-9_]*"
)


# ---------------------------------------------------------------------------- output blocks


@dataclass
class FieldOut:
    name: str
    type: str
    arity: str = ""  # "", "?", "[]"
    attributes: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    commented: bool = False

    def render(self) -> str:
        lines = [f"/// {line}" for d in self.docs for line in d.split("\n")]
        text = " ".join([f"{self.name} {self.type}{self.arity}", *self.attributes])
        lines.append(("// " if self.commented else "") + text)
        return "\n".join(lines)


@dataclass
class ModelOut:
    name: str
    fields: list[FieldOut] = field(default_factory=list)
    block_attributes: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    commented: bool = False
    position: int | None = None
    file: str | None = None  # the existing schema's file it came from; None: new

    def add_doc(self, doc: str) -> None:
        if not any(doc in d for d in self.docs):
            self.docs.append(doc)

    def render(self) -> str:
        c = "// " if self.commented else ""
        lines = [f"/// {line}" for d in self.docs for line in d.split("\n")]
        lines.append(f"{c}model {self.name} {{")
        for f in self.fields:
            lines.extend(c + line for line in f.render().split("\n"))
        lines.extend(c + a for a in self.block_attributes)
        lines.append(f"{c}}}")
        return "\n".join(lines)


@dataclass
class EnumOut:
    name: str
    values: list[tuple[str, str | None, str | None, bool]]  # (name, map, doc, commented)
    block_attributes: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    position: int | None = None
    file: str | None = None  # the existing schema's file it came from; None: new

    def render(self) -> str:
        lines = [f"/// {line}" for d in self.docs for line in d.split("\n")]
        lines.append(f"enum {self.name} {{")
        for name, mapped, doc, commented in self.values:
            if doc:
                lines.extend(f"/// {line}" for line in doc.split("\n"))
            text = name + (f" @map({names.string_literal(mapped)})" if mapped is not None else "")
            lines.append(("// " if commented else "") + text)
        lines.extend(self.block_attributes)
        lines.append("}")
        return "\n".join(lines)


@dataclass
class Introspected:
    models: list[ModelOut]
    enums: list[EnumOut]
    warnings: Warnings
    views: list[str] = field(default_factory=list)  # kept verbatim from the existing schema

    @property
    def is_empty(self) -> bool:
        return not self.models and not self.enums

    view_files: list[str] = field(default_factory=list)  # the file of each view block
    # a partial index was written (`where:`): the generators need the partialIndexes preview feature
    partial_indexes: bool = False

    def render(self, config_blocks: list[str]) -> str:
        parts = [*config_blocks, *(m.render() for m in self.models), *self.views, *(e.render() for e in self.enums)]
        return _layout(parts)

    def render_files(
        self, config_blocks: list[str], config_files: list[str], files: list[str], new_file: str
    ) -> list[tuple[str, str]]:
        """A schema folder, as Prisma 7 writes it back: every block to the file it came from, new
        models and enums to ``new_file`` (``introspected.prisma``); in each file the datasource and
        generators, then models, views and enums. A file left without blocks is written as one
        newline, as Prisma does."""
        order = [*files, *([new_file] if new_file not in files else [])]
        parts: dict[str, list[str]] = {f: [] for f in order}
        for block, f in zip(config_blocks, config_files):
            parts.setdefault(f, []).append(block)
        for m in self.models:
            parts.setdefault(m.file or new_file, []).append(m.render())
        for view, f in zip(self.views, self.view_files):
            parts.setdefault(f, []).append(view)
        for e in self.enums:
            parts.setdefault(e.file or new_file, []).append(e.render())
        out = []
        for f, blocks in parts.items():
            if blocks:
                out.append((f, _layout(blocks)))
            elif f != new_file:
                out.append((f, "\n"))
        return out


def _layout(parts: list[str]) -> str:
    # The formatter's layout without its relation completion (there is nothing to complete:
    # every relation is rendered with both sides), as ``psl.format`` would lay it out.
    from schemashift.psl.formatter.layout import render
    from schemashift.psl.formatter.tree import parse

    text = render(parse("\n\n".join(parts) + "\n"), 2)
    return text if text.endswith("\n") else text + "\n"


# ---------------------------------------------------------------------------- helpers


def _args(args: list[str]) -> str:
    return f"({', '.join(args)})" if args else ""


def is_m2m_join_table(table: Table, tables_by_name: dict[str, Table]) -> bool:
    """Prisma's implicit many-to-many join table (``is_prisma_m_to_n_relation``)."""
    if not names.unqualified(table.name).startswith("_") or len(table.foreign_keys) != 2:
        return False

    def is_a(c: str) -> bool:
        return c.lower() == "a"

    def is_b(c: str) -> bool:
        return c.lower() == "b"

    keys = [ix.column_names for ix in table.indexes if ix.unique]
    if table.primary_key is not None:
        keys.append(table.primary_key.column_names)
    if not any(len(k) == 2 and is_a(k[0]) and is_b(k[1]) for k in keys):
        return False
    if not any(
        len(ix.columns) == 1 and is_b(ix.columns[0].name) and ix.kind is IndexKind.NORMAL for ix in table.indexes
    ):
        return False
    first, second = table.foreign_keys
    if not first.columns or not second.columns:
        return False
    c1, c2 = first.columns[0], second.columns[0]
    t1, t2 = names.unqualified(first.referenced_table), names.unqualified(second.referenced_table)
    return (t1 <= t2 and is_a(c1) and is_b(c2)) or (t2 <= t1 and is_b(c1) and is_a(c2))


def _is_old_migration_table(table: Table) -> bool:
    wanted = {"revision", "name", "datamodel", "status", "applied", "rolled_back", "datamodel_steps",
              "database_migration", "errors", "started_at", "finished_at"}
    return table.name == "_Migration" and wanted <= {c.name for c in table.columns}


def _is_relay_table(table: Table) -> bool:
    return (
        table.name == "_RelayId"
        and table.column("id") is not None
        and any(c.name.lower() == "stablemodelidentifier" for c in table.columns)
    )


def has_usable_identifier(table: Table, indexes: list[Index] | None = None) -> bool:
    """``indexes``: the table's indexes as written (partial unique indexes count, as in Prisma 7)."""
    keys = [ix.columns for ix in (table.indexes if indexes is None else indexes) if ix.unique]
    if table.primary_key is not None:
        keys.append(table.primary_key.columns)
    for key in keys:
        ok = True
        for ic in key:
            col = table.column(ic.name)
            if col is None or col.type.family is Family.UNSUPPORTED or col.arity.value != "required":
                ok = False
                break
        if ok:
            return True
    return False


# ---------------------------------------------------------------------------- the calculation


class _Calculator:
    def __init__(self, schema: Schema, provider: str, previous: Previous, extras: Extras, datasource: str) -> None:
        self.schema = schema
        self.provider = "postgresql" if provider == "postgres" else provider
        self.rules: ProviderRules = rules_for(self.provider)
        self.limit = self.rules.max_identifier_length
        self.prev = previous
        self.extras = extras
        self.ds = datasource
        self.warnings = Warnings()
        self.multi_schema = bool(schema.namespaces)
        if self.multi_schema:
            schema = _qualified(schema)
        tables = sorted(schema.tables, key=lambda t: t.name)
        self.by_name = {t.name: t for t in tables}
        self.join_tables = [t for t in tables if is_m2m_join_table(t, self.by_name)]
        join_names = {t.name for t in self.join_tables}
        self.tables = [
            t
            for t in tables
            if t.name not in join_names and not _is_old_migration_table(t) and not _is_relay_table(t)
        ]
        self.all_tables = tables  # TableId order (the describer's: by name)
        self.table_id = {t.name: i for i, t in enumerate(tables)}
        self.enums = sorted(schema.enums, key=lambda e: e.name)
        self.enums_by_name = {e.name: e for e in self.enums}
        # multi-schema: a name used in several schemas becomes "<schema>_<name>" (and a warning)
        self.duplicated_tables = _duplicated(t.name for t in self.tables)
        self.duplicated_enums = _duplicated(e.name for e in self.enums)
        self.fk_enabled = not previous.relation_mode_prisma
        self.enum_alias: dict[str, PrevEnum] = {}
        self.enum_alias = self._mysql_enum_aliases()
        self.text_enums_used: set[str] = set()
        self._usable_cache: dict[str, bool] = {}
        # Prisma 7's partial indexes (`where:`, preview feature partialIndexes): written when the
        # existing schema follows Prisma 7's rules (no datasource `url`)
        self.partial_indexes = previous.prisma7
        self.wrote_partial_index = False
        self._indexes_cache: dict[str, list[Index]] = {}
        self._raw_predicates = {
            u.name: _raw_predicate(u.definition, u.managed.predicate)
            for t in schema.tables
            for u in t.unmanaged_indexes
            if u.managed is not None and u.managed.predicate is not None and u.definition is not None
        }

    # -- names

    def prev_model(self, table: str) -> PrevModel | None:
        return self.prev.models.get(table)

    def model_name(self, table: str) -> tuple[str, str | None]:
        pm = self.prev_model(table)
        if pm is not None:
            return pm.name, pm.mapped
        return self._new_type_name(table, self.duplicated_tables)

    @staticmethod
    def _new_type_name(key: str, duplicated: set[str]) -> tuple[str, str | None]:
        db_name = names.unqualified(key)
        name, mapped = names.type_name(db_name)
        if db_name in duplicated:
            return f"{names.space_of(key)}_{name}", db_name
        return name, mapped

    @staticmethod
    def _type_name(key: str) -> str:
        """The PSL name generated relation names start from: the table's own, never prefixed."""
        return names.type_name(names.unqualified(key))[0]

    def column_name(self, table: str, column: str) -> tuple[str, str | None]:
        pm = self.prev_model(table)
        if pm is not None and column in pm.fields:
            pf = pm.fields[column]
            return pf.name, pf.mapped
        return names.field_name(column)

    def prev_enum(self, enum: str) -> PrevEnum | None:
        return self.enum_alias.get(enum) or self.prev.enums.get(enum)

    def _mysql_enum_aliases(self) -> dict[str, PrevEnum]:
        """MySQL enums live in columns (``<table>_<column>``): the existing schema's enum of the
        field on that column, when its values are the same (prisma-engines' ``match_enums``)."""
        out: dict[str, PrevEnum] = {}
        if self.provider != "mysql":
            return out
        by_name = {pe.name: pe for pe in self.prev.enums.values()}
        for t in self.tables:
            pm = self.prev_model(t.name)
            if pm is None:
                continue
            for c in t.columns:
                pf = pm.fields.get(c.name)
                if c.type.family is not Family.ENUM or pf is None or pf.enum_type not in by_name:
                    continue
                pe = by_name[pf.enum_type]
                db_enum = self.enums_by_name.get(c.type.enum or "")
                if db_enum is not None and tuple(pe.values) == db_enum.values:
                    out[db_enum.name] = pe
        return out

    def enum_name(self, enum: str) -> tuple[str, str | None]:
        pe = self.prev_enum(enum)
        if pe is not None:
            return pe.name, pe.mapped
        return self._new_type_name(enum, self.duplicated_enums)

    def enum_value_name(self, enum: str, value: str) -> tuple[str, str | None]:
        pe = self.prev_enum(enum)
        if pe is not None and value in pe.values:
            name, mapped, _ = pe.values[value]
            return name, mapped
        if value == "":
            return "EMPTY_ENUM_VALUE", ""
        return names.field_name(value)

    # -- relations

    def foreign_keys(self, t: Table) -> tuple[ForeignKey, ...]:
        """A table's foreign keys in the order Prisma's describer lists them (SQLite: by pragma id,
        the reverse of the declaration order the model keeps)."""
        return tuple(reversed(t.foreign_keys)) if self.provider == "sqlite" else t.foreign_keys

    def compute_relations(self) -> None:
        """Relation names and field names (relation_names.rs), and each table's relation fields."""
        self.duplicated: set[int] = set()
        self.fk_ids: dict[int, tuple[Table, ForeignKey]] = {}
        fk_id = 0
        for t in self.all_tables:
            seen: list[ForeignKey] = []
            for fk in self.foreign_keys(t):
                self.fk_ids[fk_id] = (t, fk)
                if fk.referenced_table not in self.by_name:
                    self.duplicated.add(fk_id)  # outside the described schema: no relation
                elif any(o.columns == fk.columns and o.referenced_columns == fk.referenced_columns for o in seen):
                    self.duplicated.add(fk_id)
                seen.append(fk)
                fk_id += 1
        self.fk_of = {(t.name, id(fk)): i for i, (t, fk) in self.fk_ids.items()}
        ambiguous = self._ambiguous()
        self.inline_names: dict[int, tuple[str, str, str]] = {}
        self.m2m_names: dict[str, tuple[str, str, str]] = {}
        join = {t.name for t in self.join_tables}
        for i, (t, fk) in self.fk_ids.items():
            if t.name in join or i in self.duplicated:
                continue
            self.inline_names[i] = self._inline_name(t, fk, ambiguous)
        for t in self.join_tables:
            self.m2m_names[t.name] = self._m2m_name(t, ambiguous)
        # positions: for every table, the relation fields in Prisma's order
        self.relation_positions: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for t in self.tables:
            for fk in self.foreign_keys(t):
                i = self.fk_of[(t.name, id(fk))]
                if i not in self.inline_names:
                    continue
                self.relation_positions[t.name].append(("forward", i))
                self.relation_positions[fk.referenced_table].append(("back", i))
        self.m2m_positions: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for t in self.join_tables:
            fk_a, fk_b = self._join_fks(t)
            self.m2m_positions[fk_a.referenced_table].append(("forward", t.name))
            self.m2m_positions[fk_b.referenced_table].append(("back", t.name))

    def _join_fks(self, t: Table) -> tuple[ForeignKey, ForeignKey]:
        first, second = t.foreign_keys
        if first.columns and first.columns[0].lower() == "a":
            return first, second
        return second, first

    def _pair(self, a: str, b: str) -> tuple[int, int]:
        x, y = self.table_id[a], self.table_id[b]
        return (x, y) if x <= y else (y, x)

    # Generated relation and relation field names come from the tables' and columns' own (sanitized)
    # names, never from the existing schema's model and field names: Prisma computes them before it
    # matches the existing schema (relation_names.rs runs while its introspection map is empty).

    def _ambiguous(self) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        join = {t.name for t in self.join_tables}
        for t in self.all_tables:
            if t.name in join:
                pair = self._pair(t.foreign_keys[0].referenced_table, t.foreign_keys[1].referenced_table)
                if pair in out:
                    continue
                for model_table in (t.foreign_keys[0].referenced_table, t.foreign_keys[1].referenced_table):
                    for fk in self.by_name[model_table].foreign_keys:
                        if fk.referenced_table in self.by_name and self._pair(model_table, fk.referenced_table) == pair:
                            out.add(pair)
                for other in self.join_tables:
                    if other.name != t.name and self._pair(
                        other.foreign_keys[0].referenced_table, other.foreign_keys[1].referenced_table
                    ) == pair:
                        out.add(pair)
                continue
            for fk in t.foreign_keys:
                if fk.referenced_table not in self.by_name:
                    continue
                pair = self._pair(t.name, fk.referenced_table)
                if pair in out:
                    continue
                ref = self.by_name[fk.referenced_table]
                others = [*t.foreign_keys, *ref.foreign_keys]
                if any(
                    o is not fk
                    and o.columns != fk.columns
                    and o.referenced_table in self.by_name
                    and self._pair(self._owner(o, t, ref), o.referenced_table) == pair
                    for o in others
                ):
                    out.add(pair)
                    continue
                default_field = self._type_name(fk.referenced_table)
                if any(names.field_name(c)[0] == default_field for c in fk.columns):
                    out.add(pair)
        return out

    @staticmethod
    def _owner(fk: ForeignKey, t: Table, ref: Table) -> str:
        return t.name if any(f is fk for f in t.foreign_keys) else ref.name

    def _inline_name(self, t: Table, fk: ForeignKey, ambiguous: set[tuple[int, int]]) -> tuple[str, str, str]:
        is_self = t.name == fk.referenced_table
        referencing = self._type_name(t.name)
        referenced = self._type_name(fk.referenced_table)
        prefix = "other_" if is_self else ""
        if self._pair(t.name, fk.referenced_table) not in ambiguous:
            relation = f"{referencing}To{referenced}" if is_self else ""
            return relation, referenced, f"{prefix}{referencing}"
        cols = "_".join(names.field_name(c)[0] for c in fk.columns)
        relation = f"{referencing}_{cols}To{referenced}"
        return relation, f"{referenced}_{relation}", f"{prefix}{referencing}_{relation}"

    def _m2m_name(self, t: Table, ambiguous: set[tuple[int, int]]) -> tuple[str, str, str]:
        pair = self._pair(t.foreign_keys[0].referenced_table, t.foreign_keys[1].referenced_table)
        first, second = self.all_tables[pair[0]].name, self.all_tables[pair[1]].name
        is_self = pair[0] == pair[1]
        if pair in ambiguous:
            relation, suffix = names.unqualified(t.name)[1:], names.unqualified(t.name)
        else:
            default = f"{self._type_name(first)}To{self._type_name(second)}"
            found = names.unqualified(t.name)[1:]
            relation = "" if found == default and not is_self else found
            suffix = ""
        return (
            relation,
            f"{self._type_name(second)}{suffix}{'_A' if is_self else ''}",
            f"{self._type_name(first)}{suffix}{'_B' if is_self else ''}",
        )

    # -- rendering of a model

    def model(self, t: Table) -> ModelOut:
        pm = self.prev_model(t.name)
        name, mapped = self.model_name(t.name)
        m = ModelOut(name, position=pm.position if pm else None, file=pm.file if pm else None)
        if pm is not None and pm.documentation:
            m.add_doc(pm.documentation)
        if pm is None and names.is_reserved(names.unqualified(t.name)):
            m.add_doc(
                f"This model has been renamed to '{name}' during introspection, because the original name "
                f"'{names.unqualified(t.name)}' is reserved."
            )
        if pm is None and t.name in self.extras.partitioned:
            m.add_doc(DOC_PARTITION)
        if pm is None and t.name in self.extras.inherited:
            m.add_doc(DOC_SUBCLASS)
        checks = self.extras.check_constraints.get(t.name, [])
        if pm is None and checks:
            m.add_doc(DOC_CHECK)
        if pm is None and self.extras.exclusion_constraints.get(t.name):
            m.add_doc(DOC_EXCLUSION)
        ignored_in_psl = pm is not None and pm.ignored
        usable = self._usable(t.name)
        ignored = ignored_in_psl or (not usable and bool(t.columns))
        if not t.columns:
            m.add_doc(
                "We could not retrieve columns for the underlying table. Either it has none or you are missing "
                "rights to see them. Please check your privileges."
                if self.provider == "postgresql"
                else "We could not retrieve columns for the underlying table. You probably have no rights to see "
                "them. Please check your privileges."
            )
            m.commented = True
            self.warnings.add("models_without_columns", f'"{name}"')
        elif not usable and not ignored_in_psl:
            m.add_doc(DOC_NO_IDENTIFIER)
            self.warnings.add("models_without_identifiers", f'"{name}"')
        has_comment = t.name in self.extras.table_comments or any(
            (t.name, c.name) in self.extras.column_comments for c in t.columns
        )
        if pm is None and has_comment:
            m.add_doc(DOC_COMMENTS)
        deferring = self.extras.non_default_deferring.get(t.name, [])
        if pm is None and deferring:
            m.add_doc(DOC_DEFERRING)
        if pm is None and t.name in self.extras.row_level_security:
            m.add_doc(DOC_RLS)
        null_order = self.extras.non_default_null_order.get(t.name, [])
        if null_order:  # also on a model the schema had (Prisma 7 does)
            m.add_doc(DOC_NULL_ORDER)
        expr_indexes, left_out = self._unmanaged_indexes(t)
        if expr_indexes:
            m.add_doc(DOC_EXPRESSION_INDEX)

        # warnings in Prisma's order (warnings/model.rs)
        if pm is not None and pm.id_name and t.primary_key and len(t.primary_key.columns) > 1:
            self.warnings.add("reintrospected_id_names_in_model", f'"{name}"')
        if t.name in self.extras.partitioned:
            self.warnings.add("partition_tables", f'"{name}"')
        if t.name in self.extras.inherited:
            self.warnings.add("inherited_tables", f'"{name}"')
        if t.name in self.extras.row_level_security:
            self.warnings.add("row_level_security_tables", f'"{name}"')
        if pm is not None and pm.mapped:
            self.warnings.add("remapped_models", f'"{name}"')
        if t.name in self.extras.table_comments:
            self.warnings.add("objects_with_comments", f'Type: "model", name: "{name}"')
        for c in checks:
            self.warnings.add("check_constraints", f'Model: "{name}", constraint: "{c}"')
        for c in self.extras.exclusion_constraints.get(t.name, []):
            self.warnings.add("exclusion_constraints", f'Model: "{name}", constraint: "{c}"')
        for ix, col in null_order:
            self.warnings.add("non_default_index_null_sort_order", f'Index: "{ix}", column: "{col}"')
        for c in deferring:
            self.warnings.add("non_default_deferring", f'Model: "{name}", constraint: "{c}"')
        for ix in expr_indexes:
            self.warnings.add("expression_indexes", f'Model: "{name}", constraint: "{ix}"')
        for ix in left_out:
            self.warnings.add("unmanaged_indexes", f'Model: "{name}", index: "{ix}"')

        scalar_fields = [self.scalar_field(t, c, name) for c in t.columns]
        relation_fields = self.relation_fields(t, ignored)
        # re-introspection too: scalar fields in the table's column order, then relation fields in
        # Prisma's order, whatever order the existing schema wrote them in (Prisma 7 does the same)
        m.fields = scalar_fields + relation_fields
        if t.primary_key is not None and len(t.primary_key.columns) > 1:
            m.block_attributes.append(self.compound_id(t, pm))
        m.block_attributes.extend(self.block_indexes(t, pm))
        if mapped is not None:
            m.block_attributes.append(f"@@map({names.string_literal(mapped)})")
        if ignored:
            m.block_attributes.append("@@ignore")
        self._schema_attribute(m.block_attributes, t.name, "model", name, pm is None, self.duplicated_tables)
        return m

    def _schema_attribute(
        self, attributes: list[str], key: str, kind: str, name: str, new: bool, duplicated: set[str]
    ) -> None:
        """Multi-schema: ``@@schema`` last; a new model or enum renamed for a duplicate name warned."""
        space = names.space_of(key)
        if space is None:
            return
        attributes.append(f"@@schema({names.string_literal(space)})")
        if new and names.unqualified(key) in duplicated:
            self.warnings.add("duplicate_names", f'Type: "{kind}", name: "{name}"')

    def scalar_field(self, t: Table, c: Column, model_name: str) -> FieldOut:
        pm = self.prev_model(t.name)
        pf = pm.fields.get(c.name) if pm else None
        name, mapped = self.column_name(t.name, c.name)
        commented = name == ""
        if commented:
            name = c.name
        ftype, unsupported = self.field_type(c)
        enum = self._text_enum(pf, c)
        if enum is not None:
            ftype = enum.name
        arity = "[]" if c.is_list else "?" if c.nullable else ""
        out = FieldOut(name, ftype, arity)
        if pf is not None and pf.documentation:
            out.docs.append(pf.documentation)
        attrs: list[str] = []
        if pf is not None and pf.updated_at:
            attrs.append("@updatedAt")
        unique = self.field_unique(t, c)
        if unique is not None:
            attrs.append(unique)
        pk = t.primary_key
        if pk is not None and len(pk.columns) == 1 and pk.columns[0].name == c.name:
            args = []
            if pk.columns[0].sort is SortOrder.DESC:
                args.append("sort: Desc")
            if pk.columns[0].length is not None:
                args.append(f"length: {pk.columns[0].length}")
            pk_map = names.map_argument(pk.name, default_names.primary_key_name(names.unqualified(t.name), self.limit))
            if pk_map is not None:
                args.append(pk_map)
            attrs.append("@id" + _args(args))
        default = self.default(t, c, pf.client_default if pf else None)
        if default == "autoincrement()" and self.rules.int_primary_key_autoincrements and pf and not pf.has_default:
            default = None  # SQLite: an INTEGER primary key is the rowid either way; keep what was written
        if enum is not None and default is not None and default.startswith('"'):
            default = self._enum_default(enum, c) or default
        if default is not None:
            attrs.append(f"@default({default})")
        if mapped is not None:
            attrs.append(f"@map({names.string_literal(mapped)})")
        native = self.native_type(c)
        if native is not None:
            attrs.append(native)
        if pf is not None and pf.ignored:
            attrs.append("@ignore")
        out.attributes = attrs
        if commented:
            out.docs.append(DOC_EMPTY_FIELD)
            out.commented = True
            self.warnings.add("fields_with_empty_names_in_model", (model_name, name))
        if pf is not None and pf.mapped:
            self.warnings.add("remapped_fields_in_model", f'Model: "{model_name}", field: "{name}"')
        if unsupported is not None:
            self.warnings.add(
                "unsupported_types_in_model",
                f'Model: "{model_name}", field: "{name}", original data type: "{unsupported}"',
            )
        if (t.name, c.name) in self.extras.column_comments:
            self.warnings.add("objects_with_comments", f'Type: "field", name: "{model_name}.{name}"')
        return out

    def _text_enum(self, pf: PrevField | None, c: Column) -> PrevEnum | None:
        """Where enums are plain text columns (SQLite), the existing schema's enum for the field."""
        if pf is None or pf.enum_type is None or self.rules.native_enums or self.rules.inline_enums:
            return None
        if c.type.family is not Family.STRING:
            return None
        enum = next((e for e in self.prev.enums.values() if e.name == pf.enum_type), None)
        if enum is not None:
            self.text_enums_used.add(enum.name)
        return enum

    @staticmethod
    def _enum_default(enum: PrevEnum, c: Column) -> str | None:
        d = c.default
        value = d.value.value if isinstance(d, LiteralDefault) and isinstance(d.value, StrLit) else None
        if value is not None and value in enum.values:
            return enum.values[value][0]
        return None

    def field_type(self, c: Column) -> tuple[str, str | None]:
        """(PSL type, the unsupported type's name or None)."""
        family = c.type.family
        if family is Family.UNSUPPORTED:
            raw = c.type.raw or ""
            if self.provider == "sqlite":
                raw = raw.lower()  # Prisma's SQLite describer lower-cases the declared type
            if c.is_list and self.provider == "postgresql":
                raw = "_" + raw  # Prisma names an array of an unsupported type by its array type (udt_name)
            return f"Unsupported({names.string_literal(raw)})", raw
        if family is Family.ENUM:
            return self.enum_name(c.type.enum or "")[0], None
        return _SCALAR_OF_FAMILY[family], None

    def native_type(self, c: Column) -> str | None:
        if self.provider == "sqlite" or c.type.family in (Family.ENUM, Family.UNSUPPORTED) or c.type.native is None:
            return None
        scalar = _SCALAR_OF_FAMILY[c.type.family]
        default_native, default_args = self.rules.default_types[scalar]
        native, args = c.type.native, c.type.args
        if c.is_list and native in _TIME_PRECISION_TYPES and self.provider == "postgresql":
            args = ()  # Prisma reads no precision for arrays (information_schema has none for them)
        if native == default_native and (args == default_args or (self.provider == "mysql" and scalar == "Boolean")):
            return None
        return f"@{self.ds}.{native}" + _args([str(a) for a in args])

    def field_unique(self, t: Table, c: Column) -> str | None:
        for ix in self._rendered_indexes(t):
            if not (ix.unique and len(ix.columns) == 1 and ix.columns[0].name == c.name):
                continue
            map_arg = names.map_argument(ix.name, default_names.unique_name(names.unqualified(t.name), [c.name], self.limit))
            args = [map_arg] if map_arg is not None else []
            if ix.columns[0].sort is SortOrder.DESC:
                args.append("sort: Desc")
            if ix.columns[0].length is not None:
                args.append(f"length: {ix.columns[0].length}")
            args.extend(self._where(ix))
            return "@unique" + _args(args)
        return None

    def _rendered_indexes(self, t: Table) -> list[Index]:
        """The table's indexes as the schema writes them: with ``where:`` (Prisma 7's partial
        indexes) also those whose predicate is all the schema could not express, in the
        describer's order (PostgreSQL: by name)."""
        cached = self._indexes_cache.get(t.name)
        if cached is not None:
            return cached
        partial = [u.managed for u in t.unmanaged_indexes if u.managed is not None] if self.partial_indexes else []
        merged = [*t.indexes, *partial]
        if partial and self.provider == "postgresql":
            merged.sort(key=lambda ix: ix.name.encode())
        self._indexes_cache[t.name] = merged
        return merged

    def _where(self, ix: Index) -> list[str]:
        """``where: raw("...")`` of a partial index, the predicate as the database prints it
        (PostgreSQL: ``pg_get_expr``, with its parentheses)."""
        if ix.predicate is None:
            return []
        self.wrote_partial_index = True
        return [f"where: raw({names.string_literal(self._raw_predicates.get(ix.name, ix.predicate))})"]

    def compound_id(self, t: Table, pm: PrevModel | None) -> str:
        assert t.primary_key is not None
        args = [self.field_list(t, t.primary_key.columns)]
        if pm is not None and pm.id_name:
            args.append(f"name: {names.string_literal(pm.id_name)}")
        pk_map = names.map_argument(t.primary_key.name, default_names.primary_key_name(names.unqualified(t.name), self.limit))
        if pk_map is not None:
            args.append(pk_map)
        return "@@id" + _args(args)

    def field_list(self, t: Table, columns: tuple[IndexColumn, ...]) -> str:
        items = []
        for ic in columns:
            args = []
            if ic.length is not None:
                args.append(f"length: {ic.length}")
            if ic.sort is SortOrder.DESC:
                args.append("sort: Desc")
            if ic.opclass is not None and self.provider == "postgresql":
                managed = _MANAGED_OPS.get(ic.opclass)
                args.append(f"ops: {managed}" if managed else f"ops: raw({names.string_literal(ic.opclass)})")
            items.append(self.column_name(t.name, ic.name)[0] + _args(args))
        return "[" + ", ".join(items) + "]"

    def _unmanaged_indexes(self, t: Table) -> tuple[list[str], list[str]]:
        """The names of the table's indexes the schema cannot express that Prisma reports as
        expression indexes (PostgreSQL only), and of the others left out of the schema with a
        warning of ours (partial and INCLUDE indexes; Prisma 6.19 leaves them out silently).
        The indexes of EXCLUDE constraints have their own warning."""
        expression: list[str] = []
        left_out: list[str] = []
        for u in t.unmanaged_indexes:
            if u.managed is not None and self.partial_indexes:
                continue  # written with `where:`
            if Unexpressed.EXPRESSION in u.unexpressed:
                if self.provider == "postgresql":
                    expression.append(u.name)
            elif Unexpressed.EXCLUSION not in u.unexpressed:
                left_out.append(u.name)
        return expression, left_out

    def block_indexes(self, t: Table, pm: PrevModel | None) -> list[str]:
        out: list[tuple[int | None, str]] = []
        on_field: set[str] = set()  # columns whose first single-column unique index is their @unique
        for ix in self._rendered_indexes(t):
            if ix.unique and len(ix.columns) == 1 and ix.columns[0].name not in on_field:
                # a second one on the same column is a @@unique (Prisma 7 leaves it out, and the
                # next migration would drop it)
                on_field.add(ix.columns[0].name)
                continue
            if self.provider == "mysql" and _backs_foreign_key(t, ix.name, ix.column_names, ix.kind):
                continue
            prev = next((p for p in pm.indexes if p.constraint == ix.name), None) if pm else None
            col_names = list(ix.column_names)
            default = (
                default_names.unique_name(names.unqualified(t.name), col_names, self.limit)
                if ix.unique
                else default_names.index_name(names.unqualified(t.name), col_names, self.limit)
            )
            args = [self.field_list(t, ix.columns)]
            if prev is not None and prev.name:
                args.append(f"name: {names.string_literal(prev.name)}")
            map_arg = names.map_argument(ix.name, default)
            if map_arg is not None:
                args.append(map_arg)
            if ix.algorithm is not None and self.provider in ("postgresql", "cockroachdb") and ix.algorithm in _ALGORITHMS:
                args.append(f"type: {_ALGORITHMS[ix.algorithm]}")
            args.extend(self._where(ix))
            kind = "unique" if ix.unique else "fulltext" if ix.kind is IndexKind.FULLTEXT else "index"
            out.append((prev.position if prev is not None else None, f"@@{kind}" + _args(args)))
        out.sort(key=lambda p: (p[0] is None, p[0] if p[0] is not None else 0))
        return [text for _, text in out]

    # -- defaults

    def default(self, t: Table, c: Column, client_default: str | None) -> str | None:
        family = c.type.family
        if c.autoincrement and self.rules.sequence_defaults and c.sequence is not None:
            return _sequence_call(c.sequence_options)  # a CockroachDB identity column
        if c.autoincrement and family in (Family.INT, Family.BIGINT):
            return "autoincrement()"
        if c.autoincrement:
            return "autoincrement()"
        d = c.default
        raw = self.extras.raw_defaults.get((t.name, c.name))
        if (
            self.provider == "sqlite"
            and isinstance(d, LiteralDefault)
            and isinstance(d.value, BytesLit)
            and not (raw or "").lstrip("(").lower().startswith("x'")
        ):
            # quoted hex text on a BLOB column is how a schema's Bytes default is written: pull it
            # back as that default (a real x'..' blob literal stays dbgenerated, as Prisma pulls it)
            return self.literal(d.value, c)
        if self.provider == "sqlite" and raw is not None:
            return _sqlite_default(raw, family, client_default)
        if d is None:
            if client_default is not None and family in (Family.STRING, Family.UUID):
                return client_default
            return None
        if isinstance(d, NowDefault):
            return "now()"
        if isinstance(d, DbGeneratedDefault):
            return self._dbgenerated(d.expression)
        if self.provider == "postgresql" and raw is not None and (
            family in (Family.UUID, Family.UNSUPPORTED, Family.DATETIME) or c.type.native == "Uuid"
        ):
            return self._dbgenerated(raw)
        assert isinstance(d, LiteralDefault)
        if family is Family.DATETIME and raw is not None:
            return self._dbgenerated(raw)
        return self.literal(d.value, c)

    @staticmethod
    def _dbgenerated(expr: str | None) -> str:
        if expr is None or not expr.strip("\0"):
            return "dbgenerated()"
        return f"dbgenerated({names.string_literal(expr)})"

    def literal(self, value: Literal, c: Column) -> str:
        if isinstance(value, ListLit):
            return "[" + ", ".join(self.literal(v, c) for v in value.items) + "]"
        if isinstance(value, (StrLit, JsonLit)):
            return names.string_literal(value.value if isinstance(value, StrLit) else value.text)
        if isinstance(value, IntLit):
            return str(value.value)
        if isinstance(value, (FloatLit, DecimalLit)):
            return _number(value.text)
        if isinstance(value, BoolLit):
            return "true" if value.value else "false"
        if isinstance(value, BytesLit):
            return names.string_literal(value.base64)
        if isinstance(value, DateTimeLit):
            return names.string_literal(value.text)
        if isinstance(value, EnumLit):
            name, _ = self.enum_value_name(c.type.enum or "", value.value)
            if name == "":
                return self._dbgenerated(value.value)
            return name
        raise TypeError(value)

    # -- relation fields

    def relation_fields(self, t: Table, model_ignored: bool) -> list[FieldOut]:
        if not self.fk_enabled:
            return self._emulated_relations(t)
        out = []
        for direction, i in self.relation_positions.get(t.name, []):
            out.append(self.inline_field(direction, i))
        for direction, join in self.m2m_positions.get(t.name, []):
            out.append(self.m2m_field(direction, join))
        return out + self._view_relations(t)

    def _view_relations(self, t: Table) -> list[FieldOut]:
        """Relation fields to kept views have no foreign key: copied from the existing schema."""
        pm = self.prev_model(t.name)
        if pm is None or not self.prev.view_names:
            return []
        views = self.prev.view_names
        return [self._copied_field(rf.source, rf.name) for rf in pm.relation_fields if rf.target in views]

    @staticmethod
    def _copied_field(source: str, name: str) -> FieldOut:
        rest = source.strip()[len(name) :].strip()
        ftype, _, attrs = rest.partition(" ")
        return FieldOut(name, ftype, "", [attrs.strip()] if attrs.strip() else [])

    def _emulated_relations(self, t: Table) -> list[FieldOut]:
        pm = self.prev_model(t.name)
        if pm is None:
            return []
        known = {p.name for p in self.prev.models.values() if p.key in self.by_name}
        out = []
        for rf in pm.relation_fields:
            if rf.target not in known:
                continue
            out.append(self._copied_field(rf.source, rf.name))
            self.warnings.add("reintrospected_relations", f'"{rf.target}"')
        return out

    def _usable(self, table: str) -> bool:
        usable = self._usable_cache.get(table)
        if usable is None:
            t = self.by_name[table]
            usable = self._usable_cache[table] = has_usable_identifier(t, self._rendered_indexes(t))
        return usable

    def _is_ignored(self, table: str) -> bool:
        pm = self.prev_model(table)
        t = self.by_name[table]
        return (pm is not None and pm.ignored) or (not self._usable(table) and bool(t.columns))

    def previous_inline(self, t: Table, fk: ForeignKey) -> InlineRelation | None:
        """The existing schema's relation for a foreign key: same referencing columns, and the same
        constraint name when several relations use those columns."""
        candidates = self.prev.inline.get((t.name, fk.columns), [])
        return next((r for r in candidates if r.constraint == fk.name), candidates[0] if candidates else None)

    def inline_field(self, direction: str, i: int) -> FieldOut:
        t, fk = self.fk_ids[i]
        relation, forward_name, back_name = self.inline_names[i]
        previous = self.previous_inline(t, fk)
        if previous is not None and previous.back is not None:
            forward_name, back_name = previous.forward, previous.back
            relation = previous.relation_name or ""
        ref = self.by_name[fk.referenced_table]
        missing_identifiers = not self._usable(t.name) or not self._usable(ref.name)
        if direction == "forward":
            out = FieldOut(forward_name, self.model_name(ref.name)[0])
            constrained = [t.column(c) for c in fk.columns]
            any_optional = any(col is not None and col.arity.value != "required" for col in constrained)
            any_required = any(col is not None and col.arity.value == "required" for col in constrained)
            if any_optional:
                out.arity = "?"
            args = []
            if relation:
                args.append(names.string_literal(relation))
            args.append("fields: [" + ", ".join(self.column_name(t.name, c)[0] for c in fk.columns) + "]")
            references = ", ".join(self.column_name(ref.name, c)[0] for c in fk.referenced_columns)
            args.append(f"references: [{references}]")
            on_delete = _on_delete(any_required, fk.on_delete)
            if on_delete:
                args.append(f"onDelete: {on_delete}")
            if fk.on_update is not ReferentialAction.CASCADE:
                args.append(f"onUpdate: {_ACTIONS[fk.on_update]}")
            if previous is not None and previous.mapped:  # re-introspection keeps what the schema said
                args.append(f"map: {names.string_literal(previous.mapped)}")
            else:
                fk_map = names.map_argument(fk.name, default_names.foreign_key_name(names.unqualified(t.name), fk.columns, self.limit))
                if fk_map is not None:
                    args.append(fk_map)
            out.attributes.append("@relation" + _args(args))
            if missing_identifiers and not self._is_ignored(t.name):
                out.attributes.append("@ignore")
            return out
        out = FieldOut(back_name, self.model_name(t.name)[0])
        unique = _fk_is_unique(t, fk, self._rendered_indexes(t))
        out.arity = "?" if unique else "[]"
        if relation:
            out.attributes.append(f"@relation({names.string_literal(relation)})")
        if missing_identifiers and not self._is_ignored(ref.name):
            out.attributes.append("@ignore")
        return out

    def m2m_field(self, direction: str, join: str) -> FieldOut:
        t = self.by_name[join]
        relation, forward_name, back_name = self.m2m_names[join]
        fk_a, fk_b = self._join_fks(t)
        previous = self.prev.m2m.get(names.unqualified(join)[1:])
        if previous is not None:
            if not previous.self_relation:
                forward_name, back_name = previous.field_a, previous.field_b
            # a relation the existing schema had is written with its name, even where that
            # schema left it implicit (Prisma 7: `@relation("OrderToTag")`)
            relation = names.unqualified(join)[1:]
        if direction == "forward":
            out = FieldOut(forward_name, self.model_name(fk_b.referenced_table)[0], "[]")
        else:
            out = FieldOut(back_name, self.model_name(fk_a.referenced_table)[0], "[]")
        if relation:
            out.attributes.append(f"@relation({names.string_literal(relation)})")
        return out

    # -- enums

    def enum(self, e_name: str) -> EnumOut:
        e = self.enums_by_name[e_name]
        pe = self.prev_enum(e.name)
        name, mapped = self.enum_name(e.name)
        out = EnumOut(name, [], position=pe.position if pe else None, file=pe.file if pe else None)
        if pe is not None and pe.documentation:
            out.docs.append(pe.documentation)
        if mapped is not None:
            out.block_attributes.append(f"@@map({names.string_literal(mapped)})")
        if pe is not None and pe.mapped:
            self.warnings.add("remapped_enums", f'"{name}"')
        if e.name in self.extras.enum_comments:
            if pe is None:
                out.docs.append(DOC_ENUM_COMMENT)
            self.warnings.add("objects_with_comments", f'Type: "enum", name: "{name}"')
        self._schema_attribute(out.block_attributes, e.name, "enum", name, pe is None, self.duplicated_enums)
        for value in e.values:
            vname, vmap = self.enum_value_name(e.name, value)
            doc = pe.values[value][2] if pe is not None and value in pe.values else None
            commented = vname == "" or names.needs_sanitation(vname)
            out.values.append((vname, vmap, doc, commented))
            if commented:
                self.warnings.add("enum_values_with_empty_names", f'Enum: "{name}", value: "{vname}"')
            elif pe is not None and value in pe.values and pe.values[value][1] is not None:
                self.warnings.add("remapped_values", f'Enum: "{name}", value: "{vname}"')
        return out

    def text_enum(self, pe: PrevEnum) -> EnumOut:
        """An enum of the existing schema that text columns use (no database type to read)."""
        out = EnumOut(pe.name, [], position=pe.position, file=pe.file)
        if pe.documentation:
            out.docs.append(pe.documentation)
        if pe.mapped is not None:
            out.block_attributes.append(f"@@map({names.string_literal(pe.mapped)})")
        for name, mapped, doc in pe.values.values():
            out.values.append((name, mapped, doc, False))
        return out

    # -- all

    def _broken_m2m_relations(self) -> None:
        """Prisma's warning for an implicit many-to-many relation of the existing schema whose
        join table's columns no longer follow its models' names: column A must reference the
        model first by name. The pair is named in the existing schema's order."""
        by_name = {pm.name: pm for pm in self.prev.models.values()}
        pairs: set[tuple[str, str]] = set()
        for t in self.join_tables:
            rel = self.prev.m2m.get(names.unqualified(t.name)[1:])
            if rel is None or not rel.model_a:
                continue
            fk_a, fk_b = self._join_fks(t)
            for fk, expected in ((fk_a, rel.model_a), (fk_b, rel.model_b)):
                pm = self.prev_model(fk.referenced_table)
                if pm is None or pm.name == expected:
                    continue
                a, b = by_name.get(rel.model_a), by_name.get(rel.model_b)
                in_order = a is None or b is None or a.position <= b.position
                pairs.add((rel.model_a, rel.model_b) if in_order else (rel.model_b, rel.model_a))
        for pair in sorted(pairs):
            self.warnings.add("broken_m2m_relations", pair)

    def run(self) -> Introspected:
        self.compute_relations()
        used_enums = self.enums
        if self.provider == "mysql":
            used = {c.type.enum for t in self.tables for c in t.columns if c.type.family is Family.ENUM}
            used_enums = [e for e in self.enums if e.name in used]
        enums = [self.enum(e.name) for e in used_enums]
        models = [self.model(t) for t in self.tables]
        self._broken_m2m_relations()
        for pe in self.prev.enums.values():
            if pe.name in self.text_enums_used:
                enums.append(self.text_enum(pe))
        models.sort(key=lambda m: (m.position is None, m.position or 0))
        enums.sort(key=lambda e: (e.position is None, e.position or 0))
        if self.provider == "mysql":
            seen: set[str] = set()
            deduped = []
            for e in enums:
                if e.position is not None and e.name in seen:
                    continue
                seen.add(e.name)
                deduped.append(e)
            enums = deduped
        return Introspected(
            models,
            enums,
            self.warnings,
            list(self.prev.view_blocks),
            list(self.prev.view_files),
            self.wrote_partial_index,
        )


_SQLITE_INT = re.compile(r"^'?(-?\d+)'?$")
_SQLITE_FLOAT = re.compile(r"^'?([^']+)'?$")
_SQLITE_STRING = re.compile(r"^'(.*)'$|^\"(.*)\"$", re.DOTALL)
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _sqlite_default(raw: str, family: Family, client_default: str | None) -> str | None:
    """Prisma's SQLite describer reads ``dflt_value`` as written (sqlite.rs ``push_columns``)."""
    if raw.lower() == "null":
        return None
    generated = f"dbgenerated({names.string_literal(raw)})"
    if family in (Family.INT, Family.BIGINT):
        m = _SQLITE_INT.match(raw)
        return str(int(m.group(1))) if m else generated
    if family in (Family.FLOAT, Family.DECIMAL):
        m = _SQLITE_FLOAT.match(raw)
        return _number(m.group(1)) if m and _DECIMAL.fullmatch(m.group(1)) else generated
    if family is Family.BOOLEAN:
        m = _SQLITE_INT.match(raw)
        if m and int(m.group(1)) in (0, 1):
            return "true" if int(m.group(1)) == 1 else "false"
        if raw.lower() in ("true", "false"):
            return raw.lower()
        return generated
    if family is Family.STRING:
        m = _SQLITE_STRING.match(raw)
        value = (m.group(1) if m.group(1) is not None else m.group(2)) if m else raw
        return names.string_literal(value.replace("''", "'"))
    if family is Family.DATETIME:
        if raw.lower() in ("current_timestamp", "datetime('now')", "datetime('now', 'localtime')"):
            return "now()"
        return generated
    if family is Family.JSON:
        # Prisma reads the JSON text as written; schemashift writes it as a string literal (Prisma's
        # bare JSON breaks on objects and strings), which is read back without its quotes
        m = re.fullmatch(r"'((?:[^']|'')*)'", raw, re.DOTALL)
        return names.string_literal(m.group(1).replace("''", "'") if m else raw)
    return generated


def _backs_foreign_key(t: Table, name: str, columns: tuple[str, ...], kind: IndexKind) -> bool:
    """MySQL creates an index named after a foreign key for its columns when there is none: it is
    the foreign key's, not the schema's (Prisma's lowering never asks for it)."""
    return kind is IndexKind.NORMAL and any(
        fk.name == name and fk.columns == columns for fk in t.foreign_keys
    )


CROSS_SCHEMA_MESSAGE = (
    "The schema of the introspected database was inconsistent: Cross schema references are only allowed when the "
    "target schema is listed in the schemas property of your datasource. `{table}` points to `{target}` in "
    "constraint `{constraint}`. Please add `{space}` to your `schemas` property and run this command again."
)


class InconsistentSchemaError(Exception):
    """Prisma's P4002 (a foreign key into a schema the datasource does not list)."""

    code = "P4002"


def _qualified(schema: Schema) -> Schema:
    """A multi-schema model with every table, enum and reference named by its key
    (:func:`names.qualified`), so that names shared by several schemas stay apart."""
    listed = set(schema.namespaces)
    # Prisma 7.10 names the referencing table with the first schema (in name order), not its own
    first = min(schema.namespaces)

    def column(c: Column) -> Column:
        if c.type.family is not Family.ENUM or c.type.enum is None:
            return c
        return replace(c, type=replace(c.type, enum=names.qualified(c.type.enum_schema, c.type.enum)))

    def foreign_key(t: Table, fk: ForeignKey) -> ForeignKey:
        space = fk.referenced_schema
        if space is not None and space not in listed:
            raise InconsistentSchemaError(CROSS_SCHEMA_MESSAGE.format(
                table=f"{first}.{t.name}", target=f"{space}.{fk.referenced_table}", constraint=fk.name, space=space
            ))
        return replace(fk, referenced_table=names.qualified(space, fk.referenced_table))

    tables = tuple(
        replace(
            t,
            name=names.qualified(t.schema, t.name),
            columns=tuple(column(c) for c in t.columns),
            foreign_keys=tuple(foreign_key(t, fk) for fk in t.foreign_keys),
        )
        for t in sorted(schema.tables, key=lambda t: (t.schema or "", t.name))
    )
    enums = tuple(replace(e, name=names.qualified(e.schema, e.name)) for e in schema.enums)
    return replace(schema, tables=tables, enums=enums)


def _duplicated(keys: Iterable[str]) -> set[str]:
    """The database names that more than one schema uses."""
    counts = Counter(names.unqualified(k) for k in keys)
    return {name for name, n in counts.items() if n > 1}


def _on_delete(any_required: bool, action: ReferentialAction) -> str | None:
    if action is ReferentialAction.SET_NULL and not any_required:
        return None
    if action is ReferentialAction.RESTRICT and any_required:
        return None
    return _ACTIONS[action]


def _raw_predicate(definition: str, predicate: str) -> str:
    """A partial index's predicate as the database prints it: PostgreSQL's ``pg_get_expr`` puts
    parentheses around most of them, which the model's predicate does not keep (``definition``
    ends with ``WHERE (a > 0)`` for the predicate ``a > 0``)."""
    if definition.endswith(f" WHERE ({predicate})"):
        return f"({predicate})"
    return predicate


def _fk_is_unique(t: Table, fk: ForeignKey, indexes: list[Index]) -> bool:
    keys = [ix.column_names for ix in indexes if ix.unique]
    if t.primary_key is not None:
        keys.append(t.primary_key.column_names)
    return any(all(c in fk.columns for c in key) for key in keys)


def _number(text: str) -> str:
    """A float/decimal default as Prisma prints it (BigDecimal's Display of the parsed value)."""
    t = text.strip()
    if t.startswith("+"):
        t = t[1:]
    return t


def calculate(
    schema: Schema,
    provider: str,
    previous: Previous | None = None,
    extras: Extras | None = None,
    datasource_name: str = "db",
) -> Introspected:
    return _Calculator(schema, provider, previous or Previous(), extras or Extras(), datasource_name).run()


def _sequence_call(options: SequenceOptions | None) -> str:
    """``sequence(...)`` with the options that are not Prisma's defaults."""
    default = SequenceOptions()
    o = options or default
    args = [
        f"{name}: {value}"
        for name, value, usual in (
            ("start", o.start, default.start),
            ("increment", o.increment, default.increment),
            ("minValue", o.min_value, default.min_value),
            ("maxValue", o.max_value, default.max_value),
            ("cache", o.cache, default.cache),
        )
        if value != usual
    ]
    return f"sequence({', '.join(args)})"
