"""The async client on its native path: concurrent tasks on different connections of the pool,
transactions isolated per task, cancellation, and no thread per query."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from client_helpers import make_client
from schemashift.client import executor

TASKS = 4
BACKEND_ID = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}
SLEEP = {"postgresql": "SELECT pg_sleep(30)", "mysql": "SELECT SLEEP(30)"}


def with_params(url: str, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), pytest.param("mysql", marks=pytest.mark.mysql)])
def server(request: pytest.FixtureRequest) -> tuple[str, str]:
    """A database server's provider and a fresh database URL (PostgreSQL, MariaDB)."""
    provider = str(request.param)
    return provider, str(request.getfixturevalue("postgres_url" if provider == "postgresql" else "mysql_url"))


def test_concurrent_transactions_run_on_different_connections(
    tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any]
) -> None:
    """TASKS tasks each hold a transaction at the same time (a barrier inside the transactions:
    with one shared connection they could not all reach it); each sees its own uncommitted row
    and none of the others'; the one that fails rolls back alone."""
    provider, url = server
    mod = make_client(tmp_path, provider, url, run_cli)

    async def main() -> tuple[list[int], list[int], int, list[str]]:
        barrier = asyncio.Barrier(TASKS)
        async with mod.AsyncClient(url=with_params(url, connection_limit=TASKS)) as db:

            async def worker(i: int) -> tuple[int, int]:
                async with db.tx() as tx:
                    backend = (await tx.query_raw(BACKEND_ID[provider]))[0][0]
                    await tx.user.create(data={"email": f"t{i}@example.com"})
                    await asyncio.wait_for(barrier.wait(), 10)  # every task is inside its transaction now
                    seen = await tx.user.count(where={"email": {"startsWith": "t"}})
                    await asyncio.wait_for(barrier.wait(), 10)  # every task has counted: now commit
                    if i == 0:
                        raise RuntimeError("task 0 rolls back")
                return backend, seen

            results = await asyncio.gather(*(worker(i) for i in range(TASKS)), return_exceptions=True)
            done = [r for r in results if not isinstance(r, BaseException)]
            failed = [r for r in results if isinstance(r, BaseException)]
            assert [str(e) for e in failed] == ["task 0 rolls back"], failed
            emails = sorted(u.email for u in await db.user.find_many())
            return [b for b, _ in done], [s for _, s in done], db._engine._pool.size, emails

    backends, seen, size, emails = asyncio.run(main())
    assert len(set(backends)) == TASKS - 1, backends  # the committed ones; task 0's ran on a fourth
    assert seen == [1] * (TASKS - 1)  # its own row only: the others' were not committed yet
    assert size <= TASKS
    assert emails == [f"t{i}@example.com" for i in range(1, TASKS)]


def test_concurrent_reads_overlap(tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any]) -> None:
    """Two tasks' queries run at the same time: while one task's statement sleeps on the server,
    the other's queries complete (with one connection they would queue behind it)."""
    provider, url = server
    mod = make_client(tmp_path, provider, url, run_cli)

    async def main() -> int:
        async with mod.AsyncClient(url=with_params(url, connection_limit=2)) as db:
            slow = asyncio.ensure_future(db.query_raw(SLEEP[provider].replace("30", "2")))
            await asyncio.sleep(0.2)
            done = 0
            for _ in range(5):
                await db.user.count()
                done += 1
            assert not slow.done()  # the five counts finished while the sleep was still running
            await slow
            return done

    assert asyncio.run(main()) == 5


def test_no_thread_per_query(tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every statement's driver call runs in the calling task, on the event loop's thread, and the
    process starts no thread for them."""
    provider, url = server
    mod = make_client(tmp_path, provider, url, run_cli)
    calls: list[tuple[int, bool]] = []
    cls: Any = executor._AsyncPgConnection if provider == "postgresql" else executor._AsyncMysqlConnection
    name = "_fetch" if provider == "postgresql" else "_run"
    original = getattr(cls, name)

    async def recorded(self: Any, *args: Any) -> Any:
        calls.append((threading.get_ident(), asyncio.current_task() is not None))
        return await original(self, *args)

    monkeypatch.setattr(cls, name, recorded)

    async def main() -> tuple[int, int]:
        async with mod.AsyncClient(url=url) as db:
            await db.connect()
            before = threading.active_count()
            await db.user.create_many(data=[{"email": f"u{i}@example.com"} for i in range(20)])
            for i in range(20):
                assert (await db.user.find_unique(where={"email": f"u{i}@example.com"})) is not None
            return before, threading.active_count()

    before, after = asyncio.run(main())
    assert after == before
    assert len(calls) >= 20
    assert set(calls) == {(threading.get_ident(), True)}


def test_cancelled_query_frees_its_connection(tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any]) -> None:
    """A task cancelled mid-statement (a 30 s sleep) or mid-transaction gives its connection back
    at once (one connection in the pool: the next queries would otherwise time out), the
    transaction's row is not committed, and PostgreSQL's server stops the statement."""
    provider, url = server
    mod = make_client(tmp_path, provider, url, run_cli)

    async def main() -> tuple[int, int, list[Any]]:
        async with mod.AsyncClient(url=with_params(url, connection_limit=1, pool_timeout=5)) as db:
            task = asyncio.ensure_future(db.query_raw(SLEEP[provider]))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

            async def in_tx() -> None:
                async with db.tx() as tx:
                    await tx.user.create(data={"email": "cancelled@example.com"})
                    await tx.query_raw(SLEEP[provider])

            task = asyncio.ensure_future(in_tx())
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            count = await asyncio.wait_for(db.user.count(), 5)
            running: list[Any] = []
            if provider == "postgresql":
                running = await db.query_raw(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND state = 'active' AND position('pg_sleep' in query) > 0"
                )
            return count, db._engine._pool.size, running

    count, size, running = asyncio.run(main())
    assert count == 0
    assert size == 1
    assert running == []


def test_sqlite_async_runs_on_the_connection_thread(tmp_path: Path, sqlite_url: str, run_cli: Callable[..., Any]) -> None:
    """SQLite's driver blocks: the async client runs each operation on its connection's own
    thread (the same one every time), never on the event loop's."""
    mod = make_client(tmp_path, "sqlite", sqlite_url, run_cli)
    threads: set[int] = set()
    original = executor._DbapiConnection.fetch

    def recorded(self: Any, sql: str, params: Any) -> Any:
        threads.add(threading.get_ident())
        return original(self, sql, params)

    async def main() -> int:
        async with mod.AsyncClient(url=with_params(sqlite_url, connection_limit=1)) as db:
            await db.user.create_many(data=[{"email": f"s{i}@example.com"} for i in range(10)])
            async with db.tx() as tx:
                await tx.user.update_many(where={}, data={"age": 3})
            results = await asyncio.gather(*(db.user.count(where={"age": 3}) for _ in range(5)))
            return sum(results)

    executor._DbapiConnection.fetch = recorded  # type: ignore[method-assign]
    try:
        assert asyncio.run(main()) == 50
    finally:
        executor._DbapiConnection.fetch = original  # type: ignore[method-assign]
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_prisma_client_py_async_transactions_run_concurrently(
    tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any]
) -> None:
    """The prisma-client-py surface's async ``Prisma`` runs on the same native path: concurrent
    ``tx()`` blocks hold different connections at once."""
    from prisma_py_helpers import make_prisma, purge

    provider, url = server
    prisma = make_prisma(tmp_path, provider, with_params(url, connection_limit=TASKS), run_cli)
    column = "pg_backend_pid()" if provider == "postgresql" else "CONNECTION_ID()"

    async def main() -> tuple[list[int], int]:
        barrier = asyncio.Barrier(TASKS)
        async with prisma.Prisma() as db:

            async def worker(i: int) -> int:
                async with db.tx() as tx:
                    row = await tx.query_first(f"SELECT {column} AS backend")
                    await tx.user.create({"name": f"n{i}", "email": f"p{i}@example.com"})
                    await asyncio.wait_for(barrier.wait(), 10)
                    return int(row["backend"])

            backends = await asyncio.gather(*(worker(i) for i in range(TASKS)))
            return list(backends), await db.user.count()

    try:
        backends, count = asyncio.run(main())
    finally:
        purge()
    assert len(set(backends)) == TASKS
    assert count == TASKS


def test_client_used_from_two_event_loops(tmp_path: Path, sqlite_url: str, run_cli: Callable[..., Any]) -> None:
    """One AsyncClient, two ``asyncio.run`` calls: the second loop gets connections of its own."""
    mod = make_client(tmp_path, "sqlite", sqlite_url, run_cli)
    db = mod.AsyncClient(url=sqlite_url)

    async def create(email: str) -> int:
        await db.user.create(data={"email": email})
        return int(await db.user.count())

    assert asyncio.run(create("one@example.com")) == 1
    assert asyncio.run(create("two@example.com")) == 2
    asyncio.run(db.close())


def test_sqlite_cancelled_operation_returns_its_connection(tmp_path: Path, sqlite_url: str, run_cli: Callable[..., Any]) -> None:
    """A cancelled task's SQLite statement finishes on its thread first (sqlite3 cannot be cut
    short), then the connection is idle again for the next task."""
    mod = make_client(tmp_path, "sqlite", sqlite_url, run_cli)
    slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT COUNT(*) FROM n"

    async def main() -> tuple[int, int, int]:
        async with mod.AsyncClient(url=with_params(sqlite_url, connection_limit=1, pool_timeout=20)) as db:
            task = asyncio.ensure_future(db.query_raw(slow))
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            pool = db._engine._pool
            idle_after_cancel = len(pool.idle)
            await db.user.create(data={"email": "after@example.com"})
            return idle_after_cancel, pool.size, int(await db.user.count())

    assert asyncio.run(main()) == (1, 1, 1)
