"""A dump copied away from its manifest: verified by its ``<file>.sha256`` (sha256sum format), or
restored unchecked only with ``--no-verify`` and a warning; never silently."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import dbutil
import pytest

from schemashift.backup import BackupError, create_backup, restore_backup
from schemashift.connectors import connect, database_exists, parse_url

from test_backup_restore import content_digest, fill


def _fresh_target(tmp_path: Path, provider: str) -> tuple[str, object]:
    """An empty target URL, and how to drop it."""
    if provider == "sqlite":
        return f"file:{tmp_path / 'restored.db'}", lambda: None
    admin = dbutil.admin_url(provider)
    name = dbutil.unique_db_name()
    drop = dbutil.postgres_drop if provider == "postgresql" else dbutil.mysql_drop
    return dbutil.with_database(admin, name, "?schema=public" if provider == "postgresql" else ""), lambda: drop(admin, name)


def test_a_dump_away_from_its_manifest(tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db_url, provider, rows=20)
    before = content_digest(db_url, provider)
    entry = create_backup(parse_url(db_url), tmp_path / "bk")
    sidecar = tmp_path / "bk" / f"{entry.file}.sha256"
    assert sidecar.read_text() == f"{entry.sha256}  {entry.file}\n"
    assert subprocess.run(["sha256sum", "-c", sidecar.name], cwd=sidecar.parent, capture_output=True).returncode == 0

    # copied away with its .sha256: verified by it
    away = tmp_path / "away"
    away.mkdir()
    shutil.copy(tmp_path / "bk" / entry.file, away)
    shutil.copy(sidecar, away)
    target, drop = _fresh_target(tmp_path, provider)
    monkeypatch.chdir(tmp_path)
    try:
        r = run_cli("backup", "restore", str(away / entry.file), "--to-url", target)
        assert r.exit_code == 0, r.err
        assert "Warning" not in r.err
        assert content_digest(target, provider) == before
    finally:
        drop()  # type: ignore[operator]

    # a changed file is refused by its .sha256 as by the manifest
    damaged = bytearray((away / entry.file).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (away / entry.file).write_bytes(bytes(damaged))
    target, drop = _fresh_target(tmp_path, provider)
    try:
        r = run_cli("backup", "restore", str(away / entry.file), "--to-url", target)
        assert r.exit_code == 1 and f"does not match {entry.file}.sha256" in r.err
    finally:
        drop()  # type: ignore[operator]


def test_no_checksum_needs_no_verify(tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db_url, provider, rows=5)
    before = content_digest(db_url, provider)
    entry = create_backup(parse_url(db_url), tmp_path / "bk")
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(tmp_path / "bk" / entry.file, lone)
    monkeypatch.chdir(tmp_path)
    target, drop = _fresh_target(tmp_path, provider)
    try:
        r = run_cli("backup", "restore", str(lone / entry.file), "--to-url", target)
        assert r.exit_code == 1
        for way in ("manifest.json", f"{entry.file}.sha256", "--no-verify"):
            assert way in r.err  # the message names each way out
        assert not database_exists(parse_url(target))  # refused before the target was created

        r = run_cli("backup", "restore", str(lone / entry.file), "--to-url", target, "--no-verify")
        assert r.exit_code == 0, r.err
        assert "Warning:" in r.err and "unchecked" in r.err
        assert content_digest(target, provider) == before
    finally:
        drop()  # type: ignore[operator]


def test_sidecar_and_manifest_must_agree(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with connect(f"file:{db}") as conn:
        conn.execute('CREATE TABLE "T" (id INTEGER PRIMARY KEY)')
    entry = create_backup(parse_url(f"file:{db}"), tmp_path / "bk")
    sidecar = tmp_path / "bk" / f"{entry.file}.sha256"
    sidecar.write_text(f"{hashlib.sha256(b'other').hexdigest()}  {entry.file}\n")
    with pytest.raises(BackupError, match=f"does not match {entry.file}.sha256"):
        restore_backup(tmp_path / "bk" / entry.file, parse_url(f"file:{tmp_path / 'r.db'}"))
    sidecar.write_text(f"{entry.sha256}  some_other_file.db\n")
    with pytest.raises(BackupError, match="holds no sha256 for"):
        restore_backup(tmp_path / "bk" / entry.file, parse_url(f"file:{tmp_path / 'r.db'}"))
    assert not (tmp_path / "r.db").exists()
