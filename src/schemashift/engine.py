"""The schema engine's library API: schema text(s) -> model -> steps -> SQL script.

``diff_schemas(None, to_src)`` is ``prisma migrate diff --from-empty --to-schema-datamodel
--script``; with a ``from_src`` it diffs two schemas. Everything here is pure (no database).
"""

from __future__ import annotations

from schemashift.diff import steps as st
from schemashift.diff.differ import diff
from schemashift.dialects import Dialect, get_dialect
from schemashift.lower import lower_source
from schemashift.lower.rules import rules_for
from schemashift.model import Schema

__all__ = ["diff_schemas", "plan", "empty_schema"]


def empty_schema(provider: str) -> Schema:
    return Schema(default_namespace=rules_for(provider).default_namespace)


def plan(from_src: str | None, to_src: str, provider: str | None = None) -> tuple[list[st.Step], Dialect]:
    """The ordered steps from ``from_src`` (None: the empty database) to ``to_src``."""
    to_schema = lower_source(to_src, provider)
    if provider is None:
        from schemashift.lower import provider_of

        provider = provider_of(to_src)
    from_schema = lower_source(from_src, provider) if from_src is not None else empty_schema(provider)
    dialect = get_dialect(provider)
    return diff(from_schema, to_schema, dialect), dialect


def diff_schemas(from_src: str | None, to_src: str, provider: str | None = None) -> str:
    """The migration script Prisma's ``migrate diff --script`` prints for these schemas."""
    steps, dialect = plan(from_src, to_src, provider)
    return dialect.render_script(steps)
