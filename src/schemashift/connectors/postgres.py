"""PostgreSQL connector (psycopg 3, autocommit, simple-query scripts)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from schemashift.extras import missing

try:
    import psycopg
    from psycopg import sql as pgsql
except ImportError:
    raise missing("psycopg") from None

from . import errors
from .base import APPLICATION_NAME, PG_ADVISORY_LOCK_KEY, Connector, LockExtent, LockHolder, Params, Row
from .tls import is_tls_failure, tls_settings
from .url import ConnectionUrl

_LOCK_POLL_SECONDS = 0.05


def _connect_kwargs(url: ConnectionUrl, database: str, tls: dict[str, str] | None = None) -> dict[str, Any]:
    """psycopg's keyword arguments; ``tls``: the libpq TLS options (:meth:`TlsSettings.libpq_params`)."""
    kwargs: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "user": url.user or None,
        "password": url.password,
        "dbname": database,
        "autocommit": True,
    }
    if url.connect_timeout > 0:
        kwargs["connect_timeout"] = max(1, round(url.connect_timeout))
    kwargs["application_name"] = APPLICATION_NAME
    for name in ("application_name", "options"):
        if url.params.get(name):
            kwargs[name] = url.params[name]
    kwargs.update(tls or {})
    return {k: v for k, v in kwargs.items() if v is not None}


def _open(url: ConnectionUrl, database: str) -> psycopg.Connection[Any]:
    settings = tls_settings(url)
    try:
        with settings.libpq_params() as tls:  # a PKCS#12 identity's PEM files live this long
            conn = psycopg.connect(**_connect_kwargs(url, database, tls))
    except psycopg.Error as exc:
        error = connect_error(url, exc, database)
        if isinstance(error, errors.ServerUnreachable) and is_tls_failure(str(exc)):
            raise settings.handshake_error(url, str(exc)) from None
        raise error from None
    # libpq guarantees it; checked all the same (not on a Unix socket: libpq uses no TLS there)
    if settings.required and not url.host.startswith("/") and not conn.pgconn.ssl_in_use:
        conn.close()
        raise settings.handshake_error(url, "the connection is not encrypted")
    return conn


def connect_error(url: ConnectionUrl, exc: Exception, database: str) -> errors.ConnectorError:
    """Map a connection failure to Prisma's P1000/P1001/P1002/P1003 (never echoing the password)."""
    text = str(exc)
    if "password authentication failed" in text or ("role" in text and "does not exist" in text):
        return errors.authentication_failed(url)
    if f'database "{database}" does not exist' in text:
        return errors.database_does_not_exist(url, database)
    if "timeout expired" in text:
        where = f"`{url.host}`:`{url.port}`"
        return errors.ServerTimeout(
            f"The database server at {where} was reached but timed out.\n\nPlease try again.\n\n"
            f"Please make sure your database server is running at {where}.",
            secrets=url.secrets,
        )
    if "permission denied" in text:
        return errors.access_denied(url, database)
    if "the database system is starting up" in text or "the database system is in recovery mode" in text:
        return errors.server_starting(url)
    return errors.server_unreachable(url)


def statement_error(url: ConnectionUrl, exc: psycopg.Error) -> errors.ConnectorError:
    if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
        return errors.ConnectionClosed("Server has closed the connection.", secrets=url.secrets)
    return errors.DatabaseError(str(exc).strip(), db_code=exc.sqlstate, secrets=url.secrets)


class PostgresConnector(Connector):
    provider = "postgresql"
    lock_extent: ClassVar[LockExtent] = "database"  # pg_advisory_lock keys belong to the database

    def __init__(self, url: ConnectionUrl) -> None:
        super().__init__(url)
        self._conn = _open(url, url.database)
        #: the session settings made after connecting (``set_timeouts``...), made again after the
        #: ``RESET ALL`` of :meth:`switch_to`
        self._session_sql: list[str] = []
        self.execute(f"SET search_path TO {quote_ident(self.schema_name)}")

    def _set_session(self, sql: str) -> None:
        self.execute(sql)
        self._session_sql.append(sql)

    def _run(self, sql: str, params: Params | None) -> psycopg.Cursor[Any]:
        self.queries_sent += 1
        try:
            return self._conn.execute(sql, params)
        except psycopg.Error as exc:
            raise statement_error(self.url, exc) from None

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self._run(sql, params).rowcount

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        cur = self._run(sql, params)
        return cur.fetchall() if cur.description is not None else []

    def execute_script(self, sql: str) -> None:
        """One simple-query round trip, as Prisma sends a migration (implicitly atomic); never a
        prepared statement, however often a connection sends the same script."""
        self.queries_sent += 1
        try:
            self._conn.execute(sql, None, prepare=False)
        except psycopg.Error as exc:
            raise statement_error(self.url, exc) from None

    def execute_atomically(self, parts: Sequence[tuple[str, Params | None]]) -> None:
        """Two round trips: ``BEGIN`` and the statements in one simple query (parameters bound
        client-side by psycopg; ``\\n;`` ends a script's last line comment), then ``COMMIT``. The
        commit is a message of its own, as with :meth:`transaction`: a process killed while the
        server runs the statements leaves nothing committed (the server rolls back when it finds
        the connection gone), instead of a commit landing after the process died."""
        mogrify = psycopg.ClientCursor(self._conn).mogrify
        body = "\n;\n".join(sql if params is None else mogrify(sql, params) for sql, params in parts)
        try:
            self.execute_script(f"BEGIN;\n{body}")
            self.execute("COMMIT")
        except BaseException:
            self.abort_open_transaction()
            raise

    def can_switch_to(self, url: ConnectionUrl) -> bool:
        """Another schema of the same database, with the same user, password and options, on a
        connection that is open and idle (no transaction, failed or not, left open)."""
        if url.provider != self.url.provider or url.schema is None:
            return False
        return _without_schema(url) == _without_schema(self.url) and (
            self._conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        )

    def switch_to(self, url: ConnectionUrl, *, create: bool = False) -> bool:
        """One round trip: ``RESET ALL`` (a migration's session-level ``SET`` does not follow the
        connection to the next schema), the session settings again, the new ``search_path``
        (``create``: then the schema when it is missing)."""
        if not self.can_switch_to(url):
            raise ValueError("switch_to: not another schema of this connection's database")
        statements = ["RESET ALL", *self._session_sql, f"SET search_path TO {quote_ident(url.schema or 'public')}"]
        self.execute_script("; ".join(statements))
        self.url = url
        self.__dict__.pop("dialect", None)  # its default namespace is the schema
        if create:
            self.ensure_namespace()
        return False  # the database is this connection's: it exists

    @contextmanager
    def advisory_lock(self, timeout: float | None = None) -> Iterator[None]:
        timeout = self.lock_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        announced = False
        while not self.query("SELECT pg_try_advisory_lock(%s)", (PG_ADVISORY_LOCK_KEY,))[0][0]:
            if not announced:
                announced = True
                self._lock_busy(timeout)
            if time.monotonic() >= deadline:
                raise errors.LockTimeout(
                    f"Timed out trying to acquire a postgres advisory lock (SELECT pg_advisory_lock"
                    f"({PG_ADVISORY_LOCK_KEY})). Timeout: {int(timeout * 1000)}ms. See"
                    " https://pris.ly/d/migrate-advisory-locking for details."
                )
            time.sleep(_LOCK_POLL_SECONDS)
        with self.released_by("SELECT pg_advisory_unlock(%s)", (PG_ADVISORY_LOCK_KEY,)):
            yield

    def lock_holder(self) -> LockHolder | None:
        """The session holding Prisma's advisory lock in this database (pg_locks: a bigint key is
        classid = high 32 bits, objid = low 32 bits, objsubid = 1), from pg_stat_activity."""
        row = self.query_one(
            "SELECT l.pid, a.application_name, COALESCE(host(a.client_addr), a.client_hostname),"
            " EXTRACT(EPOCH FROM now() - a.backend_start)::float8"
            " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            " AND l.classid = %s AND l.objid = %s"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (PG_ADVISORY_LOCK_KEY >> 32, PG_ADVISORY_LOCK_KEY & 0xFFFFFFFF),
        )
        if row is None:
            return None
        pid, program, client, seconds = row
        if program is not None and not client and seconds is not None:
            client = "local socket"
        return LockHolder(int(pid), program=program or None, client=client or None, seconds=seconds)

    def cancel(self) -> None:
        """libpq's cancel request on a second, short connection (the statement fails with
        SQLSTATE 57014); psycopg's ``cancel_safe`` waits for the request to be sent."""
        self._conn.cancel_safe(timeout=5.0)

    def ensure_namespace(self) -> None:
        schema = self.schema_name
        if self.query_one("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)) is None:
            _create_schema(self._conn, self.url)

    def _table_statistics(self, schema: str | None) -> list[tuple[str, int | None]]:
        rows = self.query(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            (schema or self.schema_name,),
        )
        return [(str(name), None if n is None else int(n)) for name, n in rows]

    def index_tables(self, schema: str | None = None) -> dict[str, str]:
        rows = self.query("SELECT indexname, tablename FROM pg_indexes WHERE schemaname = %s", (schema or self.schema_name,))
        return {str(index): str(table) for index, table in rows}

    def existing_namespaces(self, names: Sequence[str]) -> set[str]:
        return {row[0] for row in self.query("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", (list(names),))}

    def reset(self, namespaces: Sequence[str] = ()) -> None:
        schema = quote_ident(self.schema_name)
        drops = "".join(
            f"DROP SCHEMA IF EXISTS {quote_ident(ns)} CASCADE; " for ns in dict.fromkeys([self.schema_name, *namespaces])
        )
        self.execute_script(f"{drops}CREATE SCHEMA {schema};")

    def set_timeouts(self, lock_ms: int | None, statement_ms: int | None) -> None:
        if lock_ms is not None:
            self._set_session(f"SET lock_timeout = {int(lock_ms)}")
        if statement_ms is not None:
            self._set_session(f"SET statement_timeout = {int(statement_ms)}")

    def server_version(self) -> str:
        return str(self.query("SHOW server_version")[0][0])

    def drop_invalid_index(self, schema: str | None, name: str) -> bool:
        namespace = schema or self.schema_name
        invalid = self.query_one(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = %s AND n.nspname = %s AND NOT i.indisvalid",
            (name, namespace),
        )
        if invalid is None:
            return False
        self.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote_ident(namespace)}.{quote_ident(name)}")
        return True

    def dialect_options(self) -> dict[str, object]:
        """The connection's schema (``?schema=``) is the default namespace: names in it are
        written unqualified, and a drop to the empty database is qualified with it."""
        return {"default_namespace": self.schema_name}

    def close(self) -> None:
        self._conn.close()


def _without_schema(url: ConnectionUrl) -> ConnectionUrl:
    """The URL with its ``?schema=`` left out (what every schema of a database shares)."""
    params = {k: v for k, v in url.params.items() if k != "schema"}
    return dataclasses.replace(url, schema=None, params=params)


def quote_ident(name: str) -> str:
    from schemashift.dialects.postgres import quote  # the dialect's one quoting function

    return quote(name)


def _admin(url: ConnectionUrl) -> psycopg.Connection[Any]:
    """A connection to the maintenance database (``postgres``, else ``template1``), like Prisma."""
    try:
        return _open(url, "postgres")
    except errors.DatabaseDoesNotExist:
        return _open(url, "template1")


def _create(url: ConnectionUrl) -> bool:
    """``CREATE DATABASE``; False when it exists. Two sessions creating the same database at once
    can also fail with a unique violation on ``pg_database`` (the other one committed first)."""
    with _admin(url) as conn:
        try:
            conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(url.database)))
        except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            return False
        except psycopg.Error as exc:
            raise statement_error(url, exc) from None
    return True


def _create_schema(conn: psycopg.Connection[Any], url: ConnectionUrl) -> None:
    """``CREATE SCHEMA IF NOT EXISTS``; racing sessions can get a unique violation on
    ``pg_namespace`` instead of the notice, which means the schema is there."""
    try:
        conn.execute(pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(pgsql.Identifier(url.schema or "public")))
    except (psycopg.errors.DuplicateSchema, psycopg.errors.UniqueViolation):
        pass
    except psycopg.Error as exc:
        raise statement_error(url, exc) from None


def create_database(url: ConnectionUrl) -> None:
    """``CREATE DATABASE``, then ``CREATE SCHEMA IF NOT EXISTS`` for the URL's schema (as Prisma
    does, also when the database was already there, which is still reported as P1009)."""
    created = _create(url)
    with _open(url, url.database) as conn:
        _create_schema(conn, url)
    if not created:
        raise errors.DatabaseAlreadyExists(
            f"Database `{url.database}` already exists on the database server at `{url.host}:{url.port}`",
            secrets=url.secrets,
        )


def create_database_if_missing(url: ConnectionUrl) -> bool:
    return _create(url)


def drop_database(url: ConnectionUrl) -> None:
    with _admin(url) as conn:
        try:
            conn.execute(pgsql.SQL("DROP DATABASE IF EXISTS {}").format(pgsql.Identifier(url.database)))
        except psycopg.Error as exc:
            raise statement_error(url, exc) from None


def database_exists(url: ConnectionUrl) -> bool:
    with _admin(url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
        return row is not None
