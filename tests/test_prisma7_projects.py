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
