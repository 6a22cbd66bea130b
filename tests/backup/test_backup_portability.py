"""Dump and restore plumbing without Unix-only calls, and the tools' stderr always drained.

Fake tools (Python scripts) write more to stderr than a pipe holds (1 MiB: a pipe holds 64 KiB)
while they write or read the dump: a tool whose stderr nobody reads would block forever, so each
call runs in a thread that must finish. ``fcntl`` and ``os.readv`` are taken away, as on Windows.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from schemashift import backup
from schemashift.backup import BackupError, BackupEntry
from schemashift.backup.clients import ClientConnection
from schemashift.connectors import parse_url

NOISE = 1 << 20  # stderr bytes
DATA = 3 << 20  # stdout bytes


def _tool(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport sys\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def _finishes(call: Callable[[], object]) -> object:
    result: list[object] = []

    def target() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            result.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the tool blocked: its stderr is not drained"
    return result[0]


@pytest.fixture(autouse=True)
def _windows_like(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fcntl", None)  # type: ignore[arg-type]
    monkeypatch.delattr(os, "readv", raising=False)


WRITER = f"""
sys.stderr.write("w" * {NOISE}); sys.stderr.flush()
chunk = bytes(range(256)) * 4096
for _ in range({DATA} // len(chunk)):
    sys.stdout.buffer.write(chunk)
sys.stderr.write("done s3cr3t-pw\\n")
sys.exit(int(sys.argv[-1]) if sys.argv[-1].isdigit() else 0)
"""
EXPECTED = bytes(range(256)) * 4096 * (DATA // (256 * 4096))


@pytest.mark.parametrize("exit_code", [0, 3])
def test_pipe_to_file(tmp_path: Path, exit_code: int) -> None:
    exe = _tool(tmp_path, "fake_pg_dump", WRITER)
    out = tmp_path / "x.dump"
    out.write_bytes(b"")
    result = _finishes(lambda: backup._pipe_to_file([exe, str(exit_code)], dict(os.environ), out, "pg_dump", ("s3cr3t-pw",)))
    if exit_code == 0:
        assert result == hashlib.sha256(EXPECTED).hexdigest()
        assert out.read_bytes() == EXPECTED
    else:
        assert isinstance(result, BackupError)
        assert "pg_dump failed (exit 3)" in result.message and result.message.endswith("done ****")


@pytest.mark.parametrize("exit_code", [0, 3])
def test_mysql_dump(tmp_path: Path, exit_code: int) -> None:
    exe = _tool(tmp_path, "fake_mariadb_dump", WRITER.replace("sys.argv[-1]", f"'{exit_code}'"))
    out = tmp_path / "x.sql.gz"
    url = parse_url("mysql://app:s3cr3t-pw@127.0.0.1:3306/shop")
    result = _finishes(lambda: backup._dump_mysql(exe, ClientConnection(), url, out))
    if exit_code == 0:
        assert result == hashlib.sha256(out.read_bytes()).hexdigest()
        assert gzip.decompress(out.read_bytes()) == EXPECTED
    else:
        assert isinstance(result, BackupError)
        assert "failed (exit 3)" in result.message and "s3cr3t-pw" not in result.message


@pytest.mark.parametrize("exit_code", [0, 1])
def test_mysql_restore(tmp_path: Path, exit_code: int) -> None:
    received = tmp_path / "received.sql"
    exe = _tool(
        tmp_path,
        "fake_mariadb",
        f"sys.stderr.write('r' * {NOISE}); sys.stderr.flush()\n"
        f"open({str(received)!r}, 'wb').write(sys.stdin.buffer.read())\n"
        f"sys.stderr.write('ERROR 1064 at line 2\\n'); sys.exit({exit_code})\n",
    )
    dump = tmp_path / "shop.sql.gz"
    lines = [b"CREATE DATABASE `shop`;\n", b"USE `shop`;\n"] + [b"INSERT INTO t VALUES (%d);\n" % i for i in range(100_000)]
    dump.write_bytes(gzip.compress(b"".join(lines)))
    entry = BackupEntry(file=dump.name, provider="mysql", database="shop", created_at="", migration=None, sha256="", size=0)
    url = parse_url("mysql://app:s3cr3t-pw@127.0.0.1:3306/copy")
    result = _finishes(lambda: backup._restore_mysql(exe, ClientConnection(), url, dump, entry))
    assert received.read_bytes() == b"".join(lines[2:])  # the source database's lines left out
    if exit_code == 0:
        assert result is None
    else:
        assert isinstance(result, BackupError) and result.message.endswith("ERROR 1064 at line 2")
