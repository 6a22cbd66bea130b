"""Prisma schema language front end: parser, validator, formatter, renderer.

Stable library API (the conformance checks use it):

- ``parse(source, path="schema.prisma") -> (SchemaAst, Diagnostics)``
- ``parse_files([(path, source), ...]) -> (SchemaAst, Diagnostics)`` for a ``prisma/schema/`` folder
- ``validate(source) -> list[Diagnostic]``: warnings first, then errors; each with ``line``
- ``validate_files([(path, source), ...]) -> list[Diagnostic]``
- ``render(source, diagnostics, file_name="schema.prisma", color=False) -> str``
- ``format(source) -> str`` and ``format_files([(path, source), ...]) -> list[(path, text)]``
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from schemashift.diagnostics import Diagnostic, Diagnostics

# Loaded first: importing the submodule later would rebind the package attribute `render`
# (the function below) to the module.
from schemashift.psl import render as _render_module

if TYPE_CHECKING:
    from schemashift.psl.ast import SchemaAst
    from schemashift.psl.validator.context import Context

__all__ = [
    "parse",
    "parse_files",
    "validate",
    "validate_files",
    "analyze_files",
    "render",
    "format",
    "format_files",
]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while the AST and the validator's tables are built: they are large,
    fresh and long-lived, and each full collection would rescan all of them for nothing (on a
    1,000-model schema that is a third of the validation time). Nested use is fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_gc_paused = gc_paused


def parse(source: str, path: str = "schema.prisma") -> tuple["SchemaAst", Diagnostics]:
    return parse_files([(path, source)])


def parse_files(files: Sequence[tuple[str, str]]) -> tuple["SchemaAst", Diagnostics]:
    from schemashift.psl.parser import parse_files as _parse_files

    return _parse_files(files)


def analyze_files(files: Sequence[tuple[str, str]]) -> tuple["SchemaAst", "Context", Diagnostics]:
    """Parse and validate; the returned context holds the resolved names for later stages."""
    from schemashift.psl.validator import validate_ast

    with _gc_paused():
        schema, diags = parse_files(files)
        ctx = validate_ast(schema, diags)
    return schema, ctx, diags


def _with_lines(diags: list[Diagnostic], sources: Sequence[str]) -> list[Diagnostic]:
    out = []
    for d in diags:
        src = sources[d.span.file_id] if d.span.file_id < len(sources) else ""
        out.append(replace(d, line=src.count("\n", 0, d.span.start) + 1))
    return out


def _validate_files(files: Sequence[tuple[str, str]]) -> list[Diagnostic]:
    _, _, diags = analyze_files(files)
    return _with_lines(diags.all(), [s for _, s in files])


def validate_files(files: Sequence[tuple[str, str]]) -> list[Diagnostic]:
    with _gc_paused():
        # the AST and the context die with _validate_files' frame, before the GC resumes: it
        # would otherwise scan them all once
        return _validate_files(files)


def validate(source: str) -> list[Diagnostic]:
    return validate_files([("schema.prisma", source)])


def render(
    source: str,
    diagnostics: Sequence[Diagnostic],
    file_name: str = "schema.prisma",
    color: bool = False,
) -> str:
    return _render_module.render_diagnostics(source, diagnostics, file_name=file_name, color=color)


def format(source: str) -> str:  # noqa: A001 - the API name the brief asks for
    from schemashift.psl.formatter import format_files as _format_files

    with _gc_paused():
        return _format_files([("schema.prisma", source)])[0][1]


def format_files(files: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    from schemashift.psl.formatter import format_files as _format_files

    with _gc_paused():
        return _format_files(files)
