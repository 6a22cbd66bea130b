"""SQLite connector (stdlib sqlite3, autocommit, foreign keys on)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import errors
from .base import Connector, LockHolder, Params, Row
from .sqltext import has_code, qmark_placeholders
from .url import ConnectionUrl

_LOCK_POLL_SECONDS = 0.05
_BUSY_TIMEOUT_SECONDS = 5.0
_SIDE_FILES = ("-journal", "-wal", "-shm")
#: SQLite virtual-machine steps between two calls of the progress handler.
_PROGRESS_OPS = 100_000


def _run_signal_handlers() -> int:
    """The progress handler: calling any Python function lets the interpreter run pending signal
    handlers, so a Ctrl-C handler can :meth:`SqliteConnector.cancel` a long statement (without
    it, Python runs them only once ``sqlite3_step`` returns). 0: go on."""
    return 0


def _path(url: ConnectionUrl) -> Path:
    assert url.path is not None, "a SQLite URL always carries a path"
    return url.path


def _not_found(path: Path) -> errors.DatabaseDoesNotExist:
    return errors.DatabaseDoesNotExist(f"Database {path.name} does not exist at {path}")


def _statement_error(exc: sqlite3.Error, index: int | None = None) -> errors.DatabaseError:
    return errors.DatabaseError(str(exc), db_code=getattr(exc, "sqlite_errorname", None), statement_index=index)


def split_script(script: str) -> Iterator[str]:
    """Complete statements of a SQLite script (trigger bodies included), as SQLite sees them."""
    buffer = ""
    pieces = script.split(";")
    for piece in pieces[:-1]:
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if has_code(buffer, mysql=False):
                yield buffer
            buffer = ""
    buffer += pieces[-1]
    if has_code(buffer, mysql=False):
        yield buffer


class SqliteConnector(Connector):
    provider = "sqlite"
    lock_extent = "file"  # a flock on the database file

    def __init__(self, url: ConnectionUrl) -> None:
        super().__init__(url)
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        path = _path(self.url)
        if not path.parent.is_dir():
            raise _not_found(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_TIMEOUT_SECONDS)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.set_progress_handler(_run_signal_handlers, _PROGRESS_OPS)
        except sqlite3.Error:
            raise _not_found(path) from None
        return conn

    @property
    def schema_name(self) -> str:
        return "main"

    def _run(self, sql: str, params: Params | None, index: int | None = None) -> sqlite3.Cursor:
        self.queries_sent += 1
        try:
            if params is None:
                return self._conn.execute(sql)
            return self._conn.execute(qmark_placeholders(sql), tuple(params))
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorname", None) == "SQLITE_NOTADB":  # say which file
                raise errors.DatabaseError(
                    f"{_path(self.url)} is not a SQLite database ({exc}).", db_code="SQLITE_NOTADB"
                ) from None
            raise _statement_error(exc, index) from None

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self._run(sql, params).rowcount

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = self._run(sql, params)
        try:
            return cursor.fetchall()
        except sqlite3.Error as exc:  # later rows are computed while fetching (an interrupt too)
            raise _statement_error(exc) from None

    def execute_script(self, sql: str) -> None:
        """Statement by statement on this connection; no implicit COMMIT (unlike executescript)."""
        for index, statement in enumerate(split_script(sql)):
            self._run(statement, None, index)

    @contextmanager
    def ddl_transaction(self) -> Iterator[None]:
        """SQLite's procedure for schema changes: foreign keys off *before* BEGIN (inside a
        transaction ``PRAGMA foreign_keys`` is a no-op, so a rebuilt parent's DROP TABLE would
        cascade to its children), ``foreign_key_check`` before COMMIT, foreign keys on again."""
        self.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction():
                yield
                broken = self.query("PRAGMA foreign_key_check")
                if broken:
                    table, rowid, parent, _ = broken[0]
                    raise errors.DatabaseError(
                        f"FOREIGN KEY constraint failed: {len(broken)} row(s) violate foreign keys after "
                        f"the migration (first: table `{table}` rowid {rowid} references `{parent}`)",
                        db_code="SQLITE_CONSTRAINT_FOREIGNKEY",
                    )
        finally:
            self.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def advisory_lock(self, timeout: float | None = None) -> Iterator[None]:
        """An exclusive ``flock`` on the database file: SQLite's own locks are fcntl locks and do
        not interact with it, and it also excludes other connections of this process."""
        timeout = self.lock_timeout if timeout is None else timeout
        fd = os.open(_path(self.url), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + timeout
            announced = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not announced:
                        announced = True
                        self._lock_busy(timeout)
                    if time.monotonic() >= deadline:
                        raise errors.LockTimeout(
                            f"Timed out trying to acquire the migration lock on {_path(self.url).name}."
                            f" Timeout: {int(timeout * 1000)}ms."
                        ) from None
                    time.sleep(_LOCK_POLL_SECONDS)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def lock_holder(self) -> LockHolder | None:
        """The process holding the ``flock`` of the database file, from ``/proc/locks`` (Linux;
        None elsewhere, or when the holder is not visible, e.g. in another PID namespace)."""
        return flock_holder(_path(self.url))

    def cancel(self) -> None:
        """``sqlite3_interrupt``: thread-safe; the running statement fails with SQLITE_INTERRUPT."""
        self._conn.interrupt()

    def reset(self, namespaces: Sequence[str] = ()) -> None:
        """Truncate the database file, as Prisma does, and reconnect."""
        self._conn.close()
        path = _path(self.url)
        for suffix in _SIDE_FILES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if path.exists():
            os.truncate(path, 0)
        self._conn = self._open()

    def set_timeouts(self, lock_ms: int | None, statement_ms: int | None) -> None:
        """SQLite has no statement limit; the lock timeout is its busy timeout."""
        if lock_ms is not None:
            self.execute(f"PRAGMA busy_timeout = {int(lock_ms)}")

    def _table_statistics(self, schema: str | None) -> list[tuple[str, int | None]]:
        """SQLite keeps no row statistics (``sqlite_stat1`` only after ANALYZE): counted."""
        master = f"{self.dialect.quote(schema)}.sqlite_master" if schema else "sqlite_master"
        rows = self.query(f"SELECT name FROM {master} WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return [(str(r[0]), None) for r in rows]

    def server_version(self) -> str:
        return sqlite3.sqlite_version

    def abort_open_transaction(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()


def create_database(url: ConnectionUrl) -> None:
    """An empty file is an empty SQLite database; ``O_EXCL`` makes exactly one of several
    processes creating it at once the creator (the others get P1009)."""
    path = _path(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        raise errors.DatabaseAlreadyExists(f"Database `{path.name}` already exists at {path}") from None
    except OSError as exc:  # a read-only folder, a file where the folder should be
        reason = exc.strerror or str(exc)
        raise errors.ConnectorError(
            f"Could not create the SQLite database {path}: {reason} (is {path.parent} a writable folder?)"
        ) from None


def flock_holder(path: Path, proc: Path = Path("/proc")) -> LockHolder | None:
    """The process holding a ``flock`` on ``path``, from ``/proc/locks`` (``FLOCK ADVISORY WRITE
    <pid> <major>:<minor>:<inode> ...``, device numbers in hex)."""
    try:
        st = path.stat()
        locks = (proc / "locks").read_text()
    except OSError:
        return None
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in locks.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == key and fields[3] == "WRITE":
            pid = int(fields[4])
            return LockHolder(pid, program=_program(proc / str(pid)), seconds=_process_age(proc / str(pid), proc))
    return None


def _program(process: Path) -> str | None:
    try:
        argv = (process / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    names = [Path(a.decode(errors="replace")).name for a in argv[:3] if a]
    # "python -m schemashift.cli", "/venv/bin/schemashift": the script rather than the interpreter
    for name in names[1:]:
        if not name.startswith("-") and not name.startswith("python"):
            return name
    return names[0] if names else None


def _process_age(process: Path, proc: Path) -> float | None:
    try:
        stat = (process / "stat").read_text()
        uptime = float((proc / "uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    started_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, counted after "(comm)"
    return max(0.0, uptime - started_ticks / os.sysconf("SC_CLK_TCK"))


def drop_database(url: ConnectionUrl) -> None:
    path = _path(url)
    for candidate in (path, *(Path(f"{path}{s}") for s in _SIDE_FILES)):
        candidate.unlink(missing_ok=True)


def database_exists(url: ConnectionUrl) -> bool:
    return _path(url).is_file()
