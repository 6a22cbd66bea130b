"""prisma-client-py's ``tx(max_wait=...)``: the longest a transaction waits for a connection of
the pool (Prisma's ``maxWait``, default 2 s). Past it, ``TransactionError`` with Prisma's P2028
message; within it, the transaction starts as soon as a connection comes back. Ordinary queries
keep the pool's ``pool_timeout`` (P2024). Sync and async, ``start()`` and the context manager,
on SQLite, PostgreSQL and MySQL/MariaDB (a pool of one connection)."""

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
from test_client_async import with_params

P2028 = "Transaction API error: Unable to start a transaction in the given time."
P2024 = "Timed out fetching a new connection from the connection pool"
POOL_TIMEOUT = 1.5  # seconds: the pool's wait, longer than the small max_wait below
SMALL = datetime.timedelta(milliseconds=150)
LARGE = 1400  # milliseconds (an int, as prisma-client-py also took), shorter than the pool's timeout
RELEASE_AFTER = 0.3  # seconds until the first transaction commits


@pytest.fixture(params=["sync", "asyncio"])
def one_connection(
    request: pytest.FixtureRequest, tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]
) -> Iterator[tuple[ModuleType, str]]:
    interface = str(request.param)
    url = with_params(db_url, connection_limit=1, pool_timeout=POOL_TIMEOUT)
    yield make_prisma(tmp_path, provider, url, run_cli, interface), interface
    purge()


def _assert_quick_p2028(errors: Any, started: float, raised: pytest.ExceptionInfo[Any]) -> None:
    elapsed = time.monotonic() - started
    assert type(raised.value) is errors.TransactionError
    assert str(raised.value) == P2028
    assert SMALL.total_seconds() * 0.9 <= elapsed < POOL_TIMEOUT  # max_wait, not the pool's timeout


def test_max_wait_bounds_the_wait_for_a_transaction(one_connection: tuple[ModuleType, str]) -> None:
    prisma, interface = one_connection
    errors = prisma.errors
    if interface == "sync":
        with prisma.Prisma() as db:
            first = db.tx(timeout=datetime.timedelta(seconds=10))
            tx = first.start()  # holds the pool's one connection
            tx.user.create({"name": "First"})
            started = time.monotonic()
            with pytest.raises(errors.TransactionError) as raised:
                db.tx(max_wait=SMALL).start()
            _assert_quick_p2028(errors, started, raised)
            started = time.monotonic()
            with pytest.raises(errors.TransactionError) as raised:
                with db.tx(max_wait=SMALL):
                    pass
            _assert_quick_p2028(errors, started, raised)
            started = time.monotonic()
            with pytest.raises(errors.PrismaError, match=P2024):
                db.user.count()  # an ordinary query waits the pool's timeout
            assert time.monotonic() - started >= POOL_TIMEOUT * 0.9
            timer = threading.Timer(RELEASE_AFTER, first.commit)
            timer.start()
            started = time.monotonic()
            with db.tx(max_wait=LARGE) as second:  # starts once the first commits
                assert time.monotonic() - started >= RELEASE_AFTER * 0.9
                second.user.create({"name": "Second"})
            timer.join()
            assert sorted(u.name for u in db.user.find_many()) == ["First", "Second"]
            manager = db.tx(max_wait=SMALL)  # a free connection: no wait at all
            manager.start().user.count()
            manager.commit()
        return

    async def main() -> None:
        async with prisma.Prisma() as db:
            first = db.tx(timeout=datetime.timedelta(seconds=10))
            tx = await first.start()
            await tx.user.create({"name": "First"})
            started = time.monotonic()
            with pytest.raises(errors.TransactionError) as raised:
                await db.tx(max_wait=SMALL).start()
            _assert_quick_p2028(errors, started, raised)
            started = time.monotonic()
            with pytest.raises(errors.TransactionError) as raised:
                async with db.tx(max_wait=SMALL):
                    pass
            _assert_quick_p2028(errors, started, raised)
            started = time.monotonic()
            with pytest.raises(errors.PrismaError, match=P2024):
                await db.user.count()
            assert time.monotonic() - started >= POOL_TIMEOUT * 0.9
            release = asyncio.get_running_loop().call_later(RELEASE_AFTER, lambda: asyncio.ensure_future(first.commit()))
            started = time.monotonic()
            async with db.tx(max_wait=LARGE) as second:
                assert time.monotonic() - started >= RELEASE_AFTER * 0.9
                await second.user.create({"name": "Second"})
            release.cancel()
            assert sorted(u.name for u in await db.user.find_many()) == ["First", "Second"]
            manager = db.tx(max_wait=SMALL)
            await (await manager.start()).user.count()
            await manager.commit()

    asyncio.run(main())
