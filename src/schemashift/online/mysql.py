"""Online forms on MySQL/MariaDB: the server's own online DDL, or a refusal.

Each statement on an existing table says how the server must run it, so that the server refuses
(error 1846) instead of silently copying the table under a lock:

* ``CREATE [UNIQUE] INDEX ... ALGORITHM=INPLACE LOCK=NONE``; a dropped index becomes
  ``ALTER TABLE t DROP INDEX i, ALGORITHM=INPLACE, LOCK=NONE`` (MariaDB's ``DROP INDEX`` takes
  no algorithm clause);
* ``ALTER TABLE`` that only adds columns: ``, ALGORITHM=INSTANT`` (MariaDB 10.4+, MySQL 8.0.29+
  at any position); adding columns and making columns required (``MODIFY ... NOT NULL``, no type
  change, strict mode): the online copy below after a NULL check when pt-online-schema-change is
  installed (in place, the server applies the writes made meanwhile under an exclusive lock at
  the end: seconds of stall on big tables), else ``, ALGORITHM=INPLACE, LOCK=NONE``; dropping a
  foreign key, renaming a column: ``, ALGORITHM=INPLACE, LOCK=NONE``.
* an added foreign key: ``SET foreign_key_checks = 0``, ``ADD CONSTRAINT ... FOREIGN KEY ...,
  ALGORITHM=INPLACE, LOCK=NONE`` (with the checks off the server adds it without copying or
  checking the rows: PostgreSQL's ``NOT VALID``), ``SET foreign_key_checks = 1``, then a
  statement that checks the existing rows (PostgreSQL's ``VALIDATE``): :func:`validate_foreign_key`;
* anything else on an existing table (a type change, a primary key change, dropped columns...)
  copies the table while writes wait: with pt-online-schema-change installed, Prisma's ``ALTER
  TABLE`` after a ``-- schemashift:online-copy`` directive, which ``migrate deploy`` runs through
  the tool (:mod:`.ptosc`); without it, refused, with the lock it would take, the table's row
  count and a time estimate.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemashift.diff import steps as st
from schemashift.dialects.mysql import MysqlDialect, quote
from schemashift.model import Arity, ForeignKey
from schemashift.online import ptosc
from schemashift.online.plan import (
    Chunk,
    OnlineOptions,
    OnlinePlan,
    OnlineRefused,
    assemble,
    created_tables,
    header,
    is_online_table,
    step_table,
)

#: rows a table copy (ALGORITHM=COPY) moves per second, for the refusal's estimate (order of magnitude)
COPY_ROWS_PER_SECOND = 50_000

INPLACE = "ALGORITHM=INPLACE, LOCK=NONE"


def _body(statements: Sequence[str]) -> str:
    return "".join(f"{s};\n" for s in statements)


def _only_required(change: st.TableChange) -> bool:
    return (
        isinstance(change, st.AlterColumn)
        and change.changes == st.ColumnChange.ARITY
        and change.previous.arity is Arity.NULLABLE
        and change.next.arity is Arity.REQUIRED
    )


def _alter_algorithm(step: st.AlterTable) -> str | None:
    if all(isinstance(c, st.AddColumn) for c in step.changes):
        return "ALGORITHM=INSTANT"
    if all(isinstance(c, st.AddColumn) or _only_required(c) for c in step.changes):
        return INPLACE
    return None


def _makes_required(step: st.AlterTable) -> bool:
    """Columns made required (with added columns at most): in place the server rebuilds the table
    and then applies the writes made meanwhile under an exclusive lock (5.8 s of stall on 10M
    rows under load, measured), so an online copy is preferred when the tool is there."""
    return any(_only_required(c) for c in step.changes) and _alter_algorithm(step) == INPLACE


def _null_check(step: st.Step, table: str) -> str:
    """For an online copy that makes columns required: a statement that fails while a row holds
    NULL in one of them (the tool copies rows with ``INSERT IGNORE``, which would store '' or 0
    where the plain ALTER fails on a NULL); '' when no column becomes required."""
    columns = [
        c.next.name
        for c in (step.changes if isinstance(step, st.AlterTable) else ())
        if isinstance(c, st.AlterColumn) and c.previous.arity is Arity.NULLABLE and c.next.arity is Arity.REQUIRED
    ]
    if not columns:
        return ""
    nulls = " OR ".join(f"{quote(c)} IS NULL" for c in columns)
    return (
        f"-- fails (error 1242, `Subquery returns more than 1 row`) while a row holds NULL there: the copy would\n"
        f"-- store the type's empty value instead\n"
        f"SELECT (SELECT 1 UNION ALL (SELECT 1 FROM {quote(table)} WHERE {nulls} LIMIT 1)) AS {quote('not null check')};\n"
    )


def copy_lock(table: str, rows: int | None) -> str:
    """What a table copy by the server holds, for how long: the refusals' words (plan and deploy)."""
    if rows is None:
        size = "its size is unknown"
    else:
        seconds = max(1, rows // COPY_ROWS_PER_SECOND)
        size = f"it has about {rows} rows: about {seconds} s at {COPY_ROWS_PER_SECOND:,} rows/s"
    return (
        f"the server copies table `{table}` (ALGORITHM=COPY) under a SHARED lock (reads only, "
        f"writes wait) while {size}"
    )


def refusal(step: st.Step, table: str, options: OnlineOptions) -> str:
    return (
        f"--online: `{st.step_name(step)}` on table `{table}` cannot be done by the server without "
        f"blocking writes: {copy_lock(table, options.row_counts.get(table))}.\n"
        f"Install pt-online-schema-change (Debian/Ubuntu: apt-get install percona-toolkit) and run "
        f"`migrate dev --online` again: the migration then copies the table online "
        f"(-- schemashift:online-copy).\nRun `migrate dev` without --online to write Prisma's SQL."
    )


def validate_foreign_key(table: str, fk: ForeignKey) -> str:
    """A plain statement that fails while a row of ``table`` has a foreign key value (all columns
    set: MATCH SIMPLE) that no row of the referenced table has, and does nothing otherwise: the
    scalar subquery returns a second row then (error 1242, `Subquery returns more than 1 row`).
    A plain ``SELECT``: a consistent read that takes no lock, so writers are not held while it
    scans (``DO (...)``, measured first, reads with shared locks on both tables: 10.7 s of stall
    on 1M rows, and an UPDATE of the referenced table waits for the whole scan)."""
    child, parent = quote(table), quote(fk.referenced_table)
    joined = " AND ".join(f"p.{quote(r)} = c.{quote(c)}" for c, r in zip(fk.columns, fk.referenced_columns))
    present = " AND ".join(f"c.{quote(c)} IS NOT NULL" for c in fk.columns)
    return (
        f"SELECT (SELECT 1 UNION ALL (SELECT 1 FROM {child} AS c WHERE {present} AND NOT EXISTS "
        f"(SELECT 1 FROM {parent} AS p WHERE {joined}) LIMIT 1)) AS {quote('foreign key check')}"
    )


def _foreign_key(step: st.AddForeignKey, statement: str) -> str:
    fk = step.foreign_key
    cols = ", ".join(f"`{c}`" for c in fk.columns)
    return (
        f"-- {st.step_name(step)}: added without copying the table or checking its rows (checks off),\n"
        f"-- then the existing rows are checked by a read that takes no lock (it fails with error 1242\n"
        f"-- `Subquery returns more than 1 row` while a row's ({cols}) has no `{fk.referenced_table}`)\n"
        f"SET foreign_key_checks = 0;\n{statement}, {INPLACE};\nSET foreign_key_checks = 1;\n"
        f"{validate_foreign_key(step.table.name, fk)};\n"
    )


def _online_copy(step: st.Step, statements: Sequence[str], table: str, options: OnlineOptions) -> str:
    """Prisma's statement after the directive, or the refusal when pt-online-schema-change is absent."""
    if ptosc.tool() is None or len(statements) != 1 or ptosc.parse(statements[0]) is None:
        raise OnlineRefused(refusal(step, table, options))
    return _null_check(step, table) + (
        f"{header(step)}: the server would copy the table under a SHARED lock; schemashift's deploy\n"
        f"-- copies it online with pt-online-schema-change (Prisma runs the ALTER as written)\n"
        f"{ptosc.DIRECTIVE_TEXT}\n{_body(statements)}"
    )


def plan(steps: Sequence[st.Step], dialect: MysqlDialect, options: OnlineOptions) -> OnlinePlan:
    created = created_tables(steps)
    chunks: list[tuple[Chunk, str]] = []
    for step in steps:
        table = step_table(step)
        statements = dialect.render_step(step)
        if not statements:
            continue
        if table is None or not is_online_table(table, created, options):
            chunks.append((Chunk.STATEMENTS, f"{header(step)}\n{_body(statements)}"))
            continue
        if isinstance(step, st.CreateIndex):
            online = [f"{statements[0]} ALGORITHM=INPLACE LOCK=NONE"]
        elif isinstance(step, st.DropIndex):
            online = [f"ALTER TABLE {quote(table)} DROP INDEX {quote(step.index.name)}, {INPLACE}"]
        elif isinstance(step, (st.DropForeignKey, st.RenameColumn)):  # a rename changes the catalog only
            online = [f"{statements[0]}, {INPLACE}"]
        elif isinstance(step, st.AlterTable) and _makes_required(step) and ptosc.tool() is not None:
            chunks.append((Chunk.STATEMENTS, _online_copy(step, statements, table, options)))
            continue
        elif isinstance(step, st.AlterTable) and (algorithm := _alter_algorithm(step)) is not None:
            online = [f"{statements[0]}, {algorithm}"]
        elif isinstance(step, st.AddForeignKey) and len(statements) == 1:
            chunks.append((Chunk.STATEMENTS, _foreign_key(step, statements[0])))
            continue
        else:
            chunks.append((Chunk.STATEMENTS, _online_copy(step, statements, table, options)))
            continue
        chunks.append((Chunk.STATEMENTS, f"{header(step)}\n{_body(online)}"))
    # MySQL commits each DDL statement: every script already runs statement by statement
    return OnlinePlan(scripts=assemble(chunks, marker=False))
