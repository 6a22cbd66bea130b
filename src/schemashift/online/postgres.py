"""Online forms on PostgreSQL.

* ``CREATE [UNIQUE] INDEX`` / ``DROP INDEX`` on an existing table: ``CONCURRENTLY``, each alone in
  a migration (it refuses a transaction block; alone, Prisma can apply the file too). Prisma makes
  ``@unique`` a unique *index* on PostgreSQL, so a concurrent unique index is the whole change.
* ``ADD CONSTRAINT ... FOREIGN KEY``: ``NOT VALID`` (a short SHARE ROW EXCLUSIVE lock, no scan),
  then ``VALIDATE CONSTRAINT`` in its own transaction (SHARE UPDATE EXCLUSIVE: writes go on).
* ``SET NOT NULL`` on an existing column: ``CHECK (col IS NOT NULL) NOT VALID``, ``VALIDATE``,
  ``SET NOT NULL`` (PostgreSQL 12+ skips the scan when a valid check proves it), drop the check.
* every statement taking a strong lock on an existing table is preceded by ``SET lock_timeout``:
  it fails fast instead of queueing every other query behind it. Retries: the constraint scripts
  run statement by statement (``-- schemashift:transaction off``), so a statement that timed out
  leaves the migration failed at that statement and ``migrate deploy`` run again resumes there.
* a column type change reaches this module only when it gets no expand/contract plan
  (:mod:`.phases`, :mod:`.key_moves`: e.g. a composite key): Prisma's SQL is kept, with a note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from schemashift.diff import steps as st
from schemashift.dialects.postgres import PostgresDialect, quote
from schemashift.model import Arity
from schemashift.online.plan import (
    Chunk,
    OnlineOptions,
    OnlinePlan,
    assemble,
    created_tables,
    header,
    is_online_table,
    step_table,
)


def _body(statements: Sequence[str]) -> str:
    return "".join(f"{s};\n" for s in statements)


def _concurrently(statement: str, keyword: str) -> str:
    """``CREATE [UNIQUE] INDEX`` / ``DROP INDEX`` with ``CONCURRENTLY`` after ``INDEX``."""
    head, _, rest = statement.partition(keyword)
    return f"{head}{keyword} CONCURRENTLY{rest}"


def _becomes_required(change: st.TableChange) -> bool:
    return (
        isinstance(change, st.AlterColumn)
        and change.changes == st.ColumnChange.ARITY
        and change.previous.arity is Arity.NULLABLE
        and change.next.arity is Arity.REQUIRED
    )


def _rewrites(change: st.TableChange) -> bool:
    return isinstance(change, st.AlterColumn) and bool(change.changes & st.ColumnChange.TYPE)


def plan(steps: Sequence[st.Step], dialect: PostgresDialect, options: OnlineOptions) -> OnlinePlan:
    result = OnlinePlan()
    created = created_tables(steps)
    timeout = f"SET lock_timeout = {dialect.quote_literal(options.lock_timeout)}"
    local_timeout = f"SET LOCAL lock_timeout = {dialect.quote_literal(options.lock_timeout)}"
    chunks: list[tuple[Chunk, str]] = []

    def plain(step: st.Step, strong_lock: bool) -> None:
        statements = dialect.render_step(step)
        if statements:
            pre = [local_timeout] if strong_lock else []
            chunks.append((Chunk.TRANSACTION, f"{header(step)}\n{_body([*pre, *statements])}"))

    for step in steps:
        table = step_table(step)
        online = table is not None and is_online_table(table, created, options)
        if not online:
            plain(step, False)
        elif isinstance(step, st.CreateIndex):
            (stmt,) = dialect.render_step(step)
            chunks.append((Chunk.ALONE, f"{header(step)}\n{_body([_concurrently(stmt, 'INDEX')])}"))
        elif isinstance(step, st.DropIndex):
            (stmt,) = dialect.render_step(step)
            chunks.append((Chunk.ALONE, f"{header(step)}\n{_body([_concurrently(stmt, 'DROP INDEX')])}"))
        elif isinstance(step, st.RedefineIndex):
            drop, create = dialect.render_step(step)
            chunks.append((Chunk.ALONE, f"{header(step)}\n{_body([_concurrently(drop, 'DROP INDEX')])}"))
            chunks.append((Chunk.ALONE, f"{header(step)}\n{_body([_concurrently(create, 'INDEX')])}"))
        elif isinstance(step, st.AddForeignKey) and step.foreign_key.name:
            (stmt,) = dialect.render_step(step)
            target = dialect.qualified(step.table.schema, step.table.name)
            validate = f"ALTER TABLE {target} VALIDATE CONSTRAINT {quote(step.foreign_key.name)}"
            text = f"{header(step)}\n{_body([timeout, stmt + ' NOT VALID', validate])}"
            chunks.append((Chunk.STATEMENTS, text))
        elif isinstance(step, st.AlterTable):
            required = [c for c in step.changes if _becomes_required(c)]
            rest = tuple(c for c in step.changes if not _becomes_required(c))
            for change in rest:
                if _rewrites(change):
                    assert isinstance(change, st.AlterColumn)
                    result.notes.append(
                        f"Online mode: changing the type of `{table}.{change.next.name}` may rewrite the table "
                        "under an ACCESS EXCLUSIVE lock; Prisma's SQL is kept (a column in a key, or an "
                        "autoincrement one, gets no expand/contract plan)."
                    )
            if rest:
                plain(dataclasses.replace(step, changes=rest), True)
            target = dialect.qualified(step.previous.schema, step.previous.name)
            for change in required:
                assert isinstance(change, st.AlterColumn)
                column = change.next.name
                check = quote(f"{step.previous.name}_{column}_not_null"[: dialect.max_identifier_length])
                statements = [
                    timeout,
                    f"ALTER TABLE {target} ADD CONSTRAINT {check} CHECK ({quote(column)} IS NOT NULL) NOT VALID",
                    f"ALTER TABLE {target} VALIDATE CONSTRAINT {check}",
                    f"ALTER TABLE {target} ALTER COLUMN {quote(column)} SET NOT NULL",
                    f"ALTER TABLE {target} DROP CONSTRAINT {check}",
                ]
                chunks.append((Chunk.STATEMENTS, f"{header(step)}\n{_body(statements)}"))
        else:
            plain(step, True)
    result.scripts = assemble(chunks)
    return result
