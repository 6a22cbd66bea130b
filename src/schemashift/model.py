"""The neutral SQL schema model shared by lowering (PSL -> model) and describing (database -> model).

Everything here is an immutable value: frozen dataclasses holding tuples. Collections keep a
meaningful order (declaration order for a lowered schema, the describer's order for a live one)
and are looked up by name through helper methods. The model knows nothing about SQL text: the
dialects render it, the differ compares it.

Normalisation
=============
The contract between :mod:`schemashift.lower` and ``schemashift.connectors``: **a database created
from a lowered schema must describe to a value equal (``==``) to that lowered schema**, up to the
order of collections (compare with :func:`Schema.normalized`) and the spelling of type arguments
(see column types), so that diffing the two gives no steps. So both sides must spell every fact
the same way:

Names
  Table, column, index, constraint and enum names are the names in the database, exactly (never
  the PSL names when ``@map``/``@@map`` differ). ``Table.schema`` / ``Enum.schema`` hold the
  namespace (PostgreSQL schema) only for a multi-schema setup (``@@schema``); otherwise ``None``
  (the connection's default schema). ``Schema.namespaces`` lists the namespaces a multi-schema
  datasource declares (``schemas = [...]``), empty otherwise.

Column types (:class:`ColumnType`)
  ``family`` is the Prisma scalar family. ``native`` is the dialect's canonical type name:
  PostgreSQL and MySQL use Prisma's native type names (the ``X`` of ``@db.X``): ``"Text"``,
  ``"Integer"``, ``"VarChar"``, ``"Timestamp"``, ``"DoublePrecision"``, ``"JsonB"``, ``"Citext"``,
  ``"UnsignedInt"``...; SQLite uses the declared type in upper case (``"TEXT"``, ``"INTEGER"``,
  ``"DATETIME"``, ``"DECIMAL"``, ``"REAL"``, ``"BLOB"``, ``"BOOLEAN"``, ``"BIGINT"``, ``"JSONB"``).
  ``args`` are the integer type arguments. The lowering keeps them as the schema wrote them
  (``@db.Timestamp`` -> ``()``, ``@db.Timestamp(6)`` -> ``(6,)``; Prisma's implicit default
  ``DateTime`` on PostgreSQL is ``("Timestamp", (3,))``); a describer reports them as the database
  does, every argument spelled out (``timestamp`` -> ``(6,)``). Types are compared through
  :meth:`schemashift.dialects.base.Dialect.column_type_change`, which knows the dialect's default
  arguments (PostgreSQL ``Timestamp`` == ``Timestamp(6)``), so both spellings compare equal. Enum
  columns have ``family=ENUM``, ``native=None`` and ``enum`` = the enum's database name (MySQL's
  inline ``ENUM('a','b')`` columns use ``enum`` = ``"<table>_<column>"`` with the values in
  ``Schema.enums``, as Prisma's describer does). Types Prisma does not model are
  ``family=UNSUPPORTED`` with ``raw`` = the type text as the database formats it (PostgreSQL:
  ``format_type()``, e.g. ``"circle"``, ``"tsvector"``).

Arity
  ``Column.arity`` is REQUIRED (NOT NULL), NULLABLE, or LIST (PostgreSQL arrays; a list column
  is never NOT NULL in Prisma's world, the describer reports any array column as LIST).

Defaults (:data:`Default`)
  * ``autoincrement()`` is ``Column.autoincrement=True`` with ``default=None``; a describer folds a
    ``nextval('<table>_<col>_seq'::regclass)`` default of a serial/identity column into that.
  * ``now()`` is :class:`NowDefault` (``CURRENT_TIMESTAMP``, ``now()``, ``current_timestamp(3)``).
  * literals are :class:`LiteralDefault` holding a typed :data:`Literal`; a describer strips casts
    and quoting (``'foo'::text`` -> ``StrLit("foo")``, ``42`` -> ``IntLit(42)``, ``'A'::"Role"`` ->
    ``EnumLit("A")``, ``ARRAY[1, 2]`` / ``'{1,2}'::integer[]`` -> ``ListLit((IntLit(1), IntLit(2)))``,
    ``'{"a":1}'::jsonb`` -> ``JsonLit('{"a":1}')``, ``true`` -> ``BoolLit(True)``). Numbers that are
    not integers keep their text (``FloatLit("1.5")``, ``DecimalLit("1.50")``) so no float
    rounding enters a comparison.
  * anything else is :class:`DbGeneratedDefault` with the expression text as the database
    prints it (``gen_random_uuid()``); an empty ``@default(dbgenerated())`` is
    ``DbGeneratedDefault(None)``.
  * client-side defaults (``cuid()``, ``uuid()``, ``nanoid()``, ``ulid()``) are no database default;
    the lowering marks such columns ``client_default=True`` (not compared).

Indexes
  Primary keys live in ``Table.primary_key``, every other index (unique, normal, fulltext) in
  ``Table.indexes``. An index column's ``sort`` is ``None`` unless DESC was asked for (ASC is the
  default and is stored as ``None``); ``length`` is MySQL's prefix length; ``opclass`` is the
  PostgreSQL operator class name in SQL spelling (``"jsonb_path_ops"``, ``"inet_ops"``): the lowering
  keeps the one the schema names (Prisma renders it), a describer reports ``None`` for the column
  type's default operator class; :meth:`Dialect.indexes_match` treats a named default class and
  ``None`` as equal. ``algorithm`` is ``None`` for the dialect's default
  (B-tree) and otherwise one of :class:`IndexAlgorithm`.

Unmanaged indexes
  An index the schema language cannot express is never in ``Table.indexes``: a describer puts it
  in ``Table.unmanaged_indexes`` as an :class:`UnmanagedIndex` whose ``unexpressed`` says why
  (:class:`Unexpressed`: a ``WHERE`` predicate, ``INCLUDE`` columns, an expression key part, an
  ``EXCLUDE`` constraint); a lowered schema never has one. Such indexes are typically written by
  hand in a migration (``CREATE UNIQUE INDEX ... WHERE deleted_at IS NULL``). The differ leaves
  them alone: it never creates, drops or alters one and never counts one as drift; an index of
  the other side with the same name is taken for it (a team keeps ``@unique`` in the schema for
  the client and makes the index partial by hand: no step); on SQLite, whose table rebuild loses
  a table's indexes, the rebuild creates them again from their ``definition``. ``Table.unmanaged_indexes`` is not compared (``==`` ignores it).
  Operator classes are not in this list: ``ops: raw("text_pattern_ops")`` expresses any class on
  any index type, so an index using one is an ordinary :class:`Index`.

Primary keys
  ``PrimaryKey.name`` is the constraint name where the dialect names primary keys (PostgreSQL:
  ``<table>_pkey``); ``None`` on SQLite and MySQL (a describer reports ``None``, not ``PRIMARY``).

Foreign keys
  ``on_delete``/``on_update`` are always spelled out (the database default is ``NO_ACTION``).
  ``referenced_schema`` is ``None`` unless the schema is multi-schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from typing import Union

__all__ = [
    "Family",
    "Arity",
    "ColumnType",
    "StrLit",
    "IntLit",
    "FloatLit",
    "DecimalLit",
    "BoolLit",
    "EnumLit",
    "BytesLit",
    "DateTimeLit",
    "JsonLit",
    "ListLit",
    "Literal",
    "LiteralDefault",
    "NowDefault",
    "DbGeneratedDefault",
    "Default",
    "Column",
    "SortOrder",
    "IndexColumn",
    "IndexKind",
    "IndexAlgorithm",
    "Index",
    "Unexpressed",
    "UnmanagedIndex",
    "PrimaryKey",
    "ReferentialAction",
    "ForeignKey",
    "Table",
    "EnumType",
    "Extension",
    "Schema",
]


class Family(Enum):
    """Prisma's scalar families (``ColumnTypeFamily`` in prisma-engines)."""

    INT = "Int"
    BIGINT = "BigInt"
    FLOAT = "Float"
    DECIMAL = "Decimal"
    BOOLEAN = "Boolean"
    STRING = "String"
    DATETIME = "DateTime"
    BINARY = "Bytes"
    JSON = "Json"
    UUID = "Uuid"
    ENUM = "Enum"
    UNSUPPORTED = "Unsupported"


class Arity(Enum):
    REQUIRED = "required"
    NULLABLE = "nullable"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class ColumnType:
    family: Family
    native: str | None = None  # dialect vocabulary, see the module docstring
    args: tuple[int, ...] = ()
    enum: str | None = None  # family ENUM: the enum's database name
    enum_schema: str | None = None  # family ENUM in a multi-schema setup: its namespace
    raw: str | None = None  # family UNSUPPORTED: the type as the database spells it


# ---------------------------------------------------------------- defaults


@dataclass(frozen=True, slots=True)
class StrLit:
    value: str


@dataclass(frozen=True, slots=True)
class IntLit:
    value: int


@dataclass(frozen=True, slots=True)
class FloatLit:
    text: str  # as written, e.g. "1.5", "-3", "1e10"


@dataclass(frozen=True, slots=True)
class DecimalLit:
    text: str


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool


@dataclass(frozen=True, slots=True)
class EnumLit:
    value: str  # the value's database name (after @map)


@dataclass(frozen=True, slots=True)
class BytesLit:
    base64: str  # Prisma writes Bytes defaults as base64 strings


@dataclass(frozen=True, slots=True)
class DateTimeLit:
    text: str  # RFC 3339 as written in the schema


@dataclass(frozen=True, slots=True)
class JsonLit:
    text: str  # the JSON document text


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple["Literal", ...]


Literal = Union[StrLit, IntLit, FloatLit, DecimalLit, BoolLit, EnumLit, BytesLit, DateTimeLit, JsonLit, ListLit]


@dataclass(frozen=True, slots=True)
class LiteralDefault:
    value: Literal


@dataclass(frozen=True, slots=True)
class NowDefault:
    pass


@dataclass(frozen=True, slots=True)
class DbGeneratedDefault:
    expression: str | None  # None: `dbgenerated()` with no argument (the database owns it)


Default = Union[LiteralDefault, NowDefault, DbGeneratedDefault]


@dataclass(frozen=True, slots=True)
class SequenceOptions:
    """A CockroachDB sequence (``sequence(start:, increment:, minValue:, maxValue:, cache:,
    virtual:)``), with the values Prisma gives the arguments left out."""

    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 2**63 - 1
    cache: int = 1
    virtual: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    arity: Arity = Arity.REQUIRED
    default: Default | None = None
    autoincrement: bool = False
    # the sequence behind an autoincrement column when a describer knows it (PostgreSQL
    # ``nextval('"User_id_seq"')``); informative only, never compared
    sequence: str | None = field(default=None, compare=False)
    # the schema gives the column a client-side default (cuid(), uuid(), nanoid()...): the database
    # has none, but Prisma's client fills it; known to the lowering only, never compared
    client_default: bool = field(default=False, compare=False)
    # CockroachDB ``sequence(...)``: the options of the sequence behind the identity column (None:
    # not a ``sequence()`` column); not compared here: a change is its own AlterSequence step
    sequence_options: SequenceOptions | None = field(default=None, compare=False)

    @property
    def nullable(self) -> bool:
        return self.arity is Arity.NULLABLE

    @property
    def is_list(self) -> bool:
        return self.arity is Arity.LIST


# ---------------------------------------------------------------- indexes and constraints


class SortOrder(Enum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class IndexColumn:
    name: str
    sort: SortOrder | None = None  # None = the default (ascending)
    length: int | None = None  # MySQL prefix length
    opclass: str | None = None  # PostgreSQL operator class (SQL spelling); None = the default one


class IndexKind(Enum):
    NORMAL = "normal"
    UNIQUE = "unique"
    FULLTEXT = "fulltext"


class IndexAlgorithm(Enum):
    BTREE = "BTREE"
    HASH = "HASH"
    GIST = "GIST"
    GIN = "GIN"
    SPGIST = "SPGIST"
    BRIN = "BRIN"


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[IndexColumn, ...]
    kind: IndexKind = IndexKind.NORMAL
    algorithm: IndexAlgorithm | None = None  # None = the dialect's default (B-tree)
    # a partial index (Prisma 7's `where:`, preview feature partialIndexes): its condition as SQL,
    # without the parentheses PostgreSQL prints around it; as the schema or the database spells
    # it, so it is compared by Dialect.indexes_match, never by ==
    predicate: str | None = None

    @property
    def unique(self) -> bool:
        return self.kind is IndexKind.UNIQUE

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class Unexpressed(Enum):
    """What about an index the schema language cannot express (see "Unmanaged indexes")."""

    PREDICATE = "predicate"  # a partial index: CREATE INDEX ... WHERE <predicate>
    INCLUDE = "include"  # PostgreSQL non-key columns: CREATE INDEX ... INCLUDE (c)
    EXPRESSION = "expression"  # a key part is an expression: CREATE INDEX ... (lower(email))
    EXCLUSION = "exclusion"  # PostgreSQL: the index of an EXCLUDE constraint


@dataclass(frozen=True, slots=True)
class UnmanagedIndex:
    """An index the schema cannot express: the differ keeps it (see "Unmanaged indexes")."""

    name: str
    unique: bool
    unexpressed: frozenset[Unexpressed]
    # the table columns it uses (key, INCLUDE, predicate and expression columns) as far as the
    # describer can tell, in table order
    columns: tuple[str, ...] = ()
    # the statement that creates it as the database prints it (PostgreSQL ``pg_get_indexdef``,
    # SQLite ``sqlite_master.sql``); None where the database does not keep one (MySQL)
    definition: str | None = None
    # a partial index whose predicate is all the schema cannot express: the same index as an
    # Index with its predicate, which the differ manages when the schema enables Prisma 7's
    # partialIndexes (Schema.partial_indexes)
    managed: Index | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str | None  # constraint name; None where the dialect has no named primary keys (SQLite, MySQL)
    columns: tuple[IndexColumn, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class ReferentialAction(Enum):
    NO_ACTION = "NO ACTION"
    RESTRICT = "RESTRICT"
    CASCADE = "CASCADE"
    SET_NULL = "SET NULL"
    SET_DEFAULT = "SET DEFAULT"


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str | None  # constraint name; None where the database does not keep one (SQLite)
    columns: tuple[str, ...]
    referenced_table: str
    referenced_columns: tuple[str, ...]
    on_delete: ReferentialAction = ReferentialAction.NO_ACTION
    on_update: ReferentialAction = ReferentialAction.NO_ACTION
    referenced_schema: str | None = None


# ---------------------------------------------------------------- tables, enums, schema


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    schema: str | None = None  # namespace in a multi-schema setup
    # indexes the schema cannot express (described only, see "Unmanaged indexes"); never compared
    unmanaged_indexes: tuple[UnmanagedIndex, ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @cached_property
    def _columns_by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def column(self, name: str) -> Column | None:
        return self._columns_by_name.get(name)

    def index(self, name: str) -> Index | None:
        return next((i for i in self.indexes if i.name == name), None)


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    values: tuple[str, ...]  # database names (after @map), in declaration order
    schema: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Extension:
    """A PostgreSQL extension (``postgresqlExtensions`` preview feature)."""

    name: str
    schema: str | None = None
    version: str | None = None
    # ``ALTER EXTENSION ... SET SCHEMA`` works (pg_extension.extrelocatable); a lowered schema
    # cannot know it (False); informative only, never compared
    relocatable: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...] = ()
    enums: tuple[EnumType, ...] = ()
    namespaces: tuple[str, ...] = ()  # multi-schema: the declared namespaces, in declaration order
    extensions: tuple[Extension, ...] = ()
    default_namespace: str | None = field(default=None, compare=False)  # e.g. "public"; informative
    # the schema enables Prisma 7's partialIndexes preview feature: the differ then manages the
    # partial indexes of the other side (UnmanagedIndex.managed) instead of keeping them
    partial_indexes: bool = field(default=False, compare=False)

    @cached_property
    def _tables_by_key(self) -> dict[tuple[str | None, str], Table]:
        return {t.key: t for t in self.tables}

    @cached_property
    def _enums_by_key(self) -> dict[tuple[str | None, str], EnumType]:
        return {e.key: e for e in self.enums}

    def table(self, name: str, schema: str | None = None) -> Table | None:
        return self._tables_by_key.get((schema, name))

    def enum(self, name: str, schema: str | None = None) -> EnumType | None:
        return self._enums_by_key.get((schema, name))

    def normalized(self) -> "Schema":
        """This schema with every collection sorted by name: compare a described schema with it."""

        def table(t: Table) -> Table:
            return replace(
                t,
                columns=tuple(sorted(t.columns, key=lambda c: c.name)),
                indexes=tuple(sorted(t.indexes, key=lambda i: i.name)),
                foreign_keys=tuple(sorted(t.foreign_keys, key=lambda f: (f.name or "", f.columns))),
                unmanaged_indexes=tuple(sorted(t.unmanaged_indexes, key=lambda i: i.name)),
            )

        return Schema(
            tables=tuple(sorted((table(t) for t in self.tables), key=lambda t: (t.schema or "", t.name))),
            enums=tuple(sorted(self.enums, key=lambda e: (e.schema or "", e.name))),
            namespaces=tuple(sorted(self.namespaces)),
            extensions=tuple(sorted(self.extensions, key=lambda x: (x.name, x.schema or ""))),
            default_namespace=self.default_namespace,
        )
