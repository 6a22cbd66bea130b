"""Online forms on MySQL/MariaDB: the server's own online DDL, or a refusal.

Each statement on an existing table says how the server must run it, so that the server refuses
(error 1846) instead of silently copying the table under a lock:

* ``CREATE [UNIQUE] INDEX ... ALGORITHM=INPLACE LOCK=NONE``; a dropped index becomes
  ``ALTER TABLE t DROP INDEX i, ALGORITHM=INPLACE, LOCK=NONE`` (MariaDB's ``DROP INDEX`` takes
  no algorithm clause);
* ``ALTER TABLE`` that only adds columns: ``, ALGORITHM=INSTANT`` (MariaDB 10.4+, MySQL 8.0.29+
  at any position); adding columns and making columns required (``MODIFY ... NOT NULL``, no type
  change, strict mode): ``, ALGORITHM=INPLACE, LOCK=NONE``; dropping a foreign key, renaming a
  column: the same.
* anything else on an existing table (a foreign key added with ``foreign_key_checks`` on, a type
  change, a primary key change, dropped columns...) copies the table while writes wait: refused,
  with the lock it would take, the table's row count and a time estimate, and
  pt-online-schema-change when it is installed.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from schemashift.diff import steps as st
from schemashift.dialects.mysql import MysqlDialect, quote
from schemashift.model import Arity
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


def refusal(step: st.Step, table: str, options: OnlineOptions) -> str:
    rows = options.row_counts.get(table)
    if rows is None:
        size = "its size is unknown"
    else:
        seconds = max(1, rows // COPY_ROWS_PER_SECOND)
        size = f"it has about {rows} rows: about {seconds} s"
    tool = shutil.which("pt-online-schema-change")
    hint = (
        f"pt-online-schema-change is installed ({tool}): run this change with it and record the "
        "migration with `migrate resolve --applied`."
        if tool
        else "Tools such as pt-online-schema-change or gh-ost make this change without blocking writes."
    )
    return (
        f"--online: `{st.step_name(step)}` on table `{table}` cannot be done by the server without "
        f"blocking writes: it copies the table (ALGORITHM=COPY) under a SHARED lock (reads only) while "
        f"{size}.\n{hint}\nRun `migrate dev` without --online to write Prisma's SQL."
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
        elif isinstance(step, st.AlterTable) and (algorithm := _alter_algorithm(step)) is not None:
            online = [f"{statements[0]}, {algorithm}"]
        else:
            raise OnlineRefused(refusal(step, table, options))
        chunks.append((Chunk.STATEMENTS, f"{header(step)}\n{_body(online)}"))
    # MySQL commits each DDL statement: every script already runs statement by statement
    return OnlinePlan(scripts=assemble(chunks, marker=False))
