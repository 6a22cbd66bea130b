"""One command run's view of a project: schema files, datasource, migrations folder, connections.

Commands build a :class:`MigrateProject` and call the library with it; nothing here prints.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.config import Datasource, Project, load_project
from schemashift.connectors import connect, create_database_if_missing, parse_url
from schemashift.connectors.base import Connector, LockHolder
from schemashift.connectors.errors import RETRYABLE_CONNECT, DatabaseDoesNotExist
from schemashift.connectors.url import ConnectionUrl
from schemashift.errors import redact
from schemashift.migrations import folder
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.model import Schema
from schemashift.settings import Settings, load_settings

if TYPE_CHECKING:
    from schemashift.diagnostics import Diagnostics
    from schemashift.diff.external import ExternalObjects
    from schemashift.psl.ast import SchemaAst

Log = Callable[[str], None]
_LOG = logging.getLogger("schemashift.migrations")
#: Seconds between two connection attempts while waiting for a server (``--wait``).
WAIT_RETRY_SECONDS = 0.5


@dataclass
class MigrateProject:
    project: Project
    url_override: str | None = None
    #: the migrations folder given by the caller (the library API's ``migrations=``)
    migrations_override: Path | None = None

    @cached_property
    def files(self) -> list[tuple[str, str]]:
        return self.project.read()

    @cached_property
    def parsed(self) -> "tuple[SchemaAst, Diagnostics]":
        """The parsed schema, shared by the datasource lookup and the validation."""
        from schemashift.psl import parse_files

        return parse_files(self.files)

    @cached_property
    def datasource(self) -> Datasource:
        return self.project.datasource(self.files, self.parsed[0], self.url_override)

    @cached_property
    def target(self) -> Schema:
        """The schema validated (Prisma's P1012 on errors) and lowered for the datasource's provider."""
        from schemashift.migrations import engine

        return engine.target_schema(self.files, self.provider, self.parsed)

    @property
    def provider(self) -> str:
        return self.datasource.provider

    @cached_property
    def prisma_major(self) -> int:
        """7 when the schema follows Prisma 7's rules (a datasource without ``url``): the SQL
        written for it, and what ``migrate dev``/``reset`` run after, are Prisma 7's."""
        from schemashift.migrations import engine

        return engine.prisma_major_of(self.parsed[0])

    @cached_property
    def namespaces(self) -> tuple[str, ...]:
        """A multi-schema datasource's ``schemas`` (PostgreSQL), in declaration order; () otherwise."""
        from schemashift.migrations import engine

        return engine.schema_namespaces(self.parsed[0])

    @cached_property
    def external(self) -> "ExternalObjects | None":
        """Prisma 7's externally managed tables and enums (``prisma.config.ts``), never migrated."""
        return self.project.external_objects(self.provider)

    @property
    def init_shadow_db(self) -> str:
        """Prisma 7's ``migrations.initShadowDb`` (run on the shadow database first), or ""."""
        return self.project.init_shadow_db()

    @property
    def schema_dir(self) -> Path:
        return self.project.schema.directory

    @property
    def migrations_dir(self) -> Path:
        if self.migrations_override is not None:
            return self.migrations_override
        return self.project.migrations_dir

    @property
    def migrations_display(self) -> str:
        try:
            return str(self.migrations_dir.relative_to(self.project.cwd))
        except ValueError:
            return str(self.migrations_dir)

    @cached_property
    def url(self) -> ConnectionUrl:
        if self.url_override:  # a relative file: path starts where the schema is (Prisma 6), in the
            # project folder in a Prisma 7 project (its --url stands for the config's datasource URL)
            base = self.project.cwd if self.project.prisma_config is not None else self.schema_dir
            return parse_url(self.url_override, base)
        return parse_url(self.datasource.migration_url, self.datasource.base_dir or self.schema_dir)

    def migrations(self) -> list[Migration]:
        folder.check_lock(self.migrations_dir, self.provider)
        return folder.list_migrations(self.migrations_dir)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.project.cwd)

    def validate(self) -> None:
        """Stop with Prisma's P1012 when the schema is invalid (e.g. merge-conflict markers left
        in it), before any database is touched: what Prisma 7 does for deploy, status, resolve."""
        self.target  # noqa: B018 - validates (and lowers, which the caller may reuse)

    def connect(
        self,
        create: bool = False,
        *,
        log: Log | None = None,
        wait: float | None = None,
        lock_timeout: float | None = None,
    ) -> Connector:
        """Open the datasource (with the configured timeouts).

        - ``create``: create the database first when it is missing (race-free: several processes
          doing this at once all succeed, one creates it); ``log`` gets Prisma's
          ``PostgreSQL database x created at host:port`` line when this call created it.
        - ``wait``: keep retrying for up to that many seconds while the server cannot be reached
          or is starting up, saying so once through ``log``.
        - ``lock_timeout``: seconds to wait for the migration lock (default: the
          ``migration_lock_timeout`` setting, else Prisma's 10 s); a busy lock is reported through
          ``log`` with its holder.
        """
        _LOG.debug("connecting: %s", self.describe_target())
        major, external, namespaces = self.prisma_major, self.external, self.namespaces  # errors before connecting
        conn = self._connect_waiting(create, log, wait)
        conn.follow_prisma(major, external)
        conn.namespaces = namespaces
        try:
            if conn.url.provider == "postgresql":  # the schema's provider and the server agree
                from schemashift.connectors.cockroachdb import check_provider

                check_provider(conn, self.provider)
            conn.set_timeouts(self.settings.lock_timeout_ms, self.settings.statement_timeout_ms)
            if lock_timeout is None and self.settings.migration_lock_timeout_ms is not None:
                lock_timeout = self.settings.migration_lock_timeout_ms / 1000
            if lock_timeout is not None:
                conn.lock_timeout = lock_timeout
            if log is not None:
                conn.on_lock_wait = lambda holder, seconds: log(lock_wait_message(holder, seconds))
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_waiting(self, create: bool, log: Log | None, wait: float | None) -> Connector:
        deadline = time.monotonic() + (wait or 0)
        announced = False
        while True:
            try:
                return self._connect_creating(create, log)
            except RETRYABLE_CONNECT as exc:
                left = deadline - time.monotonic()
                if wait is None:
                    raise
                if left <= 0:
                    exc.message += f"\n\nGave up after waiting {wait:g} s for it (--wait)."
                    raise
                if not announced and log is not None:
                    announced = True
                    reason = exc.message.split("\n", 1)[0].rstrip(".")
                    log(
                        f"Waiting for the database server at {self.url.host}:{self.url.port} to accept"
                        f" connections ({reason}); giving up after {wait:g} s (--wait)."
                    )
                time.sleep(min(WAIT_RETRY_SECONDS, left))

    def _connect_creating(self, create: bool, log: Log | None) -> Connector:
        if not create:
            return connect(self.url)
        created = False
        if self.url.provider == "sqlite":  # connecting would create the file without a word
            created = create_database_if_missing(self.url)
            conn = connect(self.url)
        else:
            try:
                conn = connect(self.url)  # one connection when the database exists (the usual case)
            except DatabaseDoesNotExist:
                created = create_database_if_missing(self.url)
                conn = connect(self.url)
        try:
            conn.ensure_namespace()
        except BaseException:
            conn.close()
            raise
        if created and log is not None:
            log(self.created_message())
        return conn

    def created_message(self) -> str:
        """Prisma's line when deploy or dev created the database."""
        u = self.url
        if u.provider == "sqlite":
            assert u.path is not None
            return f"SQLite database {u.path.name} created at {redact(self.url_override or self.datasource.migration_url)}"
        kind = "PostgreSQL" if u.provider == "postgresql" else "MySQL"
        return f"{kind} database {u.database} created at {u.host}:{u.port}"

    def guard_production(self, action: str, allow_production: bool) -> None:
        """Refuse a destructive ``action`` on a database that looks like production (S3001), unless
        ``allow_production`` (the commands' ``--allow-production``; ``--force`` never passes it)."""
        if allow_production or not self.settings.is_production(self.url.host or None):
            return
        why = (
            "SCHEMASHIFT_ENV is production"
            if (self.settings.environment or "").lower() in ("production", "prod")
            else f"its host `{self.url.host}` matches `[tool.schemashift] production_hosts`"
        )
        raise MigrationError(
            f"Refusing to {action}: the database looks like production ({why}). Use --allow-production "
            "if you really mean it.",
            code="S3001",
        )

    def describe_target(self) -> str:
        """Prisma's ``Datasource "db": PostgreSQL database "x", schema "public" at "host:port"``."""
        u = self.url
        name = self.datasource.name
        if u.provider == "sqlite":
            assert u.path is not None
            at = redact(self.datasource.migration_url)  # as written, but no ?password=...
            return f'Datasource "{name}": SQLite database "{u.path.name}" at "{at}"'
        if u.provider == "postgresql":
            return (
                f'Datasource "{name}": PostgreSQL database "{u.database}", schema "{u.schema or "public"}"'
                f' at "{u.host}:{u.port}"'
            )
        return f'Datasource "{name}": MySQL database "{u.database}" at "{u.host}:{u.port}"'


def lock_wait_message(holder: LockHolder | None, timeout: float) -> str:
    """``Waiting for the migration lock, held by PID 4242 (schemashift, 127.0.0.1, for 12 s);
    giving up after 10 s (--lock-timeout).``"""
    who = holder.describe() if holder is not None else "another session"
    return f"Waiting for the migration lock, held by {who}; giving up after {timeout:g} s (--lock-timeout)."


def open_project(schema: str | None, url: str | None = None) -> MigrateProject:
    return MigrateProject(load_project(schema), url)
