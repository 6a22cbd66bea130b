"""Ctrl-C while a command changes a database: cancel the running statement, stop at a safe point.

Python raises KeyboardInterrupt between bytecodes of the main thread, which may be at any point of
a driver's protocol exchange (PyMySQL then leaves its connection unusable, and nothing can be
recorded), or never, while a long SQLite statement runs in C. :class:`SigintGuard` replaces that:
the first SIGINT wakes a watcher thread through ``signal.set_wakeup_fd`` (at once, whatever the
main thread does), which cancels the running statement on the server (``Connector.cancel``) and
sets :attr:`SigintGuard.requested`; the code under the guard sees the statement fail, records what
it did, and raises :class:`MigrationInterrupted` (exit 130) with the state it leaves. A second
SIGINT raises KeyboardInterrupt at once. Used by ``migrate deploy``/``dev``'s apply and by
``migrate rollback``.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseError
from schemashift.errors import EXIT_INTERRUPTED
from schemashift.migrations.errors import MigrationError

_T = TypeVar("_T")


class MigrationInterrupted(MigrationError):
    """Ctrl-C during a deploy: the attempt is recorded, the command exits 130."""

    def __init__(self, message: str, name: str | None = None) -> None:
        self.migration_name = name
        super().__init__(f"Interrupted: {message}", exit_code=EXIT_INTERRUPTED)


class SigintGuard:
    """Ctrl-C while migrations run: the first SIGINT cancels the running statement on the server
    (from a watcher thread woken through ``signal.set_wakeup_fd``, so it works while the main
    thread is inside a driver call) and sets :attr:`requested`; the caller stops at the next safe
    point. A second SIGINT raises KeyboardInterrupt at once. Only installed in the main thread."""

    def __init__(self, conn: Connector) -> None:
        self.conn = conn
        self.requested = False
        self._signals = 0
        self._installed = False

    def __enter__(self) -> SigintGuard:
        if threading.current_thread() is not threading.main_thread():
            return self
        self._r, self._w = socket.socketpair()
        self._w.setblocking(False)
        try:
            self._old_fd = signal.set_wakeup_fd(self._w.fileno(), warn_on_full_buffer=False)
        except ValueError:
            self._r.close()
            self._w.close()
            return self
        self._old_handler = signal.signal(signal.SIGINT, self._handler)
        self._installed = True
        self._thread = threading.Thread(target=self._watch, name="schemashift-sigint", daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while True:
            try:
                data = self._r.recv(64)
            except OSError:
                return
            if not data:
                return
            if signal.SIGINT in data and not self.requested:
                self.requested = True
                try:
                    self.conn.cancel()
                except Exception:  # noqa: BLE001 - the statement then runs to its end
                    pass

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        if not self.requested:  # the watcher had no chance (no wakeup byte): cancel here
            self.requested = True
            try:
                self.conn.cancel()
            except Exception:  # noqa: BLE001
                pass
        elif self._signals > 1:
            raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if not self._installed:
            return
        signal.signal(signal.SIGINT, self._old_handler)
        signal.set_wakeup_fd(self._old_fd)
        self._w.close()
        self._thread.join(timeout=1)
        self._r.close()

    def write(self, action: Callable[[], _T]) -> _T:
        """A history write; retried once when a cancel meant for the script hit it instead."""
        try:
            return action()
        except DatabaseError:
            if not self.requested:
                raise
            self.conn.abort_open_transaction()
            return action()


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C until the block (a few milliseconds of work that must not stop half way, such
    as MySQL's DROP DATABASE + CREATE DATABASE of a shadow database) is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
