"""``schemashift generate`` as a command: output location, guards, the URL from ``.env``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SCHEMA = """\
generator client {
  provider = "schemashift-py"
}

datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

model Note {
  id   Int    @id @default(autoincrement())
  text String
}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_no_python_generator_is_an_error(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA.replace("schemashift-py", "prisma-client-js"))
    r = run_cli("generate")
    assert r.exit_code == 1
    assert 'No `schemashift-py` (or `prisma-client-py`) generator in the schema' in r.err
    assert not (tmp_path / "prisma" / "prisma_client").exists()


def test_invalid_schema_is_reported(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA.replace("String", "Strin"))
    r = run_cli("generate")
    assert r.exit_code != 0 and "P1012" in r.err


def test_foreign_output_folder_is_not_overwritten(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "prisma" / "prisma_client").mkdir(parents=True)
    (tmp_path / "prisma" / "prisma_client" / "mine.py").write_text("x = 1\n")
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA)
    r = run_cli("generate")
    assert r.exit_code == 1 and "not a generated client" in r.err
    assert (tmp_path / "prisma" / "prisma_client" / "mine.py").exists()


def test_client_reads_dotenv_and_relative_sqlite_path(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    """`file:./dev.db` in .env is relative to the schema's folder, for the client as for migrate."""
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA)
    (tmp_path / ".env").write_text('DATABASE_URL="file:./dev.db"\n')
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert "Generated the schemashift Python client (1 models) to ./prisma/prisma_client" in r.out
    r = run_cli("generate")  # regenerating replaces the package
    assert r.exit_code == 0, r.err
    script = tmp_path / "use.py"
    script.write_text(textwrap.dedent("""
        import os, sys
        sys.path.insert(0, "prisma")
        os.environ.pop("DATABASE_URL", None)
        from prisma_client import Client
        with Client() as db:
            db.note.create(data={"text": "hi"})
            print(db.note.count(), db.note.find_many()[0].text)
    """))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "hi"]
    assert (tmp_path / "prisma" / "dev.db").is_file()
    assert not (tmp_path / "dev.db").exists()


def test_model_without_id_ignored_models_and_views(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    """A model identified by a compound unique works for update/upsert/delete; @@ignore'd models
    and views are left out of the client; a literal sqlite url is relative to the schema."""
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(textwrap.dedent("""
        generator client {
          provider        = "schemashift-py"
          previewFeatures = ["views"]
        }
        datasource db {
          provider = "sqlite"
          url      = "file:./settings.db"
        }
        model Setting {
          key   String
          scope String
          value String
          @@unique([key, scope])
        }
        model Legacy {
          id Int @id
          @@ignore
        }
        view V {
          id Int @unique
        }
    """))
    assert run_cli("db", "push").exit_code == 0
    assert run_cli("generate").exit_code == 0
    script = tmp_path / "use.py"
    script.write_text(textwrap.dedent("""
        import sys
        sys.path.insert(0, "prisma")
        import prisma_client
        from prisma_client import Client
        assert not hasattr(prisma_client, "Legacy") and not hasattr(prisma_client, "V")
        key = {"key_scope": {"key": "a", "scope": "x"}}
        with Client() as db:
            db.setting.create(data={"key": "a", "scope": "x", "value": "1"})
            print(db.setting.update(where=key, data={"value": "2"}).value)
            print(db.setting.upsert(where=key, create={"key": "a", "scope": "x", "value": "9"}, update={"value": "3"}).value)
            print(db.setting.delete(where=key).value, db.setting.count())
    """))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "3", "3", "0"]
    assert (tmp_path / "prisma" / "settings.db").is_file()
