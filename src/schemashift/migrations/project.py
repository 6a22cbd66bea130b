"""One command run's view of a project: schema files, datasource, migrations folder, connections.

Commands build a :class:`MigrateProject` and call the library with it; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from schemashift.config import Datasource, Project, load_project
from schemashift.connectors import connect, create_database, database_exists, parse_url
from schemashift.connectors.base import Connector
from schemashift.connectors.url import ConnectionUrl
from schemashift.migrations import folder
from schemashift.migrations.folder import Migration


@dataclass
class MigrateProject:
    project: Project
    url_override: str | None = None

    @cached_property
    def files(self) -> list[tuple[str, str]]:
        return self.project.read()

    @cached_property
    def datasource(self) -> Datasource:
        return self.project.datasource(self.files)

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

    def connect(self, create: bool = False) -> Connector:
        """Open the datasource; with ``create``, create the database first when it is missing."""
        if create and not database_exists(self.url):
            create_database(self.url)
        return connect(self.url)

    def describe_target(self) -> str:
        """Prisma's ``Datasource "db": PostgreSQL database "x", schema "public" at "host:port"``."""
        u = self.url
        name = self.datasource.name
        if u.provider == "sqlite":
            assert u.path is not None
            return f'Datasource "{name}": SQLite database "{u.path.name}" at "{self.datasource.migration_url}"'
        if u.provider == "postgresql":
            return (
                f'Datasource "{name}": PostgreSQL database "{u.database}", schema "{u.schema or "public"}"'
                f' at "{u.host}:{u.port}"'
            )
        return f'Datasource "{name}": MySQL database "{u.database}" at "{u.host}:{u.port}"'


def open_project(schema: str | None, url: str | None = None) -> MigrateProject:
    return MigrateProject(load_project(schema), url)
