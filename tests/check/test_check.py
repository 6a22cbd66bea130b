"""``schemashift check``: each check passing and failing on real databases (SQLite and PostgreSQL;
the end-to-end case on MySQL/MariaDB too), through the CLI, with its exit code and formats."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from schemashift.connectors import connect

USER = """
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  createdAt DateTime @default(now())
}
"""

USER_POST = USER + """
model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}

model Author {
  id    Int    @id @default(autoincrement())
  posts Post[]
}
"""


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, capture_output=True, text=True, check=True,
    )
    return proc.stdout


def write_schema(root: Path, provider: str, models: str) -> None:
    (root / "prisma").mkdir(exist_ok=True)
    (root / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{models}'
    )


def statuses(out: str) -> dict[str, str]:
    return {c["id"]: c["status"] for c in json.loads(out)["checks"]}


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """A git repository with one migration applied to ``db_url`` and committed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("DATABASE_URL", db_url)
    # MySQL's migration lock (GET_LOCK) is server-wide: other suites on the same server may hold it
    monkeypatch.setenv("SCHEMASHIFT_MIGRATION_LOCK_TIMEOUT", "120s")
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".gitignore").write_text(".schemashift/\nbackups/\n*.db\n*.db-journal\n")
    write_schema(tmp_path, provider, USER)
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    return tmp_path


def test_a_committed_deployed_project_passes(project: Path, provider: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--format", "json")
    assert r.exit_code == 0, r.out + r.err
    report = json.loads(r.out)
    assert statuses(r.out) == {
        "schema-valid": "pass", "lock-provider": "pass", "migrations-committed": "pass",
        "schema-in-sync": "pass", "lint": report["checks"][4]["status"], "pending-migrations": "pass",
        "drift": "pass", "backup": "skipped",
    }
    assert report["checks"][4]["status"] in ("pass", "warn")  # lint: warnings never fail
    assert report["exit_code"] == 0 and report["summary"]["fail"] == 0
    backup = next(c for c in report["checks"] if c["id"] == "backup")
    assert backup["message"] == "Skipped: no --max-backup-age given."
    pending = next(c for c in report["checks"] if c["id"] == "pending-migrations")
    assert pending["data"] == {"pending": [], "applied": 1}

    # a second migration written but not applied: pending, listed; still exit 0
    write_schema(project, provider, USER_POST)
    r = run_cli("migrate", "dev", "--name", "posts", "--create-only")
    assert r.exit_code == 0, r.err
    git(project, "add", "-A")
    git(project, "commit", "-qm", "posts")
    r = run_cli("check")
    assert r.exit_code == 0, r.out
    line = next(x for x in r.out.splitlines() if x.startswith("PASS  pending-migrations"))
    assert "1 migration(s) pending" in line
    assert re.search(r"^ +\d{14}_posts$", r.out, re.M)


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_uncommitted_migration_fails_with_annotations(project: Path, provider: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_schema(project, provider, USER_POST)
    r = run_cli("migrate", "dev", "--name", "posts")
    assert r.exit_code == 0, r.err
    r = run_cli("check", "--only", "migrations-committed", "--format", "github")
    assert r.exit_code == 1
    (name,) = [p.name for p in (project / "prisma/migrations").iterdir() if p.name.endswith("_posts")]
    assert "::error title=schemashift check%3A migrations-committed::" in r.out
    assert f"::error file=prisma/migrations/{name}/migration.sql,title=migrations-committed::" in r.out
    # run from a sub-folder: file= stays relative to the repository root
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    r = run_cli("check", "--only", "migrations-committed", "--format", "github", "--schema", "../prisma/schema.prisma")
    assert f"::error file=prisma/migrations/{name}/migration.sql,title=migrations-committed::" in r.out, r.out
    assert f"../prisma/migrations/{name}/migration.sql (untracked)" in r.out  # the log line: from here
    monkeypatch.chdir(project)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "posts")
    r = run_cli("check", "--only", "migrations-committed")
    assert r.exit_code == 0 and r.out.startswith("PASS  migrations-committed"), r.out
    # a modified, committed migration is reported as modified
    sql = next((project / "prisma/migrations").glob("*_posts/migration.sql"))
    sql.write_text(sql.read_text() + "\n-- edited\n")
    r = run_cli("check", "--only", "migrations-committed")
    assert r.exit_code == 1 and f"{name}/migration.sql (modified)" in r.out


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_schema_change_without_migration_fails_in_sync(project: Path, provider: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_schema(project, provider, USER_POST)
    r = run_cli("check", "--format", "json")
    assert r.exit_code == 1
    result = next(c for c in json.loads(r.out)["checks"] if c["id"] == "schema-in-sync")
    assert result["status"] == "fail"
    assert "migrate dev" in result["message"]
    assert any("Post" in line for line in result["details"]) and any("Author" in line for line in result["details"])
    assert result["data"]["steps"] >= 2
    # the same verdict as `migrate diff --from-migrations --to-schema-datamodel --exit-code`
    shadow = [] if provider == "sqlite" else ["--shadow-database-url", _scratch_url(project)]
    r = run_cli("migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel",
                "prisma/schema.prisma", "--exit-code", *shadow)
    assert r.exit_code == 2, r.err


def _scratch_url(project: Path) -> str:
    import dbutil

    admin = dbutil.admin_url("postgresql")
    name = dbutil.unique_db_name()
    dbutil.postgres_create(admin, name)
    url = dbutil.with_database(admin, name)
    _SCRATCH.append((admin, name))
    return url


_SCRATCH: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def _drops() -> Iterator[ThreadPoolExecutor]:
    """Scratch databases are dropped in the background (DROP DATABASE waits for a checkpoint on a
    busy server), all of them before the module ends."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


@pytest.fixture(autouse=True)
def _drop_scratch(_drops: ThreadPoolExecutor) -> Iterator[None]:
    yield None
    import dbutil

    while _SCRATCH:
        admin, name = _SCRATCH.pop()
        _drops.submit(dbutil.postgres_drop, admin, name)


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_drift_on_the_target_fails(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    with connect(db_url) as conn:
        conn.execute_script('ALTER TABLE "User" ADD COLUMN "nickname" TEXT')
    r = run_cli("check", "--url", db_url)
    assert r.exit_code == 1
    drift = [x for x in r.out.splitlines() if x.startswith("FAIL  drift")]
    assert drift and "Drift detected" in drift[0]
    assert "nickname" in r.out
    assert "PASS  schema-in-sync" in r.out  # the folder still produces the schema


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_failed_migration_on_the_target_fails_and_drift_is_skipped(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    d = project / "prisma/migrations/20990101000000_broken"
    d.mkdir()
    (d / "migration.sql").write_text('ALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;\n')
    r = run_cli("migrate", "deploy")
    assert r.exit_code != 0
    r = run_cli("check", "--format", "json")
    assert r.exit_code == 1
    checks = {c["id"]: c for c in json.loads(r.out)["checks"]}
    assert checks["pending-migrations"]["status"] == "fail"
    assert "failed: 20990101000000_broken" in checks["pending-migrations"]["message"]
    assert checks["drift"]["status"] == "skipped"
    assert checks["schema-in-sync"]["status"] == "fail"  # the broken migration does not replay (P3006)
    assert "20990101000000_broken" in checks["schema-in-sync"]["message"]


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_backup_age(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    from schemashift.check import CheckOptions, run_checks

    r = run_cli("check", "--only", "backup", "--max-backup-age", "1h")
    assert r.exit_code == 1 and "No backup of" in r.out and "schemashift backup create" in r.out
    r = run_cli("backup", "create", "-o", "backups")
    assert r.exit_code == 0, r.err
    r = run_cli("check", "--only", "backup", "--max-backup-age", "1h")
    assert r.exit_code == 0, r.out
    assert re.search(r"^PASS  backup  backups/\S+ was taken \d+ s ago, at migration \d{14}_init\.$", r.out, re.M), r.out
    # two hours later the same backup is too old
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    (result,) = run_checks(CheckOptions(max_backup_age=timedelta(hours=1), now=later), only=["backup"]).results
    assert result.status == "fail" and "more than --max-backup-age (60 min)" in result.message
    # a backup of another database does not count
    r = run_cli("check", "--only", "backup", "--max-backup-age", "1h", "--url", _other_url(provider, project))
    assert r.exit_code == 1 and "No backup of" in r.out
    # the manifest names a file that is gone
    for f in (project / "backups").glob("*"):
        if f.name != "manifest.json":
            f.unlink()
    r = run_cli("check", "--only", "backup", "--max-backup-age", "1h")
    assert r.exit_code == 1 and "the file is missing" in r.out


def _other_url(provider: str, project: Path) -> str:
    if provider == "sqlite":
        return f"file:{project / 'other.db'}"
    return _scratch_url(project)


def test_invalid_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    write_schema(tmp_path, "sqlite", USER)
    r = run_cli("check", "--max-backup-age", "soon")
    assert r.exit_code == 2 and "--max-backup-age" in r.err and "Traceback" not in r.err
    # a URL of another database than the schema's: a usage error before any check runs
    r = run_cli("check", "--url", "postgresql://u:secret@127.0.0.1:1/x")
    assert r.exit_code == 2 and r.out == ""
    assert "Error: --url is a postgresql URL, but the schema's datasource is sqlite." in r.err
    r = run_cli("check", "--shadow-database-url", "mysql://root@127.0.0.1:1/x")
    assert r.exit_code == 2 and "--shadow-database-url is a mysql URL" in r.err
    r = run_cli("check", "--url", "nonsense")
    assert r.exit_code == 1 and "P1013" in r.err and "Traceback" not in r.err


def test_invalid_schema_and_other_provider_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    write_schema(tmp_path, "sqlite", USER.replace("DateTime", "DateTim"))
    (tmp_path / "prisma/migrations/20250101000000_init").mkdir(parents=True)
    (tmp_path / "prisma/migrations/20250101000000_init/migration.sql").write_text('CREATE TABLE "User" ("id" INTEGER);\n')
    (tmp_path / "prisma/migrations/migration_lock.toml").write_text('provider = "postgresql"')
    r = run_cli("check", "--format", "github")
    assert r.exit_code == 1
    assert re.search(r"^::error file=prisma/schema.prisma,line=9,col=\d+,title=schema-valid::.*DateTim", r.out, re.M), r.out
    assert "::error file=prisma/migrations/migration_lock.toml,line=1,title=lock-provider::" in r.out
    assert "SKIP  schema-in-sync: Skipped: the schema is invalid (see schema-valid)." in r.out
    # not a git repository; no target database: skipped, each with its reason
    assert "SKIP  migrations-committed: Skipped: prisma/migrations is not in a git repository" in r.out
    assert "SKIP  pending-migrations: Skipped: no target database: give --url" in r.out


def test_strict_makes_warnings_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    write_schema(tmp_path, "sqlite", USER)
    r = run_cli("check", "--only", "lock-provider")  # migrations without a lock file: a warning
    assert r.exit_code == 0 and r.out.startswith("SKIP"), r.out  # no migrations at all: skipped
    d = tmp_path / "prisma/migrations/20250101000000_init"
    d.mkdir(parents=True)
    (d / "migration.sql").write_text('CREATE TABLE "User" ("id" INTEGER);\n')
    r = run_cli("check", "--only", "lock-provider")
    assert r.exit_code == 0 and r.out.startswith("WARN  lock-provider  prisma/migrations/migration_lock.toml is missing"), r.out
    r = run_cli("check", "--only", "lock-provider", "--strict")
    assert r.exit_code == 1 and "--strict: warnings fail." in r.out


@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
def test_lint_since_a_ref_and_the_step_summary(project: Path, provider: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    base = git(project, "rev-parse", "HEAD").strip()
    d = project / "prisma/migrations/20990101000000_drop"
    d.mkdir()
    (d / "migration.sql").write_text('DROP TABLE "User";\n')
    summary = project / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = run_cli("check", "--only", "lint", "--since", base, "--format", "github")
    assert r.exit_code == 1
    assert "::error file=prisma/migrations/20990101000000_drop/migration.sql,line=1,col=1," in r.out
    assert "title=ban-drop-table::" in r.out
    text = summary.read_text()
    assert "| ❌ | Migrations reviewed: lint is clean (`lint`) | 1 migration(s) changed since" in text
    r = run_cli("check", "--only", "lint", "--since", "no-such-ref")
    assert r.exit_code == 1 and "--since no-such-ref: no such commit in this repository." in r.out


def test_a_gitignored_migration_is_not_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    write_schema(tmp_path, "sqlite", USER)
    d = tmp_path / "prisma/migrations/20250101000000_init"
    d.mkdir(parents=True)
    (d / "migration.sql").write_text('CREATE TABLE "User" ("id" INTEGER);\n')
    (d / "notes.txt").write_text("scratch\n")
    (tmp_path / ".gitignore").write_text("*.sql\n*.txt\n")  # a too-wide rule
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    r = run_cli("check", "--only", "migrations-committed", "--format", "json")
    assert r.exit_code == 1
    (result,) = json.loads(r.out)["checks"]
    # the ignored migration.sql counts, an ignored scratch file does not
    assert result["details"] == ["prisma/migrations/20250101000000_init/migration.sql (ignored by .gitignore, never committed)"]
    (tmp_path / ".gitignore").write_text("prisma/\n")  # the whole folder
    r = run_cli("check", "--only", "migrations-committed")
    assert r.exit_code == 1 and "\n      prisma/migrations (ignored by .gitignore, never committed)\n" in r.out


def test_a_provider_schemashift_cannot_migrate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    write_schema(tmp_path, "sqlserver", USER)
    r = run_cli("check", "--format", "json")
    assert r.exit_code == 1, r.err
    checks = {c["id"]: c for c in json.loads(r.out)["checks"]}
    assert checks["schema-valid"]["status"] == "fail"
    assert "`sqlserver` in `prisma/schema.prisma` is not supported" in checks["schema-valid"]["message"]
    assert checks["schema-in-sync"]["message"] == "Skipped: the schema is invalid (see schema-valid)."
