"""fleet status and check: each state and its exit code, the JSON document's shape, the text
table, and no password in any output, on PostgreSQL schemas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fleetutil import PgFleet, Run, add_migration, migration_names, write_project
from schemashift.fleet.report import JSON_VERSION, STATES

TARGET_KEYS = {
    "index", "name", "url", "state", "at", "applied", "pending", "applied_now", "failed", "edited", "unknown", "held",
    "error", "drift", "backup", "seconds",
}


def targets_file(tmp_path: Path, pg_fleet: PgFleet, *schemas: str) -> Path:
    path = tmp_path / "targets.toml"
    names = ", ".join(f'"{s}"' for s in schemas)
    path.write_text(f'url = "{pg_fleet.url}?schema={{tenant}}"\ntenants = [{names}]\n')
    return path


def test_each_state_and_the_exit_codes(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    names = migration_names(project)
    pg_fleet.create("ok", "drift", "edited", "behind")
    deployed = targets_file(tmp_path, pg_fleet, "ok", "drift", "edited")
    assert fleet(project, "deploy", deployed).exit_code == 0

    everything = targets_file(tmp_path, pg_fleet, "ok", "drift", "edited", "behind")
    run = fleet(project, "status", everything, "--json")
    assert run.exit_code == 3  # one target behind: pending
    assert run.states() == {"ok": "up_to_date", "drift": "up_to_date", "edited": "up_to_date", "behind": "pending"}
    behind = run.report["targets"][3]
    assert (behind["applied"], behind["pending"], behind["at"]) == (0, 3, None)
    assert run.report["targets"][0]["at"] == names[-1]

    pg_fleet.sql('ALTER TABLE drift."Account" ADD COLUMN "extra" INTEGER')
    pg_fleet.sql(f"UPDATE edited._prisma_migrations SET checksum = 'x' WHERE migration_name = '{names[1]}'")
    run = fleet(project, "status", everything, "--json")
    assert run.exit_code == 4  # diverged is worse than behind
    assert run.states()["edited"] == "diverged" and run.report["targets"][2]["edited"] == [names[1]]
    assert run.states()["drift"] == "up_to_date"  # status reads histories only

    check = fleet(project, "check", everything, "--json")
    assert check.exit_code == 4
    assert check.states() == {"ok": "up_to_date", "drift": "drifted", "edited": "diverged", "behind": "pending"}
    drift = check.report["targets"][1]["drift"]
    assert "Changed the `Account` table" in drift and "Added column `extra`" in drift

    only_ok = targets_file(tmp_path, pg_fleet, "ok")
    assert fleet(project, "check", only_ok).exit_code == 0
    assert fleet(project, "status", only_ok).exit_code == 0

    pg_fleet.sql(f"INSERT INTO ok._prisma_migrations (id, checksum, migration_name, started_at) VALUES ('x1', 'c', '{names[0]}x', now())")
    failed = fleet(project, "status", everything, "--json")
    assert failed.exit_code == 5 and failed.states()["ok"] == "failed"
    assert failed.report["targets"][0]["failed"] == [f"{names[0]}x"]


def test_check_compares_a_behind_target_with_its_own_applied_migrations(
    tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]
) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("old")
    targets = targets_file(tmp_path, pg_fleet, "old")
    assert fleet(project, "deploy", targets).exit_code == 0
    add_migration(project, 'ALTER TABLE "Account" ADD COLUMN "age" INTEGER;\n')
    run = fleet(project, "check", targets, "--json")
    assert run.exit_code == 3 and run.states() == {"old": "pending"}  # behind, and no drift
    pg_fleet.sql('ALTER TABLE old."Account" ADD COLUMN "age" INTEGER')  # applied by hand
    run = fleet(project, "check", targets, "--json")
    assert run.exit_code == 4 and run.states() == {"old": "drifted"}


def test_json_shape(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("a", "b")
    targets = targets_file(tmp_path, pg_fleet, "a", "b")
    report = fleet(project, "deploy", targets, "--json", "-q").report
    assert set(report) == {"format", "version", "command", "exit_code", "stopped", "seconds", "migrations", "summary", "targets"}
    assert (report["format"], report["version"], report["command"], report["exit_code"]) == ("schemashift-fleet", JSON_VERSION, "deploy", 0)
    assert report["migrations"] == {"count": 3, "latest": migration_names(project)[-1]}
    assert report["summary"] == {"targets": 2, **{s: 0 for s in STATES}, "up_to_date": 2, "migrations_applied": 6}
    for i, target in enumerate(report["targets"]):
        assert set(target) == TARGET_KEYS
        assert target["index"] == i and target["applied_now"] == migration_names(project)
        assert target["error"] is None and isinstance(target["seconds"], float)
    status = fleet(project, "status", targets, "--json").report
    assert status["command"] == "status" and status["summary"]["migrations_applied"] == 0


def test_unreachable_targets_and_no_password_anywhere(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    """A target on a closed port is an `error` (exit 5) and the others are still worked on; the
    password of every URL stays out of the table, the JSON, the progress lines and the errors."""
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("good")
    secret = "pw-Zq81-secret"
    user, rest = pg_fleet.url.split("://", 1)[1].split("@", 1)
    good = f"postgresql://{user}:{secret}@{rest}?schema=good"
    bad = f"postgresql://{user}:{secret}@127.0.0.1:1/nowhere?connect_timeout=2"
    targets = tmp_path / "targets.toml"
    targets.write_text(f'urls = ["{good}", {{ name = "down", url = "{bad}" }}]\n')
    for command in ("deploy", "status", "check"):
        for extra in ((), ("--json",)):
            run = fleet(project, command, targets, *extra)
            assert run.exit_code == 5, run.err
            assert secret not in run.out + run.err
            if extra:
                assert run.states()["down"] == "error"
                assert run.report["targets"][1]["error"]["code"] == "P1001"
                assert run.report["targets"][0]["state"] == "up_to_date"
            else:
                assert "down" in run.out and "P1001" in run.out
