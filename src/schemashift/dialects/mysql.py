"""MySQL / MariaDB: capabilities, type-change rules and SQL rendering in Prisma 6's layout.

Written from the rules of prisma-engines' MySQL flavour (``sql_renderer/mysql_renderer.rs``,
``sql_schema_differ_flavour/mysql.rs``, ``sql-ddl/src/mysql.rs``); the expected output is pinned
by the snapshot fixtures in ``tests/engine/fixtures/mysql``.

MySQL specifics the rest of the engine sees through capabilities:

* no transactional DDL; identifiers up to 64 characters; backtick quoting;
* enums are inline column types (``ENUM('A', 'B')``), one per column (``<table>_<column>`` in the
  model, values in ``Schema.enums``); :meth:`MysqlDialect.prepare_schema` copies each enum
  column's values into its ``ColumnType.raw`` so that the steps carry them to the renderer;
* indexes and the primary key are written inside ``CREATE TABLE``; foreign keys follow as
  ``ALTER TABLE ... ADD CONSTRAINT`` steps; a foreign key implies an index, which is never
  dropped on its own;
* foreign keys cannot be renamed (drop + add); indexes are renamed with ``RENAME INDEX``
  (MySQL 8, MariaDB >= 10.5.2), or dropped and recreated by :class:`MariadbDialect`-style
  dialects that set ``can_rename_index = False``;
* column changes are ``MODIFY`` clauses restating the whole column (MySQL cannot ``SET
  DEFAULT`` an expression); a lone default removal is ``ALTER COLUMN ... DROP DEFAULT``;
* a type change that cannot be cast drops and adds the column in one ``ALTER TABLE``; unlike
  Prisma, the indexes on that column are dropped before and created again after (MariaDB rejects
  the statement while an index uses the column: error 1089, MDEV-9672; MySQL bug 57497);
* JSON defaults are ignored by the differ and never rendered (MySQL rejects them), and so are
  literal ``Bytes`` defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

import base64
from dataclasses import replace
from datetime import datetime
from typing import Callable, ClassVar

from schemashift.dialects.scripts import RunMode
from schemashift.psl.constraint_names import MAX_IDENTIFIER_LENGTH
from schemashift.diff import steps as st
from schemashift.dialects.base import Dialect, quoted_identifier, string_literal
from schemashift.dialects.numeric_casts import MysqlNumericCasts, NumericCasts
from schemashift.model import (
    Arity,
    BoolLit,
    BytesLit,
    Column,
    ColumnType,
    DateTimeLit,
    DbGeneratedDefault,
    DecimalLit,
    Default,
    EnumLit,
    EnumType,
    Family,
    FloatLit,
    ForeignKey,
    Index,
    IndexColumn,
    IndexKind,
    IntLit,
    JsonLit,
    ListLit,
    LiteralDefault,
    NowDefault,
    Schema,
    SortOrder,
    StrLit,
    Table,
)

INDENT = "    "
TABLE_OPTIONS = " DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"


def quote(identifier: str) -> str:
    """Backticks, inner ones doubled. Prisma 6.19 writes the name as it is, so a backtick in an
    ``@map`` ends the identifier and the rest of the name runs as SQL."""
    return quoted_identifier(identifier, "`")


def quote_literal(value: str) -> str:
    """A string literal for MySQL's default SQL mode, where a backslash escapes the next
    character: backslashes are doubled, then quotes (Prisma doubles the quotes only, so
    ``'C:\\temp'`` is stored with a tab, and its enum values are not escaped at all). Under
    ``NO_BACKSLASH_ESCAPES`` a doubled backslash would be stored twice: the migration scripts are
    written for the default mode."""
    return string_literal(value.replace("\\", "\\\\"))


# ---------------------------------------------------------------- types

# Prisma native type name -> SQL spelling; sized types get "(n)" appended
_TYPE_SQL = {
    "Int": "INTEGER",
    "SmallInt": "SMALLINT",
    "TinyInt": "TINYINT",
    "MediumInt": "MEDIUMINT",
    "BigInt": "BIGINT",
    "Decimal": "DECIMAL",
    "Float": "FLOAT",
    "Double": "DOUBLE",
    "Bit": "BIT",
    "Char": "CHAR",
    "VarChar": "VARCHAR",
    "Binary": "BINARY",
    "VarBinary": "VARBINARY",
    "TinyBlob": "TINYBLOB",
    "Blob": "BLOB",
    "MediumBlob": "MEDIUMBLOB",
    "LongBlob": "LONGBLOB",
    "TinyText": "TINYTEXT",
    "Text": "TEXT",
    "MediumText": "MEDIUMTEXT",
    "LongText": "LONGTEXT",
    "Date": "DATE",
    "Time": "TIME",
    "DateTime": "DATETIME",
    "Timestamp": "TIMESTAMP",
    "Year": "YEAR",
    "Json": "JSON",
    "UnsignedInt": "INTEGER UNSIGNED",
    "UnsignedSmallInt": "SMALLINT UNSIGNED",
    "UnsignedTinyInt": "TINYINT UNSIGNED",
    "UnsignedMediumInt": "MEDIUMINT UNSIGNED",
    "UnsignedBigInt": "BIGINT UNSIGNED",
}

_TEMPORAL = frozenset({"Time", "DateTime", "Timestamp"})


def enum_type_sql(values: tuple[str, ...]) -> str:
    return "ENUM(" + ", ".join(quote_literal(v) for v in values) + ")"


def render_type(t: ColumnType) -> str:
    if t.family is Family.ENUM:
        return t.raw or "ENUM()"
    if t.family is Family.UNSUPPORTED:
        return t.raw or ""
    native = t.native or ""
    if native == "TinyInt" and t.family is Family.BOOLEAN:
        return "BOOLEAN"
    sql = _TYPE_SQL.get(native, native.upper())
    if native == "Decimal" and len(t.args) == 2:
        return f"{sql}({t.args[0]}, {t.args[1]})"
    if t.args:
        sql += "(" + ",".join(str(a) for a in t.args) + ")"
    return sql


def _normalized_args(native: str, args: tuple[int, ...]) -> tuple[int, ...]:
    """The arguments MySQL assumes when a type is written without them."""
    if not args:
        if native in _TEMPORAL:
            return (0,)
        if native == "Decimal":
            return (10, 0)
    return args


# ---------------------------------------------------------------- type changes (Prisma's table)

SAFE, RISKY, NOT_CASTABLE = st.TypeChange.SAFE_CAST, st.TypeChange.RISKY_CAST, st.TypeChange.NOT_CASTABLE

_TEXTS = ("TinyText", "Text", "MediumText", "LongText")
_BLOBS = ("TinyBlob", "Blob", "MediumBlob", "LongBlob")
_SIZED_STRINGS = ("Char", "VarChar", "Binary", "VarBinary")
_STRINGS = _TEXTS + _BLOBS + _SIZED_STRINGS  # Prisma's "to string" group
_UNSIGNED = ("UnsignedTinyInt", "UnsignedSmallInt", "UnsignedMediumInt", "UnsignedInt", "UnsignedBigInt")

Native = tuple[str, tuple[int, ...]]
Rule = Callable[[tuple[int, ...], tuple[int, ...]], "st.TypeChange | None"]


def _NONE(p: tuple[int, ...], n: tuple[int, ...]) -> None:
    """Same type: no change."""
    return None


def _n(args: tuple[int, ...]) -> int:
    return args[0] if args else 0


def _same_or(if_bigger: st.TypeChange, if_smaller: st.TypeChange) -> Rule:
    """Same type, other size: None when equal, else by the direction of the change."""

    def rule(p: tuple[int, ...], n: tuple[int, ...]) -> st.TypeChange | None:
        if p == n:
            return None
        return if_bigger if n > p else if_smaller

    return rule


class _Table:
    """One row of Prisma's ``native_type_change`` match: a default and the exceptions."""

    def __init__(self, default: st.TypeChange, **groups: object) -> None:
        self.default = default
        self.rules: dict[str, st.TypeChange | Rule] = {}
        for change_name, names in groups.items():
            change = {"safe": SAFE, "risky": RISKY, "nc": NOT_CASTABLE}[change_name]
            for name in names:  # type: ignore[attr-defined]
                self.rules[name] = change

    def with_rules(self, **rules: st.TypeChange | Rule) -> "_Table":
        self.rules.update(rules)
        return self

    def change(self, previous: Native, next: Native) -> st.TypeChange | None:
        rule = self.rules.get(next[0], self.default)
        if isinstance(rule, st.TypeChange):
            return rule
        return rule(previous[1], next[1])


def _string_to_sized(p: tuple[int, ...], n: tuple[int, ...]) -> st.TypeChange:
    return SAFE if _n(n) >= _n(p) else RISKY


def _float_to_sized(p: tuple[int, ...], n: tuple[int, ...]) -> st.TypeChange:
    return RISKY if _n(n) >= 32 else NOT_CASTABLE


def _unsigned_table(safe: tuple[str, ...]) -> _Table:
    return _Table(RISKY, safe=safe, nc=("Decimal", "Date", "DateTime", "Timestamp", "Json"))


def _blob_table(own: str) -> _Table:
    return _Table(
        NOT_CASTABLE,
        safe=tuple(b for b in _BLOBS if b != own),
        risky=("Binary", "Bit", "Char", "VarBinary", "VarChar") + _TEXTS,
    ).with_rules(**{own: _NONE})


def _text_table(own: str, risky_blob_text: tuple[str, ...]) -> _Table:
    candidates = ("Binary", "Bit", "Char", "VarBinary", "VarChar") + _TEXTS + _BLOBS
    safe = tuple(x for x in candidates if x not in risky_blob_text)
    return _Table(RISKY, safe=safe).with_rules(**{own: _NONE})


def _float_table(own: str, other: str, bit_safe: Callable[[int], bool]) -> _Table:
    table = _Table(
        SAFE,
        nc=("Timestamp", "DateTime", "Date"),
    ).with_rules(**{own: _NONE})
    table.rules[other] = SAFE
    table.rules["Bit"] = lambda p, n: SAFE if bit_safe(_n(n)) else NOT_CASTABLE
    for s in _SIZED_STRINGS:
        table.rules[s] = _float_to_sized
    return table


def _datetime_table(own: str) -> _Table:
    table = _Table(
        NOT_CASTABLE,
        safe=_STRINGS
        + ("BigInt", "UnsignedBigInt")
        + tuple(d for d in ("Timestamp", "Time", "Date", "DateTime") if d != own),
    )
    table.rules[own] = _same_or(SAFE, RISKY)
    table.rules["Bit"] = lambda p, n: SAFE if _n(n) == 64 else NOT_CASTABLE
    return table


def _char_table(own: str, twin: str) -> _Table:
    table = _Table(RISKY, safe=_TEXTS + _BLOBS)
    for s in _SIZED_STRINGS:
        table.rules[s] = _string_to_sized
    table.rules[own] = lambda p, n: None if _n(p) == _n(n) else _string_to_sized(p, n)
    table.rules[twin] = lambda p, n: SAFE if _n(p) == _n(n) else _string_to_sized(p, n)
    return table


TYPE_CHANGES: dict[str, _Table] = {
    "BigInt": _Table(
        NOT_CASTABLE,
        safe=("Binary", "Bit", "Char", "Double", "Float", "Time", "VarChar", "VarBinary") + _TEXTS + _BLOBS,
        risky=("Int", "MediumInt", "SmallInt", "TinyInt", "Year") + _UNSIGNED,
    ).with_rules(
        BigInt=_NONE,
        Decimal=lambda p, n: SAFE if len(n) == 2 and n[0] - n[1] >= 20 else NOT_CASTABLE,
    ),
    "Binary": _Table(
        RISKY,
        safe=("Char", "Decimal", "Double", "Float", "MediumInt", "VarBinary", "VarChar") + _TEXTS + _BLOBS,
        nc=("Date", "DateTime", "Json", "Timestamp"),
    ).with_rules(
        Binary=_same_or(SAFE, RISKY),
        Bit=lambda p, n: SAFE if _n(n) >= _n(p) * 8 else RISKY,
    ),
    "Bit": _Table(
        SAFE,
        risky=("Decimal", "Double", "Float"),
        nc=("Date", "DateTime", "Time", "Timestamp", "Json"),
    ).with_rules(
        Bit=_same_or(SAFE, RISKY),
        BigInt=lambda p, n: SAFE if _n(p) == 64 else RISKY,
        UnsignedBigInt=lambda p, n: SAFE if _n(p) == 64 else RISKY,
        Binary=lambda p, n: SAFE if _n(p) >= 8 * _n(n) else NOT_CASTABLE,
    ),
    "Blob": _blob_table("Blob"),
    "TinyBlob": _blob_table("TinyBlob"),
    "MediumBlob": _blob_table("MediumBlob"),
    "LongBlob": _blob_table("LongBlob"),
    "Char": _char_table("Char", "VarChar"),
    "VarChar": _char_table("VarChar", "Char"),
    "Date": _Table(
        SAFE,
        nc=("TinyInt", "UnsignedTinyInt", "Year", "SmallInt", "MediumInt", "Time", "Timestamp", "Json")
        + ("UnsignedMediumInt", "UnsignedSmallInt"),
    ).with_rules(Date=_NONE),
    "DateTime": _datetime_table("DateTime"),
    "Timestamp": _datetime_table("Timestamp"),
    "Decimal": _Table(
        RISKY,
        safe=_STRINGS,
        nc=("DateTime", "Timestamp", "Date"),
    ).with_rules(Decimal=lambda p, n: None if p == n else RISKY),
    "Double": _float_table("Double", "Float", lambda bits: bits == 64),
    "Float": _float_table("Float", "Double", lambda bits: bits >= 32),
    "Int": _Table(
        RISKY,
        safe=("BigInt",) + _STRINGS,
        nc=("Date", "DateTime", "Timestamp", "Time", "Json"),
    ).with_rules(Int=_NONE, Bit=lambda p, n: SAFE if _n(n) >= 32 else RISKY),
    "MediumInt": _Table(
        RISKY,
        safe=("BigInt",) + _STRINGS,
        nc=("Date", "DateTime", "Timestamp", "Time", "Json"),
    ).with_rules(MediumInt=_NONE, Bit=lambda p, n: SAFE if _n(n) >= 32 else RISKY),
    "SmallInt": _Table(
        RISKY,
        safe=("MediumInt", "Int", "BigInt", "Time"),
        nc=("Decimal", "Date", "DateTime", "Timestamp", "Json"),
    ).with_rules(SmallInt=_NONE),
    "TinyInt": _Table(
        RISKY,
        safe=("SmallInt", "MediumInt", "Int", "BigInt", "Time"),
        nc=("Decimal", "Date", "DateTime", "Timestamp", "Json"),
    ).with_rules(TinyInt=_NONE),
    "Json": _Table(NOT_CASTABLE, safe=_STRINGS).with_rules(Json=_NONE),
    "LongText": _text_table("LongText", ("TinyText", "TinyBlob")),
    "MediumText": _text_table("MediumText", ("TinyText", "TinyBlob")),
    "Text": _text_table("Text", ("TinyText", "TinyBlob")),
    "TinyText": _text_table("TinyText", ("TinyBlob",)),
    "Time": _Table(
        SAFE,
        risky=("Date", "DateTime", "Timestamp"),
        nc=("Json", "Year"),
    ).with_rules(Time=lambda p, n: None if p == n else SAFE),
    "UnsignedBigInt": _unsigned_table(()).with_rules(UnsignedBigInt=_NONE),
    "UnsignedInt": _unsigned_table(()).with_rules(UnsignedInt=_NONE),
    "UnsignedMediumInt": _unsigned_table(()).with_rules(UnsignedMediumInt=_NONE),
    "UnsignedSmallInt": _unsigned_table(("UnsignedInt", "UnsignedMediumInt", "UnsignedBigInt")).with_rules(
        UnsignedSmallInt=_NONE
    ),
    "UnsignedTinyInt": _unsigned_table(
        ("UnsignedInt", "UnsignedMediumInt", "UnsignedBigInt", "UnsignedSmallInt")
    ).with_rules(UnsignedTinyInt=_NONE),
    "VarBinary": _Table(
        NOT_CASTABLE,
        safe=("LongBlob", "Blob", "MediumBlob"),
        risky=("Bit", "Char", "LongText", "MediumText", "TinyBlob", "Text", "TinyText", "VarChar"),
    ).with_rules(
        VarBinary=_same_or(SAFE, RISKY),
        Binary=lambda p, n: SAFE if _n(n) > _n(p) else RISKY,
    ),
    "Year": _Table(
        SAFE,
        risky=("Decimal", "Json"),
        nc=("Date", "DateTime", "Time", "TinyInt", "Timestamp", "UnsignedTinyInt"),
    ).with_rules(Year=_NONE),
}


def native_type_change(previous: Native, next: Native) -> st.TypeChange | None:
    """Prisma's MySQL ``native_type_change``, arguments normalised to MySQL's defaults."""
    p = (previous[0], _normalized_args(*previous))
    n = (next[0], _normalized_args(*next))
    table = TYPE_CHANGES.get(p[0])
    if table is None:  # a type Prisma does not know: compare as written
        return None if p == n else RISKY
    return table.change(p, n)


# ---------------------------------------------------------------- defaults


def _rfc3339(text: str) -> str:
    """An RFC 3339 timestamp as chrono's ``to_rfc3339`` prints it."""
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return text
    frac = ""
    if dt.microsecond:
        frac = f".{dt.microsecond // 1000:03d}" if dt.microsecond % 1000 == 0 else f".{dt.microsecond:06d}"
    offset = dt.utcoffset()
    total = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{dt:%Y-%m-%dT%H:%M:%S}{frac}{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"


def render_default(column: Column, default: Default) -> str:
    if isinstance(default, DbGeneratedDefault):
        return default.expression or ""
    if isinstance(default, NowDefault):
        t = column.type
        precision = t.args[0] if t.native in _TEMPORAL and t.args else 3
        return f"CURRENT_TIMESTAMP({precision})"
    value = default.value
    if isinstance(value, (StrLit, EnumLit)):
        return quote_literal(value.value)
    if isinstance(value, DateTimeLit):
        return quote_literal(_rfc3339(value.text)) if column.type.family is Family.DATETIME else value.text
    if isinstance(value, BoolLit):
        return "true" if value.value else "false"
    if isinstance(value, IntLit):
        return str(value.value)
    if isinstance(value, (FloatLit, DecimalLit)):
        return value.text
    if isinstance(value, JsonLit):
        return quote_literal(value.text)
    if isinstance(value, BytesLit):
        try:
            return "0x" + base64.b64decode(value.base64).hex()
        except ValueError:
            return quote_literal(value.base64)
    if isinstance(value, ListLit):  # no scalar lists on MySQL
        return ""
    raise TypeError(f"unknown default {default!r}")


def _renders_default(column: Column) -> bool:
    """Prisma leaves JSON defaults and literal Bytes defaults out of column definitions."""
    d = column.default
    if d is None or (isinstance(d, DbGeneratedDefault) and not d.expression):
        return False
    if column.type.family is Family.JSON:
        return False
    if column.type.family is Family.BINARY and not isinstance(d, DbGeneratedDefault):
        return False
    return True


# ---------------------------------------------------------------- the dialect


class MysqlDialect(Dialect):
    name: ClassVar[str] = "mysql"
    datasource_provider: ClassVar[str] = "mysql"
    numeric_casts: ClassVar[NumericCasts | None] = MysqlNumericCasts()
    text_cast_type: ClassVar[str] = "CHAR(255)"

    supports_transactional_ddl = False
    runs_online_copies = True
    max_identifier_length = MAX_IDENTIFIER_LENGTH["mysql"]  # Prisma's limit, kept in psl/constraint_names.py
    supports_namespaces = False
    has_native_enums = False
    has_inline_enums = True
    has_named_primary_keys = False
    has_named_foreign_keys = True
    supports_scalar_lists = False
    supports_extensions = False
    can_rename_index = True  # MySQL 8 / MariaDB >= 10.5.2: RENAME INDEX
    can_rename_foreign_key = False
    can_alter_primary_keys = False
    foreign_keys_in_create_table = False
    create_indexes_for_created_tables = False  # they are written inside CREATE TABLE
    drop_foreign_keys_of_dropped_tables = True
    foreign_keys_imply_indexes = True
    can_cope_with_fk_column_becoming_required = False
    ignore_json_defaults = True
    # a deliberate departure from Prisma: its DROP COLUMN + ADD COLUMN of an indexed column fails
    drop_indexes_before_column_recreate = True

    def __new__(cls, mariadb: bool = False, **_options: object) -> "MysqlDialect":
        """``get_dialect("mysql", mariadb=True)`` gives the MariaDB flavour (Prisma's
        ``is_mariadb()``: indexes are dropped and recreated rather than renamed)."""
        return super().__new__(MariadbDialect if mariadb and cls is MysqlDialect else cls)

    def __init__(self, mariadb: bool = False, prisma_major: int = 6, **_options: object) -> None:
        self.prisma_major = prisma_major

    def split_statements(self, script: str) -> list[str]:
        from schemashift.dialects.scripts import split_mysql

        return split_mysql(script)

    def script_mode(self, script: str, statements: Sequence[str]) -> tuple[RunMode, str, str]:
        from schemashift.dialects.scripts import controls_transaction_mysql

        if any(controls_transaction_mysql(s) for s in statements):
            return RunMode.AS_WRITTEN, "the script manages its own transaction", ""
        return RunMode.STATEMENTS, "MySQL commits each DDL statement implicitly", ""

    # ---------------------------------------------------------------- differ hooks

    def prepare_schema(self, schema: Schema) -> Schema:
        """Before diffing: copy each inline enum's values into its columns' ``ColumnType.raw``
        (``ENUM('A', 'B')``), so the steps carry what the renderer writes; and leave out literal
        ``Bytes`` defaults, which Prisma never writes on MySQL (so no database can have them)."""
        enums = {e.name: e.values for e in schema.enums}

        def column(c: Column) -> Column:
            t = c.type
            if t.family is Family.ENUM and t.enum in enums:
                return replace(c, type=replace(t, raw=enum_type_sql(enums[t.enum])))
            if t.family is Family.BINARY and isinstance(c.default, LiteralDefault):
                return replace(c, default=None)
            return c

        def special(c: Column) -> bool:
            return c.type.family is Family.ENUM or (
                c.type.family is Family.BINARY and isinstance(c.default, LiteralDefault)
            )

        if not any(special(c) for t in schema.tables for c in t.columns):
            return schema
        tables = tuple(
            replace(t, columns=tuple(column(c) for c in t.columns)) if any(special(c) for c in t.columns) else t
            for t in schema.tables
        )
        return replace(schema, tables=tables)

    def column_type_change(
        self, previous: Column, next: Column, enums: tuple[EnumType | None, EnumType | None] = (None, None)
    ) -> st.TypeChange | None:
        pt, nt = previous.type, next.type
        p_enum = pt.family is Family.ENUM
        n_enum = nt.family is Family.ENUM
        if p_enum and n_enum:
            pv = enums[0].values if enums[0] is not None else _raw_enum_values(pt)
            nv = enums[1].values if enums[1] is not None else _raw_enum_values(nt)
            if pv == nv:
                return None
            return SAFE if all(v in nv for v in pv) else RISKY
        if p_enum or n_enum:
            return RISKY
        if pt.family is Family.UNSUPPORTED or nt.family is Family.UNSUPPORTED or not pt.native or not nt.native:
            return None  # Prisma compares native types only
        return native_type_change((pt.native, pt.args), (nt.native, nt.args))

    # ---------------------------------------------------------------- rendering helpers

    def quote(self, identifier: str) -> str:
        return quote(identifier)

    def quote_literal(self, value: str) -> str:
        return quote_literal(value)

    def identifier_too_long(self, name: str) -> str | None:
        """MySQL counts characters: 64 at most for tables, columns, indexes and constraints."""
        if len(name) <= self.max_identifier_length:
            return None
        return f"it is {len(name)} characters long, and MySQL and MariaDB refuse names of more than {self.max_identifier_length}"

    def render_type(self, column: Column) -> str:
        return render_type(column.type)

    def render_column(self, column: Column) -> str:
        out = f"{quote(column.name)} {render_type(column.type)}"
        out += " NOT NULL" if column.arity is Arity.REQUIRED else " NULL"
        if column.autoincrement:
            out += " AUTO_INCREMENT"
        if _renders_default(column):
            out += f" DEFAULT {render_default(column, column.default)}"  # type: ignore[arg-type]
        return out

    @staticmethod
    def _index_column(c: IndexColumn) -> str:
        out = quote(c.name)
        if c.length is not None:
            out += f"({c.length})"
        if c.sort is SortOrder.DESC:
            out += " DESC"
        return out

    def _index_columns(self, columns: tuple[IndexColumn, ...]) -> str:
        return ", ".join(self._index_column(c) for c in columns)

    @staticmethod
    def _index_kind(index: Index) -> str:
        return {IndexKind.UNIQUE: "UNIQUE ", IndexKind.FULLTEXT: "FULLTEXT "}.get(index.kind, "")

    def render_create_table_sql(self, table: Table) -> str:
        lines = [INDENT + self.render_column(c) for c in table.columns]
        keys = [
            f"{INDENT}{self._index_kind(i)}INDEX {quote(i.name)}({self._index_columns(i.columns)})"
            for i in table.indexes
        ]
        if table.primary_key is not None and table.primary_key.columns:
            keys.append(f"{INDENT}PRIMARY KEY ({self._index_columns(table.primary_key.columns)})")
        body = ",\n".join(lines)
        if keys:
            body += ",\n\n" + ",\n".join(keys)
        return f"CREATE TABLE {quote(table.name)} (\n{body}\n){TABLE_OPTIONS}"

    def render_index(self, table: Table, index: Index) -> str:
        return (
            f"CREATE {self._index_kind(index)}INDEX {quote(index.name)} ON {quote(table.name)}"
            f"({self._index_columns(index.columns)})"
        )

    def render_foreign_key(self, table: Table, fk: ForeignKey) -> str:
        constraint = f"CONSTRAINT {quote(fk.name)} " if fk.name else ""
        cols = ", ".join(quote(c) for c in fk.columns)
        refs = ", ".join(quote(c) for c in fk.referenced_columns)
        return (
            f"ALTER TABLE {quote(table.name)} ADD {constraint}FOREIGN KEY ({cols}) "
            f"REFERENCES {quote(fk.referenced_table)}({refs}) "
            f"ON DELETE {fk.on_delete.value} ON UPDATE {fk.on_update.value}"
        )

    # ---------------------------------------------------------------- steps

    def render_create_table(self, step: st.CreateTable) -> list[str]:
        return [self.render_create_table_sql(step.table)]

    def render_drop_table(self, step: st.DropTable) -> list[str]:
        return [f"DROP TABLE {quote(step.table.name)}"]

    def render_create_index(self, step: st.CreateIndex) -> list[str]:
        return [self.render_index(step.table, step.index)]

    def render_drop_index(self, step: st.DropIndex) -> list[str]:
        return [f"DROP INDEX {quote(step.index.name)} ON {quote(step.table.name)}"]

    def render_rename_index(self, step: st.RenameIndex) -> list[str]:
        return [
            f"ALTER TABLE {quote(step.table.name)} RENAME INDEX {quote(step.previous.name)} TO {quote(step.next.name)}"
        ]

    def render_redefine_index(self, step: st.RedefineIndex) -> list[str]:
        # create first: the old index may back a foreign key until the new one exists
        return [
            self.render_index(step.table, step.next),
            f"DROP INDEX {quote(step.previous.name)} ON {quote(step.table.name)}",
        ]

    def render_add_foreign_key(self, step: st.AddForeignKey) -> list[str]:
        return [self.render_foreign_key(step.table, step.foreign_key)]

    def render_drop_foreign_key(self, step: st.DropForeignKey) -> list[str]:
        return [f"ALTER TABLE {quote(step.table.name)} DROP FOREIGN KEY {quote(step.foreign_key.name or '')}"]

    def render_alter_table(self, step: st.AlterTable) -> list[str]:
        lines: list[str] = []
        for change in step.changes:
            if isinstance(change, st.DropPrimaryKey):
                lines.append("DROP PRIMARY KEY")
            elif isinstance(change, st.AddPrimaryKey):
                lines.append(f"ADD PRIMARY KEY ({self._index_columns(change.primary_key.columns)})")
            elif isinstance(change, st.AddColumn):
                lines.append(f"ADD COLUMN {self.render_column(change.column)}")
            elif isinstance(change, st.DropColumn):
                lines.append(f"DROP COLUMN {quote(change.column.name)}")
            elif isinstance(change, st.AlterColumn):
                lines.append(self._alter_column(change))
            elif isinstance(change, st.DropAndRecreateColumn):
                lines.append(f"DROP COLUMN {quote(change.previous.name)}")
                lines.append(f"ADD COLUMN {self.render_column(change.next)}")
        if not lines:
            return []
        return [f"ALTER TABLE {quote(step.previous.name)} " + f",\n{INDENT}".join(lines)]

    def _alter_column(self, change: st.AlterColumn) -> str:
        p, n = change.previous, change.next
        if change.changes == st.ColumnChange.DEFAULT and n.default is None:
            return f"ALTER COLUMN {quote(p.name)} DROP DEFAULT"
        default = n.default
        # @default(dbgenerated()) keeps the expression the database already has
        if (
            isinstance(p.default, DbGeneratedDefault)
            and p.default.expression
            and isinstance(default, DbGeneratedDefault)
            and not default.expression
        ):
            default = p.default
        out = f"MODIFY {quote(n.name)} {render_type(n.type)}"
        out += " NOT NULL" if n.arity is Arity.REQUIRED else " NULL"
        if default is not None and n.type.family is not Family.JSON:
            rendered = render_default(n, default)
            if rendered:
                out += f" DEFAULT {rendered}"
        if n.autoincrement:
            out += " AUTO_INCREMENT"
        return out


class MariadbDialect(MysqlDialect):
    """MariaDB as Prisma sees it: indexes are dropped and recreated rather than renamed."""

    name: ClassVar[str] = "mariadb"
    can_rename_index = False

    def column_type_change(
        self, previous: Column, next: Column, enums: tuple[EnumType | None, EnumType | None] = (None, None)
    ) -> st.TypeChange | None:
        """On MariaDB, JSON is an alias for LONGTEXT: Prisma sees no change from a LONGTEXT (or,
        without native types, a String) column to a Json one."""
        pt, nt = previous.type, next.type
        if pt.native and nt.native:
            if pt.native == "LongText" and nt.native == "Json":
                return None
        elif pt.family is Family.STRING and nt.family is Family.JSON:
            return None
        return super().column_type_change(previous, next, enums)


def _raw_enum_values(t: ColumnType) -> tuple[str, ...]:
    if not t.raw or "(" not in t.raw:
        return ()
    from schemashift.connectors.describe.literals import split_top_level, unquote_sql_string

    body = t.raw[t.raw.index("(") + 1 : t.raw.rindex(")")]
    return tuple(unquote_sql_string(v.strip()[1:-1], backslashes=True) for v in split_top_level(body) if v.strip())
