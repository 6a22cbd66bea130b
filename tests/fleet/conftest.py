"""Fixtures of the fleet tests: ``fleet`` (the CLI in-process), ``pg_fleet`` (schemas of one
throwaway database, dropped with it), ``mysql_fleet`` (MariaDB databases named with the test
prefix, every one dropped afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dbutil
from fleetutil import MysqlFleet, PgFleet, Run


@pytest.fixture
def fleet(run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """``fleet(project, "deploy", targets_file, *options)``: the CLI in-process, in ``project``."""
    monkeypatch.delenv("DATABASE_URL", raising=False)

    def invoke(project: Path, command: str, targets: Path, *options: str) -> Run:
        monkeypatch.chdir(project)
        result = run_cli("fleet", command, "--targets", str(targets), *options)
        return Run(result.exit_code, result.out, result.err)

    return invoke


@pytest.fixture
def pg_fleet() -> Iterator[PgFleet]:
    admin = dbutil.admin_url_or_skip("postgresql")
    name = dbutil.unique_db_name()
    try:
        url = dbutil.postgres_create(admin, name)
    except dbutil.ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield PgFleet(url.split("?", 1)[0])
    finally:
        dbutil.postgres_drop(admin, name)


@pytest.fixture
def mysql_fleet() -> Iterator[MysqlFleet]:
    admin = dbutil.admin_url_or_skip("mysql")
    prefix = f"{dbutil.PREFIX}{dbutil.worker_id()}_{uuid.uuid4().hex[:10]}"
    fleet = MysqlFleet(admin, prefix)
    try:
        yield fleet
    finally:
        for name in fleet.created:
            dbutil.mysql_drop(admin, name)

