"""Every online plan converges (issue 14): random schema changes on a populated table, written by
`migrate dev --online`, applied by `migrate deploy`; then `migrate status` is up to date, `migrate
diff --from-url ... --to-schema-datamodel ... --exit-code` is 0 and every row is kept, on SQLite,
PostgreSQL and MariaDB. On PostgreSQL and MariaDB the online migrations also pass `migrate lint
--stats-url` with a threshold of one row (no one-shot form is left on a big table), except a
column type change on PostgreSQL, which --online leaves to expand/contract (Prisma's SQL is kept
and lint says so).

A change is a random set of the guide's patterns (index, composite index, unique, foreign key,
optional -> required, added column, dropped index, rename, type change) applied to ``User``;
MariaDB's --online refuses the ones its server cannot do without copying the table (a foreign
key, a type change; a column rename it does in place): such a set must be refused with nothing written, and the
test then checks the accepted rest. Default run: a few examples per database (derandomized);
``@pytest.mark.slow``: 25 per database.
"""

from __future__ import annotations

import shutil

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from schemashift.connectors import connect

ROWS = 120
DEFAULT_EXAMPLES = 3
SLOW_EXAMPLES = 25

HEAD = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'

#: the base User model: field -> type and attributes
BASE = {"id": "Int @id", "email": "String?", "name": "String?", "age": "Int?", "note": "String?", "score": "Int", "teamId": "Int?"}

#: pattern -> (field overrides after the change, extra User lines after, Team lines after, --rename values)
PATTERNS: dict[str, tuple[dict[str, str | None], list[str], list[str], list[str]]] = {
    "index": ({}, ["@@index([name])"], [], []),
    "composite_index": ({}, ["@@index([age, name])"], [], []),
    "unique": ({}, ["@@unique([email])"], [], []),
    "foreign_key": ({"team": "Team? @relation(fields: [teamId], references: [id])"}, [], ["users User[]"], []),
    "required_name": ({"name": "String"}, [], [], []),
    "required_age": ({"age": "Int"}, [], [], []),
    "add_column": ({"extra": "String?"}, [], [], []),
    "drop_index": ({}, [], [], []),  # the base has @@index([score]) then
    "rename": ({"note": None, "memo": "String?"}, [], [], ["User.note:memo"]),
    "type_change": ({"score": "BigInt"}, [], [], []),
}
#: refused by MariaDB's --online (the server would copy the table) unless pt-online-schema-change
#: is installed (an online copy then)
MYSQL_REFUSED = set() if shutil.which("pt-online-schema-change") else {"type_change"}


def schema_text(provider: str, changes: frozenset[str], after: bool) -> str:
    fields: dict[str, str | None] = dict(BASE)
    user_extra: list[str] = []
    team_extra: list[str] = []
    if "drop_index" in changes and not after:
        user_extra.append("@@index([score])")
    if after:
        for name in sorted(changes):
            overrides, extra, team, _ = PATTERNS[name]
            fields.update(overrides)
            user_extra += extra
            team_extra += team
    lines = [f"  {k} {v}" for k, v in fields.items() if v is not None] + [f"  {x}" for x in user_extra]
    user = "\n".join(lines)
    team = "\n".join(f"  {x}" for x in team_extra)
    return HEAD % provider + f"\nmodel Team {{\n  id Int @id\n{team}\n}}\n\nmodel User {{\n{user}\n}}\n"


def quote(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def populate(provider: str, db_url: str) -> None:
    q = lambda n: quote(provider, n)  # noqa: E731
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q('Team')} ({q('id')}) VALUES (1), (2), (3)")
        values = ", ".join(
            f"({i}, 'u{i}', 'n{i % 7}', {i % 50}, {'NULL' if i % 4 == 0 else repr(f'note {i}')}, {i * 3}, {i % 3 + 1})"
            for i in range(1, ROWS + 1)
        )
        cols = ", ".join(q(c) for c in ("id", "email", "name", "age", "note", "score", "teamId"))
        conn.execute(f"INSERT INTO {q('User')} ({cols}) VALUES {values}")


def snapshot(provider: str, db_url: str, note: str) -> list[tuple[Any, ...]]:
    q = lambda n: quote(provider, n)  # noqa: E731
    with connect(db_url) as conn:
        rows = conn.query(
            f"SELECT {q('id')}, {q('email')}, {q('name')}, {q('age')}, {q(note)}, {q('score')}, {q('teamId')}"
            f" FROM {q('User')} ORDER BY {q('id')}"
        )
    return [tuple(int(v) if isinstance(v, int) else v for v in r) for r in rows]


def migrations(project: Path) -> list[str]:
    folder = project / "prisma/migrations"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def converge(
    provider: str, db_url: str, project: Path, changes: frozenset[str], run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One example: a fresh database and project, the base schema populated, the online change."""
    project.mkdir()
    monkeypatch.chdir(project)
    if provider == "sqlite":
        db_url = f"file:{project / 'dev.db'}"
    else:
        with connect(db_url) as conn:
            conn.reset()
    schema = project / "prisma/schema.prisma"
    schema.parent.mkdir(parents=True)
    schema.write_text(schema_text(provider, changes, after=False))
    monkeypatch.setenv("DATABASE_URL", db_url)
    r = run_cli("migrate", "dev", "-n", "init", "--skip-generate")
    assert r.exit_code == 0, r.err
    init = migrations(project)
    populate(provider, db_url)
    before = snapshot(provider, db_url, "note")

    refused = MYSQL_REFUSED & changes if provider == "mysql" else set()
    renames = [v for name in sorted(changes) for v in PATTERNS[name][3]]
    schema.write_text(schema_text(provider, changes, after=True))
    args = ["migrate", "dev", "--online", "--create-only", "-n", "change", "--skip-generate"]
    args += [a for v in renames for a in ("--rename", v)]
    r = run_cli(*args)
    assert "Traceback" not in r.err, r.err
    if refused:  # the server would copy the table: refused, nothing written; then the rest alone
        assert r.exit_code == 1 and "cannot be done by the server without blocking writes" in r.err, r.err
        assert migrations(project) == init
        changes = changes - refused
        renames = [v for name in sorted(changes) for v in PATTERNS[name][3]]
        schema.write_text(schema_text(provider, changes, after=True) if changes else schema_text(provider, changes, after=False))
        if not changes:
            return
        r = run_cli(
            "migrate", "dev", "--online", "--create-only", "-n", "change", "--skip-generate",
            *(a for v in renames for a in ("--rename", v)),
        )
    assert r.exit_code == 0, r.err
    written = [m for m in migrations(project) if m not in init]
    assert written, "the change wrote no migration"

    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    if "--contract" in r.err:  # a multi-step plan: its contract migration waits for --contract
        r = run_cli("migrate", "deploy", "--contract")
        assert r.exit_code == 0, r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "up to date" in r.out, r.out + r.err
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", str(schema), "--exit-code")
    assert r.exit_code == 0, r.out
    after = snapshot(provider, db_url, "memo" if "rename" in changes else "note")
    assert after == before  # every row kept, every value (a renamed column's too)

    if provider != "sqlite" and not (provider == "postgresql" and "type_change" in changes):
        (project / "pyproject.toml").write_text("[tool.schemashift]\nlarge_table_rows = 1\n")
        r = run_cli("migrate", "lint", "--stats-url", db_url, *written)
        assert r.exit_code == 0, r.out + r.err


CHANGES = hst.frozensets(hst.sampled_from(sorted(PATTERNS)), min_size=1, max_size=3)


def _run(provider: str, db_url: str, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(changes=CHANGES)
    def check(changes: frozenset[str]) -> None:
        converge(provider, db_url, tmp_path / uuid.uuid4().hex[:8], changes, run_cli, monkeypatch)

    check()


def test_online_plans_converge(provider: str, db_url: str, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(provider, db_url, tmp_path, run_cli, monkeypatch, DEFAULT_EXAMPLES)


@pytest.mark.slow
def test_online_plans_converge_many(provider: str, db_url: str, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(provider, db_url, tmp_path, run_cli, monkeypatch, SLOW_EXAMPLES)


@pytest.mark.parametrize("provider", ["postgresql", "mysql", "sqlite"], indirect=True)
@pytest.mark.parametrize("changes", [frozenset(PATTERNS)], ids=["all"])
def test_every_pattern_at_once(provider: str, db_url: str, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, changes: frozenset[str]) -> None:
    """The whole set in one change (on MariaDB: refused, then the accepted rest)."""
    converge(provider, db_url, tmp_path / "p", changes, run_cli, monkeypatch)
