"""Describe a MySQL / MariaDB database into the neutral model from ``information_schema``.

Seven queries, whatever the number of tables: the server version, base tables, columns, index
columns (``statistics``), foreign-key columns (``key_column_usage``), their actions
(``referential_constraints``) and, on MariaDB, CHECK constraints (its JSON columns are
``longtext`` + ``CHECK (json_valid(col))``).
"""

from __future__ import annotations

import re
from collections import defaultdict

from schemashift.model import (
    Arity,
    Column,
    ColumnType,
    DbGeneratedDefault,
    Default,
    EnumType,
    Family,
    ForeignKey,
    Index,
    IndexAlgorithm,
    IndexColumn,
    IndexKind,
    LiteralDefault,
    NowDefault,
    PrimaryKey,
    ReferentialAction,
    Schema,
    SortOrder,
    Table,
    Unexpressed,
    UnmanagedIndex,
)

from ..base import Connector, Row
from .literals import NUMBER, split_top_level, typed_literal, unquote_sql_string

# information_schema joins are slow on MariaDB (2 s for 1,000 tables): every view is read on its
# own and joined here.
_TABLES_SQL = """
SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> '_prisma_migrations'
"""
_COLUMNS_SQL = """
SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
       CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = %s
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_INDEXES_SQL = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION, SUB_PART, INDEX_TYPE
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = %s
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""
_FOREIGN_KEYS_SQL = """
SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = %s AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION
"""
_ACTIONS_SQL = """
SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE
FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s
"""
_CHECKS_SQL = """
SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s
"""

#: DATA_TYPE -> (family, Prisma native name, which args)
_TYPES: dict[str, tuple[Family, str, str]] = {
    "int": (Family.INT, "Int", ""),
    "smallint": (Family.INT, "SmallInt", ""),
    "tinyint": (Family.INT, "TinyInt", ""),
    "mediumint": (Family.INT, "MediumInt", ""),
    "bigint": (Family.BIGINT, "BigInt", ""),
    "year": (Family.INT, "Year", ""),
    "decimal": (Family.DECIMAL, "Decimal", "numeric"),
    "float": (Family.FLOAT, "Float", ""),
    "double": (Family.FLOAT, "Double", ""),
    "bit": (Family.BINARY, "Bit", "bits"),
    "char": (Family.STRING, "Char", "length"),
    "varchar": (Family.STRING, "VarChar", "length"),
    "tinytext": (Family.STRING, "TinyText", ""),
    "text": (Family.STRING, "Text", ""),
    "mediumtext": (Family.STRING, "MediumText", ""),
    "longtext": (Family.STRING, "LongText", ""),
    "binary": (Family.BINARY, "Binary", "length"),
    "varbinary": (Family.BINARY, "VarBinary", "length"),
    "tinyblob": (Family.BINARY, "TinyBlob", ""),
    "blob": (Family.BINARY, "Blob", ""),
    "mediumblob": (Family.BINARY, "MediumBlob", ""),
    "longblob": (Family.BINARY, "LongBlob", ""),
    "date": (Family.DATETIME, "Date", ""),
    "time": (Family.DATETIME, "Time", "precision"),
    "datetime": (Family.DATETIME, "DateTime", "precision"),
    "timestamp": (Family.DATETIME, "Timestamp", "precision"),
    "json": (Family.JSON, "Json", ""),
}
_UNSIGNED = {"int", "smallint", "tinyint", "mediumint", "bigint"}
_ACTIONS = {a.value: a for a in ReferentialAction}
_ALGORITHMS = {"HASH": IndexAlgorithm.HASH}
_NOW = re.compile(r"current_timestamp(\(\d*\))?|now\(\d*\)", re.IGNORECASE)
_JSON_CHECK = re.compile(r"json_valid\(`((?:[^`]|``)+)`\)", re.IGNORECASE)


def column_type(table: str, row: Row, json_columns: set[tuple[str, str]]) -> ColumnType:
    _, name, data_type, column_type_text, _, _, _, char_len, num_prec, num_scale, dt_prec = row
    data_type = data_type.lower()
    if data_type == "enum":
        return ColumnType(Family.ENUM, enum=f"{table}_{name}")
    if data_type == "longtext" and (table, name) in json_columns:
        return ColumnType(Family.JSON, "Json")
    if data_type == "tinyint" and column_type_text.lower().startswith("tinyint(1)"):
        return ColumnType(Family.BOOLEAN, "TinyInt")  # Prisma: Boolean @db.TinyInt, no argument
    if data_type == "bit" and num_prec == 1:
        return ColumnType(Family.BOOLEAN, "Bit", (1,))
    known = _TYPES.get(data_type)
    if known is None:
        return ColumnType(Family.UNSUPPORTED, raw=column_type_text)
    family, native, args_kind = known
    if data_type in _UNSIGNED and "unsigned" in column_type_text.lower():
        native = "Unsigned" + native
    args: tuple[int, ...] = ()
    if args_kind == "numeric":
        args = (int(num_prec), int(num_scale))
    elif args_kind == "length":
        args = (int(char_len),)
    elif args_kind == "bits":
        args = (int(num_prec),)
    elif args_kind == "precision":
        args = (int(dt_prec or 0),)
    return ColumnType(family, native, args)


def enum_values(column_type_text: str) -> tuple[str, ...]:
    body = column_type_text[column_type_text.index("(") + 1 : column_type_text.rindex(")")]
    return tuple(unquote_sql_string(v.strip()[1:-1], backslashes=True) for v in split_top_level(body))


def parse_default(raw: str | None, extra: str, ctype: ColumnType, mariadb: bool) -> Default | None:
    """MySQL 8 reports literal defaults unquoted and flags expressions DEFAULT_GENERATED;
    MariaDB quotes string literals, prints expressions bare and ``NULL`` for an explicit NULL.
    Expressions are kept in parentheses, as Prisma's describer and renderer write them."""
    if raw is None:
        return None
    text = raw.strip()
    if _NOW.fullmatch(text) and ctype.family is Family.DATETIME:
        return NowDefault()
    if mariadb:
        if text.upper() == "NULL":
            return None
        m = re.fullmatch(r"'((?:[^'\\]|''|\\.)*)'", text, re.DOTALL)
        if m:
            return _literal(unquote_sql_string(m.group(1), backslashes=True), ctype, quoted=True) or _expression(text)
        if NUMBER.fullmatch(text) or re.fullmatch(r"b'[01]*'", text, re.IGNORECASE):
            # numbers, and bit literals (a Boolean @db.Bit(1) default prints as b'1')
            return _literal(text, ctype, quoted=False) or _expression(text)
        return _expression(text)
    if "DEFAULT_GENERATED" in extra.upper():
        return _expression(text)
    return _literal(text, ctype, quoted=True) or DbGeneratedDefault(text)


def _expression(text: str) -> DbGeneratedDefault:
    return DbGeneratedDefault(text if text.startswith("(") else f"({text})")


def _literal(value: str, ctype: ColumnType, *, quoted: bool) -> LiteralDefault | None:
    numeric = ctype.family in (Family.INT, Family.BIGINT, Family.FLOAT, Family.DECIMAL, Family.BOOLEAN)
    literal = typed_literal(value, ctype.family, quoted=quoted and not numeric)
    return LiteralDefault(literal) if literal is not None else None


def describe_mysql(conn: Connector, database: str) -> Schema:
    mariadb = "mariadb" in conn.server_version().lower()
    json_columns: set[tuple[str, str]] = set()
    if mariadb:
        for table, clause in conn.query(_CHECKS_SQL, (database,)):
            for col in _JSON_CHECK.findall(clause or ""):
                json_columns.add((table, col.replace("``", "`")))

    tables = {name for (name,) in conn.query(_TABLES_SQL, (database,))}
    columns: dict[str, list[Column]] = {}
    enums: list[EnumType] = []
    for row in conn.query(_COLUMNS_SQL, (database,)):
        table, name, _, column_type_text, nullable, default_raw, extra = row[:7]
        if table not in tables:  # a view's column
            continue
        ctype = column_type(table, row, json_columns)
        if ctype.family is Family.ENUM:
            enums.append(EnumType(ctype.enum or "", enum_values(column_type_text)))
        arity = Arity.NULLABLE if nullable == "YES" else Arity.REQUIRED
        autoincrement = "auto_increment" in (extra or "").lower()
        default = None if autoincrement else parse_default(default_raw, extra or "", ctype, mariadb)
        columns.setdefault(table, []).append(Column(name, ctype, arity, default, autoincrement))

    primary: dict[str, PrimaryKey] = {}
    indexes: dict[str, list[Index]] = defaultdict(list)
    grouped: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in conn.query(_INDEXES_SQL, (database,)):
        grouped[(row[0], row[1])].append(row)
    unmanaged: dict[str, list[UnmanagedIndex]] = defaultdict(list)
    for (table, index_name), rows in grouped.items():
        if table not in columns:
            continue
        if any(r[3] is None for r in rows):  # MySQL 8 functional key part (MariaDB has none)
            plain = tuple(r[3] for r in rows if r[3] is not None)
            what = frozenset({Unexpressed.EXPRESSION})
            unmanaged[table].append(UnmanagedIndex(index_name, not int(rows[0][2]), what, plain))
            continue
        cols = tuple(
            IndexColumn(r[3], SortOrder.DESC if r[4] == "D" else None, int(r[5]) if r[5] is not None else None)
            for r in rows
        )
        if index_name == "PRIMARY":
            primary[table] = PrimaryKey(None, cols)
            continue
        non_unique, index_type = int(rows[0][2]), rows[0][6]
        kind = IndexKind.FULLTEXT if index_type == "FULLTEXT" else IndexKind.NORMAL if non_unique else IndexKind.UNIQUE
        indexes[table].append(Index(index_name, cols, kind, _ALGORITHMS.get(index_type)))

    fks: dict[str, list[ForeignKey]] = defaultdict(list)
    fk_rows: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in conn.query(_FOREIGN_KEYS_SQL, (database,)):
        fk_rows[(row[0], row[1])].append(row)
    actions = {(t, name): (on_delete, on_update) for t, name, on_delete, on_update in conn.query(_ACTIONS_SQL, (database,))}
    for (table, name), rows in fk_rows.items():
        if table not in columns:
            continue
        on_delete, on_update = actions.get((table, name), ("NO ACTION", "NO ACTION"))
        fks[table].append(
            ForeignKey(
                name=name,
                columns=tuple(r[2] for r in rows),
                referenced_table=rows[0][3],
                referenced_columns=tuple(r[4] for r in rows),
                on_delete=_ACTIONS.get(on_delete, ReferentialAction.NO_ACTION),
                on_update=_ACTIONS.get(on_update, ReferentialAction.NO_ACTION),
            )
        )

    return Schema(
        tables=tuple(
            Table(
                name,
                tuple(cols),
                primary.get(name),
                tuple(indexes.get(name, ())),
                tuple(fks.get(name, ())),
                unmanaged_indexes=tuple(unmanaged.get(name, ())),
            )
            for name, cols in columns.items()
        ),
        enums=tuple(enums),
        default_namespace=database,
    )
