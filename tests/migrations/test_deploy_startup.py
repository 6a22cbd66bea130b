"""The start of ``migrate deploy`` on every database: schema validation before anything is
touched, database creation (announced, race-free under concurrent deploys), the migration lock's
wait (reported, configurable), ``--wait`` for a server that is still starting, URL errors, and
one connection for deploy with ``--backup``."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import dbutil
from schemashift.connectors import connect, database_exists, parse_url
from schemashift.settings import load_settings

SCHEMA = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id Int @id\n}\n'
CONFLICTED = SCHEMA.replace("  id Int @id\n", "  id Int @id\n<<<<<<< HEAD\n  email String\n=======\n  name String\n>>>>>>> feature\n")


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def make_project(root: Path, provider: str, url: str, monkeypatch: pytest.MonkeyPatch, schema: str = SCHEMA) -> Path:
    (root / "prisma").mkdir(exist_ok=True)
    (root / "prisma/schema.prisma").write_text(schema % provider)
    for i, table in enumerate(("A", "B", "C")):
        folder = root / f"prisma/migrations/2026010{i + 1}000000_{table.lower()}"
        folder.mkdir(parents=True)
        (folder / "migration.sql").write_text(f"CREATE TABLE {q(provider, table)} (id INTEGER PRIMARY KEY);\n")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(root)
    return root


def history(url: str) -> list[str]:
    with connect(url) as conn:
        return [r[0] for r in conn.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name")]


ALL = ["20260101000000_a", "20260102000000_b", "20260103000000_c"]


# ---------------------------------------------------------------- defect 6: an invalid schema


@pytest.mark.parametrize("command", [["deploy"], ["status"], ["resolve", "--applied", "20260101000000_a"]])
def test_an_invalid_schema_stops_before_the_database(
    tmp_path: Path, provider: str, missing_db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli, command: list[str]
) -> None:
    """Merge-conflict markers: Prisma 7 stops with P1012 for deploy, status and resolve, and the
    database is neither created nor written."""
    make_project(tmp_path, provider, missing_db_url, monkeypatch, CONFLICTED)
    r = run_cli("migrate", *command)
    assert r.exit_code == 1, r.out
    assert "Error code: P1012" in r.err and "<<<<<<< HEAD" in r.err
    assert "Validation Error Count: 3" in r.err
    assert "Applying migration" not in r.out and "created at" not in r.out
    assert not database_exists(missing_db_url)


# ---------------------------------------------------------------- defect 10: the creation line


def test_deploy_says_when_it_creates_the_database(tmp_path: Path, provider: str, missing_db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    make_project(tmp_path, provider, missing_db_url, monkeypatch)
    url = parse_url(missing_db_url)
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    expected = {
        "postgresql": f"PostgreSQL database {url.database} created at {url.host}:{url.port}\n",
        "mysql": f"MySQL database {url.database} created at {url.host}:{url.port}\n",
        "sqlite": f"SQLite database app.db created at {missing_db_url}\n",
    }[provider]
    assert r.out.startswith(expected), r.out
    assert history(missing_db_url) == ALL
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "created at" not in r.out and "No pending migrations to apply." in r.out


def test_migrate_project_connect_reports_creation_to_its_log(tmp_path: Path, provider: str, missing_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `migrate dev` uses: connect(create=True, log=...) says it when it created the database."""
    from schemashift.migrations.project import open_project

    make_project(tmp_path, provider, missing_db_url, monkeypatch)
    lines: list[str] = []
    with open_project(None).connect(create=True, log=lines.append) as conn:
        assert conn.query("SELECT 1") == [(1,)]
    with open_project(None).connect(create=True, log=lines.append):
        pass
    assert len(lines) == 1 and " created at " in lines[0]


# ---------------------------------------------------------------- defect 7: pods starting together


def _deploy_processes(cwd: Path, url: str, n: int) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    code = "from schemashift.cli import main; main()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, "migrate", "deploy", "--lock-timeout", "60"], cwd=cwd, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(n)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


@pytest.mark.parametrize("schema_param", [False, True], ids=["default", "schema_x"])
def test_concurrent_deploys_on_a_missing_database_all_succeed(
    tmp_path: Path, provider: str, missing_db_url: str, monkeypatch: pytest.MonkeyPatch, schema_param: bool
) -> None:
    if schema_param and provider != "postgresql":
        pytest.skip("?schema= is PostgreSQL's")
    url = missing_db_url + ("?schema=tenant_x" if schema_param else "")
    make_project(tmp_path, provider, url, monkeypatch)
    results = _deploy_processes(tmp_path, url, 5)
    assert [r.returncode for r in results] == [0] * 5, [r.stderr for r in results]
    assert sum("created at" in r.stdout for r in results) == 1
    assert sum(r.stdout.count("Applying migration `20260101000000_a`") for r in results) == 1
    assert history(url) == ALL  # each migration applied (and recorded) once
    with connect(url) as conn:
        rows = conn.query("SELECT migration_name FROM _prisma_migrations")
        assert sorted(r[0] for r in rows) == ALL
        if schema_param:
            assert conn.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'tenant_x'") == [(4,)]


# ---------------------------------------------------------------- defect 9: the migration lock


def _holding_lock(url: str, seconds: float) -> tuple[threading.Thread, threading.Event, list[int]]:
    """A thread that takes the migration lock on its own connection, holds it ``seconds`` (or
    until the event is set), then releases it. Returns (thread, started, [holder id])."""
    started, ids = threading.Event(), []

    def hold() -> None:
        with connect(url) as conn:
            with conn.advisory_lock(timeout=60):
                ids.append(
                    int(conn.query("SELECT pg_backend_pid()")[0][0]) if conn.provider == "postgresql"
                    else int(conn.query("SELECT CONNECTION_ID()")[0][0]) if conn.provider == "mysql"
                    else os.getpid()
                )
                started.set()
                time.sleep(seconds)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert started.wait(70)
    return thread, started, ids


def _holder_text(provider: str, holder_id: int) -> str:
    return f"held by {'connection' if provider == 'mysql' else 'PID'} {holder_id} ("


def test_lock_wait_is_reported_and_ends_at_the_lock_timeout(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    make_project(tmp_path, provider, db_url, monkeypatch)
    thread, _, ids = _holding_lock(db_url, 4)
    start = time.monotonic()
    r = run_cli("migrate", "deploy", "--lock-timeout", "1")
    elapsed = time.monotonic() - start
    assert r.exit_code == 1 and "P1002" in r.err, r.err
    assert "Waiting for the migration lock, " + _holder_text(provider, ids[0]) in r.out, r.out
    if provider == "postgresql":
        assert f"PID {ids[0]} (schemashift, 127.0.0.1, for " in r.out
    assert "giving up after 1 s (--lock-timeout)." in r.out
    assert elapsed < 3.5, elapsed
    thread.join()
    # the same limit from [tool.schemashift]
    (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nmigration_lock_timeout = "1s"\n')
    thread, _, ids = _holding_lock(db_url, 3)
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "giving up after 1 s (--lock-timeout)." in r.out, r.out
    thread.join()


def test_a_deploy_waits_for_the_lock_and_then_applies(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    make_project(tmp_path, provider, db_url, monkeypatch)
    thread, _, ids = _holding_lock(db_url, 1.0)
    r = run_cli("migrate", "deploy", "--lock-timeout", "30")
    thread.join()
    assert r.exit_code == 0, r.err
    assert _holder_text(provider, ids[0]) in r.out and "giving up after 30 s" in r.out
    assert history(db_url) == ALL


def test_migration_lock_timeout_setting() -> None:
    assert load_settings(Path("/nonexistent")).migration_lock_timeout_ms is None
    os.environ["SCHEMASHIFT_MIGRATION_LOCK_TIMEOUT"] = "2min"
    assert load_settings(Path("/nonexistent")).migration_lock_timeout_ms == 120_000


# ---------------------------------------------------------------- defect 9: --wait


def _pg_starting_up(conn: socket.socket) -> None:
    """Answer a PostgreSQL client as a server that is starting up (FATAL 57P03)."""
    while True:
        head = conn.recv(8, socket.MSG_WAITALL)
        if len(head) < 8:
            return
        length, code = struct.unpack("!ii", head)
        if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: "not supported"
            conn.sendall(b"N")
            continue
        conn.recv(length - 8, socket.MSG_WAITALL)  # the rest of the startup message
        fields = b"SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0"
        conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)
        return


class Forwarder:
    """127.0.0.1:<port> that, for ``delay`` seconds, answers like a server that is starting (a
    PostgreSQL FATAL 57P03, or a MySQL handshake cut short), then forwards to the real server."""

    def __init__(self, target: tuple[str, int], delay: float, provider: str) -> None:
        self.target, self.provider = target, provider
        self.ready_at = time.monotonic() + delay
        self.early = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            conn.settimeout(10)
            if time.monotonic() < self.ready_at:
                self.early += 1
                if self.provider == "postgresql":
                    _pg_starting_up(conn)
                conn.close()
                continue
            upstream = socket.create_connection(self.target, timeout=10)
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> Forwarder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.server.close()


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_wait_retries_a_server_that_is_starting(tmp_path: Path, provider: str, missing_db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    real = parse_url(missing_db_url)
    with Forwarder((real.host, real.port), 1.0, provider) as fwd:
        url = missing_db_url.replace(f"{real.host}:{real.port}", f"127.0.0.1:{fwd.port}")
        assert url != missing_db_url
        make_project(tmp_path, provider, url, monkeypatch)
        r = run_cli("migrate", "deploy", "--wait=20")
        early = fwd.early
    assert r.exit_code == 0, r.err
    assert early >= 1
    reason = "is starting up" if provider == "postgresql" else "Can't reach database server"
    assert f"Waiting for the database server at 127.0.0.1:{fwd.port} to accept connections (" in r.out
    assert reason in r.out.split("Waiting for the database server", 1)[1].split("\n", 1)[0]
    assert "giving up after 20 s (--wait)." in r.out
    assert r.out.count("Waiting for the database server") == 1
    assert history(missing_db_url) == ALL


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_wait_gives_up_and_no_wait_fails_at_once(tmp_path: Path, provider: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    port = closed.getsockname()[1]
    try:
        make_project(tmp_path, provider, f"{'postgresql' if provider == 'postgresql' else 'mysql'}://u@127.0.0.1:{port}/app", monkeypatch)
        start = time.monotonic()
        r = run_cli("migrate", "deploy", "--wait", "1")
        elapsed = time.monotonic() - start
        assert r.exit_code == 1 and "P1001" in r.err and "Gave up after waiting 1 s for it (--wait)." in r.err, r.err
        assert "Waiting for the database server" in r.out and 0.9 < elapsed < 5
        start = time.monotonic()
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 1 and "P1001" in r.err and "Waiting" not in r.out
        assert time.monotonic() - start < 2
    finally:
        closed.close()


# ---------------------------------------------------------------- defect 10 and URL errors


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_a_url_without_database_is_refused_and_nothing_is_written(tmp_path: Path, provider: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    admin = parse_url(dbutil.admin_url_or_skip(provider))
    bare = f"{admin.scheme}://{admin.user}@{admin.host}:{admin.port}"
    with connect(dbutil.admin_url(provider)) as conn:
        before = conn.query("SELECT count(*) FROM information_schema.tables WHERE table_name = '_prisma_migrations'")
    for url in (bare, bare + "/"):
        root = tmp_path / ("slash" if url.endswith("/") else "bare")
        root.mkdir()
        make_project(root, provider, url, monkeypatch)
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 1 and "P1013" in r.err and "The database name is missing in database URL" in r.err, r.err
        assert "internal error" not in r.err
    with connect(dbutil.admin_url(provider)) as conn:
        after = conn.query("SELECT count(*) FROM information_schema.tables WHERE table_name = '_prisma_migrations'")
    assert after == before


@pytest.mark.parametrize(
    ("provider", "url", "expected"),
    [
        ("postgresql", "postgresql://u@[::1/db", "an IPv6 address must be written in brackets"),
        ("mysql", "mysql://root@[::1/db", "an IPv6 address must be written in brackets"),
        ("postgresql", "postgresql://postgres@127.0.0.1:5432/db?sslrootcert=certs/ca.pem", "certs/ca.pem` given as `sslrootcert` does not exist"),
        ("postgresql", "postgresql://postgres@127.0.0.1:5432/db?sslcert=/nonexistent/ca.pem", "`/nonexistent/ca.pem` given as `sslcert` does not exist"),
        ("mysql", "mysql://root@127.0.0.1:3306/db?sslidentity=id.p12", "id.p12` given as `sslidentity` does not exist"),
    ],
    indirect=["provider"],
)
def test_url_user_errors_are_p1013_with_exit_1(tmp_path: Path, provider: str, url: str, expected: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    make_project(tmp_path, provider, url, monkeypatch)
    for command in (["deploy"], ["status"]):
        r = run_cli("migrate", *command)
        assert r.exit_code == 1, (r.out, r.err)
        assert "P1013" in r.err and expected in r.err, r.err
        assert "internal error" not in r.err and "Traceback" not in r.err
    if "certs/ca.pem" in url:  # relative TLS paths are the schema folder's, as in Prisma
        assert str(tmp_path / "prisma/certs/ca.pem") in r.err


# ---------------------------------------------------------------- one connection


def test_deploy_with_backup_opens_one_connection(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    from schemashift.connectors.base import Connector
    from schemashift.backup import read_manifest

    make_project(tmp_path, provider, db_url, monkeypatch)
    folder = tmp_path / "prisma/migrations/20260103000000_c"
    sql = (folder / "migration.sql").read_text()
    (folder / "migration.sql").unlink()
    folder.rmdir()
    assert run_cli("migrate", "deploy").exit_code == 0
    folder.mkdir()
    (folder / "migration.sql").write_text(sql)
    opened: list[str] = []
    original = Connector.__init__

    def counting(self: Connector, url) -> None:  # type: ignore[no-untyped-def]
        opened.append(url.database)
        original(self, url)

    monkeypatch.setattr(Connector, "__init__", counting)
    r = run_cli("migrate", "deploy", "--backup", str(tmp_path / "bk"))
    assert r.exit_code == 0, r.err
    assert len(opened) == 1, opened
    (entry,) = read_manifest(tmp_path / "bk")
    assert entry.migration == "20260102000000_b"
    assert f"Backup written: {tmp_path / 'bk' / entry.file}" in r.out
    assert history(db_url) == ALL
