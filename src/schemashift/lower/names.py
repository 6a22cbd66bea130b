"""Prisma's default constraint and index names, with its truncation rule.

``<table>_<col1>_<col2>..._<suffix>``: when the part before the suffix would not leave room for
the suffix within the identifier limit, it is cut to ``limit - len(suffix)`` characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


def _cut(base: str, suffix: str, limit: int) -> str:
    room = limit - len(suffix)
    if len(base) >= room:
        base = base[:room]
    return base + suffix


def primary_key_name(table: str, limit: int) -> str:
    return _cut(table, "_pkey", limit)


def unique_name(table: str, columns: Sequence[str], limit: int) -> str:
    return _cut("_".join([table, *columns]), "_key", limit)


def index_name(table: str, columns: Sequence[str], limit: int) -> str:
    return _cut("_".join([table, *columns]), "_idx", limit)


def foreign_key_name(table: str, columns: Sequence[str], limit: int) -> str:
    return _cut("_".join([table, *columns]), "_fkey", limit)


@dataclass(frozen=True, slots=True)
class JoinTableNames:
    """The names of an implicit many-to-many join table (Prisma's own rule, not ``_cut``)."""

    table: str
    a_foreign_key: str
    b_foreign_key: str
    primary_key: str  # ``_AB_pkey`` (PostgreSQL)
    unique: str  # ``_AB_unique`` (other databases)
    b_index: str


def join_table_names(relation: str, limit: int) -> JoinTableNames:
    table = ("_" + relation)[:limit]
    room = limit - len("_fkey") - 2
    # Prisma compares with > for A and >= for B
    a_fk = (table[:room] if len(table) > room else table) + "_A_fkey"
    b_fk = (table[:room] if len(table) >= room else table) + "_B_fkey"
    return JoinTableNames(
        table=table,
        a_foreign_key=a_fk,
        b_foreign_key=b_fk,
        primary_key=table[: limit - len("_AB_pkey")] + "_AB_pkey",
        unique=table[: limit - len("_AB_unique")] + "_AB_unique",
        b_index=table[: limit - 8] + "_B_index",
    )
