"""The I/O half per database: connections, scripts, locks, database lifecycle, describe.

``connect(url)`` opens a :class:`Connector` on a Prisma datasource URL; ``create_database``,
``drop_database`` and ``database_exists`` work without a connection to the target database.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from .base import Connector
from .errors import ConnectorError, DatabaseError
from .url import ConnectionUrl, parse_url

__all__ = [
    "ConnectionUrl",
    "Connector",
    "ConnectorError",
    "DatabaseError",
    "connect",
    "create_database",
    "create_database_if_missing",
    "database_exists",
    "drop_database",
    "parse_url",
]

UrlLike = str | ConnectionUrl
_CONNECTOR_CLASS = {"postgresql": "PostgresConnector", "mysql": "MysqlConnector", "sqlite": "SqliteConnector"}


def _parsed(url: UrlLike, base_dir: Path | str | None) -> ConnectionUrl:
    return url if isinstance(url, ConnectionUrl) else parse_url(url, base_dir)


def _module(url: ConnectionUrl) -> ModuleType:
    if url.provider == "postgresql":
        from . import postgres

        return postgres
    if url.provider == "mysql":
        from . import mysql

        return mysql
    from . import sqlite

    return sqlite


def connect(url: UrlLike, base_dir: Path | str | None = None) -> Connector:
    """Open a connection; ``base_dir`` anchors relative ``file:`` paths (the schema's folder)."""
    parsed = _parsed(url, base_dir)
    connector: type[Connector] = getattr(_module(parsed), _CONNECTOR_CLASS[parsed.provider])
    opened = connector(parsed)
    if parsed.provider == "postgresql":
        from .cockroachdb import for_server

        # a CockroachDB server (a postgresql:// URL either way) gets its own connector, as
        # Prisma's schema engine picks its cockroach flavour from the connection
        return for_server(opened)
    return opened


def create_database(url: UrlLike, base_dir: Path | str | None = None) -> None:
    """Create the URL's database (P1009 when it already exists)."""
    parsed = _parsed(url, base_dir)
    _module(parsed).create_database(parsed)


def create_database_if_missing(url: UrlLike, base_dir: Path | str | None = None) -> bool:
    """Create the URL's database when it does not exist, with one connection to the server (no
    schema is created in it); True when this call created it."""
    parsed = _parsed(url, base_dir)
    module = _module(parsed)
    if hasattr(module, "create_database_if_missing"):  # PostgreSQL: without Prisma's CREATE SCHEMA
        return bool(module.create_database_if_missing(parsed))
    from .errors import DatabaseAlreadyExists

    try:
        module.create_database(parsed)
    except DatabaseAlreadyExists:
        return False
    return True


def drop_database(url: UrlLike, base_dir: Path | str | None = None) -> None:
    """Drop the URL's database if it exists."""
    parsed = _parsed(url, base_dir)
    _module(parsed).drop_database(parsed)


def database_exists(url: UrlLike, base_dir: Path | str | None = None) -> bool:
    parsed = _parsed(url, base_dir)
    return bool(_module(parsed).database_exists(parsed))
