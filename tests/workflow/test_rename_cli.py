"""`migrate dev --rename`, the rename prompt at a terminal and the hint without one, through the
real CLI on SQLite, PostgreSQL and MySQL/MariaDB: data kept, the next diff empty, down.sql
(`migrate rollback`) renames back."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from schemashift.connectors import connect

V1 = """
model User {
  id    Int    @id @default(autoincrement())
  name  String @unique
  nick  String?
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
"""

# User -> Person, name -> fullName, Post.authorId -> writerId
V2 = (
    V1.replace("model User {", "model Person {")
    .replace("User   @relation", "Person @relation")
    .replace("name  String", "fullName String")
    .replace("authorId", "writerId")
)
RENAMES = ("--rename", "User:Person", "--rename", "Person.name:fullName", "--rename", "Post.authorId:writerId")

# only a column rename (nullable: dropping and adding it can run, with Prisma's data-loss warning)
V2_COLUMN = V1.replace("nick  String?", "nickname String?")


def write_schema(root: Path, provider: str, models: str) -> None:
    (root / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{models}'
    )


def newest(root: Path) -> Path:
    return sorted(p for p in (root / "prisma" / "migrations").iterdir() if p.is_dir())[-1]


def query(db_url: str, sql: str) -> list[tuple[object, ...]]:
    with connect(db_url) as conn:
        return sorted(tuple(r) for r in conn.query(sql))


def quote(db_url: str, name: str) -> str:
    with connect(db_url) as conn:
        return conn.dialect.quote(name)


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "prisma").mkdir()
    monkeypatch.setenv("DATABASE_URL", db_url)
    write_schema(tmp_path, provider, V1)
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        qu = conn.dialect.quote
        for i, name in enumerate(["ann", "bob", "cy"], start=1):
            conn.execute(f"INSERT INTO {qu('User')} ({qu('name')}, {qu('nick')}) VALUES ('{name}', '{name[0]}')")
            conn.execute(f"INSERT INTO {qu('Post')} ({qu('title')}, {qu('authorId')}) VALUES ('t{i}', {i})")
    return tmp_path


def diff_exit_code(run_cli, db_url: str) -> int:  # type: ignore[no-untyped-def]
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code")
    return int(r.exit_code)


def test_rename_flags_keep_data_and_foreign_keys(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_schema(project, provider, V2)
    r = run_cli("migrate", "dev", "--name", "renames", *RENAMES)
    assert r.exit_code == 0, r.out + r.err
    folder = newest(project)
    sql = (folder / "migration.sql").read_text()
    assert "RENAME COLUMN" in sql and "RENAME TO" in sql
    assert "DROP TABLE" not in sql and "DROP COLUMN" not in sql and "Warnings" not in sql
    q = lambda n: quote(db_url, n)  # noqa: E731
    assert query(db_url, f"SELECT {q('id')}, {q('fullName')} FROM {q('Person')}") == [(1, "ann"), (2, "bob"), (3, "cy")]
    assert query(db_url, f"SELECT {q('title')}, {q('writerId')} FROM {q('Post')}") == [("t1", 1), ("t2", 2), ("t3", 3)]
    # converged: the next diff is empty
    assert diff_exit_code(run_cli, db_url) == 0
    # the foreign key still holds
    with connect(db_url) as conn, pytest.raises(Exception):
        conn.execute(f"INSERT INTO {q('Post')} ({q('title')}, {q('writerId')}) VALUES ('x', 99)")

    # down.sql renames back, the data stays
    down = (folder / "down.sql").read_text()
    assert "RENAME" in down and "DROP TABLE" not in down
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 0, r.out + r.err
    assert query(db_url, f"SELECT {q('id')}, {q('name')} FROM {q('User')}") == [(1, "ann"), (2, "bob"), (3, "cy")]
    assert query(db_url, f"SELECT {q('title')}, {q('authorId')} FROM {q('Post')}") == [("t1", 1), ("t2", 2), ("t3", 3)]
    write_schema(project, provider, V1)
    assert diff_exit_code(run_cli, db_url) == 0


def test_no_terminal_keeps_prismas_behaviour_with_a_hint(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_schema(project, provider, V2_COLUMN)
    r = run_cli("migrate", "dev", "--name", "fullname")
    out = r.out + r.err
    assert r.exit_code == 1, out
    assert "--rename User.nick:nickname" in out and "`User.nick` to `User.nickname`" in out
    assert "non-interactive" in out  # Prisma's data-loss refusal, unchanged
    r = run_cli("migrate", "dev", "--name", "fullname", "--create-only")
    assert r.exit_code == 0, r.err
    sql = (newest(project) / "migration.sql").read_text()
    assert "DROP COLUMN" in sql or "RedefineTables" in sql  # drop and add, as Prisma
    assert "RENAME COLUMN" not in sql


def test_migrate_diff_rename(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_schema(project, provider, V2_COLUMN)
    base = ("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    r = run_cli(*base)
    assert r.exit_code == 0 and "--rename User.nick:nickname" in r.err and "RENAME COLUMN" not in r.out
    r = run_cli(*base, "--rename", "User.nick:nickname")
    assert r.exit_code == 0, r.err
    assert "RENAME COLUMN" in r.out and "DROP COLUMN" not in r.out and r.err == ""
    r = run_cli(*base, "--rename", "User.nope:nickname")
    assert r.exit_code == 2 and "no column `nope`" in r.err  # a usage error


def test_prompt_at_a_terminal(project: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from schemashift.cli import cli
    from schemashift.commands import ui

    monkeypatch.setattr(ui, "is_interactive", lambda: True)
    write_schema(project, provider, V2_COLUMN)
    r = CliRunner().invoke(cli, ["migrate", "dev", "--name", "fullname"], input="y\n")
    assert r.exit_code == 0, r.output
    assert "Did you rename `User.nick` to `User.nickname`? [y/N]" in r.output
    assert "RENAME COLUMN" in (newest(project) / "migration.sql").read_text()
    assert query(db_url, f"SELECT {quote(db_url, 'nickname')} FROM {quote(db_url, 'User')}") == [("a",), ("b",), ("c",)]


def test_prompt_declined_is_a_drop_and_add(project: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from schemashift.cli import cli
    from schemashift.commands import ui

    monkeypatch.setattr(ui, "is_interactive", lambda: True)
    write_schema(project, provider, V2_COLUMN)
    # no to the rename, then no to Prisma's data-loss question: nothing changes
    r = CliRunner().invoke(cli, ["migrate", "dev", "--name", "fullname"], input="n\nn\n")
    assert "Did you rename `User.nick` to `User.nickname`? [y/N]" in r.output
    assert "Are you sure you want to create and apply this migration?" in r.output
    assert query(db_url, f"SELECT {quote(db_url, 'nick')} FROM {quote(db_url, 'User')}") == [("a",), ("b",), ("c",)]


def _prisma7() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "oracle" / "prisma7"
        if candidate.exists():
            return candidate
    return None


PRISMA7 = _prisma7()


@pytest.mark.skipif(PRISMA7 is None or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7")
@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_prisma7_sees_no_difference_after_the_renames(project: Path, provider: str, db_url: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Prisma 7.10's own `migrate diff --from-config-datasource --to-schema` is empty too."""
    write_schema(project, provider, V2)
    r = run_cli("migrate", "dev", "--name", "renames", *RENAMES)
    assert r.exit_code == 0, r.out + r.err
    schema7 = project / "prisma7.prisma"  # Prisma 7: no url in the datasource block
    schema7.write_text(f'datasource db {{\n  provider = "{provider}"\n}}\n{V2}')
    assert PRISMA7 is not None
    p = subprocess.run(
        [str(PRISMA7), "diff-db", str(schema7)], cwd=project, env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "This is an empty migration." in p.stdout, p.stdout
