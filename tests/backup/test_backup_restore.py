"""Backups and restores with data on every database, checksums, refusals, and write load."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import dbutil
import pytest

from schemashift.backup import BackupError, create_backup, read_manifest, restore_backup
from schemashift.connectors import connect, parse_url


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def fill(db_url: str, provider: str, rows: int = 200) -> None:
    with connect(db_url) as conn:
        conn.execute(f"CREATE TABLE {q(provider, 'Item')} (id INTEGER PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2))")
        conn.execute(f"CREATE TABLE {q(provider, 'Tag')} (id INTEGER PRIMARY KEY, label VARCHAR(20))")
        for i in range(rows):
            conn.execute(f"INSERT INTO {q(provider, 'Item')} VALUES (%s, %s, %s)", (i, f"item {i} ünï", f"{i}.{i % 100:02d}"))
        conn.execute(f"INSERT INTO {q(provider, 'Tag')} VALUES (1, 'a'), (2, 'b')")


def content_digest(db_url: str, provider: str) -> str:
    h = hashlib.sha256()
    with connect(db_url) as conn:
        for table in ("Item", "Tag"):
            for row in conn.query(f"SELECT * FROM {q(provider, table)} ORDER BY id"):
                h.update(repr(tuple(str(v) for v in row)).encode())
    return h.hexdigest()


def test_backup_restore_round_trip(tmp_path: Path, provider: str, db_url: str) -> None:
    fill(db_url, provider)
    before = content_digest(db_url, provider)
    url = parse_url(db_url)
    entry = create_backup(url, tmp_path / "backups", label="before release", migration="20260101000000_init")
    path = tmp_path / "backups" / entry.file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert entry.file.startswith(f"{url.database}_") and "_before_release" in entry.file
    assert [e.file for e in read_manifest(tmp_path / "backups")] == [entry.file]
    assert entry.size == path.stat().st_size and entry.migration == "20260101000000_init"
    if url.password:
        assert url.password not in (tmp_path / "backups" / "manifest.json").read_text()

    with connect(db_url) as conn:  # damage: the guide's reason to restore
        conn.execute(f"DELETE FROM {q(provider, 'Item')} WHERE id < 100")
        conn.execute(f"DROP TABLE {q(provider, 'Tag')}")
    damaged = _digest_or_none(db_url, provider)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(path, url)
    with pytest.raises(BackupError, match="needs a folder to back them up into first"):
        restore_backup(path, url, force=True)  # never replaced without a copy
    assert _digest_or_none(db_url, provider) == damaged
    done = restore_backup(path, url, force=True, copy_dir=tmp_path / "copies")
    assert content_digest(db_url, provider) == before
    # the replaced contents were backed up first, and that copy restores them
    assert done.entry == entry and done.previous is not None and done.previous.parent == tmp_path / "copies"
    (copy,) = read_manifest(tmp_path / "copies")
    assert copy.file == done.previous.name and "_before_restore" in copy.file
    restore_backup(done.previous, url, force=True, copy_dir=tmp_path / "copies")
    assert _digest_or_none(db_url, provider) == damaged
    assert len(read_manifest(tmp_path / "copies")) == 2


def _digest_or_none(db_url: str, provider: str) -> tuple[str, ...]:
    """The rows of Item, and whether Tag exists (the damaged state drops it)."""
    from schemashift.migrations.history import list_tables

    with connect(db_url) as conn:
        rows = conn.query(f"SELECT id FROM {q(provider, 'Item')} ORDER BY id")
        return (repr([tuple(map(str, r)) for r in rows]), repr("Tag" in list_tables(conn)))


def test_restore_into_a_new_database_and_checksum_guard(tmp_path: Path, provider: str, db_url: str) -> None:
    fill(db_url, provider, rows=20)
    before = content_digest(db_url, provider)
    entry = create_backup(parse_url(db_url), tmp_path)
    path = tmp_path / entry.file
    if provider == "sqlite":
        target = f"file:{tmp_path / 'restored.db'}"
        restore_backup(path, parse_url(target))
        assert content_digest(target, provider) == before
    else:
        admin = dbutil.admin_url(provider)
        name = dbutil.unique_db_name()
        target = dbutil.with_database(admin, name, "?schema=public" if provider == "postgresql" else "")
        try:
            restore_backup(path, parse_url(target))  # created by the restore
            assert content_digest(target, provider) == before
        finally:
            (dbutil.postgres_drop if provider == "postgresql" else dbutil.mysql_drop)(admin, name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(path, parse_url(db_url), force=True)


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_backup_under_write_load_is_consistent(tmp_path: Path, provider: str, db_url: str) -> None:
    with connect(db_url) as conn:
        conn.execute(f"CREATE TABLE {q(provider, 'Log')} (id INTEGER PRIMARY KEY, payload TEXT)")
    writer = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from schemashift.connectors import connect\n"
            "with connect(sys.argv[1]) as c:\n"
            "    for i in range(1, 1000000):\n"
            "        c.execute('INSERT INTO \"Log\" VALUES (%s, %s)', (i, 'x' * 200))\n"
            "        time.sleep(0.0005)  # an application's steady writes, not a lock-hogging loop\n"
        ), db_url],
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 60
        with connect(db_url) as conn:  # wait until rows are arriving (the writer may start slowly)
            while conn.query('SELECT COUNT(*) FROM "Log"')[0][0] < 200 and time.monotonic() < deadline:
                time.sleep(0.05)
        entry = create_backup(parse_url(db_url), tmp_path)
    finally:
        writer.kill()
        writer.wait()
    target = f"file:{tmp_path / 'restored.db'}" if provider == "sqlite" else None
    if provider == "postgresql":
        admin = dbutil.admin_url(provider)
        name = dbutil.unique_db_name()
        target = dbutil.with_database(admin, name, "?schema=public")
    assert target is not None
    try:
        restore_backup(tmp_path / entry.file, parse_url(target))
        with connect(target) as conn:
            count, top = conn.query('SELECT COUNT(*), MAX(id) FROM "Log"')[0]
            if provider == "sqlite":
                assert conn.query("PRAGMA integrity_check") == [("ok",)]
        assert count > 0 and count == top  # a consistent prefix of the sequential inserts
    finally:
        if provider == "postgresql":
            dbutil.postgres_drop(admin, name)


def test_deploy_with_backup(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'
    )
    m1 = tmp_path / "prisma/migrations/20260101000000_init"
    m1.mkdir(parents=True)
    (m1 / "migration.sql").write_text(f"CREATE TABLE {q(provider, 'A')} (id INTEGER PRIMARY KEY);\n")
    assert run_cli("migrate", "deploy").exit_code == 0
    m2 = tmp_path / "prisma/migrations/20260102000000_bad"
    m2.mkdir()
    (m2 / "migration.sql").write_text(f"INSERT INTO {q(provider, 'Nope')} VALUES (1);\n")
    r = run_cli("migrate", "deploy", "--backup", str(tmp_path / "bk"))
    assert r.exit_code == 1
    (entry,) = read_manifest(tmp_path / "bk")
    assert entry.migration == "20260101000000_init" and "before_deploy" in entry.file
    assert f"The backup taken before this deploy is {tmp_path / 'bk' / entry.file}" in r.err
    r = run_cli("backup", "list", "-o", str(tmp_path / "bk"))
    assert entry.file in r.out


def test_manifest_checksum_is_the_files_sha256(tmp_path: Path, provider: str, db_url: str) -> None:
    """pg_dump and mariadb-dump output is hashed on its way to the file: the manifest must still
    hold the sha256 of the bytes on disk (what `sha256sum` prints)."""
    fill(db_url, provider, rows=50)
    entry = create_backup(parse_url(db_url), tmp_path)
    data = (tmp_path / entry.file).read_bytes()
    assert entry.size == len(data) > 0
    assert entry.sha256 == hashlib.sha256(data).hexdigest()
    assert entry.tools and all(v and v != "unknown" for v in entry.tools.values())


def _damaged(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_damaged_file_leaves_the_server_as_it_was(tmp_path: Path, provider: str, db_url: str) -> None:
    """The restore creates a missing target while the file is hashed: a checksum mismatch must drop
    that database again, and never touch an existing one, even with --force."""
    fill(db_url, provider, rows=20)
    before = content_digest(db_url, provider)
    entry = create_backup(parse_url(db_url), tmp_path)
    path = tmp_path / entry.file
    _damaged(path)
    admin = dbutil.admin_url(provider)
    name = dbutil.unique_db_name()
    target = dbutil.with_database(admin, name, "?schema=public" if provider == "postgresql" else "")
    try:
        with pytest.raises(BackupError, match="checksum.*Nothing was restored"):
            restore_backup(path, parse_url(target))
        assert not dbutil.database_exists(provider, name)  # the database made for it is gone
    finally:
        (dbutil.postgres_drop if provider == "postgresql" else dbutil.mysql_drop)(admin, name)
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(path, parse_url(db_url), force=True, copy_dir=tmp_path / "copies")
    assert content_digest(db_url, provider) == before  # not reset
    assert not (tmp_path / "copies").exists()  # checked before anything, the copy included


def test_postgres_dump_restores_in_parallel(tmp_path: Path, postgres_url: str) -> None:
    """The dump is written through a pipe (no data offsets in its table of contents): `pg_restore
    -j` must still restore it, as it does any custom-format dump taken through a pipe."""
    fill(postgres_url, "postgresql", rows=300)
    before = content_digest(postgres_url, "postgresql")
    entry = create_backup(parse_url(postgres_url), tmp_path)
    admin = dbutil.admin_url("postgresql")
    name = dbutil.unique_db_name()
    dbutil.postgres_create(admin, name)
    target = dbutil.with_database(admin, name)
    try:
        proc = subprocess.run(
            ["pg_restore", "-j", "2", "--no-owner", "-d", target, str(tmp_path / entry.file)],
            capture_output=True, text=True,
        )
        assert proc.returncode == 0, proc.stderr
        assert content_digest(target, "postgresql") == before
    finally:
        dbutil.postgres_drop(admin, name)


def test_failed_dump_leaves_no_file_and_no_password(tmp_path: Path, postgres_url: str) -> None:
    parts = dbutil.url_parts(dbutil.admin_url("postgresql"))
    missing = f"postgresql://{parts.user or 'postgres'}:s3cr3t-pw@{parts.host}:{parts.port or 5432}/{dbutil.unique_db_name()}"
    with pytest.raises(BackupError) as info:
        create_backup(parse_url(missing), tmp_path / "bk")
    assert "pg_dump failed" in info.value.message and "s3cr3t-pw" not in info.value.message
    assert [p.name for p in (tmp_path / "bk").iterdir()] == []  # neither a dump nor a manifest
