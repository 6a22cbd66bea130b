"""Database facts the neutral model does not carry but Prisma's introspection reports.

SQLite: the default expressions as ``pragma_table_info`` prints them (Prisma reads them raw).

PostgreSQL: default expressions as the database prints them (Prisma writes ``dbgenerated(...)``
for date/time, uuid and unsupported-type defaults), CHECK and EXCLUDE constraints, comments,
row level security, DEFERRABLE constraints and index columns with a non-default NULLS FIRST/LAST. One query each, filtered by namespace. (Expression indexes are in the model:
``Table.unmanaged_indexes``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemashift.connectors.base import Connector
from schemashift.introspect.names import qualified


@dataclass
class Extras:
    raw_defaults: dict[tuple[str, str], str] = field(default_factory=dict)
    check_constraints: dict[str, list[str]] = field(default_factory=dict)
    exclusion_constraints: dict[str, list[str]] = field(default_factory=dict)
    table_comments: set[str] = field(default_factory=set)
    column_comments: set[tuple[str, str]] = field(default_factory=set)
    enum_comments: set[str] = field(default_factory=set)
    row_level_security: set[str] = field(default_factory=set)
    partitioned: set[str] = field(default_factory=set)  # partitioned tables with partitions (these are not described)
    inherited: set[str] = field(default_factory=set)  # tables other tables inherit from
    views: list[str] = field(default_factory=list)
    # per table, in Prisma's order: PRIMARY KEY/UNIQUE constraints by name, then foreign keys by name
    non_default_deferring: dict[str, list[str]] = field(default_factory=dict)
    # per table: (index, column) of index columns sorted NULLS FIRST ascending or NULLS LAST descending
    non_default_null_order: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


_PG_DEFAULTS = """
SELECT n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid)
FROM pg_attrdef d
JOIN pg_class c ON c.oid = d.adrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.adnum
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
"""
_PG_CONSTRAINTS = """
SELECT n.nspname, c.relname, con.conname, con.contype
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%s) AND con.contype IN ('c', 'x') AND c.relkind IN ('r', 'p')
ORDER BY n.nspname, c.relname, con.conname
"""
_PG_TABLES = """
SELECT n.nspname, c.relname, c.relkind, c.relrowsecurity, obj_description(c.oid, 'pg_class') IS NOT NULL,
       c.relhassubclass
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm')
"""
_PG_COLUMN_COMMENTS = """
SELECT n.nspname, c.relname, a.attname
FROM pg_description ds
JOIN pg_class c ON c.oid = ds.objoid AND ds.classoid = 'pg_class'::regclass
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ds.objsubid
WHERE n.nspname = ANY(%s) AND ds.objsubid > 0 AND c.relkind IN ('r', 'p')
"""
_PG_DEFERRING = """
SELECT n.nspname, c.relname, con.conname
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%s) AND con.contype IN ('p', 'u', 'f') AND (con.condeferrable OR con.condeferred)
  AND c.relkind IN ('r', 'p')
ORDER BY n.nspname, c.relname, con.contype = 'f', con.conname COLLATE "C"
"""
# indoption bit 1 = DESC, bit 2 = NULLS FIRST; the default is NULLS LAST ascending, NULLS FIRST descending
_PG_NULL_ORDER = """
SELECT n.nspname, c.relname, ic.relname, a.attname
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indoption::int2[]) WITH ORDINALITY AS k(attnum, opt, pos)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND k.pos <= i.indnkeyatts
  AND ((k.opt & 1) = 0) = ((k.opt & 2) <> 0)
ORDER BY n.nspname, c.relname, ic.relname COLLATE "C", k.pos
"""
_PG_ENUM_COMMENTS = """
SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY(%s) AND t.typtype = 'e' AND obj_description(t.oid, 'pg_type') IS NOT NULL
"""


_SQLITE_DEFAULTS = """
SELECT m.name, p.name, p.dflt_value
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND p.dflt_value IS NOT NULL
"""


def read_extras(conn: Connector, namespaces: Sequence[str] = ()) -> Extras:
    """``namespaces`` (multi-schema): read them all and key every table and enum by
    :func:`~schemashift.introspect.names.qualified` (as :mod:`.calculate` does); else the
    connection's schema, keyed by plain names."""
    if conn.provider == "sqlite":
        extras = Extras()
        for table, column, expr in conn.query(_SQLITE_DEFAULTS):
            extras.raw_defaults[(table, column)] = expr
        return extras
    if conn.provider != "postgresql":
        return Extras()
    spaces = list(namespaces) or [conn.schema_name]

    def key(space: str, name: str) -> str:
        return qualified(space if namespaces else None, name)

    ns = (spaces,)
    extras = Extras()
    for space, table, column, expr in conn.query(_PG_DEFAULTS, ns):
        extras.raw_defaults[(key(space, table), column)] = expr
    for space, table, name, kind in conn.query(_PG_CONSTRAINTS, ns):
        target = extras.check_constraints if kind == "c" else extras.exclusion_constraints
        target.setdefault(key(space, table), []).append(name)
    for space, table, kind, rls, commented, has_subclass in conn.query(_PG_TABLES, ns):
        table = key(space, table)
        if kind in ("v", "m"):
            extras.views.append(table)
            continue
        if kind == "p":
            if has_subclass:  # Prisma warns about a partitioned table only once it has partitions
                extras.partitioned.add(table)
        elif has_subclass:
            extras.inherited.add(table)
        if rls:
            extras.row_level_security.add(table)
        if commented:
            extras.table_comments.add(table)
    for space, table, column in conn.query(_PG_COLUMN_COMMENTS, ns):
        extras.column_comments.add((key(space, table), column))
    for space, table, name in conn.query(_PG_DEFERRING, ns):
        extras.non_default_deferring.setdefault(key(space, table), []).append(name)
    for space, table, index, column in conn.query(_PG_NULL_ORDER, ns):
        extras.non_default_null_order.setdefault(key(space, table), []).append((index, column))
    for space, name in conn.query(_PG_ENUM_COMMENTS, ns):
        extras.enum_comments.add(key(space, name))
    return extras
