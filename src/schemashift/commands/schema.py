"""``schemashift validate`` and ``schemashift format``: the schema commands that need no database."""

from __future__ import annotations

import time
from typing import Any

import click

from schemashift.commands import open_project, schema_option, stderr_color
from schemashift.commands.output import emit, json_option
from schemashift.errors import SchemashiftError


def _elapsed(start: float) -> str:
    ms = round((time.perf_counter() - start) * 1000)
    return f"{ms}ms" if ms < 1000 else f"{ms / 1000:.2f}s"


@click.command()
@schema_option
@json_option
def validate(schema: str | None, as_json: bool) -> None:
    """Validate the Prisma schema (exit 0 valid, 1 invalid)."""
    from schemashift.psl import analyze_files, gc_paused

    project = open_project(schema)
    if as_json:
        from schemashift.api import validate_of

        result = validate_of(project)
        emit(
            {
                "schema": result.schema,
                "valid": result.valid,
                "diagnostics": [d.as_dict() for d in result.diagnostics],
            }
        )
        if not result.valid:
            click.get_current_context().exit(1)
        return
    files = project.read()
    with gc_paused():  # the cyclic GC stays off while the AST and the context are alive
        _validate(project, files, analyze_files(files))


def _validate(project: Any, files: list[tuple[str, str]], analyzed: Any) -> None:
    """Report the result of ``analyze_files`` (its AST and context are freed on return)."""
    from schemashift.config import resolve_datasource
    from schemashift.errors import (
        NoDatasourceError,
        SchemaValidationError,
        UnsupportedProviderError,
        render_diagnostics,
    )

    schema_ast, _, diags = analyzed
    if diags.has_errors():
        raise SchemaValidationError(files, diags.all())
    if diags.warnings:
        color = stderr_color()
        click.echo(render_diagnostics(files, diags.warnings, color=color), err=True, nl=False, color=color)
    from schemashift.psl.validator.config import datasource_url

    try:
        if datasource_url(schema_ast) is not None:  # Prisma 7's schemas without url: no URL to check
            resolve_datasource(files, schema_ast)
    except (NoDatasourceError, UnsupportedProviderError):
        pass  # valid for Prisma: no datasource (nothing to connect to), or one schemashift cannot migrate
    click.echo(f"The schema at {project.schema.display} is valid 🚀")


@click.command("format")
@schema_option
@click.option("--check", is_flag=True, help="Only check: exit 1 when a file is not formatted; write nothing.")
def format_(schema: str | None, check: bool) -> None:
    """Format the Prisma schema in place (or check it with --check)."""
    from schemashift.errors import SchemaValidationError
    from schemashift.psl import format_files, validate_files

    start = time.perf_counter()
    project = open_project(schema)
    files = project.read()
    formatted = format_files(files)
    diagnostics = validate_files(formatted)
    if any(d.is_error for d in diagnostics):
        raise SchemaValidationError(formatted, diagnostics)
    before = dict(files)
    changed = [(name, text) for name, text in formatted if before.get(name) != text]
    if check:
        if changed:
            names = "\n".join(f"  {name}" for name, _ in changed)
            raise SchemashiftError(f"There are unformatted files. Run `schemashift format` to format them.\n{names}")
        click.echo("All files are formatted correctly!")
        return
    paths = dict(zip((name for name, _ in files), project.schema.files()))
    for name, text in changed:
        try:
            paths[name].write_text(text, encoding="utf-8")
        except OSError as exc:
            from schemashift.errors import file_error

            raise file_error(paths[name], exc, "write") from None
    click.echo(f"Formatted {project.schema.display} in {_elapsed(start)} 🚀")
