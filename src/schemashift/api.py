"""The library API: schemashift's commands as functions that return typed results.

Each function takes where the project is (``schema``, ``migrations``, ``cwd``), how to reach the
database (``url``, else the project's configuration) and the variables ``env("...")`` reads
(``env``, default: a copy of ``os.environ``; ``.env`` files are merged into that copy). They never
print, never prompt and never change ``os.environ``: progress is logged on the ``schemashift``
logger (``logging``), failures are raised as :class:`schemashift.errors.SchemashiftError` (with
Prisma's ``code`` and the CLI's ``exit_code``). The command line is built on these functions.

Documented in ``docs/api.md``; the JSON the CLI prints from these results in ``docs/json.md``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from schemashift.errors import SchemashiftError

if TYPE_CHECKING:
    from schemashift.backup import BackupEntry, Decision
    from schemashift.config import Project
    from schemashift.connectors.base import Connector
    from schemashift.connectors.url import ConnectionUrl
    from schemashift.diagnostics import Diagnostic
    from schemashift.dialects.scripts import ScriptPlan
    from schemashift.migrations.dev import UI, DevOptions
    from schemashift.migrations.folder import Migration
    from schemashift.migrations.project import MigrateProject
    from schemashift.migrations.status import HistoryStatus
    from schemashift.safety.lint.model import Finding

__all__ = [
    "BackupInfo",
    "DatabaseUnreachable",
    "DeployResult",
    "DevResult",
    "DiagnosticInfo",
    "DiffResult",
    "DiffSource",
    "FailedMigration",
    "LintReport",
    "PlannedMigration",
    "PruneDecision",
    "PullResult",
    "PullWarning",
    "ResetResult",
    "StatusResult",
    "ValidateResult",
    "backup_create",
    "backup_list",
    "backup_prune",
    "deploy",
    "dev",
    "diff",
    "lint",
    "pull",
    "reset",
    "status",
    "validate",
]

log = logging.getLogger("schemashift")

PathLike = str | os.PathLike[str]
StatusState = Literal["up_to_date", "pending", "failed", "drift"]


class DatabaseUnreachable(SchemashiftError):
    """The database could not be reached or opened (server down, timeout, authentication, missing
    database): the connector's error, with its Prisma code (P1000-P1003, P1010, P1017)."""

    one_line = True  # rendered as the connector's error is: ``Error: P1001: Can't reach ...``


def _str(path: PathLike | None) -> str | None:
    return None if path is None else os.fspath(path)


def _project(
    schema: PathLike | None,
    url: str | None,
    migrations: PathLike | None,
    cwd: PathLike | None,
    env: Mapping[str, str] | None,
) -> MigrateProject:
    from schemashift.config import load_project
    from schemashift.migrations.project import MigrateProject

    base = dict(os.environ) if env is None else dict(env)
    root = Path(cwd).resolve() if cwd is not None else None
    project = load_project(_str(schema), root, env=base)
    moved = None
    if migrations is not None:
        moved = Path(migrations) if Path(migrations).is_absolute() else project.cwd / migrations
    mp = MigrateProject(project, url, moved)
    log.debug("schema %s, migrations %s", project.schema.display, mp.migrations_dir)
    return mp


def _progress(message: str) -> None:
    text = message.strip()
    if text:
        log.info("%s", text)


class _SilentUI:
    """The library's stand-in for a terminal: non-interactive, messages to the log."""

    interactive = False

    def echo(self, text: str) -> None:
        _progress(text)

    def confirm(self, question: str) -> bool:
        return False

    def prompt(self, question: str) -> str:
        return ""


# ---------------------------------------------------------------- status


@dataclass(frozen=True)
class FailedMigration:
    name: str
    started_at: str  # ISO 8601, UTC
    logs: str | None


@dataclass(frozen=True)
class StatusResult:
    """``migrate status``: the migrations folder against the ``_prisma_migrations`` table."""

    state: StatusState
    migrations_dir: Path
    found: tuple[str, ...]
    applied: tuple[str, ...]
    pending: tuple[str, ...]
    failed: tuple[FailedMigration, ...]
    edited: tuple[str, ...]
    unknown: tuple[str, ...]
    last_common: str | None
    history_table_exists: bool
    #: the diagnosis it was made from (:mod:`schemashift.migrations.status`)
    history: HistoryStatus = field(repr=False, compare=False)
    #: pending contract migrations (``-- schemashift:contract``: deploy applies them only with
    #: ``--contract``), in order
    pending_contract: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        return self.state == "up_to_date"

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state,
            "up_to_date": self.up_to_date,
            "migrations_found": len(self.found),
            "applied": list(self.applied),
            "pending": list(self.pending),
            "failed": [{"name": f.name, "started_at": f.started_at, "logs": f.logs} for f in self.failed],
            "edited": list(self.edited),
            "unknown": list(self.unknown),
            "last_common": self.last_common,
            "history_table_exists": self.history_table_exists,
            "pending_contract": list(self.pending_contract),
        }


def _state(st: HistoryStatus) -> StatusState:
    if st.failed:
        return "failed"
    if st.edited or st.unknown:
        return "drift"
    if st.pending:
        return "pending"
    return "up_to_date"


def _connect(mp: MigrateProject, **kwargs: object) -> Connector:
    """``mp.connect``, its connection failures raised as :class:`DatabaseUnreachable`."""
    from schemashift.connectors.errors import (
        AccessDenied,
        AuthenticationFailed,
        ConnectionClosed,
        DatabaseDoesNotExist,
        ServerTimeout,
        ServerUnreachable,
    )

    unreachable = (AccessDenied, AuthenticationFailed, ConnectionClosed, DatabaseDoesNotExist, ServerTimeout, ServerUnreachable)
    try:
        return mp.connect(**kwargs)  # type: ignore[arg-type]
    except unreachable as exc:
        raise DatabaseUnreachable(exc.message, code=exc.code) from exc


def status(
    *,
    schema: PathLike | None = None,
    url: str | None = None,
    migrations: PathLike | None = None,
    cwd: PathLike | None = None,
    env: Mapping[str, str] | None = None,
) -> StatusResult:
    """The state of the database's migration history. Raises :class:`DatabaseUnreachable` when
    the database cannot be opened, P1012 when the schema is invalid."""
    return status_of(_project(schema, url, migrations, cwd, env))


def status_of(mp: MigrateProject) -> StatusResult:
    """:func:`status` of a project already opened (the command line's way in)."""
    from schemashift.migrations.history import TABLE, History, list_tables
    from schemashift.migrations.status import diagnose

    mp.validate()
    local = mp.migrations()
    with _connect(mp) as conn:
        exists = TABLE in list_tables(conn)
        rows = History(conn).rows() if exists else []
    st = diagnose(local, rows, table_exists=exists)
    from schemashift.online.contract import is_contract

    pending = set(st.pending)
    return StatusResult(
        state=_state(st),
        migrations_dir=mp.migrations_dir,
        found=st.local,
        applied=st.applied,
        pending=st.pending,
        failed=tuple(FailedMigration(r.migration_name, r.started_at.isoformat(), r.logs) for r in st.failed),
        edited=st.edited,
        unknown=st.unknown,
        last_common=st.last_common,
        history_table_exists=exists,
        history=st,
        pending_contract=tuple(m.name for m in local if m.name in pending and is_contract(m.sql)),
    )


# ---------------------------------------------------------------- deploy


@dataclass(frozen=True)
class PlannedMigration:
    """A migration deploy applies (or, with ``dry_run``, would apply), in order."""

    name: str
    mode: str  # how its script runs: "transaction", "statements" or "as written"
    statements: int
    resume_at: int | None = None  # 1-based statement a failed migration is resumed at
    seconds: float | None = None  # time taken (None in a dry run)
    findings: tuple[Finding, ...] = ()  # the linter's findings on its migration.sql


@dataclass(frozen=True)
class DeployResult:
    """``migrate deploy``: what ran (or would run, ``dry_run``), in order."""

    dry_run: bool
    found: int
    migrations: tuple[PlannedMigration, ...]
    backup: Path | None = None
    seconds: float = 0.0
    #: pending migrations not applied (would not be, ``dry_run``): the first is a contract
    #: migration and ``contract`` was not given (docs/online.md)
    held: tuple[str, ...] = ()

    @property
    def applied(self) -> tuple[str, ...]:
        return () if self.dry_run else tuple(m.name for m in self.migrations)


def deploy(
    *,
    schema: PathLike | None = None,
    url: str | None = None,
    migrations: PathLike | None = None,
    cwd: PathLike | None = None,
    env: Mapping[str, str] | None = None,
    dry_run: bool = False,
    backup_dir: PathLike | None = None,
    lock_timeout: float | None = None,
    wait: float | None = None,
    contract: bool = False,
) -> DeployResult:
    """Apply the pending migrations (``prisma migrate deploy``). With ``dry_run``: what would be
    applied, in order, with the linter's findings, changing nothing (no database is created, no
    ``_prisma_migrations`` table, no lock taken). Raises P3005/P3009/P3018 like deploy does.
    Stops before a contract migration (:attr:`DeployResult.held`) unless ``contract``."""
    mp = _project(schema, url, migrations, cwd, env)
    return deploy_of(mp, dry_run=dry_run, backup_dir=backup_dir, lock_timeout=lock_timeout, wait=wait, contract=contract)


def deploy_of(
    mp: MigrateProject,
    *,
    dry_run: bool = False,
    backup_dir: PathLike | None = None,
    lock_timeout: float | None = None,
    wait: float | None = None,
    progress: Callable[[str], None] = _progress,
    contract: bool = False,
) -> DeployResult:
    """:func:`deploy` of a project already opened; ``progress`` gets deploy's lines (Prisma's
    ``Applying migration ...``; default: the ``schemashift`` logger at INFO)."""
    started = time.perf_counter()
    if dry_run:
        return _dry_run(mp, started, contract)
    from schemashift.migrations.deploy import deploy as run_deploy

    done = run_deploy(mp, backup_dir=_str(backup_dir), log=progress, lock_timeout=lock_timeout, wait=wait, contract=contract)
    by_name = {m.name: m for m in mp.migrations()}
    planned = []
    for name in done.applied:
        plan = _plan(mp, by_name[name].sql)
        planned.append(PlannedMigration(name, plan.mode.value, len(plan.statements), seconds=done.durations.get(name)))
    return DeployResult(False, done.found, tuple(planned), done.backup, time.perf_counter() - started, tuple(done.held))


def _plan(mp: MigrateProject, sql: str, conn: Connector | None = None) -> ScriptPlan:
    from schemashift.migrations import engine

    dialect = conn.dialect if conn is not None else engine.dialect_for(mp.provider)
    return dialect.plan_script(sql)


def _dry_run(mp: MigrateProject, started: float, contract: bool = False) -> DeployResult:
    from schemashift.connectors import database_exists
    from schemashift.migrations.apply import failed_migrations_error, not_empty_error, resume_point
    from schemashift.migrations.history import TABLE, History, list_tables
    from schemashift.migrations.status import diagnose

    mp.validate()
    local = mp.migrations()
    by_name = {m.name: m for m in local}
    resume: dict[str, int] = {}
    pending: list[str] = [m.name for m in local]
    conn: Connector | None = None
    try:
        if database_exists(mp.url):  # connecting to a missing SQLite file would create it
            conn = _connect(mp)
            tables = list_tables(conn)
            if TABLE not in tables:
                if tables:
                    raise not_empty_error()
            else:
                st = diagnose(local, History(conn).rows())
                c = conn
                for r in st.failed:
                    m = by_name.get(r.migration_name)
                    at = resume_point(r, m, _plan(mp, m.sql, c) if m is not None else None)
                    if at is None:
                        raise failed_migrations_error(
                            list(st.failed), by_name, lambda x: _plan(mp, x.sql, c)
                        )
                    resume[r.migration_name] = at
                pending = [m.name for m in local if m.name in st.pending or m.name in resume]
        held: list[str] = []
        if not contract:
            from schemashift.online.contract import is_contract

            cut = next((i for i, n in enumerate(pending) if is_contract(by_name[n].sql)), len(pending))
            pending, held = pending[:cut], pending[cut:]
        plans = {name: _plan(mp, by_name[name].sql, conn) for name in pending}
    finally:
        if conn is not None:
            conn.close()
    findings = _lint_pending(mp, [by_name[n] for n in pending])
    planned = tuple(
        PlannedMigration(
            name,
            plans[name].mode.value,
            len(plans[name].statements),
            resume_at=resume[name] + 1 if name in resume else None,
            findings=tuple(findings.get(name, ())),
        )
        for name in pending
    )
    return DeployResult(True, len(local), planned, None, time.perf_counter() - started, tuple(held))


def _lint_pending(mp: MigrateProject, todo: Sequence[Migration]) -> dict[str, list[Finding]]:
    """The linter's findings on the pending migrations, by migration (earlier migrations are read
    for context, unreported); paths relative to the project's folder."""
    from schemashift.safety.lint.runner import config_from_settings, folder_files, lint_files

    paths = [m.path / "migration.sql" for m in todo]
    if not paths:
        return {}
    config = config_from_settings(mp.settings)
    result = lint_files(
        paths, mp.provider, config, display_root=mp.project.cwd, context=folder_files(mp.migrations_dir)
    )
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(Path(f.path).parent.name, []).append(f)
    return out


# ---------------------------------------------------------------- dev, reset


@dataclass(frozen=True)
class DevResult:
    """``migrate dev`` without a terminal: the migration created (its folder), what was applied."""

    created: Path | None
    applied: tuple[str, ...]
    in_sync: bool
    reset: bool = False  # the database was reset first (only when a UI confirmed it)
    # every migration folder written, in apply order (--online may write several; else `created`)
    created_all: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()  # --online's notes (rebuilt tables, type changes kept one-shot)


def dev(
    *,
    schema: PathLike | None = None,
    url: str | None = None,
    migrations: PathLike | None = None,
    cwd: PathLike | None = None,
    env: Mapping[str, str] | None = None,
    name: str | None = None,
    create_only: bool = False,
    allow_production: bool = False,
) -> DevResult:
    """``migrate dev`` as a non-interactive run: a reset, or a migration that loses data, is
    refused (raised) rather than asked; the seed and generators are not run."""
    from schemashift.migrations.dev import DevOptions

    mp = _project(schema, url, migrations, cwd, env)
    mp.guard_production("run migrate dev (a development command that may reset the database)", allow_production)
    return dev_of(mp, options=DevOptions(name=name or "", create_only=create_only))


def dev_of(mp: MigrateProject, ui: UI | None = None, options: DevOptions | None = None) -> DevResult:
    """:func:`dev` of a project already opened, with the command line's ``ui`` (a terminal that
    may confirm a reset or data loss, or a likely rename) and its :class:`DevOptions` (seed,
    generators, renames, online mode)."""
    from schemashift.migrations.dev import DevOptions, migrate_dev

    result = migrate_dev(mp, ui or _SilentUI(), options or DevOptions())
    created = result.created.path if result.created is not None else None
    return DevResult(
        created, tuple(result.applied), result.in_sync, result.reset,
        tuple(m.path for m in result.created_all), tuple(result.notes),
    )


@dataclass(frozen=True)
class ResetResult:
    applied: tuple[str, ...]


def reset(
    *,
    schema: PathLike | None = None,
    url: str | None = None,
    migrations: PathLike | None = None,
    cwd: PathLike | None = None,
    env: Mapping[str, str] | None = None,
    allow_production: bool = False,
) -> ResetResult:
    """Drop everything in the database and apply every migration (no confirmation: calling it is
    the confirmation; the production guard still applies). The seed is not run."""
    mp = _project(schema, url, migrations, cwd, env)
    mp.guard_production("reset the database", allow_production)
    return reset_of(mp, force=True)


def reset_of(mp: MigrateProject, ui: UI | None = None, *, force: bool = False) -> ResetResult:
    """:func:`reset` of a project already opened; without ``force`` the ``ui`` confirms (refused
    when it is not interactive, as Prisma does)."""
    from schemashift.migrations.dev import migrate_reset

    return ResetResult(tuple(migrate_reset(mp, ui or _SilentUI(), force=force)))


# ---------------------------------------------------------------- diff


@dataclass(frozen=True)
class DiffSource:
    """One side of :func:`diff`: build it with the class methods."""

    kind: str
    value: str | None = None

    @classmethod
    def empty(cls) -> DiffSource:
        return cls("empty")

    @classmethod
    def schema(cls, path: PathLike) -> DiffSource:
        """The data model of a schema file or folder."""
        return cls("schema-datamodel", os.fspath(path))

    @classmethod
    def schema_datasource(cls, path: PathLike) -> DiffSource:
        """The database a schema's datasource names."""
        return cls("schema-datasource", os.fspath(path))

    @classmethod
    def database(cls, url: str) -> DiffSource:
        return cls("url", url)

    @classmethod
    def migrations(cls, path: PathLike) -> DiffSource:
        """The end state of a migrations folder (a shadow database URL is needed on servers)."""
        return cls("migrations", os.fspath(path))


@dataclass(frozen=True)
class DiffResult:
    """``migrate diff``: Prisma's summary, the SQL script, and the number of steps."""

    summary: str
    script: str
    steps: int

    @property
    def empty(self) -> bool:
        return self.steps == 0


def diff(
    from_: DiffSource,
    to: DiffSource,
    *,
    shadow_database_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> DiffResult:
    """The difference between two sources, as Prisma's summary and as SQL."""
    from schemashift.migrations.diffsources import Source, resolve_pair

    base = dict(os.environ) if env is None else dict(env)
    result = resolve_pair(
        Source(from_.kind, from_.value, base), Source(to.kind, to.value, base), shadow_database_url
    )
    return DiffResult(result.summary(), result.script(), len(result.steps))


# ---------------------------------------------------------------- validate


@dataclass(frozen=True)
class DiagnosticInfo:
    """A schema error or warning with its place: 1-based line and column (in characters)."""

    severity: str  # "error" | "warning"
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@dataclass(frozen=True)
class ValidateResult:
    schema: str  # the schema's path as shown
    diagnostics: tuple[DiagnosticInfo, ...]

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def _position(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def diagnostics_info(files: Sequence[tuple[str, str]], diagnostics: Sequence[Diagnostic]) -> tuple[DiagnosticInfo, ...]:
    """Diagnostics with file names and line/column spans (what ``--json`` prints for P1012)."""
    out = []
    for d in diagnostics:
        name, text = files[d.span.file_id] if d.span.file_id < len(files) else (files[0] if files else ("", ""))
        line, column = _position(text, d.span.start)
        end_line, end_column = _position(text, d.span.end)
        out.append(DiagnosticInfo(d.severity, d.message, name, line, column, end_line, end_column))
    return tuple(out)


def validate(
    *, schema: PathLike | None = None, cwd: PathLike | None = None, env: Mapping[str, str] | None = None
) -> ValidateResult:
    """Validate the schema; errors and warnings are returned, not raised (a schema that cannot be
    found or read is raised)."""
    from schemashift.config import load_project

    base = dict(os.environ) if env is None else dict(env)
    return validate_of(load_project(_str(schema), Path(cwd).resolve() if cwd is not None else None, env=base))


def validate_of(project: Project) -> ValidateResult:
    """:func:`validate` of a project already found."""
    from schemashift.config import resolve_datasource
    from schemashift.errors import NoDatasourceError, SchemaValidationError, UnsupportedProviderError
    from schemashift.psl import analyze_files, gc_paused
    from schemashift.psl.validator.config import datasource_url

    files = project.read()
    with gc_paused():
        schema_ast, _, diags = analyze_files(files)
        found = list(diags.all())
        if not diags.has_errors():
            try:
                if datasource_url(schema_ast) is not None:
                    resolve_datasource(files, schema_ast, env=project.env)
            except SchemaValidationError as exc:
                found += exc.diagnostics
            except (NoDatasourceError, UnsupportedProviderError):
                pass
    return ValidateResult(project.schema.display, diagnostics_info(files, found))


# ---------------------------------------------------------------- lint


@dataclass(frozen=True)
class LintReport:
    """``migrate lint``: the files read and the findings (:class:`schemashift.safety.lint.Finding`)."""

    files: tuple[Path, ...]
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        """An error-level finding (``migrate lint`` exits 1)."""
        return any(f.level == "error" for f in self.findings)


def lint(
    *,
    schema: PathLike | None = None,
    migrations: PathLike | None = None,
    names: Sequence[str] = (),
    since: str | None = None,
    provider: str | None = None,
    cwd: PathLike | None = None,
    stats_url: str | None = None,
) -> LintReport:
    """Lint migration scripts (the folder, the ``names`` given, or those changed ``since`` a git ref).
    Paths in findings are relative to ``cwd`` (default: the current directory). ``stats_url``: the
    database whose live table sizes count (one-shot forms on large tables are errors naming the
    online form: :mod:`schemashift.safety.lint.sizes`)."""
    from schemashift.safety.lint.runner import (
        config_from_settings,
        edited_since,
        folder_files,
        lint_files,
        lint_provider,
        select_files,
    )
    from schemashift.settings import load_settings

    root = Path(cwd).resolve() if cwd is not None else Path.cwd()
    directory = Path(migrations) if migrations is not None else None
    if directory is not None and not directory.is_absolute():
        directory = root / directory
    if provider is None or directory is None:
        found, directory = _lint_provider(schema, directory, root)
        provider = provider or found
    config = config_from_settings(load_settings(root))
    if stats_url is not None:
        from schemashift.safety.lint.sizes import read_stats

        config.stats = read_stats(stats_url)
    files = select_files(directory, list(names), since)
    edited = edited_since(directory, since) if since is not None else None
    result = lint_files(files, provider, config, display_root=root, context=folder_files(directory), edited=edited)
    return LintReport(tuple(result.files), tuple(result.findings))


def _lint_provider(schema: PathLike | None, directory: Path | None, root: Path) -> tuple[str, Path]:
    """The provider (the folder's migration_lock.toml, else the schema's datasource) and the
    migrations folder (given, else the project's), read without a URL nor ``.env`` files."""
    from schemashift.config import load_project, supported_provider
    from schemashift.errors import NoDatasourceError
    from schemashift.lower import LoweringError, provider_of
    from schemashift.migrations.folder import read_lock_provider
    from schemashift.psl import parse_files

    if directory is not None:
        locked = read_lock_provider(directory)
        if locked:
            return locked, directory
    project = load_project(_str(schema), root, env={})
    directory = directory if directory is not None else project.migrations_dir
    locked = read_lock_provider(directory)
    if locked:
        return locked, directory
    try:
        raw = provider_of(parse_files(project.read())[0])
    except LoweringError:
        raise NoDatasourceError(project.schema.display) from None
    return supported_provider(raw, project.schema.display), directory


# ---------------------------------------------------------------- backups


@dataclass(frozen=True)
class BackupInfo:
    """A backup of the manifest, with its path."""

    path: Path
    file: str
    provider: str
    database: str
    created_at: str
    size: int
    sha256: str
    migration: str | None
    label: str | None

    @classmethod
    def of(cls, directory: Path, e: BackupEntry) -> BackupInfo:
        return cls(directory / e.file, e.file, e.provider, e.database, e.created_at, e.size, e.sha256, e.migration, e.label)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "file": self.file,
            "provider": self.provider,
            "database": self.database,
            "created_at": self.created_at,
            "size": self.size,
            "sha256": self.sha256,
            "migration": self.migration,
            "label": self.label,
        }


@dataclass(frozen=True)
class PruneDecision:
    backup: BackupInfo
    keep: bool
    reason: str

    @classmethod
    def of(cls, directory: Path, d: Decision) -> PruneDecision:
        return cls(BackupInfo.of(directory, d.entry), d.keep, d.reason)


def current_migration(url: ConnectionUrl) -> str | None:
    """The newest migration applied to ``url`` (None: no database, no history)."""
    from schemashift.connectors import connect, database_exists
    from schemashift.migrations.history import History

    if not database_exists(url):
        return None
    with connect(url) as conn:
        applied = [r.migration_name for r in History(conn).rows() if r.is_applied]
    return applied[-1] if applied else None


def backup_create(
    *,
    directory: PathLike = "backups",
    label: str | None = None,
    schema: PathLike | None = None,
    url: str | None = None,
    cwd: PathLike | None = None,
    env: Mapping[str, str] | None = None,
) -> BackupInfo:
    """Back up the database (``url``, else the project's) into ``directory``."""
    return backup_of(_project(schema, url, None, cwd, env), _folder(directory, cwd), label)


def _folder(directory: PathLike, cwd: PathLike | None) -> Path:
    """A backup folder: relative to ``cwd`` when given, else to the current directory."""
    path = Path(directory)
    return path if path.is_absolute() or cwd is None else Path(cwd) / path


def backup_of(mp: MigrateProject, directory: PathLike, label: str | None = None) -> BackupInfo:
    """:func:`backup_create` of a project already opened."""
    from schemashift.backup import create_backup

    target = mp.url
    folder = Path(directory)
    entry = create_backup(target, folder, label=label, migration=lambda: current_migration(target))
    log.info("Backup written: %s", folder / entry.file)
    return BackupInfo.of(folder, entry)


def backup_list(directory: PathLike = "backups", *, cwd: PathLike | None = None) -> tuple[BackupInfo, ...]:
    """The backups of ``directory``'s manifest, oldest first."""
    from schemashift.backup import read_manifest

    folder = _folder(directory, cwd)
    return tuple(BackupInfo.of(folder, e) for e in read_manifest(folder))


def backup_prune(
    directory: PathLike = "backups",
    *,
    daily: int = 7,
    weekly: int = 4,
    monthly: int = 12,
    keep_labelled_days: int | None = None,
    delete: Collection[str] = (),
    dry_run: bool = False,
    cwd: PathLike | None = None,
) -> tuple[PruneDecision, ...]:
    """Apply the retention policy (nothing deleted with ``dry_run``); each backup's fate and why."""
    from schemashift.backup import prune
    from schemashift.backup.retention import Policy

    folder = _folder(directory, cwd)
    decisions = prune(
        folder, Policy(daily, weekly, monthly), dry_run=dry_run,
        delete={Path(n).name for n in delete}, keep_labelled_days=keep_labelled_days,
    )
    return tuple(PruneDecision.of(folder, d) for d in decisions)


# ---------------------------------------------------------------- db pull


@dataclass(frozen=True)
class PullWarning:
    kind: str  # e.g. "unsupported_types_in_model"
    message: str  # Prisma's paragraph heading
    items: tuple[str, ...]  # "Model.field", or the object named


@dataclass(frozen=True)
class PullResult:
    """``db pull``: the introspected schema text (not written) and its warnings."""

    schema: str
    models: int
    enums: int
    warnings: tuple[PullWarning, ...] = field(default=())
    warnings_text: str = ""  # Prisma's rendering of the warnings ("" when none)
    warnings_commented: str = ""  # the same behind ``// `` (what ``db pull --print`` shows)
    # (path, text) of each file of a schema folder, as Prisma 7 writes them back (new models and
    # enums into ``introspected.prisma``); empty for a one-file schema (``schema`` is its text)
    files: tuple[tuple[str, str], ...] = ()


def pull(
    *,
    schema: PathLike | None = None,
    url: str | None = None,
    force: bool = False,
    cwd: PathLike | None = None,
    env: Mapping[str, str] | None = None,
) -> PullResult:
    """Introspect the database; the schema's datasource and generators (and, unless ``force``,
    its names and relations) are kept. Raises P4001 when the database has no tables."""
    return pull_of(_project(schema, url, None, cwd, env), force)


def pull_of(mp: MigrateProject, force: bool = False) -> PullResult:
    """:func:`pull` of a project already opened."""
    from schemashift.connectors import connect
    from schemashift.introspect import EmptyDatabaseError, InconsistentSchemaError
    from schemashift.introspect import pull as introspect_pull
    from schemashift.introspect.warnings import MESSAGES

    with connect(mp.url) as conn:
        try:
            result = introspect_pull(conn, mp.files, force=force)
        except EmptyDatabaseError:
            raise SchemashiftError(
                "The introspected database was empty: there is no table to create a model from.", code="P4001"
            ) from None
        except InconsistentSchemaError as exc:
            raise SchemashiftError(f"The schema of the introspected database was inconsistent: {exc}", code="P4002") from None
    warnings = []
    for kind, message in MESSAGES:
        items = result.warnings.items.get(kind)
        if items:
            shown = tuple(".".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in items)
            warnings.append(PullWarning(kind, message, shown))
    text = result.warnings.render() if result.warnings else ""
    commented = result.warnings.render_commented() if result.warnings else ""
    files = tuple((str(path), body) for path, body in result.files)
    return PullResult(result.text, result.models, result.enums, tuple(warnings), text, commented, files)
