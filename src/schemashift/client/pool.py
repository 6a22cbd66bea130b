"""The client's connection pool, sized by the URL as Prisma's: ``connection_limit`` (default: twice
the CPUs plus one) and ``pool_timeout`` (seconds to wait for a free connection, default 10, 0 =
no limit; past it: P2024).

Hand-written rather than psycopg_pool: one pool for the three databases in both modes (there is
no such library for PyMySQL/asyncmy/sqlite3), connections opened on demand *in the caller*, so a
bad password or an unreachable server fails at once with the connectors' P1000/P1001 errors
(psycopg_pool opens connections in background workers and retries: a caller only sees a pool
timeout), and a check-out that is a lock and a list pop on the 10k round-trip hot path. A
connection goes back to the pool only when it is idle (no transaction open, no statement cut
short by a cancellation); otherwise it is closed and its slot freed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from schemashift.client import errors
from schemashift.client.executor import Connection, await_only, close_async, default_limit

__all__ = ["Pool", "AsyncPool", "PoolTimeoutError", "pool_settings"]

DEFAULT_TIMEOUT = 10.0


class PoolTimeoutError(errors.ClientError):
    code = "P2024"


def pool_settings(params: Any) -> tuple[int, float | None]:
    """``(connection_limit, pool_timeout)`` from the URL's parameters (timeout None: wait forever)."""
    raw_limit, raw_timeout = params.get("connection_limit"), params.get("pool_timeout")
    try:
        limit = int(raw_limit) if raw_limit else default_limit()
    except ValueError:
        raise errors.ClientError(f"`connection_limit` in the database URL must be a whole number, not `{raw_limit}`.") from None
    try:
        timeout = float(raw_timeout) if raw_timeout else DEFAULT_TIMEOUT
    except ValueError:
        raise errors.ClientError(f"`pool_timeout` in the database URL must be a number of seconds, not `{raw_timeout}`.") from None
    if limit < 1:
        raise errors.ClientError("`connection_limit` in the database URL must be at least 1.")
    return limit, (timeout if timeout > 0 else None)


def _wait(pool_timeout: float | None, max_wait: float | None) -> tuple[float | None, bool]:
    """How long a check-out may wait, and whether that is a transaction's ``max_wait`` (shorter
    than the pool's timeout)."""
    if max_wait is not None and (pool_timeout is None or max_wait < pool_timeout):
        return max(max_wait, 0.0), True
    return pool_timeout, False


def _timeout_error(limit: int, timeout: float | None, for_tx: bool = False) -> errors.ClientError:
    if for_tx:
        return errors.TransactionStartError()
    return PoolTimeoutError(
        "Timed out fetching a new connection from the connection pool. More info: http://pris.ly/d/connection-pool "
        f"(Current connection pool timeout: {timeout:g}, connection limit: {limit})"
    )


class Pool:
    """A thread-safe pool of synchronous connections."""

    def __init__(self, opener: Callable[[], Connection], limit: int, timeout: float | None) -> None:
        self._open = opener
        self.limit = limit
        self.timeout = timeout
        self.idle: list[Connection] = []
        self.size = 0  # open connections, idle or checked out
        self._cond = threading.Condition(threading.Lock())
        self.closed = False

    def get(self, max_wait: float | None = None) -> Connection:
        """A connection, waiting up to the pool's timeout (P2024), or up to ``max_wait`` when
        shorter (a transaction's: P2028)."""
        with self._cond:
            if self.idle:
                return self.idle.pop()
            wait, for_tx = _wait(self.timeout, max_wait)
            deadline = None if wait is None else time.monotonic() + wait
            while self.size >= self.limit:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise _timeout_error(self.limit, self.timeout, for_tx)
                self._cond.wait(remaining)
                if self.idle:
                    return self.idle.pop()
            self.size += 1
        try:
            return self._open()
        except BaseException:
            with self._cond:
                self.size -= 1
                self._cond.notify()
            raise

    def put(self, conn: Connection) -> None:
        keep = not self.closed and conn.reusable()
        if not keep:
            conn.close()
        with self._cond:
            if keep:
                self.idle.append(conn)
            else:
                self.size -= 1
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            idle, self.idle = self.idle, []
            self.size -= len(idle)
        for conn in idle:
            conn.close()


class AsyncPool:
    """A pool of asynchronous connections for the tasks of one event loop; waiters are served
    first come, first served."""

    def __init__(self, opener: Callable[[], Awaitable[Connection]], limit: int, timeout: float | None) -> None:
        self._open = opener
        self.limit = limit
        self.timeout = timeout
        self.idle: list[Connection] = []
        self.size = 0
        self._waiters: deque[asyncio.Future[Connection | None]] = deque()
        self.closed = False
        self.loop = asyncio.get_running_loop()  # the connections belong to it

    async def acquire(self, max_wait: float | None = None) -> Connection:
        """:meth:`Pool.get` for a task."""
        loop = asyncio.get_running_loop()
        wait, for_tx = _wait(self.timeout, max_wait)
        deadline = None if wait is None else loop.time() + wait
        while True:
            if self.idle:
                return self.idle.pop()
            if self.size < self.limit:
                return await self._new()
            waiter: asyncio.Future[Connection | None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    conn = await waiter
            except BaseException as exc:
                if waiter.done() and not waiter.cancelled() and (given := waiter.result()) is not None:
                    await self.release(given)  # handed over as we gave up: pass it on
                elif not waiter.done():
                    waiter.cancel()
                if isinstance(exc, TimeoutError):
                    raise _timeout_error(self.limit, self.timeout, for_tx) from None
                raise
            if conn is not None:
                return conn
            # None: a slot was freed; take it (or wait again if another task was first)

    async def _new(self) -> Connection:
        self.size += 1
        try:
            return await self._open()
        except BaseException:
            self.size -= 1
            self._wake(None)
            raise

    def _wake(self, conn: Connection | None) -> bool:
        """Hand ``conn`` (or the news of a freed slot: None) to the first task still waiting."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return True
        return False

    async def release(self, conn: Connection) -> None:
        if not self.closed and conn.reusable():
            if not self._wake(conn):
                self.idle.append(conn)
            return
        self.size -= 1
        await close_async(conn)
        if not self.closed:
            self._wake(None)

    def get(self) -> Connection:
        """:meth:`acquire` from engine code (under :func:`schemashift.client.executor.run_async`)."""
        return await_only(self.acquire())

    def put(self, conn: Connection) -> None:
        await_only(self.release(conn))

    async def close(self) -> None:
        self.closed = True
        idle, self.idle = self.idle, []
        self.size -= len(idle)
        for conn in idle:
            await close_async(conn)
