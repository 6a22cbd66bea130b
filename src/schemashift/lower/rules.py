"""Per-provider lowering rules: default database types, enum style, identifier limits.

These are data, looked up by the datasource provider; the lowering code itself asks only
questions (``rules.native_enums``, ``rules.max_identifier_length``...).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from schemashift.model import Family
from schemashift.psl.constraint_names import MAX_IDENTIFIER_LENGTH

# Prisma scalar type name -> family
SCALAR_FAMILIES: Mapping[str, Family] = MappingProxyType(
    {
        "String": Family.STRING,
        "Int": Family.INT,
        "BigInt": Family.BIGINT,
        "Float": Family.FLOAT,
        "Decimal": Family.DECIMAL,
        "Boolean": Family.BOOLEAN,
        "DateTime": Family.DATETIME,
        "Json": Family.JSON,
        "Bytes": Family.BINARY,
    }
)


@dataclass(frozen=True, slots=True)
class ProviderRules:
    provider: str
    default_types: Mapping[str, tuple[str, tuple[int, ...]]]  # scalar -> (native, args)
    max_identifier_length: int
    native_enums: bool  # enums are named database types (PostgreSQL)
    inline_enums: bool  # enums live in the column type, one per column (MySQL)
    named_primary_keys: bool
    m2m_primary_key: bool  # implicit m2m join tables get a primary key (else a unique index)
    supports_namespaces: bool
    default_namespace: str | None
    # autoincrement() is a sequence default (PostgreSQL; its name is unknown before describing)
    autoincrement_is_sequence: bool = False
    # a single-column Int primary key autoincrements by itself (SQLite's rowid alias)
    int_primary_key_autoincrements: bool = False
    # autoincrement() is this database default expression (CockroachDB: ``unique_rowid()``)
    autoincrement_default: str | None = None
    # ``sequence(...)`` defaults exist (CockroachDB): an identity column backed by a named sequence
    sequence_defaults: bool = False


POSTGRES = ProviderRules(
    provider="postgresql",
    default_types=MappingProxyType(
        {
            "String": ("Text", ()),
            "Int": ("Integer", ()),
            "BigInt": ("BigInt", ()),
            "Float": ("DoublePrecision", ()),
            "Decimal": ("Decimal", (65, 30)),
            "Boolean": ("Boolean", ()),
            "DateTime": ("Timestamp", (3,)),
            "Json": ("JsonB", ()),
            "Bytes": ("ByteA", ()),
        }
    ),
    max_identifier_length=MAX_IDENTIFIER_LENGTH["postgresql"],
    native_enums=True,
    inline_enums=False,
    named_primary_keys=True,
    m2m_primary_key=True,
    supports_namespaces=True,
    default_namespace="public",
    autoincrement_is_sequence=True,
)

MYSQL = ProviderRules(
    provider="mysql",
    default_types=MappingProxyType(
        {
            "String": ("VarChar", (191,)),
            "Int": ("Int", ()),
            "BigInt": ("BigInt", ()),
            "Float": ("Double", ()),
            "Decimal": ("Decimal", (65, 30)),
            "Boolean": ("TinyInt", ()),
            "DateTime": ("DateTime", (3,)),
            "Json": ("Json", ()),
            "Bytes": ("LongBlob", ()),
        }
    ),
    max_identifier_length=MAX_IDENTIFIER_LENGTH["mysql"],
    native_enums=False,
    inline_enums=True,
    named_primary_keys=False,
    m2m_primary_key=False,
    supports_namespaces=False,
    default_namespace=None,
)

SQLITE = ProviderRules(
    provider="sqlite",
    default_types=MappingProxyType(
        {
            "String": ("TEXT", ()),
            "Int": ("INTEGER", ()),
            "BigInt": ("BIGINT", ()),
            "Float": ("REAL", ()),
            "Decimal": ("DECIMAL", ()),
            "Boolean": ("BOOLEAN", ()),
            "DateTime": ("DATETIME", ()),
            "Json": ("JSONB", ()),
            "Bytes": ("BLOB", ()),
        }
    ),
    max_identifier_length=MAX_IDENTIFIER_LENGTH["sqlite"],
    native_enums=False,
    inline_enums=False,
    named_primary_keys=False,
    m2m_primary_key=False,
    supports_namespaces=False,
    default_namespace=None,
    int_primary_key_autoincrements=True,
)

# Prisma's cockroachdb connector: its own native types, autoincrement() is unique_rowid() (BigInt
# only, the validator says so), sequence() is an identity column, implicit m:n join tables get a
# unique index instead of a primary key (psl's cockroach connector and the schema calculator's
# cockroach flavour)
COCKROACH = ProviderRules(
    provider="cockroachdb",
    default_types=MappingProxyType(
        {
            "String": ("String", ()),
            "Int": ("Int4", ()),
            "BigInt": ("Int8", ()),
            "Float": ("Float8", ()),
            "Decimal": ("Decimal", (65, 30)),
            "Boolean": ("Bool", ()),
            "DateTime": ("Timestamp", (3,)),
            "Json": ("JsonB", ()),
            "Bytes": ("Bytes", ()),
        }
    ),
    max_identifier_length=MAX_IDENTIFIER_LENGTH["cockroachdb"],
    native_enums=True,
    inline_enums=False,
    named_primary_keys=True,
    m2m_primary_key=False,
    supports_namespaces=True,
    default_namespace="public",
    autoincrement_default="unique_rowid()",
    sequence_defaults=True,
)

RULES: Mapping[str, ProviderRules] = MappingProxyType(
    {"postgresql": POSTGRES, "postgres": POSTGRES, "mysql": MYSQL, "sqlite": SQLITE, "cockroachdb": COCKROACH}
)


def rules_for(provider: str) -> ProviderRules:
    try:
        return RULES[provider]
    except KeyError:
        raise ValueError(f"unsupported provider: {provider!r}") from None
