"""SQL dialects: pure type mapping, capabilities, differ hooks and rendering per database.

``get_dialect(provider)`` returns the dialect of a datasource provider (``postgresql``,
``sqlite``, ``mysql``, ``cockroachdb``); the modules are imported on first use.
"""

from __future__ import annotations

import importlib

from schemashift.dialects.base import Dialect

__all__ = ["Dialect", "get_dialect"]

_MODULES = {
    "postgresql": ("schemashift.dialects.postgres", "PostgresDialect"),
    "postgres": ("schemashift.dialects.postgres", "PostgresDialect"),
    "sqlite": ("schemashift.dialects.sqlite", "SqliteDialect"),
    "mysql": ("schemashift.dialects.mysql", "MysqlDialect"),
    "cockroachdb": ("schemashift.dialects.cockroachdb", "CockroachDialect"),
}


def get_dialect(provider: str, **options: object) -> Dialect:
    """``options`` go to the dialect's constructor (PostgreSQL: ``default_namespace``, the
    connection's ``?schema=``, which DROP statements leave out)."""
    try:
        module_name, class_name = _MODULES[provider]
    except KeyError:
        raise ValueError(f"unsupported provider: {provider!r}") from None
    dialect_class: type[Dialect] = getattr(importlib.import_module(module_name), class_name)
    return dialect_class(**options)
