"""``migrate rollback``: run the down scripts of the newest applied migrations, newest first.

Each migration folder made by ``migrate dev`` holds ``down.sql`` beside ``migration.sql``: the
reverse diff (the schema before the migration), with data-loss warnings in its header and a first
line naming the checksum of the migration it reverses. A rolled-back migration is marked in
``_prisma_migrations`` exactly as ``migrate resolve --rolled-back`` marks a failed one
(``rolled_back_at``), so ``status`` lists it as pending and a later ``deploy`` applies it again.
Prisma ignores the extra file, so the folder stays compatible with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseError
from schemashift.migrations import engine
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration, checksum
from schemashift.migrations.history import History, HistoryRow


@dataclass(frozen=True)
class RollbackPlan:
    migration: Migration
    row: HistoryRow
    script: str


def _down_script(m: Migration) -> str:
    path = m.down_path
    if not path.is_file():
        raise MigrationError(
            f"The migration `{m.name}` has no down.sql, so it cannot be rolled back automatically. "
            "Write the reverse SQL in down.sql (the guide's manual rollback), then run the rollback again."
        )
    script = path.read_text(encoding="utf-8")
    first = script.split("\n", 1)[0]
    if first.startswith(engine.REVERSE_OF):
        recorded = first[len(engine.REVERSE_OF) :].strip()
        if recorded != checksum(m.script):
            raise MigrationError(
                f"down.sql of `{m.name}` was generated for another version of its migration.sql (it was "
                "edited after it was created), so it may not undo what the migration did. Review "
                f"{path}, then delete its first line (`{engine.REVERSE_OF.strip()} ...`) to confirm it."
            )
    return script


def plan_rollback(
    conn: Connector, migrations: list[Migration], *, to: str | None = None, steps: int | None = None
) -> list[RollbackPlan]:
    """The migrations to roll back, newest first."""
    local = {m.name: m for m in migrations}
    applied = [r for r in History(conn).rows() if r.is_applied]
    if any(r.is_failed for r in History(conn).rows()):
        raise MigrationError(
            "There is a failed migration in the database: resolve it first (`schemashift migrate "
            "resolve --rolled-back NAME` or `--applied NAME`)."
        )
    if to is not None:
        names = [r.migration_name for r in applied]
        if to not in names:
            raise MigrationError(f"The migration `{to}` is not applied to this database, so it cannot be a rollback target.")
        chosen = applied[names.index(to) + 1 :]
    else:
        n = 1 if steps is None else steps
        if n < 1:
            raise MigrationError("--steps must be 1 or more.")
        chosen = applied[-n:] if n <= len(applied) else applied
    plans: list[RollbackPlan] = []
    for row in reversed(chosen):
        m = local.get(row.migration_name)
        if m is None:
            raise MigrationError(
                f"The migration `{row.migration_name}` is applied to the database but is missing from "
                "the local migrations folder, so its down.sql cannot be found."
            )
        plans.append(RollbackPlan(m, row, _down_script(m)))
    return plans


def rollback(conn: Connector, migrations: list[Migration], *, to: str | None = None, steps: int | None = None) -> list[str]:
    """Roll back under the migration lock; each down script and its history mark in one transaction
    where the database allows it."""
    from schemashift.dialects import get_dialect

    done: list[str] = []
    history = History(conn)
    with conn.advisory_lock():
        for plan in plan_rollback(conn, migrations, to=to, steps=steps):
            try:
                if get_dialect(conn.provider).supports_transactional_ddl:
                    with conn.ddl_transaction():
                        conn.execute_script(plan.script)
                        history.mark_rolled_back(plan.row.id)
                else:
                    conn.execute_script(plan.script)
                    history.mark_rolled_back(plan.row.id)
            except DatabaseError as exc:
                state = (
                    "the database is as it was before this migration's rollback"
                    if get_dialect(conn.provider).supports_transactional_ddl
                    else "its down script may have run in part (this database commits DDL at once)"
                )
                earlier = f" (rolled back before it: {', '.join(done)})" if done else ""
                raise MigrationError(
                    f"Rolling back `{plan.migration.name}` failed; {state}{earlier}.\n\n"
                    f"Database error:\n{exc.message}"
                ) from None
            done.append(plan.migration.name)
    return done
