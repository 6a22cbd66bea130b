"""``db pull``: a live database -> a Prisma schema (introspection), Prisma's rendering and naming.

    pull(conn, files=None, force=False) -> PullResult
        describe the database, merge with the existing schema (re-introspection), render.
    introspect(schema, provider, files=None, force=False, extras=None) -> PullResult
        the pure part: a described :class:`~schemashift.model.Schema` -> PSL text.

The existing schema (``files``) contributes its datasource and generator blocks verbatim and,
unless ``force``, the names, ``@map``s, relation names, documentation and order of the models,
fields and enums that still match the database (see :mod:`.previous`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

from schemashift.connectors.base import Connector
from schemashift.introspect.calculate import InconsistentSchemaError, Introspected, calculate
from schemashift.introspect.config import render_datasource, render_generator
from schemashift.introspect.extras import Extras, read_extras
from schemashift.introspect.previous import Previous, read_previous
from schemashift.introspect.warnings import Warnings
from schemashift.model import Schema
from schemashift.psl import ast

__all__ = ["PullResult", "EmptyDatabaseError", "InconsistentSchemaError", "introspect", "pull", "read_extras", "Warnings", "Extras", "Previous"]

#: where re-introspection of a schema folder writes the models and enums it did not have
NEW_MODELS_FILE = "introspected.prisma"

EMPTY_DATABASE_MESSAGE = "The introspected database was empty: "


class EmptyDatabaseError(Exception):
    """Prisma's P4001: nothing to introspect."""

    code = "P4001"


@dataclass
class PullResult:
    text: str
    warnings: Warnings
    models: int
    enums: int
    introspected: Introspected
    # (path, text) per file when the existing schema is a folder of several files (Prisma 7 writes
    # each model and enum back to its file, new ones to ``introspected.prisma``); empty otherwise
    files: list[tuple[str, str]] = field(default_factory=list)


_PROVIDER_NAMES = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}


def _default_config(provider: str) -> list[str]:
    return [f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}']


def introspect(
    schema: Schema,
    provider: str,
    files: Sequence[tuple[str, str]] | None = None,
    force: bool = False,
    extras: Extras | None = None,
) -> PullResult:
    from schemashift.lower.rules import rules_for

    provider = _PROVIDER_NAMES.get(provider, provider)
    limit = rules_for(provider).max_identifier_length
    previous = Previous()
    datasource_name = "db"
    if files:
        from schemashift.psl import parse_files

        schema_ast, _ = parse_files(files)
        previous = read_previous(schema_ast, provider, limit)
        if schema_ast.datasources():
            datasource_name = schema_ast.datasources()[0].name.name
        if force:
            previous = Previous(
                config_nodes=previous.config_nodes,
                config_files=previous.config_files,
                files=previous.files,
                relation_mode_prisma=previous.relation_mode_prisma,
                prisma7=previous.prisma7,
            )
    result = calculate(schema, provider, previous, extras, datasource_name)
    if result.is_empty:
        raise EmptyDatabaseError(EMPTY_DATABASE_MESSAGE)
    config = [
        render_generator(node, source, result.partial_indexes)
        if isinstance(node, ast.GeneratorConfig)
        else render_datasource(node, source)
        for node, source in previous.config_nodes
    ] or _default_config(provider)
    text = result.render(config)
    out_files: list[tuple[str, str]] = []
    if len(previous.files) > 1:
        folder = os.path.commonpath([os.path.dirname(f) for f in previous.files])
        new_file = os.path.join(folder, NEW_MODELS_FILE)
        if force:  # Prisma 7: everything, datasource and generators too, into the one new file
            out_files = result.render_files(config, [new_file] * len(config), [], new_file)
        else:
            out_files = result.render_files(config, previous.config_files, previous.files, new_file)
    return PullResult(text, result.warnings, len(result.models), len(result.enums), result, out_files)


def pull(conn: Connector, files: Sequence[tuple[str, str]] | None = None, force: bool = False) -> PullResult:
    from schemashift import progress
    from schemashift.connectors.describe import describe

    with progress.task(f"Introspecting `{conn.url.database}`", 3, "steps") as t:
        t.advance(0, "describing the database")
        namespaces = _namespaces(files) if conn.provider == "postgresql" else ()
        schema = describe(conn, namespaces=namespaces)
        t.advance(1, f"{len(schema.tables)} tables described; reading comments and extras")
        provider = conn.dialect.datasource_provider  # CockroachDB: "cockroachdb" (a postgresql:// URL)
        extras = read_extras(conn, namespaces)
        t.advance(1, "writing the schema")
        result = introspect(schema, provider, files, force, extras)
        t.advance(1, "done")
    return result


def _namespaces(files: Sequence[tuple[str, str]] | None) -> tuple[str, ...]:
    """The existing schema's multi-schema ``schemas`` (PostgreSQL): every one is introspected."""
    if not files:
        return ()
    from schemashift.migrations.engine import schema_namespaces
    from schemashift.psl import parse_files

    return schema_namespaces(parse_files(files)[0])
