"""``schemashift check``: thin glue over :mod:`schemashift.check`."""

from __future__ import annotations

from pathlib import Path

import click

from schemashift.check.checks import CHECKS
from schemashift.check.output import FORMATS
from schemashift.commands import schema_loaded, schema_option

_IDS = tuple(check_id for check_id, _, _ in CHECKS)


@click.command()
@schema_option
@click.option("--url", metavar="URL", default=None,
              help="The database to deploy to (default: the datasource's URL, when it is set).")
@click.option("--shadow-database-url", metavar="URL", default=None,
              help="Replay the migrations here (default: the datasource's shadowDatabaseUrl, else a temporary database).")
@click.option("--since", metavar="REF", default=None, help="Lint only the migrations added or changed since this git ref.")
@click.option("--backups", "backups", metavar="DIR", default="backups", show_default=True, help="Folder of the backups.")
@click.option("--max-backup-age", metavar="DURATION", default=None,
              help="Require a backup of the target younger than this (e.g. 30min, 24h); without it the backup check is skipped.")
@click.option("--only", "only", multiple=True, type=click.Choice(_IDS), metavar="CHECK",
              help=f"Run only this check (repeatable): {', '.join(_IDS)}.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def check(
    schema: str | None, url: str | None, shadow_database_url: str | None, since: str | None, backups: str,
    max_backup_age: str | None, only: tuple[str, ...], strict: bool, fmt: str,
) -> None:
    """The pre-deployment checklist: exit 0 when no check fails, 1 when one does (see docs/ci.md)."""
    from datetime import timedelta

    from schemashift.check import CheckOptions, run_checks
    from schemashift.check.output import render
    from schemashift.config import load_project
    from schemashift.errors import SchemashiftError, UsageError
    from schemashift.settings import parse_duration_ms

    age = None
    if max_backup_age is not None:
        try:
            age = timedelta(milliseconds=parse_duration_ms(max_backup_age, "--max-backup-age"))
        except SchemashiftError as exc:  # a usage error: exit 2
            raise UsageError(exc.message) from None
    project = load_project(schema)
    schema_loaded(project)
    options = CheckOptions(schema=schema, url=url, shadow_database_url=shadow_database_url, since=since,
                           backups=Path(backups), max_backup_age=age, strict=strict)
    report = run_checks(options, only, project)
    click.echo(render(report, fmt), nl=False)
    if report.exit_code:
        click.get_current_context().exit(report.exit_code)
