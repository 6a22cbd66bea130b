"""The schema engine's library API: schema text(s) -> model -> steps -> SQL script.

``diff_schemas(None, to_src)`` is ``prisma migrate diff --from-empty --to-schema-datamodel
--script``; with a ``from_src`` it diffs two schemas. Everything here is pure (no database).
"""

from __future__ import annotations

from schemashift.diff import steps as st
from schemashift.diff.differ import diff
from schemashift.dialects import Dialect, get_dialect
from schemashift.lower import lower_schema, parse_checked, provider_of
from schemashift.lower.rules import rules_for
from schemashift.model import Schema
from schemashift.psl import gc_paused

__all__ = ["diff_schemas", "plan", "empty_schema"]


def empty_schema(provider: str) -> Schema:
    return Schema(default_namespace=rules_for(provider).default_namespace)


def plan(
    from_src: str | None, to_src: str | None, provider: str | None = None
) -> tuple[list[st.Step], Dialect]:
    """The ordered steps from ``from_src`` to ``to_src`` (None: the empty database), and the
    dialect to render them with."""
    with gc_paused():
        return _plan(from_src, to_src, provider)


def _plan(from_src: str | None, to_src: str | None, provider: str | None) -> tuple[list[st.Step], Dialect]:
    from_ast = parse_checked([("schema.prisma", from_src)]) if from_src is not None else None
    to_ast = parse_checked([("schema.prisma", to_src)]) if to_src is not None else None
    if provider is None:
        source_ast = to_ast or from_ast
        if source_ast is None:
            raise ValueError("diffing the empty schema to itself needs a provider")
        provider = provider_of(source_ast)
    from_schema = lower_schema(from_ast, provider) if from_ast is not None else empty_schema(provider)
    to_schema = lower_schema(to_ast, provider) if to_ast is not None else empty_schema(provider)
    dialect = get_dialect(provider, **({"target_is_empty": True} if to_ast is None else {}))
    return diff(from_schema, to_schema, dialect), dialect


def diff_schemas(from_src: str | None, to_src: str | None, provider: str | None = None) -> str:
    """The migration script Prisma's ``migrate diff --script`` prints for these schemas
    (``None``: ``--from-empty`` / ``--to-empty``)."""
    steps, dialect = plan(from_src, to_src, provider)
    with gc_paused():
        return dialect.render_script(steps)
