"""Live database -> neutral schema model (:mod:`schemashift.model`).

``describe(connector)`` reads the connector's own namespace (PostgreSQL schema from ``?schema=``,
MySQL database, SQLite ``main``). The ``_prisma_migrations`` table and views are never part of
the result. The number of queries is constant, whatever the number of tables: PostgreSQL 5
(catalog queries), SQLite 3 (``sqlite_master`` joined with the pragma functions), MySQL/MariaDB 7
(``information_schema`` views read one by one: joining them is slow on MariaDB).
"""

from __future__ import annotations

from collections.abc import Sequence

from schemashift.model import Schema

from ..base import Connector


def describe(conn: Connector, schema_name: str | None = None, namespaces: Sequence[str] = ()) -> Schema:
    """Describe ``schema_name`` (default: the connector's namespace).

    ``namespaces`` (PostgreSQL multi-schema) describes several schemas at once and records each
    table's namespace in the model.
    """
    if conn.provider == "postgresql" and conn.dialect.name == "cockroachdb":  # (no query on PostgreSQL)
        from .cockroachdb import describe_cockroachdb

        return describe_cockroachdb(conn, list(namespaces) or [schema_name or conn.schema_name], bool(namespaces))
    if conn.provider == "postgresql":
        from .postgres import describe_postgres

        if namespaces:
            return describe_postgres(conn, namespaces, multi_schema=True)
        return describe_postgres(conn, [schema_name or conn.schema_name])
    if conn.provider == "mysql":
        from .mysql import describe_mysql

        return describe_mysql(conn, schema_name or conn.schema_name)
    from .sqlite import describe_sqlite

    return describe_sqlite(conn)
