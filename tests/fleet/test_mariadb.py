"""fleet on MariaDB: one database per tenant (created by deploy), every database matching a
pattern, the server-wide migration lock and --jobs, status/check, a killed run, a failing canary
and the second run after it, exit codes and passwords."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fleetutil import SCRIPTS, MysqlFleet, Run, fleet_process, migration_names, single_database_cli, write_project
from schemashift.connectors import connect
from schemashift.migrations.history import History


def tenants_file(tmp_path: Path, mysql_fleet: MysqlFleet, names: list[str]) -> Path:
    path = tmp_path / "targets.toml"
    base = mysql_fleet.url("x").rsplit("/", 1)[0]
    path.write_text(f'url = "{base}/{{tenant}}"\ntenants = [{", ".join(repr(n).replace(chr(39), chr(34)) for n in names)}]\n')
    return path


def test_deploy_creates_the_tenant_databases_then_status_and_check(
    tmp_path: Path, mysql_fleet: MysqlFleet, fleet: Callable[..., Run]
) -> None:
    project = write_project(tmp_path / "app", "mysql")
    names = mysql_fleet.names(3)
    targets = tenants_file(tmp_path, mysql_fleet, names)
    before = fleet(project, "status", targets, "--json")
    assert before.exit_code == 3 and set(before.states().values()) == {"pending"}  # no database yet
    assert before.report["targets"][0]["error"]["code"] == "P1003"
    run = fleet(project, "deploy", targets, "--json", "--jobs", "3")
    assert run.exit_code == 0, run.err
    assert all(mysql_fleet.exists(n) for n in names)
    assert "MySQL database" in run.err and "created at" in run.err
    for name in names:
        assert [(row[0], row[1]) for row in mysql_fleet.history(name)] == [(m, 1) for m in migration_names(project)]
    assert fleet(project, "status", targets).exit_code == 0
    mysql_fleet.sql(names[1], "ALTER TABLE `Account` ADD COLUMN `extra` INT NULL")
    check = fleet(project, "check", targets, "--json")
    assert check.exit_code == 4 and check.states()[names[1]] == "drifted"
    assert check.states()[names[0]] == check.states()[names[2]] == "up_to_date"


def test_schemas_pattern_lists_databases(tmp_path: Path, mysql_fleet: MysqlFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "mysql")
    names = mysql_fleet.names(3)
    for name in names:
        mysql_fleet.sql(None, f"CREATE DATABASE `{name}`")
    path = tmp_path / "targets.toml"
    prefix = mysql_fleet.prefix.replace("_", "\\\\_")
    path.write_text(f'url = "{mysql_fleet.url("mysql")}"\nschemas = "{prefix}\\\\_%"\n')
    run = fleet(project, "deploy", path, "--json")
    assert run.exit_code == 0, run.err
    assert [t["name"] for t in run.report["targets"]] == names
    assert all(len(mysql_fleet.history(n)) == 3 for n in names)


@pytest.mark.parametrize(("lock", "expected"), [("run", (2, 3)), ("target", (1, 1))])
def test_the_server_wide_lock_and_jobs(
    tmp_path: Path, mysql_fleet: MysqlFleet, fleet: Callable[..., Run], lock: str, expected: tuple[int, int]
) -> None:
    """GET_LOCK('prisma_migrate') is one lock for the whole server: taken per target, the databases
    deploy one at a time; held by the fleet (--lock run), --jobs of them at once."""
    trace = mysql_fleet.names(1)[0]
    mysql_fleet.sql(None, f"CREATE DATABASE `{trace}`")
    mysql_fleet.sql(trace, "CREATE TABLE trace (db VARCHAR(100), at DATETIME(6))")
    first = f"INSERT INTO `{trace}`.trace VALUES (DATABASE(), NOW(6));\nDO SLEEP(0.3);\n" + SCRIPTS["mysql"][0]
    first += f"INSERT INTO `{trace}`.trace VALUES (DATABASE(), NOW(6));\n"
    project = write_project(tmp_path / "app", "mysql", [first, *SCRIPTS["mysql"][1:]])
    names = [f"{mysql_fleet.prefix}_t{i}" for i in range(5)]
    mysql_fleet.created += names
    run = fleet(project, "deploy", tenants_file(tmp_path, mysql_fleet, names), "--json", "--jobs", "3", "--lock", lock)
    assert run.exit_code == 0, run.err
    rows = mysql_fleet.sql(trace, "SELECT db, at FROM trace ORDER BY at")
    spans: dict[str, list[object]] = {}
    for db, at in rows:
        spans.setdefault(db, []).append(at)
    events = sorted([(s[0], 1) for s in spans.values()] + [(s[1], -1) for s in spans.values()])
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    assert expected[0] <= most <= expected[1]


def test_a_killed_run_on_mariadb(tmp_path: Path, mysql_fleet: MysqlFleet, fleet: Callable[..., Run]) -> None:
    """MariaDB's DDL is not transactional: a migration killed while one of its statements ran is
    not resumed blindly. The second run finishes every other target and reports that one as
    failed (P3009, naming the statement that may or may not have run), as migrate deploy does."""
    scripts = [f"DO SLEEP(0.15);\n{s}" for s in SCRIPTS["mysql"]]
    project = write_project(tmp_path / "app", "mysql", scripts)
    migrations = migration_names(project)
    names = mysql_fleet.names(10)
    targets = tenants_file(tmp_path, mysql_fleet, names)
    proc = fleet_process(project, "deploy", targets, "--jobs", "2", "-q")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill once a target is done (its last migration's index exists)
        done = mysql_fleet.sql(
            None,
            "SELECT COUNT(DISTINCT table_schema) FROM information_schema.statistics"
            " WHERE index_name = 'Account_email_key' AND table_schema LIKE %s",
            (mysql_fleet.prefix.replace("_", "\\_") + "\\_%",),
        )[0][0]
        if done >= 1:
            break
        assert proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # the server notices the dead sessions (and frees the lock)
    complete = {n for n in names if mysql_fleet.exists(n) and [r[1] for r in mysql_fleet.history(n)] == [1] * len(migrations)}
    assert len(complete) < len(names)  # it was stopped part way
    run = fleet(project, "deploy", targets, "--json", "--jobs", "3")
    assert run.exit_code in (0, 5), run.err
    for target in run.report["targets"]:
        if target["name"] in complete:
            assert target["state"] == "up_to_date" and target["applied_now"] == []
        elif target["state"] == "failed":
            assert target["error"]["code"] == "P3009"
            assert "may or may not have been applied" in target["error"]["message"]
            assert any(r[1] == 0 and r[3] is None for r in mysql_fleet.history(target["name"]))
        else:
            assert target["state"] == "up_to_date"
            assert [r[0] for r in mysql_fleet.history(target["name"]) if r[1]] == migrations


def test_a_failing_canary_on_mariadb_then_a_second_run_takes_only_what_is_left(
    tmp_path: Path, mysql_fleet: MysqlFleet, fleet: Callable[..., Run]
) -> None:
    """The canary's second database fails: the run stops, the databases after it are not even
    created. Once the failure is dealt with, a second run takes only the failed and pending
    targets: the first one, up to date, is not written to."""
    project = write_project(tmp_path / "app", "mysql")
    migrations = migration_names(project)
    names = mysql_fleet.names(5)
    mysql_fleet.sql(None, f"CREATE DATABASE `{names[1]}`")
    mysql_fleet.sql(names[1], "CREATE TABLE `Account` (id INT)")  # the first migration's table is in the way
    mysql_fleet.sql(names[1], "CREATE TABLE `keep` (id INT)")  # not empty: needs a history table to be deployed
    with connect(mysql_fleet.url(names[1])) as conn:
        History(conn).ensure()
    targets = tenants_file(tmp_path, mysql_fleet, names)

    run = fleet(project, "deploy", targets, "--json", "--canary", "2", "--jobs", "4")

    assert run.exit_code == 5
    assert [t["state"] for t in run.report["targets"]] == ["up_to_date", "failed", "skipped", "skipped", "skipped"]
    assert run.report["targets"][1]["error"]["code"] == "P3018" and "canary" in run.report["stopped"]
    assert not any(mysql_fleet.exists(n) for n in names[2:])  # untouched: not even created
    first_rows = mysql_fleet.history(names[0])

    mysql_fleet.sql(names[1], "DROP TABLE `Account`")
    resolved = single_database_cli(project, mysql_fleet.url(names[1]), "migrate", "resolve", "--rolled-back", migrations[0])
    assert resolved.returncode == 0, resolved.stderr
    again = fleet(project, "deploy", targets, "--json", "--canary", "2", "--jobs", "4")

    assert again.exit_code == 0, again.err
    assert [len(t["applied_now"]) for t in again.report["targets"]] == [0, 3, 3, 3, 3]
    assert mysql_fleet.history(names[0]) == first_rows  # the up-to-date target was not written to
    assert [r[0] for r in mysql_fleet.history(names[1]) if r[1]] == migrations


def test_exit_codes_and_no_password_on_mariadb(tmp_path: Path, mysql_fleet: MysqlFleet, fleet: Callable[..., Run]) -> None:
    """A target refused by the server (wrong password) is an error (exit 5) whose message, like the
    table, the JSON and the progress lines, never shows the password; the others deploy."""
    project = write_project(tmp_path / "app", "mysql")
    good, other = mysql_fleet.names(2)
    secret = "pw-Mq72-secret"
    admin = mysql_fleet.url(good)
    bad = admin.replace("://", f"://schemashift_nobody:{secret}@", 1) if "@" not in admin else admin.replace("@", f":{secret}@", 1)
    path = tmp_path / "targets.toml"
    path.write_text(f'urls = ["{admin}", {{ name = "refused", url = "{bad.rsplit("/", 1)[0]}/{other}" }}]\n')
    for args in (("--json",), ()):
        run = fleet(project, "deploy", path, *args)
        assert run.exit_code == 5, run.err
        assert secret not in run.out + run.err
    report = fleet(project, "status", path, "--json")
    assert report.exit_code == 5 and secret not in report.out + report.err
    assert report.states()["refused"] == "error" and report.report["targets"][1]["error"]["code"] in ("P1000", "P1010")
    assert "****" in report.report["targets"][1]["url"]
    assert report.report["targets"][0]["state"] == "up_to_date"
    assert not mysql_fleet.exists(other)
