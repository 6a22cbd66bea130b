"""``schemashift generate``: write the typed Python client (``generator { provider = "schemashift-py" }``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from schemashift.commands import open_project, schema_option, stderr_color


def warn(message: str) -> None:
    """A warning on stderr, labelled as the Prisma CLI labels its own."""
    label = click.style("warn", fg="yellow") if stderr_color() else "warn"
    click.echo(f"{label} {message}", err=True)


def run_generate(project: object, echo: bool = True, required: bool = True) -> int:
    """Generate every ``schemashift-py`` client of the project's schema; the number written.

    ``required=False`` (the hooks of ``migrate dev``/``reset``) skips a schema without one. A
    generator block of another provider is never skipped in silence: each is named on stderr."""
    from schemashift.errors import SchemashiftError
    from schemashift.generate import PRISMA_PY_PROVIDERS, PROVIDER, find_generators, generate, skipped_generators
    from schemashift.psl import parse_files

    files = project.read()  # type: ignore[attr-defined]
    schema_dir: Path = project.schema.directory  # type: ignore[attr-defined]
    schema_ast, _ = parse_files(files)
    generators = find_generators(schema_ast, schema_dir)
    skipped = skipped_generators(schema_ast)
    for name, provider in skipped:
        warn(
            f"The generator `{name}` (provider `{provider}`) was not run: schemashift runs only "
            f"`{PROVIDER}` and `{PRISMA_PY_PROVIDERS[0]}` generators; run it with its own tool (e.g. `npx prisma generate`)."
        )
    if not generators:
        if not required:
            return 0
        raise SchemashiftError(
            f"No `{PROVIDER}` (or `{PRISMA_PY_PROVIDERS[0]}`) generator in the schema. Add one:\n\n"
            f'generator client {{\n  provider = "{PROVIDER}"\n}}'
        )
    start = time.perf_counter()
    source = getattr(project, "client_url_source", None)  # prisma.config.ts's URL wins, as for every command
    results = generate(files, schema_dir, generators, source() if source is not None else None)
    ms = int((time.perf_counter() - start) * 1000)
    if echo:
        cwd = Path.cwd()
        for r in results:
            try:
                shown = os.path.relpath(r.output, cwd)
            except ValueError:
                shown = str(r.output)
            kind = "the prisma-client-py compatible client" if r.flavor != PROVIDER else "the schemashift Python client"
            click.echo(f"✔ Generated {kind} ({r.models} models) to ./{shown} in {ms}ms")
    return len(results)


@click.command()
@schema_option
def generate(schema: str | None) -> None:
    """Generate the typed Python client from the schema's `schemashift-py` generator."""
    run_generate(open_project(schema))


def hook(schema_dir_project: object) -> None:
    """For ``migrate dev``/``migrate reset``: regenerate when the schema has a client generator."""
    run_generate(schema_dir_project, required=False)
