"""Describe a SQLite database into the neutral model.

Three queries, whatever the number of tables: ``sqlite_master`` joined with the table-valued
pragma functions (``pragma_table_info``, ``pragma_index_list`` + ``pragma_index_xinfo``,
``pragma_foreign_key_list``). Types, defaults and autoincrement are read the way Prisma's SQLite
describer reads them (any single ``INTEGER`` primary key is autoincrement; a String default
is a literal unless it is an expression, which, like any other, is a ``DbGeneratedDefault``
in the parentheses SQLite needed; quoted hex on a BLOB column is a Bytes literal).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from schemashift.model import (
    Arity,
    Column,
    ColumnType,
    DbGeneratedDefault,
    Default,
    Family,
    ForeignKey,
    Index,
    IndexColumn,
    IndexKind,
    JsonLit,
    LiteralDefault,
    NowDefault,
    PrimaryKey,
    ReferentialAction,
    Schema,
    SortOrder,
    StrLit,
    Table,
    Unexpressed,
    UnmanagedIndex,
)

from ..base import Connector, Row
from .literals import NUMBER, hex_bytes_literal, typed_literal, unquote_sql_string

_TABLES = (
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_prisma_migrations'"
)

_COLUMNS_SQL = f"""
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE {_TABLES} ORDER BY m.name, p.cid
"""
_INDEXES_SQL = f"""
SELECT m.name, il.name, il."unique", il.origin, x.cid, x.name, x."desc", il.partial, im.sql
FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) x
LEFT JOIN sqlite_master im ON im.type = 'index' AND im.name = il.name
WHERE {_TABLES} AND x.key = 1 ORDER BY m.name, il.name, x.seqno
"""
#: a string literal (skipped) or an identifier, bare or quoted the ways SQLite takes
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"((?:[^\"]|\"\")*)\"|`((?:[^`]|``)*)`|\[([^\]]*)\]|([A-Za-z_][\w$]*)")
#: what a statement's WHERE is found among: literals and quoted identifiers (skipped), parentheses, words
_WORDS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\[[^\]]*\]|[()]|[A-Za-z_][\w$]*")
_FOREIGN_KEYS_SQL = f"""
SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
WHERE {_TABLES} ORDER BY m.name, f.id, f.seq
"""

#: declared base type (upper case) -> family, as Prisma's SQLite describer reads declared types
_FAMILIES = {
    "INTEGER": Family.INT,
    "INT": Family.INT,
    "SERIAL": Family.INT,
    "BIGINT": Family.BIGINT,
    "REAL": Family.FLOAT,
    "DOUBLE": Family.FLOAT,
    "FLOAT": Family.FLOAT,
    "BOOLEAN": Family.BOOLEAN,
    "TEXT": Family.STRING,
    "DATETIME": Family.DATETIME,
    "DATE": Family.DATETIME,
    "TIMESTAMP": Family.DATETIME,
    "BLOB": Family.BINARY,
    "BINARY": Family.BINARY,
    "JSONB": Family.JSON,
}
_ACTIONS = {a.value: a for a in ReferentialAction}
_DECLARED = re.compile(r"\s*([A-Za-z_][\w ]*?)\s*(?:\(\s*([^)]*)\))?\s*", re.DOTALL)
_NOW = re.compile(r"current_timestamp|datetime\('now'(?:,\s*'localtime')?\)", re.IGNORECASE)


def column_type(declared: str) -> ColumnType:
    m = _DECLARED.fullmatch(declared or "")
    if m is None:
        return ColumnType(Family.UNSUPPORTED, raw=declared)
    native = re.sub(r"\s+", " ", m.group(1)).upper()
    family = _FAMILIES.get(native)
    if family is None and "CHAR" in native:
        family = Family.STRING
    elif family is None and ("NUMERIC" in native or "DECIMAL" in native):
        family = Family.DECIMAL
    if family is None:
        return ColumnType(Family.UNSUPPORTED, raw=declared)
    args = tuple(int(a) for a in re.findall(r"\d+", m.group(2) or ""))
    return ColumnType(family, native, args)


def parse_default(text: str | None, ctype: ColumnType) -> Default | None:
    if text is None:
        return None
    expr = text.strip()
    while expr.startswith("(") and expr.endswith(")"):
        expr = expr[1:-1].strip()
    if expr.upper() == "NULL":
        return None
    if _NOW.fullmatch(expr) and ctype.family is Family.DATETIME:
        return NowDefault()
    m = re.fullmatch(r"[xX]'([0-9a-fA-F]*)'", expr)
    if m and ctype.family is Family.BINARY:
        return LiteralDefault(hex_bytes_literal(m.group(1)))
    m = re.fullmatch(r"'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"", expr, re.DOTALL)
    raw = text.strip()
    if ctype.family is Family.STRING and not m:
        # Prisma reads any other String default as its text; but an expression (SQLite takes it
        # only in parentheses, which dflt_value drops) is a database default, as the schema writes it
        return LiteralDefault(StrLit(expr)) if _written_bare(raw) else DbGeneratedDefault(f"({raw})")
    if ctype.family is Family.JSON and not m:  # Prisma renders JSON defaults unquoted on SQLite
        return LiteralDefault(JsonLit(text.strip()))
    if m:
        value = unquote_sql_string(m.group(1)) if m.group(1) is not None else m.group(2).replace('""', '"')
        if ctype.family is Family.BINARY and re.fullmatch(r"(?:[0-9a-fA-F]{2})*", value):
            return LiteralDefault(hex_bytes_literal(value))  # Prisma writes Bytes defaults as quoted hex
        numeric = ctype.family in (Family.INT, Family.BIGINT, Family.FLOAT, Family.DECIMAL, Family.BOOLEAN)
        literal = typed_literal(value, ctype.family, quoted=not numeric)
    elif NUMBER.fullmatch(expr) or expr.lower() in ("true", "false"):
        literal = typed_literal(expr, ctype.family, quoted=False)
    else:
        literal = None
    if literal is not None:
        return LiteralDefault(literal)
    return DbGeneratedDefault(raw if m or _written_bare(raw) else f"({raw})")


def _written_bare(text: str) -> bool:
    """A default SQLite takes without parentheses (a word, a number, a blob literal); any other
    expression was written in parentheses, which ``dflt_value`` leaves out."""
    return bool(re.fullmatch(r"[A-Za-z_][\w$]*|[xX]'[0-9a-fA-F]*'", text) or NUMBER.fullmatch(text))


def describe_sqlite(conn: Connector) -> Schema:
    columns: dict[str, list[Column]] = {}  # a SQLite table always has a column
    pk_positions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for table, name, declared, notnull, dflt, pk in conn.query(_COLUMNS_SQL):
        ctype = column_type(declared)
        arity = Arity.REQUIRED if notnull else Arity.NULLABLE
        columns.setdefault(table, []).append(Column(name, ctype, arity, parse_default(dflt, ctype)))
        if pk:
            pk_positions[table].append((pk, name))

    index_rows: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in conn.query(_INDEXES_SQL):
        index_rows[(row[0], row[1])].append(row)
    indexes: dict[str, list[Index]] = defaultdict(list)
    unmanaged: dict[str, list[UnmanagedIndex]] = defaultdict(list)
    pk_index: dict[str, tuple[IndexColumn, ...]] = {}
    for (table, index_name), rows in index_rows.items():
        _, _, unique, origin, *_, partial, sql = rows[0]
        unexpressed = frozenset(
            what
            for what, present in (
                (Unexpressed.EXPRESSION, any(r[4] < 0 or r[5] is None for r in rows)),  # or the rowid
                (Unexpressed.PREDICATE, bool(partial)),
            )
            if present
        )
        index_columns = tuple(IndexColumn(r[5], SortOrder.DESC if r[6] else None) for r in rows)
        if unexpressed:
            used = _identifiers(sql or "")
            names = tuple(c.name for c in columns.get(table, ()) if c.name.lower() in used)
            predicate = _predicate_of(sql or "") if unexpressed == {Unexpressed.PREDICATE} else None
            managed = None
            if predicate is not None:  # Prisma 7's `where:` expresses it
                managed = Index(index_name, index_columns, IndexKind.UNIQUE if unique else IndexKind.NORMAL, predicate=predicate)
            unmanaged[table].append(UnmanagedIndex(index_name, bool(unique), unexpressed, names, sql, managed))
            continue
        if origin == "pk":
            pk_index[table] = index_columns
            continue
        kind = IndexKind.UNIQUE if unique else IndexKind.NORMAL
        indexes[table].append(Index(index_name, index_columns, kind))

    fk_rows: dict[str, dict[int, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.query(_FOREIGN_KEYS_SQL):
        fk_rows[row[0]][row[1]].append(row)

    tables: list[Table] = []
    for name, table_columns in columns.items():
        pk_cols = pk_index.get(name) or tuple(IndexColumn(c) for _, c in sorted(pk_positions.get(name, [])))
        tables.append(
            Table(
                name=name,
                columns=_mark_rowid_alias(table_columns, pk_cols),
                primary_key=PrimaryKey(None, pk_cols) if pk_cols else None,
                indexes=tuple(indexes.get(name, ())),
                foreign_keys=tuple(_foreign_keys(fk_rows.get(name, {}), pk_positions)),
                unmanaged_indexes=tuple(unmanaged.get(name, ())),
            )
        )
    return Schema(tables=tuple(tables), default_namespace="main")


def _identifiers(sql: str) -> set[str]:
    """The identifiers (lower case: SQLite compares them so) a statement mentions outside string
    literals: the columns an index's expressions and predicate may use are among them."""
    found: set[str] = set()
    for m in _TOKEN.finditer(sql):
        dquoted, bquoted, bracketed, bare = m.groups()
        if dquoted is not None:
            found.add(dquoted.replace('""', '"').lower())
        elif bquoted is not None:
            found.add(bquoted.replace("``", "`").lower())
        elif bracketed is not None or bare is not None:
            found.add((bracketed or bare).lower())
    return found


def _mark_rowid_alias(columns: list[Column], pk_cols: tuple[IndexColumn, ...]) -> tuple[Column, ...]:
    """A single-column ``INTEGER`` primary key is SQLite's rowid: Prisma's describer reads it as a
    required autoincrement column whether or not ``AUTOINCREMENT`` is written."""
    if len(pk_cols) != 1:
        return tuple(columns)
    return tuple(
        replace(c, autoincrement=True, arity=Arity.REQUIRED)
        if c.name == pk_cols[0].name and c.type.native == "INTEGER" and not c.type.args
        else c
        for c in columns
    )


def _foreign_keys(by_id: dict[int, list[Row]], pk_positions: dict[str, list[tuple[int, str]]]) -> list[ForeignKey]:
    """SQLite numbers a table's foreign keys in reverse declaration order: put them back."""
    result: list[ForeignKey] = []
    for _, rows in sorted(by_id.items(), reverse=True):
        referenced = rows[0][2]
        to_cols = [r[4] for r in rows]
        if any(c is None for c in to_cols):  # REFERENCES t without columns: t's primary key
            to_cols = [c for _, c in sorted(pk_positions.get(referenced, []))]
        result.append(
            ForeignKey(
                name=None,
                columns=tuple(r[3] for r in rows),
                referenced_table=referenced,
                referenced_columns=tuple(to_cols),
                on_delete=_ACTIONS.get(rows[0][6], ReferentialAction.NO_ACTION),
                on_update=_ACTIONS.get(rows[0][5], ReferentialAction.NO_ACTION),
            )
        )
    return result


def _predicate_of(sql: str) -> str | None:
    """The condition after the top-level ``WHERE`` of a ``CREATE INDEX`` statement, as written."""
    depth = 0
    for m in _WORDS.finditer(sql):
        word = m.group()
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
        elif depth == 0 and word.upper() == "WHERE":
            return sql[m.end() :].strip() or None
    return None
