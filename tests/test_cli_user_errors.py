"""User errors end as exit 1 (2 for usage) with a message that says what is wrong and where: never
exit 70 (internal error), never a traceback, never a password. Regression tests for what ended as
exit 70 (and for what tests/test_cli_fuzz.py found), Prisma's layout of error codes, and redaction.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

import readonly
from cli_fuzz import closed_port, schema_text
from schemashift.errors import SchemashiftError, redact, render_error

MODEL = "model A {\n  id Int @id\n}\n"


def _project(root: Path, provider: str = "sqlite", url: str = '"file:./dev.db"', models: str = MODEL) -> Path:
    (root / "prisma").mkdir(exist_ok=True)
    schema = root / "prisma" / "schema.prisma"
    schema.write_text(schema_text(provider, url, models))
    return schema


def _user_error(result: object, *needles: str, code: int = 1) -> None:
    assert result.exit_code == code, result  # type: ignore[attr-defined]
    text = result.out + result.err  # type: ignore[attr-defined]
    assert "Traceback" not in text and "internal error" not in text
    for needle in needles:
        assert needle in result.err, (needle, result.err)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- unsupported providers, no datasource


@pytest.mark.parametrize("provider", ["sqlserver", "mongodb"])
@pytest.mark.parametrize(
    "command",
    [
        ["migrate", "status"],
        ["migrate", "dev", "--create-only"],
        ["db", "push"],
        ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
        ["migrate", "diff", "--from-empty", "--to-schema-datasource", "prisma/schema.prisma", "--script"],
    ],
    ids=lambda c: " ".join(c[:2]) if isinstance(c, list) else c,
)
def test_unsupported_provider_names_it_and_the_supported_ones(
    provider: str, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f'"{provider}://u@127.0.0.1/db"'
    models = 'model A {\n  id String @id @map("_id") @db.ObjectId\n}\n' if provider == "mongodb" else MODEL
    _project(tmp_path, provider, url, models)
    result = run_cli(*command)
    _user_error(
        result,
        f"The datasource provider `{provider}` in `prisma/schema.prisma` is not supported by schemashift.",
        "Supported providers: sqlite, postgresql, mysql, cockroachdb.",
    )


def test_validate_accepts_a_provider_schemashift_cannot_migrate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    """It is a valid Prisma schema: only the commands that need a dialect refuse it."""
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, "cockroachdb", '"postgresql://u@127.0.0.1/db"')
    assert run_cli("validate").exit_code == 0


@pytest.mark.parametrize("side", ["--to-schema-datamodel", "--to-schema-datasource"])
def test_diff_of_a_schema_without_datasource(side: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    """Prisma (6 and 7): "There is no datasource in the schema.", exit 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.prisma").write_text(MODEL)
    result = run_cli("migrate", "diff", "--from-empty", side, "x.prisma", "--script")
    _user_error(result, "There is no datasource in the schema `x.prisma`")


def test_datasource_without_provider_is_p1012(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(f'datasource db {{\n  url = "file:./dev.db"\n}}\n{MODEL}')
    for command in (["migrate", "status"], ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma"]):
        _user_error(run_cli(*command), "Error code: P1012", 'Argument "provider" is missing in data source block "db".')


# ---------------------------------------------------------------- files that are not UTF-8


def _migration(root: Path, name: str, script: bytes) -> Path:
    folder = root / "prisma" / "migrations" / name
    folder.mkdir(parents=True)
    (folder.parent / "migration_lock.toml").write_text('provider = "sqlite"\n')
    (folder / "migration.sql").write_bytes(script)
    return folder / "migration.sql"


@pytest.mark.parametrize(
    "command",
    [
        ["migrate", "deploy"],
        ["migrate", "dev", "--create-only"],
        ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_invalid_utf8_in_migration_sql_names_the_file_and_offset(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable
) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    script = _migration(tmp_path, "20240101000000_init", b'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n-- caf\xe9\n')
    offset = script.read_bytes().index(b"\xe9")
    result = run_cli(*command)
    where = script.relative_to(tmp_path)  # absolute or relative, as the folder was given
    _user_error(result, "Could not read the migration script ", f"{where}: it is not valid UTF-8 text (byte 0xe9 at offset {offset}).")


def test_invalid_utf8_in_migration_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    _migration(tmp_path, "20240101000000_init", b"SELECT 1;\n")
    lock = tmp_path / "prisma" / "migrations" / "migration_lock.toml"
    lock.write_bytes(b'provider = "sqlite"\xff\n')
    _user_error(run_cli("migrate", "status"), f"Could not read the migration lock file {lock}: it is not valid UTF-8 text (byte 0xff at offset 19).")


def test_db_execute_file_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.sql").write_bytes(b"SELECT 1;\n\xff\xfe\n")
    result = run_cli("db", "execute", "--url", "file:./dev.db", "--file", "bad.sql")
    _user_error(result, "Could not read the SQL script bad.sql: it is not valid UTF-8 text (byte 0xff at offset 10).")


def test_schema_not_utf8_names_the_offset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    schema = _project(tmp_path)
    schema.write_bytes(schema.read_bytes() + b"// \xc3(\n")
    offset = schema.read_bytes().index(b"\xc3")
    _user_error(run_cli("validate"), f"it is not valid UTF-8 text (byte 0xc3 at offset {offset})", str(schema))


# ---------------------------------------------------------------- SQLite files


def test_sqlite_file_that_is_not_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    db = tmp_path / "prisma" / "dev.db"
    db.write_bytes(b"not a database at all " * 50)
    _user_error(run_cli("migrate", "status"), f"{db} is not a SQLite database")
    _user_error(run_cli("backup", "create"), f"Could not back up the SQLite database {db}")
    assert not list((tmp_path / "backups").glob("*.db"))  # no half-written backup left behind


# ---------------------------------------------------------------- read-only project folders

needs_readonly = pytest.mark.skipif(not readonly.available(), reason="cannot make folders unwritable for this process")


def _read_only(*folders: Path) -> None:
    for folder in folders:
        folder.chmod(0o555)


@pytest.fixture
def writable_again(tmp_path: Path) -> object:
    yield
    for folder in [tmp_path, *tmp_path.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o755)


@needs_readonly
@pytest.mark.parametrize("create_only", [False, True])
def test_migrate_dev_in_a_read_only_project(
    create_only: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable, writable_again: object
) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    with sqlite3.connect(tmp_path / "prisma" / "dev.db"):
        pass  # the database exists: the migration folder is what cannot be written
    _read_only(tmp_path / "prisma", tmp_path)
    with readonly.permission_bits_enforced():
        result = run_cli("migrate", "dev", "--name", "init", *(["--create-only"] if create_only else []))
    _user_error(result, "Permission denied", str(tmp_path))


@needs_readonly
def test_migrate_dev_cannot_create_the_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable, writable_again: object
) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    _read_only(tmp_path / "prisma")
    with readonly.permission_bits_enforced():
        result = run_cli("migrate", "dev", "--name", "init")
    _user_error(result, str(tmp_path / "prisma" / "dev.db"))


@needs_readonly
def test_format_of_a_read_only_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable, writable_again: object) -> None:
    monkeypatch.chdir(tmp_path)
    schema = _project(tmp_path)
    schema.write_text(schema.read_text().replace("id Int @id", "id      Int   @id"))  # unformatted
    schema.chmod(0o444)
    with readonly.permission_bits_enforced():
        result = run_cli("format")
    _user_error(result, f"Could not write {schema}: Permission denied.")


@needs_readonly
@pytest.mark.parametrize(
    ("command", "path"),
    [
        (["backup", "create"], "backups"),
        (["backup", "create", "-o", "prisma/backups"], "prisma/backups"),
        (["db", "pull"], "prisma/schema.prisma"),
        (["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "-o", "out.sql"], "out.sql"),
    ],
    ids=["backup create", "backup create -o", "db pull", "migrate diff -o"],
)
def test_writing_into_a_read_only_project(
    command: list[str], path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable, writable_again: object
) -> None:
    monkeypatch.chdir(tmp_path)
    schema = _project(tmp_path)
    with sqlite3.connect(tmp_path / "prisma" / "dev.db") as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    schema.chmod(0o444)
    _read_only(tmp_path / "prisma", tmp_path)
    with readonly.permission_bits_enforced():
        result = run_cli(*command)
    _user_error(result, path, "Permission denied")


# ---------------------------------------------------------------- one rendering of error codes


def test_render_error_follows_prisma_layout() -> None:
    """prisma 7.10 `migrate deploy`: `Error: P1001: Can't reach database server at ...` for the
    connection check, `Error: P3009` + blank line + message for the engine's errors."""
    from schemashift.connectors import errors

    assert render_error("Can't reach", "P1001", one_line=True) == "Error: P1001: Can't reach"
    assert render_error("migrate found failed migrations", "P3009") == "Error: P3009\n\nmigrate found failed migrations"
    assert render_error("plain") == "Error: plain"
    assert SchemashiftError("x", code="P3005").render() == "Error: P3005\n\nx"
    assert errors.InvalidUrl("bad").render() == "Error: P1013: bad"
    assert errors.LockTimeout("Timed out").render() == "Error: P1002\n\nTimed out"  # from the engine
    assert errors.DatabaseError("ERROR: syntax error", db_code="42601").render() == "Error: ERROR: syntax error"


@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_unreachable_server_is_rendered_like_prisma(scheme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    port = closed_port()
    _project(tmp_path, scheme, f'"{scheme}://u@127.0.0.1:{port}/db"')
    for command in (["migrate", "deploy"], ["migrate", "status"], ["db", "push"]):
        result = run_cli(*command)
        where = f"`127.0.0.1`:`{port}`"
        assert result.exit_code == 1
        assert result.err.endswith(
            f"Error: P1001: Can't reach database server at {where}\n\nPlease make sure your database server is running at {where}.\n"
        ), result.err


# ---------------------------------------------------------------- passwords

PASSWORD = "p@ss%w/rd:Zq#1"
ENCODED = quote(PASSWORD, safe="")


def _assert_no_password(text: str) -> None:
    lower = re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), ENCODED)
    for form in (PASSWORD, ENCODED, lower, quote(PASSWORD)):
        assert form not in text, text


def test_redact_hides_every_form_of_a_secret() -> None:
    lower = re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), ENCODED)
    text = f"x {PASSWORD} y {ENCODED} z {lower} postgresql://u:other@h/db?sslpassword=s3"
    out = redact(text, [PASSWORD])
    _assert_no_password(out)
    assert "other" not in out and "s3" not in out and out.count("****") == 5


def _bad_urls(provider: str, db_url: str) -> list[str]:
    """URLs with PASSWORD whose connection fails: a closed port, and on the test server a wrong
    password (MariaDB) or an unknown role (PostgreSQL trusts every password here)."""
    if provider == "sqlite":
        # a SQLite URL has no password, but one in its parameters must not be echoed either
        return [f"file:./missing-dir/x.db?password={ENCODED}", f"file:./dev.db?password={ENCODED}"]
    from schemashift.connectors import parse_url

    url = parse_url(db_url)
    user = "no_such_role_x" if provider == "postgresql" else url.user
    return [
        f"{provider}://{url.user}:{ENCODED}@127.0.0.1:{closed_port()}/db",
        f"{provider}://{user}:{ENCODED}@127.0.0.1:{url.port}/{url.database}",
    ]


def test_no_password_in_connection_failures(
    provider: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable
) -> None:
    monkeypatch.chdir(tmp_path)
    for bad in _bad_urls(provider, db_url):
        monkeypatch.setenv("DATABASE_URL", bad)
        _project(tmp_path, provider, 'env("DATABASE_URL")')
        (tmp_path / "script.sql").write_text("SELECT 1;\n")
        for command in (
            ["migrate", "status"],
            ["migrate", "deploy"],
            ["db", "push"],
            ["db", "pull", "--print"],
            ["db", "execute", "--url", bad, "--file", "script.sql"],
            ["migrate", "diff", "--from-url", bad, "--to-empty"],
            ["backup", "create"],
        ):
            result = run_cli(*command)
            assert result.exit_code in (0, 1), (command, result)
            _assert_no_password(result.out + result.err)
            assert "Traceback" not in result.err
            if provider != "sqlite":  # (SQLite creates the missing folder and file)
                assert result.exit_code == 1 and re.search(r"Error: |P100\d", result.err), (command, result)


def test_usage_error_does_not_echo_a_password(run_cli: Callable) -> None:
    """click repeats a stray argument in its usage error: redacted like every other error."""
    result = run_cli("db", "execute", "--stdin", f"postgresql://u:{ENCODED}@127.0.0.1/db")
    assert result.exit_code == 2
    assert "Got unexpected extra argument (postgresql://u:****@127.0.0.1/db)" in result.err
    _assert_no_password(result.out + result.err)


def test_generate_for_cockroachdb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    schema = _project(tmp_path, "cockroachdb", f'"postgresql://u@127.0.0.1:{closed_port()}/db"')
    schema.write_text('generator client {\n  provider = "schemashift-py"\n}\n' + schema.read_text())
    _user_error(run_cli("generate"), "The Python client supports sqlite, postgresql and mysql, not `cockroachdb`.")


def test_closed_stdin(tmp_path: Path) -> None:
    """Started with standard input closed (`<&-`, sys.stdin is None): it reads as empty and is not
    a terminal (was: exit 70, AttributeError on None)."""
    import os
    import subprocess
    import sys

    _project(tmp_path)
    exe = Path(sys.executable).with_name("schemashift")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), *args], cwd=tmp_path, capture_output=True, text=True, preexec_fn=lambda: os.close(0), check=False
        )

    reset = run("migrate", "reset")
    assert reset.returncode == 1 and "non-interactive" in reset.stderr, reset
    execute = run("db", "execute", "--stdin", "--url", "file:./dev.db")
    assert execute.returncode == 0 and "Script executed successfully." in execute.stdout, execute
    dev = run("migrate", "dev", "--name", "init")
    assert dev.returncode == 0 and "Traceback" not in dev.stderr, dev


@pytest.mark.parametrize("content", [b"[tool.schemashift]\nseed = \"caf\xe9\"\n", b"[tool.schemashift\n"])
@pytest.mark.parametrize("command", [("migrate", "status"), ("db", "seed"), ("validate",)])
def test_a_broken_pyproject_is_named_never_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli, content: bytes, command: tuple[str, ...]
) -> None:
    """pyproject.toml is read by one function (config.tool_settings) for the schema path, the
    settings and the seed: invalid UTF-8 or TOML there is exit 1 naming the file (it was exit 70
    in the settings and seed readers)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(
        'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n'
    )
    r = run_cli(*command)
    assert r.exit_code == 1, r.out + r.err
    assert "pyproject.toml" in r.err and "Traceback" not in r.err and "internal error" not in r.err
