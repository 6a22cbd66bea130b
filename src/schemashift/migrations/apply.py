"""Applying migrations (``migrate deploy`` and the apply half of ``migrate dev``).

Safety properties:
- The whole run holds the migration lock (Prisma's advisory lock key on PostgreSQL, ``GET_LOCK``
  on MySQL, an exclusive lock on SQLite), and the history is read *after* taking it, so concurrent
  deploys apply each migration exactly once.
- Each script is planned once by the connection's dialect (:mod:`schemashift.dialects.scripts`):
  split once, and run in one of three modes.
  ``TRANSACTION`` (PostgreSQL, SQLite): the history row, the script and the finishing update
  commit together, so a process killed at any point leaves the migration either applied and
  recorded, or not applied and not recorded. A script that fails is rolled back and then recorded
  as failed with its logs, as Prisma records it (P3018).
  ``STATEMENTS`` (every MySQL script, ``CREATE INDEX CONCURRENTLY``, ``-- schemashift:transaction
  off``): statement by statement, ``applied_steps_count`` updated after each.
  ``AS_WRITTEN`` (the script has its own ``BEGIN``/``COMMIT``): statement by statement as written.
- A failed migration blocks every later deploy (Prisma's P3009) until it is resolved, with one
  exception: a ``STATEMENTS`` migration whose failure left a known state is resumed at the
  statement that did not run, when its row is unresolved, its ``migration.sql`` is unchanged and
  its logs (written by schemashift) say which statement failed or was interrupted and that
  ``applied_steps_count`` statements ran. A row without such logs (the process was killed while a
  statement ran, or Prisma wrote it) is never resumed: P3009 says which statement is uncertain.
  Once resolved (``migrate resolve``), a migration is never resumed.
- Ctrl-C: the first SIGINT cancels the running statement on the server and stops at the next safe
  point; the attempt is recorded with logs saying so, and the command exits 130. A transactional
  migration is rolled back and recorded as rolled back (it is pending again); a ``STATEMENTS``
  migration can be resumed by the next deploy. A second Ctrl-C aborts at once.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemashift import progress
from schemashift.online import lock_retry
from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseError
from schemashift.dialects.scripts import RunMode, ScriptPlan
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.migrations.history import TABLE, History, HistoryRow, list_tables, now
from schemashift.migrations.interrupt import MigrationInterrupted, SigintGuard
from schemashift.migrations.status import diagnose

if TYPE_CHECKING:
    from schemashift.online.backfill import Backfill
    from schemashift.online.ptosc import OnlineCopy

Log = Callable[[str], None]
#: the statements of migration scripts as they are sent, at DEBUG (``schemashift --verbose``)
_QUERY_LOG = logging.getLogger("schemashift.query")

#: the first line of the logs schemashift writes when a STATEMENTS migration stops at a statement
#: that did not run: ``statement K of N failed`` / ``interrupted`` / ``not run``
_STOPPED_AT = re.compile(r"\Astatement (\d+) of (\d+) (?:failed|interrupted|not run)\b")


@dataclass
class ApplyResult:
    applied: list[str] = field(default_factory=list)
    #: seconds each applied migration took (script and history writes), by name
    durations: dict[str, float] = field(default_factory=dict)
    #: pending migrations not applied because the first of them is a contract migration
    #: (``-- schemashift:contract``) and ``contract`` was not given, in order
    held: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KnownHistory:
    """The history table as the caller read it under the migration lock the apply runs under
    (``fleet deploy``, whose lock session holds a database's lock for all of its targets)."""

    table_exists: bool
    rows: tuple[HistoryRow, ...]


class MigrationFailed(MigrationError):
    """P3018: a migration failed to apply; it is recorded as failed in the history."""

    def __init__(self, name: str, db_error: str, db_code: str | None) -> None:
        self.migration_name = name
        code_part = f"Database error code: {db_code}\n\n" if db_code else ""
        super().__init__(
            "A migration failed to apply. New migrations cannot be applied before the error is "
            "recovered from. Read more about how to resolve migration issues in a production "
            "database: https://pris.ly/d/migrate-resolve\n\n"
            f"Migration name: {name}\n\n{code_part}Database error:\n{db_error}",
            code="P3018",
        )


def resume_point(row: HistoryRow, m: Migration | None, plan: ScriptPlan | None) -> int | None:
    """The 0-based index of the statement a failed row can be resumed at, or None."""
    if m is None or plan is None or not plan.resumable or not m.matches_checksum(row.checksum):
        return None
    found = _STOPPED_AT.match(row.logs or "")
    if found is None:
        return None
    k, n = int(found.group(1)), int(found.group(2))
    if n != len(plan.statements) or k != row.applied_steps_count + 1:
        return None
    return row.applied_steps_count


def _why_not_resumed(row: HistoryRow, m: Migration | None, plan: ScriptPlan | None) -> str:
    if m is None:
        return "Its folder is missing from the local migrations directory."
    if not m.matches_checksum(row.checksum):
        return "Its migration.sql was edited after it failed, so it is not resumed."
    if plan is None:
        return ""
    n, done = len(plan.statements), row.applied_steps_count
    if plan.mode is RunMode.AS_WRITTEN:
        return (
            "The script manages its own transactions, so what it committed before it stopped stays "
            "applied: check the database."
        )
    if plan.mode is RunMode.STATEMENTS and row.logs is None:
        return (
            f"It stopped without a record of why (the process was killed?) after {done} of {n} "
            f"statements: statement {done + 1} may or may not have been applied. Check the database."
        )
    if plan.mode is RunMode.STATEMENTS:
        return f"{done} of its {n} statements were applied before it failed."
    return ""


def failed_migrations_error(
    rows: list[HistoryRow], by_name: dict[str, Migration] | None = None, planner: Callable[[Migration], ScriptPlan] | None = None
) -> MigrationError:
    lines = [
        "migrate found failed migrations in the target database, new migrations will not be "
        "applied. Read more about how to resolve migration issues in a production database: "
        "https://pris.ly/d/migrate-resolve"
    ]
    for r in rows:
        when = r.started_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        lines.append(f"The `{r.migration_name}` migration started at {when} UTC failed")
        if by_name is not None:
            m = by_name.get(r.migration_name)
            why = _why_not_resumed(r, m, planner(m) if m is not None and planner is not None else None)
            if why:
                lines.append(f"  {why}")
    lines.append(
        "Run `schemashift migrate resolve --rolled-back NAME` after reverting its effects, or "
        "`--applied NAME` after finishing it by hand."
    )
    return MigrationError("\n".join(lines), code="P3009")


def not_empty_error() -> MigrationError:
    """P3005: tables and no history; deploy does not apply migrations over a schema it did not make."""
    return MigrationError(
        "The database schema is not empty. Read more about how to baseline an existing "
        "production database: https://pris.ly/d/migrate-baseline",
        code="P3005",
    )


def _managed_tables(conn: Connector) -> list[str]:
    """The connection schema's tables, but Prisma 7's external ones (never migrated: no reason to baseline)."""
    external = conn.dialect.external
    tables = list_tables(conn)
    return [t for t in tables if not external.has_table(conn.schema_name, t)] if external else tables


def apply_migrations(
    conn: Connector,
    migrations: list[Migration],
    *,
    log: Log = lambda _m: None,
    baseline_check: bool = True,
    lock: bool = True,
    contract: bool = True,
    planner: Callable[[Migration], ScriptPlan] | None = None,
    known: KnownHistory | None = None,
) -> ApplyResult:
    """Apply every pending migration in order. Raises P3005/P3009/P3018 like Prisma.

    ``contract=False`` (``migrate deploy`` without ``--contract``): stop before the first
    contract migration (:mod:`schemashift.online.contract`); it and those after it are
    :attr:`ApplyResult.held`. A migration with the backfill placeholder is refused before anything runs.

    ``lock=False``: the caller already holds the migration lock that covers this connection's
    target, on another session (``fleet deploy`` holds each database's or server's lock once:
    see :mod:`schemashift.fleet.locks`); the history is still read only now, under it, unless
    the caller read it under that same lock and passes it as ``known``. ``planner``: a
    migration's plan by this connection's dialect (``fleet deploy`` plans each script once for
    all of its targets); by default each is planned once per call."""
    result = ApplyResult()
    history = History(conn)
    if planner is None:
        planner = _planner(conn)

    with conn.advisory_lock() if lock else nullcontext():
        if known is None:
            exists = history.exists()  # else rows() below would look for it a second time
            rows = history.rows(exists=True) if exists else []
        else:
            exists, rows = known.table_exists, list(known.rows)
        if not exists:
            if baseline_check and _managed_tables(conn):
                raise not_empty_error()
            history.ensure()
        status = diagnose(migrations, rows)
        by_name = {m.name: m for m in migrations}
        resume: dict[str, tuple[HistoryRow, int]] = {}
        for r in status.failed:
            m = by_name.get(r.migration_name)
            at = resume_point(r, m, planner(m) if m is not None else None)
            if at is None:
                raise failed_migrations_error(list(status.failed), by_name, planner)
            resume[r.migration_name] = (r, at)
        todo = [m for m in migrations if m.name in status.pending or m.name in resume]
        todo, result.held = _contract_gate(todo, contract)
        with SigintGuard(conn) as sigint, progress.task("Applying migrations", len(todo), "migrations") as bar:
            for m in todo:
                if sigint.requested:
                    done = f" after applying {', '.join(f'`{n}`' for n in result.applied)}" if result.applied else ""
                    raise MigrationInterrupted(
                        f"stopped{done}; `{m.name}` and the migrations after it were not started. Run "
                        "`schemashift migrate deploy` again to apply them."
                    )
                if m.name in resume:
                    row, at = resume[m.name]
                    log(f"Resuming migration `{m.name}` at statement {at + 1} of {len(planner(m).statements)}")
                else:
                    row, at = None, 0
                    log(f"Applying migration `{m.name}`")
                started = time.perf_counter()
                _Run(conn, history, m, planner(m), sigint, log).run(row, at)
                result.durations[m.name] = time.perf_counter() - started
                result.applied.append(m.name)
                bar.advance(1, m.name)
    return result


def _contract_gate(todo: list[Migration], contract: bool) -> tuple[list[Migration], list[str]]:
    """The migrations to run and those held before a contract migration; refuses placeholders."""
    from schemashift.online.contract import check_placeholders, is_contract

    held: list[str] = []
    if not contract:
        cut = next((i for i, m in enumerate(todo) if is_contract(m.sql)), len(todo))
        todo, held = todo[:cut], [m.name for m in todo[cut:]]
    check_placeholders([(m.name, m.sql) for m in todo])
    return todo, held


def _planner(conn: Connector) -> Callable[[Migration], ScriptPlan]:
    plans: dict[str, ScriptPlan] = {}

    def plan(m: Migration) -> ScriptPlan:
        if m.name not in plans:
            plans[m.name] = conn.dialect.plan_script(m.sql)
        return plans[m.name]

    return plan


def send_script(conn: Connector, plan: ScriptPlan) -> None:
    """A plan's statements: one round trip where the dialect sends a transactional script whole
    (PostgreSQL's simple query protocol, as Prisma does), else one statement at a time."""
    if plan.mode is RunMode.TRANSACTION and conn.dialect.sends_whole_scripts:
        _QUERY_LOG.debug("%s", plan.script)
        conn.execute_script(plan.script)
        return
    for stmt in plan.statements:
        _QUERY_LOG.debug("%s", stmt)
        conn.execute(stmt)


def execute_plan(conn: Connector, plan: ScriptPlan, then: Callable[[], None] | None = None) -> None:
    """Run a script as deploy runs it, without history (the shadow replay, rollback's down
    scripts); ``then`` (a history write) commits with it when the script runs in a transaction."""
    if plan.mode is RunMode.TRANSACTION:
        with conn.ddl_transaction():
            send_script(conn, plan)
            if then is not None:
                then()
        return
    try:
        send_script(conn, plan)
    except DatabaseError:
        conn.abort_open_transaction()
        raise
    if then is not None:
        then()


class _Run:
    """One migration's run in the mode its plan says."""

    def __init__(
        self, conn: Connector, history: History, m: Migration, plan: ScriptPlan, sigint: SigintGuard, log: Log = lambda _m: None
    ) -> None:
        self.conn, self.history, self.m, self.plan, self.sigint, self.log = conn, history, m, plan, sigint, log

    def run(self, row: HistoryRow | None, at: int) -> None:
        if self.plan.mode is RunMode.TRANSACTION:
            self._transaction()
        elif self.plan.mode is RunMode.STATEMENTS:
            self._statements(row, at)
        else:
            self._as_written()

    def _failed(self, exc: DatabaseError, extra: str = "") -> MigrationFailed:
        return MigrationFailed(self.m.name, exc.message + extra, exc.db_code)

    def _transaction(self) -> None:
        m, history, conn = self.m, self.history, self.conn
        try:
            if conn.dialect.sends_whole_scripts:  # PostgreSQL: row, script and update in one round trip, then COMMIT
                at = now()
                row_id, insert, values = history.start_statement(m.name, m.checksum, at)
                finish = history.finish_in_batch_statement(row_id, 1, at)
                conn.execute_atomically([(insert, values), (self.plan.script, None), finish])
            else:
                with conn.ddl_transaction():
                    row_id = history.start(m.name, m.checksum)
                    send_script(conn, self.plan)
                    history.finish(row_id, 1)
        except DatabaseError as exc:
            if self.sigint.requested:
                self.sigint.write(
                    lambda: history.record_abandoned(
                        m.name,
                        m.checksum,
                        "interrupted by the user (SIGINT): the migration's transaction was rolled back, "
                        "nothing of it was applied",
                    )
                )
                raise MigrationInterrupted(
                    f"the migration `{m.name}` was rolled back: nothing of it was applied (the attempt is "
                    f"recorded in {TABLE} as rolled back). Run `schemashift migrate deploy` again to apply it.",
                    m.name,
                ) from None
            row_id = history.start(m.name, m.checksum)
            history.fail(row_id, str(exc.message), 0)
            raise self._failed(exc) from None

    def _statements(self, row: HistoryRow | None, at: int) -> None:
        m, history, conn, sigint = self.m, self.history, self.conn, self.sigint
        stmts = self.plan.statements
        n = len(stmts)
        backfills = self._backfills()
        copies = self._online_copies(at)
        row_id = row.id if row is not None else history.start(m.name, m.checksum)
        if row is not None:  # a run that stopped at statement `at` may have left its index INVALID
            self._drop_leftover(stmts[at])
        for i in range(at, n):
            if sigint.requested:
                sigint.write(lambda: history.fail(row_id, f"statement {i + 1} of {n} not run: interrupted by the user (SIGINT)", i))
                raise self._interrupted(i, n)
            try:
                if i in backfills:  # batches, each committed with its progress; resumable
                    if not self._backfill(backfills[i], row_id, i, n, fresh=row is None or i != at):
                        sigint.write(lambda: history.fail(row_id, f"statement {i + 1} of {n} interrupted by the user (SIGINT): backfill stopped between batches, progress kept", i))
                        raise self._interrupted(i, n)
                    continue
                if i in copies:  # pt-online-schema-change; a killed run is cleaned and redone
                    self._online_copy(copies[i], row_id, i, n)
                    sigint.write(lambda: history.set_progress(row_id, i + 1))
                    continue
                lock_retry.execute(conn, stmts[i], before_retry=lambda: self._drop_leftover(stmts[i]))
            except DatabaseError as exc:
                if not sigint.requested:  # "not applied" means nothing left behind; after Ctrl-C the
                    self._drop_leftover(stmts[i])  # resumed deploy drops it (it could wait on a lock now)
                if sigint.requested:
                    sigint.write(
                        lambda: history.fail(
                            row_id,
                            f"statement {i + 1} of {n} interrupted by the user (SIGINT): cancelled, not applied\n"
                            f"{exc.message}",
                            i,
                        )
                    )
                    raise self._interrupted(i, n) from None
                history.fail(row_id, f"statement {i + 1} of {n} failed:\n{exc.message}", i)
                raise self._failed(exc, f"\n\nPlease check the query number {i + 1} from the migration file.") from None
            sigint.write(lambda: history.set_progress(row_id, i + 1))
        sigint.write(lambda: history.finish(row_id, n))

    def _backfills(self) -> dict[int, Backfill]:
        if not self.plan.backfills:
            return {}
        from schemashift.online.backfill import migration_backfills

        path = f"{self.m.path.name}/migration.sql"
        return migration_backfills(self.conn, self.m.name, path, self.plan.script, self.plan.statements, self.plan.backfills)

    def _backfill(self, backfill: Backfill, row_id: str, i: int, n: int, *, fresh: bool) -> bool:
        """``-- schemashift:backfill``: the row says "resumable at statement i" while it runs."""
        from schemashift.online.backfill import BackfillError, run_in_migration

        history = self.history
        try:
            return run_in_migration(
                backfill,
                fresh=fresh,
                stop=lambda: self.sigint.requested,
                started=lambda: history.fail(row_id, f"statement {i + 1} of {n} interrupted: batched backfill in progress (deploy continues it)", i),
                on_done=lambda: history.set_progress(row_id, i + 1),
            )
        except BackfillError as exc:  # its table has no primary key: resumable once one is added
            history.fail(row_id, f"statement {i + 1} of {n} failed:\n{exc.message}", i)
            raise

    def _online_copies(self, at: int) -> dict[int, OnlineCopy]:
        """The statements to run through pt-online-schema-change, checked before anything runs:
        a malformed directive or a missing tool stops the migration before its first statement."""
        if not self.plan.online_copies:
            return {}
        from schemashift.online import ptosc

        path = f"{self.m.path.name}/migration.sql"
        copies = {i: ptosc.check(self.plan.statements[i], f"{path} (statement {i + 1})") for i in self.plan.online_copies}
        pending = [c for i, c in copies.items() if i >= at]
        if pending and ptosc.tool() is None:
            raise ptosc.missing_tool(pending[0], path, self._estimated_rows(pending[0].table))
        return copies

    def _estimated_rows(self, table: str) -> int | None:
        row = self.conn.query_one(
            "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s", (table,)
        )
        return int(row[0]) if row is not None and row[0] is not None else None

    def _online_copy(self, copy: OnlineCopy, row_id: str, i: int, n: int) -> None:
        """``-- schemashift:online-copy``: the row says "resumable at statement i" while the tool
        runs, so a deploy killed meanwhile is resumed here, after removing the tool's leftovers."""
        from schemashift.online import ptosc

        path = f"{self.m.path.name}/migration.sql (statement {i + 1})"
        if ptosc.clean(self.conn, copy.table, self.log):  # the previous run's swap was done
            return
        self.history.fail(row_id, f"statement {i + 1} of {n} interrupted: online copy in progress (deploy continues it)", i)
        try:
            ptosc.run(self.conn, copy, self.log, where=path, rows=None)
        except ptosc.OnlineCopyError as exc:
            ptosc.clean(self.conn, copy.table, self.log)
            self.history.fail(row_id, f"statement {i + 1} of {n} failed:\n{exc}", i)
            raise

    def _drop_leftover(self, stmt: str) -> bool:
        """A failed or cancelled ``CREATE INDEX CONCURRENTLY`` leaves its index INVALID (and in the
        way of running the statement again): drop it, so the statement is truly not applied."""
        built = self.conn.dialect.index_built_concurrently(stmt)
        return built is not None and self.conn.drop_invalid_index(*built)

    def _interrupted(self, i: int, n: int) -> MigrationInterrupted:
        applied = f"statements 1 to {i} of {n} are applied" if i else f"none of its {n} statements was applied"
        return MigrationInterrupted(
            f"the migration `{self.m.name}` stopped before statement {i + 1}: {applied} (recorded in "
            f"{TABLE}). Run `schemashift migrate deploy` again to continue from statement {i + 1}.",
            self.m.name,
        )

    def _as_written(self) -> None:
        m, history, conn, sigint = self.m, self.history, self.conn, self.sigint
        stmts = self.plan.statements
        n = len(stmts)
        row_id = history.start(m.name, m.checksum)
        for i, stmt in enumerate(stmts):
            error: DatabaseError | None = None
            if not sigint.requested:
                try:
                    conn.execute(stmt)
                    continue
                except DatabaseError as exc:
                    error = exc
            conn.abort_open_transaction()  # leave no transaction the script opened
            if sigint.requested:
                sigint.write(
                    lambda: history.fail(
                        row_id,
                        f"interrupted by the user (SIGINT) at statement {i + 1} of {n}; the script manages its "
                        "own transactions: what it committed before stays applied",
                        0,
                    )
                )
                raise MigrationInterrupted(
                    f"the migration `{m.name}` stopped at statement {i + 1} of {n}. It manages its own "
                    "transactions: what it committed before that stays applied, its open transaction was "
                    f"rolled back. It is recorded as failed: check the database, then run `schemashift migrate "
                    f"resolve --rolled-back {m.name}` (after reverting what it did) or `--applied {m.name}`.",
                    m.name,
                ) from None
            assert error is not None
            history.fail(row_id, f"statement {i + 1} of {n} failed:\n{error.message}", 0)
            raise self._failed(error) from None
        history.finish(row_id, 1)


__all__ = [
    "ApplyResult",
    "KnownHistory",
    "MigrationFailed",
    "MigrationInterrupted",
    "apply_migrations",
    "execute_plan",
    "failed_migrations_error",
    "send_script",
    "resume_point",
]
