"""The data-loss checker on populated tables, on every database (live counts, through db push)."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.migrations import engine
from schemashift.safety.dataloss import check

V1 = """
model User {
  id    Int     @id
  email String
  name  String?
  age   Int?
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
"""

V2 = """
model User {
  id    Int    @id
  email String @unique
  name  String
  phone String
}
"""


def header(provider: str) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'


def q(provider: str, n: str) -> str:
    return f"`{n}`" if provider == "mysql" else f'"{n}"'


def messages(provider: str, db_url: str) -> list[tuple[str, bool]]:
    target = engine.target_schema([("schema.prisma", header(provider) + V2)], provider)
    with connect(db_url) as conn:
        live = engine.describe(conn)
        steps = engine.diff(live, target, provider)
        return [(w.message, w.unexecutable) for w in check(steps, conn)]


def test_live_counts_on_populated_tables(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        u, p = q(provider, "User"), q(provider, "Post")
        conn.execute(f"INSERT INTO {u} (id, email, name, age) VALUES (1, 'a@x', 'Ann', 30), (2, 'a@x', NULL, 40), (3, 'b@x', NULL, NULL)")
        conn.execute(f"INSERT INTO {p} (id, {q(provider, 'authorId')}) VALUES (1, 1), (2, 1)")
    found = messages(provider, db_url)
    text = "\n".join(m for m, _ in found)
    assert "You are about to drop the `Post` table, which is not empty (2 rows)." in text
    assert "You are about to drop the column `age` on the `User` table, which still contains 2 non-null values." in text
    assert ("Added the required column `phone` to the `User` table without a default value. There are 3 rows "
            "in this table, it is not possible to execute this step.", True) in found
    assert ("Made the column `name` on table `User` required, but there are 2 existing NULL values.", True) in found
    assert any("covering the columns `[email]`" in m and "1 duplicated value groups" in m and unexec for m, unexec in found)
    # db push refuses, names the problems, and changes nothing
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V2)
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "not possible to execute this step" in r.err
    with connect(db_url) as conn:
        assert conn.query(f"SELECT COUNT(*) FROM {q(provider, 'Post')}") == [(2,)]


def test_empty_tables_warn_about_nothing(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V1)
    assert run_cli("db", "push").exit_code == 0
    assert messages(provider, db_url) == []
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V2)
    r = run_cli("db", "push")
    assert r.exit_code == 0, r.err


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_enum_value_in_use(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    enum_v1 = "enum Plan {\n  FREE\n  PRO\n  LEGACY\n}\n\nmodel User {\n  id   Int  @id\n  plan Plan\n}\n"
    enum_v2 = enum_v1.replace("  LEGACY\n", "")
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + enum_v1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q(provider, 'User')} VALUES (1, 'LEGACY'), (2, 'FREE')")
        target = engine.target_schema([("schema.prisma", header(provider) + enum_v2)], provider)
        steps = engine.diff(engine.describe(conn), target, provider)
        (w,) = check(steps, conn)
    enum = "Plan" if provider == "postgresql" else "User_plan"  # MySQL enums are inline, named table_column
    assert w.unexecutable and f"The values [LEGACY] on the enum `{enum}` will be removed" in w.message
    assert "1 rows still use them" in w.message
