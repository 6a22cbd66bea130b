"""Describe benchmarks: a 1,000-table database into the neutral model, on each database.

Each database (``ssbench_describe_<hex>`` on ``SCHEMASHIFT_TEST_POSTGRES_URL`` /
``SCHEMASHIFT_TEST_MYSQL_URL`` or the local servers; a temporary file for SQLite) is created once
per process, used by both sides and dropped when the process ends. Each table has ten columns of
mixed types, a primary key, a unique and a normal index and a foreign key to the previous table.
Ours: ``describe()`` in-process (connection opened outside the timing), with the number of
queries it sent. Reference (PostgreSQL, SQLite): ``prisma7 pull`` (``db pull --print``: Prisma's
introspection of the same database, a whole Node process, PSL rendering included).

Standalone: ``python bench/bench_describe.py [--provider postgresql|mysql|sqlite] [--tables N]``
prints the time and the query count.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Benchmark, Context  # noqa: E402

TABLES = 1000
ADMIN_URLS = {
    "postgresql": os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("SCHEMASHIFT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
}
_state: dict[str, object] = {}


def _postgres_table(i: int) -> str:
    fk = f', CONSTRAINT "t{i}_prev_fkey" FOREIGN KEY (prev) REFERENCES "t{i - 1}"(id) ON DELETE SET NULL' if i else ""
    status = ', status "Status" NOT NULL DEFAULT \'ACTIVE\'' if i % 10 == 0 else ""
    return (
        f'CREATE TABLE "t{i}" (id SERIAL, name TEXT NOT NULL, email VARCHAR(191) NOT NULL,'
        " score DOUBLE PRECISION DEFAULT 0, active BOOLEAN NOT NULL DEFAULT true,"
        " created TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, price DECIMAL(65,30),"
        f" data JSONB, tags TEXT[], prev INTEGER{status},"
        f' CONSTRAINT "t{i}_pkey" PRIMARY KEY (id){fk});'
        f' CREATE UNIQUE INDEX "t{i}_email_key" ON "t{i}"(email);'
        f' CREATE INDEX "t{i}_name_idx" ON "t{i}"(name);'
    )


def _mysql_table(i: int) -> str:
    fk = f", CONSTRAINT `t{i}_prev_fkey` FOREIGN KEY (prev) REFERENCES `t{i - 1}`(id) ON DELETE SET NULL" if i else ""
    return (
        f"CREATE TABLE `t{i}` (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(191) NOT NULL,"
        " email VARCHAR(191) NOT NULL, score DOUBLE DEFAULT 0, active BOOLEAN NOT NULL DEFAULT true,"
        " created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), price DECIMAL(65,30), data JSON,"
        f" role ENUM('A','B') NOT NULL DEFAULT 'A', prev INT, PRIMARY KEY (id),"
        f" UNIQUE INDEX `t{i}_email_key`(email), INDEX `t{i}_name_idx`(name){fk});"
    )


def _sqlite_table(i: int) -> str:
    fk = f', CONSTRAINT "t{i}_prev_fkey" FOREIGN KEY ("prev") REFERENCES "t{i - 1}" ("id") ON DELETE SET NULL' if i else ""
    return (
        f'CREATE TABLE "t{i}" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL,'
        ' "email" TEXT NOT NULL, "score" REAL DEFAULT 0, "active" BOOLEAN NOT NULL DEFAULT true,'
        ' "created" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "price" DECIMAL, "data" JSONB,'
        f' "role" TEXT NOT NULL DEFAULT \'A\', "prev" INTEGER{fk});'
        f' CREATE UNIQUE INDEX "t{i}_email_key" ON "t{i}"("email");'
        f' CREATE INDEX "t{i}_name_idx" ON "t{i}"("name");'
    )


def ddl(provider: str, tables: int) -> str:
    if provider == "postgresql":
        head = ["CREATE TYPE \"Status\" AS ENUM ('ACTIVE', 'INACTIVE', 'BANNED');"]
        return "\n".join(head + [_postgres_table(i) for i in range(tables)])
    table = _mysql_table if provider == "mysql" else _sqlite_table
    return "\n".join(table(i) for i in range(tables))


def database_url(provider: str, tables: int = TABLES) -> str:
    """Create the benchmark database once per process; it is dropped at exit. The URL may hold
    the server's password: it is passed on, never printed."""
    key = f"{provider}:{tables}"
    if key not in _state:
        from schemashift.connectors import connect, create_database, drop_database

        name = f"ssbench_describe_{uuid.uuid4().hex[:12]}"
        if provider == "sqlite":
            url = f"file:{Path(tempfile.gettempdir()) / name}.db"
        else:
            parts = urlsplit(ADMIN_URLS[provider])
            url = urlunsplit((parts.scheme, parts.netloc, "/" + name, "schema=public" if provider == "postgresql" else "", ""))
        create_database(url)
        atexit.register(drop_database, url)
        with connect(url) as conn, conn.transaction():  # one transaction: SQLite would sync per statement
            conn.execute_script(ddl(provider, tables))
        _state[key] = url
    return str(_state[key])


def describe_once(url: str) -> tuple[float, int, int]:
    """(seconds, queries sent, tables described) for one describe on a fresh connection."""
    from schemashift.connectors import connect
    from schemashift.connectors.describe import describe

    with connect(url) as conn:
        before = conn.queries_sent
        start = time.perf_counter()
        schema = describe(conn)
        elapsed = time.perf_counter() - start
        return elapsed, conn.queries_sent - before, len(schema.tables)


def _ours(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> float:
        url = database_url(provider)
        describe_once(url)  # warm-up
        samples = [describe_once(url) for _ in range(ctx.repeat)]
        _state[f"{provider}:queries"] = samples[0][1]
        _state[f"{provider}:tables"] = samples[0][2]
        return sorted(s[0] for s in samples)[len(samples) // 2]

    return run


def _reference(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> float:
        argv = ctx.oracle("prisma7")
        schema = ctx.workdir / f"describe_pull_{provider}.prisma"
        schema.write_text(f'datasource db {{\n  provider = "{provider}"\n}}\n', encoding="utf-8")
        return ctx.time_process([*argv, "pull", str(schema)], env={"DATABASE_URL": database_url(provider)})

    return run


def _notes(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> list[str]:
        return [f"{_state.get(f'{provider}:tables')} tables described with {_state.get(f'{provider}:queries')} queries"]

    return run


BENCHMARKS = [
    Benchmark(
        name=f"describe {provider} {TABLES} tables",
        ours=_ours(provider),
        reference=_reference(provider) if provider != "mysql" else None,
        reference_name="prisma7 pull" if provider != "mysql" else "",
        notes=_notes(provider),
        max_seconds=1.0,  # issue #3: describing 1,000 PostgreSQL tables in at most 1 s
    )
    for provider in ("postgresql", "sqlite", "mysql")
]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--provider", choices=["postgresql", "mysql", "sqlite"], default="postgresql")
    parser.add_argument("--tables", type=int, default=TABLES)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    url = database_url(args.provider, args.tables)
    print(f"created {args.tables} {args.provider} tables in {time.perf_counter() - start:.1f} s")
    runs = [describe_once(url) for _ in range(args.repeat + 1)][1:]
    times = sorted(r[0] for r in runs)
    print(
        f"describe: median {times[len(times) // 2]:.3f} s (min {times[0]:.3f} s, max {times[-1]:.3f} s),"
        f" {runs[0][1]} queries, {runs[0][2]} tables"
    )


if __name__ == "__main__":
    main()
