"""The connectors against real databases: statements, scripts, transactions, locks, reset,
database lifecycle and error mapping, on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import dbutil
from schemashift.connectors import (
    Connector,
    connect,
    create_database,
    database_exists,
    drop_database,
    parse_url,
)
from schemashift.connectors import errors

SECRET = "Sup3r-S3cret%pw"


@pytest.fixture
def conn(db_url: str) -> Iterator[Connector]:
    c = connect(db_url)
    try:
        yield c
    finally:
        c.close()


def _tables(c: Connector) -> set[str]:
    sql = {
        "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = %s",
        "mysql": "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND %s = 'main'",
    }[c.provider]
    return {r[0] for r in c.query(sql, (c.schema_name,))}


def test_parameters_and_query_counting(conn: Connector) -> None:
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(50))")
    before = conn.queries_sent
    assert conn.execute("INSERT INTO t (id, name) VALUES (%s, %s), (%s, %s)", (1, "50%", 2, "o'neil")) == 2
    rows = conn.query("SELECT name FROM t WHERE name LIKE %s OR id = %s ORDER BY id", ("5%", 2))
    assert [r[0] for r in rows] == ["50%", "o'neil"]
    assert conn.query_one("SELECT COUNT(*) FROM t WHERE name LIKE '%%n%%' AND id > %s", (0,)) == (1,)
    assert conn.queries_sent == before + 3
    assert conn.server_version()


def test_script_runs_every_statement(conn: Connector) -> None:
    conn.execute_script(
        "-- a migration; with a comment\n"
        "CREATE TABLE a (id INTEGER PRIMARY KEY, note VARCHAR(20) DEFAULT 'x;y');\n"
        "/* ; */ INSERT INTO a (id) VALUES (1);\n"
        "INSERT INTO a (id, note) VALUES (2, 'semi;colon');\n"
    )
    assert conn.query("SELECT id, note FROM a ORDER BY id") == [(1, "x;y"), (2, "semi;colon")]


def test_script_error_carries_the_database_code(conn: Connector) -> None:
    with pytest.raises(errors.DatabaseError) as info:
        conn.execute_script("CREATE TABLE ok1 (id INTEGER);\nSELECT * FROM missing_table;\nCREATE TABLE ok2 (id INTEGER);")
    err = info.value
    expected_code = {"postgresql": "42P01", "mysql": "1146", "sqlite": "SQLITE_ERROR"}[conn.provider]
    assert err.db_code == expected_code
    assert "missing_table" in err.message
    if conn.provider == "mysql":  # split client-side: the failing statement is known
        assert err.statement_index == 1
        assert "query number 2" in err.message
    if conn.provider == "postgresql":  # one simple-query string: atomic
        assert "ok1" not in _tables(conn)
    assert "ok2" not in _tables(conn)


def test_transaction_commits_and_rolls_back(conn: Connector) -> None:
    conn.execute("CREATE TABLE t (id INTEGER)")
    with conn.transaction():
        conn.execute("INSERT INTO t VALUES (%s)", (1,))
    with pytest.raises(RuntimeError), conn.transaction():
        conn.execute("INSERT INTO t VALUES (%s)", (2,))
        raise RuntimeError("boom")
    assert conn.query("SELECT id FROM t") == [(1,)]


def test_advisory_lock_excludes_a_second_connection(db_url: str) -> None:
    with connect(db_url) as first, connect(db_url) as second:
        with first.advisory_lock():
            with pytest.raises(errors.LockTimeout) as info:
                with second.advisory_lock(timeout=0.2):
                    pass  # pragma: no cover - must not get here
            assert info.value.code == "P1002"
        with second.advisory_lock():
            assert second.query("SELECT 1") == [(1,)]


def test_reset_empties_the_namespace_and_keeps_the_connection_usable(conn: Connector) -> None:
    conn.execute_script("CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER);")
    assert {"a", "b"} <= _tables(conn)
    conn.reset()
    assert _tables(conn) == set()
    conn.execute("CREATE TABLE c (id INTEGER)")
    assert _tables(conn) == {"c"}


# ------------------------------------------------------------------ database lifecycle


def _fresh_url(provider: str, tmp_path: Path) -> str:
    name = dbutil.unique_db_name()
    if provider == "sqlite":
        return f"file:{tmp_path / 'sub' / name}.db"
    base = dbutil.admin_url_or_skip(provider)
    query = "schema=public" if provider == "postgresql" else ""
    return dbutil.with_database(base, name, query)


def test_create_exists_drop(provider: str, tmp_path: Path) -> None:
    url = _fresh_url(provider, tmp_path)
    try:
        assert not database_exists(url)
        with pytest.raises(errors.DatabaseDoesNotExist) as info:
            connect(url)
        assert info.value.code == "P1003"
        create_database(url)
        assert database_exists(url)
        with pytest.raises(errors.DatabaseAlreadyExists) as exists:
            create_database(url)
        assert exists.value.code == "P1009"
        with connect(url) as c:
            c.execute("CREATE TABLE t (id INTEGER)")
    finally:
        drop_database(url)
    assert not database_exists(url)


def test_sqlite_missing_file_is_created_on_connect(tmp_path: Path) -> None:
    url = parse_url("file:./dev.db", base_dir=tmp_path)
    assert not database_exists(url)
    with connect(url) as c:
        c.execute("CREATE TABLE t (id INTEGER)")
    assert database_exists(url) and (tmp_path / "dev.db").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_unreachable_server_is_p1001_without_password(scheme: str) -> None:
    port = _free_port()
    with pytest.raises(errors.ServerUnreachable) as info:
        connect(f"{scheme}://someone:{SECRET.replace('%', '%25')}@127.0.0.1:{port}/db?connect_timeout=2")
    err = info.value
    assert err.code == "P1001"
    assert f"`127.0.0.1`:`{port}`" in err.message
    assert SECRET not in str(err) and SECRET not in err.render() and SECRET not in repr(err)


def test_postgres_unknown_role_is_p1000(postgres_url: str) -> None:
    url = parse_url(postgres_url)
    bad = f"postgresql://no_such_role_x:{SECRET.replace('%', '%25')}@{url.host}:{url.port}/{url.database}"
    with pytest.raises(errors.AuthenticationFailed) as info:
        connect(bad)
    assert info.value.code == "P1000"
    assert "no_such_role_x" in info.value.message
    assert SECRET not in info.value.render()


def test_mysql_wrong_password_is_p1000(mysql_url: str) -> None:
    url = parse_url(mysql_url)
    bad = f"mysql://{url.user}:{SECRET.replace('%', '%25')}@{url.host}:{url.port}/{url.database}"
    with pytest.raises(errors.AuthenticationFailed) as info:
        connect(bad)
    assert info.value.code == "P1000"
    assert SECRET not in info.value.render() and SECRET not in str(info.value)


def test_scrub_hides_raw_and_encoded_secrets() -> None:
    err = errors.DatabaseError(f"failed for {SECRET} / Sup3r-S3cret%25pw", secrets=[SECRET])
    assert SECRET not in str(err) and "S3cret" not in str(err)


def test_postgres_reset_drops_extra_namespaces(postgres_url: str) -> None:
    with connect(postgres_url) as conn:
        conn.execute_script('CREATE SCHEMA "one"; CREATE TABLE "one".t (id INT); CREATE TABLE public.p (id INT);')
        conn.reset(namespaces=["one", "public"])
        names = {r[0] for r in conn.query("SELECT nspname FROM pg_namespace WHERE nspname IN ('one', 'public')")}
        assert names == {"public"}
        assert _tables(conn) == set()


def test_postgres_create_database_creates_the_url_schema() -> None:
    base = dbutil.admin_url_or_skip("postgresql")
    name = dbutil.unique_db_name()
    url = dbutil.with_database(base, name, "schema=tenant_a")
    try:
        create_database(url)
        with connect(url) as conn:
            assert conn.query_one("SELECT 1 FROM pg_namespace WHERE nspname = 'tenant_a'") == (1,)
            conn.execute("CREATE TABLE t (id INT)")  # lands in tenant_a through the search path
            assert _tables(conn) == {"t"}
    finally:
        drop_database(url)


NASTY = ["a;b", "it's;", "back\\slash;", "-- not a comment;", "/* x; */", "#hash;", "`tick;`", 'dq";', "\\';"]


def test_mysql_script_literals_reach_the_server_intact(mysql_url: str) -> None:
    def literal(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"

    script = "CREATE TABLE `t;x` (id INT PRIMARY KEY, v VARCHAR(50));\n" + "".join(
        f"INSERT INTO `t;x` VALUES ({i}, {literal(v)}); -- row {i};\n" for i, v in enumerate(NASTY)
    )
    with connect(mysql_url) as conn:
        conn.execute_script(script)
        assert [r[0] for r in conn.query("SELECT v FROM `t;x` ORDER BY id")] == NASTY
