"""Production guard and lock timeouts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.settings import load_settings, parse_duration_ms

SCHEMA = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id Int @id\n}\n'


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA % provider)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_durations() -> None:
    assert parse_duration_ms("5s", "x") == 5000
    assert parse_duration_ms("250ms", "x") == 250
    assert parse_duration_ms("2min", "x") == 120_000
    assert parse_duration_ms(3, "x") == 3000
    from schemashift.errors import SchemashiftError

    with pytest.raises(SchemashiftError, match="must be a duration"):
        parse_duration_ms("soon", "lock_timeout")


def test_production_guard_by_env_and_host(project: Path, provider: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.setenv("SCHEMASHIFT_ENV", "production")
    for args in (["migrate", "reset", "--skip-seed"], ["migrate", "dev", "--name", "x"], ["db", "push", "--force-reset"]):
        r = run_cli(*args)
        assert r.exit_code == 1 and "looks like production" in r.err, (args, r.err)
    assert not (project / "prisma/migrations").exists()
    r = run_cli("migrate", "dev", "--name", "init", "--allow-production")
    assert r.exit_code == 0, r.err
    monkeypatch.delenv("SCHEMASHIFT_ENV")
    if provider != "sqlite":
        (project / "pyproject.toml").write_text('[tool.schemashift]\nproduction_hosts = ["127.0.0.*"]\n')
        assert load_settings(project).is_production("127.0.0.1")
        r = run_cli("migrate", "reset", "--force")  # --force only skips the prompt (Prisma's meaning)
        assert r.exit_code == 1 and "S3001" in r.err and "--allow-production" in r.err, r.err
        r = run_cli("migrate", "reset", "--force", "--allow-production")
        assert r.exit_code == 0, r.err  # --allow-production is the explicit override
        r = run_cli("db", "push", "--force-reset")
        assert r.exit_code == 1 and "production_hosts" in r.err


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_lock_timeout_makes_a_blocked_migration_fail_fast(project: Path, provider: str, db_url: str, run_cli) -> None:
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    (project / "pyproject.toml").write_text('[tool.schemashift]\nlock_timeout = "1s"\n')
    folder = project / "prisma/migrations/29990101000000_add_col"
    folder.mkdir()
    q = "`" if provider == "mysql" else '"'
    (folder / "migration.sql").write_text(f"ALTER TABLE {q}User{q} ADD COLUMN {q}x{q} INTEGER;\n")
    holder = connect(db_url)
    holder.execute("BEGIN")
    # PostgreSQL: an explicit table lock; MySQL: the metadata lock of an open transaction that read it
    holder.execute(f"LOCK TABLE {q}User{q} IN ACCESS EXCLUSIVE MODE" if provider == "postgresql" else f"SELECT * FROM {q}User{q} FOR UPDATE")
    try:
        start = time.perf_counter()
        r = run_cli("migrate", "deploy")
        elapsed = time.perf_counter() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.exit_code == 1, r.out
    assert "P3018" in r.err and ("lock timeout" in r.err.lower() or "lock wait timeout" in r.err.lower()), r.err
    assert elapsed < 8, elapsed
    # after the blocker is gone, resolve + deploy finishes the job
    assert run_cli("migrate", "resolve", "--rolled-back", "29990101000000_add_col").exit_code == 0
    assert run_cli("migrate", "deploy").exit_code == 0
