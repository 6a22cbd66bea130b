"""Semantic validation of a parsed schema, with Prisma's rules and messages.

The passes run in this order, each a module with ``run(ctx: Context) -> None``; a pass is skipped
only when its module does not exist yet. After the ``names`` pass, later passes run only on a
schema whose names resolved, as prisma-engines stops after name/type resolution errors.
"""

from __future__ import annotations

import importlib

from schemashift.diagnostics import Diagnostics
from schemashift.psl import ast
from schemashift.psl.validator.context import Context

PASSES = ("names", "attributes", "relations", "checks")
PARSER_DATABASE_PASSES = ("attributes", "relations")


def validate_ast(schema: ast.SchemaAst, diags: Diagnostics) -> Context:
    ctx = Context(ast=schema, diags=diags)
    names_failed = False
    for name in PASSES:
        if name in PARSER_DATABASE_PASSES and names_failed:
            continue  # parser-database returns early after name and type resolution errors
        try:
            module = importlib.import_module(f"schemashift.psl.validator.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"schemashift.psl.validator.{name}":
                continue
            raise
        module.run(ctx)
        if name == "names":
            names_failed = ctx.diags.has_errors()
    return ctx
