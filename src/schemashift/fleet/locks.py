"""The migration lock across a fleet.

``migrate deploy`` holds Prisma's migration lock while it applies. That lock is wider than one
target: PostgreSQL's advisory lock 72707369 is per *database* (every schema of it shares it), and
MySQL's ``GET_LOCK('prisma_migrate')`` is per *server* (every database of it shares it). Taken per
target, it would let only one target of a database (PostgreSQL schemas) or of a server (MySQL
databases) deploy at a time, whatever ``--jobs`` says.

Each connector says what its lock covers (:attr:`Connector.lock_scope`: a key per database or
server, None when it covers only the target: SQLite's file, CockroachDB's lease row). So, by
default (``--lock run``), the fleet takes the lock once per *scope* on a session of its own, the
first time a target of that scope needs it, and holds it while targets of that scope deploy, in
parallel, on their own connections; their apply does not take it again
(``apply_migrations(lock=False)``).
Nothing else (``migrate deploy``, Prisma, another fleet run) can apply migrations in that scope
meanwhile, exactly as during one ``migrate deploy``; the fleet itself never runs a target twice at
once (targets are de-duplicated). Idle scope sessions beyond a few are closed, releasing their
lock. ``--lock target`` takes the lock per target instead (``migrate deploy``'s behaviour, which
serialises the targets of one scope). A lock that covers only its target is always taken per target.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field

from schemashift.connectors.base import Connector, LockHolder, LockScope
from schemashift.connectors.url import ConnectionUrl
from schemashift.errors import SchemashiftError

Scope = LockScope


def target_key(url: ConnectionUrl) -> tuple[object, ...]:
    """The identity of a target (two URLs with the same key are the same tables)."""
    if url.path is not None:
        return ("file", str(url.path))
    return (url.provider, url.host.lower(), url.port, url.database, url.schema)


class LockUnavailable(SchemashiftError):
    """The lock of this target's scope could not be taken for another target of it earlier in
    the run (busy, unreachable...): the targets of that scope are not tried again."""

    def __init__(self, first: SchemashiftError) -> None:
        super().__init__(
            f"Not attempted: the migration lock of this target's database/server could not be taken for "
            f"another target of it earlier in this run:\n{first.message}",
            code=first.code,
        )


@dataclass
class _Entry:
    users: int = 0
    ready: threading.Lock = field(default_factory=threading.Lock)
    stack: ExitStack | None = None


class ScopeLocks:
    """The lock sessions of one run: one per scope in use, kept while idle up to ``keep_idle``
    of them (the oldest idle one is closed first), all closed by :meth:`close`.

    ``open_session(url)`` connects to a target of the scope; ``lock_timeout`` is how long to wait
    for a lock another session holds; ``on_wait(holder, seconds)`` is told when it is busy."""

    def __init__(
        self,
        open_session: Callable[[ConnectionUrl], Connector],
        *,
        lock_timeout: float | None = None,
        keep_idle: int = 4,
        on_wait: Callable[[ConnectionUrl, LockHolder | None, float], None] | None = None,
    ) -> None:
        self._open = open_session
        self._timeout = lock_timeout
        self._keep_idle = keep_idle
        self._on_wait = on_wait
        self._entries: dict[Scope, _Entry] = {}
        self._idle: OrderedDict[Scope, None] = OrderedDict()
        self._mutex = threading.Lock()
        #: scopes whose lock could not be taken: their other targets fail at once with this error
        self._failed: dict[Scope, SchemashiftError] = {}
        self.sessions_opened = 0

    def held(self, scope: Scope) -> bool:
        """Whether the lock of ``scope`` is held now (taken for an earlier target, not released):
        a :meth:`hold` of it then takes no time, and what is read under it stays true until its
        block ends."""
        with self._mutex:
            entry = self._entries.get(scope)
            return entry is not None and entry.stack is not None

    def hold(self, scope: Scope, url: ConnectionUrl) -> AbstractContextManager[None]:
        """While the block runs, the fleet holds the lock of ``scope`` (``url``: a target in it)."""
        return self._holding(scope, url)

    @contextlib.contextmanager
    def _holding(self, scope: Scope, url: ConnectionUrl) -> Iterator[None]:
        with self._mutex:
            if scope in self._failed:
                raise LockUnavailable(self._failed[scope])
            entry = self._entries.setdefault(scope, _Entry())
            entry.users += 1
            self._idle.pop(scope, None)
        try:
            with entry.ready:  # the first user opens the session, the others wait for it
                if scope in self._failed:
                    raise LockUnavailable(self._failed[scope])
                if entry.stack is None:
                    try:
                        entry.stack = self._lock(url)
                    except SchemashiftError as exc:
                        with self._mutex:
                            self._failed[scope] = exc
                        raise
            yield
        finally:
            self._release(scope, entry)

    def _lock(self, url: ConnectionUrl) -> ExitStack:
        stack = ExitStack()
        try:
            conn = stack.enter_context(self._open(url))
            if self._timeout is not None:
                conn.lock_timeout = self._timeout
            if self._on_wait is not None:
                on_wait = self._on_wait
                conn.on_lock_wait = lambda holder, seconds: on_wait(url, holder, seconds)
            stack.enter_context(conn.advisory_lock())
        except BaseException:
            stack.close()
            raise
        with self._mutex:
            self.sessions_opened += 1
        return stack

    def _release(self, scope: Scope, entry: _Entry) -> None:
        closing: list[ExitStack] = []
        with self._mutex:
            entry.users -= 1
            if entry.users == 0:
                if entry.stack is None:  # opening it failed: nothing is held
                    self._entries.pop(scope, None)
                else:
                    self._idle[scope] = None
                    while len(self._idle) > self._keep_idle:
                        old, _ = self._idle.popitem(last=False)
                        stack = self._entries.pop(old).stack
                        if stack is not None:
                            closing.append(stack)
        for stack in closing:
            _close_quietly(stack)

    def close(self) -> None:
        """Release every lock (closing their sessions)."""
        with self._mutex:
            stacks = [e.stack for e in self._entries.values() if e.stack is not None]
            self._entries.clear()
            self._idle.clear()
        for stack in stacks:
            _close_quietly(stack)


def _close_quietly(stack: ExitStack) -> None:
    from schemashift.connectors.errors import ConnectorError

    try:
        stack.close()
    except ConnectorError:  # the session is gone: the server released its lock with it
        pass
