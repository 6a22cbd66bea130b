"""The targets file: each form against real databases, env() and ${VAR} indirection, and the
errors of a wrong file (exit 1, the file and the key named, no traceback)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fleetutil import PgFleet, Run, write_project
from schemashift.fleet.targets import TargetsFileError, load_targets, namespace_url


def test_urls_form_with_names(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    a, b = pg_fleet.create("alpha", "beta")
    targets = tmp_path / "targets.toml"
    targets.write_text(f'urls = [{{ name = "eu", url = "{pg_fleet.schema_url(a)}" }}, "{pg_fleet.schema_url(b)}"]\n')
    run = fleet(project, "deploy", targets, "--json")
    assert run.exit_code == 0, run.err
    assert [t["name"] for t in run.report["targets"]] == ["eu", f"{pg_fleet.url.split('@')[1].split('/')[0]}/{pg_fleet.url.rsplit('/', 1)[1]}?schema=beta"]
    for schema in (a, b):
        assert [row[0] for row in pg_fleet.history(schema)] == [t for t in run.report["targets"][0]["applied_now"]]
        assert "Account" in pg_fleet.tables(schema)


def test_tenants_form_with_a_secret_from_the_environment(
    tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``${VAR}`` in the URL (trust authentication ignores the password, which must never be printed)."""
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("acme", "globex")
    secret = "s3cr3t-Fleet-pw"
    monkeypatch.setenv("FLEET_TEST_PASSWORD", secret)
    user_host = pg_fleet.url.split("://", 1)[1]
    user, rest = user_host.split("@", 1)
    targets = tmp_path / "targets.toml"
    targets.write_text(f'url = "postgresql://{user}:${{FLEET_TEST_PASSWORD}}@{rest}?schema={{tenant}}"\ntenants = ["acme", "globex"]\n')
    for command in ("deploy", "status", "check"):
        run = fleet(project, command, targets, "--json")
        assert run.exit_code == 0, run.err
        assert run.states() == {"acme": "up_to_date", "globex": "up_to_date"}
        assert secret not in run.out + run.err
        assert all(":****@" in t["url"] for t in run.report["targets"])
        text = fleet(project, command, targets)
        assert secret not in text.out + text.err


def test_env_call_form_gives_the_whole_url(
    tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("solo")
    monkeypatch.setenv("FLEET_SOLO_URL", pg_fleet.schema_url("solo"))
    targets = tmp_path / "targets.toml"
    targets.write_text("urls = [{ name = \"solo\", url = 'env(\"FLEET_SOLO_URL\")' }]\n")
    run = fleet(project, "deploy", targets, "--json")
    assert run.exit_code == 0, run.err
    assert run.states() == {"solo": "up_to_date"}


def test_query_form_rows_are_names_or_urls(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    """The query runs on a control schema; a name becomes ?schema=NAME, a URL is taken as it is."""
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("t_one", "t_two", "t_off")
    pg_fleet.sql("CREATE TABLE public.tenants (name TEXT, active BOOLEAN)")
    pg_fleet.sql(
        "INSERT INTO public.tenants VALUES ('t_one', true), (%s, true), ('t_off', false)", (pg_fleet.schema_url("t_two"),)
    )
    targets = tmp_path / "targets.toml"
    targets.write_text(f'url = "{pg_fleet.url}"\nquery = "SELECT name FROM public.tenants WHERE active ORDER BY name"\n')
    run = fleet(project, "deploy", targets, "--json")
    assert run.exit_code == 0, run.err
    assert len(run.report["targets"]) == 2
    assert run.report["targets"][1]["name"] == "t_one"
    assert "schema=t_two" in run.report["targets"][0]["url"]
    assert pg_fleet.history("t_off") == []
    assert len(pg_fleet.history("t_one")) == len(pg_fleet.history("t_two")) == 3


def test_schemas_form_takes_every_matching_schema(tmp_path: Path, pg_fleet: PgFleet, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    pg_fleet.create("tenant_a", "tenant_b", "tenantc", "other")
    targets = tmp_path / "targets.toml"
    targets.write_text(f'url = "{pg_fleet.url}"\nschemas = "tenant\\\\_%"\n')
    run = fleet(project, "deploy", targets, "--json")
    assert run.exit_code == 0, run.err
    assert [t["name"] for t in run.report["targets"]] == ["tenant_a", "tenant_b"]  # `_` escaped: not tenantc
    assert pg_fleet.history("other") == [] and pg_fleet.history("tenantc") == []


def test_sqlite_files_relative_to_the_targets_file(tmp_path: Path, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "sqlite")
    (tmp_path / "fleet" / "data").mkdir(parents=True)
    targets = tmp_path / "fleet" / "targets.toml"
    targets.write_text('url = "file:./data/{tenant}.db"\ntenants = ["a", "b", "c"]\n')
    run = fleet(project, "deploy", targets, "--json", "--jobs", "3")
    assert run.exit_code == 0, run.err
    assert set(run.states().values()) == {"up_to_date"}
    assert sorted(p.name for p in (tmp_path / "fleet" / "data").glob("*.db")) == ["a.db", "b.db", "c.db"]
    assert fleet(project, "status", targets).exit_code == 0


def test_namespace_url_keeps_the_other_parameters() -> None:
    url = namespace_url("postgresql://u:p%40ss@h:5432/app?sslmode=disable&schema=public", "tenant 1")
    assert url.startswith("postgresql://u:p%40ss@h:5432/app?")
    assert "sslmode=disable" in url and "schema=tenant%201" in url
    assert namespace_url("mysql://root@h:3306/mysql", "t1") == "mysql://root@h:3306/t1"
    assert namespace_url("postgresql://h/{tenant}", "a/b") == "postgresql://h/a%2Fb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is = not toml [", "is not valid TOML"),
        ('urls = ["postgresql://h/a"]\ntenants = ["a"]\nurl = "postgresql://h/{tenant}"', "exactly one of `urls`, `tenants`, `query`, `schemas` (found `urls`, `tenants`)"),
        ("jobs = 3", "exactly one of"),
        ('urls = ["postgresql://h/a"]\nschema = "x"', "unknown key `schema`"),
        ('url = "postgresql://h/app"\ntenants = ["a"]', "`url` must contain `{tenant}`"),
        ('url = "postgresql://h/{tenant}"\ntenants = ["a", "a"]', "`tenants[1]` repeats `a`"),
        ('url = "postgresql://h/{tenant}"\ntenants = []', "`tenants` must be a non-empty list"),
        ('url = "postgresql://u:${FLEET_UNSET_VAR_X}@h/{tenant}"\ntenants = ["a"]', "environment variable `FLEET_UNSET_VAR_X`, which is not set"),
        ('url = "oracle://h/{tenant}"\ntenants = ["a"]', "`url` is not a valid database URL"),
        ('urls = ["postgresql://h/a", { url = "postgresql://h/b", port = 1 }]', "`urls[1]` has unknown key(s) port"),
        ('url = "postgresql://h/{tenant}"\nquery = "SELECT 1"', "give it `query_url`"),
        ('url = "postgresql://h/{tenant}"\nschemas = "t%"', "cannot contain `{tenant}`"),
    ],
)
def test_wrong_targets_files(tmp_path: Path, text: str, expected: str) -> None:
    targets = tmp_path / "targets.toml"
    targets.write_text(text)
    with pytest.raises(TargetsFileError) as info:
        load_targets(targets, env={})
    assert expected in info.value.message
    assert str(targets) in info.value.message


def test_cli_errors_exit_1_without_traceback(tmp_path: Path, fleet: Callable[..., Run]) -> None:
    project = write_project(tmp_path / "app", "postgresql")
    missing = fleet(project, "status", tmp_path / "nope.toml")
    assert missing.exit_code == 1 and "does not exist" in missing.err and "Traceback" not in missing.err
    bad = tmp_path / "bad.toml"
    bad.write_text('url = "postgresql://u:hunter2@h/{tenant}"\ntenants = "a"\n')
    run = fleet(project, "deploy", bad)
    assert run.exit_code == 1 and "`tenants` must be a non-empty list of strings" in run.err
    assert "hunter2" not in run.err + run.out
    mysql = tmp_path / "mysql.toml"
    mysql.write_text('url = "mysql://root@127.0.0.1:1/{tenant}"\ntenants = ["a"]\n')
    run = fleet(project, "status", mysql)
    assert run.exit_code == 1 and "are mysql databases, but the datasource" in run.err
    usage = fleet(project, "deploy", bad, "--jobs", "0")
    assert usage.exit_code == 2
