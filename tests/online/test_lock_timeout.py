"""A lock held on purpose by another connection makes an --online migration's statement time out:
`migrate deploy` retries it, then fails at that statement; the next deploy resumes and completes,
every row kept."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.online import lock_retry

HEAD = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'
MODELS = """
model User {
  id    Int    @id
  name  String?
%(user)s
}

model Post {
  id     Int  @id
  userId Int?
%(post)s
}
"""
ROWS = 500


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lock_retry, "FIRST_PAUSE", 0.05)
    return tmp_path


def history(db_url: str) -> list[tuple[str, int, bool, bool]]:
    with connect(db_url) as conn:
        rows = conn.query(
            "SELECT migration_name, applied_steps_count, finished_at IS NOT NULL, rolled_back_at IS NOT NULL"
            " FROM _prisma_migrations ORDER BY started_at"
        )
    return [(str(a), int(b), bool(c), bool(d)) for a, b, c, d in rows]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_a_lock_timeout_is_retried_then_fails_and_the_next_deploy_resumes(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    q = (lambda n: f"`{n}`") if provider == "mysql" else (lambda n: f'"{n}"')
    schema = project / "prisma/schema.prisma"
    schema.write_text(HEAD % provider + MODELS % {"user": "", "post": ""})
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q('User')} ({q('id')}, {q('name')}) VALUES " + ", ".join(f"({i}, 'n{i}')" for i in range(1, ROWS + 1)))
    # PostgreSQL: a foreign key, NOT VALID then VALIDATE (transaction off); MariaDB: an index, in place
    after = (
        {"user": "  @@index([name])", "post": ""}
        if provider == "mysql"
        else {"user": "  posts Post[]", "post": "  user User? @relation(fields: [userId], references: [id])"}
    )
    schema.write_text(HEAD % provider + MODELS % after)
    (project / "pyproject.toml").write_text('[tool.schemashift]\nonline_lock_timeout = "200ms"\nlock_timeout = "1s"\n')
    r = run_cli("migrate", "dev", "--online", "--create-only", "-n", "change", "--skip-generate")
    assert r.exit_code == 0, r.err
    (name,) = [p.name for p in (project / "prisma/migrations").iterdir() if p.name.endswith("_change")]

    holder = connect(db_url)  # a transaction that keeps the table locked
    try:
        holder.execute("BEGIN")
        if provider == "mysql":
            holder.execute(f"SELECT COUNT(*) FROM {q('User')}")  # a shared metadata lock until COMMIT
        else:
            holder.execute(f'LOCK TABLE {q("Post")} IN ACCESS EXCLUSIVE MODE')
        started = time.monotonic()
        r = run_cli("migrate", "deploy")
        took = time.monotonic() - started
        assert r.exit_code == 1, r.out + r.err
        assert "P3018" in r.err and f"(a lock timeout: tried {lock_retry.RETRIES + 1} times" in r.err, r.err
        assert "Traceback" not in r.err
        assert took >= (lock_retry.RETRIES + 1) * (1.0 if provider == "mysql" else 0.2)  # each attempt waited its timeout
        failed = [h for h in history(db_url) if h[0] == name]
        assert len(failed) == 1 and not failed[0][2]  # recorded failed, not finished
        steps_before = failed[0][1]
    finally:
        holder.execute("COMMIT")
        holder.close()

    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "Resuming migration" in r.out + r.err
    done = [h for h in history(db_url) if h[0] == name]
    assert len(done) == 1 and done[0][2] and done[0][1] > steps_before
    assert run_cli("migrate", "status").exit_code == 0
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", str(schema), "--exit-code")
    assert r.exit_code == 0, r.out
    with connect(db_url) as conn:
        assert conn.query_one(f"SELECT COUNT(*) FROM {q('User')}") == (ROWS,)
