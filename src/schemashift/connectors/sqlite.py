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
from .base import LOCK_TIMEOUT_SECONDS, Connector, Params, Row
from .sqltext import has_code, qmark_placeholders
from .url import ConnectionUrl

_LOCK_POLL_SECONDS = 0.05
_BUSY_TIMEOUT_SECONDS = 5.0
_SIDE_FILES = ("-journal", "-wal", "-shm")


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
        return self._run(sql, params).fetchall()

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
    def advisory_lock(self, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
        """An exclusive ``flock`` on the database file: SQLite's own locks are fcntl locks and do
        not interact with it, and it also excludes other connections of this process."""
        fd = os.open(_path(self.url), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise errors.LockTimeout(
                            f"Timed out trying to acquire the migration lock on {_path(self.url).name}."
                            f" Timeout: {int(timeout * 1000)}ms."
                        ) from None
                    time.sleep(_LOCK_POLL_SECONDS)
            yield
        finally:
            os.close(fd)  # closing releases the flock

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

    def server_version(self) -> str:
        return sqlite3.sqlite_version

    def close(self) -> None:
        self._conn.close()


def create_database(url: ConnectionUrl) -> None:
    path = _path(url)
    if path.exists():
        raise errors.DatabaseAlreadyExists(f"Database `{path.name}` already exists at {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(path).close()
    except (OSError, sqlite3.Error) as exc:  # a read-only folder, a file where the folder should be
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise errors.ConnectorError(
            f"Could not create the SQLite database {path}: {reason} (is {path.parent} a writable folder?)"
        ) from None


def drop_database(url: ConnectionUrl) -> None:
    path = _path(url)
    for candidate in (path, *(Path(f"{path}{s}") for s in _SIDE_FILES)):
        candidate.unlink(missing_ok=True)


def database_exists(url: ConnectionUrl) -> bool:
    return _path(url).is_file()
