"""Fault-injection suite: the seed, the tallies, and their summary.

Each test records one ``faults[<database>/<scenario>]: N injected, M survived`` line. The lines are
printed when the test ends (visible with ``-s``) and gathered from the reports (so also from xdist
workers) into a "fault injection summary" section at the end of the run when this folder is
given on the command line (``pytest tests/faults``). ``FAULTS_SEED=<n>`` replays a run: every test
derives its random kill points from it and prints it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest

import dbutil

from faultkit import Tally

_SEED = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(1, 10**9))
_LINES: list[str] = []


@pytest.fixture
def seed(request: pytest.FixtureRequest) -> int:
    """The session seed mixed with the test's id: each test has its own reproducible kill points."""
    return (_SEED * 1_000_003 + sum(map(ord, request.node.nodeid))) % 2**31


@pytest.fixture
def tally_for(request: pytest.FixtureRequest, seed: int) -> Iterator[object]:
    """``tally_for(provider, scenario)`` -> a Tally that is reported when the test ends."""
    made: list[Tally] = []

    def make(provider: str, scenario: str) -> Tally:
        t = Tally(provider, scenario, seed)
        made.append(t)
        return t

    yield make
    for t in made:
        line = f"{t.line()} [FAULTS_SEED={_SEED}]"
        print(f"\n{line}")
        request.node.user_properties.append(("faults", line))


_FAILED: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        _FAILED.add(report.nodeid)
    if report.when == "teardown":
        for key, value in report.user_properties:
            if key == "faults":
                _LINES.append(f"{value}{'  <- FAILED' if report.nodeid in _FAILED else ''}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _LINES:
        terminalreporter.section("fault injection summary")
        for line in sorted(_LINES):
            terminalreporter.write_line(line)


@pytest.fixture
def shadow_url(provider: str) -> Iterator[str | None]:
    """A shadow database of our own on the servers: a killed `migrate dev` or `rollback` cannot leave a
    temporary shadow database behind on the shared server."""
    if provider == "sqlite":
        yield None
        return
    admin = dbutil.admin_url_or_skip(provider)
    name = dbutil.unique_db_name()
    create, drop = (
        (dbutil.postgres_create, dbutil.postgres_drop) if provider == "postgresql" else (dbutil.mysql_create, dbutil.mysql_drop)
    )
    url = create(admin, name)
    try:
        yield url
    finally:
        drop(admin, name)
