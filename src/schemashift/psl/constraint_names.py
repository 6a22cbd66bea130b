"""Prisma's default names of primary keys, unique constraints, indexes, foreign keys, defaults and
implicit many-to-many join tables: the one place the validator (name clashes, ``map:`` lengths),
the lowering (the names that reach SQL) and ``db pull`` (is a live name the default, so that no
``map:`` is needed?) ask.

The rules are psl-core's ``ConstraintNames`` (``datamodel_connector/constraint_names.rs``), on
database names (``@@map`` / ``@map`` applied): ``<table>_pkey``, ``<table>_<col>_..._key`` (unique),
``..._idx`` (index), ``..._fkey`` (foreign key), ``<table>_<col>_df`` (SQL Server defaults). When
the part before the suffix does not leave room for the suffix within the provider's identifier
limit, it is cut to ``limit - len(suffix)`` UTF-8 **bytes**, back to a character boundary: a
generated name never exceeds the limit in bytes, so PostgreSQL (63 bytes) keeps it as written
and the next diff finds it unchanged. MySQL's limit counts characters, so bytes are safe there too.

Join tables (``sql_schema_calculator``'s own rule) are cut by characters, except their foreign
keys, which Prisma cuts by bytes with a plain slice (it panics when the cut falls inside a
character; we cut back to the character boundary instead).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

# psl-core connectors' ``max_identifier_length``
MAX_IDENTIFIER_LENGTH: Mapping[str, int] = MappingProxyType(
    {"postgresql": 63, "cockroachdb": 63, "mysql": 64, "sqlite": 10000, "sqlserver": 128, "mongodb": 127}
)


def is_too_long(name: str, limit: int) -> bool:
    """``is_db_name_too_long``: a ``map:`` name longer than the limit, in bytes."""
    return len(name) > limit if name.isascii() else len(name.encode()) > limit


def truncate(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, at a character boundary (Rust's
    ``floor_char_boundary``)."""
    if text.isascii():  # one byte per character: the common case, no encoding
        return text[:max_bytes] if len(text) > max_bytes else text
    raw = text.encode()
    if len(raw) <= max_bytes:
        return text
    # the cut may fall inside the last character: its incomplete bytes are dropped
    return raw[: max(max_bytes, 0)].decode("utf-8", "ignore")


def primary_key_name(table: str, limit: int) -> str:
    return truncate(table, limit - 5) + "_pkey"


def unique_name(table: str, columns: Sequence[str], limit: int) -> str:
    return truncate(f"{table}_{'_'.join(columns)}", limit - 4) + "_key"


def index_name(table: str, columns: Sequence[str], limit: int) -> str:
    return truncate(f"{table}_{'_'.join(columns)}", limit - 4) + "_idx"


def foreign_key_name(table: str, columns: Sequence[str], limit: int) -> str:
    """``columns`` are the constrained (referencing) columns of ``table``."""
    return truncate(f"{table}_{'_'.join(columns)}", limit - 5) + "_fkey"


def default_name(table: str, column: str, limit: int) -> str:
    return truncate(f"{table}_{column}", limit - 3) + "_df"


@dataclass(frozen=True, slots=True)
class JoinTableNames:
    """The names of an implicit many-to-many join table."""

    table: str
    a_foreign_key: str
    b_foreign_key: str
    primary_key: str  # ``_AB_pkey`` (PostgreSQL)
    unique: str  # ``_AB_unique`` (other databases)
    b_index: str


def join_table_names(relation: str, limit: int) -> JoinTableNames:
    table = ("_" + relation)[:limit]  # characters, not bytes
    fk_base = truncate(table, limit - len("_fkey") - 2)
    return JoinTableNames(
        table=table,
        a_foreign_key=fk_base + "_A_fkey",
        b_foreign_key=fk_base + "_B_fkey",
        primary_key=table[: limit - len("_AB_pkey")] + "_AB_pkey",
        unique=table[: limit - len("_AB_unique")] + "_AB_unique",
        b_index=table[: limit - len("_B_index")] + "_B_index",
    )
