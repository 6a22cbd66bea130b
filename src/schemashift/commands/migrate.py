"""``schemashift migrate ...``: thin glue over :mod:`schemashift.migrations`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from schemashift.commands import config_option, info, schema_loaded, schema_option
from schemashift.commands.output import emit, human, json_option

if TYPE_CHECKING:
    from schemashift.migrations.project import MigrateProject


@click.group()
def migrate() -> None:
    """Create, apply and inspect migrations (Prisma Migrate's commands)."""


def _open(schema: str | None, url: str | None = None) -> MigrateProject:
    from schemashift.migrations.project import open_project

    mp = open_project(schema, url)
    schema_loaded(mp.project)
    info(mp.describe_target())
    return mp


#: ``migrate status --exit-code``: one code per state (docs/cli.md); 1 stays "error"
STATUS_EXIT_CODES = {"up_to_date": 0, "pending": 2, "failed": 3, "drift": 4, "unreachable": 5}


@migrate.command()
@schema_option
@json_option
@click.option(
    "--exit-code", "exit_code", is_flag=True,
    help="Exit with the state: 0 up to date, 2 pending, 3 failed, 4 drift (edited or unknown "
    "migrations), 5 database unreachable, 1 any other error.",
)
def status(schema: str | None, as_json: bool, exit_code: bool) -> None:
    """Show applied, pending, failed, edited and unknown migrations (exit 1 unless up to date)."""
    from schemashift.api import DatabaseUnreachable, status_of
    from schemashift.migrations.status import render_status

    mp = _open(schema)
    try:
        result = status_of(mp)
    except DatabaseUnreachable as exc:
        if exit_code:
            exc.exit_code = STATUS_EXIT_CODES["unreachable"]
        raise
    if as_json:
        emit(result.as_dict())
    else:
        click.echo(render_status(result.history, mp.migrations_display), nl=False)
        if result.pending_contract:
            click.echo(
                "\nPending contract migration(s) (`-- schemashift:contract`: `migrate deploy` applies them "
                "only with --contract):\n" + "\n".join(result.pending_contract)
            )
    if exit_code:
        click.get_current_context().exit(STATUS_EXIT_CODES[result.state])
    if not result.up_to_date:
        click.get_current_context().exit(1)


@migrate.command()
@schema_option
@click.option(
    "--backup", "backup_dir", is_flag=False, flag_value="backups", default=None, metavar="[DIR]",
    help="Back up the database first when there are pending migrations (default folder: backups).",
)
@click.option(
    "--lock-timeout", "lock_timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
    help="How long to wait for the migration lock held by another deploy (default: the "
    "migration_lock_timeout setting, else 10).",
)
@click.option(
    "--wait", "wait", is_flag=False, flag_value=60.0, type=click.FloatRange(min=0), default=None,
    metavar="[SECONDS]",
    help="Wait up to SECONDS (default 60) for a database server that is unreachable or still starting.",
)
@click.option(
    "--dry-run", is_flag=True,
    help="Show the migrations that would be applied, in order, with the linter's findings; change nothing.",
)
@click.option(
    "--contract", is_flag=True,
    help="Also apply contract migrations (-- schemashift:contract): run it once the previous "
    "application version is gone (docs/online.md).",
)
@json_option
def deploy(
    schema: str | None, backup_dir: str | None, lock_timeout: float | None, wait: float | None, dry_run: bool,
    as_json: bool, contract: bool = False,
) -> None:
    """Apply pending migrations (no prompts, no shadow database): for production and CI."""
    from schemashift.api import deploy_of

    from schemashift.commands import progressbar

    mp = _open(schema)
    with progressbar.on_terminal():  # a backup's and the migrations' progress line, at a terminal
        result = deploy_of(
            mp, dry_run=dry_run, backup_dir=backup_dir, lock_timeout=lock_timeout, wait=wait,
            progress=progressbar.echo, contract=contract,
        )
    if result.held and not as_json:
        click.echo(_held_message(result.held, result.dry_run), err=True)
    if as_json:
        emit(
            {
                "dry_run": result.dry_run,
                "migrations_found": result.found,
                "applied": list(result.applied),
                "migrations": [
                    {
                        "name": m.name,
                        "mode": m.mode,
                        "statements": m.statements,
                        "resume_at": m.resume_at,
                        "seconds": None if m.seconds is None else round(m.seconds, 6),
                        "findings": [f.as_dict() for f in m.findings],
                    }
                    for m in result.migrations
                ],
                "backup": None if result.backup is None else str(result.backup),
                "seconds": round(result.seconds, 6),
                "held_for_contract": list(result.held),
            }
        )
        return
    if dry_run:
        _print_dry_run(mp, result)
        return
    if not result.applied:
        click.echo("No pending migrations to apply." if not result.held else "No migration applied.")
        return
    click.echo("\nThe following migration(s) have been applied:\n")
    click.echo(f"{mp.migrations_display}/")
    for name in result.applied:
        click.echo(f"  └─ {name}/\n    └─ migration.sql")
    if not result.held:
        click.echo("\nAll migrations have been successfully applied.")


def _held_message(held: tuple[str, ...], dry_run: bool) -> str:
    """Why deploy stopped before a contract migration (exit code 0: the expand is deployed)."""
    verb = "Would stop" if dry_run else "Stopped"
    rest = f" It and the {len(held) - 1} migration(s) after it were not applied." if len(held) > 1 else ""
    return (
        f"{verb} before the contract migration `{held[0]}` (-- schemashift:contract): it removes what "
        f"the previous application version still uses.{rest} Once no instance of that version runs, "
        "apply it with `schemashift migrate deploy --contract`."
    )


def _print_dry_run(mp: MigrateProject, result: Any) -> None:
    n = result.found
    click.echo(f"{n} migration{'s' if n != 1 else ''} found in {mp.migrations_display}\n")
    if not result.migrations:
        click.echo("No pending migrations to apply.")
    else:
        click.echo("The following migration(s) would be applied, in this order:\n")
        for m in result.migrations:
            at = f", resumed at statement {m.resume_at}" if m.resume_at else ""
            click.echo(f"  {m.name}  ({m.statements} statement(s), {m.mode}{at})")
            for f in m.findings:
                click.echo(f"    {f.level} [{f.rule}] line {f.line}: {f.message}")
    click.echo("\nDry run: nothing was applied.")


@migrate.command()
@schema_option
@click.option("--applied", "applied", metavar="NAME", help="Record a migration as applied.")
@click.option("--rolled-back", "rolled_back", metavar="NAME", help="Record a failed migration as rolled back.")
def resolve(schema: str | None, applied: str | None, rolled_back: str | None) -> None:
    """Mark a migration as applied or rolled back (baselining, failed-migration recovery)."""
    from schemashift.errors import UsageError
    from schemashift.migrations.resolve import resolve_applied, resolve_rolled_back

    if bool(applied) == bool(rolled_back):
        raise UsageError("Either --applied or --rolled-back must be given (and only one of them).")
    mp = _open(schema)
    mp.validate()
    with mp.connect() as conn:
        if applied:
            resolve_applied(conn, mp.migrations(), applied)
            click.echo(f"Migration {applied} marked as applied.")
        else:
            assert rolled_back is not None
            resolve_rolled_back(conn, rolled_back)
            click.echo(f"Migration {rolled_back} marked as rolled back.")



def _generate_client(mp: MigrateProject) -> None:
    """Regenerate the Python client when the schema has a `schemashift-py` generator."""
    from schemashift.commands.generate import run_generate

    run_generate(mp.project, required=False)


def _seed_runner(mp: MigrateProject, skip: bool) -> Callable[[], None] | None:
    """The seed ``migrate dev``/``reset`` run after a reset: none in a Prisma 7 project (Prisma 7
    seeds only with ``db seed``), nor with ``--skip-seed``."""
    if skip or mp.prisma_major >= 7:
        return None
    from schemashift.seed import find_seed, run_seed

    command = find_seed(mp.project.cwd, mp.schema_dir)
    if command is None:
        return None
    return lambda: run_seed(command, mp.project.cwd, echo=click.echo)


def url_override_option(func: _F) -> _F:
    """``--url``: Prisma 7's override of the configured datasource URL (``migrate dev``, ``db push``)."""
    return click.option(
        "--url", "url", default=None, metavar="URL", help="Override the datasource URL of the configuration (Prisma 7)."
    )(func)


def rename_option(func: _F) -> _F:
    """``--rename Table.old:new`` / ``--rename Old:New`` (repeatable): a rename, not a drop and an add."""
    return click.option(
        "--rename", "rename", multiple=True, metavar="T.OLD:NEW|OLD:NEW",
        help="Rename a column (Table.old:new) or a table (Old:New) instead of dropping and adding it; "
        "database names (after @map/@@map). Repeatable. See docs/renames.md.",
    )(func)


def allow_production_option(func: _F) -> _F:
    """``--allow-production``: the only way past the production guard (``--force`` is not)."""
    return click.option(
        "--allow-production", is_flag=True,
        help="Run even if the database looks like production (SCHEMASHIFT_ENV, [tool.schemashift] production_hosts).",
    )(func)


def retired_force_option(command: str) -> Callable[[_F], _F]:
    """A hidden ``--force`` that used to pass the production guard of ``command`` (Prisma has no
    such flag there): a usage error naming ``--allow-production``."""

    def refuse(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            from schemashift.errors import UsageError

            raise UsageError(
                f"`{command}` has no --force option: to run it on a database that looks like "
                "production, use --allow-production."
            )

    return click.option("--force", is_flag=True, hidden=True, expose_value=False, callback=refuse)


@migrate.command()
@schema_option
@click.option("-n", "--name", default=None, help="Name of the migration.")
@click.option("--create-only", is_flag=True, help="Create the migration without applying it.")
@click.option("--skip-seed", is_flag=True, help="Skip triggering seed (Prisma 6 projects; Prisma 7 ones never seed here).")
@click.option("--skip-generate", is_flag=True, help="Skip triggering generators (Prisma 6 projects; Prisma 7 ones never generate here).")
@url_override_option
@rename_option
@click.option("--online/--no-online", "online_flag", default=None, help="Write lock-safe SQL (docs/online.md); default: [tool.schemashift] online.")
@click.option("--stats-url", metavar="URL", help="--online: the database whose table sizes count (e.g. production).")
@allow_production_option
@retired_force_option("migrate dev")
@json_option
def dev(
    schema: str | None,
    name: str | None,
    create_only: bool,
    skip_seed: bool,
    skip_generate: bool,
    online_flag: bool | None,
    stats_url: str | None,
    allow_production: bool,
    as_json: bool,
    url: str | None = None,
    rename: tuple[str, ...] = (),
) -> None:
    """Create a migration from changes in the schema, apply it, and regenerate the client (not in
    a Prisma 7 project, as Prisma 7)."""
    from schemashift.api import dev_of
    from schemashift.commands.ui import ClickUI
    from schemashift.migrations import engine
    from schemashift.migrations.dev import DevOptions
    from schemashift.online.plan import online_options

    renames = engine.parse_renames(rename)
    mp = _open(schema, url)
    online, stats_url = online_options(mp.project.cwd, online_flag, stats_url)
    mp.guard_production("run migrate dev (a development command that may reset the database)", allow_production)
    ui = ClickUI()
    result = dev_of(mp, ui, DevOptions(
        name=name,
        create_only=create_only,
        run_seed=_seed_runner(mp, skip_seed),
        run_generate=None if skip_generate or mp.prisma_major >= 7 else (lambda: _generate_client(mp)),
        renames=renames,
        online=online,
        stats_url=stats_url,
    ))
    if as_json:
        emit(
            {
                "created": None if result.created is None else {
                    "name": result.created.name,
                    "path": str(result.created),
                    "migration_sql": str(result.created / "migration.sql"),
                },
                "created_all": [str(p) for p in result.created_all],
                "notes": list(result.notes),
                "applied": list(result.applied),
                "create_only": create_only,
                "reset": result.reset,
                "in_sync": result.in_sync,
            }
        )
        return
    for note in result.notes:
        click.echo(note, err=True)
    if result.created_all[:-1]:
        click.echo("Online mode: migrations written, in apply order: " + ", ".join(m.name for m in result.created_all))
    if result.created is not None:
        rel = f"{mp.migrations_display}/{result.created.name}/migration.sql"
        if create_only:
            click.echo(f"Prisma Migrate created the following migration without applying it {result.created.name}\n")
            click.echo(f"You can now edit it and apply it by running schemashift migrate dev.\n  {rel}")
            return
        waiting = [p.name for p in result.created_all if p.name not in result.applied]
        if waiting:  # --online: the plan stops at a migration to edit (the note above says which)
            click.echo("\nNot applied yet (edit them, then run `schemashift migrate dev` again):\n")
            click.echo(f"{mp.migrations_display}/" + "".join(f"\n  └─ {n}/\n    └─ migration.sql" for n in waiting))
            return
        click.echo("\nThe following migration(s) have been created and applied from new schema changes:\n")
        click.echo(f"{mp.migrations_display}/\n  └─ {result.created.name}/\n    └─ migration.sql\n")
        click.echo("Your database is now in sync with your schema.")
    elif result.in_sync:
        if result.applied:
            click.echo("\nYour database is now in sync with your schema.")
        else:
            click.echo("Already in sync, no schema change or pending migration was found.")


@migrate.command()
@schema_option
@click.option("-f", "--force", is_flag=True, help="Skip the confirmation prompt (the production guard still applies).")
@click.option("--skip-seed", is_flag=True, help="Skip triggering seed (Prisma 6 projects; Prisma 7 ones never seed here).")
@click.option("--skip-generate", is_flag=True, help="Skip triggering generators (Prisma 6 projects; Prisma 7 ones never generate here).")
@allow_production_option
def reset(schema: str | None, force: bool, skip_seed: bool, skip_generate: bool, allow_production: bool) -> None:
    """Drop the database, re-create it, apply every migration, then run the generators and the seed
    (not in a Prisma 7 project, as Prisma 7: run `db seed`)."""
    from schemashift.api import reset_of
    from schemashift.commands.ui import ClickUI

    mp = _open(schema)
    mp.guard_production("reset the database", allow_production)
    applied = reset_of(mp, ClickUI(), force=force).applied
    click.echo("\nDatabase reset successful\n")
    if applied:
        click.echo("The following migration(s) have been applied:\n")
        click.echo(f"{mp.migrations_display}/")
        for n in applied:
            click.echo(f"  └─ {n}/\n    └─ migration.sql")
    if not skip_generate and mp.prisma_major < 7:
        _generate_client(mp)
    seed = _seed_runner(mp, skip_seed)
    if seed is not None:
        seed()


_SOURCES = ("empty", "schema-datamodel", "schema-datasource", "config-datasource", "url", "migrations")
#: Prisma 7's spelling of a source flag -> the source (Prisma 6's flags keep working)
_PRISMA7_SOURCES = {"schema": "schema-datamodel"}


_F = TypeVar("_F", bound=Callable[..., Any])


def _source_options(func: _F) -> _F:
    for side in ("to", "from"):
        func = click.option(f"--{side}-migrations", metavar="DIR", help="The migrations folder (needs a shadow database on servers).")(func)
        func = click.option(f"--{side}-url", metavar="URL", help="A live database.")(func)
        func = click.option(f"--{side}-schema-datasource", metavar="PATH", help="The database of a schema's datasource.")(func)
        func = click.option(f"--{side}-schema-datamodel", metavar="PATH", help="A schema file (or folder).")(func)
        func = click.option(f"--{side}-schema", metavar="PATH", help="A schema file or folder (Prisma 7's --{side}-schema-datamodel).")(func)
        func = click.option(
            f"--{side}-config-datasource", is_flag=True,
            help="The database of the project's configuration (prisma.config.ts, [tool.schemashift], the schema's url).",
        )(func)
        func = click.option(f"--{side}-empty", is_flag=True, help="An empty database.")(func)
    return func


def _config_shadow_url() -> str | None:
    """Prisma 7's shadow database for ``migrate diff --from-migrations``: ``datasource.shadowDatabaseUrl``
    of ``prisma.config.ts`` in the current directory (Prisma 6's ``--shadow-database-url`` wins)."""
    from pathlib import Path

    from schemashift.prisma_config import find_config

    config = find_config(Path.cwd())
    if config is None or not config.readable("datasource.shadowDatabaseUrl"):
        return None
    return config.get("datasource.shadowDatabaseUrl") or None


@migrate.command("diff")
@config_option
@_source_options
@click.option("--shadow-database-url", metavar="URL", help="Shadow database for --from/--to-migrations.")
@click.option("--script", is_flag=True, help="Print a SQL script instead of the human summary.")
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 0 when empty, 2 when there is a difference, 1 on error.")
@click.option("-o", "--output", metavar="FILE", help="Write to a file instead of stdout.")
@json_option
@rename_option
def diff_(
    shadow_database_url: str | None, script: bool, exit_code: bool, output: str | None, as_json: bool,
    rename: tuple[str, ...] = (), **sources: object,
) -> None:
    """Compare two schema sources (schema files, databases, migrations) and print the difference."""
    from pathlib import Path

    from schemashift.migrations.diffsources import Source, resolve_pair

    def pick(side: str) -> Source:
        chosen = [
            (kind, sources[f"{side}_{kind.replace('-', '_')}"])
            for kind in _SOURCES
            if sources.get(f"{side}_{kind.replace('-', '_')}")
        ] + [(kind, sources[f"{side}_{flag}"]) for flag, kind in _PRISMA7_SOURCES.items() if sources.get(f"{side}_{flag}")]
        from schemashift.errors import UsageError

        if len(chosen) != 1:
            flags = ", ".join(f"--{side}-{k}" for k in _SOURCES)
            raise UsageError(f"Exactly one --{side}-... option is required: {flags}.")
        kind, value = chosen[0]
        return Source(kind, None if value is True else str(value))

    from_, to = pick("from"), pick("to")
    if shadow_database_url is None and "migrations" in (from_.kind, to.kind):
        shadow_database_url = _config_shadow_url()
    result = resolve_pair(from_, to, shadow_database_url, late_check=True)
    if rename:
        from schemashift.migrations import engine

        plan = engine.choose_renames(result.previous, result.next, engine.parse_renames(rename))
        result.steps = engine.diff(result.previous, result.next, result.dialect, plan.accepted)
    elif result.steps:
        from schemashift.migrations import engine

        declined = engine.choose_renames(result.previous, result.next).declined
        if declined:
            click.echo(engine.rename_hint(declined), err=True)
    if as_json:
        summary = result.summary()
        sql = result.script()
        if output:
            Path(output).write_text(sql if script else summary, encoding="utf-8")
        emit({"empty": not result.steps, "steps": len(result.steps), "summary": summary, "script": sql})
        if exit_code and result.steps:
            click.get_current_context().exit(2)
        return
    text = result.script() if script else result.summary()
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=not text.endswith("\n"))
    if exit_code and result.steps:
        click.get_current_context().exit(2)


@migrate.command()
@schema_option
@click.option("--to", "to", metavar="NAME", help="Roll back every migration applied after NAME.")
@click.option("--steps", type=int, default=None, help="How many of the newest migrations to roll back (default 1).")
@click.option("--dry-run", is_flag=True, help="Print the down scripts that would run and the data they would lose; change nothing.")
@click.option("--accept-data-loss", is_flag=True, help="Roll back without asking, even when data would be lost (or cannot be counted).")
@click.option(
    "--backup", "backup_dir", is_flag=False, flag_value="backups", default=None, metavar="[DIR]",
    help="Back up the database before the first statement runs (default folder: backups).",
)
@allow_production_option
def rollback(
    schema: str | None, to: str | None, steps: int | None, dry_run: bool, accept_data_loss: bool,
    backup_dir: str | None, allow_production: bool,
) -> None:
    """Run the down.sql of the newest applied migrations (newest first) and mark them rolled back."""
    from pathlib import Path

    from schemashift.commands.ui import ClickUI
    from schemashift.errors import UsageError
    from schemashift.migrations.rollback import migrate_rollback

    if to is not None and steps is not None:
        raise UsageError("--to and --steps cannot be used together.")
    mp = _open(schema)
    if not dry_run:
        mp.guard_production("roll back migrations", allow_production)

    def backup() -> Path:
        from schemashift.commands.backup import take_backup

        assert backup_dir is not None
        return Path(backup_dir) / take_backup(mp, Path(backup_dir), "before_rollback").file

    result = migrate_rollback(
        mp, ClickUI(), to=to, steps=steps, accept_data_loss=accept_data_loss, dry_run=dry_run,
        backup=backup if backup_dir is not None else None,
    )
    if result.check is None:
        click.echo("Nothing to roll back.")
        return
    if dry_run:
        return
    click.echo("The following migration(s) have been rolled back:\n")
    for name in result.rolled_back:
        click.echo(f"  └─ {name}")
    click.echo("\nThey are pending again: `schemashift migrate deploy` re-applies them.")


@migrate.command()
@schema_option
@click.option("--migrations", "migrations_dir", metavar="DIR", default=None, help="The migrations folder (default: next to the schema).")
@click.option("--since", metavar="REF", default=None, help="Only the migrations added or changed since a git ref.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text", show_default=True)
@click.option("--provider", default=None, hidden=True, help="Override the provider (postgresql, mysql, sqlite).")
@click.option(
    "--stats-url", metavar="URL", default=None,
    help="Read live table sizes there: one-shot forms on large tables are errors that name the online form.",
)
@json_option
@click.argument("names", nargs=-1, metavar="[NAME]...")
def lint(
    schema: str | None, migrations_dir: str | None, since: str | None, fmt: str, provider: str | None,
    stats_url: str | None, as_json: bool, names: tuple[str, ...],
) -> None:
    """Check migration.sql files for locking, data-loss and rerun hazards (exit 1 on an error-level finding)."""
    from schemashift import api
    from schemashift.safety.lint.output import render

    if fmt == "json" and not as_json:  # --format json: the versioned document of --json
        from schemashift.commands import output

        as_json = output.state.json = True
        output.state.command = "migrate lint"
    result = api.lint(
        schema=schema, migrations=migrations_dir, names=names, since=since, provider=provider, stats_url=stats_url
    )
    if as_json:
        emit(
            {
                "files": len(result.files),
                "failed": result.failed,
                "findings": [f.as_dict() for f in result.findings],
            }
        )
    else:
        click.echo(render(list(result.findings), fmt, len(result.files)), nl=False)
    if result.failed:
        click.get_current_context().exit(1)
