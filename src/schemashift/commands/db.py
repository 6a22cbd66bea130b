"""``schemashift db ...``: push, execute, seed (schema-to-database without migrations)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from schemashift.commands import info, schema_option
from schemashift.commands.migrate import _open, allow_production_option, retired_force_option, url_override_option
from schemashift.commands.output import emit, json_option

if TYPE_CHECKING:
    from schemashift.api import PullResult
    from schemashift.migrations.project import MigrateProject


@click.group()
def db() -> None:
    """Work with the database directly: push, execute, seed."""


@db.command()
@schema_option
@click.option("--accept-data-loss", is_flag=True, help="Ignore data loss warnings.")
@click.option("--force-reset", is_flag=True, help="Reset the database before syncing it with the schema.")
@click.option("--skip-generate", is_flag=True, help="Skip triggering generators (e.g. the client).")
@url_override_option
@allow_production_option
@retired_force_option("db push")
@json_option
def push(
    schema: str | None, accept_data_loss: bool, force_reset: bool, skip_generate: bool, allow_production: bool,
    as_json: bool, url: str | None = None,
) -> None:
    """Push the state of the schema to the database without migrations (prototyping)."""
    import time

    from schemashift.commands.ui import ClickUI
    from schemashift.migrations.dev import db_push

    start = time.perf_counter()
    mp = _open(schema, url)
    if force_reset:
        mp.guard_production("reset the database (db push --force-reset)", allow_production)
    # db_push's `force` is the guard's override of the reset it offers: --allow-production only
    changes = db_push(
        mp, ClickUI(), accept_data_loss=accept_data_loss, force_reset=force_reset, force=allow_production
    )
    ms = round((time.perf_counter() - start) * 1000)
    if as_json:
        emit({"changed": bool(changes), "reset": force_reset, "milliseconds": ms})
        return
    if force_reset:
        click.echo("The database was successfully reset.")
    if changes:
        click.echo(f"🚀  Your database is now in sync with your Prisma schema. Done in {ms}ms")
    else:
        click.echo("The database is already in sync with the Prisma schema.")


@db.command()
@schema_option
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False), help="Path to a SQL file to execute.")
@click.option("--stdin", "use_stdin", is_flag=True, help="Read the SQL script from standard input.")
@click.option("--url", default=None, help="The URL of the database to run against (instead of --schema's).")
def execute(schema: str | None, file: str | None, use_stdin: bool, url: str | None) -> None:
    """Execute a SQL script against the database (in a transaction where possible)."""
    from schemashift.connectors import connect
    from schemashift.errors import UsageError, read_text

    if bool(file) == bool(use_stdin):
        raise UsageError("Either --stdin or --file must be provided (and only one of them).")
    if url and schema:
        raise UsageError("--url and --schema cannot be used together.")
    script = read_text(file, "the SQL script ") if file else sys.stdin.read()
    if url:
        conn = connect(url)
    else:
        conn = _open(schema).connect()
    with conn:
        from schemashift.migrations import engine

        engine.apply_script(conn, script)
    click.echo("Script executed successfully.")


@db.command()
@schema_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[-- ARGS...]")
def seed(schema: str | None, args: tuple[str, ...]) -> None:
    """Run the seed command (prisma.config.ts, `[tool.schemashift] seed`, package.json's
    `prisma.seed`, or prisma/seed.py); `db seed -- ARGS` passes ARGS on to it."""
    from schemashift.config import load_project
    from schemashift.errors import SchemashiftError
    from schemashift.seed import find_seed, run_seed

    project = load_project(schema)
    command = find_seed(project.cwd, project.schema.directory)
    if command is None:
        raise SchemashiftError(
            "No seed command configured. Add `seed = \"python prisma/seed.py\"` under "
            "[tool.schemashift] in pyproject.toml, or create prisma/seed.py."
        )
    if project.env_files:
        info("Environment variables loaded from .env")
    run_seed(command, project.cwd, echo=click.echo, args=args)


_EMPTY_DATABASE_HELP = """P4001 The introspected database was empty:

schemashift db pull could not create any models in your {name} file and you will not be able to \
generate Prisma Client with the prisma generate command.

To fix this, you have two options:

- manually create a table in your database.
- make sure the database connection URL inside the datasource block in {name} points to a database \
that is not empty (it must contain at least one table).

Then you can run schemashift db pull again."""


def _locale_key(path: str) -> tuple[str, str]:
    """Close to JavaScript's ``localeCompare`` (Prisma sorts the files with it) for file names:
    letters compare case-insensitively first, then a lower-case letter before its capital."""
    return (path.casefold(), path.swapcase())


def _write_pulled(mp: MigrateProject, result: PullResult, force: bool) -> None:
    """Write what ``db pull`` introspected: each file of a schema folder back to its own file
    (new models into ``introspected.prisma``), or the one schema file."""
    from pathlib import Path

    if force and result.files:  # Prisma 7 deletes the folder's files before writing its result (one file)
        for old in mp.project.schema.files():
            old.unlink()
    for name, text in result.files or [(str(mp.project.schema.files()[0]), result.schema)]:
        Path(name).write_text(text, encoding="utf-8")


@db.command()
@schema_option
@click.option("--print", "print_", is_flag=True, help="Print the introspected schema to stdout instead of writing it.")
@click.option("--force", is_flag=True, help="Ignore the current schema's models (keep only its datasource/generators).")
@click.option("--url", default=None, help="The URL of the database to introspect (instead of the datasource's).")
@json_option
def pull(schema: str | None, print_: bool, force: bool, url: str | None, as_json: bool) -> None:
    """Introspect the database and write (or print) the Prisma schema (`db pull`)."""
    import os
    import time
    from pathlib import Path

    from schemashift.api import pull_of
    from schemashift.errors import SchemashiftError

    from schemashift.commands import progressbar

    start = time.perf_counter()
    mp = _open(schema, url)
    try:
        with progressbar.on_terminal():
            result = pull_of(mp, force)
    except SchemashiftError as exc:
        if exc.code == "P4001":
            name = Path(mp.project.schema.display).name
            raise SchemashiftError(_EMPTY_DATABASE_HELP.format(name=name)) from None
        raise
    if as_json:
        if not print_:
            _write_pulled(mp, result, force)
        emit(
            {
                "schema": result.schema,
                "files": [{"path": path, "schema": text} for path, text in result.files],
                # the schema file, or the schema folder (its files: `files`)
                "written": None if print_ else str(mp.project.schema.path),
                "models": result.models,
                "enums": result.enums,
                "warnings": [{"kind": w.kind, "message": w.message, "items": list(w.items)} for w in result.warnings],
            }
        )
        return
    if print_:
        # as Prisma 7 prints it: the schema and a newline (a folder: each file under a `// path`
        # line, files sorted by path), then the empty line its CLI ends every command with
        if len(result.files) > 1:
            for path, text in sorted(result.files, key=lambda f: _locale_key(f[0])):
                click.echo(f"// {os.path.relpath(path)}\n{text}")
        else:
            click.echo(result.files[0][1] if result.files else result.schema)
        click.echo()
        if result.warnings_commented:
            click.echo("\n" + result.warnings_commented, err=True, nl=False)
        return
    _write_pulled(mp, result, force)
    ms = round((time.perf_counter() - start) * 1000)
    what = f"{result.models} model{'s' if result.models != 1 else ''}"
    if result.enums:
        what += f" and {result.enums} enum{'s' if result.enums != 1 else ''}"
    click.echo(f"\n- Introspecting based on datasource defined in {mp.project.schema.display}")
    click.echo(f"✔ Introspected {what} and wrote them into {mp.project.schema.display} in {ms}ms\n")
    if result.warnings_text:
        click.echo(result.warnings_text)
