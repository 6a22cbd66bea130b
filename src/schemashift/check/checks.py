"""The guide's pre-deployment checklist, one function per check.

Each check returns an :class:`Outcome` (pass, warn, fail) or raises ``_Skip`` with the reason;
the runner turns them into :class:`CheckResult` rows. A :class:`SchemashiftError` inside a check (a database that cannot be reached, a missing git ref)
makes that check fail with the error's message, and the other checks still run. Checks that
need something another check found wrong (a valid schema, a readable history) are skipped and
say which.

Nothing here prints; ``commands/check.py`` renders the :class:`Report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.check.model import Annotation, CheckResult, Report, Status
from schemashift.errors import SchemashiftError, redact

if TYPE_CHECKING:
    from schemashift.config import Project
    from schemashift.connectors.url import ConnectionUrl
    from schemashift.migrations.folder import Migration
    from schemashift.migrations.project import MigrateProject
    from schemashift.migrations.status import HistoryStatus
    from schemashift.model import Schema


@dataclass
class CheckOptions:
    schema: str | None = None
    url: str | None = None  # the target database (default: the datasource's URL, when set)
    shadow_database_url: str | None = None
    since: str | None = None  # lint only the migrations changed since this git ref
    backups: Path = Path("backups")
    max_backup_age: timedelta | None = None  # None: the backup check is skipped
    strict: bool = False
    now: datetime | None = None  # for the backup age (tests)
    cwd: Path | None = None


@dataclass(frozen=True)
class Outcome:
    """What a check found; the runner adds the check's id and title (:data:`CHECKS`)."""

    status: Status
    message: str
    details: tuple[str, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    data: dict[str, object] = field(default_factory=dict)


class _Skip(Exception):
    """A check cannot run: the reason is its message."""


@dataclass
class _Target:
    url: ConnectionUrl
    exists: bool
    status: HistoryStatus | None = None  # None when the database does not exist


@dataclass
class Context:
    """What the checks share, each piece computed once, on first use."""

    options: CheckOptions
    mp: MigrateProject
    _memo: dict[str, object] = field(default_factory=dict)
    _states: dict[str, Schema] = field(default_factory=dict)  # end states of migration lists

    @property
    def cwd(self) -> Path:
        return self.mp.project.cwd

    @cached_property
    def provider(self) -> str:
        """The datasource's provider, read from the schema: no URL (nor its variable) is needed;
        one schemashift has no dialect for (sqlserver, mongodb...) is an error naming the schema."""
        from schemashift.config import _find_datasource, _property, supported_provider
        from schemashift.errors import NoDatasourceError

        found = _find_datasource(self.mp.parsed[0])
        if found is None:
            raise NoDatasourceError()
        prop = _property(found[0], "provider")
        raw = str(getattr(prop.value, "value", "")) if prop is not None and prop.value is not None else ""
        if not raw:
            raise SchemashiftError("The datasource has no provider.")
        return supported_provider(raw, self.mp.project.schema.display)

    @cached_property
    def target_schema(self) -> Schema:
        from schemashift.migrations import engine

        return engine.target_schema(self.mp.files, self.provider, self.mp.parsed)

    @cached_property
    def migrations_dir(self) -> Path:
        return self.mp.migrations_dir

    @cached_property
    def migrations(self) -> list[Migration]:
        from schemashift.migrations.folder import list_migrations

        return list_migrations(self.migrations_dir) if self.migrations_dir.is_dir() else []

    def display(self, path: Path) -> str:
        """``path`` relative to the current directory."""
        import os

        try:
            return os.path.relpath(path, self.cwd)
        except ValueError:  # another drive on Windows
            return str(path)

    def _for_schema(self, url: ConnectionUrl, option: str) -> ConnectionUrl:
        """``url`` (given as ``option``) when it is a database of the schema's provider; a usage
        error otherwise (exit 2)."""
        from schemashift.errors import UsageError

        if url.provider != self.provider:
            raise UsageError(f"{option} is a {url.provider} URL, but the schema's datasource is {self.provider}.")
        return url

    def check_options(self) -> None:
        """Stop before any check when ``--url`` or ``--shadow-database-url`` is for another
        database than the schema's (a schema without provider is left to the checks to report)."""
        try:
            self.provider  # noqa: B018
        except SchemashiftError:
            return
        if self.options.url:
            self.target_url  # noqa: B018
        if self.options.shadow_database_url:
            self.shadow()

    def datasource_url(self) -> ConnectionUrl | None:
        """The datasource's URL, None when it is not set (e.g. ``DATABASE_URL`` unset in a PR job)."""
        from schemashift.connectors import parse_url

        try:
            raw = self.mp.datasource.migration_url
        except SchemashiftError:
            return None
        return parse_url(raw, self.mp.datasource.base_dir or self.mp.schema_dir) if raw else None

    @cached_property
    def target_url(self) -> ConnectionUrl | None:
        from schemashift.connectors import parse_url

        if self.options.url:
            return self._for_schema(parse_url(self.options.url, self.mp.schema_dir), "--url")
        return self.datasource_url()

    def shadow(self) -> tuple[ConnectionUrl | None, ConnectionUrl | None]:
        """(the server a temporary shadow database is created on, a configured shadow database):
        ``--shadow-database-url`` > the datasource's ``shadowDatabaseUrl`` > a temporary database
        on the datasource's server (SQLite: a temporary file), else on the target's."""
        from schemashift.connectors import parse_url

        if self.options.shadow_database_url:
            shadow = parse_url(self.options.shadow_database_url, self.mp.schema_dir)
            return None, self._for_schema(shadow, "--shadow-database-url")
        try:
            configured = self.mp.datasource.shadow_database_url
        except SchemashiftError:
            configured = None
        if configured:
            return None, parse_url(configured, self.mp.schema_dir)
        if self.provider == "sqlite":
            return parse_url("file:schemashift-shadow.db", self.mp.schema_dir), None
        main = self.datasource_url() or self.target_url
        if main is None:
            raise _Skip(
                "needs a database server for the shadow database: give --shadow-database-url, "
                "or set the datasource's URL"
            )
        return main, None

    def end_state(self, migrations: Sequence[Migration]) -> Schema:
        """The schema ``migrations`` produce, replayed on the shadow database (or from the cache)."""
        from schemashift.migrations.shadow import CACHE_DIR_NAME, ShadowCache, history_end_state

        key = "|".join(f"{m.name}:{m.checksum}" for m in migrations)
        if key not in self._states:
            main, configured = self.shadow()
            self._states[key] = history_end_state(
                main,
                list(migrations),
                shadow_url=configured,
                cache=ShadowCache(self.cwd / CACHE_DIR_NAME),
                namespaces=self.mp.namespaces,  # a multi-schema project: all its schemas
                init_script=self.mp.init_shadow_db,
            )
        return self._states[key]

    @property
    def target(self) -> _Target:
        """The target's history, read once; an error reading it (unreachable server) is kept and
        given to every check that asks, so the connection is not tried again."""
        if "target" not in self._memo:
            try:
                self._memo["target"] = self._read_target()
            except (SchemashiftError, _Skip) as exc:
                self._memo["target"] = exc
        found = self._memo["target"]
        if isinstance(found, BaseException):
            raise found
        assert isinstance(found, _Target)
        return found

    def _read_target(self) -> _Target:
        from schemashift.connectors import connect, database_exists
        from schemashift.migrations.history import TABLE, History, list_tables
        from schemashift.migrations.status import diagnose

        url = self.target_url
        if url is None:
            raise _Skip("no target database: give --url, or set the datasource's URL (e.g. DATABASE_URL)")
        if not database_exists(url):
            return _Target(url, exists=False)
        with connect(url) as conn:
            exists = TABLE in list_tables(conn)
            rows = History(conn).rows() if exists else []
        return _Target(url, True, diagnose(self.migrations, rows, table_exists=exists))


Check = Callable[[Context], Outcome]

#: the files of a migrations folder that deploy reads
MIGRATION_FILES = ("migration.sql", "down.sql", "migration_lock.toml")


def _target_name(url: ConnectionUrl) -> str:
    if url.provider == "sqlite":
        return f"`{url.path.name if url.path else url.database}`"
    return f"`{url.database}` at {url.host}:{url.port}"


# --------------------------------------------------------------------------- the checks


def schema_valid(ctx: Context) -> Outcome:
    from schemashift.errors import SchemaValidationError

    try:
        ctx.target_schema  # noqa: B018 - validates and lowers
    except SchemaValidationError as exc:
        notes = []
        for d in exc.diagnostics:
            if not d.is_error:
                continue
            name, text = exc.files[d.span.file_id] if d.span.file_id < len(exc.files) else (ctx.mp.project.schema.display, "")
            line = text.count("\n", 0, d.span.start) + 1
            column = d.span.start - (text.rfind("\n", 0, d.span.start) + 1) + 1
            notes.append(Annotation(name, "error", d.message, line, column, title="schema-valid"))
        return Outcome(
            "fail", f"The schema at {ctx.mp.project.schema.display} has {exc.error_count} error(s) (P1012).",
            tuple(exc.render().splitlines()[1:]), tuple(notes),
        )
    return Outcome("pass", f"The schema at {ctx.mp.project.schema.display} is valid.")


def lock_provider(ctx: Context) -> Outcome:
    from schemashift.migrations.folder import LOCK_FILE, read_lock_provider

    lock = ctx.migrations_dir / LOCK_FILE
    locked = read_lock_provider(ctx.migrations_dir)
    if locked is None:
        if not ctx.migrations:
            raise _Skip(f"no migrations in {ctx.display(ctx.migrations_dir)}")
        return Outcome(
            "warn", f"{ctx.display(lock)} is missing: `schemashift migrate dev` writes it; commit it with the migrations.",
        )
    from schemashift.config import PROVIDER_ALIASES

    if PROVIDER_ALIASES.get(locked, locked) != ctx.provider:
        message = (
            f"{ctx.display(lock)} says `{locked}` but the schema's datasource is `{ctx.provider}` (P3019): "
            "this migration history was written for another database; start a new one with `schemashift migrate dev`."
        )
        note = Annotation(ctx.display(lock), "error", message, 1, title="lock-provider")
        return Outcome("fail", message, annotations=(note,))
    return Outcome("pass", f"{ctx.display(lock)} says `{locked}`, as the schema.")


def migrations_committed(ctx: Context) -> Outcome:
    from schemashift import gitrepo

    if not ctx.migrations_dir.is_dir():
        raise _Skip(f"no migrations folder at {ctx.display(ctx.migrations_dir)}")
    root = gitrepo.toplevel(ctx.migrations_dir.resolve())
    if root is None:
        raise _Skip(f"{ctx.display(ctx.migrations_dir)} is not in a git repository (or git is not installed)")
    # ignored files matter when they are what deploy reads (a .gitignore'd migration is never pushed)
    found = [(status, path) for status, path in gitrepo.uncommitted(ctx.migrations_dir)
             if status != "!!" or path.endswith("/") or Path(path).name in MIGRATION_FILES]
    if not found:
        return Outcome(
            "pass", f"Every file under {ctx.display(ctx.migrations_dir)} is committed.")
    words = {"?": "untracked", "M": "modified", "A": "added, not committed", "D": "deleted", "R": "renamed",
             "U": "unmerged", "!": "ignored by .gitignore, never committed"}
    lines, notes = [], []
    for status, path in found:
        word = words.get(status.strip()[:1] or "M", "changed")
        shown = ctx.display(root / path)
        lines.append(f"{shown} ({word})")
        notes.append(Annotation(shown, "error", f"{shown} is {word}: commit it (git add {shown}).",
                                title="migrations-committed"))
    return Outcome(
        "fail", f"{len(found)} file(s) under {ctx.display(ctx.migrations_dir)} are not committed: "
        "`git add` and commit them, or the deploy runs without them.",
        tuple(lines), tuple(notes), {"files": [p for _, p in found]},
    )


def schema_in_sync(ctx: Context) -> Outcome:
    from schemashift.migrations import engine

    _needs_valid_schema(ctx)
    end = ctx.end_state(ctx.migrations)
    steps = engine.diff(end, ctx.target_schema, engine.dialect_for(ctx.provider))
    n = len(ctx.migrations)
    if not steps:
        return Outcome(
            "pass", f"The {n} migration(s) of {ctx.display(ctx.migrations_dir)} produce the schema.")
    note = Annotation(ctx.mp.project.schema.display, "error",
                      "The schema has changes that no migration contains: run `schemashift migrate dev`.",
                      title="schema-in-sync")
    return Outcome(
        "fail", f"The schema has changes no migration contains: create one with `schemashift migrate dev --name ...` "
        f"({len(steps)} step(s); `migrate diff --from-migrations --to-schema-datamodel` shows them).",
        tuple(engine.summary(steps).rstrip("\n").splitlines()), (note,), {"steps": len(steps)},
    )


def lint(ctx: Context) -> Outcome:
    from schemashift.safety.lint.runner import config_from_settings, edited_since, folder_files, lint_files
    from schemashift.settings import load_settings

    since = ctx.options.since
    if not ctx.migrations_dir.is_dir():
        raise _Skip(f"no migrations folder at {ctx.display(ctx.migrations_dir)}")
    from schemashift.safety.lint.runner import select_files

    files = select_files(ctx.migrations_dir, [], since)
    config = config_from_settings(load_settings(ctx.cwd))
    edited = edited_since(ctx.migrations_dir, since) if since is not None else None
    result = lint_files(files, ctx.provider, config, display_root=ctx.cwd,
                        context=folder_files(ctx.migrations_dir), edited=edited)
    scope = f"{len(files)} migration(s) changed since {since}" if since is not None else f"{len(files)} migration(s)"
    errors = sum(f.level == "error" for f in result.findings)
    warnings = len(result.findings) - errors
    notes = tuple(
        Annotation(f.path, "error" if f.level == "error" else "warning", f"{f.message} Help: {f.help}",
                   f.line, f.column, f.end_line, f.end_column, title=f.rule)
        for f in result.findings
    )
    details = tuple(f"{f.path}:{f.line}:{f.column}: {f.level}[{f.rule}] {f.message}" for f in result.findings)
    status: Status = "fail" if errors else "warn" if warnings else "pass"
    return Outcome(
        status, f"{scope} linted: {errors} error(s), {warnings} warning(s).",
        details, notes, {"files": len(files), "errors": errors, "warnings": warnings},
    )


def pending_migrations(ctx: Context) -> Outcome:
    target = ctx.target
    where = _target_name(target.url)
    if target.status is None:
        names = [m.name for m in ctx.migrations]
        return Outcome(
            "pass", f"The database {where} does not exist yet: deploy creates it and applies {len(names)} migration(s).",
            tuple(names), data={"pending": names, "exists": False},
        )
    st = target.status
    data: dict[str, object] = {"pending": list(st.pending), "applied": len(st.applied)}
    problems = []
    if st.failed:
        problems.append("failed: " + ", ".join(r.migration_name for r in st.failed)
                        + " (deploy stops with P3009: fix it, then `schemashift migrate resolve`)")
    if st.edited:
        problems.append("edited after being applied: " + ", ".join(st.edited))
    if st.unknown:
        problems.append("applied to the database but missing from the folder: " + ", ".join(st.unknown))
    if problems:
        return Outcome(
            "fail", f"The migration history of {where} has problems: " + "; ".join(problems) + ".",
            tuple(f"pending: {n}" for n in st.pending), data=data,
        )
    if st.pending:
        return Outcome(
            "pass", f"{len(st.pending)} migration(s) pending on {where}: `schemashift migrate deploy` applies them.",
            st.pending, data=data,
        )
    return Outcome(
        "pass", f"{where} is up to date ({len(st.applied)} migration(s) applied).", data=data)


def drift(ctx: Context) -> Outcome:
    from schemashift.connectors import connect
    from schemashift.migrations import engine

    target = ctx.target
    where = _target_name(target.url)
    if target.status is None:
        raise _Skip(f"the database {where} does not exist yet")
    st = target.status
    if st.failed or st.edited or st.unknown:
        raise _Skip("the target's migration history has problems (see pending-migrations)")
    applied = [m for m in ctx.migrations if m.name in set(st.applied)]
    expected = ctx.end_state(applied)
    with connect(target.url) as conn:
        conn.follow_prisma(ctx.mp.prisma_major, ctx.mp.external)
        conn.namespaces = ctx.mp.namespaces  # a multi-schema project: all its schemas
        live = engine.describe(conn)
        steps = engine.diff(expected, live, conn.dialect)
    if not steps:
        return Outcome(
            "pass", f"{where} matches its {len(applied)} applied migration(s).")
    return Outcome(
        "fail", f"Drift detected: {where} differs from what its {len(applied)} applied migration(s) produce "
        "(changes made outside migrations). The summary reads from the expected schema to the actual one.",
        tuple(engine.summary(steps).rstrip("\n").splitlines()), data={"steps": len(steps)},
    )


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def backup(ctx: Context) -> Outcome:
    from schemashift.backup import read_manifest

    max_age = ctx.options.max_backup_age
    if max_age is None:
        raise _Skip("no --max-backup-age given")
    url = ctx.target_url
    if url is None:
        raise _Skip("no target database: give --url, or set the datasource's URL (e.g. DATABASE_URL)")
    directory = ctx.options.backups if ctx.options.backups.is_absolute() else ctx.cwd / ctx.options.backups
    shown = str(ctx.options.backups)  # as given
    mine = [e for e in read_manifest(directory) if e.provider == url.provider and e.database == url.database]
    if not mine:
        return Outcome(
            "fail", f"No backup of {_target_name(url)} in {shown}: take one with `schemashift backup create -o {shown}` "
            "(or `migrate deploy --backup`).",
        )
    newest = max(mine, key=lambda e: e.created)
    now = ctx.options.now or datetime.now(timezone.utc)
    age = now - newest.created
    file = directory / newest.file
    data: dict[str, object] = {"file": newest.file, "created_at": newest.created_at, "age_seconds": int(age.total_seconds())}
    if not file.is_file():
        return Outcome(
            "fail", f"The newest backup of {_target_name(url)}, {Path(shown) / newest.file}, is in the manifest but the file is missing.",
            data=data)
    if age > max_age:
        return Outcome(
            "fail", f"The newest backup of {_target_name(url)}, {Path(shown) / newest.file}, is {_age(age)} old: more than "
            f"--max-backup-age ({_age(max_age)}). Take one with `schemashift backup create -o {shown}`.",
            data=data,
        )
    at = f", at migration {newest.migration}" if newest.migration else ""
    return Outcome(
        "pass", f"{Path(shown) / newest.file} was taken {_age(age)} ago{at}.", data=data)


def _needs_valid_schema(ctx: Context) -> None:
    from schemashift.migrations.errors import MigrationFolderError
    from schemashift.migrations.folder import check_lock

    try:
        ctx.target_schema  # noqa: B018
    except SchemashiftError:  # invalid, no datasource, a provider schemashift cannot migrate
        raise _Skip("the schema is invalid (see schema-valid)") from None
    try:
        check_lock(ctx.migrations_dir, ctx.provider)
    except MigrationFolderError:
        raise _Skip("the migration lock file is for another provider (see lock-provider)") from None


#: (id, the guide's checklist item, the check), in the order they run and are reported
CHECKS: tuple[tuple[str, str, Check], ...] = (
    ("schema-valid", "Schema changes reviewed: the schema is valid", schema_valid),
    ("lock-provider", "The migration lock file's provider is the schema's", lock_provider),
    ("migrations-committed", "Migration files committed", migrations_committed),
    ("schema-in-sync", "The migrations produce the schema", schema_in_sync),
    ("lint", "Migrations reviewed: lint is clean", lint),
    ("pending-migrations", "Migration status of the target database", pending_migrations),
    ("drift", "No drift on the target database", drift),
    ("backup", "Production backup created", backup),
)


def run_checks(options: CheckOptions, only: Sequence[str] = (), project: Project | None = None) -> Report:
    """Run every check (or the ones named in ``only``), in order. ``project``: already loaded
    from ``options.schema`` (the command says which schema it loaded)."""
    from schemashift.config import load_project
    from schemashift.migrations.project import MigrateProject

    project = project or load_project(options.schema, options.cwd)
    ctx = Context(options, MigrateProject(project))
    ctx.check_options()
    results = []
    for check_id, title, check in CHECKS:
        if only and check_id not in only:
            continue
        try:
            out = check(ctx)
            results.append(CheckResult(check_id, title, out.status, out.message, out.details, out.annotations, out.data))
        except _Skip as skip:
            results.append(CheckResult(check_id, title, "skipped", f"Skipped: {skip}."))
        except SchemashiftError as exc:
            results.append(CheckResult(check_id, title, "fail", redact(exc.render().removeprefix("Error: "))))
    return Report(tuple(results), options.strict)
