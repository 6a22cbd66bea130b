"""Choosing what to lint (a migrations folder, named migrations, the ones added since a git ref)
and with which provider and levels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemashift.errors import SchemashiftError, UsageError
from schemashift.safety.lint.engine import History, LintConfig, lint_script
from schemashift.safety.lint.model import ALL_PROVIDERS, LEVELS, REGISTRY, Finding, rule
from schemashift.settings import Settings


EDITED_MIGRATION = rule(
    "edited-migration", "error",
    "This migration existed at the --since ref and was edited: every database that already applied "
    "it will report a checksum mismatch (`migrate status`: edited), and the edit never runs there.",
    "Revert the edit and put the change in a new migration (`schemashift migrate dev --create-only`).",
    providers=ALL_PROVIDERS,
)


@dataclass
class LintResult:
    files: list[Path]
    findings: list[Finding]

    @property
    def failed(self) -> bool:
        return any(f.level == "error" for f in self.findings)


def config_from_settings(settings: Settings) -> LintConfig:
    levels: dict[str, str] = {}
    for name, level in settings.lint.items():
        ids = REGISTRY.resolve(name)
        if not ids:
            raise SchemashiftError(f"`[tool.schemashift.lint]` names an unknown rule `{name}` (see docs/lint.md).")
        if level not in LEVELS:
            raise SchemashiftError(
                f"`[tool.schemashift.lint] {name}` must be one of {', '.join(LEVELS)}, not {level!r}."
            )
        for i in ids:
            levels[i] = level
    from schemashift.online.plan import MIN_ROWS

    return LintConfig(
        levels=levels,
        lock_timeout=bool(settings.lock_timeout_ms),
        statement_timeout=bool(settings.statement_timeout_ms),
        large_table_rows=settings.large_table_rows if settings.large_table_rows is not None else MIN_ROWS,
    )


def folder_files(migrations: Path) -> list[Path]:
    if not migrations.is_dir():
        return []
    return sorted(p / "migration.sql" for p in migrations.iterdir() if (p / "migration.sql").is_file())


def select_files(migrations: Path, names: list[str], since: str | None) -> list[Path]:
    if since is not None and names:
        raise UsageError("Give either --since or migration names, not both.")
    if since is not None:
        return _since(migrations, since)
    if names:
        out = []
        for n in names:
            p = Path(n)
            if p.is_file():
                out.append(p)
            elif (p / "migration.sql").is_file():
                out.append(p / "migration.sql")
            elif (migrations / n / "migration.sql").is_file():
                out.append(migrations / n / "migration.sql")
            else:
                raise UsageError(f"No migration `{n}` in {migrations} (and no such file).")
        return out
    if not migrations.is_dir():
        raise SchemashiftError(f"No migrations folder at {migrations}.")
    return folder_files(migrations)


def _git(args: list[str], cwd: Path) -> list[str]:
    from schemashift import gitrepo

    return gitrepo.run(args, cwd, "--since")


def _changed(migrations: Path, ref: str, diff_filter: str) -> tuple[Path, list[str]]:
    """The repository root and the files under ``migrations`` git reports changed since ``ref``
    (a missing ref in a shallow clone: the advice to fetch the history)."""
    from schemashift import gitrepo

    gitrepo.verify_ref(ref, migrations)
    top = Path(_git(["rev-parse", "--show-toplevel"], migrations)[0])
    return top, _git(["diff", "--name-only", f"--diff-filter={diff_filter}", ref, "--", str(migrations)], migrations)


def _since(migrations: Path, ref: str) -> list[Path]:
    """migration.sql files added or changed since ``ref``, committed or not (untracked included)."""
    migrations = migrations.resolve()
    top, changed = _changed(migrations, ref, "AMR")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--full-name", "--", str(migrations)], migrations)
    paths = {top / p for p in changed + untracked if p.endswith("migration.sql")}
    return sorted(p for p in paths if p.is_file())


def edited_since(migrations: Path, ref: str) -> set[Path]:
    """migration.sql files that existed at ``ref`` and were changed since (not added)."""
    migrations = migrations.resolve()
    top, changed = _changed(migrations, ref, "M")
    return {(top / p).resolve() for p in changed if p.endswith("migration.sql")}


def lint_files(
    files: list[Path],
    provider: str,
    config: LintConfig,
    display_root: Path | None = None,
    context: list[Path] | None = None,
    edited: set[Path] | None = None,
) -> LintResult:
    """Lint ``files``. ``context``: the folder's migrations in order; the ones not selected are
    read without being reported, so that what earlier migrations established (a validated
    CHECK (col IS NOT NULL), say) carries over to the later, selected ones."""
    import os

    findings: list[Finding] = []
    history = History()
    root = os.path.abspath(display_root) if display_root is not None else None
    selected = {os.path.abspath(p): p for p in files}
    order = [(p, os.path.abspath(p) in selected) for p in context or ()]
    in_context = {os.path.abspath(p) for p, _ in order}
    order += [(p, True) for p in files if os.path.abspath(p) not in in_context]
    for path, report in order:
        sql = path.read_bytes().decode("utf-8", "replace")
        if not report:
            lint_script(str(path), sql, provider, config, history)
            continue
        shown = str(path)
        if root is not None:
            rel = os.path.relpath(os.path.abspath(path), root)
            if not rel.startswith(".."):
                shown = rel
        if edited and path.resolve() in edited and config.level(EDITED_MIGRATION) != "off":
            rule = REGISTRY.rules[EDITED_MIGRATION]
            findings.append(Finding(EDITED_MIGRATION, config.level(EDITED_MIGRATION), shown, 1, 1, 1, 1,
                                    rule.message, rule.help, -1))
        findings.extend(lint_script(shown, sql, provider, config, history))
    return LintResult(files, findings)


def lint_provider(schema: str | None, migrations_dir: Path | None) -> tuple[str, Path]:
    """The provider (from migration_lock.toml, else the schema's datasource) and the migrations
    folder (``migrations_dir``, else next to the schema). No URL is needed: lint connects to nothing."""
    from schemashift.migrations.folder import read_lock_provider

    if migrations_dir is not None:
        locked = read_lock_provider(migrations_dir)
        if locked:
            return locked, migrations_dir
    from schemashift.config import PROVIDER_ALIASES, _find_datasource, _property, load_project
    from schemashift.errors import NoDatasourceError
    from schemashift.psl import parse_files

    project = load_project(schema)
    directory = migrations_dir if migrations_dir is not None else project.migrations_dir
    locked = read_lock_provider(directory)
    if locked:
        return locked, directory
    parsed, _ = parse_files(project.read())
    found = _find_datasource(parsed)
    if found is None:
        raise NoDatasourceError()
    prop = _property(found[0], "provider")
    raw = str(getattr(prop.value, "value", "")) if prop is not None and prop.value is not None else ""
    if not raw:
        raise SchemashiftError("The datasource has no provider: `migrate lint` needs one (or a migration_lock.toml).")
    return PROVIDER_ALIASES.get(raw, raw), directory
