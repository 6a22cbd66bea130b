"""Prisma's rules for turning database identifiers into PSL names (introspection).

- a name that starts with something other than an ASCII letter loses that prefix, and every
  character outside ``[_a-zA-Z0-9]`` becomes ``_`` (``2weird-name`` -> ``weird_name``);
- a model or enum whose name is one of Prisma Client's reserved type names is called
  ``Renamed<name>``;
- both keep the database name in ``@map`` / ``@@map``;
- a constraint or index whose live name is Prisma's default for it
  (:mod:`schemashift.psl.constraint_names`, on the live table and column names) gets no ``map:``.
"""

from __future__ import annotations

import re

from schemashift.psl.validator.attributes import string_literal as string_literal  # re-exported: PSL string literals
from schemashift.psl.validator.names import RESERVED_NAMES

_START = re.compile(r"^[^a-zA-Z]+")
_INVALID = re.compile(r"[^_a-zA-Z0-9]")


def needs_sanitation(name: str) -> bool:
    return bool(_START.search(name) or _INVALID.search(name))


def sanitize(name: str) -> str:
    if not needs_sanitation(name):
        return name
    return _INVALID.sub("_", _START.sub("", name))


def is_reserved(name: str) -> bool:
    return name in RESERVED_NAMES


def type_name(db_name: str) -> tuple[str, str | None]:
    """(PSL name, ``@@map`` value or None) of a table or enum that the previous schema does not know."""
    if is_reserved(db_name):
        return "Renamed" + db_name, db_name
    if needs_sanitation(db_name):
        return sanitize(db_name), db_name
    return db_name, None


def field_name(db_name: str) -> tuple[str, str | None]:
    """(PSL name, ``@map`` value or None) of a column; the PSL name is empty when nothing is left."""
    if needs_sanitation(db_name):
        return sanitize(db_name), db_name
    return db_name, None


def map_argument(live_name: str | None, default_name: str) -> str | None:
    """The ``map: "..."`` argument a constraint needs, or None when its live name is the default
    one (PostgreSQL keeps a generated name as written: it is never longer than 63 bytes)."""
    if not live_name or live_name == default_name:
        return None
    return f"map: {string_literal(live_name)}"


# Multi-schema (a datasource with ``schemas``): tables and enums of different schemas may share a
# name, so introspection keys them by "<schema>\x1f<name>" (sorting by key = by schema, then name,
# Prisma's order); a key without the separator is a name of the one default schema.
_SEP = "\x1f"


def qualified(space: str | None, name: str) -> str:
    """The introspection key of ``name`` in ``space`` (None: not multi-schema)."""
    return name if space is None else f"{space}{_SEP}{name}"


def unqualified(key: str) -> str:
    """The database name of a key."""
    return key.rpartition(_SEP)[2]


def space_of(key: str) -> str | None:
    """The schema of a key (None outside multi-schema)."""
    space, sep, _ = key.rpartition(_SEP)
    return space if sep else None
