"""``schemashift backup create | list | restore | prune``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from schemashift.commands import schema_option
from schemashift.commands.migrate import _open, allow_production_option
from schemashift.commands.output import emit, json_option

if TYPE_CHECKING:
    from schemashift.api import BackupInfo
    from schemashift.connectors.url import ConnectionUrl
    from schemashift.migrations.project import MigrateProject

DEFAULT_DIR = "backups"


def current_migration(url: ConnectionUrl) -> str | None:
    """The newest migration applied to ``url`` (None: no database, no history)."""
    from schemashift.api import current_migration as newest

    return newest(url)


def take_backup(mp: MigrateProject, directory: Path, label: str | None = None) -> BackupInfo:
    from schemashift.api import backup_of

    return backup_of(mp, directory, label)


@click.group()
def backup() -> None:
    """Back up, list, restore and prune database backups (7 daily / 4 weekly / 12 monthly)."""


@backup.command()
@schema_option
@click.option("-o", "--output", default=DEFAULT_DIR, show_default=True, help="Folder of the backups.")
@click.option("--label", default=None, help="A label added to the file name (e.g. before_release_42).")
@json_option
def create(schema: str | None, output: str, label: str | None, as_json: bool) -> None:
    """Back up the datasource's database."""
    from schemashift.commands import progressbar

    mp = _open(schema)
    with progressbar.on_terminal():
        entry = take_backup(mp, Path(output), label)
    if as_json:
        emit({"backup": entry.as_dict()})
        return
    click.echo(f"Backup written: {Path(output) / entry.file} ({entry.size} bytes, sha256 {entry.sha256[:12]}...)")
    if entry.migration:
        click.echo(f"The database was at migration {entry.migration}.")


@backup.command("list")
@click.option("-o", "--output", default=DEFAULT_DIR, show_default=True, help="Folder of the backups.")
@json_option
def list_(output: str, as_json: bool) -> None:
    """List the backups of the manifest, oldest first."""
    from schemashift.api import backup_list

    entries = backup_list(output)
    if as_json:
        emit({"directory": output, "backups": [e.as_dict() for e in entries]})
        return
    if not entries:
        click.echo(f"No backups in {output}.")
        return
    for e in entries:
        label = f"  label={e.label}" if e.label else ""
        click.echo(f"{e.created_at}  {e.file}  {e.size} bytes  migration={e.migration or '-'}{label}")


@backup.command()
@schema_option
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--to-url", default=None, help="Restore into this database instead of the datasource's.")
@click.option(
    "--force", is_flag=True,
    help="Replace the contents of a non-empty database (backed up first, beside FILE).",
)
@click.option(
    "--no-verify", is_flag=True,
    help="Restore a file that has no checksum (no manifest entry, no FILE.sha256), with a warning.",
)
@allow_production_option
def restore(
    schema: str | None, file: str, to_url: str | None, force: bool, no_verify: bool, allow_production: bool
) -> None:
    """Restore a backup (its checksum is verified first: manifest.json or FILE.sha256)."""
    from schemashift.backup import restore_backup
    from schemashift.connectors import parse_url

    if to_url:
        url = parse_url(to_url)
    else:
        mp = _open(schema)
        mp.guard_production("restore a backup over the database", allow_production)
        url = mp.url
    from schemashift.commands import progressbar

    path = Path(file)
    with progressbar.on_terminal():
        done = restore_backup(
            path, url, force=force, copy_dir=path.parent, migration=lambda: current_migration(url),
            verify=not no_verify, warn=lambda text: click.echo(f"Warning: {text}", err=True),
        )
    if done.previous is not None:
        click.echo(f"Backup of the replaced contents written: {done.previous}")
    e = done.entry
    click.echo(f"Restored {e.file} into `{url.database}` (taken {e.created_at}, migration {e.migration or '-'}).")


@backup.command()
@click.option("-o", "--output", default=DEFAULT_DIR, show_default=True, help="Folder of the backups.")
@click.option("--daily", default=7, show_default=True, help="Days to keep the newest backup of.")
@click.option("--weekly", default=4, show_default=True, help="ISO weeks to keep the newest backup of.")
@click.option("--monthly", default=12, show_default=True, help="Months to keep the newest backup of.")
@click.option(
    "--keep-labelled-days", type=click.IntRange(min=0), default=None,
    help="Delete labelled backups older than this many days (default: [tool.schemashift] "
    "keep_labelled_days; unset: labelled backups are kept until deleted with --delete).",
)
@click.option(
    "--delete", "delete", multiple=True, metavar="FILE",
    help="Delete this backup whatever its label (repeatable; a file name from `backup list`).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be kept and deleted, and why; delete nothing.")
@json_option
def prune(
    output: str, daily: int, weekly: int, monthly: int, keep_labelled_days: int | None,
    delete: tuple[str, ...], dry_run: bool, as_json: bool,
) -> None:
    """Delete the backups the retention policy does not keep, saying what is kept and why.

    Unlabelled backups follow the 7 daily / 4 weekly / 12 monthly rotation. Labelled backups
    (--label, and those taken by deploy/rollback --backup and restore --force) are kept until
    named with --delete, or for keep_labelled_days days when that is set.
    """
    from schemashift.api import backup_prune
    from schemashift.settings import load_settings

    if keep_labelled_days is None:
        keep_labelled_days = load_settings().keep_labelled_days
    decisions = backup_prune(
        output, daily=daily, weekly=weekly, monthly=monthly, dry_run=dry_run, delete=delete,
        keep_labelled_days=keep_labelled_days,
    )
    if as_json:
        emit(
            {
                "directory": output,
                "dry_run": dry_run,
                "decisions": [
                    {"file": d.backup.file, "keep": d.keep, "reason": d.reason, "backup": d.backup.as_dict()}
                    for d in decisions
                ],
                "kept": sum(d.keep for d in decisions),
                "deleted": sum(not d.keep for d in decisions),
            }
        )
        return
    if not decisions:
        click.echo(f"No backups in {output}.")
        return
    for d in decisions:
        click.echo(f"{'keep  ' if d.keep else 'delete'}  {d.backup.file}: {d.reason}")
    kept = sum(d.keep for d in decisions)
    gone = len(decisions) - kept
    if dry_run:
        click.echo(f"{kept} to keep, {gone} to delete. Dry run: nothing was deleted.")
    else:
        click.echo(f"{kept} kept, {gone} deleted.")
