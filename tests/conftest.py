"""Project-wide test fixtures: throwaway databases for every provider.

- ``sqlite_url``: ``file:/abs/tmp/path/test.db`` (the file does not exist yet)
- ``postgres_url``: ``postgresql://…/<fresh db>?schema=public``, dropped afterwards
- ``mysql_url``: ``mysql://…/<fresh db>``, dropped afterwards (in the background: every drop has
  finished, or is reported as failed, when the session ends)
- ``provider`` + ``db_url``: parametrized over sqlite / postgresql / mysql (test ids are the
  provider names); ``provider`` is the datasource provider matching ``db_url``
- ``sqlite_db``, ``postgresql_db``, ``mysql_db``: one open connection to a throwaway database per
  test module (property tests reset it between examples)
- ``missing_db_url``: like ``db_url``, but the database does not exist yet
- ``run_cli(*args)``: runs ``schemashift`` in-process, returns ``CliResult(exit_code, out, err)``
- every test gets ``os.environ`` restored afterwards (commands load ``.env`` files into it)

Without a configured server (see ``tests/dbutil.py``) the server tests are skipped, unless
``SCHEMASHIFT_REQUIRE_SERVERS=1``: then they fail. Tests that use a server get the
``postgres`` / ``mysql`` marker automatically (``-m "not mysql"`` deselects them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import dbutil

# Generation speed is not what the property tests check: on a loaded 2-core machine (CI runs the
# suite beside its servers) Hypothesis' too_slow health check fails a test whose properties hold.
# Example counts and deadlines stay as each test sets them.
settings.register_profile("schemashift", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("schemashift")

pytest_plugins = ("pytester",)

_MARKER = {"postgresql": "postgres", "mysql": "mysql"}
_FIXTURE = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}


class _BackgroundDrops:
    """Drops run on a small thread pool so a test does not wait for them (DROP DATABASE waits
    for a checkpoint on a busy server); the session waits for all of them before it ends."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[tuple[str, Future[None]]] = []

    def submit(self, drop: Callable[[str, str], None], admin: str, name: str) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sstest-drop")
        self._pending.append((name, self._pool.submit(drop, admin, name)))

    def wait(self) -> list[str]:
        """Finish every drop; return the failures."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        failures = [f"{name}: {future.exception()}" for name, future in self._pending if future.exception()]
        self._pool, self._pending = None, []
        return failures


_DROPS = _BackgroundDrops()


def pytest_sessionfinish(session: pytest.Session) -> None:
    failures = _DROPS.wait()
    if failures:
        session.config.get_terminal_writer().line(
            "could not drop test database(s):\n  " + "\n  ".join(failures), red=True
        )


def _server_database(provider: str) -> Iterator[str]:
    admin = dbutil.admin_url_or_skip(provider)
    if provider == "postgresql":
        create, drop = dbutil.postgres_create, dbutil.postgres_drop
    else:
        create, drop = dbutil.mysql_create, dbutil.mysql_drop
    name = dbutil.unique_db_name()
    try:
        url = create(admin, name)
    except dbutil.ServerUnavailable as exc:
        pytest.fail(f"{exc} ({dbutil.SERVER_ENV[provider]} is set)", pytrace=False)
    try:
        yield url
    finally:
        _DROPS.submit(drop, admin, name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"file:{tmp_path / 'test.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _server_database("postgresql")


@pytest.fixture
def mysql_url() -> Iterator[str]:
    yield from _server_database("mysql")


@pytest.fixture(
    params=[
        pytest.param(p, id=p, marks=[getattr(pytest.mark, _MARKER[p])] if p in _MARKER else [])
        for p in dbutil.PROVIDERS
    ]
)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(provider: str, request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(_FIXTURE[provider]))


@pytest.fixture
def missing_db_url(provider: str, tmp_path: Path) -> Iterator[str]:
    """A ``db_url`` whose database does not exist yet (SQLite: in a folder that does not exist
    either); dropped afterwards if the test created it."""
    if provider == "sqlite":
        yield f"file:{tmp_path / 'data' / 'app.db'}"
        return
    admin, name = dbutil.admin_url_or_skip(provider), dbutil.unique_db_name()
    yield dbutil.with_database(admin, name)
    _DROPS.submit(dbutil.postgres_drop if provider == "postgresql" else dbutil.mysql_drop, admin, name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "postgres_url" in names:
            item.add_marker(pytest.mark.postgres)
        if "mysql_url" in names:
            item.add_marker(pytest.mark.mysql)


@pytest.fixture(autouse=True)
def _restore_environ() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """``run_cli("validate", "--schema", path)``: the CLI in-process, in the current directory."""
    from schemashift.cli import run

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        code = run(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


# ---------------------------------------------------------------- module-scoped connections


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from schemashift.connectors import connect

    with connect(f"file:{tmp_path_factory.mktemp('moduledb') / 'module.db'}") as conn:
        yield conn


@pytest.fixture(scope="module")
def postgresql_db() -> Iterator[object]:
    from schemashift.connectors import connect

    admin = dbutil.admin_url_or_skip("postgresql")
    with dbutil.postgres_database(admin) as url, connect(url) as conn:
        yield conn


@pytest.fixture(scope="module")
def mysql_db() -> Iterator[object]:
    from schemashift.connectors import connect

    admin = dbutil.admin_url_or_skip("mysql")
    with dbutil.mysql_database(admin) as url, connect(url) as conn:
        yield conn
