"""``schemashift migrate lint``: file selection, provider, levels from pyproject, exit codes, formats."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'


def _project(tmp: Path, migrations: dict[str, str], provider: str | None = "postgresql") -> Path:
    d = tmp / "prisma" / "migrations"
    d.mkdir(parents=True)
    (tmp / "prisma" / "schema.prisma").write_text(SCHEMA)
    if provider:
        (d / "migration_lock.toml").write_text(f'provider = "{provider}"')
    for name, sql in migrations.items():
        (d / name).mkdir()
        (d / name / "migration.sql").write_text(sql)
    return d


SAFE = 'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\n'
UNSAFE = 'CREATE INDEX "User_bio_idx" ON "User"("bio");\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    _project(tmp_path, {"20250101000000_init": SAFE, "20250102000000_index": UNSAFE})
    return tmp_path


def test_exit_1_on_error_and_text_format(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("migrate", "lint")
    assert r.exit_code == 1
    assert re.search(
        r"^prisma/migrations/20250102000000_index/migration.sql:1:1: error\[require-concurrent-index-creation\] ",
        r.out, re.M,
    )
    assert "help: Use CREATE INDEX CONCURRENTLY" in r.out
    assert "2 migration file(s) checked: 1 error(s)" in r.out


def test_names_select_migrations_and_exit_0_without_errors(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("migrate", "lint", "20250101000000_init")
    assert r.exit_code == 0, r.out + r.err
    assert "1 migration file(s) checked: 0 error(s)" in r.out


def test_levels_from_pyproject(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (project / "pyproject.toml").write_text(
        '[tool.schemashift]\nlock_timeout = "5s"\nstatement_timeout = "1min"\n'
        '[tool.schemashift.lint]\nrequire-concurrent-index-creation = "warning"\n'
    )
    r = run_cli("migrate", "lint", "--format", "json")
    assert r.exit_code == 0
    found = json.loads(r.out)["findings"]
    assert [(f["rule"], f["level"]) for f in found] == [("require-concurrent-index-creation", "warning")]


def test_unknown_rule_in_pyproject_is_an_error(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (project / "pyproject.toml").write_text('[tool.schemashift.lint]\nno-such-rule = "off"\n')
    r = run_cli("migrate", "lint")
    assert r.exit_code == 1 and "unknown rule `no-such-rule`" in r.err


def test_github_format(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("migrate", "lint", "--format", "github")
    lines = r.out.splitlines()
    assert any(
        re.match(r"::error file=prisma/migrations/20250102000000_index/migration.sql,line=1,col=1,endLine=1,"
                 r"endColumn=\d+,title=require-concurrent-index-creation::", line)
        for line in lines
    )
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)


def test_sarif_structure(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(run_cli("migrate", "lint", "--format", "sarif").out)
    assert doc["version"] == "2.1.0" and "sarif" in doc["$schema"]
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert res["message"]["text"]


def test_provider_from_schema_without_lock_and_without_env(tmp_path: Path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    _project(tmp_path, {"20250101000000_a": UNSAFE}, provider=None)
    r = run_cli("migrate", "lint")
    assert r.exit_code == 1 and "require-concurrent-index-creation" in r.out


def test_mysql_folder(tmp_path: Path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    d = _project(tmp_path, {"20250101000000_a": "ALTER TABLE `User` MODIFY `bio` VARCHAR(500) NOT NULL;\n"}, "mysql")
    r = run_cli("migrate", "lint", "--migrations", str(d), "--format", "json")
    assert r.exit_code == 1
    assert [f["rule"] for f in json.loads(r.out)["findings"]] == ["mysql-column-type-change"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_since_a_git_ref(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    new = project / "prisma" / "migrations" / "20250103000000_drop"
    new.mkdir()
    (new / "migration.sql").write_text('ALTER TABLE "User" DROP COLUMN "bio";\n')
    r = run_cli("migrate", "lint", "--since", "HEAD", "--format", "json")
    found = json.loads(r.out)
    assert found["files"] == 1
    assert {f["file"] for f in found["findings"]} == {"prisma/migrations/20250103000000_drop/migration.sql"}
    assert r.exit_code == 1
    assert run_cli("migrate", "lint", "--since", "HEAD", "x").exit_code == 2
    # editing a migration that existed at the ref: its own finding, on line 1
    (project / "prisma" / "migrations" / "20250101000000_init" / "migration.sql").write_text(SAFE + "-- tweak\n")
    found = json.loads(run_cli("migrate", "lint", "--since", "HEAD", "--format", "json").out)
    assert found["files"] == 2
    edited = [f for f in found["findings"] if f["rule"] == "edited-migration"]
    assert [(f["file"], f["line"]) for f in edited] == [("prisma/migrations/20250101000000_init/migration.sql", 1)]


def test_validated_check_in_an_earlier_migration_makes_set_not_null_fine(tmp_path: Path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The help of adding-not-nullable-field (CHECK NOT VALID, VALIDATE, then SET NOT NULL) passes."""
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, {
        "1_check": 'ALTER TABLE "User" ADD CONSTRAINT "User_phone_nn" CHECK ("phone" IS NOT NULL) NOT VALID;\n',
        "2_validate": 'ALTER TABLE "User" VALIDATE CONSTRAINT "User_phone_nn";\n',
        "3_required": 'ALTER TABLE "User" ALTER COLUMN "phone" SET NOT NULL;\nALTER TABLE "User" ALTER COLUMN "fax" SET NOT NULL;\n',
    })
    for args in ((), ("3_required",)):
        r = run_cli("migrate", "lint", "--format", "json", *args)
        found = [(f["file"].split("/")[-2], f["line"], f["rule"]) for f in json.loads(r.out)["findings"]
                 if f["rule"] == "adding-not-nullable-field"]
        assert found == [("3_required", 2, "adding-not-nullable-field")], args
