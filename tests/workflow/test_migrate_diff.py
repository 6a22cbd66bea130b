"""`schemashift migrate diff` with every source kind, --script, --exit-code and -o."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import connect

A = """
model User {
  id    Int    @id
  email String @unique
}
"""
B = """
model User {
  id        Int     @id
  email     String  @unique
  firstName String?
}
"""


def schema(root: Path, name: str, provider: str, models: str) -> str:
    path = root / name
    path.write_text(f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{models}')
    return str(path)


@pytest.fixture
def here(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    return tmp_path


def test_schema_to_schema_summary_script_exit_code_output(here: Path, provider: str, run_cli) -> None:
    a, b = schema(here, "a.prisma", provider, A), schema(here, "b.prisma", provider, B)
    r = run_cli("migrate", "diff", "--from-schema-datamodel", a, "--to-schema-datamodel", b)
    assert r.exit_code == 0
    assert "[*] Changed the `User` table\n  [+] Added column `firstName`" in r.out
    r = run_cli("migrate", "diff", "--from-schema-datamodel", a, "--to-schema-datamodel", b, "--script", "--exit-code")
    assert r.exit_code == 2 and "-- AlterTable" in r.out and "firstName" in r.out
    r = run_cli("migrate", "diff", "--from-schema-datamodel", a, "--to-schema-datamodel", a, "--script", "--exit-code")
    assert r.exit_code == 0 and r.out == "-- This is an empty migration.\n"
    r = run_cli("migrate", "diff", "--from-schema-datamodel", a, "--to-schema-datamodel", a)
    assert r.exit_code == 0 and "No difference detected." in r.out
    r = run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", b, "--script", "-o", "out.sql")
    assert r.exit_code == 0 and r.out == ""
    assert "CREATE TABLE" in (here / "out.sql").read_text()


def test_database_and_migrations_sources(here: Path, provider: str, db_url: str, run_cli) -> None:
    a = schema(here, "a.prisma", provider, A)
    r = run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", a, "--script")
    with connect(db_url) as conn:
        conn.execute_script(r.out)
    # the live database equals the schema: by --from-url and by --from-schema-datasource
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", a, "--exit-code")
    assert r.exit_code == 0, r.out + r.err
    r = run_cli("migrate", "diff", "--from-schema-datasource", a, "--to-schema-datamodel", a, "--exit-code")
    assert r.exit_code == 0, r.out + r.err
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-empty", "--script", "--exit-code")
    assert r.exit_code == 2 and "DROP TABLE" in r.out
    # a migrations folder (SQLite needs no shadow database; servers need --shadow-database-url)
    folder = here / "migrations" / "20260101000000_init"
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", a, "--script").out)
    (here / "migrations" / "migration_lock.toml").write_text(f'provider = "{provider}"')
    b = schema(here, "b.prisma", provider, B)
    args = ["migrate", "diff", "--from-migrations", str(here / "migrations"), "--to-schema-datamodel", b, "--script"]
    if provider == "sqlite":
        r = run_cli(*args)
    else:
        r = run_cli(*args)
        assert r.exit_code == 2 and "--shadow-database-url" in r.err
        import dbutil

        admin = dbutil.admin_url(provider)
        name = dbutil.unique_db_name()
        create, drop = (dbutil.postgres_create, dbutil.postgres_drop) if provider == "postgresql" else (dbutil.mysql_create, dbutil.mysql_drop)
        shadow = create(admin, name)
        try:
            r = run_cli(*args, "--shadow-database-url", shadow)
        finally:
            drop(admin, name)
    assert r.exit_code == 0, r.err
    assert "firstName" in r.out and "CREATE TABLE" not in r.out


def test_usage_errors(here: Path, provider: str, run_cli) -> None:
    a = schema(here, "a.prisma", provider, A)
    r = run_cli("migrate", "diff", "--to-schema-datamodel", a)
    assert r.exit_code == 2 and "Exactly one --from-" in r.err
    r = run_cli("migrate", "diff", "--from-empty", "--from-schema-datamodel", a, "--to-empty")
    assert r.exit_code == 2 and "Exactly one --from-" in r.err
    r = run_cli("migrate", "diff", "--from-empty", "--to-empty")
    assert r.exit_code == 2 and "Cannot tell which database" in r.err


RENAME_BEFORE = """
model Post {
  id    Int    @id
  title String @db.VarChar(100)
  @@index([title], map: "post_title_old")
}
"""
RENAME_AFTER = RENAME_BEFORE.replace("post_title_old", "post_title_new")


def _server_is_mariadb(url: str) -> bool:
    with connect(url) as conn:
        return "mariadb" in conn.server_version().lower()


@pytest.mark.parametrize("provider", ["mysql"], indirect=True)
def test_live_mariadb_uses_prismas_mariadb_flavour(here: Path, provider: str, db_url: str, run_cli) -> None:
    """Prisma picks the MariaDB flavour from the connection: an index it would rename on MySQL is
    dropped and created again. Schema-to-schema diffs (no connection) keep the MySQL flavour; a
    live MariaDB database, in `migrate diff --from-url` and in `migrate dev`, gets MariaDB's."""
    mariadb = _server_is_mariadb(db_url)
    before = schema(here, "before.prisma", provider, RENAME_BEFORE)
    after = schema(here, "after.prisma", provider, RENAME_AFTER)
    offline = run_cli("migrate", "diff", "--from-schema-datamodel", before, "--to-schema-datamodel", after, "--script")
    assert offline.exit_code == 0 and "RENAME INDEX `post_title_old` TO `post_title_new`" in offline.out
    r = run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", before, "--script")
    with connect(db_url) as conn:
        conn.execute_script(r.out)
    live = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", after, "--script")
    assert live.exit_code == 0, live.err
    if mariadb:
        assert "RENAME INDEX" not in live.out
        assert "DROP INDEX `post_title_old` ON `Post`" in live.out
        assert "CREATE INDEX `post_title_new` ON `Post`(`title`)" in live.out
    else:
        assert live.out == offline.out
    with connect(db_url) as conn:  # the flavour's script works on this server
        conn.execute_script(live.out)
    done = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", after, "--script")
    assert done.out == "-- This is an empty migration.\n"

    # migrate dev writes the same flavour into migration.sql (and its down.sql)
    (here / "prisma").mkdir()
    (here / "prisma/schema.prisma").write_text(Path(before).read_text())
    with connect(db_url) as conn:
        conn.reset()
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    (here / "prisma/schema.prisma").write_text(Path(after).read_text())
    r = run_cli("migrate", "dev", "--name", "rename_index")
    assert r.exit_code == 0, r.err
    (folder,) = (here / "prisma/migrations").glob("*_rename_index")
    sql, down = (folder / "migration.sql").read_text(), (folder / "down.sql").read_text()
    if mariadb:
        assert "RENAME INDEX" not in sql + down
        assert "CREATE INDEX `post_title_new`" in sql and "CREATE INDEX `post_title_old`" in down
    else:
        assert "RENAME INDEX `post_title_old` TO `post_title_new`" in sql


def test_a_pure_index_rename_is_summarised_from_the_steps(here: Path, provider: str, run_cli) -> None:
    """The summary is rendered from the steps: a rename is a difference (exit 2), never "No
    difference detected." with an empty summary (it was a second comparison before)."""
    if provider == "sqlite":
        pytest.skip("SQLite cannot rename an index: the differ drops and creates it")
    a = schema(here, "a.prisma", provider, A.replace("}\n", '\n  @@index([email], map: "old_idx")\n}\n', 1))
    b = schema(here, "b.prisma", provider, A.replace("}\n", '\n  @@index([email], map: "new_idx")\n}\n', 1))
    r = run_cli("migrate", "diff", "--from-schema-datamodel", a, "--to-schema-datamodel", b, "--exit-code")
    assert r.exit_code == 2, r.err
    assert "[*] Changed the `User` table\n  [*] Renamed index `old_idx` to `new_idx`\n" in r.out


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_to_empty_from_a_url_drops_in_the_urls_schema(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """The connection's ?schema= travels with its dialect: the drop script names that schema, never
    `public` (which held another table of the same name)."""
    url = db_url.replace("schema=public", "schema=tenant")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    path = schema(tmp_path, "s.prisma", "postgresql", A)
    assert run_cli("db", "push", "--schema", path).exit_code == 0
    r = run_cli("migrate", "diff", "--from-url", url, "--to-empty", "--script")
    assert r.exit_code == 0, r.err
    assert 'DROP TABLE "tenant"."User";' in r.out and "public" not in r.out
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", path, "--exit-code")
    assert r.exit_code == 0, r.out + r.err
