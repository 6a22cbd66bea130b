"""Connections reused from one target to the next schema of the same PostgreSQL database, or the
next database of the same MySQL server (fleet/sessions.py): same history and tables as a
connection per target, no session state carried over, a failed migration in one schema does not
harm the next, and what may not share a connection does not."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dbutil
from fleetutil import SCRIPTS, PgFleet, write_project
from schemashift.connectors import connect, parse_url
from schemashift.fleet.project import open_fleet_project
from schemashift.fleet.report import TargetResult
from schemashift.fleet.targets import Target
from schemashift.fleet.work import DeployOptions, Targets, deploy_target, inspect_target
from schemashift.migrations.apply import apply_migrations

#: records the session's work_mem, then changes it for the rest of the session (a SET without LOCAL)
SETS_WORK_MEM = "INSERT INTO public.seen VALUES (current_schema(), current_setting('work_mem'));\nSET work_mem = '77MB';\n"
FAILS_IN_A = "DO $$ BEGIN IF current_schema() = 'tenant_a' THEN RAISE EXCEPTION 'boom in %', current_schema(); END IF; END $$;\n"


def _claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider: str, sample_url: str) -> Iterator[Any]:
    """Fleets of the project written in tmp_path/app, each keeping one idle connection."""
    made: list[Targets] = []

    def make(scripts: list[str]) -> Targets:
        project = write_project(tmp_path / "app", provider, scripts)
        monkeypatch.chdir(project)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        made.append(Targets(open_fleet_project(None, sample_url, tmp_path), keep_sessions=1))
        return made[-1]

    yield make
    for t in made:
        t.close()


@pytest.fixture
def claims(tmp_path: Path, pg_fleet: PgFleet, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from _claims(tmp_path, monkeypatch, "postgresql", pg_fleet.schema_url("public"))


def deploy(claims: Targets, pg_fleet: PgFleet, schemas: list[str], lock: str = "target") -> list[TargetResult]:
    results = []
    for i, schema in enumerate(schemas):  # one after the other: each takes the connection the previous gave back
        result = deploy_target(claims, Target(i, schema, pg_fleet.schema_url(schema)), lambda: True, DeployOptions(lock=lock), None, lambda t, m: None)
        assert result is not None
        results.append(result)
    return results


def full_history(pg_fleet: PgFleet, schema: str) -> list[tuple[Any, ...]]:
    return pg_fleet.sql(
        f'SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, applied_steps_count, logs'
        f' FROM "{schema}"._prisma_migrations ORDER BY started_at'
    )


def test_schemas_share_one_connection_with_the_history_of_a_connection_each(claims: Any, pg_fleet: PgFleet) -> None:
    pg_fleet.sql("CREATE TABLE public.seen (schema_name TEXT, work_mem TEXT)")
    fleet = claims([*SCRIPTS["postgresql"], SETS_WORK_MEM])
    pg_fleet.create("solo", "tenant_a", "tenant_b", "tenant_c")
    with connect(parse_url(pg_fleet.schema_url("solo"))) as conn:  # migrate deploy's way: its own connection
        apply_migrations(conn, fleet.fleet.local)

    results = deploy(fleet, pg_fleet, ["tenant_a", "tenant_b", "tenant_c"])

    assert [(r.state, len(r.applied_now)) for r in results] == [("up_to_date", 4)] * 3
    assert (fleet.sessions.opened, fleet.sessions.reused) == (1, 2)
    expected = full_history(pg_fleet, "solo")
    assert len(expected) == 4 and all(row[2] and not row[3] for row in expected)
    for schema in ("tenant_a", "tenant_b", "tenant_c"):
        assert full_history(pg_fleet, schema) == expected
        assert pg_fleet.tables(schema) == pg_fleet.tables("solo")
    # the SET of tenant_a's last migration did not follow the connection to tenant_b and tenant_c
    seen = dict(pg_fleet.sql("SELECT schema_name, work_mem FROM public.seen"))
    assert seen["tenant_b"] == seen["tenant_c"] == seen["solo"] != "77MB"


def test_a_failed_migration_does_not_harm_the_next_schema(claims: Any, pg_fleet: PgFleet) -> None:
    fleet = claims([SCRIPTS["postgresql"][0], FAILS_IN_A, SCRIPTS["postgresql"][1]])
    pg_fleet.create("tenant_a", "tenant_b")

    failed, fine = deploy(fleet, pg_fleet, ["tenant_a", "tenant_b"], lock="run")

    assert (failed.state, failed.code, len(failed.applied_now)) == ("failed", "P3018", 1)
    assert "boom in tenant_a" in (failed.error or "")
    assert (fine.state, len(fine.applied_now)) == ("up_to_date", 3)
    assert fleet.sessions.reused == 1
    names = [m.name for m in fleet.fleet.local]
    history_a = [(name, done, back) for name, _, done, back, _, _ in full_history(pg_fleet, "tenant_a")]
    assert history_a == [(names[0], True, False), (names[1], False, False)]  # applied, then failed
    assert pg_fleet.tables("tenant_a") == ["Account", "_prisma_migrations"]
    assert pg_fleet.tables("tenant_b") == ["Account", "_prisma_migrations"]
    assert [c for (c,) in pg_fleet.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'tenant_b' AND table_name = 'Account' ORDER BY 1"
    )] == ["email", "id", "name"]
    # status on the kept connection sees both as they are
    status = [inspect_target(fleet, Target(i, s, pg_fleet.schema_url(s)), drift=False) for i, s in enumerate(["tenant_a", "tenant_b"])]
    assert [s.state for s in status] == ["failed", "up_to_date"]


def test_what_may_share_a_connection(pg_fleet: PgFleet) -> None:
    pg_fleet.create("tenant_a", "tenant_b")
    with connect(parse_url(pg_fleet.schema_url("tenant_a"))) as conn:
        assert conn.can_switch_to(parse_url(pg_fleet.schema_url("tenant_b")))
        other_db = pg_fleet.url.rsplit("/", 1)[0] + "/postgres?schema=tenant_b"
        assert not conn.can_switch_to(parse_url(other_db))
        assert not conn.can_switch_to(parse_url(pg_fleet.schema_url("tenant_b") + "&application_name=x"))
        with conn.transaction():  # never in the middle of a transaction
            assert not conn.can_switch_to(parse_url(pg_fleet.schema_url("tenant_b")))
        conn.switch_to(parse_url(pg_fleet.schema_url("tenant_b")))
        assert conn.query("SELECT current_schema()") == [("tenant_b",)]
        assert conn.schema_name == "tenant_b" and conn.dialect.default_namespace == "tenant_b"


def test_lock_scopes(pg_fleet: PgFleet, tmp_path: Path) -> None:
    """What the migration lock covers, as each connector says: a PostgreSQL database (every schema
    of it), a MySQL server (every database of it), a SQLite file (the target alone)."""
    pg_fleet.create("tenant_a")
    a = parse_url(pg_fleet.schema_url("tenant_a"))
    with connect(a) as conn:
        assert conn.lock_scope == ("postgresql", a.host, a.port, a.database)
    mysql_admin = parse_url(dbutil.admin_url_or_skip("mysql"))
    with connect(mysql_admin) as conn:
        assert conn.lock_scope == ("mysql", mysql_admin.host, mysql_admin.port)
        assert conn.can_switch_to(dataclasses.replace(mysql_admin, database="other"))  # another database of the server
        assert not conn.can_switch_to(dataclasses.replace(mysql_admin, database="other", user="someone_else"))
        assert not conn.can_switch_to(dataclasses.replace(mysql_admin, database="other", port=mysql_admin.port + 1))
    with connect(parse_url(f"file:{tmp_path / 'a.db'}")) as conn:
        assert conn.lock_scope is None
        assert not conn.can_switch_to(parse_url(f"file:{tmp_path / 'b.db'}"))


# ---------------------------------------------------------------- MySQL/MariaDB: databases of one server

#: records the session's foreign_key_checks, a user variable and how many rows a temporary table
#: has (1 in a new session: the row just added), then changes the first two for the rest of the session
SETS_SESSION_MYSQL = (
    "CREATE TABLE IF NOT EXISTS `{trace}`.seen (db VARCHAR(100), fk INT, var INT, tmp INT);\n"
    "CREATE TEMPORARY TABLE IF NOT EXISTS `{trace}`.scratch (id INT);\n"
    "INSERT INTO `{trace}`.scratch VALUES (1);\n"
    "INSERT INTO `{trace}`.seen SELECT DATABASE(), @@SESSION.foreign_key_checks, @leak, (SELECT COUNT(*) FROM `{trace}`.scratch);\n"
    "SET SESSION foreign_key_checks = 0;\nSET @leak = 1;\n"
)


@pytest.fixture
def mysql_claims(tmp_path: Path, mysql_fleet: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from _claims(tmp_path, monkeypatch, "mysql", mysql_fleet.url("x"))


def mysql_history(mysql_fleet: Any, database: str) -> list[tuple[Any, ...]]:
    return mysql_fleet.sql(
        database,
        "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, applied_steps_count, logs"
        " FROM _prisma_migrations ORDER BY started_at",
    )


def test_mysql_databases_share_one_connection_with_the_history_of_a_connection_each(mysql_claims: Any, mysql_fleet: Any) -> None:
    """Databases of one server deployed on one kept connection: created by deploy on it, each
    with the history and tables a connection of its own gives, and nothing of a migration's session
    (variables, user variables, temporary tables) carried to the next database."""
    trace, solo, *tenants = mysql_fleet.names(5)
    mysql_fleet.sql(None, f"CREATE DATABASE `{trace}`")
    mysql_fleet.sql(None, f"CREATE DATABASE `{solo}`")
    fleet = mysql_claims([*SCRIPTS["mysql"], SETS_SESSION_MYSQL.format(trace=trace)])
    with connect(parse_url(mysql_fleet.url(solo))) as conn:  # migrate deploy's way: its own connection
        apply_migrations(conn, fleet.fleet.local)
    logged: list[str] = []

    results = [
        deploy_target(fleet, Target(i, name, mysql_fleet.url(name)), lambda: True, DeployOptions(lock="target"), None,
                      lambda t, m: logged.append(m))
        for i, name in enumerate(tenants)
    ]

    assert [(r.state, len(r.applied_now)) for r in results if r is not None] == [("up_to_date", 4)] * 3
    assert (fleet.sessions.opened, fleet.sessions.reused) == (1, 2)
    assert sum("MySQL database" in m and "created at" in m for m in logged) == 3
    expected = [row[:5] for row in mysql_history(mysql_fleet, solo)]
    assert len(expected) == 4 and all(row[2] and not row[3] for row in expected)
    tables = lambda db: mysql_fleet.sql(None, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (db,))  # noqa: E731
    for name in tenants:
        assert [row[:5] for row in mysql_history(mysql_fleet, name)] == expected
        assert tables(name) == tables(solo)
    seen = {db: (fk, var, tmp) for db, fk, var, tmp in mysql_fleet.sql(trace, "SELECT db, fk, var, tmp FROM seen")}
    assert seen[tenants[1]] == seen[tenants[2]] == seen[solo] == (1, None, 1)


def test_mysql_status_of_a_missing_database_keeps_the_connection(mysql_claims: Any, mysql_fleet: Any) -> None:
    """A tenant whose database does not exist yet is pending (P1003); the kept connection that
    found out serves the next target, and status creates nothing."""
    there, missing, also = mysql_fleet.names(3)
    mysql_fleet.sql(None, f"CREATE DATABASE `{there}`")
    mysql_fleet.sql(None, f"CREATE DATABASE `{also}`")
    fleet = mysql_claims(SCRIPTS["mysql"])
    states = [inspect_target(fleet, Target(i, n, mysql_fleet.url(n)), drift=False) for i, n in enumerate([there, missing, also])]
    assert [(s.state, s.code) for s in states] == [("pending", None), ("pending", "P1003"), ("pending", None)]
    assert (fleet.sessions.opened, fleet.sessions.reused) == (1, 1)  # the third took it from the second
    assert not mysql_fleet.exists(missing)


def test_each_script_is_planned_once_for_the_whole_fleet(claims: Any, pg_fleet: PgFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripts are split and classified once per run, not once per target."""
    from schemashift.dialects.base import Dialect

    planned: list[str] = []
    plan_script = Dialect.plan_script

    def counted(self: Dialect, script: str) -> Any:
        planned.append(script)
        return plan_script(self, script)

    monkeypatch.setattr(Dialect, "plan_script", counted)
    fleet = claims(SCRIPTS["postgresql"])
    pg_fleet.create("tenant_a", "tenant_b", "tenant_c")
    results = deploy(fleet, pg_fleet, ["tenant_a", "tenant_b", "tenant_c"], lock="run")
    assert [(r.state, len(r.applied_now)) for r in results] == [("up_to_date", 3)] * 3
    assert sorted(planned) == sorted(SCRIPTS["postgresql"])
