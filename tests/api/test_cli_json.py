"""``--json`` output of each command (one versioned document on stdout, parsed and checked),
the JSON error object, ``migrate status --exit-code``, ``migrate deploy --dry-run``, ``-q`` and
``--verbose``, on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schemashift.connectors import connect, database_exists
from schemashift.migrations.history import TABLE, list_tables

from api_schemas import V1, V2, write_schema


def add_migration(root: Path, name: str, sql: str) -> Path:
    folder = root / "prisma" / "migrations" / name
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(sql)
    return folder


def tables(url: str) -> list[str]:
    with connect(url) as conn:
        return sorted(list_tables(conn))


def doc(r: Any, command: str, ok: bool = True) -> dict[str, Any]:
    """stdout is exactly one JSON document of the documented envelope."""
    data = json.loads(r.out)
    assert isinstance(data, dict)
    assert data["version"] == 1 and data["command"] == command and data["ok"] is ok
    return data


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("DATABASE_URL", db_url)
    write_schema(tmp_path, provider, V1)
    return tmp_path


Run = Callable[..., Any]


def test_migrate_commands_json(project: Path, provider: str, db_url: str, run_cli: Run) -> None:
    r = run_cli("migrate", "dev", "--name", "init", "--json")
    assert r.exit_code == 0, r.err
    dev = doc(r, "migrate dev")
    created = Path(dev["created"]["path"])
    assert created.name == dev["created"]["name"] and created.name.endswith("_init")
    assert Path(dev["created"]["migration_sql"]).is_file() and dev["applied"] == [created.name]
    assert "Applying migration" in r.err  # human text went to stderr

    r = run_cli("migrate", "status", "--json")
    st = doc(r, "migrate status")
    assert r.exit_code == 0 and st["state"] == "up_to_date" and st["up_to_date"] is True
    assert st["applied"] == [created.name] and st["migrations_found"] == 1 and st["history_table_exists"]

    write_schema(project, provider, V2)
    r = run_cli("migrate", "dev", "--name", "post", "--create-only", "--json")
    post = doc(r, "migrate dev")["created"]["name"]
    r = run_cli("migrate", "status", "--json")
    st = doc(r, "migrate status")
    assert r.exit_code == 1 and st["state"] == "pending" and st["pending"] == [post]

    r = run_cli("migrate", "deploy", "--dry-run", "--json")
    plan = doc(r, "migrate deploy")
    assert r.exit_code == 0 and plan["dry_run"] is True and plan["applied"] == []
    assert [m["name"] for m in plan["migrations"]] == [post] and plan["migrations"][0]["seconds"] is None
    assert "Post" not in tables(db_url)

    r = run_cli("migrate", "deploy", "--json")
    done = doc(r, "migrate deploy")
    assert r.exit_code == 0, r.err
    assert done["applied"] == [post] and done["migrations_found"] == 2 and done["backup"] is None
    (m,) = done["migrations"]
    assert m["name"] == post and m["seconds"] > 0 and m["statements"] >= 1
    assert m["mode"] in ("transaction", "statements", "as written")
    assert "Post" in tables(db_url)

    r = run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--json")
    diff = doc(r, "migrate diff")
    assert r.exit_code == 0 and diff["empty"] is False and diff["steps"] >= 2
    assert "CREATE TABLE" in diff["script"] and "[+] Added tables" in diff["summary"]
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", "prisma/schema.prisma",
                "--json", "--exit-code")
    assert r.exit_code == 0 and doc(r, "migrate diff")["empty"] is True

    r = run_cli("migrate", "lint", "--json")
    lint = doc(r, "migrate lint")
    assert lint["files"] == 2 and isinstance(lint["findings"], list) and lint["failed"] is (r.exit_code == 1)
    r2 = run_cli("migrate", "lint", "--format", "json")
    assert json.loads(r2.out) == lint


def test_status_exit_codes(project: Path, provider: str, db_url: str, run_cli: Run) -> None:
    q = "`" if provider == "mysql" else '"'
    create = f"CREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY);\n"

    def code() -> int:
        r = run_cli("migrate", "status", "--exit-code")
        r_json = run_cli("migrate", "status", "--exit-code", "--json")
        assert r_json.exit_code == r.exit_code
        return int(r.exit_code)

    assert code() == 0  # no migrations, no table: up to date
    init = add_migration(project, "20260101000000_init", create)
    assert code() == 2  # pending
    assert run_cli("migrate", "deploy").exit_code == 0
    assert code() == 0
    (init / "migration.sql").write_text(create + "-- edited\n")
    assert code() == 4  # drift: an applied migration was edited
    (init / "migration.sql").write_text(create)
    add_migration(project, "20260102000000_bad", "NOT SQL AT ALL;\n")
    r = run_cli("migrate", "deploy", "--json")
    err = doc(r, "migrate deploy", ok=False)["error"]
    assert r.exit_code == 1 and err["code"] == "P3018" and err["exit_code"] == 1
    assert "20260102000000_bad" in err["message"]
    assert code() == 3  # failed

    down = {
        "sqlite": f"file:{project / 'no' / 'dir' / 'x.db'}",
        "postgresql": "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2",
        "mysql": "mysql://root@127.0.0.1:1/x?connect_timeout=2",
    }[provider]
    import os

    os.environ["DATABASE_URL"] = down
    r = run_cli("migrate", "status", "--exit-code", "--json")
    assert r.exit_code == 5
    err = doc(r, "migrate status", ok=False)["error"]
    assert err["exit_code"] == 5 and err["code"] in ("P1001", "P1003")
    assert run_cli("migrate", "status").exit_code == 1  # without --exit-code: 1, as before


def test_dry_run_leaves_no_history_table(project: Path, provider: str, db_url: str, run_cli: Run) -> None:
    q = "`" if provider == "mysql" else '"'
    add_migration(project, "20260101000000_init", f"CREATE TABLE {q}T{q} ({q}id{q} INTEGER PRIMARY KEY);\n")
    add_migration(project, "20260102000000_drop", f"DROP TABLE {q}T{q};\n")
    before = tables(db_url)
    r = run_cli("migrate", "deploy", "--dry-run")
    assert r.exit_code == 0, r.err
    assert "would be applied" in r.out and "ban-drop-table" in r.out and "nothing was applied" in r.out
    r = run_cli("migrate", "deploy", "--dry-run", "--json")
    plan = doc(r, "migrate deploy")
    assert [m["name"] for m in plan["migrations"]] == ["20260101000000_init", "20260102000000_drop"]
    (finding,) = [f for f in plan["migrations"][1]["findings"] if f["rule"] == "ban-drop-table"]
    assert finding["level"] == "error" and finding["line"] == 1
    assert finding["file"] == "prisma/migrations/20260102000000_drop/migration.sql"
    assert tables(db_url) == before and TABLE not in tables(db_url)


def test_backup_json(project: Path, provider: str, db_url: str, run_cli: Run) -> None:
    q = "`" if provider == "mysql" else '"'
    add_migration(project, "20260101000000_init", f"CREATE TABLE {q}T{q} ({q}id{q} INTEGER PRIMARY KEY);\n")
    assert run_cli("migrate", "deploy").exit_code == 0
    r = run_cli("backup", "create", "--label", "json_test", "--json")
    assert r.exit_code == 0, r.err
    made = doc(r, "backup create")["backup"]
    path = Path(made["path"])
    assert path.is_file() and path.stat().st_size == made["size"] and made["label"] == "json_test"
    assert made["migration"] == "20260101000000_init" and len(made["sha256"]) == 64

    r = run_cli("backup", "list", "--json")
    listed = doc(r, "backup list")
    assert listed["backups"] == [made]

    r = run_cli("backup", "prune", "--dry-run", "--delete", made["file"], "--json")
    pruned = doc(r, "backup prune")
    assert pruned["dry_run"] is True and pruned["kept"] == 0 and pruned["deleted"] == 1
    assert pruned["decisions"][0]["file"] == made["file"] and pruned["decisions"][0]["keep"] is False
    assert path.is_file()
    r = run_cli("backup", "prune", "--delete", made["file"], "--json")
    assert doc(r, "backup prune")["deleted"] == 1 and not path.exists()
    assert doc(run_cli("backup", "list", "--json"), "backup list")["backups"] == []


def test_db_pull_and_push_json(project: Path, provider: str, db_url: str, run_cli: Run) -> None:
    r = run_cli("db", "push", "--json")
    assert r.exit_code == 0, r.err
    pushed = doc(r, "db push")
    assert pushed["changed"] is True and pushed["reset"] is False
    assert doc(run_cli("db", "push", "--json"), "db push")["changed"] is False

    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:  # a table Prisma cannot use: no unique identifier (a warning)
        conn.execute(f"CREATE TABLE {q}nokey{q} ({q}a{q} INTEGER)")
    schema_before = (project / "prisma/schema.prisma").read_text()
    r = run_cli("db", "pull", "--print", "--json")
    assert r.exit_code == 0, r.err
    pulled = doc(r, "db pull")
    assert pulled["written"] is None and pulled["models"] == 2 and "model User {" in pulled["schema"]
    (warning,) = pulled["warnings"]
    assert warning["kind"] == "models_without_identifiers" and warning["items"] == ['"nokey"']
    assert (project / "prisma/schema.prisma").read_text() == schema_before

    r = run_cli("db", "pull", "--json")
    pulled = doc(r, "db pull")
    assert Path(pulled["written"]).read_text() == pulled["schema"]


def test_validate_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "file:dev.db")
    path = write_schema(tmp_path, "sqlite", "model User {\n  id Int @id\n  posts Pst[]\n}\n")
    r = run_cli("validate", "--json")
    data = doc(r, "validate")
    assert r.exit_code == 1 and data["valid"] is False and data["schema"] == "prisma/schema.prisma"
    (d,) = data["diagnostics"]
    line = path.read_text().splitlines()[d["line"] - 1]
    assert d["severity"] == "error" and line[d["column"] - 1 :].startswith("Pst") and d["file"] == "prisma/schema.prisma"

    r = run_cli("migrate", "status", "--json")  # P1012 from another command: the error object with the spans
    err = doc(r, "migrate status", ok=False)["error"]
    assert r.exit_code == 1 and err["code"] == "P1012" and err["diagnostics"] == data["diagnostics"]

    write_schema(tmp_path, "sqlite", V1)
    r = run_cli("validate", "--json")
    assert r.exit_code == 0 and doc(r, "validate") | {"diagnostics": []} == {
        "version": 1, "command": "validate", "ok": True, "schema": "prisma/schema.prisma", "valid": True,
        "diagnostics": [],
    }


def test_json_errors_and_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    monkeypatch.chdir(tmp_path)
    r = run_cli("migrate", "status", "--json")  # no schema
    err = doc(r, "migrate status", ok=False)["error"]
    assert r.exit_code == 1 and "schema" in err["message"].lower() and err["exit_code"] == 1
    assert "schema" in r.err.lower()  # the human message too, on stderr

    r = run_cli("migrate", "deploy", "--json", "--lock-timeout", "soon")
    err = json.loads(r.out)["error"]
    assert r.exit_code == 2 and err["code"] == "usage" and err["exit_code"] == 2 and "soon" in err["message"]

    write_schema(tmp_path, "postgresql", V1)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:s3cret-pw@127.0.0.1:1/x?connect_timeout=2")
    r = run_cli("migrate", "deploy", "--json")
    assert r.exit_code == 1 and "s3cret-pw" not in r.out + r.err
    assert json.loads(r.out)["error"]["code"] == "P1001"


def test_quiet_and_verbose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "file:dev.db")
    write_schema(tmp_path, "sqlite", V1)
    r = run_cli("validate")
    assert "Prisma schema loaded from" in r.err
    r = run_cli("-q", "validate")
    assert r.exit_code == 0 and r.err == "" and "is valid" in r.out
    r = run_cli("-q", "migrate", "dev", "--name", "init", "--json")
    assert r.exit_code == 0 and r.err == "" and json.loads(r.out)["created"] is not None

    (tmp_path / "prisma/schema.prisma").write_text((tmp_path / "prisma/schema.prisma").read_text() + V2[len(V1):])
    assert run_cli("migrate", "dev", "--name", "post", "--create-only").exit_code == 0
    r = run_cli("--verbose", "migrate", "deploy", "--json")
    assert r.exit_code == 0 and json.loads(r.out)["applied"]  # stdout: still the document only
    assert 'DEBUG schemashift.migrations: connecting: Datasource "db": SQLite database "dev.db"' in r.err
    assert "DEBUG schemashift.query: -- CreateTable\nCREATE TABLE \"Post\" (" in r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "DEBUG" not in r.err
    logger = logging.getLogger("schemashift")  # after a run: the library's state, not the CLI's
    assert logger.level == logging.NOTSET and [type(h) for h in logger.handlers] == [logging.NullHandler]


def test_client_query_log(tmp_path: Path, provider: str, db_url: str, run_cli: Run,
                          caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.chdir(tmp_path)
    sys.path.insert(0, str(Path(__file__).parents[1] / "client"))
    try:
        from client_helpers import make_client
    finally:
        sys.path.pop(0)
    mod = make_client(tmp_path, provider, db_url, run_cli)
    client = mod.Client(url=db_url)
    try:
        with caplog.at_level(logging.DEBUG, logger="schemashift.query"):
            client.tag.create(data={"label": "x'y"})
            assert client.tag.count() == 1
        queries = [r for r in caplog.records if r.name == "schemashift.query"]
        assert len(queries) >= 2 and all(r.levelno == logging.DEBUG for r in queries)
        assert any("INSERT INTO" in r.getMessage() and "x'y" in r.getMessage() for r in queries)
        caplog.clear()
        client.tag.count()  # not at DEBUG: nothing logged
        assert not [r for r in caplog.records if r.name == "schemashift.query"]
    finally:
        client.close() if hasattr(client, "close") else None
    assert database_exists(db_url)
