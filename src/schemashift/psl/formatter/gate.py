"""Would Prisma's parser database report errors for these files?

``prisma format`` adds missing relation bits only when ``ParserDatabase::new`` succeeds without
errors (parsing, names, types, attributes, relations; not psl-core's later validation pipeline, which
is where a missing back-relation field is an error). Our validator runs the same stages as its
passes before ``checks``, so those passes answer the question exactly as the validator does.
"""

from __future__ import annotations

import importlib
from typing import Sequence

_LATER_STAGES = ("checks",)


def parser_database_has_errors(files: Sequence[tuple[str, str]]) -> bool | None:
    """True/False, or None when the validator is not usable (the caller then decides alone)."""
    try:
        from schemashift.psl.parser import parse_files
        from schemashift.psl.validator import PASSES
        from schemashift.psl.validator.context import Context

        schema, diags = parse_files(files)
        ctx = Context(ast=schema, diags=diags)
        for name in PASSES:
            if name in _LATER_STAGES:
                continue
            try:
                module = importlib.import_module(f"schemashift.psl.validator.{name}")
            except ModuleNotFoundError as exc:
                if exc.name == f"schemashift.psl.validator.{name}":
                    continue
                raise
            module.run(ctx)
        return diags.has_errors()
    except Exception:  # noqa: BLE001 - formatting must never fail because another stage does
        return None
