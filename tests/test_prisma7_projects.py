"""Prisma 7 projects: a datasource without ``url`` (Prisma 7's rules, checked against
``prisma7 validate``), the URL, paths and seed from ``prisma.config.ts``, and the guide end to end
on a project that has only ``prisma.config.ts``, ``.env`` and a url-less schema."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _oracle() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "oracle" / "prisma7"
        if candidate.exists():
            return candidate
    return None


ORACLE = _oracle()
needs_prisma7 = pytest.mark.skipif(
    ORACLE is None or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7"
)

MODEL = "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"


def _schema(provider: str, extra: str = "") -> str:
    return f'datasource db {{\n  provider = "{provider}"\n{extra}}}\n\n{MODEL}'


# ---------------------------------------------------------------- 1. schemas without url


@pytest.mark.parametrize("provider", ["postgresql", "sqlite", "mysql"])
def test_schema_without_url_is_valid(tmp_path: Path, provider: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "schema.prisma").write_text(_schema(provider))
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 0, r.err
    assert "is valid" in r.out
    monkeypatch.setenv("DATABASE_URL", "mongodb://h/d")  # not this schema's: validate checks no URL, as Prisma 7
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 0 and "is valid" in r.out, r.err


@pytest.mark.parametrize(
    ("extra", "moved"),
    [
        ('  directUrl = env("DIRECT")\n', ["directUrl"]),
        ('  shadowDatabaseUrl = env("SHADOW")\n', ["shadowDatabaseUrl"]),
        ('  directUrl = env("DIRECT")\n  shadowDatabaseUrl = env("SHADOW")\n', ["directUrl", "shadowDatabaseUrl"]),
    ],
)
def test_url_properties_without_url_are_prisma7_errors(
    tmp_path: Path, extra: str, moved: list[str], run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(_schema("postgresql", extra))
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 1
    for name in moved:
        assert f"The datasource property `{name}` is no longer supported in schema files." in r.err
    assert f"Validation Error Count: {len(moved)}" in r.err


def test_schema_with_url_keeps_prisma6_rules(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "schema.prisma").write_text(_schema("postgresql", '  url = env("DATABASE_URL")\n  directUrl = env("D")\n'))
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 1
    assert "Environment variable not found: DATABASE_URL." in r.err
    assert "no longer supported" not in r.err


def test_prisma6_driver_adapters_schema_still_needs_url(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    gen = 'generator client {\n  provider        = "prisma-client"\n  previewFeatures = ["schemaEngineDriverAdapters"]\n}\n'
    (tmp_path / "schema.prisma").write_text(gen + _schema("postgresql"))
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 1
    assert 'Argument "url" is missing in data source block "db".' in r.err


@needs_prisma7
@pytest.mark.parametrize(
    "extra",
    ["", '  directUrl = env("D")\n', '  shadowDatabaseUrl = env("S")\n', '  directUrl = env("D")\n  shadowDatabaseUrl = env("S")\n'],
)
def test_validate_agrees_with_prisma7(tmp_path: Path, extra: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(_schema("postgresql", extra))
    assert ORACLE is not None
    p = subprocess.run([str(ORACLE), "validate", "schema.prisma"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    ours = run_cli("validate", "--schema", "schema.prisma")
    theirs_valid = "is valid" in p.stdout + p.stderr
    assert (ours.exit_code == 0) == theirs_valid, p.stdout + p.stderr + ours.err
    for line in (p.stdout + p.stderr).splitlines():
        if line.startswith("error: "):
            assert line in ours.err


@pytest.mark.parametrize("provider", ["sqlite", "postgresql", "mysql"], indirect=True)
def test_schema_without_url_takes_database_url(
    tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "schema.prisma").write_text(_schema(provider))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    r = run_cli("migrate", "status", "--schema", "schema.prisma")
    assert r.exit_code == 1
    assert "has no `url` (a Prisma 7 schema), and no connection URL is configured" in r.err
    assert "Traceback" not in r.err
    monkeypatch.setenv("DATABASE_URL", db_url)
    r = run_cli("db", "push", "--schema", "schema.prisma")
    assert r.exit_code == 0, r.err
    r = run_cli("db", "pull", "--print", "--schema", "schema.prisma")
    assert r.exit_code == 0, r.err
    assert "email String @unique" in " ".join(r.out.split()), r.out


# ---------------------------------------------------------------- 2. the prisma.config.ts reader

from schemashift.prisma_config import ConfigFileError, find_config, parse_config  # noqa: E402

FULL = """\
// This file was generated by Prisma
import "dotenv/config";
import { defineConfig, env } from "prisma/config";
import type { PrismaConfig } from 'prisma';
import path from "node:path";

/* the whole
   configuration */
export default defineConfig({
  schema: path.join("db", 'schema.prisma'),
  migrations: {
    path: `db/migrations`, // template without ${}
    seed: "tsx prisma/seed.ts",
    initShadowDb: someFunction({ a: [1, 2] }),
  },
  experimental: { externalTables: true },
  views: { path: resolveViews() },
  datasource: {
    url: env("APP_URL"),
    shadowDatabaseUrl: process.env["SHADOW_URL"],
  },
}) satisfies PrismaConfig;
"""


def _read(text: str, name: str = "prisma.config.ts") -> "object":
    return parse_config(text, Path("/p") / name, name)


def test_reader_reads_the_documented_forms() -> None:
    config = parse_config(FULL, Path("/p/prisma.config.ts"), "prisma.config.ts")
    env = {"APP_URL": "postgresql://u@h/d", "SHADOW_URL": "postgresql://u@h/s"}
    assert config.get("schema", env) == os.path.join("db", "schema.prisma")
    assert config.path_of("schema") == Path("/p/db/schema.prisma")
    assert config.get("migrations.path", env) == "db/migrations"
    assert config.get("migrations.seed", env) == "tsx prisma/seed.ts"
    assert config.get("datasource.url", env) == "postgresql://u@h/d"
    assert config.get("datasource.shadowDatabaseUrl", env) == "postgresql://u@h/s"
    assert config.get("datasource.shadowDatabaseUrl", {"APP_URL": "x"}) is None  # process.env: undefined
    assert config.origin("datasource.url") == "prisma.config.ts:19"


@pytest.mark.parametrize(
    ("expr", "env", "expected"),
    [
        ('"file:./a.db"', {}, "file:./a.db"),
        ("'file:./a.db'", {}, "file:./a.db"),
        ("`file:./a.db`", {}, "file:./a.db"),
        ('"a\\"b"', {}, 'a"b'),
        ("process.env.DB", {"DB": "x"}, "x"),
        ('process.env["DB"]', {"DB": "x"}, "x"),
        ('process.env["DB"] || "file:./dev.db"', {}, "file:./dev.db"),
        ('process.env["DB"] || "file:./dev.db"', {"DB": ""}, "file:./dev.db"),
        ('process.env.DB ?? ""', {"DB": ""}, ""),
        ('process.env.DB ?? "fallback"', {}, "fallback"),
        ('env("DB")', {"DB": "y"}, "y"),
    ],
)
def test_reader_values(expr: str, env: dict[str, str], expected: str) -> None:
    for wrapper in ("export default defineConfig({{ datasource: {{ url: {} }} }})", "export default {{ datasource: {{ url: {} }}, }} satisfies PrismaConfig"):
        config = parse_config(wrapper.format(expr), Path("/p/prisma.config.ts"), "prisma.config.ts")
        assert config.get("datasource.url", env) == expected


def test_reader_env_helper_needs_the_variable() -> None:
    config = parse_config('export default defineConfig({\n  datasource: { url: env("NOPE") },\n})', Path("/p/x.ts"), "x.ts")
    with pytest.raises(ConfigFileError, match=r"x\.ts:2: Cannot resolve environment variable: NOPE"):
        config.get("datasource.url", {})


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("export default defineConfig({\n  datasource: { url: getUrl() },\n})", 2, "the value of `datasource.url` (found `getUrl`)"),
        ("export default defineConfig({\n  schema: `${dir}/schema.prisma`,\n})", 2, "template string with `${...}`"),
        ('const url = "x";\nexport default defineConfig({})', 1, "this statement"),
        ('import "dotenv/config"\n\nexport default defineConfig({\n  migrations: { path: dir },\n})', 4, "the value of `migrations.path`"),
        ("export default defineConfig({\n  datasource: { url: process.env },\n})", 2, "the value of `datasource.url`"),
        ("export default defineConfig({\n  datasource: { url: \"a\" \n", 3, "the end of the object"),
    ],
)
def test_reader_errors_name_file_line_and_what(text: str, line: int, what: str) -> None:
    config = parse_config(text, Path("/p/prisma.config.mts"), "prisma.config.mts")
    key = next((k for k in ("datasource.url", "schema", "migrations.path") if not config.readable(k)), "schema")
    with pytest.raises(ConfigFileError) as info:
        config.get(key, {})
    message = str(info.value)
    assert message.startswith(f"prisma.config.mts:{line}: ") and what in message, message
    assert "[tool.schemashift]" in message


def test_reader_without_default_export() -> None:
    config = parse_config('import "dotenv/config";\n', Path("/p/prisma.config.ts"), "prisma.config.ts")
    with pytest.raises(ConfigFileError, match="no `export default defineConfig"):
        config.get("schema", {})


def test_unread_keys_are_skipped_whatever_their_value() -> None:
    text = "export default defineConfig({ typedSql: { path: () => 'x' }, tables: { external: [a.b, c] }, schema: 's.prisma' })"
    config = parse_config(text, Path("/p/prisma.config.ts"), "prisma.config.ts")
    assert config.get("schema", {}) == "s.prisma"


@pytest.mark.parametrize("name", ["prisma.config.ts", "prisma.config.js", "prisma.config.mjs", "prisma.config.mts", "prisma.config.cts"])
def test_find_config_file_names(tmp_path: Path, name: str) -> None:
    assert find_config(tmp_path) is None
    (tmp_path / name).write_text("export default { schema: 'x.prisma' }\n")
    config = find_config(tmp_path)
    assert config is not None and config.display == name and config.get("schema", {}) == "x.prisma"


def _project(root: Path, config: str, provider: str = "sqlite") -> None:
    (root / "db").mkdir(exist_ok=True)
    (root / "db" / "schema.prisma").write_text(_schema(provider))
    (root / "prisma.config.ts").write_text(config)


def test_precedence_flag_config_pyproject_schema(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """--url > prisma.config.ts > [tool.schemashift] url > the schema's url > DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("DATABASE_URL", f"file:{tmp_path / 'env.db'}")
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.prisma").write_text(_schema("sqlite", f'  url = "file:{tmp_path / "schema.db"}"\n'))
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.schemashift]\nurl = "file:{tmp_path / "pyproject.db"}"\nschema = "db/schema.prisma"\nmigrations = "pymigs"\n'
    )
    (tmp_path / "prisma.config.ts").write_text(
        f'export default {{ migrations: {{ path: "cfgmigs" }}, datasource: {{ url: "file:{tmp_path / "config.db"}" }} }}'
    )
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "config.db").exists() and (tmp_path / "cfgmigs").is_dir()
    assert not (tmp_path / "pymigs").exists() and not (tmp_path / "db" / "migrations").exists()
    # --url wins over the config file
    (tmp_path / "prisma.config.ts").write_text('export default { migrations: { path: "cfgmigs" }, datasource: { url: "file:./nowhere.db" } }')
    r = run_cli("db", "pull", "--print", "--url", f"file:{tmp_path / 'config.db'}")
    assert r.exit_code == 0 and "model User" in r.out, r.err
    (tmp_path / "prisma.config.ts").unlink()
    shutil.copytree(tmp_path / "cfgmigs", tmp_path / "pymigs")
    for expected in ("pyproject.db", "schema.db", "env.db"):
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 0, r.err
        assert (tmp_path / expected).exists(), expected
        if expected == "pyproject.db":
            assert not (tmp_path / "schema.db").exists()
            (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nschema = "db/schema.prisma"\nmigrations = "pymigs"\n')
        elif expected == "schema.db":
            assert not (tmp_path / "env.db").exists()
            (tmp_path / "db" / "schema.prisma").write_text(_schema("sqlite"))


def test_unreadable_value_can_be_given_in_pyproject(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    _project(tmp_path, 'export default defineConfig({\n  schema: "db/schema.prisma",\n  datasource: { url: buildUrl() },\n})\n')
    r = run_cli("migrate", "status")
    assert r.exit_code == 1
    assert "prisma.config.ts:3: cannot read the value of `datasource.url` (found `buildUrl`)" in r.err
    assert "Traceback" not in r.err
    (tmp_path / "pyproject.toml").write_text(f'[tool.schemashift]\nurl = "file:{tmp_path / "a.db"}"\n')
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "a.db").exists() and (tmp_path / "db" / "migrations").is_dir()


# ---------------------------------------------------------------- 3. the guide on a Prisma 7 project

import sys  # noqa: E402
import textwrap  # noqa: E402

import dbutil  # noqa: E402

from schemashift.connectors import connect  # noqa: E402

GUIDE_V1 = "model User {\n  id        String   @id @default(cuid())\n  email     String   @unique\n  createdAt DateTime @default(now())\n}\n"
GUIDE_V2 = GUIDE_V1.replace("  createdAt", "  firstName String?\n  createdAt")


def _prisma7_project(root: Path, provider: str, db_url: str) -> None:
    """What `prisma init` writes in Prisma 7: prisma.config.ts, .env and a schema without url."""
    (root / "prisma").mkdir()
    (root / "prisma.config.ts").write_text(textwrap.dedent(f"""\
        import "dotenv/config";
        import {{ defineConfig, env }} from "prisma/config";

        export default defineConfig({{
          schema: "prisma/schema.prisma",
          migrations: {{
            path: "prisma/migrations",
            seed: "{sys.executable} prisma/seed.py",
          }},
          datasource: {{
            url: env("APP_DATABASE_URL"),
          }},
        }});
    """))
    (root / ".env").write_text(f'APP_DATABASE_URL="{db_url}"\n')
    (root / "prisma" / "schema.prisma").write_text(
        f'generator client {{\n  provider = "prisma-client"\n  output   = "../generated/prisma"\n}}\n\n'
        f'datasource db {{\n  provider = "{provider}"\n}}\n\n{GUIDE_V1}'
    )
    q = "`" if provider == "mysql" else '"'
    (root / "prisma" / "seed.py").write_text(textwrap.dedent(f"""
        import os
        from schemashift.connectors import connect
        with connect(os.environ["APP_DATABASE_URL"]) as conn:
            for i, email in enumerate(["admin@example.com", "user@example.com"]):
                conn.execute('''INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}) VALUES (%s, %s)''', (f"u{{i}}", email))
    """))


def _prisma7_status(root: Path, db_url: str) -> subprocess.CompletedProcess[str]:
    assert ORACLE is not None
    env = {**os.environ, "DATABASE_URL": db_url, "MIGRATIONS_DIR": str(root / "prisma" / "migrations")}
    return subprocess.run(
        [str(ORACLE), "status", str(root / "prisma" / "schema.prisma")],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def test_guide_on_a_prisma7_project(
    tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    for var in ("APP_DATABASE_URL", "DATABASE_URL"):  # only .env gives it (restored after the test)
        monkeypatch.setenv(var, "unset")
        monkeypatch.delenv(var)
    _prisma7_project(root, provider, db_url)

    r = run_cli("validate")
    assert r.exit_code == 0 and "is valid" in r.out, r.err
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert "Loaded Prisma config from prisma.config.ts." in r.err
    assert "Your database is now in sync with your schema." in r.out
    (root / "prisma" / "schema.prisma").write_text((root / "prisma" / "schema.prisma").read_text().replace(GUIDE_V1, GUIDE_V2))
    r = run_cli("migrate", "dev", "--name", "add_first_name")
    assert r.exit_code == 0, r.err
    dirs = sorted(p.name for p in (root / "prisma" / "migrations").iterdir() if p.is_dir())
    assert len(dirs) == 2 and dirs[1].endswith("_add_first_name")
    assert f'provider = "{provider}"' in (root / "prisma" / "migrations" / "migration_lock.toml").read_text()
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "2 migrations found" in r.out and "Database schema is up to date!" in r.out, r.out + r.err

    if provider != "mysql" and ORACLE is not None and shutil.which("node") is not None:
        p = _prisma7_status(root, db_url)
        assert p.returncode == 0 and "Database schema is up to date!" in p.stdout, p.stdout + p.stderr

    # production: the committed migrations deployed to a second database (the environment wins over .env)
    with dbutil.second_database(provider, tmp_path) as staging:
        monkeypatch.setenv("APP_DATABASE_URL", staging)
        r = run_cli("migrate", "status")
        assert r.exit_code == 1 and "have not yet been applied" in r.out
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 0 and "All migrations have been successfully applied." in r.out, r.err
        r = run_cli("migrate", "status")
        assert r.exit_code == 0 and "Database schema is up to date!" in r.out
        r = run_cli("migrate", "diff", "--from-url", staging, "--to-url", db_url, "--exit-code")
        assert r.exit_code == 0, r.out + r.err
        monkeypatch.setenv("APP_DATABASE_URL", db_url)

    # reset empties the database and, as Prisma 7's, runs no seed: `db seed` runs prisma.config.ts's
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}) VALUES ('old', 'old@example.com')")
    r = run_cli("migrate", "reset", "--force")
    assert r.exit_code == 0 and "Database reset successful" in r.out, r.err
    assert "seed" not in r.out
    with connect(db_url) as conn:
        assert conn.query(f"SELECT {q}email{q} FROM {q}User{q}") == []
    r = run_cli("db", "seed")
    assert r.exit_code == 0, r.err
    assert "prisma/seed.py` ..." in r.out and "The seed command has been executed." in r.out
    with connect(db_url) as conn:
        emails = sorted(row[0] for row in conn.query(f"SELECT {q}email{q} FROM {q}User{q}"))
    assert emails == ["admin@example.com", "user@example.com"]
    r = run_cli("db", "seed")
    assert r.exit_code == 1 and "An error occurred while running the seed command" in r.err  # unique emails

    if provider != "mysql" and ORACLE is not None and shutil.which("node") is not None:
        p = _prisma7_status(root, db_url)
        assert p.returncode == 0 and "Database schema is up to date!" in p.stdout, p.stdout + p.stderr


# ---------------------------------------------------------------- Prisma 7's migrate diff flags


def test_migrate_diff_config_datasource(
    tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--from/--to-config-datasource`` and ``--to-schema`` (Prisma 7), with Prisma 6's flags still working;
    the script is Prisma 7's own ``migrate diff --from-config-datasource`` where prisma7 runs."""
    root = tmp_path / "app"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("APP_DATABASE_URL", "unset")
    monkeypatch.delenv("APP_DATABASE_URL")
    _prisma7_project(root, provider, db_url)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    r = run_cli("migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code")
    assert r.exit_code == 0 and "No difference detected." in r.out, r.out + r.err
    r = run_cli("migrate", "diff", "--from-empty", "--to-config-datasource", "--script")
    assert r.exit_code == 0 and "CREATE TABLE" in r.out, r.err
    (root / "prisma" / "schema.prisma").write_text((root / "prisma" / "schema.prisma").read_text().replace(GUIDE_V1, GUIDE_V2))
    ours = run_cli("migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--script")
    assert ours.exit_code == 0 and "firstName" in ours.out, ours.err
    prisma6_flags = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    assert prisma6_flags.exit_code == 0 and prisma6_flags.out == ours.out
    r = run_cli("migrate", "diff", "--from-config-datasource", "--from-empty", "--to-schema", "prisma/schema.prisma")
    assert r.exit_code == 2 and "Exactly one --from-... option is required" in r.err
    if provider != "mysql" and ORACLE is not None and shutil.which("node") is not None:
        p = subprocess.run(
            [str(ORACLE), "diff-db", str(root / "prisma" / "schema.prisma")],
            cwd=root, env={**os.environ, "DATABASE_URL": db_url}, capture_output=True, text=True, timeout=300,
        )
        assert p.returncode == 0, p.stderr
        assert ours.out.strip() == p.stdout.strip()
        # toward the database, Prisma 7 names the namespaces and sort orders its describer gives
        # ("public"."User", "email" ASC); from a schema the tables still pair with the database's
        (root / "prisma" / "old.prisma").write_text(_schema(provider).replace("@unique", ""))
        for args in (
            ["--from-empty", "--to-config-datasource", "--script"],
            ["--from-schema", "prisma/old.prisma", "--to-config-datasource", "--script"],
        ):
            ours = run_cli("migrate", "diff", *args)
            assert ours.exit_code == 0, ours.err
            p = subprocess.run(
                [str(ORACLE), "prisma", str(root / "prisma" / "schema.prisma"), "migrate", "diff", *args],
                cwd=root, env={**os.environ, "DATABASE_URL": db_url}, capture_output=True, text=True, timeout=300,
            )
            assert p.returncode == 0, p.stderr
            assert ours.out.strip() == p.stdout.strip(), args


def test_config_shadow_database_url_is_used(
    tmp_path: Path, postgres_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``datasource.shadowDatabaseUrl`` of prisma.config.ts is migrate dev's shadow database (here one
    that cannot be reached, so the error shows it was used); without it a temporary one is made."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("PG_URL", postgres_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(_schema("postgresql"))
    config = 'export default {{\n  datasource: {{ url: process.env.PG_URL, {} }},\n}} satisfies PrismaConfig\n'
    (tmp_path / "prisma.config.ts").write_text(config.format('shadowDatabaseUrl: "postgresql://postgres@127.0.0.1:1/shadow"'))
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 1 and "Can't reach database server at `127.0.0.1`:`1`" in r.err, r.err
    (tmp_path / "prisma.config.ts").write_text(config.format('shadowDatabaseUrl: process.env.NO_SHADOW ?? ""'))
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err


@pytest.mark.parametrize(
    "value",
    ['url "postgresql://u:s3cret@h/d"', 'url: `postgresql://u:s3cret@${HOST}/d`', 'url: "postgresql://u:s3cret@h/d" + x'],
)
def test_reader_errors_never_show_a_password(value: str) -> None:
    config = parse_config(f"export default defineConfig({{ datasource: {{ {value} }} }})", Path("/p/prisma.config.ts"), "prisma.config.ts")
    with pytest.raises(ConfigFileError) as info:
        config.get("datasource.url", {})
    assert "s3cret" not in str(info.value) and "prisma.config.ts:1" in str(info.value)


def test_config_schema_that_does_not_exist(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma.config.ts").write_text('import { defineConfig } from "prisma/config";\n\nexport default defineConfig({\n  schema: "db/nope.prisma",\n});\n')
    r = run_cli("validate")
    assert r.exit_code == 1
    assert "Could not load the schema `db/nope.prisma` named by `schema` in prisma.config.ts:4" in r.err


def test_reader_dirname_is_the_file_folder() -> None:
    text = 'export default defineConfig({\n  schema: path.join(__dirname, "prisma", "schema.prisma"),\n  migrations: { path: path.join(import.meta.dirname, "migs") },\n})'
    config = parse_config(text, Path("/p/q/prisma.config.ts"), "prisma.config.ts")
    assert config.path_of("schema") == Path("/p/q/prisma/schema.prisma")
    assert config.path_of("migrations.path") == Path("/p/q/migs")


def test_migrate_diff_from_migrations_takes_the_config_shadow_database(
    tmp_path: Path, postgres_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prisma 7 has no --shadow-database-url: --from-migrations on a server uses the config's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(_schema("postgresql"))
    (tmp_path / "prisma.config.ts").write_text(f'export default {{ datasource: {{ url: "{postgres_url}" }} }}\n')
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    args = ("migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", "prisma/schema.prisma", "--exit-code")
    r = run_cli(*args)
    assert r.exit_code == 2 and "--shadow-database-url" in r.err
    with dbutil.second_database("postgresql", tmp_path) as shadow:
        (tmp_path / "prisma.config.ts").write_text(
            f'export default {{ datasource: {{ url: "{postgres_url}", shadowDatabaseUrl: "{shadow}" }} }}\n'
        )
        r = run_cli(*args)
        assert r.exit_code == 0 and "No difference detected." in r.out, r.out + r.err
    r = run_cli(*args, "--shadow-database-url", "postgresql://postgres@127.0.0.1:1/x")  # the flag wins
    assert r.exit_code == 1 and "127.0.0.1`:`1`" in r.err, r.err


@pytest.mark.parametrize(
    "text",
    [
        "import { defineConfig } from '@prisma/config'\n\nexport default defineConfig({\n  datasource: {\n    url: process.env.DATABASE_URL!, // moved here\n  },\n})\n",
        'export default defineConfig({ datasource: { url: process.env.DATABASE_URL as string } })',
        '"use strict";\nconst { defineConfig } = require("prisma/config");\n\nmodule.exports = defineConfig({\n  datasource: { url: process.env.DATABASE_URL },\n});\n',
    ],
)
def test_reader_typescript_and_commonjs_forms(text: str) -> None:
    config = parse_config(text, Path("/p/prisma.config.ts"), "prisma.config.ts")
    assert config.get("datasource.url", {"DATABASE_URL": "file:./x.db"}) == "file:./x.db"


def test_reader_other_declarations_are_errors() -> None:
    text = 'import { defineConfig } from "prisma/config";\nconst url = buildUrl();\nexport default defineConfig({ datasource: { url } })\n'
    config = parse_config(text, Path("/p/prisma.config.ts"), "prisma.config.ts")
    with pytest.raises(ConfigFileError, match=r"prisma\.config\.ts:2: cannot read this statement"):
        config.get("datasource.url", {})


def test_url_flag_serves_a_schema_without_url(tmp_path: Path, sqlite_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--url` is enough for a url-less schema with nothing configured (no DATABASE_URL needed)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(_schema("sqlite"))
    with connect(sqlite_url) as conn:
        conn.execute('CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY)')
    r = run_cli("db", "pull", "--print", "--url", sqlite_url)
    assert r.exit_code == 0 and "model Post" in r.out, r.err


# ---------------------------------------------------------------- .env as Prisma 7 loads it

import re  # noqa: E402

_CONFIG = 'import {{ defineConfig, env }} from "prisma/config";\n{imports}\nexport default defineConfig({{\n  datasource: {{ url: env("APP_DATABASE_URL") }},\n}});\n'


@pytest.mark.parametrize(
    ("imports", "loaded"),
    [
        ("", False),
        ('import "dotenv/config";\n', True),
        ("require('dotenv/config')\n", True),
        ('import { config } from "dotenv";\nconfig();\n', True),
        ('import dotenv from "dotenv";\ndotenv.config();\n', True),
        ('// import "dotenv/config";\n', False),
    ],
)
def test_env_file_only_through_the_config(
    tmp_path: Path, imports: str, loaded: bool, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prisma 7 loads no .env itself: only the configuration's `import "dotenv/config"` (dotenv:
    `.env` of the current directory) does; the schema folder's .env is never read."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("APP_DATABASE_URL", "unset")
    monkeypatch.delenv("APP_DATABASE_URL")
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(_schema("sqlite"))
    (tmp_path / "prisma" / ".env").write_text('APP_DATABASE_URL="file:./from-schema-folder.db"\n')
    (tmp_path / "prisma.config.ts").write_text(_CONFIG.format(imports=imports))
    (tmp_path / ".env").write_text('APP_DATABASE_URL="file:./dev.db"\n')
    r = run_cli("migrate", "dev", "--name", "init")
    assert "Traceback" not in r.err
    if loaded:
        assert r.exit_code == 0, r.err
        assert (tmp_path / "dev.db").is_file()
    else:
        assert r.exit_code == 1
        assert re.search(r"prisma\.config\.ts:\d: Cannot resolve environment variable: APP_DATABASE_URL\.", r.err), r.err
    assert not (tmp_path / "prisma" / "from-schema-folder.db").exists() and not (tmp_path / "from-schema-folder.db").exists()


def test_dotenv_config_path(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """dotenv/config reads $DOTENV_CONFIG_PATH instead of ./.env; the environment wins over the file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    (tmp_path / "schema.prisma").write_text(_schema("sqlite"))
    (tmp_path / "prisma.config.ts").write_text(_CONFIG.format(imports='import "dotenv/config";') .replace("defineConfig({\n", 'defineConfig({\n  schema: "schema.prisma",\n'))
    (tmp_path / ".env").write_text('APP_DATABASE_URL="file:./not-this.db"\n')
    (tmp_path / "env.staging").write_text('APP_DATABASE_URL="file:./staging.db"\n')
    monkeypatch.setenv("DOTENV_CONFIG_PATH", "env.staging")
    r = run_cli("db", "push")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "staging.db").is_file() and not (tmp_path / "not-this.db").exists()
    monkeypatch.setenv("APP_DATABASE_URL", f"file:{tmp_path / 'env-wins.db'}")
    assert run_cli("db", "push").exit_code == 0
    assert (tmp_path / "env-wins.db").is_file()


def test_generate_takes_the_config_url(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`generate` on a Prisma 7 project: the client reads the variable prisma.config.ts names
    (not DATABASE_URL), and a relative SQLite path starts at the config's folder, as for migrate."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text('generator client {\n  provider = "schemashift-py"\n}\n\n' + _schema("sqlite"))
    (tmp_path / "prisma.config.ts").write_text(_CONFIG.format(imports='import "dotenv/config";'))
    r = run_cli("generate")  # needs no URL value: the variable may be unset
    assert r.exit_code == 0, r.err
    assert any("url_env='APP_DATABASE_URL'" in p.read_text() for p in (tmp_path / "prisma" / "prisma_client").glob("*.py"))
    (tmp_path / ".env").write_text('APP_DATABASE_URL="file:./dev.db"\n')
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "dev.db").is_file()
    script = tmp_path / "use.py"
    script.write_text(textwrap.dedent("""
        import os, sys
        sys.path.insert(0, "prisma")
        os.environ["APP_DATABASE_URL"] = "file:./dev.db"
        from prisma_client import Client
        with Client() as db:
            db.user.create(data={"email": "a@example.com"})
            print(db.user.count())
    """))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]
    assert not (tmp_path / "prisma" / "dev.db").exists()


def test_guide_troubleshooting_on_a_prisma7_project(
    tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide's troubleshooting and testing steps on a project that has only prisma.config.ts
    and .env: a migration failed halfway is resolved (--rolled-back, fixed, deployed again; and
    --applied), drift is reported by migrate dev, and a test database named by the environment
    is deployed to and pulled."""
    root = tmp_path / "app"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("APP_DATABASE_URL", "unset")
    monkeypatch.delenv("APP_DATABASE_URL")
    _prisma7_project(root, provider, db_url)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    migrations = root / "prisma" / "migrations"

    # a migration that fails halfway
    broken = migrations / "20990101000000_broken"
    broken.mkdir()
    q = "`" if provider == "mysql" else '"'
    good = f"CREATE TABLE {q}Audit{q} ({q}id{q} INTEGER NOT NULL PRIMARY KEY);\n"
    (broken / "migration.sql").write_text(good + "INSERT INTO no_such_table VALUES (1);\n")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "20990101000000_broken" in r.err, r.out + r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and "20990101000000_broken" in r.out + r.err
    r = run_cli("migrate", "deploy")  # blocked (MySQL: resumed at the failed statement, which fails again)
    assert r.exit_code == 1, r.out + r.err
    assert ("Resuming migration `20990101000000_broken` at statement 2 of 2" in r.out) if provider == "mysql" else ("P3009" in r.err)
    with connect(db_url) as conn:  # what ran before the failure (MySQL has no transactional DDL)
        conn.execute(f"DROP TABLE IF EXISTS {q}Audit{q}")
    r = run_cli("migrate", "resolve", "--rolled-back", "20990101000000_broken")
    assert r.exit_code == 0, r.err
    (broken / "migration.sql").write_text(good)
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "All migrations have been successfully applied." in r.out, r.err
    (root / "prisma" / "schema.prisma").write_text(
        (root / "prisma" / "schema.prisma").read_text() + "\nmodel Audit {\n  id Int @id\n}\n"
    )
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out, r.out + r.err

    # --applied: a change made by hand, recorded as applied
    manual = migrations / "20990102000000_manual"
    manual.mkdir()
    (manual / "migration.sql").write_text(f"CREATE INDEX {q}Audit_manual_idx{q} ON {q}Audit{q}({q}id{q});\n")
    with connect(db_url) as conn:
        conn.execute(f"CREATE INDEX {q}Audit_manual_idx{q} ON {q}Audit{q}({q}id{q})")
    r = run_cli("migrate", "resolve", "--applied", "20990102000000_manual")
    assert r.exit_code == 0, r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out, r.out + r.err

    # drift: a table made outside the migrations
    with connect(db_url) as conn:
        conn.execute(f"CREATE TABLE {q}Stray{q} ({q}id{q} INTEGER NOT NULL PRIMARY KEY)")
    r = run_cli("migrate", "dev", "--name", "after_drift")
    assert r.exit_code != 0 and "Drift detected" in r.out + r.err, r.out + r.err
    assert "Stray" in r.out + r.err

    # test database from the environment (which wins over .env): deploy, then pull
    with dbutil.second_database(provider, tmp_path) as test_db:
        monkeypatch.setenv("APP_DATABASE_URL", test_db)
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 0, r.err
        r = run_cli("db", "pull", "--print")
        assert r.exit_code == 0 and "model Audit" in r.out and "model User" in r.out, r.err
        assert "Stray" not in r.out


# ---------------------------------------------------------------- Prisma 6 driver adapters in the config

ADAPTER_FORMS = {
    # Prisma 6.16+: engine "js" and a top-level adapter factory
    "arrow": (
        'import { PrismaPg } from "@prisma/adapter-pg";\nexport default defineConfig({\n  engine: "js",\n'
        '  adapter: async () => new PrismaPg({ connectionString: process.env.APP_URL }),\n})\n'
    ),
    "arrow with a body and options": (
        'export default defineConfig({\n  engine: "js",\n  adapter: async () => {\n'
        '    return new PrismaPg({ max: 5, connectionString: env("APP_URL") }, { schema: "public" })\n  },\n})\n'
    ),
    # Prisma 6.6-6.15: migrate.adapter, a method taking the environment
    "migrate method": (
        'export default defineConfig({\n  experimental: { adapter: true },\n  migrate: {\n'
        '    async adapter(env) {\n      const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3")\n'
        "      return new PrismaBetterSqlite3({ url: env.APP_URL })\n    },\n  },\n})\n"
    ),
    "string argument": 'export default defineConfig({ engine: "js", adapter: () => new PrismaLibSql(process.env.APP_URL!) })\n',
}


@pytest.mark.parametrize("form", list(ADAPTER_FORMS))
def test_reader_reads_a_driver_adapters_connection_string(form: str) -> None:
    config = parse_config(ADAPTER_FORMS[form], Path("/p/prisma.config.ts"), "prisma.config.ts")
    assert config.error is None
    assert config.adapter_url({"APP_URL": "file:./x.db"}) == "file:./x.db"


@pytest.mark.parametrize(
    "adapter, found",
    [
        ("async () => new PrismaPg(pool)", "new PrismaPg(...)"),
        ("async () => new PrismaPg({ connectionString })", "new PrismaPg(...)"),
        ("async () => { const pool = new Pool(); return new PrismaPg(pool) }", "new PrismaPg(...)"),
        ("makeAdapter", "a function"),
    ],
)
def test_reader_names_an_adapter_it_cannot_read(adapter: str, found: str) -> None:
    config = parse_config(f'export default defineConfig({{\n  engine: "js",\n  adapter: {adapter},\n}})\n', Path("/p/x.ts"), "x.ts")
    assert config.error is None and config.values == {}
    with pytest.raises(ConfigFileError) as exc:
        config.adapter_url({})
    message = str(exc.value)
    assert message.startswith(f"x.ts:3: the datasource is a driver adapter ({found})"), message
    assert "--url" in message and "[tool.schemashift]" in message and "datasource: { url:" in message


def test_adapter_url_serves_migrate(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Prisma 6 adapter-only config: its connection string is the URL (not DATABASE_URL); a
    ``datasource.url`` beside it wins, as in Prisma 7, which ignores the adapter."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("DATABASE_URL", f"file:{tmp_path / 'env.db'}")
    monkeypatch.setenv("APP_URL", f"file:{tmp_path / 'adapter.db'}")
    _project(tmp_path, ADAPTER_FORMS["arrow"].replace("engine:", 'schema: "db/schema.prisma",\n  engine:'))
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "adapter.db").exists() and not (tmp_path / "env.db").exists()
    (tmp_path / "prisma.config.ts").write_text(
        ADAPTER_FORMS["arrow"].replace("engine:", f'schema: "db/schema.prisma",\n  datasource: {{ url: "file:{tmp_path / "ds.db"}" }},\n  engine:')
    )
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "ds.db").exists()


def test_unreadable_adapter_is_an_error_unless_the_url_is_given(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never a silent fall-back to DATABASE_URL: the error names the adapter and the ways to give
    the URL; ``--url`` or ``[tool.schemashift] url`` then serve."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("DATABASE_URL", f"file:{tmp_path / 'env.db'}")
    _project(tmp_path, 'export default defineConfig({\n  schema: "db/schema.prisma",\n  engine: "js",\n  adapter: async () => new PrismaPg(pool),\n})\n')
    r = run_cli("migrate", "status")
    assert r.exit_code == 1, r.out + r.err
    assert "prisma.config.ts:4: the datasource is a driver adapter (new PrismaPg(...))" in r.err and "Traceback" not in r.err
    assert not (tmp_path / "env.db").exists()
    with connect(f"file:{tmp_path / 'flag.db'}") as conn:
        conn.execute('CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY)')
    r = run_cli("db", "pull", "--print", "--url", f"file:{tmp_path / 'flag.db'}")
    assert r.exit_code == 0 and "model Post" in r.out, r.err
    (tmp_path / "pyproject.toml").write_text(f'[tool.schemashift]\nurl = "file:{tmp_path / "py.db"}"\n')
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "py.db").exists() and not (tmp_path / "env.db").exists()
