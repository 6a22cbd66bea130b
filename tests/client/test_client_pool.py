"""The client's connection pool: ``connection_limit`` and ``pool_timeout`` from the URL, as
Prisma's; a transaction holds one connection; a synchronous client shared by threads."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from client_helpers import make_client
from schemashift.client.errors import ClientError
from schemashift.client.pool import PoolTimeoutError
from test_client_async import BACKEND_ID, with_params

THREADS = 3


def test_async_pool_timeout(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    """With one connection held by a transaction, another task waits ``pool_timeout`` seconds,
    then gets P2024; once the transaction ends, the connection serves it."""
    mod = make_client(tmp_path, provider, db_url, run_cli)

    async def main() -> tuple[str, str | None, float, int]:
        async with mod.AsyncClient(url=with_params(db_url, connection_limit=1, pool_timeout=1)) as db:
            async with db.tx() as tx:
                await tx.user.create(data={"email": "held@example.com"})
                start = time.monotonic()
                with pytest.raises(PoolTimeoutError) as caught:
                    await db.user.count()
                waited = time.monotonic() - start
            return str(caught.value), caught.value.code, waited, await db.user.count()

    message, code, waited, count = asyncio.run(main())
    assert code == "P2024"
    assert message.startswith("Timed out fetching a new connection from the connection pool.")
    assert "(Current connection pool timeout: 1, connection limit: 1)" in message
    assert waited >= 0.9
    assert count == 1


def test_async_pool_size_stays_within_the_limit(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    """Twelve concurrent tasks on a pool of two: all served, by two connections at most."""
    mod = make_client(tmp_path, provider, db_url, run_cli)

    async def main() -> tuple[list[int], int]:
        async with mod.AsyncClient(url=with_params(db_url, connection_limit=2)) as db:
            await db.user.create_many(data=[{"email": f"c{i}@example.com"} for i in range(5)])
            sizes: list[int] = []

            async def one() -> int:
                n = await db.user.count()
                sizes.append(db._engine._pool.size)
                return int(n)

            counts = await asyncio.gather(*(one() for _ in range(12)))
            return list(counts), max(sizes)

    counts, biggest = asyncio.run(main())
    assert counts == [5] * 12
    assert biggest <= 2


@pytest.mark.parametrize("server", ["postgresql", "mysql"], indirect=True)
def test_sync_client_shared_by_threads(tmp_path: Path, server: tuple[str, str], run_cli: Callable[..., Any]) -> None:
    """THREADS threads each hold a transaction of one synchronous client at the same time, on
    different connections; one more thread, finding the pool used up, gets P2024."""
    provider, url = server
    mod = make_client(tmp_path, provider, url, run_cli)
    client = mod.Client(url=with_params(url, connection_limit=THREADS, pool_timeout=1))
    barrier = threading.Barrier(THREADS + 1, timeout=20)
    backends: list[int] = []
    failures: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            with client.tx() as tx:
                backends.append(tx.query_raw(BACKEND_ID[provider])[0][0])
                tx.user.create(data={"email": f"th{i}@example.com"})
                barrier.wait()  # all inside their transactions
                barrier.wait()  # the main thread's check is done
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
        with pytest.raises(PoolTimeoutError):
            client.user.count()
        barrier.wait()
    finally:
        for t in threads:
            t.join(30)
    try:
        assert failures == []
        assert len(set(backends)) == THREADS
        assert client.user.count() == THREADS
        assert client._engine._pool.size == THREADS
    finally:
        client.close()


@pytest.fixture
def server(request: pytest.FixtureRequest) -> tuple[str, str]:
    provider = str(request.param)
    return provider, str(request.getfixturevalue("postgres_url" if provider == "postgresql" else "mysql_url"))


BAD_PARAMS = {
    "connection_limit=0": "`connection_limit` in the database URL must be at least 1.",
    "connection_limit=many": "`connection_limit` in the database URL must be a whole number, not `many`.",
    "pool_timeout=soon": "`pool_timeout` in the database URL must be a number of seconds, not `soon`.",
}


def test_bad_pool_parameters(tmp_path: Path, sqlite_url: str, run_cli: Callable[..., Any]) -> None:
    mod = make_client(tmp_path, "sqlite", sqlite_url, run_cli)
    for params, message in BAD_PARAMS.items():
        client = mod.Client(url=f"{sqlite_url}?{params}")
        with pytest.raises(ClientError) as caught:
            client.user.count()
        assert str(caught.value) == message
