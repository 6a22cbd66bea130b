"""`migrate lint --stats-url`: one-shot forms on tables above `large_table_rows` (live statistics)
are errors that name the online form; the forms `migrate dev --online` writes pass. Real tables on
PostgreSQL and MariaDB, a small threshold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.safety.lint.model import REGISTRY

ROWS = 300

HEAD = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'
MODELS = """
model Team {
  id    Int    @id
%(team)s
}

model User {
  id     Int     @id
  name   %(name)s
  teamId Int?
%(user)s
}
"""

BEFORE = {"team": "", "name": "String?", "user": ""}
#: pattern -> the schema after it
PATTERNS = {
    "index": {**BEFORE, "user": "  @@index([name])"},
    "not_null": {**BEFORE, "name": "String"},
    "foreign_key": {
        **BEFORE,
        "team": "  users User[]",
        "user": "  team Team? @relation(fields: [teamId], references: [id])",
    },
}
#: the rule and the start of its message on a big table, per database (None: not a lock there)
EXPECTED = {
    "postgresql": {
        "index": ("require-concurrent-index-creation", f'CREATE INDEX on "User" ({ROWS} rows) locks writes until the index is built: use CREATE INDEX CONCURRENTLY (`migrate dev --online` writes it).'),
        "not_null": ("adding-not-nullable-field", f'SET NOT NULL on "User" ({ROWS} rows) locks reads and writes while every row is scanned: use ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID'),
        "foreign_key": ("adding-foreign-key-constraint", f'ADD FOREIGN KEY on "User" ({ROWS} rows) locks writes while every row is checked: use ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT'),
    },
    "mysql": {
        "index": None,  # InnoDB builds a secondary index in place, writes going on
        "not_null": None,  # MODIFY keeping the type: in place
        "foreign_key": ("mysql-add-foreign-key", f'ADD FOREIGN KEY on "User" ({ROWS} rows) copies the table while writes wait: use SET foreign_key_checks = 0, ADD ... ALGORITHM=INPLACE'),
    },
}


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_schema(project: Path, provider: str, parts: dict[str, str]) -> None:
    (project / "prisma/schema.prisma").write_text(HEAD % provider + MODELS % parts)


def threshold(project: Path, rows: int) -> None:
    (project / "pyproject.toml").write_text(f"[tool.schemashift]\nlarge_table_rows = {rows}\n")


def populate(provider: str, db_url: str) -> None:
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q}Team{q} ({q}id{q}) VALUES (1), (2)")
        users = ", ".join(f"({i}, 'n{i}', {i % 2 + 1})" for i in range(1, ROWS + 1))
        conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}name{q}, {q}teamId{q}) VALUES {users}")
        conn.execute(f"ANALYZE {'TABLE ' if provider == 'mysql' else ''}{q}User{q}")


def new_migrations(project: Path, init: str) -> list[str]:
    return [p.name for p in sorted((project / "prisma/migrations").iterdir()) if p.is_dir() and p.name != init]


def lint(run_cli, names: list[str], db_url: str | None):  # type: ignore[no-untyped-def]
    stats = ["--stats-url", db_url] if db_url else []
    r = run_cli("migrate", "lint", "--json", *stats, *names)
    assert "Traceback" not in r.err, r.err
    return r.exit_code, json.loads(r.out)["findings"]


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_one_shot_forms_on_big_tables_are_errors_naming_the_online_form(
    project: Path, provider: str, db_url: str, pattern: str, run_cli
) -> None:
    write_schema(project, provider, BEFORE)
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    (init,) = new_migrations(project, "")
    populate(provider, db_url)
    write_schema(project, provider, PATTERNS[pattern])
    r = run_cli("migrate", "dev", "--create-only", "-n", pattern, "--skip-generate")
    assert r.exit_code == 0, r.err
    one_shot = new_migrations(project, init)
    expected = EXPECTED[provider][pattern]

    threshold(project, ROWS + 1)  # the table is below the threshold: the configured levels
    code, findings = lint(run_cli, one_shot, db_url)
    assert not any("rows)" in f["message"] for f in findings), findings

    threshold(project, ROWS)  # at the threshold: errors naming the online form
    code, findings = lint(run_cli, one_shot, db_url)
    if expected is None:
        assert not any("rows)" in f["message"] for f in findings), findings
    else:
        rule, message = expected
        found = [f for f in findings if f["rule"] == rule]
        assert found and found[0]["level"] == "error" and found[0]["message"].startswith(message), findings
        assert code == 1
        code, findings = lint(run_cli, one_shot, None)  # no live statistics: the rule's own level and message
        assert [(f["level"], f["message"]) for f in findings if f["rule"] == rule] == [
            (REGISTRY.rules[rule].level, REGISTRY.rules[rule].message)
        ]

    # the online form of the same change passes
    for name in one_shot:
        shutil.rmtree(project / "prisma/migrations" / name)
    r = run_cli("migrate", "dev", "--online", "--create-only", "-n", pattern, "--skip-generate")
    assert r.exit_code == 0, r.err
    code, findings = lint(run_cli, new_migrations(project, init), db_url)
    assert code == 0 and not [f for f in findings if f["level"] == "error"], findings


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_drop_index_is_sized_by_its_table(project: Path, provider: str, db_url: str, run_cli) -> None:
    write_schema(project, provider, PATTERNS["index"])
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    (init,) = new_migrations(project, "")
    populate(provider, db_url)
    write_schema(project, provider, BEFORE)
    assert run_cli("migrate", "dev", "--create-only", "-n", "drop", "--skip-generate").exit_code == 0
    threshold(project, 100)
    code, findings = lint(run_cli, new_migrations(project, init), db_url)
    found = [f for f in findings if f["rule"] == "require-concurrent-index-deletion"]
    assert code == 1 and found and found[0]["message"] == (
        f'DROP INDEX on "User" ({ROWS} rows) locks reads and writes (ACCESS EXCLUSIVE): use DROP INDEX CONCURRENTLY'
        " (`migrate dev --online` writes it)."
    )


def test_a_bad_threshold_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma/migrations").mkdir(parents=True)
    (tmp_path / "prisma/migrations/migration_lock.toml").write_text('provider = "postgresql"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nlarge_table_rows = "many"\n')
    r = run_cli("migrate", "lint", "--migrations", "prisma/migrations")
    assert r.exit_code == 1 and "large_table_rows" in r.err and "Traceback" not in r.err


def test_sizes_raise_only_the_sized_table_and_respect_off_and_ignores() -> None:
    """No database: the statistics given directly. A one-shot form on the big table is an error
    naming the online form; on the small table it keeps its level; `off` and an ignore still win."""
    from schemashift.safety.lint.engine import LintConfig, lint_script
    from schemashift.safety.lint.sizes import TableStats

    sql = (
        'ALTER TABLE "Big" ALTER COLUMN "n" SET DATA TYPE BIGINT;\n'
        'ALTER TABLE "Small" ADD CONSTRAINT "f" FOREIGN KEY ("x") REFERENCES "Big"("id");\n'
        'ALTER TABLE "Big" ADD CONSTRAINT "g" FOREIGN KEY ("x") REFERENCES "Small"("id");\n'
        "-- schemashift:ignore require-concurrent-index-creation built at night\n"
        'CREATE INDEX "i" ON "Big"("n");\n'
    )
    stats = TableStats({"Big": 2_000_000, "Small": 10})
    found = {(f.rule, f.line): f for f in lint_script("m.sql", sql, "postgresql", LintConfig(stats=stats, large_table_rows=1000))}
    big_type = found[("changing-column-type", 1)]
    assert big_type.level == "error" and big_type.message.startswith(
        'ALTER COLUMN TYPE on "Big" (2,000,000 rows) rewrites the table while reads and writes wait: use expand and contract'
    )
    assert found[("adding-foreign-key-constraint", 2)].level == "warning"  # the small table
    big_fk = found[("adding-foreign-key-constraint", 3)]
    assert big_fk.level == "error" and "(2,000,000 rows)" in big_fk.message
    assert ("require-concurrent-index-creation", 5) not in found  # the ignore still silences it
    off = LintConfig(stats=stats, large_table_rows=1000, levels={"adding-foreign-key-constraint": "off"})
    assert not [f for f in lint_script("m.sql", sql, "postgresql", off) if f.rule == "adding-foreign-key-constraint"]
