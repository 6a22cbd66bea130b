"""Backups with a manifest, checksum-verified restores and the guide's retention policy.

- PostgreSQL: ``pg_dump -Fc`` (custom format, as the guide), restored with ``pg_restore``;
- MySQL/MariaDB: ``mysqldump``/``mariadb-dump --single-transaction --routines --triggers``, gzip'd,
  restored through the ``mysql``/``mariadb`` client;
- SQLite: the online backup API (a consistent copy while the application writes).

Files are named ``<database>_<UTC YYYYMMDDTHHMMSSZ>[_<label>].<ext>``, written with mode 0600, and
recorded in ``manifest.json`` beside them (size, sha256, the migration the database was at, tool
versions). Passwords go to the dump tools through their environment (``PGPASSWORD``,
``MYSQL_PWD``), never on a command line, and never into the manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from schemashift.backup.retention import Policy, select_kept
from schemashift.connectors.url import ConnectionUrl
from schemashift.errors import SchemashiftError

MANIFEST = "manifest.json"
_EXT = {"postgresql": ".dump", "mysql": ".sql.gz", "sqlite": ".db"}
_LABEL = re.compile(r"[^A-Za-z0-9_.-]")


class BackupError(SchemashiftError):
    """A backup or restore that cannot be done (missing tool, wrong version, bad checksum...)."""


@dataclass(frozen=True)
class BackupEntry:
    file: str  # the file name, relative to the backup folder
    provider: str
    database: str
    created_at: str  # ISO 8601, UTC
    size: int
    sha256: str
    migration: str | None  # the newest applied migration when the backup was taken
    label: str | None = None
    tools: dict[str, str] = field(default_factory=dict)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(8 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(directory: Path) -> list[BackupEntry]:
    path = directory / MANIFEST
    if not path.is_file():
        return []
    try:
        raw = json.loads(path.read_text("utf-8"))
        return [BackupEntry(**e) for e in raw.get("backups", [])]
    except (ValueError, TypeError) as exc:
        raise BackupError(f"The backup manifest {path} is damaged: {exc}") from None


def write_manifest(directory: Path, entries: list[BackupEntry]) -> None:
    path = directory / MANIFEST
    tmp = path.with_suffix(".tmp")
    data = {"version": 1, "backups": [asdict(e) for e in sorted(entries, key=lambda e: e.created_at)]}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    tmp.replace(path)


# ---------------------------------------------------------------- tools


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BackupError(
        f"`{names[0]}` was not found on PATH. Install the database's client tools "
        f"(Debian: postgresql-client / mariadb-client) to back up or restore this database."
    )


def _version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    return out.splitlines()[0] if out else "unknown"


def _pg_env(url: ConnectionUrl) -> dict[str, str]:
    env = {**os.environ, "PGHOST": url.host, "PGPORT": str(url.port), "PGDATABASE": url.database}
    if url.user:
        env["PGUSER"] = url.user
    if url.password:
        env["PGPASSWORD"] = url.password
    if url.params.get("sslmode"):
        env["PGSSLMODE"] = url.params["sslmode"]
    return env


def _mysql_env(url: ConnectionUrl) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["MYSQL_PWD"] = url.password
    return env


def _mysql_args(url: ConnectionUrl) -> list[str]:
    args = [f"--host={url.host}", f"--port={url.port}"]
    if url.user:
        args.append(f"--user={url.user}")
    return args


def _run(argv: list[str], env: dict[str, str], what: str, secrets: tuple[str, ...], **kw: object) -> None:
    proc = subprocess.run(argv, env=env, capture_output=True, **kw)  # type: ignore[call-overload]
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else str(proc.stderr)
        for s in secrets:
            if s:
                err = err.replace(s, "****")
        raise BackupError(f"{what} failed (exit {proc.returncode}):\n{err.strip()}")


# ---------------------------------------------------------------- create


def _file_name(url: ConnectionUrl, now: datetime, label: str | None) -> str:
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    suffix = f"_{_LABEL.sub('_', label)}" if label else ""
    return f"{_LABEL.sub('_', url.database)}_{stamp}{suffix}{_EXT[url.provider]}"


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def create_backup(
    url: ConnectionUrl,
    directory: Path,
    *,
    label: str | None = None,
    migration: "str | None | Callable[[], str | None]" = None,
    now: datetime | None = None,
) -> BackupEntry:
    """Dump ``url`` into ``directory``. ``migration`` may be a function (e.g. a history query): it
    then runs in a thread while the dump runs, so it adds nothing to the backup's time."""
    now = now or datetime.now(timezone.utc)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    path = directory / _file_name(url, now, label)
    _private_file(path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(migration) if callable(migration) else None
        try:
            tools, digest = _dump(url, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        at = pending.result() if pending is not None else migration
    assert at is None or isinstance(at, str)
    entry = BackupEntry(
        file=path.name,
        provider=url.provider,
        database=url.database,
        created_at=now.astimezone(timezone.utc).isoformat(),
        size=path.stat().st_size,
        sha256=digest or _sha256(path),
        migration=at,
        label=label,
        tools=tools,
    )
    write_manifest(directory, [*read_manifest(directory), entry])
    return entry


def _dump(url: ConnectionUrl, path: Path) -> tuple[dict[str, str], str | None]:
    """Write the dump; returns the tool versions and the file's sha256 when computed on the way."""
    if url.provider == "sqlite":
        assert url.path is not None
        if not url.path.is_file():
            raise BackupError(f"The SQLite database {url.path} does not exist.")
        src = sqlite3.connect(f"file:{url.path}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)  # the online backup API: a consistent snapshot while others write
        finally:
            dst.close()
            src.close()
        return {"sqlite": sqlite3.sqlite_version}, None
    if url.provider == "postgresql":
        exe = _tool("pg_dump")
        version = _version(exe)
        argv = [exe, "-Fc", "-b", "--no-password", "-f", str(path)]
        if url.schema and url.schema != "public":
            argv += ["-n", url.schema]
        try:
            _run(argv, _pg_env(url), "pg_dump", url.secrets)
        except BackupError as exc:
            if "server version mismatch" in exc.message:
                raise BackupError(
                    f"{version} is older than the server it dumps; install a pg_dump at least as new as "
                    f"the server.\n{exc.message}"
                ) from None
            raise
        # pg_dump writes the file itself (piping it through Python costs a core on small machines);
        # it is hashed afterwards from the page cache
        return {"pg_dump": version}, None
    exe = _tool("mariadb-dump", "mysqldump")
    argv = [exe, *_mysql_args(url), "--single-transaction", "--routines", "--triggers", "--events",
            "--databases", url.database]
    with gzip.open(path, "wb") as out:
        proc = subprocess.Popen(argv, env=_mysql_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
            out.write(chunk)
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        if proc.wait() != 0:
            raise BackupError(f"{Path(exe).name} failed (exit {proc.returncode}):\n{err.strip()}")
    return {Path(exe).name: _version(exe)}, None


# ---------------------------------------------------------------- restore


def find_entry(file: Path) -> BackupEntry | None:
    for e in read_manifest(file.parent):
        if e.file == file.name:
            return e
    return None


def verify(file: Path) -> BackupEntry:
    if not file.is_file():
        raise BackupError(f"No backup file at {file}.")
    entry = find_entry(file)
    if entry is None:
        raise BackupError(f"{file.name} is not in {file.parent / MANIFEST}: cannot verify its checksum.")
    actual = _sha256(file)
    if actual != entry.sha256:
        raise BackupError(
            f"The checksum of {file.name} does not match the manifest (expected {entry.sha256[:16]}..., "
            f"found {actual[:16]}...): the file is damaged or was changed. Nothing was restored."
        )
    return entry


def _target_is_empty(url: ConnectionUrl) -> bool:
    from schemashift.connectors import connect, database_exists
    from schemashift.migrations.history import list_tables

    if not database_exists(url):
        return True
    with connect(url) as conn:
        return not list_tables(conn)


def restore_backup(file: Path, url: ConnectionUrl, *, force: bool = False) -> BackupEntry:
    """Restore into ``url`` (created when missing); refuses a non-empty target without ``force``."""
    from schemashift.connectors import connect, create_database, database_exists

    entry = verify(file)
    if entry.provider != url.provider:
        raise BackupError(f"{file.name} is a {entry.provider} backup; the target is {url.provider}.")
    if not _target_is_empty(url):
        if not force:
            raise BackupError(
                f"The target database `{url.database}` is not empty. Restore into an empty database "
                "(--to-url), or use --force to replace its contents."
            )
        with connect(url) as conn:
            conn.reset()
    if url.provider == "sqlite":
        assert url.path is not None
        src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        dst = sqlite3.connect(url.path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return entry
    if not database_exists(url):
        create_database(url)
    if url.provider == "postgresql":
        exe = _tool("pg_restore")
        argv = [exe, "--no-password", "--no-owner", "--exit-on-error", "-d", url.database, str(file)]
        if url.schema and url.schema != "public":
            argv += ["-n", url.schema]
        _run(argv, _pg_env(url), "pg_restore", url.secrets)
        return entry
    exe = _tool("mariadb", "mysql")
    # the dump names its database (CREATE DATABASE/USE): rewrite those lines to the target's name
    proc = subprocess.Popen([exe, *_mysql_args(url), url.database], env=_mysql_env(url),
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    source_db = entry.database
    with gzip.open(file, "rb") as dump:
        for line in dump:
            if line.startswith((b"CREATE DATABASE", b"USE `")) and f"`{source_db}`".encode() in line:
                continue
            proc.stdin.write(line)
    proc.stdin.close()
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise BackupError(f"{Path(exe).name} failed (exit {proc.returncode}):\n{err.strip()}")
    return entry


# ---------------------------------------------------------------- prune


def prune(directory: Path, policy: Policy, *, now: datetime | None = None, dry_run: bool = False) -> tuple[list[BackupEntry], list[BackupEntry]]:
    """(kept, removed) per database; files not in the manifest are never touched."""
    now = now or datetime.now(timezone.utc)
    entries = read_manifest(directory)
    kept: list[BackupEntry] = []
    for database in sorted({(e.provider, e.database) for e in entries}):
        group = [e for e in entries if (e.provider, e.database) == database]
        kept += select_kept([(e.created, e) for e in group], now, policy)
    kept_files = {e.file for e in kept}
    removed = [e for e in entries if e.file not in kept_files]
    if not dry_run:
        for e in removed:
            (directory / e.file).unlink(missing_ok=True)
        write_manifest(directory, [e for e in entries if e.file in kept_files])
    return kept, removed
