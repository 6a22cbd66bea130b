"""A writer inserting in a loop while a migration builds an index on PostgreSQL: the online form
(CREATE INDEX CONCURRENTLY, alone in its migration, as `migrate dev --online` writes it) never
blocks it for long; Prisma's one-shot CREATE INDEX blocks it for the whole build. The build is
made slow (about 2 s) by an index expression that sleeps per row; limits are loose (the machine
is shared); precise figures: bench/bench_online.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from schemashift.connectors import connect

SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
ROWS = 500
SLOW = (
    'CREATE FUNCTION slow_name(t TEXT) RETURNS TEXT IMMUTABLE LANGUAGE plpgsql AS '
    "$$ BEGIN PERFORM pg_sleep(0.0012); RETURN t; END $$"
)


class Writer(threading.Thread):
    """Inserts one row at a time until stopped; records the longest insert."""

    def __init__(self, url: str, first_id: int) -> None:
        super().__init__(daemon=True)
        self.url, self.first_id = url, first_id
        self.stop, self.longest, self.inserted = threading.Event(), 0.0, 0

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            i = self.first_id
            while not self.stop.is_set():
                start = time.monotonic()
                conn.execute('INSERT INTO "User" ("id", "name") VALUES (%s, %s)', (i, f"w{i}"))
                self.longest = max(self.longest, time.monotonic() - start)
                self.inserted += 1
                i += 1


def add(project: Path, name: str, sql: str) -> None:
    folder = project / "prisma/migrations" / name
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(sql)


def deploy_with_writer(project: Path, db_url: str, run_cli, first_id: int) -> Writer:  # type: ignore[no-untyped-def]
    writer = Writer(db_url.split("?")[0], first_id)
    writer.start()
    time.sleep(0.3)
    try:
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 0, r.err
    finally:
        writer.stop.set()
        writer.join(10)
    return writer


@pytest.mark.slow
@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_writer_is_not_blocked_by_the_online_index_build(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    add(tmp_path, "20260101000000_init", f'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "name" TEXT);\n{SLOW};\n')
    assert run_cli("migrate", "deploy").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO \"User\" SELECT g, 'n' || g FROM generate_series(1, {ROWS}) g")

    # online: the form `migrate dev --online` writes, alone in its migration
    add(tmp_path, "20260102000000_online", '-- CreateIndex\nCREATE INDEX CONCURRENTLY "User_slow_idx" ON "User"(slow_name("name"));\n')
    started = time.monotonic()
    online = deploy_with_writer(tmp_path, db_url, run_cli, 1_000_000)
    online_build = time.monotonic() - started
    # one-shot: Prisma's form, in the migration's transaction
    add(tmp_path, "20260103000000_oneshot", '-- CreateIndex\nCREATE INDEX "User_slow2_idx" ON "User"(slow_name("name"));\n')
    oneshot = deploy_with_writer(tmp_path, db_url, run_cli, 2_000_000)

    print(f"online build {online_build:.2f}s, longest insert {online.longest:.3f}s; one-shot longest {oneshot.longest:.3f}s")
    assert online_build > 1.0  # the build was long enough for the comparison to mean something
    assert online.inserted > 0 and online.longest < 2.0, online.longest
    assert oneshot.longest > 1.0, oneshot.longest  # the writer waited for the whole build
    with connect(db_url) as conn:
        valid = conn.query("SELECT indisvalid FROM pg_index WHERE indexrelid = '\"User_slow_idx\"'::regclass")
    assert valid == [(True,)]
