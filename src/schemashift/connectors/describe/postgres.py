"""Describe a PostgreSQL schema into the neutral model with five catalog queries.

One query each for columns (with their tables), enums, index columns, foreign-key columns and
extensions, filtered by namespace, so the number of round trips does not grow with the number of
tables. Indexes the schema cannot express (a ``WHERE`` predicate, ``INCLUDE`` columns, an
expression, an exclusion constraint's) are ``Table.unmanaged_indexes``. Extensions are database-wide: all installed ones are reported (the differ only ever
creates or alters the ones a schema declares).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from schemashift.dialects.base import unparenthesize
from schemashift.dialects.postgres import quote_literal
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
    ListLit,
    Literal,
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
from .literals import hex_bytes_literal, split_top_level, typed_literal, unquote_sql_string

MIGRATIONS_TABLE = "_prisma_migrations"

_COLUMNS_SQL = """
SELECT n.nspname, c.relname, a.attname, a.attnotnull, a.atttypmod,
       COALESCE(et.typname, t.typname), COALESCE(et.typtype, t.typtype), COALESCE(etn.nspname, tn.nspname),
       et.oid IS NOT NULL,
       CASE WHEN COALESCE(et.typtype, t.typtype) = 'e' OR COALESCE(et.typname, t.typname) = ANY(%s)
            THEN NULL ELSE format_type(a.atttypid, a.atttypmod) END,
       pg_get_expr(d.adbin, d.adrelid),
       a.attidentity, a.attgenerated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY n.nspname, c.relname, a.attnum
"""

_ENUMS_SQL = """
SELECT n.nspname, t.typname, e.enumlabel
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = ANY(%s)
ORDER BY n.nspname, t.typname, e.enumsortorder
"""

#: one row per key column; the last columns only for an index the schema cannot express (a
#: predicate, INCLUDE columns, an expression, an exclusion constraint's): what, its definition,
#: the table columns it uses
_INDEXES_SQL = """
SELECT n.nspname, tc.relname, ic.relname, i.indisprimary, i.indisunique, am.amname,
       a.attname, (i.indoption[k.ord::int - 1] & 1) = 1, opc.opcname, opc.opcdefault,
       i.indexprs IS NOT NULL, i.indpred IS NOT NULL, i.indnatts > i.indnkeyatts, i.indisexclusion,
       CASE WHEN i.indexprs IS NOT NULL OR i.indpred IS NOT NULL OR i.indnatts > i.indnkeyatts OR i.indisexclusion
            THEN pg_get_indexdef(i.indexrelid) END,
       CASE WHEN i.indexprs IS NOT NULL OR i.indpred IS NOT NULL OR i.indnatts > i.indnkeyatts OR i.indisexclusion THEN
         ARRAY(SELECT ua.attname FROM pg_attribute ua
               WHERE ua.attrelid = i.indrelid AND ua.attnum > 0 AND NOT ua.attisdropped
                 AND (ua.attnum = ANY(i.indkey::int2[]) OR EXISTS (
                   SELECT 1 FROM pg_depend d
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                     AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid
                     AND d.refobjsubid = ua.attnum))
               ORDER BY ua.attnum) END,
       pg_get_expr(i.indpred, i.indrelid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indclass::oid[]) WITH ORDINALITY AS k(attnum, opclass, ord)
LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum
LEFT JOIN pg_opclass opc ON opc.oid = k.opclass
WHERE n.nspname = ANY(%s) AND tc.relkind IN ('r', 'p') AND NOT tc.relispartition
  AND k.ord <= i.indnkeyatts
ORDER BY n.nspname, tc.relname, ic.relname, k.ord
"""

_FOREIGN_KEYS_SQL = """
SELECT n.nspname, c.relname, con.conname, rn.nspname, rc.relname, a.attname, ra.attname,
       con.confdeltype, con.confupdtype
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, refcol, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refcol
WHERE con.contype = 'f' AND n.nspname = ANY(%s) AND NOT c.relispartition
ORDER BY n.nspname, c.relname, con.conname, k.ord
"""

_EXTENSIONS_SQL = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname
"""

#: typname -> (family, Prisma native type name, how the typmod becomes args)
_TYPES: dict[str, tuple[Family, str, str]] = {
    "int2": (Family.INT, "SmallInt", ""),
    "int4": (Family.INT, "Integer", ""),
    "int8": (Family.BIGINT, "BigInt", ""),
    "oid": (Family.INT, "Oid", ""),
    "numeric": (Family.DECIMAL, "Decimal", "numeric"),
    "money": (Family.DECIMAL, "Money", ""),
    "float4": (Family.FLOAT, "Real", ""),
    "float8": (Family.FLOAT, "DoublePrecision", ""),
    "bool": (Family.BOOLEAN, "Boolean", ""),
    "text": (Family.STRING, "Text", ""),
    "varchar": (Family.STRING, "VarChar", "length"),
    "bpchar": (Family.STRING, "Char", "length"),
    "citext": (Family.STRING, "Citext", ""),
    "inet": (Family.STRING, "Inet", ""),
    "xml": (Family.STRING, "Xml", ""),
    "bit": (Family.STRING, "Bit", "bits"),
    "varbit": (Family.STRING, "VarBit", "bits"),
    "uuid": (Family.STRING, "Uuid", ""),  # Prisma: String @db.Uuid
    "timestamp": (Family.DATETIME, "Timestamp", "precision"),
    "timestamptz": (Family.DATETIME, "Timestamptz", "precision"),
    "date": (Family.DATETIME, "Date", ""),
    "time": (Family.DATETIME, "Time", "precision"),
    "timetz": (Family.DATETIME, "Timetz", "precision"),
    "bytea": (Family.BINARY, "ByteA", ""),
    "json": (Family.JSON, "Json", ""),
    "jsonb": (Family.JSON, "JsonB", ""),
}
_DEFAULT_TIME_PRECISION = 6

_ACTIONS = {
    "a": ReferentialAction.NO_ACTION,
    "r": ReferentialAction.RESTRICT,
    "c": ReferentialAction.CASCADE,
    "n": ReferentialAction.SET_NULL,
    "d": ReferentialAction.SET_DEFAULT,
}
_ALGORITHMS = {
    "hash": IndexAlgorithm.HASH,
    "gist": IndexAlgorithm.GIST,
    "gin": IndexAlgorithm.GIN,
    "spgist": IndexAlgorithm.SPGIST,
    "brin": IndexAlgorithm.BRIN,
    "inverted": IndexAlgorithm.GIN,  # CockroachDB's access method of a GIN (inverted) index
}


def _type_args(kind: str, typmod: int) -> tuple[int, ...]:
    if kind == "numeric":
        return (((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF) if typmod >= 0 else ()
    if kind == "length":
        return (typmod - 4,) if typmod >= 0 else ()
    if kind == "bits":
        return (typmod,) if typmod >= 0 else ()
    if kind == "precision":
        return (typmod if typmod >= 0 else _DEFAULT_TIME_PRECISION,)
    return ()


def column_type(typname: str, typtype: str, typ_schema: str, typmod: int, formatted: str | None,
                enum_schema: str | None) -> ColumnType:
    """``enum_schema`` is the namespace to record for enum types (None outside multi-schema);
    ``formatted`` is ``format_type()``, which the query only computes for types not in _TYPES."""
    if typtype == "e":
        return ColumnType(Family.ENUM, enum=typname, enum_schema=enum_schema)
    known = _TYPES.get(typname)
    if known is None or typ_schema not in ("pg_catalog", "public") and typname != "citext":
        return ColumnType(Family.UNSUPPORTED, raw=(formatted or typname).removesuffix("[]"))
    family, native, args_kind = known
    return ColumnType(family, native, _type_args(args_kind, typmod))


# ---------------------------------------------------------------------- defaults

_NEXTVAL = re.compile(r"nextval\('(.*)'::regclass\)", re.IGNORECASE | re.DOTALL)
_NOW = re.compile(r"now\(\)|current_timestamp(\(\d*\))?", re.IGNORECASE)
# ::type, ::"Enum" (any characters, "" doubled), ::numeric(65,30), ::integer[]
_CAST = r"(?:::(?:\"(?:[^\"]|\"\")*\"|[\w\s.\[\](),])+)"
_CAST_STRING = re.compile(rf"'((?:[^']|'')*)'{_CAST}?", re.DOTALL)
_CAST_SUFFIX = re.compile(rf"(.*?){_CAST}+", re.DOTALL)
_ARRAY = re.compile(r"ARRAY\[(.*)\]", re.DOTALL | re.IGNORECASE)  # after its ::type[] cast is cut off
_NULL = re.compile(r"NULL(::.*)?", re.IGNORECASE | re.DOTALL)


def _strip_parens(expr: str) -> str:
    """``expr`` without parentheses that wrap all of it: ``((1))`` -> ``1``, ``(1) + (2)`` unchanged."""
    while expr.startswith("(") and _closing_paren(expr) == len(expr) - 1:
        expr = expr[1:-1].strip()
    return expr


def _closing_paren(expr: str) -> int:
    """Index of the parenthesis closing ``expr[0]`` (quotes respected), -1 when unbalanced."""
    depth = 0
    quote: str | None = None
    for i, c in enumerate(expr):
        if quote:
            quote = None if c == quote else quote  # a doubled quote reopens at once: same result
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _scalar(text: str, family: Family) -> Literal | None:
    """A literal from one scalar default expression, or None."""
    text = _strip_parens(text.strip())
    m = _CAST_STRING.fullmatch(text)
    if m:
        value = unquote_sql_string(m.group(1))
        if family is Family.BINARY:
            return hex_bytes_literal(value[2:]) if value.startswith("\\x") else None
        if family in (Family.INT, Family.BIGINT, Family.FLOAT, Family.DECIMAL, Family.BOOLEAN):
            return typed_literal(value, family, quoted=False)
        return typed_literal(value, family, quoted=True)
    m = _CAST_SUFFIX.fullmatch(text)
    bare = _strip_parens(m.group(1).strip()) if m else text
    return typed_literal(bare, family, quoted=False)


def _array_items(expr: str) -> list[str] | None:
    """The item expressions of ``ARRAY[...]`` or ``'{...}'::t[]``; None when it is neither."""
    expr = _strip_parens(expr)
    m = _ARRAY.fullmatch(expr.removesuffix("::" + expr.rpartition("::")[2]) if expr.endswith("[]") else expr)
    if m:
        return split_top_level(m.group(1)) if m.group(1).strip() else []
    m = _CAST_STRING.fullmatch(expr)
    if m and m.group(1).startswith("{") and m.group(1).endswith("}"):
        return [_pg_array_item(item) for item in _split_array_text(unquote_sql_string(m.group(1))[1:-1])]
    return None


def _split_array_text(body: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    in_quotes = False
    i = 0
    if not body:
        return []
    while i < len(body):
        c = body[i]
        if in_quotes and c == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
            continue
        if c == '"':
            in_quotes = not in_quotes
        if c == "," and not in_quotes:
            items.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    items.append("".join(current))
    return items


def _pg_array_item(item: str) -> str:
    """An array-literal element as a SQL scalar expression (quoted string or bare token)."""
    if item.startswith('"') and item.endswith('"'):
        value = re.sub(r"\\(.)", r"\1", item[1:-1])
    else:
        value = item
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|true|false|t|f", value):
        return value
    return quote_literal(value)


def sequence_name(expr: str | None) -> str | None:
    """The sequence of a ``nextval('…'::regclass)`` default (unquoted, last name part), else None."""
    m = _NEXTVAL.fullmatch(expr.strip()) if expr else None
    if m is None:
        return None
    name = unquote_sql_string(m.group(1))
    last: tuple[str, str] = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', name)[-1]
    return last[0].replace('""', '"') if last[0] else last[1]


def parse_default(expr: str | None, col_type: ColumnType, is_list: bool) -> tuple[Default | None, bool]:
    """``(default, autoincrement)`` for a column default as ``pg_get_expr`` prints it."""
    if expr is None:
        return None, False
    expr = expr.strip()
    if _NEXTVAL.fullmatch(expr):
        return None, True
    if _NULL.fullmatch(expr):
        return None, False
    if not is_list and _NOW.fullmatch(expr) and col_type.family is Family.DATETIME:
        return NowDefault(), False
    if is_list:
        items = _array_items(expr)
        if items is not None:
            values = [_scalar(i, col_type.family) for i in items]
            literals = [v for v in values if v is not None]
            if len(literals) == len(values):
                return LiteralDefault(ListLit(tuple(literals))), False
        return DbGeneratedDefault(expr), False
    value = _scalar(expr, col_type.family)
    return (LiteralDefault(value) if value is not None else DbGeneratedDefault(expr)), False


# ---------------------------------------------------------------------- assembly


@dataclass
class _TableParts:
    columns: list[Column] = field(default_factory=list)
    primary_key: PrimaryKey | None = None
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    unmanaged_indexes: list[UnmanagedIndex] = field(default_factory=list)


def describe_postgres(
    conn: Connector,
    namespaces: Sequence[str],
    multi_schema: bool = False,
    default_text: Callable[[str], str] | None = None,
) -> Schema:
    """Describe the tables and enums of ``namespaces``; with ``multi_schema`` the model records
    each table's and enum's namespace (else they are left ``None``: the default schema).
    ``default_text`` rewrites a default expression before it is parsed (CockroachDB's ``:::``
    type annotations)."""
    spaces = list(namespaces)

    def ns(name: str) -> str | None:
        return name if multi_schema else None

    tables: dict[tuple[str, str], _TableParts] = {}
    for row in conn.query(_COLUMNS_SQL, (list(_TYPES), spaces)):
        (nsp, table, col, notnull, typmod, typname, typtype, typ_schema, is_array, formatted, default_expr,
         identity, generated) = row
        if table == MIGRATIONS_TABLE:
            continue
        parts = tables.setdefault((nsp, table), _TableParts())
        if col is None:  # a table without columns
            continue
        ctype = column_type(typname, typtype, typ_schema, typmod, formatted, ns(typ_schema))
        arity = Arity.LIST if is_array else Arity.REQUIRED if notnull else Arity.NULLABLE
        if default_text is not None and default_expr is not None:
            default_expr = default_text(default_expr)
        default, autoincrement = (None, False) if generated else parse_default(default_expr, ctype, is_array)
        if identity in ("a", "d"):
            autoincrement = True
        sequence = sequence_name(default_expr) if autoincrement else None
        parts.columns.append(Column(col, ctype, arity, default, autoincrement, sequence))

    enum_values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for nsp, name, label in conn.query(_ENUMS_SQL, (spaces,)):
        enum_values[(nsp, name)].append(label)

    _add_indexes(conn, spaces, tables)
    _add_foreign_keys(conn, spaces, tables, ns)

    return Schema(
        tables=tuple(
            Table(
                name=name,
                columns=tuple(p.columns),
                primary_key=p.primary_key,
                indexes=tuple(p.indexes),
                foreign_keys=tuple(p.foreign_keys),
                schema=ns(nsp),
                unmanaged_indexes=tuple(p.unmanaged_indexes),
            )
            for (nsp, name), p in tables.items()
        ),
        enums=tuple(EnumType(name, tuple(values), ns(nsp)) for (nsp, name), values in enum_values.items()),
        namespaces=tuple(spaces) if multi_schema else (),
        extensions=tuple(Extension(name, nsp, version) for name, nsp, version in conn.query(_EXTENSIONS_SQL)),
        default_namespace=spaces[0] if spaces else None,
    )


def _add_indexes(conn: Connector, spaces: list[str], tables: dict[tuple[str, str], _TableParts]) -> None:
    grouped: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in conn.query(_INDEXES_SQL, (spaces,)):
        grouped[(row[0], row[1], row[2])].append(row)
    for (nsp, table, index_name), rows in grouped.items():
        parts = tables.get((nsp, table))
        if parts is None:
            continue
        _, _, _, primary, unique, amname, *_ = rows[0]
        unexpressed = _unexpressed(rows[0])
        columns = tuple(
            IndexColumn(
                name=attname,
                sort=SortOrder.DESC if desc else None,
                opclass=None if opc_default or opcname is None else opcname,
            )
            for *_, attname, desc, opcname, opc_default in (r[:10] for r in rows)
        )
        if unexpressed and not primary:
            definition, used, predicate = rows[0][14], rows[0][15], rows[0][16]
            managed = None
            if unexpressed == {Unexpressed.PREDICATE}:  # Prisma 7's `where:` expresses it
                kind = IndexKind.UNIQUE if unique else IndexKind.NORMAL
                managed = Index(index_name, columns, kind, _ALGORITHMS.get(amname), unparenthesize(predicate))
            parts.unmanaged_indexes.append(
                UnmanagedIndex(index_name, unique, unexpressed, tuple(used), definition, managed)
            )
            continue
        if any(r[6] is None for r in rows):  # an expression in a primary key: not modelled
            continue
        if primary:
            parts.primary_key = PrimaryKey(index_name, tuple(IndexColumn(c.name, c.sort) for c in columns))
            continue
        parts.indexes.append(
            Index(
                name=index_name,
                columns=columns,
                kind=IndexKind.UNIQUE if unique else IndexKind.NORMAL,
                algorithm=_ALGORITHMS.get(amname),
            )
        )


def _unexpressed(row: Row) -> frozenset[Unexpressed]:
    """What about the index of an ``_INDEXES_SQL`` row the schema cannot express."""
    expression, predicate, include, exclusion = row[10:14]
    return frozenset(
        what
        for what, present in (
            (Unexpressed.EXPRESSION, expression),
            (Unexpressed.PREDICATE, predicate),
            (Unexpressed.INCLUDE, include),
            (Unexpressed.EXCLUSION, exclusion),
        )
        if present
    )


def _add_foreign_keys(
    conn: Connector, spaces: list[str], tables: dict[tuple[str, str], _TableParts], ns: Callable[[str], str | None]
) -> None:
    grouped: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in conn.query(_FOREIGN_KEYS_SQL, (spaces,)):
        grouped[(row[0], row[1], row[2])].append(row)
    for (nsp, table, name), rows in grouped.items():
        parts = tables.get((nsp, table))
        if parts is None:
            continue
        _, _, _, ref_nsp, ref_table, _, _, on_delete, on_update = rows[0]
        parts.foreign_keys.append(
            ForeignKey(
                name=name,
                columns=tuple(r[5] for r in rows),
                referenced_table=ref_table,
                referenced_columns=tuple(r[6] for r in rows),
                on_delete=_ACTIONS[on_delete],
                on_update=_ACTIONS[on_update],
                referenced_schema=ns(ref_nsp),
            )
        )
