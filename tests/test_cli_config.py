"""schemashift.config: schema lookup, .env loading, datasource URLs, redaction."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemashift.config import find_schema, load_env, read_schema, resolve_datasource
from schemashift.errors import NoDatasourceError, SchemaNotFoundError, SchemaValidationError, redact

DS = """datasource db {{
  provider = "{provider}"
  url      = {url}
{extra}}}
"""


def _write(path: Path, text: str = "// schema\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ---------------------------------------------------------------- lookup


def test_default_file_wins_over_folder_and_root(tmp_path: Path) -> None:
    _write(tmp_path / "prisma/schema.prisma")
    _write(tmp_path / "prisma/schema/a.prisma")
    _write(tmp_path / "schema.prisma")
    location = find_schema(cwd=tmp_path)
    assert location.display == "prisma/schema.prisma" and not location.is_folder


def test_folder_then_root(tmp_path: Path) -> None:
    _write(tmp_path / "schema.prisma")
    assert find_schema(cwd=tmp_path).display == "schema.prisma"
    _write(tmp_path / "prisma/schema/b.prisma")
    location = find_schema(cwd=tmp_path)
    assert location.is_folder and location.display == "prisma/schema"


def test_not_found_lists_checked_paths(tmp_path: Path) -> None:
    with pytest.raises(SchemaNotFoundError) as info:
        find_schema(cwd=tmp_path)
    for path in ("prisma/schema.prisma", "prisma/schema", "schema.prisma"):
        assert f"{path}: file not found" in info.value.message


def test_explicit_path_and_missing_explicit_path(tmp_path: Path) -> None:
    _write(tmp_path / "db/custom.prisma")
    _write(tmp_path / "prisma/schema.prisma")
    assert find_schema("db/custom.prisma", cwd=tmp_path).display == "db/custom.prisma"
    with pytest.raises(SchemaNotFoundError, match="Could not load `--schema` from provided path `nope.prisma`"):
        find_schema("nope.prisma", cwd=tmp_path)


def test_pyproject_overrides_defaults_but_not_the_option(tmp_path: Path) -> None:
    _write(tmp_path / "prisma/schema.prisma")
    _write(tmp_path / "schemas/main.prisma")
    _write(tmp_path / "pyproject.toml", '[tool.schemashift]\nschema = "schemas/main.prisma"\n')
    assert find_schema(cwd=tmp_path).display == "schemas/main.prisma"
    assert find_schema("prisma/schema.prisma", cwd=tmp_path).display == "prisma/schema.prisma"


def test_read_folder_recursively_sorted(tmp_path: Path) -> None:
    _write(tmp_path / "prisma/schema/z.prisma", "// z\n")
    _write(tmp_path / "prisma/schema/models/a.prisma", "// a\n")
    _write(tmp_path / "prisma/schema/notes.txt", "ignored")
    files = read_schema(find_schema(cwd=tmp_path), cwd=tmp_path)
    assert files == [("prisma/schema/models/a.prisma", "// a\n"), ("prisma/schema/z.prisma", "// z\n")]


# ---------------------------------------------------------------- .env


def test_env_from_cwd_and_schema_folder_without_overriding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FROM_SHELL", "shell")
    monkeypatch.delenv("FROM_ROOT", raising=False)
    monkeypatch.delenv("FROM_PRISMA", raising=False)
    _write(tmp_path / "prisma/schema.prisma")
    _write(tmp_path / ".env", "FROM_ROOT=root\nFROM_SHELL=root\n")
    _write(tmp_path / "prisma/.env", "FROM_PRISMA=prisma\nFROM_ROOT=prisma\n")
    loaded = load_env(find_schema(cwd=tmp_path), cwd=tmp_path)
    assert loaded == [(tmp_path / ".env").resolve(), (tmp_path / "prisma/.env").resolve()]
    assert (os.environ["FROM_SHELL"], os.environ["FROM_ROOT"], os.environ["FROM_PRISMA"]) == ("shell", "root", "prisma")


# ---------------------------------------------------------------- datasource


def _resolve(provider: str, url: str, extra: str = "", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    source = DS.format(provider=provider, url=url, extra=extra)
    return resolve_datasource([("prisma/schema.prisma", source)], env=env or {})


def _error_of(provider: str, url: str, extra: str = "", env: dict[str, str] | None = None) -> SchemaValidationError:
    with pytest.raises(SchemaValidationError) as info:
        _resolve(provider, url, extra, env)
    return info.value


def test_literal_and_env_urls() -> None:
    ds = _resolve("postgresql", '"postgresql://u@h/db"')
    assert (ds.name, ds.provider, ds.url, ds.url_env_var) == ("db", "postgresql", "postgresql://u@h/db", None)
    ds = _resolve("postgres", 'env("DB")', env={"DB": "postgres://h/db"})
    assert (ds.provider, ds.url, ds.url_env_var, ds.migration_url) == ("postgresql", "postgres://h/db", "DB", "postgres://h/db")


def test_missing_env_var_is_prisma_error_with_location() -> None:
    err = _error_of("sqlite", 'env("DATABASE_URL")')
    assert [d.message for d in err.diagnostics] == ["Environment variable not found: DATABASE_URL."]
    text = err.render()
    assert "error: Environment variable not found: DATABASE_URL." in text
    assert "-->  prisma/schema.prisma:3" in text
    assert 'url      = env("DATABASE_URL")' in text
    assert text.startswith("Error: Prisma schema validation\nError code: P1012\n")
    assert text.endswith("Validation Error Count: 1")


@pytest.mark.parametrize(
    ("provider", "url", "message"),
    [
        ("postgresql", '"mysql://h/db"', "the URL must start with the protocol `postgresql://` or `postgres://`."),
        ("mysql", '"postgresql://h/db"', "the URL must start with the protocol `mysql://`."),
        ("sqlite", '"dev.db"', "the URL must start with the protocol `file:`."),
        ("sqlite", '""', "You must provide a nonempty URL"),
    ],
)
def test_url_checks(provider: str, url: str, message: str) -> None:
    err = _error_of(provider, url)
    assert err.diagnostics[0].message == f"Error validating datasource `db`: {message}"


def test_blank_env_var_message() -> None:
    err = _error_of("sqlite", 'env("DB")', env={"DB": "  "})
    assert err.diagnostics[0].message == (
        "Error validating datasource `db`: You must provide a nonempty URL. "
        "The environment variable `DB` resolved to an empty string."
    )


def test_direct_and_shadow_urls() -> None:
    extra = '  directUrl = env("DIRECT")\n  shadowDatabaseUrl = env("SHADOW")\n'
    ds = _resolve("postgresql", '"postgresql://pooler/db"', extra, {"DIRECT": "postgresql://direct/db"})
    assert ds.direct_url == "postgresql://direct/db"
    assert ds.shadow_database_url is None  # an unset shadow variable is simply no shadow URL
    assert ds.migration_url == "postgresql://direct/db"
    err = _error_of("postgresql", '"postgresql://h/db"', '  shadowDatabaseUrl = "mysql://x"\n')
    assert "the shadow database URL must start with the protocol" in err.diagnostics[0].message
    err = _error_of("postgresql", '"postgresql://h/db"', '  directUrl = env("NOPE")\n')
    assert err.diagnostics[0].message == "Environment variable not found: NOPE."


def test_no_datasource() -> None:
    with pytest.raises(NoDatasourceError):
        resolve_datasource([("schema.prisma", "model A {\n  id Int @id\n}\n")], env={})


# ---------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://u:secret@h:5432/db?schema=public", "postgresql://u:****@h:5432/db?schema=public"),
        ("mysql://root@127.0.0.1:3306/db", "mysql://root@127.0.0.1:3306/db"),
        ("mysql://root:p@ss@127.0.0.1/db", "mysql://root:****@127.0.0.1/db"),
        ("postgresql://h/db?user=u&password=secret&x=1", "postgresql://h/db?user=u&password=****&x=1"),
        ("sqlserver://h;user=sa;password=secret;db=x", "sqlserver://h;user=sa;password=****;db=x"),
        ("failed: postgres://a:b@h/x and mysql://c:d@h/y", "failed: postgres://a:****@h/x and mysql://c:****@h/y"),
        ("file:./dev.db", "file:./dev.db"),
    ],
)
def test_redact_url(text: str, expected: str) -> None:
    assert redact(text) == expected
