"""Semantic validation of a parsed schema, with Prisma's rules and messages.

The passes run in this order, each a module with ``run(ctx: Context) -> None``; a pass is skipped
only when its module does not exist yet. As in Prisma 6.19's parser-database, name, type,
attribute and relation resolution all run even after errors; the ``checks`` pass (psl-core's
validation pipeline) runs only on a schema without errors.
"""

from __future__ import annotations

import importlib

from schemashift.diagnostics import Diagnostics
from schemashift.psl import ast
from schemashift.psl.validator.context import Context

PASSES = ("names", "relation_fields", "attributes", "relations", "checks")


def validate_ast(schema: ast.SchemaAst, diags: Diagnostics) -> Context:
    ctx = Context(ast=schema, diags=diags)
    for name in PASSES:
        try:
            module = importlib.import_module(f"schemashift.psl.validator.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"schemashift.psl.validator.{name}":
                continue
            raise
        module.run(ctx)
    return ctx
