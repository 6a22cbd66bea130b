"""fleet deploy on PostgreSQL schemas of one database: --jobs and the migration lock, the canary
and waves, --backup, a run killed with SIGKILL resumed by a second run, the second run after a
failed canary, and P3005 under the fleet's lock."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from fleetutil import SCRIPTS, PgFleet, Run, add_migration, fleet_process, migration_names, single_database_cli, write_project
from schemashift.connectors import connect
from schemashift.migrations.history import History


def schemas_file(tmp_path: Path, pg_fleet: PgFleet, pattern: str = "tenant\\\\_%") -> Path:
    targets = tmp_path / "targets.toml"
    targets.write_text(f'url = "{pg_fleet.url}"\nschemas = "{pattern}"\n')
    return targets


def traced(sleep: float) -> list[str]:
    """The usual migrations, the first one recording when it ran in public.trace."""
    first = (
        "INSERT INTO public.trace VALUES (current_schema(), clock_timestamp());\n"
        f"SELECT pg_sleep({sleep});\n" + SCRIPTS["postgresql"][0]
        + "INSERT INTO public.trace VALUES (current_schema(), clock_timestamp());\n"
    )
    return [first, *SCRIPTS["postgresql"][1:]]


def most_at_once(pg_fleet: PgFleet) -> int:
    """The most first-migrations that ran at the same time, from their recorded start and end."""
    times: dict[str, list[datetime]] = {}
    for schema, at in pg_fleet.sql("SELECT schema_name, at FROM public.trace ORDER BY at"):
        times.setdefault(schema, []).append(at)
    events = sorted([(t[0], 1) for t in times.values()] + [(t[1], -1) for t in times.values()])
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


@pytest.mark.parametrize(("lock", "jobs", "expected"), [("run", 3, (2, 3)), ("target", 3, (1, 1))])
def test_jobs_and_the_migration_lock(
    tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run], lock: str, jobs: int, expected: tuple[int, int]
) -> None:
    """With the fleet holding the database's lock (--lock run), up to --jobs schemas deploy at once;
    taken per target (--lock target, migrate deploy's way), the schemas of a database take turns."""
    project = write_project(tmp_path / "app", "postgresql", traced(0.3))
    pg_fleet.sql("CREATE TABLE public.trace (schema_name TEXT, at TIMESTAMPTZ)")
    pg_fleet.create(*(f"tenant_{i}" for i in range(6)))
    run = fleet(project, "deploy", schemas_file(tmp_path, pg_fleet), "--json", "--jobs", str(jobs), "--lock", lock)
    assert run.exit_code == 0, run.err
    assert run.report["summary"]["up_to_date"] == 6 and run.report["summary"]["migrations_applied"] == 18
    low, high = expected
    assert low <= most_at_once(pg_fleet) <= high
    for schema in pg_fleet.schemas:  # each migration once, each recorded applied
        assert [(name, done) for name, done, _, _ in pg_fleet.history(schema)] == [(n, True) for n in migration_names(project)]


def test_a_held_lock_is_waited_for_then_reported(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    """Another deploy holds the database's migration lock: every target of it ends in `error`
    (P1002, after --lock-timeout once, not once per target), nothing is applied."""
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("tenant_a", "tenant_b", "tenant_c")
    with connect(pg_fleet.schema_url("public")) as other, other.advisory_lock():
        started = time.monotonic()
        run = fleet(project, "deploy", schemas_file(tmp_path, pg_fleet), "--json", "--lock-timeout", "1", "--jobs", "1")
        elapsed = time.monotonic() - started
    assert run.exit_code == 5
    assert set(run.states().values()) == {"error"}
    assert {t["error"]["code"] for t in run.report["targets"]} == {"P1002"}
    assert "Waiting for the migration lock" in run.err
    assert elapsed < 10  # the lock was waited for once
    assert all(pg_fleet.tables(s) == [] or pg_fleet.history(s) == [] for s in pg_fleet.schemas)


def break_second_schema(pg_fleet: PgFleet, schema: str) -> None:
    """A schema where the first migration fails (its table exists; a history table keeps P3005 away)."""
    with connect(pg_fleet.schema_url(schema)) as conn:
        History(conn).ensure()
        conn.execute('CREATE TABLE "Account" (id INT)')


def test_a_failing_canary_leaves_the_other_targets_untouched(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create(*(f"tenant_{c}" for c in "abcde"))
    break_second_schema(pg_fleet, "tenant_b")
    run = fleet(project, "deploy", schemas_file(tmp_path, pg_fleet), "--json", "--canary", "2", "--jobs", "4")
    assert run.exit_code == 5
    assert run.states() == {
        "tenant_a": "up_to_date", "tenant_b": "failed", "tenant_c": "skipped", "tenant_d": "skipped", "tenant_e": "skipped",
    }
    assert "canary" in run.report["stopped"] and "tenant_b" in run.report["stopped"]
    failed = run.report["targets"][1]
    assert failed["error"]["code"] == "P3018" and "already exists" in failed["error"]["message"]
    assert failed["failed"] == [migration_names(project)[0]]
    for schema in ("tenant_c", "tenant_d", "tenant_e"):
        assert pg_fleet.tables(schema) == []  # untouched: not even a history table

    # the text report says the same
    text = fleet(project, "status", schemas_file(tmp_path, pg_fleet))
    assert text.exit_code == 5
    lines = {line.split()[0]: line for line in text.out.splitlines() if line.startswith("tenant_")}
    assert "failed" in lines["tenant_b"] and "pending" in lines["tenant_c"]


def test_waves_stop_after_a_failed_wave(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create(*(f"tenant_{c}" for c in "abcdef"))
    break_second_schema(pg_fleet, "tenant_d")
    run = fleet(project, "deploy", schemas_file(tmp_path, pg_fleet), "--json", "--canary", "1", "--wave", "2", "--jobs", "2")
    assert run.exit_code == 5
    # canary a; wave b, c; wave d (fails), e; f is not started
    assert [t["state"] for t in run.report["targets"]] == ["up_to_date"] * 3 + ["failed", "up_to_date", "skipped"]
    assert "wave" in run.report["stopped"]
    assert pg_fleet.tables("tenant_f") == []


def test_backup_per_target_before_pending_migrations(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql", SCRIPTS["postgresql"][:1])
    pg_fleet.create("tenant_a", "tenant_b")
    targets = schemas_file(tmp_path, pg_fleet)
    backups = tmp_path / "backups"
    first = fleet(project, "deploy", targets, "--json", "--backup", str(backups))
    assert first.exit_code == 0 and not backups.exists()  # nothing to lose yet: no backup
    pg_fleet.sql("INSERT INTO tenant_a.\"Account\" (email) VALUES ('a@example.com')")
    add_migration(project, SCRIPTS["postgresql"][1])
    run = fleet(project, "deploy", targets, "--json", "--backup", str(backups))
    assert run.exit_code == 0, run.err
    for target in run.report["targets"]:
        folder = backups / target["name"]
        assert (folder / "manifest.json").is_file()
        assert target["backup"] and Path(target["backup"]).parent == folder and Path(target["backup"]).is_file()
    assert fleet(project, "deploy", targets, "--json", "--backup", str(backups)).report["summary"]["migrations_applied"] == 0
    assert len(list((backups / "tenant_a").glob("*.dump"))) == 1  # up to date: no second backup


def test_a_killed_run_is_resumed_by_the_next_one(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    """SIGKILL while targets deploy: nothing half-applied (a migration and its history row commit
    together), and the second run applies what is left, once, to the targets that need it."""
    scripts = [f"SELECT pg_sleep(0.15);\n{s}" for s in SCRIPTS["postgresql"]]
    project = write_project(tmp_path / "app", "postgresql", scripts)
    names = migration_names(project)
    pg_fleet.create(*(f"tenant_{i:02d}" for i in range(10)))
    targets = schemas_file(tmp_path, pg_fleet)
    proc = fleet_process(project, "deploy", targets, "--jobs", "3", "-q")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill once some targets are done and others are not
        # a target is done once its last migration's index exists (it commits with its history row)
        done = pg_fleet.sql("SELECT count(*) FROM pg_indexes WHERE indexname = 'Account_email_key'")[0][0]
        if done >= 2:
            break
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = {s: pg_fleet.history(s) for s in pg_fleet.schemas}
    assert all(finished and not rolled_back for rows in before.values() for _, finished, rolled_back, _ in rows)
    assert sum(1 for rows in before.values() if len(rows) < len(names)) > 0  # it was stopped part way

    run = fleet(project, "deploy", targets, "--json", "--jobs", "3")
    assert run.exit_code == 0, run.err
    for target in run.report["targets"]:
        already = [row[0] for row in before[target["name"]]]
        assert target["applied_now"] == names[len(already):]
        assert [row[0] for row in pg_fleet.history(target["name"])] == names
    status = fleet(project, "status", targets, "--json")
    assert status.exit_code == 0 and status.report["summary"]["up_to_date"] == 10


def test_after_a_failed_canary_the_second_run_takes_only_the_failed_and_pending_targets(
    tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]
) -> None:
    """Once the canary's failure is dealt with (the table in the way dropped, the failed attempt
    resolved as rolled back), the next run applies what is missing where it is missing; the target
    already up to date is read, not written (its history rows are the same rows)."""
    project = write_project(tmp_path / "app", "postgresql")
    names = migration_names(project)
    pg_fleet.create(*(f"tenant_{c}" for c in "abcd"))
    break_second_schema(pg_fleet, "tenant_b")
    targets = schemas_file(tmp_path, pg_fleet)
    first = fleet(project, "deploy", targets, "--json", "--canary", "2", "--jobs", "3")
    assert [t["state"] for t in first.report["targets"]] == ["up_to_date", "failed", "skipped", "skipped"]
    rows_a = pg_fleet.sql("SELECT id, started_at, finished_at FROM tenant_a._prisma_migrations ORDER BY started_at")

    pg_fleet.sql('DROP TABLE tenant_b."Account"')
    resolved = single_database_cli(project, pg_fleet.schema_url("tenant_b"), "migrate", "resolve", "--rolled-back", names[0])
    assert resolved.returncode == 0, resolved.stderr
    second = fleet(project, "deploy", targets, "--json", "--canary", "2", "--jobs", "3")

    assert second.exit_code == 0, second.err
    assert [t["applied_now"] for t in second.report["targets"]] == [[], names, names, names]
    assert pg_fleet.sql("SELECT id, started_at, finished_at FROM tenant_a._prisma_migrations ORDER BY started_at") == rows_a
    assert [row[:3] for row in pg_fleet.history("tenant_b")] == [(names[0], False, True)] + [(n, True, False) for n in names]


def test_a_schema_with_tables_and_no_history_is_refused_under_the_fleets_lock(
    tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]
) -> None:
    """P3005 (not empty, no history) also for targets whose history was read under the lock the
    fleet already held for an earlier schema of the database: nothing is written there."""
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("tenant_a", "tenant_b", "tenant_c")
    pg_fleet.sql('CREATE TABLE tenant_c."Legacy" (id INT)')
    run = fleet(project, "deploy", schemas_file(tmp_path, pg_fleet), "--json", "--jobs", "1")
    assert run.exit_code == 5
    assert run.states() == {"tenant_a": "up_to_date", "tenant_b": "up_to_date", "tenant_c": "error"}
    assert run.report["targets"][2]["error"]["code"] == "P3005"
    assert pg_fleet.tables("tenant_c") == ["Legacy"]


def test_contract_migrations_are_held_until_contract_is_given(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    """A contract migration (-- schemashift:contract) is where fleet deploy stops each target, as
    migrate deploy does: state held (exit 0), the migrations after it not applied; --contract
    applies them; status reports held too."""
    project = write_project(tmp_path / "app", "postgresql", SCRIPTS["postgresql"][:2])
    contract = add_migration(project, "-- schemashift:contract\n" + 'ALTER TABLE "Account" DROP COLUMN "name";\n')
    after = add_migration(project, SCRIPTS["postgresql"][2])
    pg_fleet.create("tenant_a", "tenant_b")
    targets = schemas_file(tmp_path, pg_fleet)
    run = fleet(project, "deploy", targets, "--json")
    assert run.exit_code == 0, run.err
    assert run.states() == {"tenant_a": "held", "tenant_b": "held"}
    for target in run.report["targets"]:
        assert target["held"] == [contract, after] and target["pending"] == 2
    for schema in ("tenant_a", "tenant_b"):
        assert [row[0] for row in pg_fleet.history(schema)] == migration_names(project)[:2]
        assert "name" in pg_fleet.columns(schema, "Account")
    status = fleet(project, "status", targets)
    assert status.exit_code == 0 and "held for --contract" in status.out
    done = fleet(project, "deploy", targets, "--json", "--contract")
    assert done.exit_code == 0, done.err
    assert done.states() == {"tenant_a": "up_to_date", "tenant_b": "up_to_date"}
    for schema in ("tenant_a", "tenant_b"):
        assert [row[0] for row in pg_fleet.history(schema)] == migration_names(project)
        assert "name" not in pg_fleet.columns(schema, "Account")
