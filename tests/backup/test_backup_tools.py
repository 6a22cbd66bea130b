"""Clear errors when a dump tool is missing or too old, with no file and no password left behind.

No database server is needed: the tool is looked up (or fails) before anything connects.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from schemashift.backup import BackupError, create_backup, restore_backup
from schemashift.connectors import parse_url

PG_URL = "postgresql://app:s3cr3t-pw@127.0.0.1:5432/shop"
MYSQL_URL = "mysql://app:s3cr3t-pw@127.0.0.1:3306/shop"


def _only_path(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    monkeypatch.setenv("PATH", str(directory))


@pytest.mark.parametrize(("url", "tool"), [(PG_URL, "pg_dump"), (MYSQL_URL, "mariadb-dump")])
def test_missing_dump_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, tool: str) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    _only_path(monkeypatch, empty)
    with pytest.raises(BackupError) as info:
        create_backup(parse_url(url), tmp_path / "bk")
    assert f"`{tool}` was not found on PATH" in info.value.message
    assert "client tools" in info.value.message
    assert list((tmp_path / "bk").iterdir()) == []  # no empty dump file, no manifest


def test_missing_restore_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = tmp_path / "shop_20260101T000000Z.dump"
    dump.write_bytes(b"PGDMP")
    import hashlib
    import json

    (tmp_path / "manifest.json").write_text(json.dumps({"version": 1, "backups": [{
        "file": dump.name, "provider": "postgresql", "database": "shop",
        "created_at": "2026-01-01T00:00:00+00:00", "size": 5,
        "sha256": hashlib.sha256(b"PGDMP").hexdigest(), "migration": None,
    }]}))
    created: list[object] = []
    monkeypatch.setattr("schemashift.connectors.create_database_if_missing", lambda url: created.append(url) or True)
    empty = tmp_path / "bin"
    empty.mkdir()
    _only_path(monkeypatch, empty)
    with pytest.raises(BackupError, match="`pg_restore` was not found on PATH"):
        restore_backup(dump, parse_url(PG_URL))
    assert created == []  # the tool is looked up before a target database is created


def _fake_tool(directory: Path, name: str, version: str, stderr: str, code: int) -> None:
    script = directory / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "if '--version' in sys.argv:\n"
        f"    print({version!r}); sys.exit(0)\n"
        f"sys.stdout.write('PGDMP partial'); sys.stderr.write({stderr!r}); sys.exit({code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_pg_dump_older_than_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_tool(
        bin_dir, "pg_dump", "pg_dump (PostgreSQL) 13.9",
        "pg_dump: error: aborting because of server version mismatch\n"
        "pg_dump: detail: server version: 16.1; pg_dump version: 13.9\n", 1,
    )
    _only_path(monkeypatch, bin_dir)
    with pytest.raises(BackupError) as info:
        create_backup(parse_url(PG_URL), tmp_path / "bk")
    message = info.value.message
    assert "pg_dump (PostgreSQL) 13.9 is older than the server it dumps" in message
    assert "server version: 16.1" in message
    assert "s3cr3t-pw" not in message
    assert list((tmp_path / "bk").iterdir()) == []  # the partial dump is removed


def test_dump_tool_failure_message_is_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_tool(bin_dir, "pg_dump", "pg_dump (PostgreSQL) 15.2",
               "pg_dump: error: connection to app:s3cr3t-pw@127.0.0.1 failed\n", 1)
    _only_path(monkeypatch, bin_dir)
    with pytest.raises(BackupError) as info:
        create_backup(parse_url(PG_URL), tmp_path / "bk")
    assert "pg_dump failed (exit 1)" in info.value.message
    assert "s3cr3t-pw" not in info.value.message and "****" in info.value.message
    assert os.listdir(tmp_path / "bk") == []
