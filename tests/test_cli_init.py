"""``schemashift init``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from dotenv import dotenv_values

from schemashift.commands.init import DEFAULT_URLS


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _datasource_provider(schema: str) -> str:
    block = schema[schema.index("datasource db {") :]
    line = next(line for line in block.splitlines() if line.strip().startswith("provider"))
    return line.split("=", 1)[1].strip().strip('"')


def test_default_is_postgresql(run_cli: Callable, tmp_path: Path) -> None:
    result = run_cli("init")
    assert result.exit_code == 0, result.err
    schema = (tmp_path / "prisma" / "schema.prisma").read_text()
    assert _datasource_provider(schema) == "postgresql"
    assert 'url      = env("DATABASE_URL")' in schema
    assert dotenv_values(tmp_path / ".env") == {"DATABASE_URL": DEFAULT_URLS["postgresql"]}
    assert ".env" in (tmp_path / ".gitignore").read_text().splitlines()
    assert "Your Prisma schema was created at prisma/schema.prisma" in result.out
    assert "randompassword" not in result.out + result.err


@pytest.mark.parametrize("provider", ["sqlite", "mysql", "PostgreSQL"])
def test_datasource_provider(run_cli: Callable, tmp_path: Path, provider: str) -> None:
    assert run_cli("init", "--datasource-provider", provider).exit_code == 0
    schema = (tmp_path / "prisma" / "schema.prisma").read_text()
    assert _datasource_provider(schema) == provider.lower()
    assert dotenv_values(tmp_path / ".env")["DATABASE_URL"] == DEFAULT_URLS[provider.lower()]


def test_sqlite_default_url_is_next_to_the_schema(run_cli: Callable, tmp_path: Path) -> None:
    run_cli("init", "--datasource-provider", "sqlite")
    assert dotenv_values(tmp_path / ".env")["DATABASE_URL"] == "file:./dev.db"


@pytest.mark.parametrize(
    ("url", "provider"),
    [("mysql://root@127.0.0.1:3306/app", "mysql"), ("postgres://u:p@h/db", "postgresql"), ("file:./x.db", "sqlite")],
)
def test_url_sets_provider_and_env(run_cli: Callable, tmp_path: Path, url: str, provider: str) -> None:
    result = run_cli("init", "--url", url)
    assert result.exit_code == 0, result.err
    assert _datasource_provider((tmp_path / "prisma" / "schema.prisma").read_text()) == provider
    assert dotenv_values(tmp_path / ".env")["DATABASE_URL"] == url
    assert ":p@" not in result.out + result.err


def test_url_and_provider_must_agree(run_cli: Callable, tmp_path: Path) -> None:
    result = run_cli("init", "--datasource-provider", "mysql", "--url", "postgresql://u:secret@h/db")
    assert result.exit_code == 2
    assert "postgresql URL but --datasource-provider is mysql" in result.err
    assert "secret" not in result.err
    assert not (tmp_path / "prisma").exists()


def test_unknown_protocol(run_cli: Callable) -> None:
    result = run_cli("init", "--url", "oracle://x")
    assert result.exit_code == 2
    assert "must start with one of the protocols" in result.err


@pytest.mark.parametrize("existing", ["prisma/schema.prisma", "schema.prisma"])
def test_refuses_existing_schema(run_cli: Callable, tmp_path: Path, existing: str) -> None:
    path = tmp_path / existing
    path.parent.mkdir(exist_ok=True)
    path.write_text("// mine\n")
    result = run_cli("init")
    assert result.exit_code == 1
    assert result.err.startswith(f"Error: File {existing} already exists in your project.")
    assert "Please try again in a project that is not yet using Prisma." in result.err
    assert path.read_text() == "// mine\n"
    assert not (tmp_path / ".env").exists()


def test_existing_env_with_database_url_is_kept(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('DATABASE_URL="file:./mine.db"\n')
    result = run_cli("init", "--datasource-provider", "sqlite")
    assert result.exit_code == 0
    assert (tmp_path / ".env").read_text() == 'DATABASE_URL="file:./mine.db"\n'
    assert "would have added DATABASE_URL but it already exists in .env" in result.out


def test_existing_env_without_database_url_is_extended(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OTHER=1\n")
    assert run_cli("init", "--datasource-provider", "sqlite").exit_code == 0
    assert dotenv_values(tmp_path / ".env") == {"OTHER": "1", "DATABASE_URL": "file:./dev.db"}


def test_existing_gitignore_without_env_warns(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    result = run_cli("init")
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n"
    assert "Don't forget to add `.env`" in result.out


def test_url_with_quote_round_trips(run_cli: Callable, tmp_path: Path) -> None:
    url = 'postgresql://u:p"q\\r@h/db'
    assert run_cli("init", "--url", url).exit_code == 0
    assert dotenv_values(tmp_path / ".env")["DATABASE_URL"] == url
