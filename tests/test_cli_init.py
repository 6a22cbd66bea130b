"""``schemashift init``: the files it writes, and a first run that works (init -> generate ->
migrate dev -> db seed twice), in the Prisma 6 and the Prisma 7 layout."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from dotenv import dotenv_values

from schemashift.commands.init import DEFAULT_URLS, GITIGNORE_ENTRIES


def _oracle(name: str) -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "oracle" / name
        if candidate.exists():
            return candidate
    return None


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
    # a server URL was not given: the user has to set it, and is told so first
    assert "1. Set the DATABASE_URL in the .env file to point to your database." in result.out


def test_schema_has_the_python_generator_and_the_seed_fits_it(run_cli: Callable, tmp_path: Path) -> None:
    assert run_cli("init", "--datasource-provider", "sqlite").exit_code == 0
    schema = (tmp_path / "prisma" / "schema.prisma").read_text()
    assert 'provider = "schemashift-py"' in schema and "prisma-client-js" not in schema
    assert "model User {" in schema and "enum PlanTier {" in schema
    assert "prisma.user.upsert(" in (tmp_path / "prisma" / "seed.py").read_text()
    assert run_cli("validate").exit_code == 0


def test_gitignore_covers_databases_backups_cache_and_client(run_cli: Callable, tmp_path: Path) -> None:
    assert run_cli("init", "--datasource-provider", "sqlite").exit_code == 0
    for name in ("prisma/dev.db", "prisma/dev.db-journal", "backups/x.dump", ".schemashift/shadow-cache/k.json",
                 "prisma/prisma_client/client.py", ".env"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    if shutil.which("git") is None:
        pytest.skip("needs git")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    shown = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.split()
    assert sorted(p for p in shown if p != "??") == [".gitignore", "prisma/schema.prisma", "prisma/seed.py"]


def test_next_steps_follow_the_options(run_cli: Callable) -> None:
    result = run_cli("init", "--url", "postgresql://u:p@h/db")
    assert "DATABASE_URL" not in result.out.split("Next steps:")[1]
    assert "1. Edit the models in prisma/schema.prisma" in result.out
    assert "schemashift migrate dev --name init" in result.out and "schemashift db seed" in result.out


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


def test_existing_gitignore_is_extended_never_rewritten(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc\n/backups\n")
    result = run_cli("init")
    text = (tmp_path / ".gitignore").read_text()
    assert text.startswith("*.pyc\n/backups\n")
    lines = text.splitlines()
    assert ".env" in lines and "*.db" in lines and "/backups/" not in lines  # `/backups` already covers it
    assert "added to .gitignore: .env *.db" in result.out
    # a second project setup in the same folder adds nothing twice
    (tmp_path / "prisma" / "schema.prisma").unlink()
    assert run_cli("init").exit_code == 0
    assert (tmp_path / ".gitignore").read_text() == text


def test_existing_env_url_is_not_asked_for_again(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('DATABASE_URL="postgresql://me@db/app"\n')
    result = run_cli("init")
    assert "Set the DATABASE_URL" not in result.out


def test_other_generator_provider(run_cli: Callable, tmp_path: Path) -> None:
    result = run_cli("init", "--datasource-provider", "sqlite", "--generator-provider", "prisma-client-js")
    assert result.exit_code == 0, result.err
    assert 'provider = "prisma-client-js"' in (tmp_path / "prisma" / "schema.prisma").read_text()
    assert not (tmp_path / "prisma" / "seed.py").exists()  # it needs the Python client
    assert "schemashift does not run the `prisma-client-js` generator" in result.out
    # generate names it instead of skipping it in silence
    result = run_cli("generate")
    assert result.exit_code == 1
    assert "The generator `client` (provider `prisma-client-js`) was not run" in result.err
    assert run_cli("init", "--generator-provider", 'a"b').exit_code == 2


def test_skipped_generator_is_named_by_migrate_dev(run_cli: Callable, tmp_path: Path) -> None:
    assert run_cli("init", "--datasource-provider", "sqlite").exit_code == 0
    schema = tmp_path / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text() + '\ngenerator js {\n  provider = "prisma-client-js"\n}\n')
    result = run_cli("migrate", "dev", "--name", "init")
    assert result.exit_code == 0, result.err
    assert "The generator `js` (provider `prisma-client-js`) was not run" in result.err
    assert "Generated the schemashift Python client (1 models)" in result.out


def _users(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute('SELECT email, planTier, id FROM "User" ORDER BY email').fetchall()


@pytest.mark.parametrize("layout", ["prisma6", "prisma7"])
def test_first_run_on_sqlite(run_cli: Callable, tmp_path: Path, layout: str) -> None:
    """init -> generate -> migrate dev -> db seed twice, unchanged, in a fresh folder."""
    args = ["init", "--datasource-provider", "sqlite"] + (["--prisma7"] if layout == "prisma7" else [])
    result = run_cli(*args)
    assert result.exit_code == 0, result.err
    assert "DATABASE_URL" not in result.out.split("Next steps:")[1]  # SQLite's default file works as is
    # before the client exists the seed fails and says why: not "has been executed"
    result = run_cli("db", "seed")
    assert result.exit_code == 1 and "has been executed" not in result.out
    assert run_cli("generate").exit_code == 0
    result = run_cli("migrate", "dev", "--name", "init")
    assert result.exit_code == 0, result.err
    db = tmp_path / ("dev.db" if layout == "prisma7" else "prisma/dev.db")  # prisma.config.ts: its own folder
    seen = []
    for _ in range(2):
        result = run_cli("db", "seed")
        assert result.exit_code == 0, result.err
        assert "The seed command has been executed." in result.out
        seen.append(_users(db))
    assert [(e, t) for e, t, _ in seen[0]] == [("admin@example.com", "PRO"), ("user@example.com", "FREE")]
    assert seen[1] == seen[0]  # the second run changed nothing (same rows, same ids)


def test_prisma7_layout(run_cli: Callable, tmp_path: Path) -> None:
    result = run_cli("init", "--prisma7", "--url", "postgresql://u@h/db")
    assert result.exit_code == 0, result.err
    schema = (tmp_path / "prisma" / "schema.prisma").read_text()
    assert "url" not in schema.split("datasource db {")[1].split("}")[0]
    config = (tmp_path / "prisma.config.ts").read_text()
    assert 'url: process.env["DATABASE_URL"]' in config and 'seed: "python prisma/seed.py"' in config
    # schemashift reads the config it wrote
    from schemashift.prisma_config import find_config

    read = find_config(tmp_path)
    assert read is not None
    assert read.get("migrations.seed") == "python prisma/seed.py"
    assert read.get("datasource.url", {"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"
    assert read.get("schema") == "prisma/schema.prisma"
    assert run_cli("validate").exit_code == 0
    # a second init refuses the existing files
    (tmp_path / "prisma" / "schema.prisma").unlink()
    assert run_cli("init", "--prisma7").exit_code == 1


@pytest.mark.skipif(shutil.which("node") is None or _oracle("prisma7") is None, reason="needs node and the prisma7 oracle")
@pytest.mark.parametrize("provider", ["sqlite", "postgresql"])
def test_prisma7_schema_is_valid_for_prisma7(run_cli: Callable, tmp_path: Path, provider: str) -> None:
    assert run_cli("init", "--prisma7", "--datasource-provider", provider).exit_code == 0
    oracle = _oracle("prisma7")
    done = subprocess.run([str(oracle), "validate", "prisma/schema.prisma"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("node") is None or _oracle("prisma6") is None, reason="needs node and the prisma6 oracle")
@pytest.mark.parametrize("provider", ["sqlite", "postgresql"])
def test_schema_is_valid_for_prisma6(run_cli: Callable, tmp_path: Path, provider: str) -> None:
    assert run_cli("init", "--datasource-provider", provider).exit_code == 0
    oracle = _oracle("prisma6")
    done = subprocess.run([str(oracle), "validate", "--no-color", "prisma/schema.prisma"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gitignore_entries_are_unique() -> None:
    entries = [e for e, _ in GITIGNORE_ENTRIES]
    assert len(entries) == len(set(entries))


def test_url_with_quote_round_trips(run_cli: Callable, tmp_path: Path) -> None:
    url = 'postgresql://u:p"q\\r@h/db'
    assert run_cli("init", "--url", url).exit_code == 0
    assert dotenv_values(tmp_path / ".env")["DATABASE_URL"] == url
