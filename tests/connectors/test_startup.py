"""Connector start-up and control: cancel, the migration lock's holder, race-free database
creation, our session's name, TLS files named in the URL. Real databases."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from schemashift.connectors import connect, create_database_if_missing, database_exists, parse_url
from schemashift.connectors.base import Connector, LockHolder
from schemashift.connectors.errors import DatabaseError, InvalidUrl, LockTimeout

#: A statement that runs for a long time on each database.
LONG = {
    "postgresql": "SELECT pg_sleep(30)",
    "mysql": "SELECT SLEEP(30)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
}
CANCELLED = {"postgresql": "57014", "mysql": "1317", "sqlite": "SQLITE_INTERRUPT"}


def test_cancel_from_another_thread_stops_the_statement_and_keeps_the_connection(provider: str, db_url: str) -> None:
    with connect(db_url) as conn:
        timer = threading.Timer(0.3, conn.cancel)
        timer.start()
        start = time.monotonic()
        try:
            with pytest.raises(DatabaseError) as info:
                conn.query(LONG[provider])
        finally:
            timer.cancel()
        assert time.monotonic() - start < 5
        assert info.value.db_code == CANCELLED[provider]
        assert conn.query("SELECT 1") == [(1,)]
        # inside a transaction too: the transaction can be rolled back and the connection reused
        conn.execute("BEGIN")
        threading.Timer(0.3, conn.cancel).start()
        with pytest.raises(DatabaseError):
            conn.query(LONG[provider])
        conn.execute("ROLLBACK")
        assert conn.query("SELECT 2") == [(2,)]


def test_cancel_from_a_signal_handler(provider: str, db_url: str) -> None:
    """What Ctrl-C does: the handler runs in the main thread while it waits on the statement
    (SQLite: through the connection's progress handler, else only after the statement)."""
    import signal

    with connect(db_url) as conn:
        previous = signal.signal(signal.SIGALRM, lambda *_: conn.cancel())
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            start = time.monotonic()
            with pytest.raises(DatabaseError) as info:
                conn.query(LONG[provider])
            assert time.monotonic() - start < 5
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        assert info.value.db_code == CANCELLED[provider]
        assert conn.query("SELECT 1") == [(1,)]


def _own_id(conn: Connector) -> int:
    if conn.provider == "postgresql":
        return int(conn.query("SELECT pg_backend_pid()")[0][0])
    if conn.provider == "mysql":
        return int(conn.query("SELECT CONNECTION_ID()")[0][0])
    return os.getpid()


def test_a_busy_lock_is_reported_with_its_holder(provider: str, db_url: str) -> None:
    seen: list[tuple[LockHolder | None, float]] = []
    with connect(db_url) as holder, connect(db_url) as waiter:
        waiter.on_lock_wait = lambda who, seconds: seen.append((who, seconds))
        waiter.lock_timeout = 0.5
        with holder.advisory_lock():
            start = time.monotonic()
            with pytest.raises(LockTimeout) as info:
                with waiter.advisory_lock():
                    pass
            assert 0.4 < time.monotonic() - start < 5
        assert info.value.code == "P1002"
        assert len(seen) == 1, seen  # said once, before waiting
        who, seconds = seen[0]
        assert seconds == 0.5
        assert who is not None and who.pid == _own_id(holder)
        text = who.describe()
        if provider == "postgresql":
            assert who.program == "schemashift" and who.client == "127.0.0.1"
            assert text.startswith(f"PID {who.pid} (schemashift, 127.0.0.1, for ")
        elif provider == "mysql":
            assert who.client == "localhost" or who.client.startswith("127.0.0.1")
            assert text.startswith(f"connection {who.pid} (")
        else:
            assert who.program and who.seconds is not None and who.seconds >= 0
        if provider == "mysql":
            return  # GET_LOCK names are server-wide: other test runs on the server may take it now
        # once released, the waiter gets it without a word
        with waiter.advisory_lock():
            pass
        assert len(seen) == 1
        assert waiter.lock_holder() is None


def test_lock_timeout_argument_wins_over_the_connector_default(provider: str, db_url: str) -> None:
    with connect(db_url) as holder, connect(db_url) as waiter:
        waiter.lock_timeout = 30
        with holder.advisory_lock():
            start = time.monotonic()
            with pytest.raises(LockTimeout):
                with waiter.advisory_lock(timeout=0.3):
                    pass
            assert time.monotonic() - start < 3


def test_postgres_session_is_named_unless_the_url_names_it(postgres_url: str) -> None:
    with connect(postgres_url) as conn:
        assert conn.query("SHOW application_name") == [("schemashift",)]
    mine = postgres_url + ("&" if "?" in postgres_url else "?") + "application_name=billing-migrator"
    with connect(mine) as conn:
        assert conn.query("SHOW application_name") == [("billing-migrator",)]


def test_mysql_session_carries_a_program_name(mysql_url: str) -> None:
    from schemashift.connectors.mysql import _connect_kwargs

    assert _connect_kwargs(parse_url(mysql_url), None)["program_name"] == "schemashift"
    with connect(mysql_url) as conn:
        if conn.query("SELECT @@performance_schema") != [(1,)]:
            pytest.skip("performance_schema is off on this server: connection attributes are not visible")
        row = conn.query(
            "SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs"
            " WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'program_name'"
        )
        assert row == [("schemashift",)]


def test_concurrent_creation_creates_once_and_never_fails(missing_db_url: str) -> None:
    url = missing_db_url
    barrier = threading.Barrier(6)

    def create(_: int) -> bool:
        barrier.wait()
        return create_database_if_missing(url)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(create, range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert database_exists(url)
    with connect(url) as conn:
        assert conn.query("SELECT 1") == [(1,)]


def test_postgres_concurrent_schema_creation(postgres_url: str) -> None:
    url = postgres_url.replace("schema=public", "schema=tenant_x")
    assert "schema=tenant_x" in url
    conns = [connect(url) for _ in range(6)]
    try:
        barrier = threading.Barrier(6)

        def ensure(conn: Connector) -> None:
            barrier.wait()
            conn.ensure_namespace()

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(ensure, conns))
        assert conns[0].query("SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_x'") == [(1,)]
    finally:
        for conn in conns:
            conn.close()


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
@pytest.mark.parametrize("param", ["sslcert", "sslrootcert", "sslidentity", "sslkey"])
def test_missing_tls_file_is_p1013_before_connecting(provider: str, db_url: str, param: str, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    url = f"{db_url}{'&' if '?' in db_url else '?'}{param}={missing}"
    with pytest.raises(InvalidUrl) as info:
        connect(url)
    assert info.value.code == "P1013"
    assert f"`{missing}` given as `{param}` does not exist" in info.value.message


def test_flock_holder_reads_proc_locks(tmp_path: Path) -> None:
    import fcntl

    from schemashift.connectors.sqlite import flock_holder

    path = tmp_path / "x.db"
    path.write_bytes(b"")
    assert flock_holder(path) is None
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        holder = flock_holder(path)
    finally:
        os.close(fd)
    assert holder is not None and holder.pid == os.getpid()
    assert holder.seconds is not None and holder.seconds >= 0
    assert flock_holder(path) is None
    assert flock_holder(path, proc=tmp_path / "no-proc") is None  # not Linux: no holder, no error
