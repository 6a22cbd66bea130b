"""The ``_prisma_migrations`` history table: Prisma's DDL, columns and value formats per database.

The table is created exactly as Prisma's schema engine creates it, so a database migrated by Prisma
is read by schemashift and the reverse. Timestamps are written as Prisma writes them: ``timestamptz``
on PostgreSQL, ``DATETIME(3)`` in UTC on MySQL, RFC 3339 text (``2026-11-24T08:07:37.511+00:00``)
on SQLite.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol, Sequence

TABLE = "_prisma_migrations"

_DDL = {
    "postgresql": """CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)""",
    "mysql": """CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4""",
    "sqlite": """CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)""",
}

_COLUMNS = (
    "id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count"
)


#: PostgreSQL (and CockroachDB): from pg_catalog, not information_schema.tables, whose view joins
#: and privilege checks run over every relation of the database before the schema is filtered (with
#: a thousand tenant schemas, most of a deploy's history reads). Same rows as information_schema's
#: ``BASE TABLE`` and ``VIEW``: ordinary and partitioned tables and views the user has any right on.
_PG_VISIBLE = (
    " AND c.relkind IN ('r', 'p', 'v')"
    " AND (pg_catalog.pg_has_role(c.relowner, 'USAGE')"
    " OR pg_catalog.has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')"
    " OR pg_catalog.has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))"
)
_PG_NAMESPACE = "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = %s)"
#: pg_class has no index on the namespace: a schema's relations are found through pg_depend's index
#: on what they depend on (PostgreSQL records every table's and view's dependency on its schema,
#: the public schema's included), not by a scan of every relation of the database (~20 ms with a
#: thousand tenant schemas). CockroachDB keeps the scan: it has no such pg_depend rows.
_PG_RELATIONS = (
    "SELECT c.relname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid"
    " WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass AND d.refobjid = " + _PG_NAMESPACE
    + " AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'n'" + _PG_VISIBLE
)
_CRDB_RELATIONS = f"SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = {_PG_NAMESPACE}{_PG_VISIBLE}"

_TABLES_SQL = {
    "postgresql": _PG_RELATIONS,
    "cockroachdb": _CRDB_RELATIONS,
    "mysql": "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
    "sqlite": "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    " AND name NOT LIKE 'sqlite_%%' AND %s IS NOT NULL",
}

#: One table of the schema, by name (PostgreSQL: an index lookup on pg_class's name and namespace).
_TABLE_EXISTS_SQL = {
    "postgresql": f"{_CRDB_RELATIONS} AND c.relname = %s",
    "cockroachdb": f"{_CRDB_RELATIONS} AND c.relname = %s",  # (the same)
    "mysql": "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
    "sqlite": "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND %s IS NOT NULL AND name = %s",
}


class Connection(Protocol):
    @property
    def provider(self) -> str: ...  # read-only: a Connector's Literal provider is one

    @property
    def schema_name(self) -> str: ...

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]: ...


def list_tables(conn: Connection) -> list[str]:
    """Tables and views of the connection's schema, the history table included."""
    rows = conn.query(_TABLES_SQL[_catalog(conn)], (conn.schema_name,))
    return sorted(str(r[0]) for r in rows)


def table_exists(conn: Connection, name: str) -> bool:
    """``name in list_tables(conn)``, asking only for that table."""
    return bool(conn.query(_TABLE_EXISTS_SQL[_catalog(conn)], (conn.schema_name, name)))


def _catalog(conn: Connection) -> str:
    """Whose catalog queries ``conn`` takes: its provider's, or CockroachDB's (a PostgreSQL URL)."""
    family = _family(conn.provider)
    if family == "postgresql" and getattr(getattr(conn, "dialect", None), "name", None) == "cockroachdb":
        return "cockroachdb"
    return family


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: str
    checksum: str
    finished_at: datetime | None
    migration_name: str
    logs: str | None
    rolled_back_at: datetime | None
    started_at: datetime
    applied_steps_count: int

    @property
    def is_rolled_back(self) -> bool:
        return self.rolled_back_at is not None

    @property
    def is_failed(self) -> bool:
        return self.finished_at is None and self.rolled_back_at is None

    @property
    def is_applied(self) -> bool:
        return self.finished_at is not None and self.rolled_back_at is None


def now() -> datetime:
    t = datetime.now(timezone.utc)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def _family(provider: str) -> str:
    return {"postgres": "postgresql", "cockroachdb": "postgresql"}.get(provider, provider)


def _to_db(provider: str, value: datetime | None) -> Any:
    if value is None:
        return None
    if provider == "sqlite":
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    if provider == "mysql":
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _from_db(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)):  # unix milliseconds (old SQLite rows)
        return datetime.fromtimestamp(value / 1000, timezone.utc)
    text = str(value).strip().replace(" UTC", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class History:
    """Reads and writes the history table through a connector (one statement per call)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.provider = _family(conn.provider)

    def exists(self) -> bool:
        return table_exists(self.conn, TABLE)

    def ensure(self) -> None:
        self.conn.execute(_DDL[self.provider])

    def rows(self, *, exists: bool | None = None) -> list[HistoryRow]:
        """All rows in the order they were started, as Prisma lists them. ``exists``: whether the
        table exists, when the caller just found out (else it is looked up first)."""
        if not (self.exists() if exists is None else exists):
            return []
        raw = self.conn.query(f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY started_at ASC")
        rows = [
            HistoryRow(
                id=str(r[0]),
                checksum=str(r[1]),
                finished_at=_from_db(r[2]),
                migration_name=str(r[3]),
                logs=r[4],
                rolled_back_at=_from_db(r[5]),
                started_at=_from_db(r[6]) or now(),
                applied_steps_count=int(r[7] or 0),
            )
            for r in raw
        ]
        rows.sort(key=lambda r: r.started_at)  # SQLite text ordering can differ from time order
        return rows

    def start(self, name: str, checksum: str) -> str:
        """Record that a migration started (finished_at NULL: a crash leaves it as failed)."""
        row_id, sql, params = self.start_statement(name, checksum, now())
        self.conn.execute(sql, params)
        return row_id

    def start_statement(self, name: str, checksum: str, at: datetime) -> tuple[str, str, tuple[Any, ...]]:
        """:meth:`start`'s row id and statement (started ``at``), to send with others."""
        row_id = str(uuid.uuid4())
        sql = (
            f"INSERT INTO {TABLE} (id, checksum, migration_name, started_at, applied_steps_count)"
            " VALUES (%s, %s, %s, %s, 0)"
        )
        return row_id, sql, (row_id, checksum, name, _to_db(self.provider, at))

    def finish(self, row_id: str, applied_steps: int) -> None:
        self.conn.execute(
            f"UPDATE {TABLE} SET finished_at = %s, applied_steps_count = %s WHERE id = %s",
            (_to_db(self.provider, now()), applied_steps, row_id),
        )

    def finish_in_batch_statement(self, row_id: str, applied_steps: int, sent_at: datetime) -> tuple[str, tuple[Any, ...]]:
        """:meth:`finish` as the last statement of a batch sent at ``sent_at`` (PostgreSQL, one
        simple query): ``finished_at`` is ``sent_at`` plus the time the server has spent on the
        batch when it gets there (``clock_timestamp() - statement_timestamp()``), in milliseconds
        as :func:`now`: the client's clock, as :meth:`finish` writes it, without a round trip."""
        if self.provider != "postgresql":
            raise ValueError("finish_in_batch_statement: PostgreSQL only")
        return (
            f"UPDATE {TABLE} SET finished_at = date_trunc('milliseconds', %s::timestamptz"
            " + (clock_timestamp() - statement_timestamp())), applied_steps_count = %s WHERE id = %s",
            (sent_at, applied_steps, row_id),
        )

    def set_progress(self, row_id: str, applied_steps: int, logs: str | None = None) -> None:
        self.conn.execute(
            f"UPDATE {TABLE} SET applied_steps_count = %s, logs = %s WHERE id = %s",
            (applied_steps, logs, row_id),
        )

    def set_logs(self, row_id: str, logs: str | None) -> None:
        self.conn.execute(f"UPDATE {TABLE} SET logs = %s WHERE id = %s", (logs, row_id))

    def fail(self, row_id: str, logs: str, applied_steps: int) -> None:
        self.set_progress(row_id, applied_steps, logs)

    def mark_rolled_back(self, row_id: str) -> None:
        self.conn.execute(
            f"UPDATE {TABLE} SET rolled_back_at = %s WHERE id = %s",
            (_to_db(self.provider, now()), row_id),
        )

    def record_abandoned(self, name: str, checksum: str, logs: str) -> str:
        """An attempt that changed nothing (rolled back as a whole), kept with its logs as an
        audit trail: finished_at NULL and rolled_back_at set, so Prisma and schemashift both see
        the migration as pending again."""
        row_id = str(uuid.uuid4())
        t = _to_db(self.provider, now())
        self.conn.execute(
            f"INSERT INTO {TABLE} (id, checksum, migration_name, logs, rolled_back_at, started_at,"
            " applied_steps_count) VALUES (%s, %s, %s, %s, %s, %s, 0)",
            (row_id, checksum, name, logs, t, t),
        )
        return row_id

    def record_applied(self, name: str, checksum: str) -> str:
        """``migrate resolve --applied``: a finished row with no steps run."""
        row_id = str(uuid.uuid4())
        t = _to_db(self.provider, now())
        self.conn.execute(
            f"INSERT INTO {TABLE} (id, checksum, finished_at, migration_name, started_at,"
            " applied_steps_count) VALUES (%s, %s, %s, %s, %s, 0)",
            (row_id, checksum, t, name, t),
        )
        return row_id
