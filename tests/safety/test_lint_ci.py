"""``migrate lint`` in CI: timeouts only where a table that exists is locked, paths relative to the
git root (GitHub annotations, SARIF ``uriBaseId``), the shallow-clone advice for ``--since``, and
the warning for unknown ``[tool.schemashift]`` keys."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from schemashift.safety.lint import lint_script

PG = "postgresql"
TIMEOUT_RULES = {"require-lock-timeout", "require-statement-timeout"}


def timeouts(sql: str) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in lint_script("m.sql", sql, PG) if f.rule in TIMEOUT_RULES]


def test_no_timeout_findings_for_tables_created_in_the_same_migration() -> None:
    # Prisma's init migration: CREATE TABLE, then a unique index on it
    assert timeouts('CREATE TABLE "User" ("id" TEXT, "email" TEXT);\nCREATE UNIQUE INDEX "u" ON "User"("email");\n') == []
    # a new table whose foreign key references an existing table: that table is locked
    # (lock_timeout), but the work is on the new, empty table (no statement_timeout)
    sql = (
        'CREATE TABLE "Post" ("id" TEXT, "userId" TEXT);\n'
        'CREATE INDEX "p" ON "Post"("userId");\n'
        'ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("userId") REFERENCES "User"("id");\n'
    )
    assert timeouts(sql) == [("require-lock-timeout", 3)]
    # both tables new: nothing
    sql = (
        'CREATE TABLE "A" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "B" ("a" TEXT);\n'
        'ALTER TABLE "B" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "A"("id");\n'
    )
    assert timeouts(sql) == []
    # CREATE TABLE with an inline reference to an existing table
    assert timeouts('CREATE TABLE "C" ("u" TEXT REFERENCES "User"("id"));\n') == [("require-lock-timeout", 1)]
    # an existing table: both, once per file
    sql = 'ALTER TABLE "User" ADD COLUMN "a" TEXT;\nALTER TABLE "User" ADD COLUMN "b" TEXT;\n'
    assert timeouts(sql) == [("require-lock-timeout", 1), ("require-statement-timeout", 1)]
    # outside a transaction (CONCURRENTLY) a table created by an earlier statement is visible: reported
    sql = ('CREATE TABLE IF NOT EXISTS "T" ("a" TEXT);\n'
           'CREATE INDEX CONCURRENTLY IF NOT EXISTS "t" ON "T"("a");\n')
    assert timeouts(sql) == [("require-lock-timeout", 2), ("require-statement-timeout", 2)]
    # statements whose tables are not followed still count (DROP INDEX)
    assert ("require-lock-timeout", 2) in timeouts('CREATE TABLE "X" ("a" TEXT);\nDROP INDEX "i";\n')


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose project is in a sub-folder (backend/), as in monorepos."""
    root = tmp_path / "repo"
    m = root / "backend/prisma/migrations/20250101000000_index"
    m.mkdir(parents=True)
    (root / "backend/prisma/schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n')
    (root / "backend/prisma/migrations/migration_lock.toml").write_text('provider = "postgresql"')
    (m / "migration.sql").write_text('CREATE INDEX "i" ON "User"("email");\n')
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    return root


def test_github_and_sarif_paths_are_relative_to_the_git_root(repo: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(repo / "backend")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    r = run_cli("migrate", "lint", "--format", "github")
    assert r.exit_code == 1
    assert "::error file=backend/prisma/migrations/20250101000000_index/migration.sql,line=1,col=1," in r.out
    r = run_cli("migrate", "lint", "--format", "sarif")
    run = json.loads(r.out)["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    locations = {json.dumps(res["locations"][0]["physicalLocation"]["artifactLocation"]) for res in run["results"]}
    assert locations == {json.dumps({"uri": "backend/prisma/migrations/20250101000000_index/migration.sql",
                                     "uriBaseId": "%SRCROOT%"})}
    # text keeps paths relative to the current directory, for people
    r = run_cli("migrate", "lint")
    assert r.out.startswith("prisma/migrations/20250101000000_index/migration.sql:1:1: error")


def test_sarif_outside_a_repository_is_relative_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    m = tmp_path / "prisma/migrations/20250101000000_index"
    m.mkdir(parents=True)
    (tmp_path / "prisma/schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n')
    (m / "migration.sql").write_text('CREATE INDEX "i" ON "User"("email");\n')
    monkeypatch.chdir(tmp_path)
    run = json.loads(run_cli("migrate", "lint", "--format", "sarif").out)["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "prisma/migrations/20250101000000_index/migration.sql"


def test_since_a_ref_missing_from_a_shallow_clone_says_how_to_fetch_it(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    (repo / "README").write_text("two\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two")
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.resolve().as_uri(), str(clone)], check=True, capture_output=True)
    monkeypatch.chdir(clone / "backend")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    r = run_cli("migrate", "lint", "--since", first)
    assert r.exit_code == 1
    assert f"--since {first}: no such commit in this repository." in r.err
    assert "git fetch --unshallow" in r.err and "fetch-depth: 0" in r.err
    assert "Traceback" not in r.err
    # in the full repository the same ref works, and a missing one gets the fetch advice
    monkeypatch.chdir(repo / "backend")
    assert run_cli("migrate", "lint", "--since", first).exit_code == 0
    r = run_cli("migrate", "lint", "--since", "origin/main")
    assert r.exit_code == 1 and "git fetch origin main" in r.err and "unshallow" not in r.err


def test_unknown_tool_schemashift_keys_are_warned_about_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    from schemashift.config import TOOL_KEYS

    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text('datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n')
    (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nlock_timout = "5s"\nseed = "true"\n')
    r = run_cli("validate")
    assert r.exit_code == 0
    assert r.err.count("Warning: unknown key in [tool.schemashift] of pyproject.toml, ignored: "
                       "`lock_timout` (did you mean `lock_timeout`?). Known keys: ") == 1
    assert ", ".join(TOOL_KEYS) in r.err
    # every key the settings read is known: no warning
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemashift]\nschema = "prisma/schema.prisma"\nlock_timeout = "5s"\nstatement_timeout = "1min"\n'
        'migration_lock_timeout = "10s"\nproduction_hosts = []\nkeep_labelled_days = 3\nseed = "true"\n'
        '[tool.schemashift.lint]\nban-drop-table = "warning"\n'
    )
    r = run_cli("migrate", "lint", "--format", "json")
    assert "Warning" not in r.err, r.err


def test_timeout_findings_on_the_example_projects_generated_migrations() -> None:
    """examples/project: seven migrations written by `migrate dev` (the sixth edited to CONCURRENTLY),
    linted without the project's lock_timeout/statement_timeout settings."""
    from schemashift.safety.lint import LintConfig
    from schemashift.safety.lint.runner import folder_files, lint_files

    folder = Path(__file__).resolve().parents[2] / "examples/project/prisma/migrations"
    files = folder_files(folder)
    found: dict[str, list[tuple[str, int]]] = {}
    for f in lint_files(files, PG, LintConfig()).findings:
        if f.rule in TIMEOUT_RULES:
            found.setdefault(Path(f.path).parent.name.split("_", 1)[1], []).append((f.rule, f.line))
    def fk_line(name: str) -> int:
        (sql,) = folder.glob(f"*_{name}/migration.sql")
        return next(i for i, line in enumerate(sql.read_text().splitlines(), 1) if "FOREIGN KEY" in line)

    assert "init" not in found  # CREATE TABLE + its unique index: nothing to wait for
    for name in ("add_messages", "add_api_keys"):  # a new table's foreign key to "User"
        assert found[name] == [("require-lock-timeout", fk_line(name))]
    for name in ("add_user_first_name", "add_user_subscription_tier", "add_user_phone_number",
                 "add_users_created_at_index"):  # ALTER TABLE / CREATE INDEX on "User"
        assert sorted(rule for rule, _ in found[name]) == sorted(TIMEOUT_RULES)
    assert sum(map(len, found.values())) == 10  # 14 before tables created in the migration were known
