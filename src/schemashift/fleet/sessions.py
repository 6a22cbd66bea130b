"""Connections kept from one target to the next of the same database.

Tenants are most often schemas of one PostgreSQL database (``?schema=``). Opening a connection per
target (TCP, authentication, a backend process started by the server) cost about as much as
reading its history, so a connection a target is done with is kept, idle, and the next target of
the same database (same server, user, password and options) takes it instead of connecting:
:meth:`Connector.switch_to` resets the session (``RESET ALL``: a migration's session-level ``SET``
does not follow it), sets its timeouts again and points ``search_path`` at the new schema, in one
round trip. Nothing else of a target lives in its session: the history and the migrations are
read and written in the schema ``search_path`` names, and the migration lock (per database, see
:mod:`.locks`) is released when a target is done with it, as the connection is kept only when it
is idle (no transaction, failed or not, left open; a broken connection is closed).

At most ``keep`` idle connections are kept (``--jobs``: one per worker); the others are closed,
and :meth:`Sessions.close` closes them all at the end of the run. Other databases (MySQL, SQLite)
never switch: each target gets its own connection, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import ConnectorError
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
        conn = self._switched(mp, create, log)
        if conn is None:
            conn = mp.connect(create=create, log=log, wait=wait, lock_timeout=lock_timeout)
            with self._mutex:
                self.opened += 1
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _switched(self, mp: MigrateProject, create: bool, log: Log | None) -> Connector | None:
        url = mp.url
        with self._mutex:
            found = next((i for i in range(len(self._idle) - 1, -1, -1) if self._idle[i].can_switch_to(url)), None)
            if found is None:
                return None
            conn = self._idle.pop(found)
        try:
            conn.switch_to(url)
            if create:
                conn.ensure_namespace()
        except ConnectorError:  # the kept session broke meanwhile: a new connection instead
            _close_quietly(conn)
            return None
        except BaseException:
            _close_quietly(conn)
            raise
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
