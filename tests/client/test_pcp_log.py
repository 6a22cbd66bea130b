"""prisma-client-py's ``Prisma(log_queries=True)``: each statement the client sends (SQL and its
parameters, never the URL or its password) is logged at INFO on the ``schemashift.query``
logger; a program that configured no logging sees ``prisma:query ...`` lines on stdout, as the
query engine printed them. Without ``log_queries`` nothing is logged at INFO."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from prisma_py_helpers import make_prisma, purge

SRC = Path(__file__).resolve().parents[2] / "src"


def _with_password(url: str) -> str:
    """The PostgreSQL URL with a password (the test server trusts local connections, so any works)."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user.split(':')[0]}:s3cr3t-pw@{host}"


@pytest.fixture
def package(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> Iterator[ModuleType]:
    url = _with_password(db_url) if provider == "postgresql" else db_url
    yield make_prisma(tmp_path, provider, url, run_cli, "sync")
    purge()


def test_log_queries_logs_each_statement(package: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    prisma = package
    logger = logging.getLogger("schemashift.query")
    level = logger.level
    logger.setLevel(logging.WARNING)  # as in an application: INFO is not on by itself
    try:
        with prisma.Prisma() as quiet:
            quiet.user.create({"name": "Quiet"})
        assert [r for r in caplog.records if r.name == "schemashift.query"] == []
        with prisma.Prisma(log_queries=True) as db:
            db.user.create({"name": "Robert"})
            found = db.user.find_many(where={"name": {"startswith": "Rob"}})
            with db.tx() as tx:
                tx.user.count()
    finally:
        logger.setLevel(level)
    assert [u.name for u in found] == ["Robert"]
    lines = [r.getMessage() for r in caplog.records if r.name == "schemashift.query" and r.levelno == logging.INFO]
    assert any(line.startswith("INSERT INTO") and "'Robert'" in line for line in lines), lines
    assert any(line.startswith("SELECT") and "'Rob%'" in line for line in lines), lines
    assert any("COUNT(" in line.upper() for line in lines), lines  # the transaction's queries too
    assert not any("Quiet" in line for line in lines)
    assert not any("s3cr3t" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
def test_log_queries_prints_without_logging_configured(package: ModuleType, tmp_path: Path) -> None:
    program = textwrap.dedent("""
        from prisma import Prisma

        with Prisma(log_queries=True) as db:
            db.user.create({"name": "Printed"})
            print("found", [u.name for u in db.user.find_many()])
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "gen"), str(SRC)])}
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout.splitlines()
    assert out[-1] == "found ['Printed']"
    assert any(line.startswith("prisma:query INSERT INTO") and "'Printed'" in line for line in out), out
    assert any(line.startswith("prisma:query SELECT") for line in out), out
