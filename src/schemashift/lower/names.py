"""Prisma's default constraint and index names, with its truncation rule.

``<table>_<col1>_<col2>..._<suffix>``: when the part before the suffix would not leave room for
the suffix within the identifier limit, it is cut to ``limit - len(suffix)`` characters.
"""

from __future__ import annotations

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


def join_table_names(table: str, limit: int) -> tuple[str, str, str, str, str]:
    """(table, A fk, B fk, AB constraint base, B index) names of an implicit m2m join table.

    The AB constraint base is completed with ``_AB_pkey`` or ``_AB_unique`` by the caller
    through :func:`join_table_constraint_name`.
    """
    table = table[:limit]
    room = limit - len("_fkey") - 2
    a_fk = (table[:room] if len(table) > room else table) + "_A_fkey"
    b_fk = (table[:room] if len(table) >= room else table) + "_B_fkey"
    b_index = table[: limit - 8] + "_B_index"
    return table, a_fk, b_fk, table, b_index


def join_table_constraint_name(table: str, suffix: str, limit: int) -> str:
    return table[: limit - len(suffix)] + suffix
