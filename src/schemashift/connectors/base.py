"""The connector interface shared by the three databases.

A :class:`Connector` is one open connection in autocommit mode. Parameters are bound with
``%s`` placeholders on every database (a literal ``%`` is written ``%%`` when parameters are
given); SQLite rewrites them to ``?`` itself. Every round trip to the server increments
:attr:`Connector.queries_sent`, which the describer benchmark reports.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .url import ConnectionUrl, Provider

if TYPE_CHECKING:
    from schemashift.dialects import Dialect

Row = tuple[Any, ...]
Params = Sequence[Any]

#: Prisma's advisory lock key on PostgreSQL, and its lock name on MySQL.
PG_ADVISORY_LOCK_KEY = 72707369
MYSQL_LOCK_NAME = "prisma_migrate"
#: Prisma waits 10 seconds for the migration lock.
LOCK_TIMEOUT_SECONDS = 10.0


class Connector(ABC):
    provider: Provider

    def __init__(self, url: ConnectionUrl) -> None:
        self.url = url
        self.queries_sent = 0

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

    @abstractmethod
    def advisory_lock(self, timeout: float = LOCK_TIMEOUT_SECONDS) -> AbstractContextManager[None]:
        """Hold the migration lock for the duration of the block (Prisma's lock, same key)."""

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

    @cached_property
    def dialect(self) -> Dialect:
        """The typed dialect of this connection, with its flavour (MariaDB...): what diffs,
        renders and runs scripts for this database."""
        from schemashift.dialects import get_dialect

        return get_dialect(self.provider, **self.dialect_options())

    def cancel(self) -> None:
        """Cancel the statement running on this connection, from a signal handler or another
        thread; the connection stays usable. A no-op when nothing runs."""
        raise NotImplementedError

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
