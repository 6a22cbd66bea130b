"""The database fixtures of conftest.py: unique names, live during the test, gone afterwards."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import dbutil

TESTS_DIR = Path(__file__).resolve().parent


def test_unique_names_carry_prefix_and_worker() -> None:
    names = {dbutil.unique_db_name() for _ in range(500)}
    assert len(names) == 500
    for name in names:
        assert name.startswith(f"{dbutil.PREFIX}{dbutil.worker_id()}_")
        assert len(name) <= 63 and name == name.lower()


def test_only_fixture_databases_are_dropped() -> None:
    with pytest.raises(ValueError, match="refusing to drop"):
        dbutil.postgres_drop("postgresql://nobody@127.0.0.1:1/postgres", "postgres")
    with pytest.raises(ValueError, match="refusing to drop"):
        dbutil.mysql_drop("mysql://nobody@127.0.0.1:1/mysql", "mysql")


def test_sqlite_url_is_a_file_url_in_tmp(sqlite_url: str, tmp_path: Path) -> None:
    assert sqlite_url.startswith("file:")
    path = Path(sqlite_url.removeprefix("file:"))
    assert path.parent == tmp_path and not path.exists()
    sqlite3.connect(path).close()
    assert path.exists()


def test_postgres_url_is_a_live_prisma_url(postgres_url: str) -> None:
    import psycopg

    assert postgres_url.endswith("?schema=public")
    name = dbutil.database_name(postgres_url)
    assert name.startswith(dbutil.PREFIX)
    assert dbutil.database_exists("postgresql", name)
    with psycopg.connect(dbutil.with_database(postgres_url, name)) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)


def test_mysql_url_is_a_live_prisma_url(mysql_url: str) -> None:
    import pymysql

    assert mysql_url.startswith("mysql://") and "?" not in mysql_url
    name = dbutil.database_name(mysql_url)
    assert name.startswith(dbutil.PREFIX)
    assert dbutil.database_exists("mysql", name)
    p = dbutil.url_parts(mysql_url)
    conn = pymysql.connect(host=p.host, port=p.port or 3306, user=p.user, password=p.password or "", database=name)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT DATABASE()")
            assert cur.fetchone() == (name,)
    finally:
        conn.close()


@pytest.mark.parametrize(
    "provider_name",
    [pytest.param("postgresql", marks=pytest.mark.postgres), pytest.param("mysql", marks=pytest.mark.mysql)],
)
def test_drop_removes_database_despite_open_connection(provider_name: str) -> None:
    """The context managers the fixtures use: the database is gone afterwards, even if in use."""
    admin = dbutil.admin_url_or_skip(provider_name)
    make = dbutil.postgres_database if provider_name == "postgresql" else dbutil.mysql_database
    with make(admin) as url:
        name = dbutil.database_name(url)
        leftover = _open_connection(provider_name, url)
        assert dbutil.database_exists(provider_name, name)
    assert not dbutil.database_exists(provider_name, name)
    leftover.close()


def _open_connection(provider_name: str, url: str):  # type: ignore[no-untyped-def]
    if provider_name == "postgresql":
        import psycopg

        return psycopg.connect(dbutil.with_database(url, dbutil.database_name(url)))
    import pymysql

    p = dbutil.url_parts(url)
    return pymysql.connect(host=p.host, port=p.port or 3306, user=p.user, password=p.password or "", database=p.database)


def test_db_url_matches_provider(provider: str, db_url: str) -> None:
    scheme = {"sqlite": "file:", "postgresql": "postgresql://", "mysql": "mysql://"}[provider]
    assert db_url.startswith(scheme)


INNER_TEST = '''
import json, os, pathlib
import dbutil

def _record(provider, url):
    name = url if provider == "sqlite" else dbutil.database_name(url)
    alive = provider == "sqlite" or dbutil.database_exists(provider, name)
    out = pathlib.Path(os.environ["FIXTURE_LOG"]) / f"{os.getpid()}-{name.replace('/', '_')}.json"
    out.write_text(json.dumps({"provider": provider, "name": name, "alive": alive,
                               "worker": dbutil.worker_id()}))

def test_a(provider, db_url):
    _record(provider, db_url)

def test_b(provider, db_url):
    _record(provider, db_url)
'''


@pytest.mark.slow  # a whole inner pytest run on two workers: seconds, more on a busy machine
@pytest.mark.postgres
@pytest.mark.mysql
def test_fixtures_under_xdist(pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An inner pytest run on two xdist workers: every database is unique, alive, then dropped."""
    for provider_name in ("postgresql", "mysql"):
        dbutil.admin_url_or_skip(provider_name)
    log = tmp_path / "log"
    log.mkdir()
    monkeypatch.setenv("FIXTURE_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    pytester.makeconftest((TESTS_DIR / "conftest.py").read_text())
    pytester.makepyfile(test_inner=INNER_TEST)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=6)
    records = [json.loads(p.read_text()) for p in log.iterdir()]
    assert len(records) == 6
    assert {r["worker"] for r in records} <= {"gw0", "gw1"}
    assert all(r["alive"] for r in records)
    server = [r for r in records if r["provider"] != "sqlite"]
    assert len({r["name"] for r in server}) == 4
    for r in server:
        assert f"_{r['worker']}_" in r["name"]
        assert not dbutil.database_exists(r["provider"], r["name"])
