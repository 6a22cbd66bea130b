"""Applying migrations (``migrate deploy`` and the apply half of ``migrate dev``).

Safety properties:
- The whole run holds the migration lock (Prisma's advisory lock key on PostgreSQL, ``GET_LOCK``
  on MySQL, an exclusive lock on SQLite), and the history is read *after* taking it, so concurrent
  deploys apply each migration exactly once.
- Where DDL is transactional (PostgreSQL, SQLite) the history row, the script and the finishing
  update commit together: a process killed at any point leaves the migration either fully applied
  and recorded, or not applied and not recorded. A script that fails is rolled back and then
  recorded as failed, with its logs, as Prisma records it.
- A migration that cannot run in a transaction (``-- schemashift:transaction off`` on its first
  line, or statements such as ``CREATE INDEX CONCURRENTLY``), and every MySQL migration (MySQL
  commits DDL implicitly), runs statement by statement; ``applied_steps_count`` counts the
  statements that succeeded. A non-transactional migration that failed is resumed at the failed
  statement by the next deploy, provided its script is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import ConnectorError, DatabaseError
from schemashift.migrations import statements
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.migrations.history import TABLE, History, HistoryRow, list_tables
from schemashift.migrations.status import diagnose

Log = Callable[[str], None]


@dataclass
class ApplyResult:
    applied: list[str] = field(default_factory=list)


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


def failed_migrations_error(rows: list[HistoryRow]) -> MigrationError:
    lines = [
        "migrate found failed migrations in the target database, new migrations will not be "
        "applied. Read more about how to resolve migration issues in a production database: "
        "https://pris.ly/d/migrate-resolve"
    ]
    for r in rows:
        when = r.started_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        lines.append(f"The `{r.migration_name}` migration started at {when} UTC failed")
    lines.append(
        "Run `schemashift migrate resolve --rolled-back NAME` after reverting its effects, or "
        "`--applied NAME` after finishing it by hand."
    )
    return MigrationError("\n".join(lines), code="P3009")


def _resumable(conn: Connector, failed: list[HistoryRow], by_name: dict[str, Migration]) -> bool:
    """Failed rows that a deploy may resume: non-transactional, script unchanged."""
    for r in failed:
        m = by_name.get(r.migration_name)
        if m is None or not m.matches_checksum(r.checksum) or not _statementwise(conn, m):
            return False
    return True


def _statementwise(conn: Connector, m: Migration) -> bool:
    return conn.provider == "mysql" and statements.TRANSACTION_OFF.search(m.sql) is not None or (
        conn.provider != "mysql" and statements.needs_no_transaction(conn.provider, m.sql)
    )


def apply_migrations(
    conn: Connector,
    migrations: list[Migration],
    *,
    log: Log = lambda _m: None,
    baseline_check: bool = True,
) -> ApplyResult:
    """Apply every pending migration in order. Raises P3005/P3009/P3018 like Prisma."""
    result = ApplyResult()
    history = History(conn)
    with conn.advisory_lock():
        tables = list_tables(conn)
        if TABLE not in tables:
            if baseline_check and tables:
                raise MigrationError(
                    "The database schema is not empty. Read more about how to baseline an existing "
                    "production database: https://pris.ly/d/migrate-baseline",
                    code="P3005",
                )
            history.ensure()
        rows = history.rows()
        status = diagnose(migrations, rows)
        by_name = {m.name: m for m in migrations}
        resume: dict[str, HistoryRow] = {}
        if status.failed:
            if not _resumable(conn, list(status.failed), by_name):
                raise failed_migrations_error(list(status.failed))
            resume = {r.migration_name: r for r in status.failed}
        todo = [m for m in migrations if m.name in status.pending or m.name in resume]
        for m in todo:
            log(f"Applying migration `{m.name}`")
            _apply_one(conn, history, m, resume.get(m.name))
            result.applied.append(m.name)
    return result


def _apply_one(conn: Connector, history: History, m: Migration, resume: HistoryRow | None) -> None:
    if _statementwise(conn, m) or conn.provider == "mysql":
        _apply_statementwise(conn, history, m, resume)
        return
    if statements.controls_transactions(conn.provider, m.sql):
        _apply_self_managed(conn, history, m)
        return
    try:
        with conn.ddl_transaction():
            row_id = history.start(m.name, m.checksum)
            conn.execute_script(m.sql)
            history.finish(row_id, 1)
    except DatabaseError as exc:
        row_id = history.start(m.name, m.checksum)
        history.fail(row_id, str(exc.message), 0)
        raise MigrationFailed(m.name, exc.message, exc.db_code) from None


def _apply_self_managed(conn: Connector, history: History, m: Migration) -> None:
    """A script with its own BEGIN/COMMIT runs as Prisma runs every script: the history row is
    written first, the script as one string, then the row is finished (a crash in between leaves
    the migration recorded as failed, to be resolved by hand)."""
    row_id = history.start(m.name, m.checksum)
    try:
        conn.execute_script(m.sql)
    except DatabaseError as exc:
        conn.execute("ROLLBACK")  # leave no transaction the script opened
        history.fail(row_id, str(exc.message), 0)
        raise MigrationFailed(m.name, exc.message, exc.db_code) from None
    history.finish(row_id, 1)


def _apply_statementwise(conn: Connector, history: History, m: Migration, resume: HistoryRow | None) -> None:
    stmts = statements.split(conn.provider, m.sql)
    if resume is not None:
        row_id, done = resume.id, resume.applied_steps_count
    else:
        row_id, done = history.start(m.name, m.checksum), 0
    for i in range(done, len(stmts)):
        try:
            conn.execute(stmts[i])
        except ConnectorError as exc:
            db_code = getattr(exc, "db_code", None)
            history.fail(row_id, f"statement {i + 1} of {len(stmts)} failed:\n{exc.message}", i)
            raise MigrationFailed(m.name, exc.message, db_code) from None
        history.set_progress(row_id, i + 1)
    history.finish(row_id, len(stmts))
