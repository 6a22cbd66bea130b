"""What a fleet command does on one target, built from the single-database workflow.

Each call uses one connection (:meth:`MigrateProject.connect`, with the project's timeouts, or one
kept from an earlier target of the same database or server: :mod:`.sessions`), works, gives it back, and
returns a :class:`TargetResult`; every error of the target becomes its result (a failure of one
target never stops the process). Where the fleet stands is read from each target's
``_prisma_migrations`` table, the same history ``migrate status`` reads: there is no local state
file, so a second run (or another machine) sees what the first one left, including what a killed
run left.

- :func:`deploy_target`: reads the history; a target with nothing to apply is done without taking
  the migration lock; otherwise, once the runner's gate lets it change, its missing database or
  schema is created, then (under the lock: see :mod:`.locks`) the optional backup, then
  :func:`~schemashift.migrations.apply.apply_migrations` (``migrate deploy``'s apply, with its
  atomicity, resumption and P3009/P3018 rules; scripts planned once for the fleet, the history not
  read again when it was read under the lock the fleet holds). The report's history after it is
  the one read before plus what apply applied; read again only after a failure.
- :func:`inspect_target`: ``status`` (the history, :func:`~schemashift.migrations.status.diagnose`)
  and, for ``check``, the drift: the live schema against what its applied migrations produce (a
  shadow database, once per distinct history, as ``migrate dev`` does).
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseDoesNotExist
from schemashift.connectors.url import ConnectionUrl
from schemashift.errors import SchemashiftError, redact
from schemashift.fleet.locks import ScopeLocks, target_key
from schemashift.fleet.project import FleetProject
from schemashift.fleet.report import TargetResult
from schemashift.fleet.sessions import Sessions
from schemashift.fleet.targets import Target
from schemashift.migrations.apply import KnownHistory
from schemashift.migrations.history import History
from schemashift.migrations.status import HistoryStatus, diagnose

Log = Callable[[Target, str], None]
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")
#: Error codes of a migration that failed (now: P3018, or in an earlier run: P3009).
_MIGRATION_FAILURES = {"P3018", "P3009"}


@dataclass(frozen=True)
class DeployOptions:
    backup_dir: Path | None = None
    #: "run": the fleet holds each scope's migration lock (see locks.py); "target": each target's own
    lock: str = "run"
    lock_timeout: float | None = None
    wait: float | None = None
    #: apply contract migrations too (``fleet deploy --contract``); without it a target stops
    #: before its first pending contract migration, as ``migrate deploy`` does
    contract: bool = False


class Targets:
    """Turns targets into projects: parses their URLs (relative SQLite paths from the targets
    file's folder), checks the provider, and refuses a target seen before in this run (two names
    for the same tables must not deploy in parallel). Thread-safe; keeps one key per target."""

    def __init__(self, fleet: FleetProject, keep_sessions: int = 4) -> None:
        self.fleet = fleet
        self._seen: dict[tuple[object, ...], tuple[int, str]] = {}
        self._lock = threading.Lock()
        #: connections kept for the next target of the same database (see :mod:`.sessions`)
        self.sessions = Sessions(keep_sessions)

    def close(self) -> None:
        """Close the connections kept between targets (at the end of the run)."""
        self.sessions.close()

    def claim(self, target: Target) -> ConnectionUrl:
        url = self.fleet.parse(target.url)
        if url.provider != self.fleet.provider:
            raise SchemashiftError(
                f"This target is a {url.provider} database; the schema's datasource is {self.fleet.provider}."
            )
        key = target_key(url)
        with self._lock:
            index, name = self._seen.setdefault(key, (target.index, target.name))
        if index != target.index:
            raise SchemashiftError(f"Not attempted: the same database as the target `{name}` (listed twice).")
        return url


def _start(target: Target, total: int) -> TargetResult:
    return TargetResult(target.index, target.name, target.shown_url, "error", total=total)


def _set_status(result: TargetResult, st: HistoryStatus, contracts: frozenset[str] = frozenset()) -> None:
    result.at = st.applied[-1] if st.applied else None
    result.applied = len(st.applied)
    result.total = len(st.local)
    result.failed = tuple(r.migration_name for r in st.failed)
    result.edited = st.edited
    result.unknown = st.unknown
    if st.failed:
        result.state = "failed"
    elif st.edited or st.unknown:
        result.state = "diverged"
    elif st.pending and st.pending[0] in contracts:
        result.state = "held"  # up to date as far as deploy goes without --contract
        result.held = st.pending
    elif st.pending:
        result.state = "pending"
    else:
        result.state = "up_to_date"


def _set_error(result: TargetResult, exc: SchemashiftError) -> None:
    result.state = "failed" if exc.code in _MIGRATION_FAILURES else "error"
    result.code = exc.code
    result.error = redact(exc.message)


def _history(conn: Connector, fleet: FleetProject) -> HistoryStatus:
    """The target's history against the folder."""
    return _read(conn, fleet)[0]


def _read(conn: Connector, fleet: FleetProject) -> tuple[HistoryStatus, KnownHistory]:
    """The target's history against the folder, and as read (for an apply under the same lock)."""
    history = History(conn)
    exists = history.exists()
    rows = history.rows(exists=exists)
    return diagnose(fleet.local, rows, table_exists=exists), KnownHistory(exists, tuple(rows))


def _after(before: HistoryStatus, applied_now: list[str]) -> HistoryStatus:
    """The history once ``applied_now`` succeeded (every pending migration and every failed one it
    resumed: apply stops at the first failure), without reading it again."""
    done = set(before.applied).union(applied_now)
    return dataclasses.replace(
        before,
        applied=tuple(name for name in before.local if name in done),
        pending=tuple(name for name in before.pending if name not in done),
        failed=tuple(r for r in before.failed if r.migration_name not in done),
        history_table_exists=True,
    )


def backup_folder(root: Path, target: Target) -> Path:
    """``root/<target name>``: one folder, and one manifest, per target. A name with characters
    other than letters, digits, ``_.-`` has them replaced by ``_`` and gets ``-<index>`` appended
    (two such names must not share a folder)."""
    slug = _SLUG.sub("_", target.name).strip("._")
    return root / (slug if slug == target.name else f"{slug or 'target'}-{target.index}")


def deploy_target(
    targets: Targets, target: Target, gate: Callable[[], bool], options: DeployOptions, locks: ScopeLocks | None, log: Log
) -> TargetResult | None:
    """Deploy one target; None when ``gate()`` said not now (the canary is full, the run stops).
    Nothing is created or written before the gate says yes: a database (MySQL) or schema
    (PostgreSQL) that does not exist yet is created only then."""
    fleet = targets.fleet
    started = time.perf_counter()
    result = _start(target, len(fleet.local))
    try:
        url = targets.claim(target)
        mp = fleet.for_target(url)
        sessions = targets.sessions

        def on_log(message: str) -> None:
            log(target, message)

        with sessions.connect_existing(mp, log=on_log, wait=options.wait, lock_timeout=options.lock_timeout) as conn:
            if conn is not None and not _deploy_on(conn, targets, target, url, gate, options, locks, log, result):
                return None
        if conn is None:  # no database yet: every migration is pending
            if not gate():
                return None
            with sessions.connect(mp, create=True, log=on_log, wait=options.wait, lock_timeout=options.lock_timeout) as conn:
                _deploy_on(conn, targets, target, url, lambda: True, options, locks, log, result)
    except SchemashiftError as exc:
        _set_error(result, exc)
    result.seconds = time.perf_counter() - started
    return result


def _deploy_on(
    conn: Connector,
    targets: Targets,
    target: Target,
    url: ConnectionUrl,
    gate: Callable[[], bool],
    options: DeployOptions,
    locks: ScopeLocks | None,
    log: Log,
    result: TargetResult,
) -> bool:
    """The target's deploy on ``conn``; False when ``gate()`` said not now."""
    fleet = targets.fleet
    # the fleet holds a lock wider than the target (database, server) once for all of its targets
    scope = conn.lock_scope if options.lock == "run" and locks is not None else None
    # when it holds it already, the history is read under it, and apply needs not read it again
    under = locks.hold(scope, url) if locks is not None and scope is not None and locks.held(scope) else None
    with under or nullcontext():
        before, known = _read(conn, fleet)
        _set_status(result, before, fleet.contracts)
        if not (before.pending or before.failed) or (result.state == "held" and not options.contract):  # nothing to apply: no lock needed
            return True
        if not gate():
            return False
        if not before.history_table_exists:
            conn.ensure_namespace()  # a PostgreSQL schema not created yet
        held: AbstractContextManager[None] = nullcontext()
        if under is None and locks is not None and scope is not None:
            held = locks.hold(scope, url)
        with held:
            _apply(
                conn, fleet, target, url, before, result, options, log,
                own_lock=scope is None, known=known if under is not None else None,
            )
    return True


def _apply(
    conn: Connector,
    fleet: FleetProject,
    target: Target,
    url: ConnectionUrl,
    before: HistoryStatus,
    result: TargetResult,
    options: DeployOptions,
    log: Log,
    *,
    own_lock: bool,
    known: KnownHistory | None = None,
) -> None:
    """``own_lock``: apply takes the target's migration lock itself (else the fleet holds it).
    ``known``: the history as read under the lock the fleet holds (apply does not read it again)."""
    from schemashift.migrations.apply import apply_migrations

    if options.backup_dir is not None and before.history_table_exists and before.pending:
        from schemashift.backup import create_backup  # migrate deploy --backup's rule

        folder = backup_folder(options.backup_dir, target)
        entry = create_backup(url, folder, label="before_deploy", migration=before.applied[-1] if before.applied else None)
        result.backup = str(folder / entry.file)
    failure: SchemashiftError | None = None
    after: HistoryStatus | None = None
    try:
        applied = apply_migrations(
            conn, fleet.local, log=lambda m: _resumed(target, m, log), lock=own_lock,
            planner=fleet.planner(conn.dialect), known=known, contract=options.contract,
        )
        after = _after(before, applied.applied)
    except SchemashiftError as exc:
        failure = exc
        try:
            after = _history(conn, fleet)
        except SchemashiftError:  # the failure broke the connection: the report keeps what was read before
            after = None
    if after is not None:
        done = set(before.applied)
        result.applied_now = tuple(name for name in after.applied if name not in done)
        _set_status(result, after, fleet.contracts)
    if failure is not None:
        _set_error(result, failure)
        if result.backup:
            result.error = f"{result.error}\nThe backup taken before this deploy is {result.backup}."


def _resumed(target: Target, message: str, log: Log) -> None:
    """apply's lines: "Resuming migration ..." is news; "Applying migration ..." is in the report."""
    if not message.startswith("Applying migration"):
        log(target, message)


def inspect_target(targets: Targets, target: Target, *, drift: bool) -> TargetResult:
    """``fleet status`` (history only) or ``fleet check`` (``drift``: and the schema)."""
    fleet = targets.fleet
    started = time.perf_counter()
    result = _start(target, len(fleet.local))
    try:
        url = targets.claim(target)
        mp = fleet.for_target(url)
        try:
            if url.path is not None and not url.path.is_file():  # opening a SQLite file creates it
                raise DatabaseDoesNotExist(f"Database {url.path.name} does not exist at {url.path}")
            with targets.sessions.connect(mp) as conn:  # only connecting raises DatabaseDoesNotExist
                st = _history(conn, fleet)
                _set_status(result, st, fleet.contracts)
                if drift and result.state in ("up_to_date", "held", "pending"):
                    _check_drift(conn, fleet, url, st, result)
        except DatabaseDoesNotExist as exc:  # nothing applied yet: deploy creates it
            result.state, result.code, result.error = "pending", exc.code, exc.message
    except SchemashiftError as exc:
        _set_error(result, exc)
    result.seconds = time.perf_counter() - started
    return result


def _check_drift(conn: Connector, fleet: FleetProject, url: ConnectionUrl, st: HistoryStatus, result: TargetResult) -> None:
    from schemashift.migrations import engine

    expected = fleet.end_state(st.applied, url)
    steps = engine.diff(expected, engine.describe(conn), conn.dialect)
    if steps:
        result.state = "drifted"
        result.drift = engine.summary(steps).strip()
