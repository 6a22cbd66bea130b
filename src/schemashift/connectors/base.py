"""The connector interface shared by the three databases.

A :class:`Connector` is one open connection in autocommit mode. Parameters are bound with
``%s`` placeholders on every database (a literal ``%`` is written ``%%`` when parameters are
given); SQLite rewrites them to ``?`` itself. Every round trip to the server increments
:attr:`Connector.queries_sent`, which the describer benchmark reports.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .url import ConnectionUrl, Provider

if TYPE_CHECKING:
    from schemashift.dialects import Dialect
    from schemashift.diff.external import ExternalObjects

Row = tuple[Any, ...]
Params = Sequence[Any]

#: Prisma's advisory lock key on PostgreSQL, and its lock name on MySQL.
PG_ADVISORY_LOCK_KEY = 72707369
MYSQL_LOCK_NAME = "prisma_migrate"
#: Prisma waits 10 seconds for the migration lock.
LOCK_TIMEOUT_SECONDS = 10.0
#: How our own sessions introduce themselves (PostgreSQL ``application_name``, MySQL's
#: ``program_name`` connection attribute) unless the URL names one.
APPLICATION_NAME = "schemashift"


@dataclass(frozen=True)
class LockHolder:
    """Who holds the migration lock, as far as the database can tell (any field may be unknown).

    ``seconds``: PostgreSQL, since the holder's session connected; MySQL, how long its connection
    has been in its current state (processlist ``TIME``); SQLite, since the process started."""

    pid: int | None
    label: str = "PID"
    program: str | None = None
    client: str | None = None
    seconds: float | None = None

    def describe(self) -> str:
        """``PID 4242 (schemashift, 127.0.0.1, for 12 s)``."""
        since = f"for {round(self.seconds)} s" if self.seconds is not None else None
        details = ", ".join(d for d in (self.program, self.client, since) if d)
        who = f"{self.label} {self.pid}" if self.pid is not None else "another session"
        return f"{who} ({details})" if details else who


#: Called once when the migration lock is busy, before waiting: (holder or None, seconds it waits).
LockWaitCallback = Callable[[LockHolder | None, float], None]

#: What the migration lock (:meth:`Connector.advisory_lock`) of a connection covers: every schema
#: of its ``database`` (PostgreSQL's advisory locks), every database of its ``server`` (MySQL's
#: ``GET_LOCK`` names), its database ``file`` (SQLite's ``flock``), or its ``schema`` (a lease row
#: in a table of the schema: CockroachDB).
LockExtent = Literal["database", "server", "file", "schema"]
#: A key naming what one lock covers: two connections with equal keys share one lock.
LockScope = tuple[object, ...]


class Connector(ABC):
    provider: Provider
    #: What :meth:`advisory_lock` covers (see :data:`LockExtent`).
    lock_extent: ClassVar[LockExtent]

    def __init__(self, url: ConnectionUrl) -> None:
        self.url = url
        self.queries_sent = 0
        #: How long :meth:`advisory_lock` waits when no timeout is passed to it.
        self.lock_timeout = LOCK_TIMEOUT_SECONDS
        #: Told who holds the migration lock when it is busy (connectors never print).
        self.on_lock_wait: LockWaitCallback | None = None
        #: The Prisma major version whose SQL the dialect writes (:meth:`follow_prisma`).
        self.prisma_major = 6
        #: Prisma 7's externally managed tables and enums, left out of diffs (:meth:`follow_prisma`).
        self.external: ExternalObjects | None = None
        #: A multi-schema datasource's ``schemas`` (PostgreSQL): described and reset together
        #: (set by the project that opens the connection; empty: the URL's schema alone).
        self.namespaces: tuple[str, ...] = ()

    # --- statements -------------------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run one statement; returns the affected row count (-1 when unknown)."""

    @abstractmethod
    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run one statement and return all its rows."""

    @abstractmethod
    def execute_script(self, sql: str) -> None:
        """Run a whole migration script (several statements)."""

    def query_one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    # --- transactions and locks -------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN … COMMIT, or ROLLBACK when the block raises."""
        self.execute(self._begin_sql)
        try:
            yield
        except BaseException:
            self.abort_open_transaction()
            raise
        self.execute("COMMIT")

    _begin_sql = "BEGIN"

    def ddl_transaction(self) -> AbstractContextManager[None]:
        """The transaction a migration script runs in (SQLite adds its foreign-key dance)."""
        return self.transaction()

    def execute_atomically(self, parts: Sequence[tuple[str, Params | None]]) -> None:
        """Statements (``params`` None: a whole script) that commit together or not at all, in
        :meth:`ddl_transaction`; PostgreSQL sends them in one round trip (and its COMMIT)."""
        with self.ddl_transaction():
            for sql, params in parts:
                if params is None:
                    self.execute_script(sql)
                else:
                    self.execute(sql, params)

    @abstractmethod
    def advisory_lock(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """Hold the migration lock for the duration of the block (Prisma's lock, same key),
        waiting up to ``timeout`` seconds (default :attr:`lock_timeout`) for it; a busy lock is
        reported once to :attr:`on_lock_wait` with its holder."""

    def lock_holder(self) -> LockHolder | None:
        """Who holds the migration lock now (None: free, or the database cannot tell)."""
        return None

    @property
    def lock_scope(self) -> LockScope | None:
        """What this connection's migration lock covers when that is wider than its own target
        (its schema, database or file), as a key: connections with equal keys wait for one another
        (every schema of a PostgreSQL database, every database of a MySQL server). None when the
        lock covers only the target (SQLite's file, CockroachDB's lease row in the schema)."""
        url = self.url
        if self.lock_extent == "database":
            return (self.provider, url.host.lower(), url.port, url.database)
        if self.lock_extent == "server":
            return (self.provider, url.host.lower(), url.port)
        return None

    # --- reusing a connection for another target ---------------------------------------------
    def can_switch_to(self, url: ConnectionUrl) -> bool:
        """Whether :meth:`switch_to` can point this connection at ``url`` instead of opening one
        (PostgreSQL: another schema of the same database; MySQL: another database of the same
        server; same user, password and options), and the connection is idle (open, no
        transaction left open)."""
        return False

    def switch_to(self, url: ConnectionUrl, *, create: bool = False) -> bool:
        """Work on ``url`` from now on, as a new connection to it would (only when
        :meth:`can_switch_to` says so). ``create``: create its namespace (PostgreSQL schema,
        MySQL database) when it is missing; True when this call created a database. A missing
        database without ``create`` raises :class:`DatabaseDoesNotExist` (the connection stays
        usable for another target)."""
        raise NotImplementedError(f"a {self.provider} connection is not reused for another target")

    def _lock_busy(self, timeout: float) -> None:
        """The lock is taken: tell :attr:`on_lock_wait` who holds it (best effort)."""
        if self.on_lock_wait is None:
            return
        try:
            holder = self.lock_holder()
        except Exception:  # noqa: BLE001 - a missing privilege must not stop the deploy
            holder = None
        self.on_lock_wait(holder, timeout)

    @abstractmethod
    def cancel(self) -> None:
        """Cancel the statement running on this connection, from another thread or a signal
        handler; the statement raises :class:`DatabaseError` and the connection stays usable."""

    def existing_namespaces(self, names: Sequence[str]) -> set[str]:
        """Which of ``names`` (PostgreSQL schemas) exist in the database."""
        return set()

    def ensure_namespace(self) -> None:
        """Create the URL's namespace when it is missing (PostgreSQL ``?schema=``), race-free."""

    # --- table sizes ----------------------------------------------------------------------------
    def row_estimates(self, tables: Sequence[str] | None = None, schema: str | None = None) -> dict[str, int]:
        """Rows per base table of ``schema`` (default: the connection's), ``tables`` only if given:
        the server's statistics where it keeps them (cheap on a big table), else, and for a table
        they have never seen or call empty, ``COUNT(*)`` (the online planner, lint's table sizes,
        a backfill's ETA all read sizes here)."""
        wanted = None if tables is None else set(tables)
        q = self.dialect.quote
        out: dict[str, int] = {}
        for name, estimate in self._table_statistics(schema):
            if wanted is not None and name not in wanted:
                continue
            if estimate is None or estimate <= 0:
                ref = f"{q(schema)}.{q(name)}" if schema else q(name)
                row = self.query_one(f"SELECT COUNT(*) FROM {ref}")
                estimate = int(row[0]) if row is not None else 0
            out[name] = estimate
        return out

    def index_tables(self, schema: str | None = None) -> dict[str, str]:
        """The table of each index of ``schema`` (default: the connection's), where index names
        are the schema's own (PostgreSQL); empty where an index is named within its table
        (MySQL, SQLite: a statement names the table beside the index)."""
        return {}

    def _table_statistics(self, schema: str | None) -> list[tuple[str, int | None]]:
        """(base table, the statistics' row estimate or None) of ``schema``."""
        raise NotImplementedError

    # --- database level ---------------------------------------------------------------------
    @abstractmethod
    def reset(self, namespaces: Sequence[str] = ()) -> None:
        """Drop everything in the target schema/database and leave it empty. ``namespaces``
        (PostgreSQL multi-schema) are dropped as well; only the connection's own is recreated."""

    @abstractmethod
    def set_timeouts(self, lock_ms: int | None, statement_ms: int | None) -> None:
        """Session limits for migrations: waiting on a lock, and one statement (None: unchanged)."""

    @abstractmethod
    def server_version(self) -> str:
        """The server's version string (``15.20``, ``10.11.19-MariaDB…``, ``3.40.1``)."""

    def dialect_options(self) -> dict[str, object]:
        """Options of this server's dialect flavour for ``get_dialect`` (MySQL: MariaDB), as
        Prisma's schema engine picks its flavour from the connection (``Circumstances``)."""
        return {}

    def follow_prisma(self, major: int, external: ExternalObjects | None = None) -> None:
        """Write SQL as Prisma ``major`` does: 7 for a project whose schema follows Prisma 7's rules
        (``engine.prisma_major_of``), leaving out the ``external`` tables and enums of its
        ``prisma.config.ts``; the dialect is made again with them."""
        self.prisma_major = major
        self.external = external
        self.__dict__.pop("dialect", None)

    def all_dialect_options(self) -> dict[str, object]:
        """:meth:`dialect_options` and the Prisma major version the SQL follows."""
        options = self.dialect_options()
        if self.prisma_major != 6:
            options["prisma_major"] = self.prisma_major
        return options

    @cached_property
    def dialect(self) -> Dialect:
        """The typed dialect of this connection, with its flavour (MariaDB...) and the Prisma
        version it follows: what diffs, renders and runs scripts for this database."""
        return self._make_dialect(self.provider)

    def _make_dialect(self, provider: str) -> Dialect:
        from schemashift.dialects import get_dialect

        dialect = get_dialect(provider, **self.all_dialect_options())
        dialect.external = self.external
        return dialect

    def drop_invalid_index(self, schema: str | None, name: str) -> bool:
        """Drop the index ``name`` if a failed ``CREATE INDEX CONCURRENTLY`` left it INVALID
        (PostgreSQL); True when one was dropped. A valid index is never touched."""
        return False

    @contextmanager
    def released_by(self, sql: str, params: Params) -> Iterator[None]:
        """Run the block, then the statement that releases a lock. When an error (or Ctrl-C) is on
        its way out and the connection it broke cannot release the lock, the server releases it
        with the session: the original error is what the user needs, not the release's."""
        from .errors import ConnectorError

        try:
            yield
        except BaseException:
            try:
                self.query(sql, params)
            except ConnectorError:
                pass
            raise
        self.query(sql, params)

    def abort_open_transaction(self) -> None:
        """Roll back a transaction a failed script left open (none open: nothing happens)."""
        from .errors import ConnectorError

        try:
            self.execute("ROLLBACK")
        except ConnectorError:
            pass

    @property
    def schema_name(self) -> str:
        """The namespace describe() reads: PG schema, MySQL database, ``main`` on SQLite."""
        return self.url.schema or self.url.database

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
