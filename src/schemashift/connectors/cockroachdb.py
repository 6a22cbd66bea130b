"""CockroachDB connector: the PostgreSQL connector (psycopg 3, CockroachDB speaks PostgreSQL's wire
protocol, ``postgresql://`` URLs) with what CockroachDB does differently.

Written from CockroachDB's documentation and Prisma's schema engine; **never run against a CockroachDB
server** (none can be installed where it was written): the tests use a fake connection and recorded
catalog rows. See ``docs/cockroachdb.md``.

* **Detected by the server**, as Prisma does (its ``Circumstances::IsCockroachDb`` comes from the
  version string): CockroachDB sends a ``crdb_version`` parameter status at connection start,
  which :func:`is_cockroachdb` reads without a query; :func:`schemashift.connectors.connect` then
  hands the open connection to :class:`CockroachConnector`.
* **Session settings** Prisma sets on CockroachDB 22.2+: ``enable_implicit_transaction_for_batch_statements
  = false`` (each statement of a script commits on its own), ``use_declarative_schema_changer =
  off`` (enum values are case-sensitive again), and ``enable_experimental_alter_column_type_general
  = true`` (``ALTER COLUMN ... SET DATA TYPE`` beyond the trivial casts).
* **No advisory locks** (cockroachdb/cockroach#13546). Prisma skips the migration lock on
  CockroachDB; we hold a lease row instead (:meth:`CockroachConnector.advisory_lock`), in the table
  :data:`LOCK_TABLE`, which the describer leaves out.
* **Scripts** run statement by statement (``CockroachDialect.script_mode``), as Prisma's do there.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import psycopg

from . import errors
from .base import APPLICATION_NAME, Connector, LockExtent, LockHolder
from .postgres import PostgresConnector, quote_ident
from .url import ConnectionUrl

if TYPE_CHECKING:
    from schemashift.dialects import Dialect

#: the lease table of the migration lock (left out by the describer, like ``_prisma_migrations``)
LOCK_TABLE = "_schemashift_migrate_lock"
#: a lease older than this is taken over (its holder was killed without releasing it)
LOCK_LEASE_SECONDS = 3600
_LOCK_POLL_SECONDS = 0.25
#: unique violation, duplicate table, serialization failure: a concurrent CREATE TABLE IF NOT EXISTS
_CREATE_RACE_CODES = frozenset({"23505", "42P07", "40001"})

#: Prisma's session settings on CockroachDB (see the module docstring), one round trip
SESSION_SETTINGS = (
    "SET enable_implicit_transaction_for_batch_statements = false; "
    "SET use_declarative_schema_changer = off; "
    "SET enable_experimental_alter_column_type_general = true"
)


def is_cockroachdb(conn: psycopg.Connection[Any]) -> bool:
    """The server is CockroachDB: it reports ``crdb_version`` at connection start (no query)."""
    return conn.info.parameter_status("crdb_version") is not None


def for_server(connector: Connector) -> Connector:
    """``connector`` (just opened on a ``postgresql://`` URL), or a :class:`CockroachConnector` on
    its connection when the server is CockroachDB."""
    if type(connector) is PostgresConnector and is_cockroachdb(connector._conn):
        return CockroachConnector.adopt(connector)
    return connector


class CockroachConnector(PostgresConnector):
    """A connection to CockroachDB. Built by :func:`schemashift.connectors.connect` from the
    PostgreSQL connection it opened (:meth:`adopt`), or directly from a URL."""

    lock_extent: ClassVar[LockExtent] = "schema"  # the lease row is in a table of the schema (see advisory_lock)

    def __init__(self, url: ConnectionUrl) -> None:
        super().__init__(url)
        self._start_session()

    @classmethod
    def adopt(cls, connector: PostgresConnector) -> "CockroachConnector":
        """Take over an open PostgreSQL connector's connection (the server turned out to be
        CockroachDB); ``connector`` must not be used afterwards."""
        self = cls.__new__(cls)
        self.__dict__.update(connector.__dict__)
        self.__dict__.pop("dialect", None)  # the PostgreSQL one, if it was asked for
        self._start_session()
        return self

    def _start_session(self) -> None:
        self._set_session(SESSION_SETTINGS)
        self._lock_holder_name = f"{APPLICATION_NAME} pid {os.getpid()} on {socket.gethostname()}"

    @cached_property
    def dialect(self) -> Dialect:
        """CockroachDB's dialect, whatever the URL's scheme (``postgresql://``)."""
        return self._make_dialect("cockroachdb")

    # ---------------------------------------------------------------- the migration lock

    def _lock_table(self) -> str:
        return f"{quote_ident(self.schema_name)}.{quote_ident(LOCK_TABLE)}"

    @contextmanager
    def advisory_lock(self, timeout: float | None = None) -> Iterator[None]:
        """A lease row instead of PostgreSQL's advisory lock (CockroachDB has none; Prisma takes
        no lock there). The row is inserted when there is none, or when the lease of the one
        there ran out (:data:`LOCK_LEASE_SECONDS`: a holder killed without releasing it); one
        ``INSERT ... ON CONFLICT`` statement, serializable on CockroachDB, so two sessions never
        both get it. Released by deleting the row; waits up to ``timeout`` like the PostgreSQL lock."""
        timeout = self.lock_timeout if timeout is None else timeout
        table = self._lock_table()
        self._ensure_lock_table(table)
        acquire = (
            f"INSERT INTO {table} (id, holder, expires_at) VALUES (1, %s, now() + %s * INTERVAL '1 second')"
            f" ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, acquired_at = now(),"
            f" expires_at = excluded.expires_at WHERE {table}.expires_at < now() RETURNING holder"
        )
        deadline = time.monotonic() + timeout
        announced = False
        while not self.query(acquire, (self._lock_holder_name, LOCK_LEASE_SECONDS)):
            if not announced:
                announced = True
                self._lock_busy(timeout)
            if time.monotonic() >= deadline:
                raise errors.LockTimeout(
                    f"Timed out trying to acquire the migration lock (a row in {LOCK_TABLE}; CockroachDB has"
                    f" no advisory locks). Timeout: {int(timeout * 1000)}ms. If no other migration is running,"
                    f" delete the row: DELETE FROM {table};"
                )
            time.sleep(_LOCK_POLL_SECONDS)
        with self.released_by(f"DELETE FROM {table} WHERE id = 1 AND holder = %s", (self._lock_holder_name,)):
            yield

    def _ensure_lock_table(self, table: str) -> None:
        """``CREATE TABLE IF NOT EXISTS``: sessions creating it at the same moment can get a unique
        violation (PostgreSQL's catalog), a duplicate table, or a serialization failure to retry
        (CockroachDB); each means another session is creating it, so try again."""
        for attempt in range(5):
            try:
                self.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (id INT8 PRIMARY KEY, holder TEXT NOT NULL,"
                    " acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(), expires_at TIMESTAMPTZ NOT NULL)"
                )
                return
            except errors.DatabaseError as exc:
                if exc.db_code not in _CREATE_RACE_CODES or attempt == 4:
                    raise
                time.sleep(_LOCK_POLL_SECONDS)

    def lock_holder(self) -> LockHolder | None:
        row = self.query_one(
            f"SELECT holder, EXTRACT(EPOCH FROM now() - acquired_at)::FLOAT8 FROM {self._lock_table()} WHERE id = 1"
        )
        if row is None:
            return None
        return LockHolder(None, program=str(row[0]), seconds=row[1])

    def drop_invalid_index(self, schema: str | None, name: str) -> bool:
        return False  # no CREATE INDEX CONCURRENTLY leftovers: CockroachDB builds indexes online

    def set_timeouts(self, lock_ms: int | None, statement_ms: int | None) -> None:
        if lock_ms is not None:  # CockroachDB's lock_timeout is a session variable too (v22.1+)
            self._set_session(f"SET lock_timeout = {int(lock_ms)}")
        if statement_ms is not None:
            self._set_session(f"SET statement_timeout = {int(statement_ms)}")


def check_provider(conn: Connector, provider: str) -> None:
    """The schema's provider and the server agree: ``cockroachdb`` on CockroachDB, ``postgresql`` on
    PostgreSQL. Otherwise a clear error before anything is described or applied: the two lower
    the schema to different types (``INTEGER`` against ``INT4``), and every diff would be drift."""
    if conn.url.provider != "postgresql":
        return
    on_cockroach = conn.dialect.name == "cockroachdb"
    where = f"{conn.url.host}:{conn.url.port}"
    if provider == "cockroachdb" and not on_cockroach:
        raise errors.ConnectorError(
            f'The datasource provider is `cockroachdb`, but the server at `{where}` is not CockroachDB.'
            ' Use `provider = "postgresql"` for a PostgreSQL database.',
            secrets=conn.url.secrets,
        )
    if provider in ("postgresql", "postgres") and on_cockroach:
        raise errors.ConnectorError(
            f'The datasource provider is `postgresql`, but the server at `{where}` is CockroachDB.'
            ' Use `provider = "cockroachdb"` (Prisma does not migrate or introspect CockroachDB as PostgreSQL'
            ' either).',
            secrets=conn.url.secrets,
        )
