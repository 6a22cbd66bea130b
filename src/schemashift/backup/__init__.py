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
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, BinaryIO

from schemashift.backup.clients import ClientConnection, check_client_settings, confirm_mysql_tls, mysql_client, pg_client
from schemashift.backup.errors import BackupError
from schemashift import progress
from schemashift.backup.retention import Policy, rotation
from schemashift.connectors.url import ConnectionUrl
from schemashift.errors import EXIT_INTERRUPTED, SchemashiftError, redact

MANIFEST = "manifest.json"
_EXT = {"postgresql": ".dump", "mysql": ".sql.gz", "sqlite": ".db"}
_LABEL = re.compile(r"[^A-Za-z0-9_.-]")


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
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
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


def _pg_env(client: ClientConnection) -> dict[str, str]:
    return {**os.environ, **client.env}


def _mysql_env(client: ClientConnection) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MYSQL_PWD"}  # never a password the URL has not
    return {**env, **client.env}


# ---------------------------------------------------------------- create


def _file_name(url: ConnectionUrl, now: datetime, label: str | None, n: int = 1) -> str:
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    suffix = f"_{_LABEL.sub('_', label)}" if label else ""
    again = f"_{n}" if n > 1 else ""  # a second backup with that name within the same second
    return f"{_LABEL.sub('_', url.database)}_{stamp}{suffix}{again}{_EXT[url.provider]}"


def _private_file(directory: Path, url: ConnectionUrl, now: datetime, label: str | None) -> Path:
    """A new empty file (mode 0600) named for the backup; never one that exists."""
    for n in range(1, 1000):
        path = directory / _file_name(url, now, label, n)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise BackupError(f"Too many backups named {_file_name(url, now, label)} in {directory}.")


def create_backup(
    url: ConnectionUrl,
    directory: Path,
    *,
    label: str | None = None,
    migration: "str | None | Callable[[], str | None]" = None,
    now: datetime | None = None,
) -> BackupEntry:
    """Dump ``url`` into ``directory``. ``migration`` may be a function (e.g. a history query): it
    then runs in a thread while the dump runs, so it adds nothing to the backup's time; so does
    asking the dump tool for its version."""
    now = now or datetime.now(timezone.utc)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    path = _private_file(directory, url, now, label)
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = pool.submit(migration) if callable(migration) else None
        try:
            with progress.task(f"Backing up `{url.database}`", None, "bytes") as t:
                tools, digest = _dump(url, path, pool, t)
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
    write_checksum(path, entry.sha256)
    write_manifest(directory, [*read_manifest(directory), entry])
    return entry


def _dump(
    url: ConnectionUrl, path: Path, pool: ThreadPoolExecutor, t: progress.Task
) -> tuple[dict[str, str], str | None]:
    """Write the dump (``t`` hears the bytes as they come); returns the tool versions and the
    file's sha256 when computed on the way."""
    if url.provider == "sqlite":
        assert url.path is not None
        if not url.path.is_file():
            raise BackupError(f"The SQLite database {url.path} does not exist.")
        src = sqlite3.connect(f"file:{url.path}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(path)
        try:
            # the online backup API: a consistent snapshot while others write (in steps of 1024
            # pages, so that progress can be told; each step is consistent with the last)
            src.backup(dst, pages=1024, progress=_sqlite_progress(t, src))
        except sqlite3.Error as exc:  # e.g. a file that is not a SQLite database
            raise BackupError(f"Could not back up the SQLite database {url.path}: {exc}.") from None
        finally:
            dst.close()
            src.close()
        return {"sqlite": sqlite3.sqlite_version}, None
    if url.provider == "postgresql":
        exe = _tool("pg_dump")
        version = pool.submit(_version, exe)
        # to stdout, hashed on the way to the file: no second pass over the dump. pg_dump then
        # writes no data offsets into its table of contents (it cannot seek back); pg_restore,
        # -j included, finds the blocks by reading on, as it does for any dump taken through a pipe
        argv = [exe, "-Fc", "-b", "--no-password"]
        if url.schema and url.schema != "public":
            argv += ["-n", url.schema]
        try:
            with pg_client(url) as client:
                digest = _pipe_to_file(argv, _pg_env(client), path, "pg_dump", url.secrets, t)
        except BackupError as exc:
            if "server version mismatch" in exc.message:
                raise BackupError(
                    f"{version.result()} is older than the server it dumps; install a pg_dump at least as "
                    f"new as the server.\n{exc.message}"
                ) from None
            raise
        return {"pg_dump": version.result()}, digest
    exe = _tool("mariadb-dump", "mysqldump")
    version = pool.submit(_version, exe)
    with mysql_client(url) as client:
        return {Path(exe).name: version.result()}, _dump_mysql(exe, client, url, path, t)


def _sqlite_progress(t: progress.Task, src: sqlite3.Connection) -> Callable[[int, int, int], None]:
    page = src.execute("PRAGMA page_size").fetchone()[0]

    def told(_status: int, remaining: int, total: int) -> None:
        t.total = total * page
        t.advance((total - remaining) * page - t.done)

    return told


def _dump_mysql(
    exe: str, client: ClientConnection, url: ConnectionUrl, path: Path, t: progress.Task | None = None
) -> str:
    t = t or progress.task("mariadb-dump")
    if client.unenforced_tls:
        confirm_mysql_tls(url)
    argv = [exe, *client.args, "--single-transaction", "--routines", "--triggers", "--events",
            "--databases", url.database]
    with path.open("wb") as raw:
        hashing = _HashingWriter(raw)
        with gzip.GzipFile(filename="", mode="wb", fileobj=hashing) as out:
            # stderr goes to a file, never an unread pipe: a tool that writes more than a pipe
            # holds there (warnings) would block while we wait for its stdout
            with tempfile.TemporaryFile() as err:
                proc = subprocess.Popen(argv, env=_mysql_env(client), stdout=subprocess.PIPE, stderr=err)
                assert proc.stdout is not None
                for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
                    out.write(chunk)
                    t.advance(len(chunk))
                if proc.wait() != 0:
                    raise BackupError(f"{Path(exe).name} failed (exit {proc.returncode}):\n{_read_err(err, url.secrets)}")
    return hashing.digest.hexdigest()


class _HashingWriter:
    """A binary file that hashes what goes through it (for the gzip stream of a MySQL dump)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _pipe_to_file(
    argv: list[str], env: dict[str, str], path: Path, what: str, secrets: tuple[str, ...],
    t: progress.Task | None = None,
) -> str:
    """Run ``argv`` with its standard output written to ``path``; the sha256 of what was written.

    The pipe is widened to 1 MiB (Linux) and read into one reused buffer, so the copy costs a few
    hundred system calls and the hash (which releases the GIL) overlaps the dump tool's own work.
    Portable: no Unix-only call is required (``fcntl`` is optional, reads go through ``FileIO``,
    files are opened binary), and the tool's stderr goes to a file, so it never blocks on it.
    """
    t = t or progress.task(what)
    read_fd, write_fd = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(read_fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_SIZE)
    except (ImportError, OSError):
        pass  # not Linux, or above /proc/sys/fs/pipe-max-size: the default pipe works too
    digest = hashlib.sha256()
    out = os.open(path, os.O_WRONLY | os.O_TRUNC | _BINARY)
    try:
        with tempfile.TemporaryFile() as err:
            try:
                proc = subprocess.Popen(argv, env=env, stdout=write_fd, stderr=err)
            finally:
                os.close(write_fd)
            try:
                buffer = bytearray(_PIPE_SIZE)
                view = memoryview(buffer)
                reader = io.FileIO(read_fd, "rb", closefd=False)
                while n := reader.readinto(buffer):
                    chunk = view[:n]
                    digest.update(chunk)
                    t.advance(n)
                    while chunk:
                        chunk = chunk[os.write(out, chunk) :]
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            if proc.wait() != 0:
                raise BackupError(f"{what} failed (exit {proc.returncode}):\n{_read_err(err, secrets)}")
    finally:
        os.close(read_fd)
        os.close(out)
    return digest.hexdigest()


_PIPE_SIZE = 1 << 20
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation in files written by fd


def _read_err(err: IO[bytes], secrets: tuple[str, ...]) -> str:
    """The error output a tool wrote to the temporary file ``err``, redacted."""
    err.seek(0)
    return _redact(err.read().decode("utf-8", "replace"), secrets)


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    """A tool's error output, stripped and without the password (:func:`schemashift.errors.redact`)."""
    return redact(text, secrets).strip()


# ---------------------------------------------------------------- restore


def find_entry(file: Path) -> BackupEntry | None:
    for e in read_manifest(file.parent):
        if e.file == file.name:
            return e
    return None


CHECKSUM_SUFFIX = ".sha256"
_CHECKSUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
_STAMP = re.compile(r"_(\d{8}T\d{6}Z)")


def write_checksum(path: Path, digest: str) -> Path:
    """``<file>.sha256`` beside the dump, in ``sha256sum`` format (``sha256sum -c`` checks it), so a
    dump copied away from its manifest can still be verified."""
    sidecar = Path(f"{path}{CHECKSUM_SUFFIX}")
    fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"{digest}  {path.name}\n")
    return sidecar


def read_checksum(file: Path) -> str | None:
    """The sha256 that ``<file>.sha256`` gives for ``file``, if that file exists."""
    sidecar = Path(f"{file}{CHECKSUM_SUFFIX}")
    try:
        text = sidecar.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"The checksum file {sidecar} cannot be read: {exc}") from None
    for line in text.splitlines():
        m = _CHECKSUM_LINE.match(line.strip())
        if m and Path(m.group(2)).name == file.name:
            return m.group(1).lower()
    raise BackupError(
        f"{sidecar} holds no sha256 for {file.name} (expected a line `<sha256>  {file.name}`, as "
        "sha256sum writes it). Nothing was restored."
    )


@dataclass(frozen=True)
class _Expected:
    entry: BackupEntry
    digests: tuple[tuple[str, str], ...]  # (where from, sha256): every checksum found for the file


def _expected(file: Path, verify: bool) -> _Expected:
    """The backup's description and every checksum it can be verified against: its manifest entry
    and its ``.sha256`` file. Without either, only ``verify=False`` (``--no-verify``) goes on."""
    if not file.is_file():
        raise BackupError(f"No backup file at {file}.")
    entry = find_entry(file)
    sidecar = read_checksum(file)
    digests = []
    if entry is not None:
        digests.append((f"the manifest {file.parent / MANIFEST}", entry.sha256))
    if sidecar is not None:
        digests.append((f"{file.name}{CHECKSUM_SUFFIX}", sidecar))
    if not digests and verify:
        raise BackupError(
            f"Cannot verify {file}: it is not listed in {file.parent / MANIFEST} and there is no "
            f"{file.name}{CHECKSUM_SUFFIX} beside it. Provide one of: the manifest.json it was listed in "
            f"(in the same folder), its {file.name}{CHECKSUM_SUFFIX} file, or --no-verify to restore it "
            "unchecked. Nothing was restored."
        )
    if entry is None:
        entry = _entry_from_file(file, sidecar)
    return _Expected(entry, tuple(digests))


def _entry_from_file(file: Path, sha256: str | None) -> BackupEntry:
    """What can be known of a backup without its manifest entry: the provider from the file's
    extension, the time from its name (else the file's), no database name, no migration."""
    provider = next((p for p, ext in _EXT.items() if file.name.endswith(ext)), "")
    stamp = _STAMP.search(file.name)
    if stamp:
        created = datetime.strptime(stamp.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    else:
        created = datetime.fromtimestamp(file.stat().st_mtime, timezone.utc)
    return BackupEntry(file=file.name, provider=provider, database="", created_at=created.isoformat(),
                       size=file.stat().st_size, sha256=sha256 or "", migration=None)


def _check_digest(file: Path, expected: _Expected, actual: str) -> None:
    for where, digest in expected.digests:
        if actual != digest:
            raise BackupError(
                f"The checksum of {file.name} does not match {where} (expected {digest[:16]}..., "
                f"found {actual[:16]}...): the file is damaged or was changed. Nothing was restored."
            )


def verify(file: Path) -> BackupEntry:
    """The description of ``file``, after checking it against every checksum found for it."""
    expected = _expected(file, verify=True)
    _check_digest(file, expected, _sha256(file))
    return expected.entry


def _target_is_empty(url: ConnectionUrl, known_to_exist: bool = False) -> bool:
    from schemashift.connectors import connect, database_exists
    from schemashift.migrations.history import list_tables

    if not known_to_exist and not database_exists(url):
        return True
    with connect(url) as conn:
        return not list_tables(conn)


@dataclass(frozen=True)
class Restored:
    entry: BackupEntry  # the backup that was restored
    previous: Path | None = None  # the backup of what the target held before (``force`` over data)


def restore_backup(
    file: Path,
    url: ConnectionUrl,
    *,
    force: bool = False,
    copy_dir: Path | None = None,
    migration: "str | None | Callable[[], str | None]" = None,
    verify: bool = True,
    warn: Callable[[str], None] | None = None,
) -> Restored:
    """Restore into ``url`` (created when missing); refuses a non-empty target without ``force``.

    The checksum (of the manifest entry and of ``<file>.sha256``, whichever exist) is verified
    before anything is restored; a file with neither is refused unless ``verify`` is False, and
    then ``warn`` is told that it is restored unchecked. On a server the file is hashed while the
    target database is created (a thread: hashing releases the GIL); a database created for the
    restore is dropped again when the checksum does not match, so a damaged file leaves the server
    as it was. An existing database is only ever reset after the checksum matched, and only after
    its contents were backed up into ``copy_dir`` (label ``before_restore``; ``migration`` as for
    :func:`create_backup`): a restore never destroys data without a copy, so ``force`` over a
    database that holds data needs ``copy_dir``.
    """
    from schemashift.connectors import connect, create_database_if_missing, drop_database

    expected = _expected(file, verify)
    entry = expected.entry
    if entry.provider and entry.provider != url.provider:
        raise BackupError(f"{file.name} is a {entry.provider} backup; the target is {url.provider}.")
    if not expected.digests and warn is not None:
        warn(f"{file.name} has no checksum (not in {MANIFEST}, no {file.name}{CHECKSUM_SUFFIX}): "
             "it is restored unchecked (--no-verify).")
    # the client tool and its settings first: a missing tool, or a connection setting it cannot
    # take, must not leave a freshly created database behind
    exe = ""
    if url.provider == "postgresql":
        exe = _tool("pg_restore")
        check_client_settings(url)
    elif url.provider == "mysql":
        exe = _tool("mariadb", "mysql")
        check_client_settings(url)
        with mysql_client(url) as probe:
            if probe.unenforced_tls:
                confirm_mysql_tls(url)
    created = False
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(_sha256, file)
        try:
            if url.provider != "sqlite":
                created = create_database_if_missing(url)
        finally:
            actual = digest.result()
        try:
            _check_digest(file, expected, actual)
        except BackupError:
            if created:
                drop_database(url)
            raise
    previous = None
    if not created and not _target_is_empty(url, known_to_exist=url.provider != "sqlite"):
        if not force:
            raise BackupError(
                f"The target database `{url.database}` is not empty. Restore into an empty database "
                "(--to-url), or use --force to replace its contents (they are backed up first)."
            )
        if copy_dir is None:
            raise BackupError(
                f"The target database `{url.database}` is not empty: replacing its contents needs a "
                "folder to back them up into first. Nothing was restored."
            )
        previous = copy_dir / create_backup(url, copy_dir, label="before_restore", migration=migration).file
        with connect(url) as conn:
            conn.reset()
    if url.provider == "sqlite":
        assert url.path is not None
        src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        dst = sqlite3.connect(url.path)
        try:
            with _restoring(file, url) as t:
                src.backup(dst, pages=1024, progress=_sqlite_progress(t, src))
        finally:
            dst.close()
            src.close()
        return Restored(entry, previous)
    if url.provider == "postgresql":
        # the archive on pg_restore's standard input, fed here, so that progress can be told (a
        # dump taken through a pipe has no data offsets: pg_restore reads a file sequentially too)
        argv = [exe, "--no-password", "--no-owner", "--exit-on-error", "-d", url.database]
        if url.schema and url.schema != "public":
            argv += ["-n", url.schema]
        with pg_client(url) as client, tempfile.TemporaryFile() as err:
            _feed_pg(argv, _pg_env(client), file, url, err)
        return Restored(entry, previous)
    with mysql_client(url) as client:
        _restore_mysql(exe, client, url, file, entry)
    return Restored(entry, previous)


def _feed_pg(argv: list[str], env: dict[str, str], file: Path, url: ConnectionUrl, err: IO[bytes]) -> None:
    def archive(raw: BinaryIO, t: progress.Task) -> Iterator[bytes]:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            yield chunk
            t.advance(len(chunk))

    _feed(argv, env, "pg_restore", file, url, err, archive)


def _feed(
    argv: list[str], env: dict[str, str], tool: str, file: Path, url: ConnectionUrl, err: IO[bytes],
    source: Callable[[BinaryIO, progress.Task], Iterator[bytes]],
) -> None:
    """Run a restore client with what ``source`` reads from ``file`` on its standard input (its
    stderr to the file ``err``: its messages can never fill a pipe while we feed it)."""
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
    assert proc.stdin is not None
    try:
        with _restoring(file, url) as t, file.open("rb") as raw:
            for data in source(raw, t):
                proc.stdin.write(data)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the client stopped reading (an error): its exit status and error output say why
    except KeyboardInterrupt:
        # the client got the same SIGINT (the mariadb client only kills its current query,
        # "Continuing normally"): stop it before saying what is left, or it would go on
        proc.kill()
        proc.wait()
        raise _interrupted_restore(file, url) from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.wait() != 0:
        raise BackupError(f"{tool} failed (exit {proc.returncode}):\n{_read_err(err, url.secrets)}")


def _restoring(file: Path, url: ConnectionUrl) -> progress.Task:
    return progress.task(f"Restoring `{url.database}`", file.stat().st_size, "bytes")


def _interrupted_restore(file: Path, url: ConnectionUrl) -> SchemashiftError:
    return SchemashiftError(
        f"Interrupted: the restore into `{url.database}` was stopped part way; the database holds part "
        f"of {file.name}. Run `schemashift backup restore {file} --force` again to restore it whole.",
        EXIT_INTERRUPTED,
    )


def _restore_mysql(exe: str, client: ClientConnection, url: ConnectionUrl, file: Path, entry: BackupEntry) -> None:
    with tempfile.TemporaryFile() as err:
        _feed_mysql(exe, client, url, file, entry, err)


def _feed_mysql(
    exe: str, client: ClientConnection, url: ConnectionUrl, file: Path, entry: BackupEntry, err: IO[bytes]
) -> None:
    from schemashift.dialects.mysql import quote

    # the dump names its database (CREATE DATABASE/USE): those lines are left out, the client
    # restores into the target it is given. The source database's name as the dump writes it
    # (backticks doubled, as the dialect quotes); without its manifest entry the source
    # database's name is unknown: the dump holds one database, so every such line names it
    source_db = quote(entry.database).encode() if entry.database else b""

    def lines(raw: BinaryIO, t: progress.Task) -> Iterator[bytes]:
        with gzip.GzipFile(fileobj=raw, mode="rb") as dump:
            for i, line in enumerate(dump):
                if line.startswith((b"CREATE DATABASE", b"USE `")) and source_db in line:
                    continue
                yield line
                if not i % 1024:  # the compressed bytes read so far, of the file's size
                    t.advance(raw.tell() - t.done)
            t.advance(raw.tell() - t.done)

    _feed([exe, *client.args, url.database], _mysql_env(client), Path(exe).name, file, url, err, lines)


# ---------------------------------------------------------------- prune


@dataclass(frozen=True)
class Decision:
    """What ``backup prune`` does with one backup, and why."""

    entry: BackupEntry
    keep: bool
    reason: str


def plan_prune(
    entries: list[BackupEntry],
    policy: Policy,
    *,
    now: datetime,
    delete: Collection[str] = (),
    keep_labelled_days: int | None = None,
) -> list[Decision]:
    """The decision on every backup of the manifest, oldest first (pure: ``prune`` and its dry run
    use this one function).

    - a backup named in ``delete`` is deleted, whatever its label;
    - a labelled backup (``--label``, ``before_deploy``, ``before_rollback``, ``before_restore``)
      is kept, or kept for ``keep_labelled_days`` days when that is set;
    - the others follow the 7/4/12 rotation, per database (labelled backups take no part in it).
    """
    decisions: dict[str, Decision] = {}
    rotating = [e for e in entries if e.file not in delete and not e.label]
    for database in sorted({(e.provider, e.database) for e in rotating}):
        group = [(e.created, e) for e in rotating if (e.provider, e.database) == database]
        for e, why in rotation(group, now, policy):
            decisions[e.file] = Decision(e, why is not None, why or _SUPERSEDED)
    for e in entries:
        if e.file in delete:
            decisions[e.file] = Decision(e, False, "named with --delete")
        elif e.label:
            decisions[e.file] = _labelled(e, now, keep_labelled_days)
    return [decisions[e.file] for e in sorted(entries, key=lambda e: e.created_at)]


_SUPERSEDED = "not the newest of a day, week or month that the policy keeps"


def _labelled(e: BackupEntry, now: datetime, keep_days: int | None) -> Decision:
    if keep_days is None:
        return Decision(e, True, f"labelled `{e.label}`: labelled backups are kept until named with --delete "
                                 "(or for keep_labelled_days, when set)")
    age = (now - e.created).total_seconds() / 86400
    if age < keep_days:
        return Decision(e, True, f"labelled `{e.label}`, {age:.0f} days old (keep_labelled_days = {keep_days})")
    return Decision(e, False, f"labelled `{e.label}`, {age:.0f} days old: older than keep_labelled_days = {keep_days}")


def prune(
    directory: Path,
    policy: Policy,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    delete: Collection[str] = (),
    keep_labelled_days: int | None = None,
) -> list[Decision]:
    """Delete what :func:`plan_prune` does not keep (nothing with ``dry_run``); files not in the
    manifest are never touched. ``delete`` names backups (file names) to delete whatever their
    label; a name that is not in the manifest is an error and nothing is deleted."""
    now = now or datetime.now(timezone.utc)
    entries = read_manifest(directory)
    unknown = sorted(set(delete) - {e.file for e in entries})
    if unknown:
        raise BackupError(
            f"Not in {directory / MANIFEST}: {', '.join(unknown)}. Nothing was deleted "
            "(`backup list` shows the backups by file name)."
        )
    decisions = plan_prune(entries, policy, now=now, delete=delete, keep_labelled_days=keep_labelled_days)
    if not dry_run:
        kept = [d.entry for d in decisions if d.keep]
        write_manifest(directory, kept)  # first: a crash leaves stray files, never entries without a file
        for d in decisions:
            if not d.keep:
                (directory / d.entry.file).unlink(missing_ok=True)
                Path(f"{directory / d.entry.file}{CHECKSUM_SUFFIX}").unlink(missing_ok=True)
    return decisions
