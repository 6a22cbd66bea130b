"""`migrate dev --online` on real databases: each pattern writes the online SQL, `migrate deploy`
applies it to a populated table, the history is up to date, the schema converges, no row is lost."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from schemashift.connectors import connect
from dbutil import second_database

ROWS = 2000

HEAD = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'

BASE = """
model User {
  id    Int     @id
  email String?
  name  String?
%(user_extra)s
}

model Post {
  id     Int  @id
  userId Int?
%(post_extra)s
}
"""

#: pattern -> (before, after): the extra lines of User and Post
PATTERNS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "index": ({}, {"user_extra": "  @@index([name])"}),
    "unique": ({}, {"user_extra": "  @@unique([email])"}),
    "foreign_key": (
        {},
        {"user_extra": "  posts Post[]", "post_extra": "  user User? @relation(fields: [userId], references: [id])"},
    ),
    "not_null": ({}, {}),
    "drop_index": ({"user_extra": "  @@index([name])"}, {}),
    "add_column": ({}, {"user_extra": "  age Int?"}),
    "type_change": ({"user_extra": "  score Int?"}, {"user_extra": "  score BigInt?"}),
}

EXPECTED = {
    "postgresql": {
        "type_change": None,  # expand/contract: tests/online/test_phases.py
        "index": ['CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");'],
        "unique": ['CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");'],
        "foreign_key": [
            "SET lock_timeout = '2s';",
            'ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;',
            'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_userId_fkey";',
        ],
        "not_null": [
            'ALTER TABLE "User" ADD CONSTRAINT "User_name_not_null" CHECK ("name" IS NOT NULL) NOT VALID;',
            'ALTER TABLE "User" VALIDATE CONSTRAINT "User_name_not_null";',
            'ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;',
            'ALTER TABLE "User" DROP CONSTRAINT "User_name_not_null";',
        ],
        "drop_index": ['DROP INDEX CONCURRENTLY "User_name_idx";'],
        "add_column": ["SET LOCAL lock_timeout = '2s';", 'ALTER TABLE "User" ADD COLUMN     "age" INTEGER;'],
    },
    "mysql": {
        "index": ["CREATE INDEX `User_name_idx` ON `User`(`name`) ALGORITHM=INPLACE LOCK=NONE;"],
        "unique": ["CREATE UNIQUE INDEX `User_email_key` ON `User`(`email`) ALGORITHM=INPLACE LOCK=NONE;"],
        "not_null": ["SELECT (SELECT 1 UNION ALL (SELECT 1 FROM `User` WHERE `name` IS NULL LIMIT 1)) AS `not null check`;",
                     "-- schemashift:online-copy\nALTER TABLE `User` MODIFY `name` VARCHAR(191) NOT NULL;"]
        if shutil.which("pt-online-schema-change")
        else ["MODIFY `name` VARCHAR(191) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;"],
        "drop_index": ["ALTER TABLE `User` DROP INDEX `User_name_idx`, ALGORITHM=INPLACE, LOCK=NONE;"],
        "add_column": ["ALTER TABLE `User` ADD COLUMN `age` INTEGER NULL, ALGORITHM=INSTANT;"],
        "foreign_key": [
            "SET foreign_key_checks = 0;",
            "ON DELETE SET NULL ON UPDATE CASCADE, ALGORITHM=INPLACE, LOCK=NONE;",
            "SET foreign_key_checks = 1;",
            "SELECT (SELECT 1 UNION ALL (SELECT 1 FROM `Post` AS c WHERE c.`userId` IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM `User` AS p WHERE p.`id` = c.`userId`) LIMIT 1)) AS `foreign key check`;",
        ],
        # the server copies the table: pt-online-schema-change when installed, else refused
        "type_change": ["-- schemashift:online-copy\nALTER TABLE `User` MODIFY `score` BIGINT NULL;"]
        if shutil.which("pt-online-schema-change")
        else None,
    },
}


def schema(provider: str, extra: dict[str, str], required_name: bool = False) -> str:
    text = HEAD % provider + BASE % {"user_extra": extra.get("user_extra", ""), "post_extra": extra.get("post_extra", "")}
    return text.replace("name  String?", "name  String") if required_name else text


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def populate(provider: str, db_url: str) -> None:
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        for start in range(1, ROWS + 1, 500):
            users = ", ".join(f"({i}, 'u{i}@x', 'n{i}')" for i in range(start, start + 500))
            conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}, {q}name{q}) VALUES {users}")
            posts = ", ".join(f"({i}, {i})" for i in range(start, start + 500))
            conn.execute(f"INSERT INTO {q}Post{q} ({q}id{q}, {q}userId{q}) VALUES {posts}")


def counts(provider: str, db_url: str) -> tuple[int, int]:
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        users = conn.query_one(f"SELECT COUNT(*) FROM {q}User{q}")
        posts = conn.query_one(f"SELECT COUNT(*) FROM {q}Post{q}")
    assert users is not None and posts is not None
    return int(users[0]), int(posts[0])


def online_sql(project: Path, init: str) -> str:
    folders = sorted(p for p in (project / "prisma/migrations").iterdir() if p.is_dir() and p.name != init)
    return "\n".join((p / "migration.sql").read_text() for p in folders)


def init_project(project: Path, provider: str, db_url: str, before: dict[str, str], run_cli) -> str:  # type: ignore[no-untyped-def]
    (project / "prisma/schema.prisma").write_text(schema(provider, before))
    r = run_cli("migrate", "dev", "-n", "init", "--skip-generate")
    assert r.exit_code == 0, r.err
    populate(provider, db_url)
    (init,) = [p.name for p in (project / "prisma/migrations").iterdir() if p.is_dir()]
    return init


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_online_pattern_deploys_on_a_populated_table(
    project: Path, provider: str, db_url: str, pattern: str, run_cli
) -> None:
    before, after = PATTERNS[pattern]
    init = init_project(project, provider, db_url, before, run_cli)
    schema_path = project / "prisma/schema.prisma"
    schema_path.write_text(schema(provider, after, required_name=pattern == "not_null"))
    r = run_cli("migrate", "dev", "--online", "-n", pattern, "--create-only", "--skip-generate")
    expected = EXPECTED[provider].get(pattern)
    if provider == "postgresql" and pattern == "type_change":
        pytest.skip("a multi-step plan on PostgreSQL: tests/online/test_phases.py")
    if expected is None:  # MySQL type change without pt-online-schema-change: refused, nothing written
        assert r.exit_code == 1
        assert "SHARED lock" in r.err and f"about {ROWS} rows" in r.err and "Traceback" not in r.err
        assert online_sql(project, init) == ""
        return
    assert r.exit_code == 0, r.err
    sql = online_sql(project, init)
    for line in expected:
        assert line in sql, sql
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert run_cli("migrate", "status").exit_code == 0
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", str(schema_path), "--exit-code")
    assert r.exit_code == 0, r.out
    assert counts(provider, db_url) == (ROWS, ROWS)


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_concurrent_index_is_alone_in_its_migration(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Each CONCURRENTLY statement has a folder of its own (Prisma sends a script whole, and
    PostgreSQL refuses CONCURRENTLY in a multi-statement query); constraints keep theirs."""
    init = init_project(project, provider, db_url, {}, run_cli)
    after = {"user_extra": "  posts Post[]\n  @@index([name])\n  @@unique([email])",
             "post_extra": "  user User? @relation(fields: [userId], references: [id])"}
    (project / "prisma/schema.prisma").write_text(schema(provider, after))
    r = run_cli("migrate", "dev", "--online", "-n", "many", "--skip-generate")
    assert r.exit_code == 0, r.err
    folders = sorted(p for p in (project / "prisma/migrations").iterdir() if p.is_dir() and p.name != init)
    scripts = [(p / "migration.sql").read_text() for p in folders]
    concurrent = [s for s in scripts if "CONCURRENTLY" in s]
    assert len(concurrent) == 2
    for s in concurrent:
        code = re.sub(r"/\*.*?\*/", "", s, flags=re.S)  # the data-loss warnings block of the first
        assert sum(1 for line in code.splitlines() if line.strip() and not line.startswith("--")) == 1
    assert scripts[-1].startswith("-- schemashift:transaction off") and "VALIDATE CONSTRAINT" in scripts[-1]
    assert run_cli("migrate", "status").exit_code == 0
    assert counts(provider, db_url) == (ROWS, ROWS)


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_lint_passes_online_forms_and_flags_prismas(project: Path, provider: str, db_url: str, run_cli) -> None:
    init_project(project, provider, db_url, {}, run_cli)
    after = {"user_extra": "  posts Post[]\n  @@index([name])",
             "post_extra": "  user User? @relation(fields: [userId], references: [id])"}
    (project / "prisma/schema.prisma").write_text(schema(provider, after))
    assert run_cli("migrate", "dev", "--online", "-n", "online", "--create-only", "--skip-generate").exit_code == 0
    r = run_cli("migrate", "lint")
    assert r.exit_code == 0, r.out + r.err
    assert "0 error(s)" in r.out + r.err
    for rule in ("require-concurrent-index-creation", "constraint-missing-not-valid", "ban-concurrent-index-creation-in-transaction"):
        assert rule not in r.out + r.err
    # the same change in Prisma's one-shot SQL is flagged by the same rules
    for p in (project / "prisma/migrations").iterdir():
        if p.is_dir() and "online" in p.name:
            for f in p.iterdir():
                f.unlink()
            p.rmdir()
    assert run_cli("migrate", "dev", "-n", "oneshot", "--create-only", "--skip-generate").exit_code == 0
    r = run_cli("migrate", "lint")
    assert r.exit_code != 0
    assert "require-concurrent-index-creation" in r.out + r.err
    assert "constraint-missing-not-valid" in r.out + r.err


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_tables_created_in_the_migration_keep_prismas_sql(project: Path, provider: str, db_url: str, run_cli) -> None:
    init = init_project(project, provider, db_url, {}, run_cli)
    text = schema(provider, {}) + "\nmodel Tag {\n  id Int @id\n  label String\n  @@index([label])\n}\n"
    (project / "prisma/schema.prisma").write_text(text)
    assert run_cli("migrate", "dev", "--online", "-n", "tag", "--skip-generate").exit_code == 0
    sql = online_sql(project, init)
    assert "Tag_label_idx" in sql and "CONCURRENTLY" not in sql and "ALGORITHM" not in sql


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_stats_url_sizes_decide(project: Path, provider: str, db_url: str, tmp_path: Path, run_cli) -> None:
    """A small table in the stats database keeps Prisma's SQL even if the development table is big;
    the pyproject keys work as the options."""
    init = init_project(project, provider, db_url, {}, run_cli)
    with second_database(provider, tmp_path) as stats:
        with connect(stats) as conn:
            conn.execute('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY)')
        (project / "pyproject.toml").write_text(f'[tool.schemashift]\nonline = true\nstats_url = "{stats}"\n')
        (project / "prisma/schema.prisma").write_text(schema(provider, {"user_extra": "  @@index([name])"}))
        r = run_cli("migrate", "dev", "-n", "small", "--create-only", "--skip-generate")
        assert r.exit_code == 0, r.err
    sql = online_sql(project, init)
    assert 'CREATE INDEX "User_name_idx"' in sql and "CONCURRENTLY" not in sql


def test_stats_url_without_online_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(HEAD % "sqlite" + BASE % {"user_extra": "", "post_extra": ""})
    monkeypatch.setenv("DATABASE_URL", f"file:{tmp_path / 'dev.db'}")
    monkeypatch.chdir(tmp_path)
    r = run_cli("migrate", "dev", "--stats-url", "file:x.db", "-n", "x", "--skip-generate")
    assert r.exit_code == 1 and "--stats-url needs --online" in r.err


def test_sqlite_rebuild_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    (tmp_path / "prisma").mkdir()
    path = tmp_path / "prisma/schema.prisma"
    path.write_text(HEAD % "sqlite" + BASE % {"user_extra": "", "post_extra": ""})
    monkeypatch.setenv("DATABASE_URL", f"file:{tmp_path / 'dev.db'}")
    monkeypatch.chdir(tmp_path)
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    populate("sqlite", f"file:{tmp_path / 'dev.db'}")
    path.write_text(path.read_text().replace("name  String?", "name  String @default(\"\")"))
    r = run_cli("migrate", "dev", "--online", "-n", "required", "--skip-generate")
    assert r.exit_code == 0, r.err
    assert f"Table `User` is rebuilt (new table, copy, drop, rename): copies {ROWS} rows." in r.err
    (folder,) = [p for p in (tmp_path / "prisma/migrations").iterdir() if p.name.endswith("_required")]
    assert f"-- schemashift:online Table `User` is rebuilt" in (folder / "migration.sql").read_text()
    assert counts("sqlite", f"file:{tmp_path / 'dev.db'}") == (ROWS, ROWS)


@pytest.mark.skipif(shutil.which("pt-online-schema-change") is None, reason="pt-online-schema-change is not installed")
@pytest.mark.parametrize("provider", ["mysql"], indirect=True)
def test_lint_passes_mysql_online_forms_and_flags_prismas(project: Path, provider: str, db_url: str, run_cli) -> None:
    """The foreign key added in place with the checks off and the type change as an online copy
    pass `migrate lint`; Prisma's SQL for the same change is an error (the type change's copy)."""
    init_project(project, provider, db_url, {"user_extra": "  score Int?"}, run_cli)
    after = {"user_extra": "  score BigInt?\n  posts Post[]",
             "post_extra": "  user User? @relation(fields: [userId], references: [id])"}
    (project / "prisma/schema.prisma").write_text(schema(provider, after))
    assert run_cli("migrate", "dev", "--online", "-n", "online", "--create-only", "--skip-generate").exit_code == 0
    r = run_cli("migrate", "lint")
    assert r.exit_code == 0 and "0 error(s)" in r.out + r.err, r.out + r.err
    for rule in ("mysql-column-type-change", "mysql-add-foreign-key"):
        assert rule not in r.out + r.err
    for p in (project / "prisma/migrations").iterdir():
        if p.is_dir() and "online" in p.name:
            shutil.rmtree(p)
    assert run_cli("migrate", "dev", "-n", "oneshot", "--create-only", "--skip-generate").exit_code == 0
    r = run_cli("migrate", "lint")
    assert r.exit_code != 0
    assert "mysql-column-type-change" in r.out + r.err and "mysql-add-foreign-key" in r.out + r.err
