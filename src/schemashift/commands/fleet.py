"""``schemashift fleet ...``: thin glue over :mod:`schemashift.fleet`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from schemashift.commands import schema_option, stderr_color

if TYPE_CHECKING:
    from schemashift.connectors.base import LockHolder
    from schemashift.connectors.url import ConnectionUrl
    from schemashift.fleet.project import FleetProject
    from schemashift.fleet.report import FleetReport, TargetResult
    from schemashift.fleet.runner import Plan, Work
    from schemashift.fleet.targets import Target

_F = TypeVar("_F", bound=Callable[..., object])


@click.group()
def fleet() -> None:
    """Deploy and inspect one migrations folder on many databases (tenants, shards, regions).

    \b
    Exit codes: 0 every target up to date, 3 some behind (pending or not visited),
    4 some diverged or drifted, 5 some failed or unreachable; 1 error before any target,
    2 usage, 130 interrupted. See docs/fleet.md.
    """


def _common(func: _F) -> _F:
    func = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (versioned; see docs/fleet.md).")(func)
    func = click.option(
        "--jobs", "-j", type=click.IntRange(min=1, max=256), default=4, show_default=True,
        help="Targets worked on at the same time (one connection each).",
    )(func)
    func = click.option(
        "--targets", "targets_file", required=True, metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
        help="The targets file (TOML: urls, url + tenants, url + query, or url + schemas).",
    )(func)
    return schema_option(func)


@fleet.command()
@_common
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@click.option("--canary", type=click.IntRange(min=0), default=0, metavar="N",
              help="First deploy N targets that have migrations to apply; stop if one fails.")
@click.option("--wave", type=click.IntRange(min=0), default=0, metavar="N",
              help="Then deploy the rest in waves of N targets, stopping after a wave with a failure (0: one wave).")
@click.option(
    "--backup", "backup_dir", is_flag=False, flag_value="backups", default=None, metavar="[DIR]",
    help="Back up each target with pending migrations first, into DIR/<target> (default DIR: backups).",
)
@click.option(
    "--lock", "lock", type=click.Choice(["run", "target"]), default="run", show_default=True,
    help="run: hold each database's (PostgreSQL) or server's (MySQL) migration lock while its targets "
    "deploy in parallel; target: take it per target, as migrate deploy does (serialises them).",
)
@click.option(
    "--lock-timeout", "lock_timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
    help="How long to wait for a migration lock another deploy holds (default: the migration_lock_timeout setting, else 10).",
)
@click.option(
    "--wait", "wait", is_flag=False, flag_value=60.0, type=click.FloatRange(min=0), default=None, metavar="[SECONDS]",
    help="Wait up to SECONDS (default 60) for each database server that is unreachable or still starting.",
)
@click.option(
    "--contract", is_flag=True,
    help="Apply contract migrations (-- schemashift:contract) too; without it each target stops before its first one.",
)
def deploy(
    schema: str | None, targets_file: Path, jobs: int, as_json: bool, quiet: bool, canary: int, wave: int,
    backup_dir: str | None, lock: str, lock_timeout: float | None, wait: float | None, contract: bool,
) -> None:
    """Apply pending migrations to every target: a canary first, then waves, JOBS at a time."""
    from schemashift.connectors import connect
    from schemashift.fleet.locks import ScopeLocks
    from schemashift.fleet.runner import Plan
    from schemashift.fleet.work import DeployOptions, Targets, deploy_target

    project, targets = _open(schema, targets_file)
    if lock_timeout is None and project.base.settings.migration_lock_timeout_ms is not None:
        lock_timeout = project.base.settings.migration_lock_timeout_ms / 1000
    options = DeployOptions(Path(backup_dir) if backup_dir else None, lock, lock_timeout, wait, contract)
    claims = Targets(project, keep_sessions=jobs)
    locks = ScopeLocks(connect, lock_timeout=lock_timeout, keep_idle=jobs, on_wait=_lock_wait(quiet))
    log = _log(quiet)
    try:
        report = _run(
            "deploy", project, targets, Plan(jobs=jobs, canary=canary, wave=wave),
            lambda t, gate: deploy_target(claims, t, gate, options, locks, log), quiet=quiet,
        )
    finally:
        claims.close()
        locks.close()
    _finish(report, as_json)


@fleet.command()
@_common
def status(schema: str | None, targets_file: Path, jobs: int, as_json: bool) -> None:
    """Where every target stands: applied, pending, failed, edited and unknown migrations."""
    _inspect("status", schema, targets_file, jobs, as_json, drift=False)


@fleet.command()
@_common
def check(schema: str | None, targets_file: Path, jobs: int, as_json: bool) -> None:
    """status, and the drift of every target: its schema against what its migrations produce."""
    _inspect("check", schema, targets_file, jobs, as_json, drift=True)


def _inspect(command: str, schema: str | None, targets_file: Path, jobs: int, as_json: bool, *, drift: bool) -> None:
    from schemashift.fleet.runner import Plan
    from schemashift.fleet.work import Targets, inspect_target

    project, targets = _open(schema, targets_file)
    claims = Targets(project, keep_sessions=jobs)
    try:
        report = _run(
            command, project, targets, Plan(jobs=jobs, stop_on_failure=False),
            lambda t, _gate: inspect_target(claims, t, drift=drift), quiet=True,
        )
    finally:
        claims.close()
    _finish(report, as_json)


def _open(schema: str | None, targets_file: Path) -> tuple[FleetProject, Iterator[Target]]:
    """The targets file checked, the first target listed (its URL stands in for the datasource's),
    the project read once."""
    import itertools

    from schemashift.commands import open_project
    from schemashift.fleet.project import FleetProject
    from schemashift.fleet.targets import TargetsFileError, load_targets

    project = open_project(schema)  # loads .env files first: the targets file may use their variables
    source = load_targets(targets_file)
    stream = source.targets()
    first = next(stream, None)
    if first is None:
        what = {"query": "its query returned no row", "schemas": f"no schema or database matches `{source.pattern}`"}
        raise TargetsFileError(f"The targets file {targets_file} lists no target: {what.get(source.form, 'it is empty')}.")
    fleet_project = FleetProject(project, first.url, targets_file.resolve().parent)
    return fleet_project, itertools.chain([first], stream)


def _run(command: str, project: FleetProject, targets: Iterator[Target], plan: Plan, work: Work, *, quiet: bool) -> FleetReport:
    import time

    from schemashift.fleet.report import FleetReport
    from schemashift.fleet.runner import Runner

    started = time.perf_counter()
    outcome = Runner(work, plan, on_result=_progress(quiet, len(project.local))).run(targets)
    return FleetReport(
        command, [m.name for m in project.local], outcome.results, outcome.stopped,
        seconds=time.perf_counter() - started, interrupted=outcome.interrupted,
    )


def _finish(report: FleetReport, as_json: bool) -> None:
    if as_json:
        click.echo(report.to_json())
    else:
        click.echo(report.render(), nl=False)
    if report.exit_code:
        click.get_current_context().exit(report.exit_code)


def _progress(quiet: bool, total: int) -> Callable[[TargetResult], None]:
    from schemashift.errors import redact

    def show(result: TargetResult) -> None:
        if quiet:
            return
        note = result.note()
        line = f"{result.name}: {result.state.replace('_', ' ')}" + (f" ({note})" if note else "") + f" [{result.seconds:.2f} s]"
        bad = result.is_failure
        click.echo(click.style(redact(line), fg="red" if bad else None) if stderr_color() else redact(line), err=True)

    return show


def _log(quiet: bool) -> Callable[[Target, str], None]:
    from schemashift.errors import redact

    def log(target: Target, message: str) -> None:
        if not quiet:
            click.echo(redact(f"{target.name}: {message.strip()}"), err=True)

    return log


def _lock_wait(quiet: bool) -> Callable[[ConnectionUrl, LockHolder | None, float], None]:
    from schemashift.migrations.project import lock_wait_message

    def on_wait(url: ConnectionUrl, holder: LockHolder | None, seconds: float) -> None:
        if not quiet:
            click.echo(f"{url.redacted()}: {lock_wait_message(holder, seconds)}", err=True)

    return on_wait
