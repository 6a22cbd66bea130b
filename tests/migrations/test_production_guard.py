"""The production guard (S3001) on every database: only `--allow-production` passes it.

`migrate reset --force` keeps Prisma's meaning (no prompt) and no longer passes the guard;
`migrate dev --force` and `db push --force` (flags Prisma does not have) are usage errors naming
`--allow-production`. `backup restore --force` over a database that holds data backs it up first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.backup import read_manifest
from schemashift.connectors import connect

V1 = "model User {\n  id Int @id\n}\n"
V2 = V1 + "\nmodel Post {\n  id Int @id\n}\n"


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    return tmp_path


def write_schema(project: Path, provider: str, models: str) -> None:
    (project / "prisma/schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n\n{models}'
    )


def users(db_url: str, provider: str) -> list[int]:
    with connect(db_url) as conn:
        return sorted(int(r[0]) for r in conn.query(f"SELECT id FROM {q(provider, 'User')}"))


def add_users(db_url: str, provider: str, *ids: int) -> None:
    with connect(db_url) as conn:
        for i in ids:
            conn.execute(f"INSERT INTO {q(provider, 'User')} (id) VALUES (%s)", (i,))


def refused(r, why: str = "SCHEMASHIFT_ENV is production") -> bool:  # type: ignore[no-untyped-def]
    return r.exit_code == 1 and "S3001" in r.err and "--allow-production" in r.err and why in r.err


def test_force_does_not_pass_the_guard(project: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    write_schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    add_users(db_url, provider, 1, 2)
    monkeypatch.setenv("SCHEMASHIFT_ENV", "production")
    write_schema(project, provider, V2)

    # flags Prisma does not have: a usage error that names the new one
    for args in (["migrate", "dev", "--name", "x", "--force"], ["db", "push", "--force"], ["db", "push", "--force-reset", "--force"]):
        r = run_cli(*args)
        assert r.exit_code == 2 and "--allow-production" in r.err and "Traceback" not in r.err, (args, r.err)
    r = run_cli("migrate", "dev", "--name", "x")
    assert refused(r), r.err
    assert len([p for p in (project / "prisma/migrations").iterdir() if p.is_dir()]) == 1

    # reset --force: Prisma's "no prompt", not a way past the guard
    r = run_cli("migrate", "reset", "--force", "--skip-seed")
    assert refused(r), r.err
    r = run_cli("db", "push", "--force-reset")
    assert refused(r), r.err
    assert users(db_url, provider) == [1, 2]  # nothing was reset

    r = run_cli("migrate", "reset", "--force", "--skip-seed", "--allow-production")
    assert r.exit_code == 0, r.err
    assert users(db_url, provider) == []
    add_users(db_url, provider, 3)
    r = run_cli("db", "push", "--force-reset", "--allow-production")
    assert r.exit_code == 0, r.err
    assert users(db_url, provider) == []
    r = run_cli("migrate", "reset", "--skip-seed", "--allow-production")
    assert r.exit_code == 1 and "--force" in r.err  # the prompt is still required without --force


def test_rollback_is_guarded(project: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    write_schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    write_schema(project, provider, V2)
    assert run_cli("migrate", "dev", "--name", "posts").exit_code == 0
    if provider == "sqlite":
        monkeypatch.setenv("SCHEMASHIFT_ENV", "prod")
        why = "SCHEMASHIFT_ENV is production"
    else:  # by host
        (project / "pyproject.toml").write_text('[tool.schemashift]\nproduction_hosts = ["127.0.0.*"]\n')
        why = "its host `127.0.0.1` matches `[tool.schemashift] production_hosts`"
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert refused(r, why), r.err
    assert run_cli("migrate", "status").exit_code == 0  # nothing rolled back
    r = run_cli("migrate", "rollback", "--dry-run")  # changes nothing: not guarded
    assert r.exit_code == 0 and "DROP TABLE" in r.out, r.err
    r = run_cli("migrate", "rollback", "--allow-production")
    assert r.exit_code == 0, r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and "posts" in r.out


def test_restore_is_guarded_and_keeps_a_copy(
    project: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    write_schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    add_users(db_url, provider, 1, 2)
    r = run_cli("backup", "create", "-o", "bk")
    assert r.exit_code == 0, r.err
    (taken,) = read_manifest(project / "bk")
    add_users(db_url, provider, 3)  # written after the backup: what a restore would destroy

    r = run_cli("backup", "restore", f"bk/{taken.file}")
    assert r.exit_code == 1 and "not empty" in r.err
    monkeypatch.setenv("SCHEMASHIFT_ENV", "production")
    r = run_cli("backup", "restore", f"bk/{taken.file}", "--force")
    assert refused(r), r.err
    assert users(db_url, provider) == [1, 2, 3]
    r = run_cli("backup", "restore", f"bk/{taken.file}", "--force", "--allow-production")
    assert r.exit_code == 0, r.err
    assert users(db_url, provider) == [1, 2]
    copy = next(e for e in read_manifest(project / "bk") if e.file != taken.file)
    assert "before_restore" in copy.file and copy.migration == taken.migration
    assert f"Backup of the replaced contents written: bk/{copy.file}" in r.out

    # the copy holds what the restore replaced
    r = run_cli("backup", "restore", f"bk/{copy.file}", "--force", "--allow-production")
    assert r.exit_code == 0, r.err
    assert users(db_url, provider) == [1, 2, 3]
    assert len(read_manifest(project / "bk")) == 3


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_the_reset_db_push_offers_is_guarded(
    project: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    """A change that cannot run on the data (a required column without default on a table with
    rows): at a terminal db push offers a reset; on production only with --allow-production."""
    import click

    from schemashift.commands import ui

    write_schema(project, provider, V1)
    assert run_cli("db", "push").exit_code == 0
    add_users(db_url, provider, 1)
    write_schema(project, provider, V1.replace("id Int @id", "id Int @id\n  phone String"))
    monkeypatch.setattr(ui, "is_interactive", lambda: True)
    monkeypatch.setattr(click, "confirm", lambda question, default=False: True)
    monkeypatch.setenv("SCHEMASHIFT_ENV", "production")
    r = run_cli("db", "push")
    assert refused(r), r.err
    assert users(db_url, provider) == [1]
    r = run_cli("db", "push", "--allow-production")
    assert r.exit_code == 0, r.err
    assert users(db_url, provider) == []
