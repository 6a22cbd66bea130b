"""The library API (``schemashift.api``) on SQLite, PostgreSQL and MySQL/MariaDB: typed results,
nothing printed, ``os.environ`` unchanged, ``.env`` files read without being loaded into it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import schemashift
from schemashift import api
from schemashift.connectors import connect, database_exists
from schemashift.errors import SchemashiftError, SchemaValidationError
from schemashift.migrations.history import TABLE, list_tables

from api_schemas import V1, V2
from api_schemas import write_schema as _write_schema


def write_schema(root: Path, provider: str, models: str) -> Path:
    return _write_schema(root, provider, models, url_var="APP_DB_URL")


@pytest.fixture
def untouched(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """The test's API calls print nothing and leave ``os.environ`` as it was."""
    before = environ()
    capsys.readouterr()
    yield
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")
    assert environ() == before


def environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # pytest's own


def tables(url: str) -> list[str]:
    with connect(url) as conn:
        return sorted(list_tables(conn))


def add_migration(root: Path, name: str, sql: str) -> Path:
    folder = root / "prisma" / "migrations" / name
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(sql)
    return folder


def test_workflow_through_the_api(provider: str, db_url: str, tmp_path: Path, untouched: None) -> None:
    """dev, status, dry run, deploy, diff, reset: each result typed and checked against the database."""
    schema = write_schema(tmp_path, provider, V1)
    env = {"APP_DB_URL": db_url}
    assert "APP_DB_URL" not in os.environ

    checked = api.validate(schema=schema, cwd=tmp_path, env=env)
    assert checked.valid and checked.diagnostics == ()

    created = api.dev(name="init", cwd=tmp_path, env=env)
    assert created.created is not None and created.created.name.endswith("_init")
    assert (created.created / "migration.sql").is_file()
    assert created.applied == (created.created.name,)
    assert "User" in tables(db_url)

    st = api.status(cwd=tmp_path, env=env)
    assert st.state == "up_to_date" and st.up_to_date and st.applied == (created.created.name,)

    write_schema(tmp_path, provider, V2)
    second = api.dev(name="post", create_only=True, cwd=tmp_path, env=env)
    assert second.created is not None and second.applied == ()
    st = api.status(cwd=tmp_path, env=env)
    assert st.state == "pending" and st.pending == (second.created.name,)

    plan = api.deploy(dry_run=True, cwd=tmp_path, env=env)
    assert plan.dry_run and plan.found == 2 and plan.applied == ()
    assert [m.name for m in plan.migrations] == [second.created.name]
    assert plan.migrations[0].statements >= 1 and plan.migrations[0].seconds is None
    assert "Post" not in tables(db_url)  # nothing ran

    done = api.deploy(cwd=tmp_path, env=env)
    assert done.applied == (second.created.name,) and not done.dry_run
    assert done.migrations[0].seconds is not None and done.migrations[0].seconds > 0
    assert "Post" in tables(db_url)
    assert api.status(cwd=tmp_path, env=env).state == "up_to_date"

    same = api.diff(api.DiffSource.database(db_url), api.DiffSource.schema(tmp_path / "prisma/schema.prisma"))
    assert same.empty and same.steps == 0
    whole = api.diff(api.DiffSource.empty(), api.DiffSource.schema(tmp_path / "prisma/schema.prisma"), env=env)
    assert whole.steps >= 2 and "CREATE TABLE" in whole.script and "[+] Added tables" in whole.summary

    with connect(db_url) as conn:
        conn.execute('INSERT INTO "User" (id, email) VALUES (1, \'a@b.c\')' if provider != "mysql"
                     else "INSERT INTO `User` (id, email) VALUES (1, 'a@b.c')")
    again = api.reset(cwd=tmp_path, env=env)
    assert again.applied == (created.created.name, second.created.name)
    with connect(db_url) as conn:
        assert conn.query("SELECT COUNT(*) FROM " + ('"User"' if provider != "mysql" else "`User`"))[0][0] == 0

    assert schemashift.deploy is api.deploy and schemashift.StatusResult is api.StatusResult


def test_env_files_are_read_not_loaded(provider: str, db_url: str, tmp_path: Path, untouched: None) -> None:
    """A ``.env`` file gives the URL; ``os.environ`` never sees it. ``url=`` wins over both."""
    write_schema(tmp_path, provider, V1)
    (tmp_path / ".env").write_text(f"APP_DB_URL={db_url}\nOTHER_VAR=1\n")
    st = api.status(cwd=tmp_path, env={})
    assert st.state == "up_to_date" and st.found == () and not st.history_table_exists
    assert "OTHER_VAR" not in os.environ and "APP_DB_URL" not in os.environ
    (tmp_path / ".env").unlink()
    with pytest.raises(SchemaValidationError) as missing:
        api.status(cwd=tmp_path, env={})
    assert [d.message for d in missing.value.diagnostics] == ["Environment variable not found: APP_DB_URL."]
    st = api.status(cwd=tmp_path, env={}, url=db_url)  # the schema's variable unset: url= stands in
    assert st.state == "up_to_date"


def test_dry_run_changes_nothing(provider: str, missing_db_url: str, tmp_path: Path, untouched: None) -> None:
    """On a database that does not exist, then on an empty one: the plan with the linter's findings,
    and afterwards no database, no ``_prisma_migrations`` table."""
    write_schema(tmp_path, provider, V1)
    q = "`" if provider == "mysql" else '"'
    add_migration(tmp_path, "20260101000000_init", f"CREATE TABLE {q}T{q} ({q}id{q} INTEGER PRIMARY KEY);\n")
    add_migration(tmp_path, "20260102000000_drop", f"DROP TABLE {q}T{q};\n")
    env = {"APP_DB_URL": missing_db_url}

    plan = api.deploy(dry_run=True, cwd=tmp_path, env=env)
    assert [m.name for m in plan.migrations] == ["20260101000000_init", "20260102000000_drop"]
    assert plan.migrations[0].findings == () or all(f.rule != "ban-drop-table" for f in plan.migrations[0].findings)
    drop = plan.migrations[1].findings
    assert any(f.rule == "ban-drop-table" and f.level == "error" and f.line == 1 for f in drop)
    assert not database_exists(missing_db_url)

    with _created(missing_db_url):
        pass
    assert database_exists(missing_db_url)
    plan = api.deploy(dry_run=True, cwd=tmp_path, env=env)
    assert len(plan.migrations) == 2
    assert tables(missing_db_url) == []  # no _prisma_migrations table, nothing else

    api.deploy(cwd=tmp_path, env=env)
    assert TABLE in tables(missing_db_url)
    assert api.deploy(dry_run=True, cwd=tmp_path, env=env).migrations == ()


def _created(url: str):  # type: ignore[no-untyped-def]
    from schemashift.connectors import create_database

    create_database(url)
    return connect(url)


def test_status_states_and_unreachable(provider: str, db_url: str, tmp_path: Path, untouched: None) -> None:
    write_schema(tmp_path, provider, V1)
    q = "`" if provider == "mysql" else '"'
    env = {"APP_DB_URL": db_url}
    init = add_migration(tmp_path, "20260101000000_init", f"CREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY);\n")
    api.deploy(cwd=tmp_path, env=env)
    (init / "migration.sql").write_text(f"CREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY); -- edited\n")
    st = api.status(cwd=tmp_path, env=env)
    assert st.state == "drift" and st.edited == ("20260101000000_init",)
    (init / "migration.sql").write_text(f"CREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY);\n")

    add_migration(tmp_path, "20260102000000_bad", "THIS IS NOT SQL;\n")
    with pytest.raises(SchemashiftError) as failed:
        api.deploy(cwd=tmp_path, env=env)
    assert failed.value.code == "P3018"
    st = api.status(cwd=tmp_path, env=env)
    assert st.state == "failed" and [f.name for f in st.failed] == ["20260102000000_bad"]
    assert st.failed[0].started_at and st.as_dict()["state"] == "failed"
    if provider == "mysql":  # statement by statement, failed at its first: deploy would resume it
        (planned,) = api.deploy(dry_run=True, cwd=tmp_path, env=env).migrations
        assert (planned.name, planned.mode, planned.resume_at) == ("20260102000000_bad", "statements", 1)
    else:  # rolled back with its transaction, recorded failed: deploy refuses, so does the dry run
        with pytest.raises(SchemashiftError) as blocked:
            api.deploy(dry_run=True, cwd=tmp_path, env=env)
        assert blocked.value.code == "P3009" and "20260102000000_bad" in blocked.value.message
    assert api.status(cwd=tmp_path, env=env).failed == st.failed  # the dry run wrote nothing

    unreachable = {
        "sqlite": f"file:{tmp_path / 'no' / 'such' / 'dir.db'}",
        "postgresql": "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2",
        "mysql": "mysql://root@127.0.0.1:1/x?connect_timeout=2",
    }[provider]
    with pytest.raises(api.DatabaseUnreachable) as down:
        api.status(cwd=tmp_path, env={"APP_DB_URL": unreachable})
    assert down.value.code in ("P1001", "P1003")


def test_validate_reports_spans(tmp_path: Path, untouched: None) -> None:
    path = write_schema(tmp_path, "sqlite", "model User {\n  id Int @id\n  posts Pst[]\n}\n")
    result = api.validate(schema=path, cwd=tmp_path, env={"APP_DB_URL": "file:dev.db"})
    assert not result.valid
    (d,) = [d for d in result.diagnostics if d.severity == "error"]
    text = path.read_text().splitlines()
    assert d.file == "prisma/schema.prisma" and "Pst" in d.message
    assert text[d.line - 1][d.column - 1 :].startswith("Pst")
    assert d.end_line == d.line and d.end_column > d.column


def test_validate_checks_the_url(tmp_path: Path, untouched: None) -> None:
    path = write_schema(tmp_path, "postgresql", V1)
    result = api.validate(schema=path, cwd=tmp_path, env={"APP_DB_URL": "mysql://x@h/db"})
    (d,) = result.diagnostics
    assert not result.valid and "must start with the protocol" in d.message
    assert path.read_text().splitlines()[d.line - 1][d.column - 1 :].startswith('env("APP_DB_URL")')


def test_lint_returns_findings(tmp_path: Path, untouched: None) -> None:
    write_schema(tmp_path, "postgresql", V1)
    add_migration(tmp_path, "20260101000000_a", 'CREATE TABLE "T" (id int);\n')
    add_migration(tmp_path, "20260102000000_b", 'SET lock_timeout = \'1s\';\nSET statement_timeout = \'5s\';\nDROP TABLE "T";\n')
    report = api.lint(cwd=tmp_path)
    assert len(report.files) == 2 and report.failed
    drop = [f for f in report.findings if f.rule == "ban-drop-table"]
    assert [(f.path, f.line, f.level) for f in drop] == [("prisma/migrations/20260102000000_b/migration.sql", 3, "error")]


def test_backups_through_the_api(provider: str, db_url: str, tmp_path: Path, untouched: None) -> None:
    write_schema(tmp_path, provider, V1)
    env = {"APP_DB_URL": db_url}
    q = "`" if provider == "mysql" else '"'
    add_migration(tmp_path, "20260101000000_init", f"CREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY);\n")
    api.deploy(cwd=tmp_path, env=env)
    folder = tmp_path / "backups"
    made = api.backup_create(directory="backups", label="api_test", cwd=tmp_path, env=env)
    assert made.path == folder / made.file  # relative to cwd=
    assert made.path.is_file() and made.path.stat().st_size == made.size and made.size > 0
    assert made.migration == "20260101000000_init" and made.label == "api_test" and made.provider == provider
    listed = api.backup_list(folder)
    assert listed == (made,) and api.backup_list("backups", cwd=tmp_path) == (made,)
    decisions = api.backup_prune(folder, dry_run=True, delete=[made.file])
    assert [(d.backup.file, d.keep) for d in decisions] == [(made.file, False)]
    assert made.path.is_file()  # a dry run
    api.backup_prune(folder, delete=[made.file])
    assert not made.path.exists() and api.backup_list(folder) == ()


def test_pull_through_the_api(provider: str, db_url: str, tmp_path: Path, untouched: None) -> None:
    path = write_schema(tmp_path, provider, V1)
    env = {"APP_DB_URL": db_url}
    api.dev(name="init", cwd=tmp_path, env=env)
    before = path.read_text()
    pulled = api.pull(cwd=tmp_path, env=env)
    assert pulled.models == 1 and pulled.enums == 0 and "model User {" in pulled.schema
    assert "@unique" in pulled.schema and pulled.warnings == () and pulled.warnings_text == ""
    assert path.read_text() == before  # the API returns the text, it writes nothing


def test_dry_run_refuses_what_deploy_refuses(provider: str, db_url: str, tmp_path: Path, untouched: None) -> None:
    """A database with tables and no history: P3005, as deploy; still no history table after."""
    write_schema(tmp_path, provider, V1)
    q = "`" if provider == "mysql" else '"'
    add_migration(tmp_path, "20260101000000_init", f"CREATE TABLE {q}T{q} ({q}id{q} INTEGER PRIMARY KEY);\n")
    with connect(db_url) as conn:
        conn.execute(f"CREATE TABLE {q}legacy{q} ({q}id{q} INTEGER PRIMARY KEY)")
    with pytest.raises(SchemashiftError) as refused:
        api.deploy(dry_run=True, cwd=tmp_path, env={"APP_DB_URL": db_url})
    assert refused.value.code == "P3005"
    assert tables(db_url) == ["legacy"]


def test_config_warnings_are_logged_not_printed(tmp_path: Path, untouched: None, caplog: pytest.LogCaptureFixture) -> None:
    write_schema(tmp_path, "sqlite", V1)
    (tmp_path / "pyproject.toml").write_text("[tool.schemashift]\nlock_timout = \"1s\"\n")
    with caplog.at_level(logging.WARNING, logger="schemashift.config"):
        api.status(cwd=tmp_path, env={"APP_DB_URL": f"file:{tmp_path / 'dev.db'}"})
    (record,) = [r for r in caplog.records if r.name == "schemashift.config"]
    assert "unknown key" in record.getMessage() and "lock_timout" in record.getMessage()


@pytest.mark.parametrize("loads_dotenv", [True, False])
def test_prisma7_env_only_through_the_config(tmp_path: Path, untouched: None, loads_dotenv: bool) -> None:
    """A prisma.config.ts project: the API reads the .env its configuration loads, and only that
    one, into its own mapping (Prisma 7's rule, as the CLI)."""
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text('datasource db {\n  provider = "sqlite"\n}\n' + V1)
    imports = 'import "dotenv/config";\n' if loads_dotenv else ""
    (tmp_path / "prisma.config.ts").write_text(
        f'import {{ defineConfig, env }} from "prisma/config";\n{imports}'
        'export default defineConfig({\n  datasource: { url: env("APP_DATABASE_URL") },\n});\n'
    )
    (tmp_path / ".env").write_text('APP_DATABASE_URL="file:./dev.db"\n')
    (tmp_path / "prisma/.env").write_text('APP_DATABASE_URL="file:./from-schema-folder.db"\n')
    if loads_dotenv:
        assert api.status(cwd=tmp_path, env={}).state == "up_to_date"
        done = api.deploy(cwd=tmp_path, env={})
        assert done.found == 0 and (tmp_path / "dev.db").is_file()
    else:
        with pytest.raises(SchemashiftError, match="APP_DATABASE_URL"):
            api.status(cwd=tmp_path, env={})
    assert not (tmp_path / "prisma/from-schema-folder.db").exists()
