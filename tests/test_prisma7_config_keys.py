"""The rest of Prisma 7.10's ``prisma.config.ts`` and CLI surface: the file lookup order and
``--config``, ``migrations.initShadowDb``, ``tables.external``/``enums.external`` (with
``experimental.externalTables``), multi-schema projects, ``migrate dev``/``reset`` without generate
and seed, ``--url``; the SQL compared byte for byte with the real Prisma 7.10 CLI run on the same
configuration file (``../shared/oracle``'s installed ``prisma@7.10.1``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from schemashift.prisma_config import CONFIG_FILES, find_config, parse_config


from test_prisma7_projects import ORACLE

def _prisma_cli() -> tuple[Path, dict[str, str]] | None:
    """The oracle's installed ``prisma@7.10.1`` CLI and its environment, to run it on a project's own
    configuration file (the ``prisma7`` wrapper always writes its own); None without it."""
    if ORACLE is None or shutil.which("node") is None:
        return None
    home = Path(os.environ.get("PRISMA_ORACLE_HOME") or Path.home() / ".cache" / "prisma-oracle") / "prisma7"
    cli, shim = home / "node_modules" / ".bin" / "prisma", home / "shim" / "schema-engine"
    if not cli.exists():
        subprocess.run([str(ORACLE), "version"], capture_output=True, timeout=600)  # installs on first use
    if not cli.exists() or not shim.exists():
        return None
    env = {
        **os.environ, "PRISMA_SCHEMA_ENGINE_BINARY": str(shim), "PRISMA_HIDE_UPDATE_MESSAGE": "1",
        "CHECKPOINT_DISABLE": "1", "PRISMA_DISABLE_WARNINGS": "1", "NO_COLOR": "1",
    }
    return cli, env


PRISMA = _prisma_cli()
needs_prisma7 = pytest.mark.skipif(PRISMA is None, reason="needs node and ../shared/oracle/prisma7 (installed)")


def prisma7(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real Prisma 7 CLI in ``cwd`` on ``cwd/prisma.config.ts``."""
    assert PRISMA is not None
    cli, env = PRISMA
    return subprocess.run(
        [str(cli), *args, "--config", "prisma.config.ts"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _script(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.endswith("\n\n")
    return p.stdout[:-2]  # the CLI adds two newlines to the engine's script


@contextmanager
def _twin_projects(tmp_path: Path, db_url: str, write: Callable[[Path, str], None]) -> Iterator[tuple[Path, Path]]:
    """Two copies of a project (``write(root, url)``), ours on ``db_url`` and prisma7's on a
    second database (SQLite: a ``dev.db`` in each); the current directory is ours."""
    import dbutil

    ours_root, theirs_root = tmp_path / "ours", tmp_path / "theirs"
    if db_url.startswith("file:"):
        for root in (ours_root, theirs_root):
            root.mkdir()
            write(root, f"file:{root / 'dev.db'}")
        os.chdir(ours_root)
        yield ours_root, theirs_root
        return
    with dbutil.second_database("postgresql", tmp_path) as other_url:
        for root, url in ((ours_root, db_url), (theirs_root, other_url)):
            root.mkdir()
            write(root, url)
        os.chdir(ours_root)
        yield ours_root, theirs_root


def _dev_both(ours_root: Path, theirs_root: Path, run_cli) -> str:
    """``migrate dev --name init`` by schemashift and by prisma7: the migration, the same byte for
    byte; then schemashift's next ``migrate dev`` finds nothing to do."""
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.out + r.err
    p = prisma7(theirs_root, "migrate", "dev", "--name", "init")
    assert p.returncode == 0, p.stdout + p.stderr
    (ours_sql,) = (ours_root / "migrations").glob("*/migration.sql")
    (theirs_sql,) = (theirs_root / "migrations").glob("*/migration.sql")
    assert ours_sql.read_text() == theirs_sql.read_text()
    r = run_cli("migrate", "dev", "--name", "again")
    assert r.exit_code == 0 and "Already in sync" in r.out, r.out + r.err
    return ours_sql.read_text()


# ---------------------------------------------------------------- the reader


def test_lookup_order_is_prisma_7_10s() -> None:
    """``prisma7.config.*`` and ``.config/prisma7.*`` first, then ``prisma.config.*``, each in the
    extension order .js .ts .mjs .cjs .mts .cts (``@prisma/config``'s findPrismaConfigFile)."""
    assert CONFIG_FILES[:6] == tuple(f"prisma7.config{e}" for e in (".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"))
    assert CONFIG_FILES.index(".config/prisma7.ts") < CONFIG_FILES.index("prisma.config.js")
    assert CONFIG_FILES.index("prisma.config.js") < CONFIG_FILES.index("prisma.config.ts") < CONFIG_FILES.index(".config/prisma.ts")


def test_prisma7_config_file_wins_and_config_folder_paths(tmp_path: Path) -> None:
    (tmp_path / "prisma.config.ts").write_text('export default { schema: "a.prisma" }\n')
    (tmp_path / "prisma7.config.ts").write_text('export default { schema: "b.prisma" }\n')
    found = find_config(tmp_path)
    assert found is not None and found.display == "prisma7.config.ts" and found.path_of("schema") == tmp_path / "b.prisma"
    (tmp_path / "prisma.config.ts").unlink()
    (tmp_path / "prisma7.config.ts").unlink()
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "prisma.ts").write_text('export default { schema: "../prisma/schema.prisma" }\n')
    found = find_config(tmp_path)
    assert found is not None and found.display == ".config/prisma.ts"
    assert found.path_of("schema") == tmp_path / ".config" / "../prisma/schema.prisma"  # from the file's folder, as Prisma


def test_lists_booleans_and_read_files(tmp_path: Path) -> None:
    (tmp_path / "init.sql").write_text("CREATE TABLE ext (id int);\n")
    config = parse_config(
        textwrap.dedent("""\
            import fs from "node:fs"
            import { defineConfig } from "prisma/config"
            export default defineConfig({
              experimental: { externalTables: true, extensions: false },
              tables: { external: ["auth.users", 'auth.sessions',] },
              enums: { external: [] },
              views: { path: `${process.cwd()}/views` },   // not used by migrate: skipped
              migrations: { initShadowDb: fs.readFileSync("./init.sql", "utf-8") },
            })
        """),
        tmp_path / "prisma.config.ts",
        "prisma.config.ts",
    )
    assert config.error is None
    assert config.strings("tables.external") == ("auth.users", "auth.sessions")
    assert config.strings("enums.external") == ()
    assert config.flag("experimental.externalTables") is True
    assert config.get("migrations.initShadowDb") == "CREATE TABLE ext (id int);\n"
    inline = parse_config("export default { migrations: { initShadowDb: `CREATE TABLE x (id int);` } }", tmp_path / "p.ts", "p.ts")
    assert inline.get("migrations.initShadowDb") == "CREATE TABLE x (id int);"


def test_unreadable_forms_name_file_line_and_key(tmp_path: Path) -> None:
    config = parse_config(
        "export default {\n  migrations: { initShadowDb: `CREATE SCHEMA ${name};` },\n  tables: { external: names },\n}\n",
        tmp_path / "prisma.config.ts",
        "prisma.config.ts",
    )
    assert config.error is None  # each key fails only when used
    from schemashift.prisma_config import ConfigFileError

    with pytest.raises(ConfigFileError, match=r"prisma.config.ts:2: cannot read a template string with `\$\{\.\.\.\}`"):
        config.get("migrations.initShadowDb")
    with pytest.raises(ConfigFileError, match=r"prisma.config.ts:3: cannot read the value of `tables.external`"):
        config.strings("tables.external")
    wrong = parse_config('export default { tables: { external: "auth.users" } }', tmp_path / "p.ts", "p.ts")
    with pytest.raises(ConfigFileError, match="`tables.external` must be a list of strings"):
        wrong.strings("tables.external")


# ---------------------------------------------------------------- external tables and enums

PG_EXTERNAL = """datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  name  String
  role  Role
  posts Post[]
}

model Post {
  id     Int    @id @default(autoincrement())
  title  String
  role   Role   @default(A)
  userId Int
  user   User   @relation(fields: [userId], references: [id])
}

enum Role {
  A
  B
}
"""
SQLITE_EXTERNAL = """datasource db {
  provider = "sqlite"
}

model User {
  id    Int    @id @default(autoincrement())
  name  String
  posts Post[]
}

model Post {
  id     Int    @id @default(autoincrement())
  title  String
  userId Int
  user   User   @relation(fields: [userId], references: [id])
}
"""
EXTERNAL_CONFIG = """export default {{
  schema: "schema.prisma",
  experimental: {{ externalTables: true }},
  tables: {{ external: [{tables}] }},
  enums: {{ external: [{enums}] }},
{rest}}}
"""


def _external_project(root: Path, provider: str, rest: str = "") -> None:
    pg = provider == "postgresql"
    (root / "schema.prisma").write_text(PG_EXTERNAL if pg else SQLITE_EXTERNAL)
    (root / "prisma.config.ts").write_text(
        EXTERNAL_CONFIG.format(tables='"public.User"' if pg else '"User"', enums='"public.Role"' if pg else "", rest=rest)
    )


@needs_prisma7
@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_external_tables_migrate_diff_as_prisma7(tmp_path: Path, provider: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """No CREATE TABLE/TYPE for external objects; the managed table's foreign key to one is kept."""
    monkeypatch.chdir(tmp_path)
    _external_project(tmp_path, provider)
    ours = run_cli("migrate", "diff", "--from-empty", "--to-schema", "schema.prisma", "--script")
    assert ours.exit_code == 0, ours.err
    assert ours.out == _script(prisma7(tmp_path, "migrate", "diff", "--from-empty", "--to-schema", "schema.prisma", "--script"))
    assert 'CREATE TABLE "User"' not in ours.out and 'REFERENCES "User"' in ours.out
    if provider == "postgresql":
        assert "CREATE TYPE" not in ours.out


@pytest.mark.parametrize(
    ("provider", "name", "code", "words"),
    [
        ("postgresql", "User", "P3023", "fully qualified identifiers"),
        ("sqlite", "main.User", "P3024", "simple identifiers without a schema name"),
    ],
)
def test_external_names_checked_as_prisma(
    tmp_path: Path, provider: str, name: str, code: str, words: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _external_project(tmp_path, provider)
    text = (tmp_path / "prisma.config.ts").read_text()
    (tmp_path / "prisma.config.ts").write_text(text.replace('"public.User"', f'"{name}"').replace('["User"]', f'["{name}"]'))
    r = run_cli("migrate", "diff", "--from-empty", "--to-schema", "schema.prisma", "--script")
    assert r.exit_code == 1 and code in r.err and words in r.err, r.err


@pytest.mark.parametrize("key", ["tables.external", "migrations.initShadowDb"])
def test_external_keys_need_the_experimental_switch(tmp_path: Path, key: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(SQLITE_EXTERNAL)
    body = 'tables: { external: ["User"] }' if key == "tables.external" else 'migrations: { initShadowDb: "SELECT 1;" }'
    (tmp_path / "prisma.config.ts").write_text(f'export default {{\n  datasource: {{ url: "file:./dev.db" }},\n  {body},\n}}\n')
    command = ("migrate", "diff", "--from-empty", "--to-schema", "schema.prisma") if key == "tables.external" else (
        "migrate", "dev", "--name", "init", "--schema", "schema.prisma")
    r = run_cli(*command)
    assert r.exit_code == 1, r.out + r.err
    assert f"prisma.config.ts:3: The `{key}` configuration requires `experimental.externalTables` to be set to `true`." in r.err


@needs_prisma7
def test_external_table_with_init_shadow_db_migrate_dev_as_prisma7(
    tmp_path: Path, postgres_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``migrate dev`` on PostgreSQL: the external table exists in the database (made by someone
    else) and in the shadow database (``initShadowDb``); the migration is Prisma 7's, byte for
    byte, and the external table is never drift."""
    from schemashift.connectors import connect

    init = 'CREATE TYPE "Role" AS ENUM (\'A\', \'B\');\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL, "role" "Role" NOT NULL);\n'

    def write(root: Path, url: str) -> None:
        (root / "init.sql").write_text(init)
        _external_project(root, "postgresql", f'  migrations: {{ initShadowDb: fs.readFileSync("init.sql", "utf-8") }},\n  datasource: {{ url: "{url}" }},\n')
        (root / "prisma.config.ts").write_text('import fs from "node:fs"\n' + (root / "prisma.config.ts").read_text())
        with connect(url) as conn:
            conn.execute_script(init)

    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.chdir(tmp_path)
    with _twin_projects(tmp_path, postgres_url, write) as (ours_root, theirs_root):
        assert 'CREATE TABLE "User"' not in _dev_both(ours_root, theirs_root, run_cli)


# ---------------------------------------------------------------- multi-schema Prisma 7 projects

MULTI = """datasource db {
  provider = "postgresql"
  schemas  = ["public", "auth"]
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  role  Role   @default(A)
  posts Post[]

  @@schema("auth")
}

model Post {
  id     Int    @id @default(autoincrement())
  userId Int
  kind   Kind
  user   User   @relation(fields: [userId], references: [id])

  @@index([userId])
  @@schema("public")
}

enum Role {
  A
  B

  @@schema("auth")
}

enum Kind {
  X
  Y

  @@schema("public")
}
"""


@needs_prisma7
def test_multi_schema_migrate_dev_and_diff_as_prisma7(
    tmp_path: Path, postgres_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default schema's objects unqualified (Prisma 7), the other schema created and
    qualified; the next ``migrate dev`` in sync; ``reset`` drops both schemas; ``migrate diff
    --from-config-datasource`` as Prisma 7's."""

    def write(root: Path, url: str) -> None:
        (root / "schema.prisma").write_text(MULTI)
        (root / "prisma.config.ts").write_text(f'export default {{ schema: "schema.prisma", datasource: {{ url: "{url}" }} }}\n')

    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.chdir(tmp_path)
    with _twin_projects(tmp_path, postgres_url, write) as (ours_root, theirs_root):
        sql = _dev_both(ours_root, theirs_root, run_cli)
        assert 'CREATE TABLE "Post"' in sql and 'CREATE TABLE "auth"."User"' in sql
        # toward a database prisma 7.10 qualifies the default schema too
        ours = run_cli("migrate", "diff", "--from-empty", "--to-config-datasource", "--script")
        theirs = prisma7(theirs_root, "migrate", "diff", "--from-empty", "--to-config-datasource", "--script")
        assert 'CREATE TABLE "public"."Post"' in ours.out and 'ALTER TABLE "public"."Post" ADD CONSTRAINT' in ours.out
        assert ours.out.strip() == _script(theirs).strip()

        changed = MULTI.replace("  kind   Kind\n", "  kind   Kind\n  body   String?\n")
        for root in (ours_root, theirs_root):
            (root / "schema.prisma").write_text(changed)
        ours = run_cli("migrate", "diff", "--from-config-datasource", "--to-schema", "schema.prisma", "--script")
        assert ours.exit_code == 0, ours.err
        theirs = _script(prisma7(theirs_root, "migrate", "diff", "--from-config-datasource", "--to-schema", "schema.prisma", "--script"))
        assert ours.out == theirs and 'ALTER TABLE "Post" ADD COLUMN     "body" TEXT;' in ours.out

        r = run_cli("migrate", "reset", "--force")
        assert r.exit_code == 0, r.out + r.err
        r = run_cli("migrate", "dev", "--name", "body")
        assert r.exit_code == 0 and "Your database is now in sync" in r.out, r.out + r.err


@needs_prisma7
def test_sqlite_migrate_dev_as_prisma7(tmp_path: Path, sqlite_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Prisma 7 SQLite project: ``migrate dev``'s migrations byte-identical with Prisma 7's, the
    first and one that redefines a table."""

    def write(root: Path, url: str) -> None:
        (root / "schema.prisma").write_text(SQLITE_EXTERNAL)
        (root / "prisma.config.ts").write_text(f'export default {{ schema: "schema.prisma", datasource: {{ url: "{url}" }} }}\n')

    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.chdir(tmp_path)
    with _twin_projects(tmp_path, sqlite_url, write) as (ours_root, theirs_root):
        assert 'CREATE TABLE "User"' in _dev_both(ours_root, theirs_root, run_cli)
        for root in (ours_root, theirs_root):
            (root / "schema.prisma").write_text(SQLITE_EXTERNAL.replace("  title  String\n", "  title  String?\n  body   String @default(\"\")\n"))
        r = run_cli("migrate", "dev", "--name", "second")
        assert r.exit_code == 0, r.out + r.err
        p = prisma7(theirs_root, "migrate", "dev", "--name", "second")
        assert p.returncode == 0, p.stdout + p.stderr
        ours = sorted((ours_root / "migrations").glob("*_second/migration.sql"))
        theirs = sorted((theirs_root / "migrations").glob("*_second/migration.sql"))
        assert len(ours) == len(theirs) == 1 and ours[0].read_text() == theirs[0].read_text()
        assert "RedefineTables" in ours[0].read_text()


# ---------------------------------------------------------------- the CLI surface


def _sqlite_project(root: Path, seed_marker: Path) -> None:
    (root / "prisma").mkdir()
    (root / "prisma" / "schema.prisma").write_text(SQLITE_EXTERNAL)
    (root / "prisma" / "seed.py").write_text(f"from pathlib import Path\nPath({str(seed_marker)!r}).write_text('seeded')\n")
    (root / "prisma.config.ts").write_text(textwrap.dedent(f"""\
        import "dotenv/config";
        import {{ defineConfig, env }} from "prisma/config";
        export default defineConfig({{
          schema: "prisma/schema.prisma",
          migrations: {{ path: "prisma/migrations", seed: "{sys.executable} prisma/seed.py" }},
          datasource: {{ url: env("APP_DB") }},
        }});
    """))
    (root / ".env").write_text("APP_DB=file:./dev.db\n")


def test_prisma7_dev_and_reset_neither_generate_nor_seed(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prisma 7's ``migrate dev`` and ``migrate reset`` run no generator and no seed (only ``db
    seed`` seeds); a Prisma 6 project (a schema with ``url``) keeps both."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.delenv("APP_DB", raising=False)
    marker = tmp_path / "seeded.txt"
    _sqlite_project(tmp_path, marker)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    r = run_cli("migrate", "reset", "--force")
    assert r.exit_code == 0 and "Database reset successful" in r.out, r.out + r.err
    assert not marker.exists() and "seed" not in r.out.lower()
    r = run_cli("db", "seed")
    assert r.exit_code == 0 and marker.read_text() == "seeded", r.out + r.err
    marker.unlink()
    schema = tmp_path / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace('provider = "sqlite"', 'provider = "sqlite"\n  url      = env("APP_DB")'))
    r = run_cli("migrate", "reset", "--force")
    assert r.exit_code == 0 and marker.read_text() == "seeded", r.out + r.err


def test_config_option_and_url_override(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--config`` names the configuration file (a missing one is an error); ``migrate dev --url``
    overrides its datasource URL, as Prisma 7's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.prisma").write_text(SQLITE_EXTERNAL)
    (tmp_path / "custom.config.ts").write_text('export default { schema: "db/schema.prisma", datasource: { url: "file:./custom.db" } }\n')
    r = run_cli("migrate", "dev", "--name", "init", "--config", "custom.config.ts")
    assert r.exit_code == 0, r.out + r.err
    assert (tmp_path / "custom.db").exists() and (tmp_path / "db" / "migrations").is_dir()
    r = run_cli("migrate", "status")  # no --config, no prisma.config.ts: the default lookup, no schema found
    assert r.exit_code != 0
    r = run_cli("migrate", "status", "--config", "missing.config.ts")
    assert r.exit_code == 1 and "Config file not found at `missing.config.ts`" in r.err
    r = run_cli("migrate", "dev", "--name", "init", "--config", "custom.config.ts", "--url", "file:./other.db")
    assert r.exit_code == 0, r.out + r.err
    assert (tmp_path / "other.db").exists()
    r = run_cli("migrate", "diff", "--config", "custom.config.ts", "--from-config-datasource", "--to-schema", "db/schema.prisma", "--exit-code")
    assert r.exit_code == 0, r.out + r.err
    (tmp_path / "script.sql").write_text('DELETE FROM "Post";\n')
    r = run_cli("db", "execute", "--config", "custom.config.ts", "--file", "script.sql")  # Prisma 7: no --url/--schema
    assert r.exit_code == 0 and "Script executed successfully." in r.out, r.out + r.err


def test_online_forms_follow_the_dialects_naming() -> None:
    """``--online`` rewrites (NOT VALID + VALIDATE, CHECK then SET NOT NULL) name tables as the
    dialect does: a Prisma 7 multi-schema project's default-schema table unqualified, others qualified."""
    from schemashift.migrations import engine
    from schemashift.online.plan import OnlineOptions
    from schemashift.online.postgres import plan

    before = MULTI.replace("  userId Int\n", "  userId Int?\n").replace(
        "  user   User   @relation", "  user   User?  @relation"
    ).replace("  email String @unique\n", "  email String? @unique\n")
    old, new = engine.target_schema([("s.prisma", before)]), engine.target_schema([("s.prisma", MULTI)])
    for major, post in ((7, '"Post"'), (6, '"public"."Post"')):
        dialect = engine.dialect_for("postgresql", prisma_major=major)
        old_fk = engine.diff(old, new, dialect)
        text = "\n".join(s.script for s in plan(old_fk, dialect, OnlineOptions(sizes=None)).scripts)
        assert f"ALTER TABLE {post} ALTER COLUMN \"userId\" SET NOT NULL" in text, text
        assert f"ALTER TABLE {post} VALIDATE CONSTRAINT" in text, text
        assert 'ALTER TABLE "auth"."User" VALIDATE CONSTRAINT "User_email_not_null"' in text, text


def test_config_schema_folder(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """``schema`` naming a folder: every ``.prisma`` file below it is the schema (Prisma 7's
    multi-file schema), migrations next to it by default."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    folder = tmp_path / "db" / "schema"
    folder.mkdir(parents=True)
    head, _, models = SQLITE_EXTERNAL.partition("model User")
    (folder / "main.prisma").write_text(head)
    (folder / "models.prisma").write_text("model User" + models)
    (tmp_path / "prisma.config.ts").write_text('export default { schema: "db/schema", datasource: { url: "file:./dev.db" } }\n')
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.out + r.err
    (sql,) = (folder / "migrations").glob("*_init/migration.sql")
    assert 'CREATE TABLE "User"' in sql.read_text() and 'CREATE TABLE "Post"' in sql.read_text()
