"""Round trip of the conformance corpus through a live database and `db pull`.

For a schema: create the database from it (the diff empty -> schema, rendered and executed),
pull it twice (fresh, like ``db pull --force``, and as a re-introspection of the schema itself),
and compare: the pulled schemas must lower to the same model as the original (no diff), and
the share whose text equals the formatted original is recorded.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemashift.connectors.base import Connector

CORPUS = "/work/shared/conformance/migrations-postgres/*/*/to.prisma"


def corpus() -> list[Path]:
    return [Path(p) for p in sorted(glob.glob(CORPUS))]


@dataclass
class RoundTrip:
    lowered: bool  # the schema lowers for the provider (else the case does not apply)
    fresh_diff: list[str]
    reintrospected_diff: list[str]
    fresh_equal: bool
    reintrospected_equal: bool
    skipped_reason: str | None = None


_PROVIDER_LINE = re.compile(r'provider\s*=\s*"postgres(ql)?"')


def for_provider(text: str, provider: str) -> str:
    """The corpus schema with its datasource moved to ``provider`` (PostgreSQL: unchanged)."""
    if provider == "postgresql":
        return text
    return _PROVIDER_LINE.sub(f'provider = "{provider}"', text, count=1)


def round_trip(source: str, conn: "Connector", provider: str) -> RoundTrip:
    """The round trip of one schema on ``conn`` (an empty database)."""
    from schemashift import psl
    from schemashift.connectors import DatabaseError
    from schemashift.errors import SchemashiftError
    from schemashift.introspect import introspect, read_extras
    from schemashift.lower import lower_source
    from schemashift.migrations import engine
    from schemashift.model import Schema

    files = [("schema.prisma", source)]
    try:
        target = engine.target_schema(files, provider)
    except (SchemashiftError, ValueError) as exc:
        return RoundTrip(False, [], [], False, False, f"does not lower: {str(exc).splitlines()[0][:80]}")
    if target.namespaces:
        return RoundTrip(False, [], [], False, False, "multiSchema (db pull of one schema only)")
    script = engine.render(engine.diff(Schema(), target, engine.dialect_for(provider)), engine.dialect_for(provider))
    try:
        for ext in target.extensions:
            conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{ext.name}"')
        engine.apply_script(conn, script)
    except DatabaseError as exc:
        return RoundTrip(False, [], [], False, False, f"cannot be created here: {str(exc).splitlines()[0][:80]}")
    described = engine.describe(conn)
    extras = read_extras(conn)
    fresh = introspect(described, provider, files, force=True, extras=extras).text
    again = introspect(described, provider, files, force=False, extras=extras).text

    def diff(text: str) -> list[str]:
        pulled = lower_source(text, provider)
        return [type(s).__name__ for s in engine.diff(target, pulled, engine.dialect_for(provider))]

    formatted = _generators_first(psl.format(source))
    return RoundTrip(True, diff(fresh), diff(again), fresh == formatted, again == formatted)


def _generators_first(text: str) -> str:
    """``text`` with its generator blocks, then its datasource blocks, at the top: where Prisma 7's
    db pull writes them, whatever order the schema had."""
    from schemashift import psl
    from schemashift.psl import ast

    schema_ast, _ = psl.parse_files([("schema.prisma", text)])
    tops = schema_ast.tops()
    configs = [t for t in tops if isinstance(t, ast.GeneratorConfig)] + [t for t in tops if isinstance(t, ast.SourceConfig)]
    if not configs:
        return text
    rest, last = [], 0
    for top in sorted(configs, key=lambda t: t.span.start):
        rest.append(text[last : top.span.start])
        last = top.span.end
    rest.append(text[last:])
    blocks = [text[t.span.start : t.span.end] for t in configs]
    body = "".join(rest).strip("\n")
    return psl.format("\n\n".join(blocks) + ("\n\n" + body if body else "") + "\n")
