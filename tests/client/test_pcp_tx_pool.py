"""prisma-client-py's ``tx()`` on the client's pool: the transaction holds one pooled connection,
its timeout rolls it back and gives the connection back to the pool (sync: a timer thread,
SQLite included; async: the event loop's timer), and on the async client the whole transaction
(BEGIN, its operations, COMMIT, the timeout's ROLLBACK) runs in the calling task without a
thread — on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from prisma_py_helpers import make_prisma, purge
from test_client_async import server, with_params  # noqa: F401 - the `server` fixture

from schemashift.client import executor

SHORT = datetime.timedelta(milliseconds=150)
#: the transaction of the pool test, and the wait for a connection (shorter: it sees the pool used up)
TIMEOUT = datetime.timedelta(seconds=1)


@pytest.fixture(params=["sync", "asyncio"])
def one_connection(
    request: pytest.FixtureRequest, tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]
) -> Iterator[tuple[ModuleType, str]]:
    """The package on a pool of one connection (a short wait for it), and its interface."""
    interface = str(request.param)
    yield make_prisma(tmp_path, provider, with_params(db_url, connection_limit=1, pool_timeout=0.1), run_cli, interface), interface
    purge()


def test_timeout_gives_the_connection_back(one_connection: tuple[ModuleType, str]) -> None:
    prisma, interface = one_connection
    errors = prisma.errors
    busy = "Timed out fetching a new connection"
    if interface == "sync":
        with prisma.Prisma() as db:
            manager = db.tx(timeout=TIMEOUT)
            tx = manager.start()
            tx.user.create({"name": "Late"})
            with pytest.raises(errors.PrismaError, match=busy):
                db.user.count()  # the transaction holds the pool's one connection
            time.sleep(1.5)  # not used again: the timer rolls it back
            assert db.user.count() == 0
            with pytest.raises(errors.TransactionExpiredError, match="expired transaction"):
                tx.user.count()
            with pytest.raises(errors.TransactionExpiredError, match="expired transaction"):
                manager.commit()
            with db.tx() as tx:  # the connection came back reusable
                tx.user.create({"name": "Ann"})
            assert [u.name for u in db.user.find_many()] == ["Ann"]
        return

    async def main() -> None:
        async with prisma.Prisma() as db:
            manager = db.tx(timeout=TIMEOUT)
            tx = await manager.start()
            await tx.user.create({"name": "Late"})
            with pytest.raises(errors.PrismaError, match=busy):
                await db.user.count()
            await asyncio.sleep(1.5)
            assert await db.user.count() == 0
            with pytest.raises(errors.TransactionExpiredError, match="expired transaction"):
                await tx.user.count()
            with pytest.raises(errors.TransactionExpiredError, match="expired transaction"):
                await manager.commit()
            async with db.tx() as tx:
                await tx.user.create({"name": "Ann"})
            assert [u.name for u in await db.user.find_many()] == ["Ann"]

    asyncio.run(main())


def test_async_transactions_start_no_thread(
    tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """BEGIN, the operations, COMMIT/ROLLBACK and the timeout's ROLLBACK of async ``tx()`` blocks
    all reach the driver in the calling task, on the event loop's thread; no thread is started."""
    provider, url = server
    prisma = make_prisma(tmp_path, provider, url, run_cli)
    calls: list[tuple[int, bool, str]] = []
    if provider == "postgresql":
        cls: Any = executor._AsyncPgConnection
        names = ["_fetch", "_execute"]
    else:
        cls, names = executor._AsyncMysqlConnection, ["_run"]
    for name in names:
        original = getattr(cls, name)

        def recorded(original: Any) -> Any:
            async def call(self: Any, sql: str, *args: Any) -> Any:
                calls.append((threading.get_ident(), asyncio.current_task() is not None, sql.split()[0]))
                return await original(self, sql, *args)

            return call

        monkeypatch.setattr(cls, name, recorded(original))

    async def main() -> tuple[int, int, int]:
        async with prisma.Prisma() as db:
            await db.user.count()  # the pool's first connection
            before = threading.active_count()
            async with db.tx() as tx:
                await tx.user.create({"name": "Ann"})
            with pytest.raises(RuntimeError):
                async with db.tx() as tx:
                    await tx.user.create({"name": "Bob"})
                    raise RuntimeError("rolled back")
            await db.tx(timeout=SHORT).start()
            await asyncio.sleep(0.5)  # the loop's timer rolls it back
            return before, threading.active_count(), await db.user.count()

    try:
        before, after, count = asyncio.run(main())
    finally:
        purge()
    assert count == 1
    assert after == before
    assert {(thread, in_task) for thread, in_task, _ in calls} == {(threading.get_ident(), True)}
    statements = [sql.upper() for _, _, sql in calls]
    assert statements.count("BEGIN") == 3 and statements.count("COMMIT") == 1 and statements.count("ROLLBACK") == 2
