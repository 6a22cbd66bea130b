"""MySQL / MariaDB connector (PyMySQL, autocommit, scripts split client-side)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from schemashift.extras import missing

try:
    import pymysql  # type: ignore[import-untyped]
    from pymysql.constants import SERVER_STATUS  # type: ignore[import-untyped]
except ImportError:
    raise missing("pymysql") from None

from . import errors
from .base import APPLICATION_NAME, MYSQL_LOCK_NAME, Connector, LockHolder, Params, Row
from .sqltext import split_mysql
from .tls import is_tls_failure, tls_settings
from .url import ConnectionUrl

#: What Prisma creates databases with.
CREATE_DATABASE_OPTIONS = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

_AUTH_FAILED = {1045, 1698}
_UNKNOWN_DATABASE = 1049
_ACCESS_DENIED_DB = 1044
_DB_EXISTS = 1007
#: 2013 at connect time: the server closed the connection during the handshake (still starting).
_UNREACHABLE = {2002, 2003, 2005, 2006, 2013}
_CONNECTION_LOST = {2006, 2013}


_SQL_MODE = "SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')"
SESSION_SQL_MODE = f"SET {_SQL_MODE}"
#: COM_RESET_CONNECTION (MySQL 5.7.3+, MariaDB 10.2.4+): the session as a new connection's, in one
#: round trip (variables, temporary tables, user locks, transaction; character set and autocommit
#: back to the server's defaults). PyMySQL has no call for it.
_COM_RESET_CONNECTION = 0x1F


def _connect_kwargs(url: ConnectionUrl, database: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "user": url.user or "root",
        "password": url.password or "",
        "database": database,
        "autocommit": True,
        "charset": "utf8mb4",
        "program_name": APPLICATION_NAME,
        # the scripts escape backslashes in string literals (dialects/mysql.py): a server whose
        # sql_mode has NO_BACKSLASH_ESCAPES would store each one twice
        "init_command": SESSION_SQL_MODE,
    }
    if url.connect_timeout > 0:
        kwargs["connect_timeout"] = url.connect_timeout
    settings = tls_settings(url)
    if settings.mode == "disable":
        kwargs["ssl_disabled"] = True
    elif settings.required:  # PyMySQL >= 1.2 refuses a server without TLS when given a context
        kwargs["ssl"] = settings.ssl_context()
    if url.host.startswith("/"):
        kwargs["unix_socket"] = url.host
    else:
        kwargs["host"], kwargs["port"] = url.host, url.port
    return kwargs


def connect_error(url: ConnectionUrl, exc: pymysql.MySQLError, database: str | None) -> errors.ConnectorError:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    if code in _AUTH_FAILED:
        return errors.authentication_failed(url)
    if code == _UNKNOWN_DATABASE:
        return errors.database_does_not_exist(url, database)
    if code == _ACCESS_DENIED_DB:
        return errors.access_denied(url, database)
    if code in _UNREACHABLE or code is None:
        return errors.server_unreachable(url)
    return statement_error(url, exc)


def statement_error(url: ConnectionUrl, exc: pymysql.MySQLError, index: int | None = None) -> errors.ConnectorError:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    if code in _CONNECTION_LOST:
        return errors.ConnectionClosed("Server has closed the connection.", secrets=url.secrets)
    message = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
    if index is not None:
        message += f"\n\nPlease check the query number {index + 1} from the migration file."
    return errors.DatabaseError(message, db_code=str(code) if code is not None else None, statement_index=index, secrets=url.secrets)


def _open(url: ConnectionUrl, database: str | None) -> pymysql.connections.Connection[Any]:
    return connect_raw(url, database)


def connect_raw(url: ConnectionUrl, database: str | None, **extra: Any) -> pymysql.connections.Connection[Any]:
    """A PyMySQL connection with the URL's options and TLS (``extra``: more PyMySQL arguments,
    e.g. the generated client's ``client_flag``); connection failures mapped to Prisma's codes."""
    kwargs = {**_connect_kwargs(url, database), **extra}
    try:
        return pymysql.connect(**kwargs)
    except pymysql.MySQLError as exc:
        error = connect_error(url, exc, database)
        message = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
        if isinstance(error, errors.ServerUnreachable | errors.DatabaseError) and is_tls_failure(message):
            raise tls_settings(url).handshake_error(url, _tls_reason(message)) from None
        raise error from None


def _tls_reason(message: str) -> str:
    """PyMySQL wraps an OpenSSL failure as "Can't connect to MySQL server on 'h' ([SSL: ...] ...)"."""
    start = message.find("(")
    return message[start + 1 : message.rfind(")")] if start >= 0 and "SSL" in message[start:] else message


def quote_ident(name: str) -> str:
    from schemashift.dialects.mysql import quote  # the dialect's one quoting function

    return quote(name)


class MysqlConnector(Connector):
    provider = "mysql"
    lock_extent = "server"  # GET_LOCK names are server-wide

    def __init__(self, url: ConnectionUrl) -> None:
        super().__init__(url)
        self._conn = _open(url, url.database)
        self._mariadb: bool | None = None
        #: The server's id of this connection, for ``KILL QUERY`` from another connection.
        self.connection_id: int = self._conn.thread_id()
        #: the session settings made after connecting (``set_timeouts``), as ``SET`` assignments,
        #: made again after :meth:`switch_to` resets the session
        self._session_sets: list[str] = []

    def _run(self, sql: str, params: Params | None, index: int | None = None) -> pymysql.cursors.Cursor:
        self.queries_sent += 1
        cur = self._conn.cursor()
        try:
            cur.execute(sql, tuple(params) if params is not None else None)
        except pymysql.MySQLError as exc:
            cur.close()
            raise statement_error(self.url, exc, index) from None
        return cur

    def execute(self, sql: str, params: Params | None = None) -> int:
        cur = self._run(sql, params)
        cur.close()
        rowcount: int = cur.rowcount
        return rowcount

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._run(sql, params) as cur:
            return list(cur.fetchall())

    def execute_script(self, sql: str) -> None:
        """Statement by statement; an error names the failing statement like Prisma does."""
        for index, statement in enumerate(split_mysql(sql)):
            self._run(statement, None, index).close()

    _begin_sql = "START TRANSACTION"

    @contextmanager
    def advisory_lock(self, timeout: float | None = None) -> Iterator[None]:
        timeout = self.lock_timeout if timeout is None else timeout
        got = self.query("SELECT GET_LOCK(%s, 0)", (MYSQL_LOCK_NAME,))[0][0]
        if got != 1:
            self._lock_busy(timeout)
            got = self.query("SELECT GET_LOCK(%s, %s)", (MYSQL_LOCK_NAME, max(0.0, float(timeout))))[0][0]  # fractional seconds
        if got != 1:
            raise errors.LockTimeout(
                f"Timed out trying to acquire the migration lock (SELECT GET_LOCK('{MYSQL_LOCK_NAME}'))."
                f" Timeout: {int(timeout * 1000)}ms."
            )
        with self.released_by("SELECT RELEASE_LOCK(%s)", (MYSQL_LOCK_NAME,)):
            yield

    def lock_holder(self) -> LockHolder | None:
        """The connection holding ``prisma_migrate`` (IS_USED_LOCK), from the processlist; its
        program name from performance_schema when that is enabled (MariaDB: off by default)."""
        row = self.query_one(
            "SELECT p.ID, p.HOST, p.TIME FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(%s)",
            (MYSQL_LOCK_NAME,),
        )
        if row is None:
            return None
        holder_id, client, seconds = row
        try:
            attr = self.query_one(
                "SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs"
                " WHERE PROCESSLIST_ID = %s AND ATTR_NAME = 'program_name'",
                (holder_id,),
            )
        except errors.DatabaseError:  # performance_schema missing or not readable
            attr = None
        return LockHolder(
            int(holder_id),
            label="connection",
            program=str(attr[0]) if attr else None,
            client=str(client).rsplit(":", 1)[0] if client else None,
            seconds=float(seconds) if seconds is not None else None,
        )

    def cancel(self) -> None:
        """``KILL QUERY`` from a second, short connection: the statement fails (error 1317) and
        this connection stays open and usable."""
        conn = _open(self.url, None)
        try:
            with conn.cursor() as cur:
                cur.execute(f"KILL QUERY {int(self.connection_id)}")
        except pymysql.MySQLError as exc:
            raise statement_error(self.url, exc) from None
        finally:
            conn.close()

    def reset(self, namespaces: Sequence[str] = ()) -> None:
        """Drop and recreate the database (what Prisma does on MySQL), then use it again."""
        name = quote_ident(self.url.database)
        self.execute(f"DROP DATABASE IF EXISTS {name}")
        self.execute(f"CREATE DATABASE {name} {CREATE_DATABASE_OPTIONS}")
        self.execute(f"USE {name}")

    def set_timeouts(self, lock_ms: int | None, statement_ms: int | None) -> None:
        sets = []
        if lock_ms is not None:
            seconds = max(1, -(-int(lock_ms) // 1000))  # whole seconds, rounded up
            sets += [f"SESSION lock_wait_timeout = {seconds}", f"SESSION innodb_lock_wait_timeout = {seconds}"]
        if statement_ms is not None:
            sets.append(
                f"SESSION max_statement_time = {int(statement_ms) / 1000}"
                if self.is_mariadb
                else f"SESSION max_execution_time = {int(statement_ms)}"
            )
        if sets:
            self.execute(f"SET {', '.join(sets)}")
            self._session_sets += sets

    def can_switch_to(self, url: ConnectionUrl) -> bool:
        """Another database of the same server, with the same user, password and options, on a
        connection that is open and idle (no transaction left open)."""
        if url.provider != self.url.provider:
            return False
        in_transaction = self._conn.server_status & SERVER_STATUS.SERVER_STATUS_IN_TRANS
        return _without_database(url) == _without_database(self.url) and bool(self._conn.open) and not in_transaction

    def switch_to(self, url: ConnectionUrl, *, create: bool = False) -> bool:
        """Three round trips: ``COM_RESET_CONNECTION`` (a migration's session variables, temporary
        tables and ``GET_LOCK`` locks do not follow the connection to the next database), one
        ``SET`` of what connecting sets (character set, sql_mode, autocommit) and of the timeouts,
        then ``USE`` the database (``create``: ``CREATE DATABASE`` first when it is missing, as
        Prisma creates it)."""
        if not self.can_switch_to(url):
            raise ValueError("switch_to: not another database of this connection's server")
        conn = self._conn
        collation = f" COLLATE {conn.collation}" if conn.collation else ""
        sets = [f"NAMES {conn.charset}{collation}", _SQL_MODE, "SESSION autocommit = 1", *self._session_sets]
        self.queries_sent += 1
        try:
            conn._execute_command(_COM_RESET_CONNECTION, b"")
            conn._read_ok_packet()
        except pymysql.MySQLError as exc:
            raise statement_error(self.url, exc) from None
        self.execute(f"SET {', '.join(sets)}")
        self.url = url
        name = quote_ident(url.database)
        try:
            self.execute(f"USE {name}")
            return False
        except errors.DatabaseError as exc:
            if exc.db_code != str(_UNKNOWN_DATABASE):
                raise
            if not create:
                raise errors.database_does_not_exist(url, url.database) from None
        created = self.execute(f"CREATE DATABASE IF NOT EXISTS {name} {CREATE_DATABASE_OPTIONS}") == 1
        self.execute(f"USE {name}")
        return created

    def _table_statistics(self, schema: str | None) -> list[tuple[str, int | None]]:
        rows = self.query(
            "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s"
            " AND TABLE_TYPE = 'BASE TABLE'",
            (schema or self.schema_name,),
        )
        return [(str(name), None if n is None else int(n)) for name, n in rows]

    def server_version(self) -> str:
        return str(self.query("SELECT VERSION()")[0][0])


    @property
    def is_mariadb(self) -> bool:
        if self._mariadb is None:
            self._mariadb = "mariadb" in self.server_version().lower()
        return self._mariadb

    def dialect_options(self) -> dict[str, object]:
        return {"mariadb": True} if self.is_mariadb else {}

    def close(self) -> None:
        if self._conn.open:
            self._conn.close()


def _without_database(url: ConnectionUrl) -> ConnectionUrl:
    """The URL without its database (what every database of a server shares)."""
    return dataclasses.replace(url, database="")


def create_database(url: ConnectionUrl) -> None:
    conn = _open(url, None)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {quote_ident(url.database)} {CREATE_DATABASE_OPTIONS}")
    except pymysql.MySQLError as exc:
        if exc.args and exc.args[0] == _DB_EXISTS:
            raise errors.DatabaseAlreadyExists(
                f"Database `{url.database}` already exists on the database server at `{url.host}:{url.port}`",
                secrets=url.secrets,
            ) from None
        raise statement_error(url, exc) from None
    finally:
        conn.close()


def drop_database(url: ConnectionUrl) -> None:
    conn = _open(url, None)
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {quote_ident(url.database)}")
    except pymysql.MySQLError as exc:
        raise statement_error(url, exc) from None
    finally:
        conn.close()


def database_exists(url: ConnectionUrl) -> bool:
    conn = _open(url, None)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (url.database,))
            return cur.fetchone() is not None
    finally:
        conn.close()
