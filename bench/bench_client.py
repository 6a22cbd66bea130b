"""Client benchmark: insert 100,000 rows with ``create_many`` and read them back with ``find_many``.

Reference: SQLAlchemy 2.x Core doing the same on the same table of the same database
(``conn.execute(table.insert(), rows)`` in one transaction, then ``select(table)``; its own
batching: ``executemany`` on SQLite and PyMySQL, "insertmanyvalues" on psycopg). Both sides get
the same rows (every column given, so no client-side default is computed) and read back every
column; our side builds typed dataclasses (enum members, UTC datetimes), SQLAlchemy ``Row``s.
Each sample starts from an empty table (emptied untimed). Needs ``pip install sqlalchemy``; the
servers come from ``SCHEMASHIFT_TEST_POSTGRES_URL`` / ``SCHEMASHIFT_TEST_MYSQL_URL`` (the test
servers' defaults otherwise). Goal: within 1.5x of SQLAlchemy.
"""

from __future__ import annotations

import atexit
import importlib
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

from harness import Benchmark, Context, Unavailable

ROWS = 100_000
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
        subprocess.run([*ctx.schemashift(), *args], cwd=root, env=env, check=True, capture_output=True)
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


def ours(provider: str, ctx: Context) -> float:
    module, url = _setup(ctx, provider)
    rows = _rows()
    client = module.Client(url=url)

    def work() -> None:
        assert client.item.create_many(data=rows) == ROWS
        assert len(client.item.find_many()) == ROWS

    try:
        return _time(ctx, client.item.delete_many, work)
    finally:
        client.close()


def _sqlalchemy_url(provider: str, url: str) -> str:
    from schemashift.connectors import parse_url

    if provider == "sqlite":
        return f"sqlite:///{parse_url(url).path}"
    u = parse_url(url)
    driver = "postgresql+psycopg" if provider == "postgresql" else "mysql+pymysql"
    auth = u.user + (f":{u.password}" if u.password else "")
    return f"{driver}://{auth}@{u.host}:{u.port}/{u.database}"


def reference(provider: str, ctx: Context) -> float:
    try:
        import sqlalchemy as sa
    except ImportError:
        raise Unavailable("SQLAlchemy is not installed (pip install 'sqlalchemy>=2')") from None
    _, url = _setup(ctx, provider)
    engine = sa.create_engine(_sqlalchemy_url(provider, url))
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
        sa.Column("createdAt", sa.DateTime),
    )
    rows = [{**r, "createdAt": r["createdAt"].replace(tzinfo=None)} for r in _rows()]
    conn = engine.connect()

    def empty() -> None:
        conn.execute(table.delete())
        conn.commit()

    def work() -> None:
        with conn.begin():
            conn.execute(table.insert(), rows)
        got = conn.execute(sa.select(table)).all()
        conn.commit()
        assert len(got) == ROWS

    try:
        return _time(ctx, empty, work)
    finally:
        conn.close()
        engine.dispose()


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
] + [
    Benchmark(
        f"client create_many+find_many {ROWS // 1000}k rows ({provider})",
        partial(ours, provider),
        partial(reference, provider),
        "SQLAlchemy 2 Core",
        partial(notes, provider),
        max_ratio=1.5,
    )
    for provider in ("sqlite", "postgresql", "mysql")
]
