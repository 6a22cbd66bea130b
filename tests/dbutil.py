"""Throwaway test databases on the PostgreSQL and MySQL/MariaDB test servers.

The servers are given by admin URLs in the environment:

- ``SCHEMASHIFT_TEST_POSTGRES_URL``, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``
- ``SCHEMASHIFT_TEST_MYSQL_URL``, e.g. ``mysql://root@127.0.0.1:3306/mysql``

Each database gets a unique name (prefix, xdist worker id, random hex) and is handed out as a
Prisma-style URL. Only databases created here, whose names carry :data:`PREFIX`, are ever dropped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

Provider = Literal["sqlite", "postgresql", "mysql"]
PROVIDERS: tuple[Provider, ...] = ("sqlite", "postgresql", "mysql")

PREFIX = "sstest_"
POSTGRES_ENV = "SCHEMASHIFT_TEST_POSTGRES_URL"
MYSQL_ENV = "SCHEMASHIFT_TEST_MYSQL_URL"
REQUIRE_ENV = "SCHEMASHIFT_REQUIRE_SERVERS"
SERVER_ENV: dict[str, str] = {"postgresql": POSTGRES_ENV, "mysql": MYSQL_ENV}


class ServerUnavailable(Exception):
    """The admin URL is not configured or the server does not answer."""


def worker_id() -> str:
    """``gw0``, ``gw1``... under pytest-xdist, ``main`` otherwise."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def unique_db_name() -> str:
    """A fresh name valid unquoted on both servers (lower case, <= 63 characters)."""
    return f"{PREFIX}{worker_id()}_{uuid.uuid4().hex}".lower()


def servers_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") == "1"


def admin_url(provider: str) -> str:
    env = SERVER_ENV[provider]
    url = os.environ.get(env, "").strip()
    if not url:
        raise ServerUnavailable(f"{env} is not set: no {provider} test server configured")
    return url


def admin_url_or_skip(provider: str) -> str:
    """The admin URL, or skip the calling test (fail it when servers are required)."""
    import pytest

    try:
        return admin_url(provider)
    except ServerUnavailable as exc:
        if servers_required():
            pytest.fail(f"{exc} (and {REQUIRE_ENV}=1)", pytrace=False)
        pytest.skip(str(exc))


def _check_owned(name: str) -> None:
    if not name.startswith(PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a database created by the test fixtures")


@dataclass(frozen=True)
class UrlParts:
    user: str
    password: str | None
    host: str
    port: int | None
    database: str


def url_parts(url: str) -> UrlParts:
    parts = urlsplit(url)
    return UrlParts(
        user=unquote(parts.username or ""),
        password=unquote(parts.password) if parts.password is not None else None,
        host=parts.hostname or "localhost",
        port=parts.port,
        database=unquote(parts.path.lstrip("/")),
    )


def with_database(url: str, database: str, query: str = "") -> str:
    """``url`` with its database (path) replaced and its query set to ``query``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, query, ""))


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(with_database(url, url_parts(url).database), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise ServerUnavailable(f"cannot connect to the PostgreSQL test server: {exc}".strip()) from exc


def postgres_database_exists(admin: str, name: str) -> bool:
    with _pg_connect(admin) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        return row is not None


def postgres_create(admin: str, name: str) -> str:
    from psycopg import sql

    with _pg_connect(admin) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(admin, name, "schema=public")


def postgres_drop(admin: str, name: str) -> None:
    from psycopg import sql

    _check_owned(name)
    with _pg_connect(admin) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))


@contextmanager
def postgres_database(admin: str) -> Iterator[str]:
    name = unique_db_name()
    url = postgres_create(admin, name)
    try:
        yield url
    finally:
        postgres_drop(admin, name)


# --- MySQL / MariaDB ------------------------------------------------------------------------


def _mysql_connect(url: str):  # type: ignore[no-untyped-def]
    import pymysql

    p = url_parts(url)
    try:
        return pymysql.connect(
            host=p.host,
            port=p.port or 3306,
            user=p.user or "root",
            password=p.password or "",
            database=p.database or None,
            autocommit=True,
            connect_timeout=10,
        )
    except pymysql.err.OperationalError as exc:
        raise ServerUnavailable(f"cannot connect to the MySQL test server: {exc}") from exc


def _mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def mysql_database_exists(admin: str, name: str) -> bool:
    conn = _mysql_connect(admin)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (name,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def mysql_create(admin: str, name: str) -> str:
    conn = _mysql_connect(admin)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {_mysql_ident(name)}")
    finally:
        conn.close()
    return with_database(admin, name)


def mysql_drop(admin: str, name: str) -> None:
    import pymysql

    _check_owned(name)
    conn = _mysql_connect(admin)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id FROM information_schema.processlist WHERE db = %s AND id <> CONNECTION_ID()",
                (name,),
            )
            for (pid,) in cur.fetchall():
                try:
                    cur.execute(f"KILL {int(pid)}")
                except pymysql.MySQLError:  # it may have ended on its own meanwhile
                    pass
            cur.execute(f"DROP DATABASE IF EXISTS {_mysql_ident(name)}")
    finally:
        conn.close()


@contextmanager
def mysql_database(admin: str) -> Iterator[str]:
    name = unique_db_name()
    url = mysql_create(admin, name)
    try:
        yield url
    finally:
        mysql_drop(admin, name)


def database_exists(provider: str, name: str) -> bool:
    """Checked over a fresh admin connection."""
    check = postgres_database_exists if provider == "postgresql" else mysql_database_exists
    return check(admin_url(provider), name)


def database_name(url: str) -> str:
    return url_parts(url).database


@contextmanager
def second_database(provider: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of ``provider`` (a staging database in the guide's tests), dropped afterwards."""
    if provider == "sqlite":
        yield f"file:{tmp_path / 'staging.db'}"
        return
    admin, name = admin_url(provider), unique_db_name()
    create, drop = (postgres_create, postgres_drop) if provider == "postgresql" else (mysql_create, mysql_drop)
    url = create(admin, name)
    try:
        yield url
    finally:
        drop(admin, name)
