"""One command run's view of a project: schema files, datasource, migrations folder, connections.

Commands build a :class:`MigrateProject` and call the library with it; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.config import Datasource, Project, load_project
from schemashift.connectors import connect, create_database, database_exists, parse_url
from schemashift.connectors.base import Connector
from schemashift.connectors.url import ConnectionUrl
from schemashift.errors import redact
from schemashift.migrations import folder
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.model import Schema
from schemashift.settings import Settings, load_settings

if TYPE_CHECKING:
    from schemashift.diagnostics import Diagnostics
    from schemashift.psl.ast import SchemaAst


@dataclass
class MigrateProject:
    project: Project
    url_override: str | None = None

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
        from schemashift.config import resolve_datasource

        return resolve_datasource(self.files, self.parsed[0])

    @cached_property
    def target(self) -> Schema:
        """The schema validated (Prisma's P1012 on errors) and lowered for the datasource's provider."""
        from schemashift.migrations import engine

        return engine.target_schema(self.files, self.provider, self.parsed)

    @property
    def provider(self) -> str:
        return self.datasource.provider

    @property
    def schema_dir(self) -> Path:
        return self.project.schema.directory

    @property
    def migrations_dir(self) -> Path:
        return self.schema_dir / "migrations"

    @property
    def migrations_display(self) -> str:
        try:
            return str(self.migrations_dir.relative_to(self.project.cwd))
        except ValueError:
            return str(self.migrations_dir)

    @cached_property
    def url(self) -> ConnectionUrl:
        return parse_url(self.url_override or self.datasource.migration_url, self.schema_dir)

    def migrations(self) -> list[Migration]:
        folder.check_lock(self.migrations_dir, self.provider)
        return folder.list_migrations(self.migrations_dir)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.project.cwd)

    def connect(self, create: bool = False) -> Connector:
        """Open the datasource (with the configured timeouts); with ``create``, create the
        database first when it is missing."""
        if create and not database_exists(self.url):
            create_database(self.url)
        conn = connect(self.url)
        try:
            conn.set_timeouts(self.settings.lock_timeout_ms, self.settings.statement_timeout_ms)
        except BaseException:
            conn.close()
            raise
        return conn

    def guard_production(self, action: str, force: bool) -> None:
        """Refuse a destructive ``action`` on a database that looks like production, unless forced."""
        if force or not self.settings.is_production(self.url.host or None):
            return
        why = (
            "SCHEMASHIFT_ENV is production"
            if (self.settings.environment or "").lower() in ("production", "prod")
            else f"its host `{self.url.host}` matches `[tool.schemashift] production_hosts`"
        )
        raise MigrationError(
            f"Refusing to {action}: the database looks like production ({why}). Use --force if you "
            "really mean it.",
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


def open_project(schema: str | None, url: str | None = None) -> MigrateProject:
    return MigrateProject(load_project(schema), url)
