"""``migrate rollback``: run the down scripts of the newest applied migrations, newest first.

Each migration folder made by ``migrate dev`` holds ``down.sql`` beside ``migration.sql``: the
reverse diff (the schema before the migration), with data-loss warnings in its header and a first
line naming the checksum of the migration it reverses. A rolled-back migration is marked in
``_prisma_migrations`` exactly as ``migrate resolve --rolled-back`` marks a failed one
(``rolled_back_at``), so ``status`` lists it as pending and a later ``deploy`` applies it again.
Prisma ignores the extra file, so the folder stays compatible with it.

Before anything runs, :func:`check_rollback` finds out what the down scripts (generated or written
by hand) do: the applied history is replayed into a shadow database, described, the down scripts
run there as the rollback would run them, and the result is described again; the diff of the two
is checked against the live database (:func:`schemashift.safety.dataloss.check`: rows and values
that would be lost). A down script that fails there stops the rollback before the live database
is touched. Without a shadow database the loss cannot be counted: the pure check (when the end
state of the remaining history is in the shadow cache) or nothing is shown, and the caller must
accept the loss explicitly. :func:`migrate_rollback` asks through the :class:`UI` (the library
never prompts itself): a prompt at a terminal, a refusal without one unless ``accept_data_loss``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.dialects.scripts import RunMode, ScriptPlan
from schemashift.connectors.base import Connector
from schemashift.connectors.errors import ConnectorError, DatabaseError
from schemashift.migrations import engine
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration, checksum
from schemashift.migrations.history import History, HistoryRow
from schemashift.migrations.interrupt import MigrationInterrupted, SigintGuard

if TYPE_CHECKING:
    from schemashift.diff.steps import Step
    from schemashift.migrations.dev import UI
    from schemashift.migrations.project import MigrateProject
    from schemashift.model import Schema
    from schemashift.safety.dataloss import DataLossWarning


@dataclass(frozen=True)
class RollbackPlan:
    migration: Migration
    row: HistoryRow
    script: str


@dataclass
class RollbackCheck:
    """What running the down scripts of ``plans`` does to the data of the live database."""

    plans: list[RollbackPlan]
    warnings: list[DataLossWarning]
    #: why the rows and values could not be counted on the live database (no shadow database, the
    #: history does not replay...): ``warnings`` are then the pure check's, or empty when not even
    #: that could be derived. None when they were counted.
    uncounted: str | None = None


@dataclass
class RollbackResult:
    rolled_back: list[str] = field(default_factory=list)
    check: RollbackCheck | None = None
    backup: Path | None = None  # the backup taken before the first statement ran


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
    rows = History(conn).rows()
    applied = [r for r in rows if r.is_applied]
    if any(r.is_failed for r in rows):
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


def _run_down(conn: Connector, script: str, then: Callable[[], None] | None = None) -> None:
    """A down script as the rollback runs it (``then``: the history mark, in the same transaction
    when the script runs in one), planned by the dialect as deploy plans a migration. Used on the
    shadow and the live database."""
    from schemashift.migrations.apply import execute_plan

    execute_plan(conn, conn.dialect.plan_script(script), then)


def _diff(before: Schema, after: Schema, conn: Connector, down_scripts: Sequence[str] = ()) -> list[Step]:
    """The one call into the engine's diff, with the connection's dialect (and its flavour), and
    the renames the down scripts name (``-- schemashift:rename``), unless they do not fit."""
    from schemashift.errors import UsageError

    renames = engine.down_renames(down_scripts)
    if renames:
        try:
            return engine.diff(before, after, conn.dialect, renames)
        except UsageError:
            pass  # edited by hand: the plain diff
    return engine.diff(before, after, conn.dialect)


# ---------------------------------------------------------------- the data-loss check


def _uncounted(
    mp: MigrateProject, conn: Connector, plans: list[RollbackPlan], remaining: list[Migration] | None, why: str
) -> RollbackCheck:
    """No shadow run: the pure check of live -> the remaining history's end state, when the shadow
    cache has that end state; otherwise no warnings at all (the caller says the loss is unknown)."""
    from schemashift.migrations.engine import empty_schema
    from schemashift.migrations.dev import end_state
    from schemashift.safety.dataloss import check

    warnings: list[DataLossWarning] = []
    if remaining is not None:
        try:
            after = end_state(mp, remaining) if remaining else empty_schema(conn.provider)
        except (MigrationError, ConnectorError):
            after = None  # not cached, and no shadow database to replay it in
        if after is not None:
            warnings = check(_diff(engine.describe(conn), after, conn, [p.script for p in plans]))
    return RollbackCheck(plans, warnings, uncounted=why)


def check_rollback(
    mp: MigrateProject, conn: Connector, migrations: list[Migration], plans: list[RollbackPlan]
) -> RollbackCheck:
    """Replay the applied history into a shadow database, run ``plans`` there, diff before -> after,
    and count what those steps lose on ``conn`` (the live database). Raises when a down script
    fails on the shadow database (the live database is not touched)."""
    from schemashift.connectors import parse_url
    from schemashift.migrations.shadow import replay_into, shadow_database
    from schemashift.safety.dataloss import check

    local = {m.name: m for m in migrations}
    applied = [r.migration_name for r in History(conn).rows() if r.is_applied]
    gone = [n for n in applied if n not in local]
    undone = {p.migration.name for p in plans}
    remaining = None if gone else [local[n] for n in applied if n not in undone]
    if gone:
        return _uncounted(
            mp, conn, plans, remaining,
            f"the applied migration `{gone[0]}` is missing from the local migrations folder, so the "
            "history cannot be replayed into a shadow database",
        )
    shadow = mp.datasource.shadow_database_url
    with ExitStack() as stack:
        try:
            sconn = stack.enter_context(
                shadow_database(mp.url, parse_url(shadow, mp.schema_dir) if shadow else None)
            )
        except ConnectorError as exc:
            return _uncounted(mp, conn, plans, remaining, f"the shadow database could not be opened ({exc.message})")
        except MigrationError as exc:
            if exc.code != "P3014":
                raise
            return _uncounted(mp, conn, plans, remaining, f"no shadow database could be created ({exc.message})")
        try:
            replay_into(sconn, [local[n] for n in applied])
        except MigrationInterrupted:
            raise
        except MigrationError as exc:
            return _uncounted(mp, conn, plans, remaining, f"the applied history does not replay ({exc.message})")
        before = engine.describe(sconn)
        sigint = stack.enter_context(SigintGuard(sconn))
        for plan in plans:
            try:
                _run_down(sconn, plan.script)
            except ConnectorError as exc:
                if sigint.requested:
                    raise MigrationInterrupted(
                        "the rollback was stopped while its down scripts were tried on the shadow database: "
                        "nothing was rolled back and your database was not touched."
                    ) from None
                raise MigrationError(
                    f"The down.sql of `{plan.migration.name}` failed on the shadow database, so nothing "
                    f"was rolled back and your database was not touched. Fix {plan.migration.down_path}, "
                    f"then run the rollback again.\n\nDatabase error:\n{exc.message}"
                ) from None
        after = engine.describe(sconn)
    steps = _diff(before, after, conn, [p.script for p in plans])
    try:
        return RollbackCheck(plans, check(steps, conn))
    except DatabaseError as exc:
        # the live database is not what its history says (drift): the steps name what it lacks
        return RollbackCheck(
            plans, check(steps),
            uncounted=f"counting on your database failed; it may differ from its migration history ({exc.message})",
        )


def _unknown_loss(report: RollbackCheck) -> str:
    assert report.uncounted is not None
    text = f"⚠️  The data this rollback loses could not be counted: {report.uncounted}.\n"
    if report.warnings:
        return (
            text + "What the down scripts can lose (from the migration history, not counted):\n\n"
            + engine.warning_block(report.warnings)
        )
    return text + "Review the down scripts (`schemashift migrate rollback --dry-run` prints them).\n"


def _confirm(report: RollbackCheck, ui: UI, accept_data_loss: bool) -> None:
    """Prompt at a terminal, refuse without one unless ``accept_data_loss``; a loss that cannot be
    counted always needs ``accept_data_loss``; a down script that cannot run on this data is refused."""
    unexecutable = [w for w in report.warnings if w.unexecutable]
    if unexecutable:
        raise MigrationError(
            engine.warning_block(unexecutable)
            + "\nThe rollback cannot run on the current data: edit the down.sql to handle it. Nothing was changed."
        )
    if report.uncounted is not None:
        if not accept_data_loss:
            raise MigrationError(
                _unknown_loss(report) + "\nUse --accept-data-loss to roll back anyway. Nothing was changed."
            )
        ui.echo(_unknown_loss(report))
        return
    if not report.warnings:
        return
    block = engine.warning_block(report.warnings)
    if accept_data_loss:
        ui.echo(block)
        return
    if not ui.interactive:
        raise MigrationError(
            block + "\nThe rollback would lose data, and the environment is non-interactive: run it in a "
            "terminal to confirm, or use --accept-data-loss. Nothing was changed."
        )
    ui.echo(block)
    if not ui.confirm("Are you sure you want to roll back? The data listed above will be lost."):
        raise MigrationError("Rollback cancelled: nothing was changed.", exit_code=130)


def describe_check(report: RollbackCheck) -> str:
    """The warnings part of ``--dry-run``."""
    if report.uncounted is not None:
        return _unknown_loss(report)
    if report.warnings:
        return engine.warning_block(report.warnings)
    return "-- No data would be lost (checked on a shadow database and counted on this database)."


def migrate_rollback(
    mp: MigrateProject,
    ui: UI,
    *,
    to: str | None = None,
    steps: int | None = None,
    accept_data_loss: bool = False,
    dry_run: bool = False,
    backup: Callable[[], Path] | None = None,
) -> RollbackResult:
    """Check, confirm, back up (``backup``, after the confirmation, before the first statement),
    then roll back. ``dry_run`` prints the down scripts and the warnings and changes nothing."""
    result = RollbackResult()
    local = mp.migrations()
    with mp.connect() as conn:
        plans = plan_rollback(conn, local, to=to, steps=steps)
        if not plans:
            return result
        report = check_rollback(mp, conn, local, plans)
        result.check = report
        if dry_run:
            for plan in plans:
                ui.echo(f"-- Rollback of {plan.migration.name} ({plan.migration.down_path.name})\n{plan.script}")
            ui.echo(describe_check(report))
            return result
        _confirm(report, ui, accept_data_loss)
        if backup is not None:
            result.backup = backup()
            ui.echo(f"Backup written: {result.backup}\n")
        try:
            result.rolled_back = rollback(conn, local, to=to, steps=steps, expected=plans)
        except MigrationError as exc:
            if result.backup is not None:
                exc.message += f"\n\nThe backup taken before this rollback is {result.backup}."
            raise
    return result


def rollback(
    conn: Connector,
    migrations: list[Migration],
    *,
    to: str | None = None,
    steps: int | None = None,
    expected: Sequence[RollbackPlan] | None = None,
) -> list[str]:
    """Roll back under the migration lock; each down script and its history mark in one transaction
    where the database allows it. ``expected``: the plans that were checked and confirmed; the
    rollback stops when the history (or a down script) changed since."""
    done: list[str] = []
    history = History(conn)
    with conn.advisory_lock():
        plans = plan_rollback(conn, migrations, to=to, steps=steps)
        if expected is not None and [(p.row.id, p.script) for p in plans] != [(p.row.id, p.script) for p in expected]:
            raise MigrationError(
                "The migration history or a down.sql changed while the rollback was being checked "
                "(another deploy or rollback?): nothing was rolled back. Run the command again."
            )
        with SigintGuard(conn) as sigint:
            for plan in plans:
                if sigint.requested:
                    raise MigrationInterrupted(
                        f"stopped after rolling back {', '.join(f'`{n}`' for n in done) or 'nothing'}; "
                        f"`{plan.migration.name}` and older migrations are still applied."
                    )
                script_plan = conn.dialect.plan_script(plan.script)
                try:
                    if script_plan.mode is RunMode.TRANSACTION:
                        _run_down(conn, plan.script, lambda: history.mark_rolled_back(plan.row.id))
                    else:
                        _run_down_tracked(conn, history, plan, script_plan, sigint)
                except DatabaseError as exc:
                    if sigint.requested:
                        raise MigrationInterrupted(
                            f"the rollback of `{plan.migration.name}` was cancelled"
                            + (
                                ": its down script's transaction was rolled back, the migration is still applied."
                                if script_plan.mode is RunMode.TRANSACTION
                                else " (see `schemashift migrate status`; run `schemashift migrate rollback` again to continue it)."
                            ),
                            plan.migration.name,
                        ) from None
                    state = (
                        "the database is as it was before this migration's rollback"
                        if script_plan.mode is RunMode.TRANSACTION
                        else "its down script ran in part: run `schemashift migrate rollback` again to continue it "
                        "from the failed statement once its cause is fixed"
                    )
                    earlier = f" (rolled back before it: {', '.join(done)})" if done else ""
                    raise MigrationError(
                        f"Rolling back `{plan.migration.name}` failed; {state}{earlier}.\n\n"
                        f"Database error:\n{exc.message}"
                    ) from None
                done.append(plan.migration.name)
    return done


#: the logs of an applied migration whose down script runs statement by statement (MySQL, or a
#: down script with CONCURRENTLY): how far it got, so a rollback that stopped continues exactly
ROLLBACK_MARK = "rollback of down.sql:"
_ROLLBACK_STATE = re.compile(r"\Arollback of down\.sql: statement (\d+) of (\d+) (running|done|not run|failed)\b")


def rollback_resume_point(row: HistoryRow, statements: int) -> int:
    """The 0-based index of the down statement to run next; raises when it cannot be known."""
    found = _ROLLBACK_STATE.match(row.logs or "")
    if found is None or int(found.group(2)) != statements:
        return 0
    k, state = int(found.group(1)), found.group(3)
    if state == "done":
        return k
    if state in ("not run", "failed"):
        return k - 1
    raise MigrationError(
        f"The rollback of `{row.migration_name}` stopped while statement {k} of {statements} of its down.sql "
        "ran (the process was killed?): that statement may or may not have been applied. Check it, run the "
        f"statements of down.sql from {k} on that are not applied by hand, then record the rollback with "
        f"`schemashift migrate resolve --rolled-back {row.migration_name}`."
    )


def _run_down_tracked(
    conn: Connector, history: History, plan: RollbackPlan, script_plan: ScriptPlan, sigint: SigintGuard
) -> None:
    """A down script that runs statement by statement: its progress is kept in the migration's
    ``logs`` (Prisma ignores them on an applied row), so a rollback that stopped cleanly continues
    at the statement that did not run, and one killed mid-statement says which is uncertain."""
    stmts = script_plan.statements
    n = len(stmts)
    row_id = plan.row.id
    for i in range(rollback_resume_point(plan.row, n), n):
        if sigint.requested:
            sigint.write(lambda: history.set_logs(row_id, f"{ROLLBACK_MARK} statement {i + 1} of {n} not run: interrupted"))
            raise MigrationInterrupted(
                f"the rollback of `{plan.migration.name}` stopped before statement {i + 1} of {n} of its down.sql; "
                "run `schemashift migrate rollback` again to continue it.",
                plan.migration.name,
            )
        history.set_logs(row_id, f"{ROLLBACK_MARK} statement {i + 1} of {n} running")
        try:
            conn.execute(stmts[i])
        except DatabaseError as exc:
            conn.abort_open_transaction()
            sigint.write(
                lambda: history.set_logs(row_id, f"{ROLLBACK_MARK} statement {i + 1} of {n} failed, not applied:\n{exc.message}")
            )
            raise
        sigint.write(lambda: history.set_logs(row_id, f"{ROLLBACK_MARK} statement {i + 1} of {n} done"))
    sigint.write(lambda: history.mark_rolled_back(row_id))
