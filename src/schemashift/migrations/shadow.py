"""The shadow database: the schema a migration history produces, found by replaying it.

``migrate dev`` and ``migrate diff --from-migrations`` need the end state of the migrations folder.
Prisma replays every migration into a throwaway database each time, which is why its ``migrate
dev`` takes minutes on long histories. schemashift keeps the described end state in a cache keyed
by the chain of the replayed migrations' names and checksums (and the provider and server
version), so an unchanged history is never replayed twice; any edit, addition or removal changes
the key.

Shadow databases: a temporary ``prisma_migrate_shadow_db_<uuid>`` database on the same server
(PostgreSQL, MySQL), or the datasource's ``shadowDatabaseUrl`` (reset before use); on SQLite a
temporary file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from schemashift import __version__
from schemashift.connectors import connect, create_database, drop_database
from schemashift.connectors.base import Connector
from schemashift.connectors.errors import ConnectorError
from schemashift.connectors.url import ConnectionUrl
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.model import Schema

CACHE_DIR_NAME = ".schemashift/shadow-cache"


@contextmanager
def shadow_database(main: ConnectionUrl | None, shadow_url: ConnectionUrl | None = None) -> Iterator[Connector]:
    """An empty database for replaying migrations; dropped (or emptied) afterwards.

    ``main`` is the development database (None when only a shadow database is given, as with
    ``migrate diff --shadow-database-url``): the temporary database is created on its server.
    """
    if shadow_url is not None:
        if shadow_url == main:
            raise MigrationError(
                "The shadow database you configured appears to be the same as the main database. "
                "Please specify another shadow database."
            )
        with connect(shadow_url) as conn:
            conn.reset()
            yield conn
            conn.reset()
        return
    if main is None:
        raise ValueError("a shadow database needs either the main database or a shadow URL")
    if main.provider == "sqlite":
        fd, path = tempfile.mkstemp(prefix="schemashift-shadow-", suffix=".db")
        os.close(fd)
        url = ConnectionUrl(provider="sqlite", database=Path(path).stem, path=Path(path), scheme="file")
        try:
            with connect(url) as conn:
                yield conn
        finally:
            drop_database(url)
        return
    url = main.with_database(f"prisma_migrate_shadow_db_{uuid.uuid4()}")
    try:
        create_database(url)
    except ConnectorError as exc:
        raise MigrationError(
            "Prisma Migrate could not create the shadow database. Please make sure the database user "
            "has permission to create databases, or set `shadowDatabaseUrl` in the datasource. "
            f"Original error: {exc.message}",
            code="P3014",
        ) from None
    try:
        with connect(url) as conn:
            yield conn
    finally:
        drop_database(url)


def replay_into(conn: Connector, migrations: Sequence[Migration]) -> None:
    """Run every script, in order, as deploy runs it (in a transaction, statement by statement,
    or as written: ``CREATE INDEX CONCURRENTLY`` never inside a transaction); P3006 names the
    one that fails."""
    from schemashift.migrations.apply import execute_plan

    for m in migrations:
        try:
            execute_plan(conn, conn.dialect.plan_script(m.sql))
        except ConnectorError as exc:
            raise MigrationError(
                f"Migration `{m.name}` failed to apply cleanly to the shadow database. \n"
                f"Error:\n{exc.message}",
                code="P3006",
            ) from None


def history_key(provider: str, migrations: Sequence[Migration], server_version: str = "") -> str:
    h = hashlib.sha256(f"{__version__}\0{provider}\0{server_version}".encode())
    for m in migrations:
        h.update(f"\0{m.name}\0{m.checksum}".encode())
    return h.hexdigest()


class ShadowCache:
    """Described end states of migration histories, one pickle per history key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pickle"

    def get(self, key: str) -> Schema | None:
        try:
            value = pickle.loads(self._path(key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return value if isinstance(value, Schema) else None

    def put(self, key: str, schema: Schema) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        tmp = self._path(key).with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(schema, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(self._path(key))


def history_end_state(
    main: ConnectionUrl | None,
    migrations: Sequence[Migration],
    *,
    shadow_url: ConnectionUrl | None = None,
    cache: ShadowCache | None = None,
) -> Schema:
    """The schema that ``migrations`` produce from an empty database (cached when possible)."""
    from schemashift.connectors.describe import describe

    target = main or shadow_url
    assert target is not None, "history_end_state needs a main or a shadow database"
    key = history_key(target.provider, migrations)
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    with shadow_database(main, shadow_url) as conn:
        replay_into(conn, migrations)
        schema = describe(conn)
    if cache is not None:
        cache.put(key, schema)
    return schema
