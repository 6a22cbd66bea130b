"""CockroachDB -> model: the PostgreSQL describer's catalog queries, read in CockroachDB's terms.

CockroachDB implements ``pg_catalog`` (``pg_class``, ``pg_attribute``, ``pg_attrdef``, ``pg_type``,
``pg_index``, ``pg_constraint``, ``pg_enum``...) for PostgreSQL tools, so the queries of
:mod:`.postgres` are reused; what differs is what the rows mean:

* types: ``int8``/``int4``/``int2`` are ``Int8``/``Int4``/``Int2``, ``text`` is ``String``,
  ``varchar(n)`` is ``String(n)``, ``float8``/``float4`` are ``Float8``/``Float4``, ``bool`` is
  ``Bool``, ``bytea`` is ``Bytes``, ``json`` (an alias) is ``JsonB``: Prisma's cockroach native
  types, the ones the lowering writes (:data:`schemashift.lower.rules.COCKROACH`);
* ``unique_rowid()`` (Prisma's ``autoincrement()``) is an autoincrement column with that default;
  an identity column (``sequence()``) is an autoincrement column without default, with the
  options of its sequence from ``pg_sequence``;
* the migration lock's lease table (:data:`schemashift.connectors.cockroachdb.LOCK_TABLE`) is left
  out, like ``_prisma_migrations``.

Not verified against a CockroachDB server (see ``docs/cockroachdb.md``): tested with catalog rows
written from CockroachDB's documentation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from schemashift.model import Column, ColumnType, DbGeneratedDefault, Family, Schema, SequenceOptions

from ..base import Connector
from ..cockroachdb import LOCK_TABLE
from .postgres import describe_postgres

#: the PostgreSQL describer's native type -> Prisma's cockroach native type (args kept)
_NATIVE = {
    "SmallInt": "Int2",
    "Integer": "Int4",
    "BigInt": "Int8",
    "Text": "String",
    "VarChar": "String",
    "Real": "Float4",
    "DoublePrecision": "Float8",
    "Boolean": "Bool",
    "ByteA": "Bytes",
    "Json": "JsonB",
}
UNIQUE_ROWID = "unique_rowid()"


def cockroach_type(t: ColumnType) -> ColumnType:
    """A column type the PostgreSQL describer read, as CockroachDB's (``text`` -> ``String``)."""
    if t.family in (Family.ENUM, Family.UNSUPPORTED) or t.native is None:
        return t
    native = _NATIVE.get(t.native)
    return replace(t, native=native) if native is not None else t


def cockroach_column(table: str, c: Column, sequences: Mapping[str, SequenceOptions]) -> Column:
    """``sequences``: the options of the schema's sequences by name (:data:`_SEQUENCES_SQL`)."""
    default = c.default
    autoincrement = c.autoincrement
    sequence = c.sequence
    options = None
    if isinstance(default, DbGeneratedDefault) and (default.expression or "").replace(" ", "").lower() == UNIQUE_ROWID:
        default, autoincrement, sequence = DbGeneratedDefault(UNIQUE_ROWID), True, None
    elif autoincrement:  # an identity column (sequence()): its sequence, named after it if unknown
        sequence = sequence or f"{table}_{c.name}_seq"
        options = sequences.get(sequence, SequenceOptions())
        if isinstance(default, DbGeneratedDefault) and (default.expression or "").lower().startswith("nextval("):
            default = None
    return replace(
        c,
        type=cockroach_type(c.type),
        default=default,
        autoincrement=autoincrement,
        sequence=sequence,
        sequence_options=options,
    )


#: CockroachDB's hidden columns (``information_schema.columns.is_hidden``): the ``rowid`` it adds
#: to a table created without a primary key (Prisma's implicit m:n join tables), whose primary key
#: index is on it
_HIDDEN_COLUMNS_SQL = """
SELECT table_schema, table_name, column_name
FROM information_schema.columns
WHERE table_schema = ANY(%s) AND is_hidden = 'YES'
"""


#: the options of the sequences behind identity columns (``sequence(...)``), by name
_SEQUENCES_SQL = """
SELECT n.nspname, c.relname, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%s)
"""


def annotations_as_casts(expr: str) -> str:
    """CockroachDB prints defaults with type annotations (``'a':::STRING``, ``42:::INT8``): as
    casts (``::``), outside string literals, for the PostgreSQL default parser."""
    out: list[str] = []
    in_string = False
    i = 0
    while i < len(expr):
        ch = expr[i]
        if ch == "'":
            in_string = not in_string  # a doubled quote toggles twice
        elif not in_string and expr.startswith(":::", i):
            out.append("::")
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


_NOW_CAST = re.compile(r"((?:now|current_timestamp)\(\d*\))::[\w ]+(?:\(\d+\))?", re.IGNORECASE)


def cockroach_default_text(expr: str) -> str:
    """A default as CockroachDB prints it, as the PostgreSQL default parser reads it: annotations as
    casts, and ``now():::TIMESTAMP`` (CockroachDB annotates the function's result) as ``now()``."""
    text = annotations_as_casts(expr.strip())
    now = _NOW_CAST.fullmatch(text)
    return now.group(1) if now else text


def describe_cockroachdb(conn: Connector, namespaces: Sequence[str], multi_schema: bool = False) -> Schema:
    """``describe_postgres``'s queries plus one for hidden columns; see the module docstring."""
    schema = describe_postgres(conn, namespaces, multi_schema, default_text=cockroach_default_text)
    hidden = {(n, t, c) for n, t, c in conn.query(_HIDDEN_COLUMNS_SQL, (list(namespaces),))}
    sequences = {
        name: SequenceOptions(start=int(start), increment=int(inc), min_value=int(lo), max_value=int(hi), cache=int(cache))
        for _, name, start, inc, lo, hi, cache in conn.query(_SEQUENCES_SQL, (list(namespaces),))
    }
    tables = []
    for t in schema.tables:
        if t.name == LOCK_TABLE:
            continue
        nsp = t.schema or namespaces[0]
        columns = tuple(
            cockroach_column(t.name, c, sequences) for c in t.columns if (nsp, t.name, c.name) not in hidden
        )
        pk = t.primary_key
        if pk is not None and all((nsp, t.name, c.name) in hidden for c in pk.columns):
            pk = None  # the key CockroachDB made on its rowid: the table has none in Prisma's terms
        tables.append(replace(t, columns=columns, primary_key=pk))
    return replace(schema, tables=tuple(tables), extensions=())  # Prisma's cockroach connector has no extensions
