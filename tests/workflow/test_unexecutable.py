"""Changes that cannot be executed on the current data, handled as Prisma handles them:

- `migrate dev` never applies them; with `--create-only` it writes the migration to be edited;
- `db push` refuses them even with `--accept-data-loss`: non-interactive it names `--force-reset`,
  interactive it offers a reset (guarded on production databases).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.errors import SchemashiftError
from schemashift.migrations.dev import db_push
from schemashift.migrations.project import open_project

V1 = """
model User {
  id    Int    @id
  email String
}
"""
# a required column without a default: impossible while User has rows
V2 = """
model User {
  id    Int    @id
  email String
  phone String
}
"""


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


@pytest.fixture
def project(tmp_path: Path, db_url: str, provider: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    return tmp_path


def _schema(root: Path, provider: str, models: str) -> None:
    (root / "prisma/schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{models}'
    )


def _rows(db_url: str, provider: str) -> list[tuple[object, ...]]:
    with connect(db_url) as conn:
        return [tuple(r) for r in conn.query(f"SELECT * FROM {q(provider, 'User')} ORDER BY id")]


def _has_phone(db_url: str, provider: str) -> bool:
    from schemashift.connectors.describe import describe

    with connect(db_url) as conn:  # (SQLite reads a missing "phone" as a string: ask the catalog)
        (user,) = [t for t in describe(conn).tables if t.name == "User"]
    return "phone" in [c.name for c in user.columns]


def test_migrate_dev_never_applies_them(project: Path, provider: str, db_url: str, run_cli) -> None:
    _schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q(provider, 'User')} (id, email) VALUES (1, 'a@x'), (2, 'b@x')")
    _schema(project, provider, V2)
    r = run_cli("migrate", "dev", "--name", "add_phone")
    assert r.exit_code == 1
    assert "We found changes that cannot be executed" in r.out + r.err
    assert "Added the required column `phone`" in r.out + r.err
    assert "migrate dev --create-only" in r.err
    assert not list((project / "prisma/migrations").glob("*_add_phone"))  # nothing written
    assert not _has_phone(db_url, provider) and len(_rows(db_url, provider)) == 2

    r = run_cli("migrate", "dev", "--create-only", "--name", "add_phone")
    assert r.exit_code == 0, r.err
    assert "migrate dev --create-only" in r.out  # the same advice, as information
    (folder,) = (project / "prisma/migrations").glob("*_add_phone")
    assert "phone" in (folder / "migration.sql").read_text()
    assert not _has_phone(db_url, provider)  # written, not applied
    assert run_cli("migrate", "status").exit_code == 1  # one pending migration


def test_db_push_refuses_them_even_with_accept_data_loss(project: Path, provider: str, db_url: str, run_cli) -> None:
    _schema(project, provider, V1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q(provider, 'User')} (id, email) VALUES (1, 'a@x')")
    _schema(project, provider, V2)
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code == 1
    assert "cannot be executed" in r.err and "--force-reset" in r.err
    assert not _has_phone(db_url, provider) and _rows(db_url, provider) == [(1, "a@x")]
    r = run_cli("db", "push", "--force-reset")
    assert r.exit_code == 0, r.err
    assert _has_phone(db_url, provider) and _rows(db_url, provider) == []


class _UI:
    interactive = True

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.said: list[str] = []
        self.asked: list[str] = []

    def echo(self, text: str) -> None:
        self.said.append(text)

    def confirm(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer

    def prompt(self, question: str) -> str:
        return ""


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_db_push_offers_a_reset_when_interactive(
    project: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _schema(project, provider, V1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q(provider, 'User')} (id, email) VALUES (1, 'a@x')")
    _schema(project, provider, V2)

    no = _UI(answer=False)
    with pytest.raises(SchemashiftError) as info:
        db_push(open_project(None), no)
    assert info.value.exit_code == 130
    assert no.asked and "reset the database" in no.asked[0]
    assert any("cannot be executed" in s for s in no.said)
    assert _rows(db_url, provider) == [(1, "a@x")]  # declined: nothing changed

    monkeypatch.setenv("SCHEMASHIFT_ENV", "production")
    guarded = _UI(answer=True)
    with pytest.raises(SchemashiftError, match="looks like production"):
        db_push(open_project(None), guarded)
    assert not guarded.asked and _rows(db_url, provider) == [(1, "a@x")]
    monkeypatch.delenv("SCHEMASHIFT_ENV")

    yes = _UI(answer=True)
    assert db_push(open_project(None), yes)  # reset, then pushed
    assert "The database was successfully reset." in yes.said
    assert _has_phone(db_url, provider) and _rows(db_url, provider) == []
