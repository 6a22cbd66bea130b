"""Client benchmarks against SQLAlchemy 2 Core, on SQLite, PostgreSQL and MySQL/MariaDB, sync and async.

Two workloads: ``create_many`` of 100,000 rows then ``find_many`` of them all (one transaction
for the insert on both sides), and 10,000 single-row ``find_unique`` round trips by id (a loop
of one query each, on a table of 10,000 rows). The reference is SQLAlchemy 2 Core doing the same
on the same table of the same database: ``conn.execute(table.insert(), rows)`` then
``select(table)``; ``select(table).where(table.c.id == i)`` per round trip, on one connection
held for the loop (its fastest way). The drivers are the same on both sides, so the comparison
is of the layers above them: psycopg 3 (sync; async: its ``AsyncConnection``), PyMySQL (sync)
and asyncmy (async), sqlite3 (sync) and, for SQLAlchemy's async SQLite, aiosqlite (ours: its
own thread per connection). SQLAlchemy's async side is its asyncio extension
(``create_async_engine``). Both sides get the same rows (every column given, so no client-side
default is computed) and read back every column; our side builds typed dataclasses (enum
members, UTC datetimes), SQLAlchemy ``Row``s. Each bulk sample starts from an empty table
(emptied untimed). Needs ``pip install sqlalchemy aiosqlite``; the servers come from
``SCHEMASHIFT_TEST_POSTGRES_URL`` / ``SCHEMASHIFT_TEST_MYSQL_URL`` (the test servers' defaults
otherwise). Goal: at most 1.0x SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from harness import Benchmark, Context, Unavailable

ROWS = 100_000
LOOKUPS = 10_000
PG_ADMIN = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN = os.environ.get("SCHEMASHIFT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql")

SCHEMA = """\
generator client {{
  provider = "schemashift-py"
  output   = "../{package}"
}}

generator py {{
  provider  = "prisma-client-py"
  interface = "sync"
  output    = "../prisma_py/prisma"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

enum PlanTier {{
  FREE
  PRO
}}

model Item {{
  id        Int      @id @default(autoincrement())
  email     String
  name      String?
  tier      PlanTier
  score     Float
  createdAt DateTime
}}
"""

_setups: dict[str, tuple[Any, str]] = {}


def _rows() -> list[dict[str, Any]]:
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [
        {
            "email": f"user{i}@example.com",
            "name": None if i % 7 == 0 else f"Name {i}",
            "tier": "PRO" if i % 3 == 0 else "FREE",
            "score": i / 10,
            "createdAt": base + timedelta(seconds=i),
        }
        for i in range(ROWS)
    ]


def _database_url(ctx: Context, provider: str) -> str:
    from schemashift.connectors import create_database, database_exists, parse_url

    if provider == "sqlite":
        return f"file:{ctx.workdir / 'bench_client.db'}"
    admin = PG_ADMIN if provider == "postgresql" else MYSQL_ADMIN
    name = f"bench_client_{uuid.uuid4().hex[:8]}"
    url = str(parse_url(admin).with_database(name))
    if provider == "postgresql":
        url = url.split("?")[0] + "?schema=public"
    try:
        if not database_exists(url):
            create_database(url)
    except Exception as exc:  # noqa: BLE001
        raise Unavailable(f"no {provider} server: {exc}") from None
    atexit.register(_drop, url)
    return url


def _drop(url: str) -> None:
    from schemashift.connectors import drop_database

    try:
        drop_database(url)
    except Exception:  # noqa: BLE001 - best effort
        pass


def _setup(ctx: Context, provider: str) -> tuple[Any, str]:
    """Create the database and table, generate the client; the client module and the URL."""
    if provider in _setups:
        return _setups[provider]
    url = _database_url(ctx, provider)
    root = ctx.workdir / f"client_{provider}"
    (root / "prisma").mkdir(parents=True, exist_ok=True)
    package = f"bench_client_{provider}"
    (root / "prisma" / "schema.prisma").write_text(SCHEMA.format(package=package, provider=provider))
    env = {**os.environ, "DATABASE_URL": url}
    for args in (["db", "push", "--force-reset"], ["generate"]):
        r = subprocess.run([*ctx.schemashift(), *args], cwd=root, env=env, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"schemashift {' '.join(args)}: {r.stderr.strip()}")
    sys.path.insert(0, str(root))
    module = importlib.import_module(package)
    _setups[provider] = (module, url)
    return module, url


def _time(ctx: Context, empty: Any, work: Any) -> float:
    samples = []
    for i in range(min(ctx.repeat, 3) + 1):
        empty()
        start = time.perf_counter()
        work()
        elapsed = time.perf_counter() - start
        if i:  # the first run warms up
            samples.append(elapsed)
    return statistics.median(samples)


# Both sides of a benchmark are measured together, their samples alternating (ours, SQLAlchemy,
# SQLAlchemy, ours...), so that a machine whose load changes (the benchmarks share it) weighs on
# both alike; ``ours`` measures the pair, ``reference`` returns its half.
_PAIRS: dict[tuple[str, str, str], tuple[float, float]] = {}


def _pair(kind: str, provider: str, mode: str, ctx: Context) -> tuple[float, float]:
    key = (kind, provider, mode)
    if key not in _PAIRS:
        sides = (_ours_side, _sqlalchemy_side)
        rounds = min(ctx.repeat, 3) + 1  # the first warms up
        if mode == "async":

            async def run() -> tuple[float, float]:
                async with sides[0](kind, provider, mode, ctx) as a, sides[1](kind, provider, mode, ctx) as b:
                    samples: tuple[list[float], list[float]] = ([], [])
                    for i in range(rounds):
                        for j in ((0, 1) if i % 2 else (1, 0)):
                            empty, work = (a, b)[j]
                            await empty()
                            start = time.perf_counter()
                            await work()
                            if i:
                                samples[j].append(time.perf_counter() - start)
                    return statistics.median(samples[0]), statistics.median(samples[1])

            _PAIRS[key] = asyncio.run(run())
        else:
            with sides[0](kind, provider, mode, ctx).sync() as a, sides[1](kind, provider, mode, ctx).sync() as b:
                samples: tuple[list[float], list[float]] = ([], [])
                for i in range(rounds):
                    for j in ((0, 1) if i % 2 else (1, 0)):
                        empty, work = (a, b)[j]
                        empty()
                        start = time.perf_counter()
                        work()
                        if i:
                            samples[j].append(time.perf_counter() - start)
                _PAIRS[key] = statistics.median(samples[0]), statistics.median(samples[1])
    return _PAIRS[key]


class _Side:
    """What one side needs per mode: ``sync()`` and ``async with`` give (empty, work)."""

    def __init__(self, make_sync: Any, make_async: Any) -> None:
        self.sync, self._make_async = make_sync, make_async

    async def __aenter__(self) -> tuple[Any, Any]:
        self._cm = self._make_async()
        return await self._cm.__aenter__()  # type: ignore[no-any-return]

    async def __aexit__(self, *exc: Any) -> None:
        await self._cm.__aexit__(*exc)


async def _nothing() -> None:
    pass


def _ours_side(kind: str, provider: str, mode: str, ctx: Context) -> _Side:
    if kind == "bulk":
        module, url = _setup(ctx, provider)
        rows = _rows()
    else:
        module, url, ids = _fill_lookup(ctx, provider)

    @contextmanager
    def sync() -> Iterator[tuple[Any, Any]]:
        with module.Client(url=url) as client:
            if kind == "bulk":

                def work() -> None:
                    assert client.item.create_many(data=rows) == ROWS
                    assert len(client.item.find_many()) == ROWS

                yield client.item.delete_many, work
                client.item.delete_many()
            else:
                find = client.item.find_unique

                def lookups() -> None:
                    for i in ids:
                        assert find(where={"id": i}) is not None

                yield (lambda: None), lookups

    @asynccontextmanager
    async def in_async() -> AsyncIterator[tuple[Any, Any]]:
        async with module.AsyncClient(url=url) as db:
            if kind == "bulk":

                async def work() -> None:
                    assert await db.item.create_many(data=rows) == ROWS
                    assert len(await db.item.find_many()) == ROWS

                yield db.item.delete_many, work
                await db.item.delete_many()
            else:
                find = db.item.find_unique

                async def lookups() -> None:
                    for i in ids:
                        assert (await find(where={"id": i})) is not None

                yield _nothing, lookups

    return _Side(sync, in_async)


def _fill_lookup(ctx: Context, provider: str) -> tuple[Any, str, list[int]]:
    """The table with LOOKUPS rows (left for the round-trip benchmarks); their ids."""
    module, url = _setup(ctx, provider)
    with module.Client(url=url) as client:
        if client.item.count() != LOOKUPS:
            client.item.delete_many()
            client.item.create_many(data=_rows()[:LOOKUPS])
        ids = [r.id for r in client.item.find_many()]
    return module, url, ids


def ours(provider: str, mode: str, ctx: Context) -> float:
    """create_many + find_many of ROWS rows."""
    return _pair("bulk", provider, mode, ctx)[0]


def reference(provider: str, mode: str, ctx: Context) -> float:
    return _pair("bulk", provider, mode, ctx)[1]


def ours_unique(provider: str, mode: str, ctx: Context) -> float:
    """LOOKUPS find_unique round trips."""
    return _pair("unique", provider, mode, ctx)[0]


def reference_unique(provider: str, mode: str, ctx: Context) -> float:
    return _pair("unique", provider, mode, ctx)[1]


# ---------------------------------------------------------------------------- SQLAlchemy


def _sqlalchemy_url(provider: str, url: str, mode: str) -> str:
    from schemashift.connectors import parse_url

    u = parse_url(url)
    if provider == "sqlite":
        return f"sqlite{'+aiosqlite' if mode == 'async' else ''}:///{u.path}"
    if provider == "postgresql":
        driver = "postgresql+psycopg"  # psycopg's AsyncConnection under create_async_engine
    else:
        driver = "mysql+asyncmy" if mode == "async" else "mysql+pymysql"
    auth = u.user + (f":{u.password}" if u.password else "")
    return f"{driver}://{auth}@{u.host}:{u.port}/{u.database}"


def _sqlalchemy(provider: str, mode: str, ctx: Context, ours_wrote: bool = False) -> tuple[Any, Any, Any]:
    """(sqlalchemy, engine, table). ``ours_wrote``: the rows were written by our client (on
    SQLite its DateTime is Prisma's Unix milliseconds: SQLAlchemy reads that column as an
    integer, less work than our side's conversion to datetimes)."""
    try:
        import sqlalchemy as sa
        from sqlalchemy.ext.asyncio import create_async_engine
    except ImportError:
        raise Unavailable("SQLAlchemy is not installed (pip install 'sqlalchemy>=2' aiosqlite)") from None
    _, url = _setup(ctx, provider)
    sa_url = _sqlalchemy_url(provider, url, mode)
    try:
        engine = create_async_engine(sa_url) if mode == "async" else sa.create_engine(sa_url)
    except ImportError as exc:
        raise Unavailable(f"a driver SQLAlchemy needs is missing: {exc}") from None
    tier = (
        sa.Enum("FREE", "PRO", name="PlanTier", create_type=False)
        if provider == "postgresql"
        else sa.Enum("FREE", "PRO", native_enum=provider == "mysql")
    )
    table = sa.Table(
        "Item",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String),
        sa.Column("name", sa.String, nullable=True),
        sa.Column("tier", tier),
        sa.Column("score", sa.Float),
        sa.Column("createdAt", sa.BigInteger if ours_wrote and provider == "sqlite" else sa.DateTime),
    )
    return sa, engine, table


def _sqlalchemy_side(kind: str, provider: str, mode: str, ctx: Context) -> _Side:
    if kind == "bulk":
        rows = [{**r, "createdAt": r["createdAt"].replace(tzinfo=None)} for r in _rows()]
    else:
        _, _, ids = _fill_lookup(ctx, provider)
    sa, engine, table = _sqlalchemy(provider, mode, ctx, ours_wrote=kind != "bulk")

    @contextmanager
    def sync() -> Iterator[tuple[Any, Any]]:
        conn = engine.connect()
        try:
            if kind == "bulk":

                def empty() -> None:
                    conn.execute(table.delete())
                    conn.commit()

                def work() -> None:
                    with conn.begin():
                        conn.execute(table.insert(), rows)
                    got = conn.execute(sa.select(table)).all()
                    conn.commit()
                    assert len(got) == ROWS

                yield empty, work
                empty()
            else:

                def lookups() -> None:
                    for i in ids:
                        assert conn.execute(sa.select(table).where(table.c.id == i)).one() is not None
                    conn.commit()

                yield (lambda: None), lookups
        finally:
            conn.close()
            engine.dispose()

    @asynccontextmanager
    async def in_async() -> AsyncIterator[tuple[Any, Any]]:
        try:
            async with engine.connect() as conn:
                if kind == "bulk":

                    async def empty() -> None:
                        await conn.execute(table.delete())
                        await conn.commit()

                    async def work() -> None:
                        async with conn.begin():
                            await conn.execute(table.insert(), rows)
                        got = (await conn.execute(sa.select(table))).all()
                        await conn.commit()
                        assert len(got) == ROWS

                    yield empty, work
                    await empty()
                else:

                    async def lookups() -> None:
                        for i in ids:
                            assert (await conn.execute(sa.select(table).where(table.c.id == i))).one() is not None
                        await conn.commit()

                    yield _nothing, lookups
        finally:
            await engine.dispose()

    return _Side(sync, in_async)


def notes(provider: str, ctx: Context) -> list[str]:
    module, url = _setup(ctx, provider)
    with module.Client(url=url) as client:
        client.item.delete_many()
        client.item.create_many(data=_rows()[:1000])
        first = client.item.find_first(order_by={"email": "asc"})
        n = client.item.count()
        client.item.delete_many()
    return [f"{ROWS:,} rows; read back as {type(first).__name__} dataclasses ({n} in the check run, tier {first.tier!r})"]


def _prisma_py(ctx: Context, provider: str) -> Any:
    """The prisma-client-py compatible package generated next to the client (named ``prisma``)."""
    _setup(ctx, provider)
    root = ctx.workdir / f"client_{provider}" / "prisma_py"
    for name in [n for n in sys.modules if n == "prisma" or n.startswith("prisma.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("prisma")
    finally:
        sys.path.remove(str(root))


def _read_timer(ctx: Context, provider: str, read: Any) -> float:
    module, url = _setup(ctx, provider)
    with module.Client(url=url) as client:
        client.item.delete_many()
        client.item.create_many(data=_rows())
        try:
            return _time(ctx, lambda: None, read)
        finally:
            client.item.delete_many()


def prisma_py_read(provider: str, ctx: Context) -> float:
    """find_many of every row through the prisma-client-py surface (pydantic records)."""
    _, url = _setup(ctx, provider)
    db = _prisma_py(ctx, provider).Prisma(datasource={"url": url})
    db.connect()
    try:
        return _read_timer(ctx, provider, lambda: len(db.item.find_many()) == ROWS or _fail())
    finally:
        db.disconnect()


def schemashift_read(provider: str, ctx: Context) -> float:
    """The same read through the schemashift-py surface (dataclass records), same engine."""
    module, url = _setup(ctx, provider)
    with module.Client(url=url) as client:
        return _read_timer(ctx, provider, lambda: len(client.item.find_many()) == ROWS or _fail())


def _fail() -> None:
    raise AssertionError("find_many did not return every row")


BENCHMARKS = [
    Benchmark(
        f"prisma-client-py surface find_many {ROWS // 1000}k rows ({provider})",
        partial(prisma_py_read, provider),
        partial(schemashift_read, provider),
        "the schemashift-py surface (same engine)",
        max_ratio=3.0,
    )
    for provider in ("sqlite",)
]
for _provider in ("sqlite", "postgresql", "mysql"):
    for _mode in ("sync", "async"):
        BENCHMARKS += [
            Benchmark(
                f"client create_many+find_many {ROWS // 1000}k rows ({_provider}, {_mode})",
                partial(ours, _provider, _mode),
                partial(reference, _provider, _mode),
                "SQLAlchemy 2 Core",
                partial(notes, _provider) if _mode == "sync" else None,
                max_ratio=1.0,
            ),
            Benchmark(
                f"client find_unique x{LOOKUPS // 1000}k round trips ({_provider}, {_mode})",
                partial(ours_unique, _provider, _mode),
                partial(reference_unique, _provider, _mode),
                "SQLAlchemy 2 Core",
                max_ratio=1.0,
            ),
        ]
