"""``migrate dev``, ``migrate reset`` and ``db push``: the development workflow of the guide.

``migrate dev``:
1. validates the schema and lowers it to the target model;
2. replays the whole migrations folder on the shadow database (P3006 when a migration fails
   there: the development database is not touched);
3. reads the history and finds the reasons the development database must be reset: failed,
   edited or unknown migrations, and drift (the live database differs from the end state of its
   applied migrations, replayed into a shadow database or taken from the shadow cache);
4. asks before resetting (refused when not interactive, as Prisma does);
5. applies pending migrations, diffs the history's end state with the target model, writes the new
   migration (with ``down.sql``, the reverse script) and applies it; ``--create-only`` only writes.

Everything that talks to the user goes through :class:`UI`, so the library never prompts on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, Sequence

from schemashift.diff import steps as st
from schemashift.migrations import engine
from schemashift.connectors.base import Connector
from schemashift.migrations import folder
from schemashift.migrations.apply import apply_migrations
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.migrations.history import History
from schemashift.migrations.project import MigrateProject
from schemashift.migrations.shadow import CACHE_DIR_NAME, ShadowCache, history_end_state
from schemashift.migrations.status import HistoryStatus, diagnose
from schemashift.model import Schema

if TYPE_CHECKING:
    from schemashift.diff.renames import Rename
    from schemashift.online.plan import OnlineOptions, OnlinePlan
    from schemashift.safety.dataloss import DataLossWarning


class UI(Protocol):
    interactive: bool

    def echo(self, text: str) -> None: ...

    def confirm(self, question: str) -> bool: ...

    def prompt(self, question: str) -> str: ...


@dataclass
class DevResult:
    applied: list[str] = field(default_factory=list)
    created: Migration | None = None
    reset: bool = False
    in_sync: bool = False
    warnings: list[DataLossWarning] = field(default_factory=list)
    #: --online: every migration written (``created`` is the last one)
    created_all: list[Migration] = field(default_factory=list)
    #: --online: what the user must know (table rebuilds, rewrites kept), for stderr
    notes: list[str] = field(default_factory=list)


def _cache(mp: MigrateProject) -> ShadowCache:
    return ShadowCache(mp.project.cwd / CACHE_DIR_NAME)


_END_STATES: dict[tuple[str, ...], Schema] = {}


def end_state(mp: MigrateProject, migrations: Sequence[Migration]) -> Schema:
    """The schema ``migrations`` produce (shadow database, or the cache); memoised per process."""
    key = (str(mp.url), *(f"{m.name}:{m.checksum}" for m in migrations))
    if key not in _END_STATES:
        _END_STATES[key] = _end_state(mp, migrations)
    return _END_STATES[key]


def _end_state(mp: MigrateProject, migrations: Sequence[Migration]) -> Schema:
    shadow = mp.datasource.shadow_database_url
    from schemashift.connectors import parse_url

    return history_end_state(
        mp.url,
        list(migrations),
        shadow_url=parse_url(shadow, mp.schema_dir) if shadow else None,
        cache=_cache(mp),
        namespaces=mp.namespaces,
        init_script=mp.init_shadow_db,
    )


def reset_reasons(mp: MigrateProject, conn: Connector, local: list[Migration], status: HistoryStatus) -> list[str]:
    """Prisma's reasons for a reset of the development database, in its wording."""
    reasons: list[str] = []
    for name in status.edited:
        reasons.append(f"The migration `{name}` was modified after it was applied.")
    for row in status.failed:
        reasons.append(f"The migration `{row.migration_name}` failed.")
    if status.unknown:
        names = "\n".join(f"- {n}" for n in status.unknown)
        reasons.append(
            "The following migration(s) are applied to the database but missing from the local "
            f"migrations directory:\n{names}"
        )
    if reasons:
        return reasons
    applied = [m for m in local if m.name in set(status.applied)]
    expected = end_state(mp, applied)
    live = engine.describe(conn)
    drift = engine.diff(expected, live, conn.dialect)
    if drift:
        reasons.append(
            "Drift detected: Your database schema is not in sync with your migration history.\n\n"
            "The following is a summary of the differences between the expected database schema given "
            "your migrations files, and the actual schema of the database.\n\n"
            "It should be understood as the set of changes to get from the expected schema to the "
            f"actual schema.\n\n{engine.summary(drift)}"
        )
    return reasons


UNEXECUTABLE_HELP = (
    "You can use `schemashift migrate dev --create-only` to create the migration file, and manually "
    "modify it to address the underlying issue(s).\nThen run `schemashift migrate dev` to apply it and "
    "verify it works.\nA required column added to a table with rows: `schemashift migrate dev --online` "
    "writes it as expand, backfill and contract migrations (docs/online.md)."
)


def _reset_question(mp: MigrateProject) -> str:
    u = mp.url
    if u.provider == "sqlite":
        where = f'SQLite database "{u.path.name if u.path else u.database}"'
    elif u.provider == "postgresql":
        where = f'"{u.schema or "public"}" schema of the "{u.database}" database at "{u.host}:{u.port}"'
    else:
        where = f'"{u.database}" database at "{u.host}:{u.port}"'
    return f"We need to reset the {where}\n\nDo you want to continue? All data will be lost."


def reset_database(conn: Connector) -> None:
    conn.reset(conn.namespaces)


@dataclass(frozen=True)
class DevOptions:
    """What ``migrate dev`` is asked to do besides diffing: the migration's ``name`` (None: asked
    at a terminal), ``create_only``, the seed and generators to run (None: not run), ``renames``
    (``--rename``: :mod:`schemashift.diff.renames`; other likely renames are asked at a terminal,
    or named in a hint without one, then dropped and added), ``online`` (lock-safe SQL:
    :mod:`schemashift.online`) and ``stats_url`` (the database whose row counts decide which
    tables need online forms)."""

    name: str | None = None
    create_only: bool = False
    run_seed: Callable[[], None] | None = None
    run_generate: Callable[[], None] | None = None
    renames: Sequence[Rename] = ()
    online: OnlineOptions | None = None
    stats_url: str | None = None


def migrate_dev(mp: MigrateProject, ui: UI, options: DevOptions = DevOptions()) -> DevResult:
    """``migrate dev`` on an opened project: diagnose, reset if needed (asked at a terminal),
    write the migration(s) and apply them, then run the generators and, after a reset, the seed."""
    name, create_only, renames, online, stats_url = (
        options.name, options.create_only, options.renames, options.online, options.stats_url
    )
    run_seed, run_generate = options.run_seed, options.run_generate
    result = DevResult()
    target = mp.target
    local = mp.migrations()
    with mp.connect(create=True, log=ui.echo) as conn:
        # As Prisma does, the whole history, unapplied migrations included (custom SQL written
        # after --create-only), is replayed on the shadow database first: a migration that fails
        # there is reported (P3006) before anything touches the development database.
        before = end_state(mp, local)
        history = History(conn)
        status = diagnose(local, history.rows(), table_exists=history.exists())
        reasons = reset_reasons(mp, conn, local, status)
        if reasons:
            text = "\n\n".join(reasons)
            if not ui.interactive:
                raise MigrationError(
                    f"{text}\n\n{_reset_question(mp).splitlines()[0]}\n\n"
                    "You may use `schemashift migrate reset` to drop the development database.\n"
                    "All data will be lost."
                )
            ui.echo(text + "\n")
            if not ui.confirm(_reset_question(mp)):
                raise MigrationError("Reset cancelled: nothing was changed.", exit_code=130)
            reset_database(conn)
            result.reset = True
        applied = apply_migrations(conn, local, log=ui.echo, baseline_check=not result.reset).applied
        result.applied = applied
        accepted = _renames(before, target, renames, ui)
        steps = engine.diff(before, target, conn.dialect, accepted)
        planned = None
        if online is not None and steps:
            # --online: a multi-step plan's expand is what must run on this data, not Prisma's one step
            planned = _plan_online(conn, before, target, steps, accepted, online, stats_url)
        if not steps and not create_only:
            result.in_sync = True
        else:
            warnings = engine.data_loss_warnings(conn, planned.checked_steps if planned is not None else steps)
            result.warnings = warnings
            if any(w.unexecutable for w in warnings):
                # Prisma's migrate dev: a migration that cannot run on this data is never applied;
                # with --create-only it is written, to be edited by hand
                ui.echo(engine.warning_block([w for w in warnings if w.unexecutable]))
                if not create_only:
                    raise MigrationError(UNEXECUTABLE_HELP)
                ui.echo(UNEXECUTABLE_HELP)
            if warnings and not create_only:
                ui.echo(engine.warning_block(warnings))
                if not ui.interactive:
                    raise MigrationError(
                        "The migration would lose data, and the environment is non-interactive: run "
                        "it in a terminal to confirm, or use `--create-only` to write the migration "
                        "and review it first.",
                    )
                if not ui.confirm("Are you sure you want to create and apply this migration?"):
                    raise MigrationError("Migration cancelled: nothing was changed.", exit_code=130)
            if name is None:
                name = ui.prompt("Enter a name for the new migration:") if ui.interactive else ""
            if planned is not None:
                created_all, result.notes = _write_online(mp, planned, name)
                result.created, result.created_all = created_all[-1], created_all
            else:
                script = engine.render(steps, conn.dialect, warnings=engine.data_loss_warnings(None, steps))
                back = engine.reversed_renames(accepted, before, target)
                down_steps = engine.diff(target, before, conn.dialect, back)
                down = engine.render_down(down_steps, conn.dialect, folder.checksum(script.encode("utf-8")), back)
                if folder.read_lock_provider(mp.migrations_dir) is None:
                    folder.write_lock(mp.migrations_dir, mp.provider)
                created_all = [folder.create_migration(mp.migrations_dir, name, script, down=down)]
                result.created, result.created_all = created_all[0], created_all
            if not create_only:
                runnable = _before_placeholder(created_all, result.notes)
                result.applied += apply_migrations(conn, [*local, *runnable], log=ui.echo).applied
    if run_generate is not None and not create_only:
        run_generate()
    if run_seed is not None and result.reset:
        run_seed()
    return result


def _renames(before: Schema, target: Schema, given: Sequence[Rename], ui: UI) -> list[Rename]:
    """The renames to do: ``given``, then those confirmed at a terminal; without one, the likely
    renames are named in a hint and stay drops and adds (Prisma's behaviour)."""
    ask = (lambda r: ui.confirm(engine.rename_question(r))) if ui.interactive else None
    plan = engine.choose_renames(before, target, given, ask)
    if plan.declined and not ui.interactive:
        ui.echo(engine.rename_hint(plan.declined))
    return plan.accepted


def _before_placeholder(created: list[Migration], notes: list[str]) -> list[Migration]:
    """The migrations written that can run now: those before the first one with the backfill
    placeholder (its value is the user's to write); a note says what to edit."""
    from schemashift.online.contract import PLACEHOLDER, placeholder_lines

    waiting = [m for m in created if placeholder_lines(m.sql)]
    if not waiting:
        return created
    notes.append(
        f"Online mode: {PLACEHOLDER} in "
        + " and ".join(f"{m.name}/migration.sql" for m in waiting)
        + " stands for the value existing rows get: replace it, then run `schemashift migrate dev` again "
        "to apply the rest of the plan."
    )
    return created[: created.index(waiting[0])]


def _plan_online(
    conn: Connector,
    before: Schema,
    target: Schema,
    steps: Sequence[st.Step],
    renames: Sequence[Rename],
    online: OnlineOptions,
    stats_url: str | None,
) -> OnlinePlan:
    """--online: the steps as an online plan (multi-step where a change needs it)."""
    import dataclasses

    from schemashift.connectors import connect
    from schemashift.online.phases import Change, plan_with_phases
    from schemashift.online.plan import created_tables, step_table, table_sizes

    typed = list(steps)
    created = created_tables(typed)
    named = {t for s in typed if (t := step_table(s)) is not None}
    named |= {r.previous.name for s in typed if isinstance(s, st.RedefineTables) for r in s.tables}
    tables = sorted(named - created)
    dev_rows = table_sizes(conn, tables)
    if stats_url is not None:
        with connect(stats_url) as stats:  # the statistics: a production table is not counted
            sizes = stats.row_estimates(tables)
        online = dataclasses.replace(online, sizes=sizes, row_counts=sizes)
    else:
        online = dataclasses.replace(online, row_counts=dev_rows)
    return plan_with_phases(Change(before, target, typed, renames), conn.dialect, online, dev_rows)


def _write_online(mp: MigrateProject, planned: OnlinePlan, name: str) -> tuple[list[Migration], list[str]]:
    """--online: the plan written as one or more migrations (notes on stderr)."""
    from schemashift.online.plan import write_plan
    from schemashift.safety.dataloss import header

    if folder.read_lock_provider(mp.migrations_dir) is None:
        folder.write_lock(mp.migrations_dir, mp.provider)
    warnings_header = header(engine.data_loss_warnings(None, planned.checked_steps))
    return write_plan(mp.migrations_dir, name, planned, warnings_header), list(planned.notes)


RESET_NON_INTERACTIVE = (
    "Prisma Migrate has detected that the environment is non-interactive. It is recommended "
    "to run this command in an interactive environment.\n\nUse --force to run this command "
    "without user interaction.\nSee https://www.prisma.io/docs/reference/api-reference/command-reference#migrate-reset"
)


def migrate_reset(mp: MigrateProject, ui: UI, *, force: bool = False) -> list[str]:
    """Drop everything, re-apply every migration (the caller runs the seed). Without ``force``
    the user confirms at a terminal; without a terminal it is refused, as Prisma does."""
    if not force:
        if not ui.interactive:
            raise MigrationError(RESET_NON_INTERACTIVE)
        if not ui.confirm("Are you sure you want to reset your database? All data will be lost."):
            raise MigrationError("Reset cancelled.", exit_code=130)
    local = mp.migrations()
    with mp.connect(create=True, log=ui.echo) as conn:
        reset_database(conn)
        return apply_migrations(conn, local, log=ui.echo).applied


def db_push(
    mp: MigrateProject, ui: UI, *, accept_data_loss: bool = False, force_reset: bool = False, force: bool = False
) -> list[str]:
    """Make the database match the schema without migrations; returns the summary lines."""
    target = mp.target
    with mp.connect(create=True, log=ui.echo) as conn:
        if force_reset:
            reset_database(conn)
        live = engine.describe(conn)
        steps = engine.diff(live, target, conn.dialect)
        if not steps:
            return []
        warnings = engine.data_loss_warnings(conn, steps)
        if any(w.unexecutable for w in warnings):
            # Prisma's db push: --accept-data-loss does not make these run; only a reset does
            block = engine.warning_block([w for w in warnings if w.unexecutable])
            if not ui.interactive:
                raise MigrationError(
                    block + "\nUse the --force-reset flag to drop the database before push like "
                    "prisma migrate reset. All data will be lost."
                )
            ui.echo(block)
            mp.guard_production("reset the database to push changes that cannot be executed", force)
            if not ui.confirm(
                "To apply this change we need to reset the database, do you want to continue? All data will be lost."
            ):
                raise MigrationError("Push cancelled: nothing was changed.", exit_code=130)
            reset_database(conn)
            ui.echo("The database was successfully reset.")
            live = engine.describe(conn)
            steps = engine.diff(live, target, conn.dialect)
            warnings = []
        if warnings and not accept_data_loss:
            raise MigrationError(
                engine.warning_block(warnings)
                + "\nUse the --accept-data-loss flag to ignore the data loss warnings like prisma migrate dev --force",
            )
        script = engine.render(steps, conn.dialect)
        with conn.advisory_lock():
            engine.apply_script(conn, script)
        return [engine.summary(steps)]
