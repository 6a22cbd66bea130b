"""Prisma 7's externally managed tables and enums (``tables.external``/``enums.external`` of
``prisma.config.ts``): objects migrate never creates, changes or drops.

Both sides of every diff leave them out before the differ sees them (what Prisma's schema
engine does with its ``SchemaFilter``), so a model of an external table gets no ``CREATE TABLE``,
a live external table is no drift, and a foreign key from a managed table to an external one is
still written (it belongs to the managed table). Checked against ``prisma7 migrate diff`` with a
configuration naming them (tests/test_prisma7_config_keys.py).

Names are ``schema.name`` on a database with schemas (PostgreSQL: Prisma's P3023 otherwise) and
plain names elsewhere (SQLite, MySQL: P3024 for a qualified one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from schemashift.errors import SchemashiftError

if TYPE_CHECKING:
    from schemashift.model import Schema

QUALIFIED_ONLY = (
    "For the current database, `externalTables` & `externalEnums` in your prisma config must contain only "
    "fully qualified identifiers (e.g. `schema_name.table_name`)."
)
SIMPLE_ONLY = (
    "For the current database, `externalTables` & `externalEnums` in your prisma config must contain only "
    "simple identifiers without a schema name."
)


@dataclass(frozen=True)
class ExternalObjects:
    """The external tables and enums, as ``(namespace or None, name)``."""

    tables: frozenset[tuple[str | None, str]] = frozenset()
    enums: frozenset[tuple[str | None, str]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.tables or self.enums)

    @classmethod
    def parse(cls, tables: tuple[str, ...], enums: tuple[str, ...], namespaced: bool) -> "ExternalObjects":
        """The configured names checked as Prisma checks them (``namespaced``: PostgreSQL,
        CockroachDB), Prisma's P3023/P3024 otherwise."""

        def key(name: str) -> tuple[str | None, str]:
            namespace, dot, rest = name.partition(".")
            if namespaced and not dot:
                raise SchemashiftError(QUALIFIED_ONLY, code="P3023")
            if not namespaced and dot:
                raise SchemashiftError(SIMPLE_ONLY, code="P3024")
            return (namespace, rest) if dot else (None, name)

        return cls(frozenset(key(n) for n in tables), frozenset(key(n) for n in enums))

    def has_table(self, namespace: str | None, name: str) -> bool:
        """Whether the table ``name`` of ``namespace`` is external."""
        return (namespace, name) in self.tables or (None, name) in self.tables

    def managed(self, schema: "Schema") -> "Schema":
        """``schema`` without the external tables and enums (a table or enum outside any named
        namespace is in the schema's default one)."""
        if not self:
            return schema

        def where(ns: str | None) -> str | None:
            return ns if ns is not None else schema.default_namespace

        tables = tuple(t for t in schema.tables if not self.has_table(where(t.schema), t.name))
        enums = tuple(
            e for e in schema.enums if (where(e.schema), e.name) not in self.enums and (None, e.name) not in self.enums
        )
        if len(tables) == len(schema.tables) and len(enums) == len(schema.enums):
            return schema
        return replace(schema, tables=tables, enums=enums)
