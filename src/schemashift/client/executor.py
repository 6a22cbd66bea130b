"""The client's execution layer: driver connections behind one small interface, and the bridge
that runs the one query engine natively on asyncio.

The engine (:mod:`schemashift.client.engine`) builds SQL and decodes rows; it sends each statement
through a :class:`Connection` (``fetch``/``execute``/``insert_id``/``fetch_dicts``), which it gets
from the client's pool (:mod:`schemashift.client.pool`). The same engine code serves both modes:

- synchronous: psycopg, PyMySQL and sqlite3 connections, called directly;
- asynchronous: psycopg's ``AsyncConnection`` and asyncmy connections. The engine's
  code runs in a greenlet inside the calling task (:func:`run_async`); each statement suspends it
  (:func:`await_only`) while the task awaits the driver on the event loop: no thread, and no hop
  to one, per query (SQLAlchemy's asyncio extension works the same way). SQLite, whose driver
  blocks, gets one thread per connection: a whole operation runs there, one hop per operation.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from schemashift.client import errors

try:  # the postgres and mysql extras install it; the SQLite client needs none
    from greenlet import getcurrent, greenlet  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover
    getcurrent = greenlet = None

T = TypeVar("T")
Row = tuple[Any, ...]

__all__ = ["Connection", "await_only", "run_async", "open_sync", "open_async"]


# ---------------------------------------------------------------------------- the bridge


if greenlet is not None:

    class _EngineGreenlet(greenlet):  # type: ignore[misc]
        """A greenlet running engine code for an asyncio task (its parent)."""


async def run_async(fn: Callable[..., T], *args: Any) -> T:
    """Run synchronous engine code ``fn(*args)`` in the current task: each :func:`await_only`
    inside it hands an awaitable here, which this coroutine awaits and answers."""
    if greenlet is None:  # pragma: no cover - the postgres and mysql extras install it
        from schemashift.extras import missing

        raise missing("greenlet")
    g = _EngineGreenlet(fn, getcurrent())
    g.gr_context = contextvars.copy_context()  # the task's context variables, visible inside
    step = g.switch(*args)
    while not g.dead:
        try:
            value = await step
        except BaseException as exc:  # noqa: BLE001 - thrown into the engine (its rollback), then out
            step = g.throw(exc)
        else:
            step = g.switch(value)
    return step  # type: ignore[no-any-return]


def await_only(awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` from engine code running under :func:`run_async`."""
    current = getcurrent()
    if not isinstance(current, _EngineGreenlet):
        raise errors.ClientError("An async connection was used outside the async client's call.")
    return current.parent.switch(awaitable)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- connections


class Connection:
    """One driver connection, in autocommit mode. ``depth``: the engine's transaction depth on it;
    ``broken``: a statement did not finish (cancelled, connection lost): the pool closes it
    instead of reusing it."""

    __slots__ = ("raw", "depth", "broken", "closer")

    def __init__(self, raw: Any, closer: Any = None) -> None:
        self.raw = raw
        self.depth = 0
        self.broken = False
        self.closer = closer if closer is not None else raw  # what close() is called on

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        raise NotImplementedError

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        raise NotImplementedError

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT; the generated id (MySQL's ``LAST_INSERT_ID()``)."""
        raise NotImplementedError

    def fetch_dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def reusable(self) -> bool:
        return not self.broken and self.depth == 0

    def close(self) -> None:
        try:
            self.closer.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close: it is dropped anyway
            pass


def _dicts(description: Any, rows: Sequence[Row]) -> list[dict[str, Any]]:
    names = [d[0] for d in description or ()]
    return [dict(zip(names, row)) for row in rows]


class _DbapiConnection(Connection):
    """psycopg and sqlite3: ``connection.execute`` returns the cursor."""

    __slots__ = ()

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        self.broken = True
        rows = self.raw.execute(sql, params).fetchall()
        self.broken = False
        return rows  # type: ignore[no-any-return]

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        self.broken = True
        count = self.raw.execute(sql, params).rowcount
        self.broken = False
        return count  # type: ignore[no-any-return]

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        self.broken = True
        last = self.raw.execute(sql, params).lastrowid
        self.broken = False
        return last  # type: ignore[no-any-return]

    def fetch_dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        self.broken = True
        cur = self.raw.execute(sql, params)
        out = _dicts(cur.description, cur.fetchall() if cur.description is not None else [])
        self.broken = False
        return out


_PG_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open, no statement running


class _PgConnection(_DbapiConnection):
    __slots__ = ()

    def reusable(self) -> bool:
        return super().reusable() and self.raw.pgconn.transaction_status == _PG_IDLE


class _MysqlConnection(Connection):
    """PyMySQL: a (buffered) cursor per statement."""

    __slots__ = ()

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        self.broken = True
        cur = self.raw.cursor()
        cur.execute(sql, params)
        self.broken = False
        return cur

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return list(self._run(sql, params).fetchall())

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._run(sql, params).rowcount)

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._run(sql, params).lastrowid)

    def fetch_dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cur = self._run(sql, params)
        return _dicts(cur.description, cur.fetchall())


class _AsyncPgConnection(_PgConnection):
    """psycopg's ``AsyncConnection``, driven from engine code through :func:`await_only`."""

    __slots__ = ()

    async def _fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        cur = await self.raw.execute(sql, params)
        return await cur.fetchall()  # type: ignore[no-any-return]

    async def _execute(self, sql: str, params: Sequence[Any]) -> int:
        return (await self.raw.execute(sql, params)).rowcount  # type: ignore[no-any-return]

    async def _fetch_dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cur = await self.raw.execute(sql, params)
        return _dicts(cur.description, await cur.fetchall() if cur.description is not None else [])

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        self.broken = True
        rows = await_only(self._fetch(sql, params))
        self.broken = False
        return rows

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        self.broken = True
        count = await_only(self._execute(sql, params))
        self.broken = False
        return count

    def fetch_dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        self.broken = True
        out = await_only(self._fetch_dicts(sql, params))
        self.broken = False
        return out


class _AsyncMysqlConnection(Connection):
    """asyncmy (MySQL's protocol on asyncio), driven through :func:`await_only`."""

    __slots__ = ()

    async def _run(self, sql: str, params: Sequence[Any], what: str) -> Any:
        cur = self.raw.cursor()
        await cur.execute(sql, params)
        if what == "rows":
            return await cur.fetchall()
        if what == "dicts":
            return _dicts(cur.description, await cur.fetchall())
        return cur.lastrowid if what == "id" else cur.rowcount

    def _call(self, sql: str, params: Sequence[Any], what: str) -> Any:
        self.broken = True
        out = await_only(self._run(sql, params, what))
        self.broken = False
        return out

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return list(self._call(sql, params, "rows"))

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._call(sql, params, "count"))

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._call(sql, params, "id"))

    def fetch_dicts(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        return self._call(sql, params, "dicts")  # type: ignore[no-any-return]


class SqliteThreadConnection(_DbapiConnection):
    """An async client's SQLite connection: opened on, and only used from, a thread of its own;
    :meth:`run` runs a whole engine operation there."""

    __slots__ = ("thread",)

    def __init__(self, raw: Any, thread: ThreadPoolExecutor) -> None:
        super().__init__(raw)
        self.thread = thread

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on this connection's thread, in the task's context. A cancelled caller
        still waits for the thread to finish the operation (it cannot be interrupted), so the
        connection goes back to the pool idle."""
        done = self.thread.submit(contextvars.copy_context().run, fn, *args)
        try:
            return await asyncio.wrap_future(done)
        except asyncio.CancelledError:
            if not done.cancelled():  # it started: wait for the thread to finish it
                try:
                    await asyncio.wrap_future(done)
                except BaseException:  # noqa: BLE001 - the cancellation is what the caller sees
                    pass
            raise

    def close(self) -> None:
        super().close()  # sqlite3 allows closing from another thread (check_same_thread=False)
        self.thread.shutdown(wait=False)


# ---------------------------------------------------------------------------- opening


def _open_sqlite(url: Any) -> sqlite3.Connection:
    from schemashift.connectors import sqlite as sqlite_connector

    path = url.path
    if not path.parent.is_dir():
        raise sqlite_connector._not_found(path)
    # the pool hands a connection to one user at a time, whatever its thread
    conn = sqlite3.connect(path, isolation_level=None, timeout=sqlite_connector._BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_sync(url: Any) -> Connection:
    """A synchronous connection for a parsed URL (:class:`schemashift.connectors.url.ConnectionUrl`)."""
    if url.provider == "sqlite":
        return _DbapiConnection(_open_sqlite(url))
    if url.provider == "mysql":
        from pymysql.constants import CLIENT  # type: ignore[import-untyped]

        from schemashift.connectors import mysql

        # matched (not changed) rows in update counts, as Prisma reports them
        return _MysqlConnection(mysql.connect_raw(url, url.database, client_flag=CLIENT.FOUND_ROWS))
    from schemashift import connectors

    connector = connectors.connect(url)
    return _PgConnection(connector._conn, closer=connector)  # type: ignore[attr-defined]


async def open_async(url: Any) -> Connection:
    """An asynchronous connection for a parsed URL."""
    if url.provider == "sqlite":
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemashift-sqlite")
        try:
            raw = await asyncio.get_running_loop().run_in_executor(thread, _open_sqlite, url)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        return SqliteThreadConnection(raw, thread)
    if url.provider == "mysql":
        return _AsyncMysqlConnection(await _open_asyncmy(url))
    return _AsyncPgConnection(await _open_async_pg(url))


async def _open_asyncmy(url: Any) -> Any:
    try:
        import asyncmy
        from asyncmy.constants import CLIENT
        from asyncmy.errors import MySQLError
    except ImportError:  # pragma: no cover - the mysql extra installs it
        from schemashift.extras import missing

        raise missing("asyncmy") from None
    from schemashift.connectors import mysql

    kwargs = mysql._connect_kwargs(url, url.database)
    kwargs.pop("ssl_disabled", None)  # asyncmy: no ssl argument is no TLS
    try:
        return await asyncmy.connect(client_flag=CLIENT.FOUND_ROWS, **kwargs)
    except MySQLError as exc:
        raise mysql.connect_error(url, exc, url.database) from None


async def _open_async_pg(url: Any) -> Any:
    import psycopg

    from schemashift.connectors import postgres
    from schemashift.connectors.tls import tls_settings
    from schemashift.dialects.postgres import quote

    settings = tls_settings(url)
    try:
        with settings.libpq_params() as tls:
            conn = await psycopg.AsyncConnection.connect(**postgres._connect_kwargs(url, url.database, tls))
    except psycopg.Error as exc:
        raise postgres.connect_error(url, exc, url.database) from None
    if settings.required and not url.host.startswith("/") and not conn.pgconn.ssl_in_use:
        await conn.close()
        raise settings.handshake_error(url, "the connection is not encrypted")
    await conn.execute(f"SET search_path TO {quote(url.schema or 'public')}")
    return conn


async def close_async(conn: Connection) -> None:
    """Close an async connection (psycopg's ``AsyncConnection.close`` is a coroutine)."""
    try:
        result = conn.raw.close()
        if asyncio.iscoroutine(result):
            await result
    except Exception:  # noqa: BLE001 - dropped either way
        pass
    if isinstance(conn, SqliteThreadConnection):
        conn.thread.shutdown(wait=False)


def default_limit() -> int:
    """Prisma's default pool size: twice the CPUs, plus one."""
    return (os.cpu_count() or 1) * 2 + 1
