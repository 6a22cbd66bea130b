"""Connections kept from one target to the next of the same database or server.

Tenants are most often schemas of one PostgreSQL database (``?schema=``) or databases of one MySQL
server. Opening a connection per target (TCP, TLS, authentication, a server process or thread,
the session settings) cost about as much as reading its history, so a connection a target is done
with is kept, idle, and the next target it can serve (same server, user, password and options)
takes it instead of connecting: :meth:`Connector.switch_to` resets the session and points it at the
new target.

- PostgreSQL, another schema of the same database: ``RESET ALL`` (a migration's session-level
  ``SET`` does not follow it), the timeouts again, ``search_path``: one round trip.
- MySQL/MariaDB, another database of the same server: ``COM_RESET_CONNECTION`` (session
  variables, temporary tables, ``GET_LOCK`` locks: all gone, as in a new connection), the
  connection's settings and timeouts in one ``SET``, then ``USE`` the database (created first when
  deploy finds it missing): three round trips.

Nothing else of a target lives in its session: the history and the migrations are read and
written in the schema or database the session points at, and the migration lock (per database
or server, see :mod:`.locks`) is held on a session of its own or released when a target is done
with it; a connection is kept only when it is idle (no transaction, failed or not, left open; a
broken connection is closed).

At most ``keep`` idle connections are kept (``--jobs``: one per worker); the others are closed,
and :meth:`Sessions.close` closes them all at the end of the run. SQLite files never share one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import ConnectorError, DatabaseDoesNotExist
from schemashift.migrations.project import MigrateProject, lock_wait_message

Log = Callable[[str], None]


class Sessions:
    """The idle connections of one fleet run (thread-safe)."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._idle: list[Connector] = []
        self._mutex = threading.Lock()
        #: how many targets got a kept connection rather than a new one (benchmarks, tests)
        self.reused = 0
        self.opened = 0

    @contextmanager
    def connect(
        self,
        mp: MigrateProject,
        *,
        create: bool = False,
        log: Log | None = None,
        wait: float | None = None,
        lock_timeout: float | None = None,
    ) -> Iterator[Connector]:
        """:meth:`MigrateProject.connect` (same arguments), or a kept connection switched to the
        project's URL; given back when the block ends."""
        conn = self._take(mp, create, log, wait, lock_timeout)
        try:
            yield conn
        finally:
            self._give_back(conn)

    @contextmanager
    def connect_existing(
        self, mp: MigrateProject, *, log: Log | None = None, wait: float | None = None, lock_timeout: float | None = None
    ) -> Iterator[Connector | None]:
        """:meth:`connect` without creating anything, or None when the target's database does
        not exist (only connecting is told apart: an error of the block is the block's)."""
        try:
            conn = self._take(mp, False, log, wait, lock_timeout)
        except DatabaseDoesNotExist:
            yield None
            return
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _take(self, mp: MigrateProject, create: bool, log: Log | None, wait: float | None, lock_timeout: float | None) -> Connector:
        conn = self._switched(mp, create, log)
        if conn is None:
            conn = mp.connect(create=create, log=log, wait=wait, lock_timeout=lock_timeout)
            with self._mutex:
                self.opened += 1
        return conn

    def _switched(self, mp: MigrateProject, create: bool, log: Log | None) -> Connector | None:
        url = mp.url
        with self._mutex:
            found = next((i for i in range(len(self._idle) - 1, -1, -1) if self._idle[i].can_switch_to(url)), None)
            if found is None:
                return None
            conn = self._idle.pop(found)
        try:
            created = conn.switch_to(url, create=create)
        except DatabaseDoesNotExist:  # (status of a tenant not created yet) the connection is fine
            self._give_back(conn)
            raise
        except ConnectorError:  # the kept session broke meanwhile: a new connection instead
            _close_quietly(conn)
            return None
        except BaseException:
            _close_quietly(conn)
            raise
        if created and log is not None:
            log(mp.created_message())
        conn.on_lock_wait = (lambda holder, seconds: log(lock_wait_message(holder, seconds))) if log is not None else None
        with self._mutex:
            self.reused += 1
        return conn

    def _give_back(self, conn: Connector) -> None:
        try:
            keep = conn.can_switch_to(conn.url)
        except Exception:  # noqa: BLE001 - whatever it is, it is not a connection to keep
            keep = False
        if keep:
            with self._mutex:
                if len(self._idle) < self.keep:
                    self._idle.append(conn)
                    return
        _close_quietly(conn)

    def close(self) -> None:
        """Close every kept connection."""
        with self._mutex:
            idle, self._idle = self._idle, []
        for conn in idle:
            _close_quietly(conn)


def _close_quietly(conn: Connector) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a broken connection: nothing left to release
        pass


__all__ = ["Sessions"]
