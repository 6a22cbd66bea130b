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
import hmac
import os
import secrets
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

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
def shadow_database(
    main: ConnectionUrl | None, shadow_url: ConnectionUrl | None = None, namespaces: Sequence[str] = ()
) -> Iterator[Connector]:
    """An empty database for replaying migrations; dropped (or emptied) afterwards.

    ``main`` is the development database (None when only a shadow database is given, as with
    ``migrate diff --shadow-database-url``): the temporary database is created on its server.
    ``namespaces`` (a multi-schema datasource's ``schemas``) are emptied with a configured one.
    """
    if shadow_url is not None:
        if shadow_url == main:
            raise MigrationError(
                "The shadow database you configured appears to be the same as the main database. "
                "Please specify another shadow database."
            )
        from schemashift.migrations.interrupt import sigint_deferred

        with _connect_shadow(shadow_url) as conn:
            with sigint_deferred():  # MySQL's reset drops the database, then creates it again
                conn.reset(namespaces)
            yield conn
            with sigint_deferred():
                conn.reset(namespaces)
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


def _connect_shadow(url: ConnectionUrl) -> Connector:
    """The configured shadow database; a missing one is the user's to create (and a MySQL reset
    killed between its DROP and CREATE DATABASE leaves it missing): the error says so."""
    from schemashift.connectors.errors import DatabaseDoesNotExist

    try:
        return connect(url)
    except DatabaseDoesNotExist as exc:
        exc.message += (
            f"\n\nIt is the shadow database of `shadowDatabaseUrl`: create it (CREATE DATABASE "
            f"{url.database}), or remove `shadowDatabaseUrl` to let schemashift use a temporary one."
        )
        raise


def replay_into(conn: Connector, migrations: Sequence[Migration]) -> None:
    """Run every script, in order, as deploy runs it (in a transaction, statement by statement,
    or as written: ``CREATE INDEX CONCURRENTLY`` never inside a transaction); P3006 names the
    one that fails."""
    from schemashift.migrations.apply import execute_plan
    from schemashift.migrations.interrupt import MigrationInterrupted, SigintGuard

    stopped = "stopped while the migrations were replayed on the shadow database; nothing was changed in your database."
    with SigintGuard(conn) as sigint:
        for m in migrations:
            try:
                execute_plan(conn, conn.dialect.plan_script(m.sql))
            except ConnectorError as exc:
                if sigint.requested:
                    raise MigrationInterrupted(stopped) from None
                _replay_failed(m, exc)
            if sigint.requested:
                raise MigrationInterrupted(stopped)


def run_init_script(conn: Connector, script: str) -> None:
    """Prisma 7's ``migrations.initShadowDb``: the setup of the shadow database (external tables
    and enums) before the migrations are replayed; a failure says where the script comes from."""
    from schemashift.migrations.apply import execute_plan

    try:
        execute_plan(conn, conn.dialect.plan_script(script))
    except ConnectorError as exc:
        raise MigrationError(
            f"The `migrations.initShadowDb` script of the Prisma config failed on the shadow database.\nError:\n{exc.message}",
            code="P3006",
        ) from None


def describe_namespaces(conn: Connector, namespaces: Sequence[str]) -> Schema:
    """The database; a multi-schema datasource's ``schemas`` described together, the connection's
    own first (the default namespace), the model listing those that exist (as Prisma's describer:
    a declared schema not yet created is created by the next migration)."""
    from dataclasses import replace

    from schemashift.connectors.describe import describe

    if not namespaces:
        return describe(conn)
    own = conn.schema_name
    spaces = tuple(dict.fromkeys([own, *namespaces])) if own in namespaces else tuple(namespaces)
    schema = describe(conn, namespaces=spaces)
    existing = conn.existing_namespaces(spaces)
    return replace(schema, namespaces=tuple(ns for ns in schema.namespaces if ns in existing))


def _replay_failed(m: Migration, exc: ConnectorError) -> NoReturn:
    raise MigrationError(
        f"Migration `{m.name}` failed to apply cleanly to the shadow database. \n"
        f"Error:\n{exc.message}",
        code="P3006",
    ) from None


def history_key(
    provider: str, migrations: Sequence[Migration], server_version: str = "", setup: Sequence[str] = ()
) -> str:
    """The cache key of a history's end state; ``setup``: what else shapes it (the namespaces
    described, Prisma 7's ``migrations.initShadowDb`` script)."""
    h = hashlib.sha256(f"{__version__}\0{provider}\0{server_version}".encode())
    for part in setup:
        h.update(f"\0setup\0{part}".encode())
    for m in migrations:
        h.update(f"\0{m.name}\0{m.checksum}".encode())
    return h.hexdigest()


class ShadowCache:
    """Described end states of migration histories: one JSON file per history key, never code.

    A file is ``<key>.json``: a header line ``schemashift-shadow-cache <format> <model fingerprint>
    <mac>`` and the schema as :mod:`schemashift.model_json` data. The MAC is an HMAC-SHA256 of the
    key, the fingerprint and the data under a secret of this user on this machine
    (:func:`cache_secret`, outside the project), so a cache file that comes from anywhere else (one
    committed to the repository with ``git add -f``, a truncated write, an older format or model)
    is ignored and rebuilt. Loading is a JSON parse and a type-checked rebuild of the model's
    dataclasses: nothing in the file can run code. Old ``.pickle`` entries are never read, and are
    deleted on the next write.
    """

    FORMAT = "1"
    MAGIC = b"schemashift-shadow-cache"

    def __init__(self, directory: Path, secret: bytes | None = None) -> None:
        self.directory = directory
        self._secret = secret

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = cache_secret()
        return self._secret

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def _mac(self, key: str, data: bytes) -> str:
        from schemashift.model_json import FINGERPRINT

        head = f"{self.FORMAT}\0{FINGERPRINT}\0{key}\0".encode()
        return hmac.new(self.secret, head + data, hashlib.sha256).hexdigest()

    def get(self, key: str) -> Schema | None:
        """The cached end state, or None (missing, damaged, foreign or from another format)."""
        from schemashift.model_json import FINGERPRINT, ModelDecodeError, loads

        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        header, _, data = raw.partition(b"\n")
        parts = header.split(b" ")
        if len(parts) != 4 or parts[0] != self.MAGIC or parts[1].decode("ascii", "replace") != self.FORMAT:
            return None
        if parts[2].decode("ascii", "replace") != FINGERPRINT:
            return None
        if not hmac.compare_digest(parts[3], self._mac(key, data).encode()):
            return None
        try:
            return loads(data)
        except ModelDecodeError:
            return None

    def put(self, key: str, schema: Schema) -> None:
        from schemashift.model_json import FINGERPRINT, dumps

        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        data = dumps(schema)
        header = b" ".join([self.MAGIC, self.FORMAT.encode(), FINGERPRINT.encode(), self._mac(key, data).encode()])
        tmp = self._path(key).with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(header + b"\n" + data)
        tmp.replace(self._path(key))
        for old in self.directory.glob("*.pickle"):  # the format before 0.x: never loaded again
            old.unlink(missing_ok=True)


def cache_secret() -> bytes:
    """This user's secret for the shadow cache MACs: ``$XDG_CACHE_HOME/schemashift/shadow-cache.key``
    (``~/.cache/...``), created (mode 0600) on first use. Without a writable home folder, a secret
    for this process only: the cache then only serves this run."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "schemashift" / "shadow-cache.key"
    try:
        secret = path.read_bytes()
        if len(secret) >= 32:
            return secret
    except OSError:
        pass
    secret = secrets.token_hex(32).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secret)
        try:
            os.link(tmp, path)  # never replaces a secret another process wrote meanwhile
        except FileExistsError:
            secret = path.read_bytes()
        finally:
            tmp.unlink(missing_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home folder
        pass
    return secret


def history_end_state(
    main: ConnectionUrl | None,
    migrations: Sequence[Migration],
    *,
    shadow_url: ConnectionUrl | None = None,
    cache: ShadowCache | None = None,
    namespaces: Sequence[str] = (),
    init_script: str = "",
) -> Schema:
    """The schema that ``migrations`` produce from an empty database (cached when possible).

    ``namespaces``: a multi-schema datasource's ``schemas``, described together. ``init_script``:
    Prisma 7's ``migrations.initShadowDb`` (the external tables the migrations refer to), run on
    the shadow database before the migrations."""
    target = main or shadow_url
    assert target is not None, "history_end_state needs a main or a shadow database"
    key = history_key(target.provider, migrations, setup=(*namespaces, init_script) if namespaces or init_script else ())
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    with shadow_database(main, shadow_url, namespaces) as conn:
        if init_script.strip():
            run_init_script(conn, init_script)
        replay_into(conn, migrations)
        schema = describe_namespaces(conn, namespaces)
    if cache is not None:
        cache.put(key, schema)
    return schema
