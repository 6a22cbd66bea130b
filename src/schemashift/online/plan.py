"""The online plan: the differ's steps rewritten into lock-safe migration scripts.

``migrate dev --online`` diffs as usual, then :func:`plan_online` turns the steps into one or more
scripts (each a migration folder of its own, applied in order):

* a statement that PostgreSQL refuses inside a transaction (``CREATE/DROP INDEX CONCURRENTLY``)
  is alone in its script, so that Prisma could apply the file too (it sends a script whole);
* statements that must commit one by one (``ADD CONSTRAINT ... NOT VALID`` then ``VALIDATE``)
  go in a script starting with ``-- schemashift:transaction off`` (RunMode.STATEMENTS: each
  statement commits on its own, and a failed run resumes at the failed statement);
* everything else keeps Prisma's SQL, in a transaction as before.

Which tables get online forms: every table that exists before the migration, unless sizes are
given (``--stats-url``): then only tables with at least :data:`MIN_ROWS` rows in that database.
The per-database rules live in :mod:`.postgres`, :mod:`.mysql` and :mod:`.sqlite`; the
multi-step plans (expand, backfill, contract) in :mod:`.phases`, which uses this plan per phase.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.diff import steps as st
from schemashift.dialects.base import Dialect
from schemashift.errors import SchemashiftError
from schemashift.settings import LARGE_TABLE_ROWS

if TYPE_CHECKING:
    from schemashift.connectors.base import Connector
    from schemashift.migrations.folder import Migration

#: with table sizes from ``--stats-url``, tables smaller than this keep Prisma's SQL
MIN_ROWS = LARGE_TABLE_ROWS
DEFAULT_LOCK_TIMEOUT = "2s"


class OnlineRefused(SchemashiftError):
    """A change the server cannot make without blocking writes (exit 1: nothing was written)."""


class Chunk(enum.Enum):
    TRANSACTION = "transaction"  # Prisma's SQL, in the script's transaction
    ALONE = "alone"  # refuses a transaction block: a migration of its own, one statement
    STATEMENTS = "statements"  # each statement commits on its own (-- schemashift:transaction off)


@dataclass(frozen=True, slots=True)
class OnlineOptions:
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT
    #: rows per table (by name) in the ``--stats-url`` database; None: every existing table is online
    sizes: Mapping[str, int] | None = None
    #: rows per table of the database the sizes come from (stats or development), for messages
    row_counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OnlineScript:
    suffix: str  # appended to the migration's name ("" for the first)
    script: str


@dataclass
class OnlinePlan:
    scripts: list[OnlineScript] = field(default_factory=list)
    #: messages for stderr (table rebuilds, type changes left to expand/contract)
    notes: list[str] = field(default_factory=list)
    #: the steps whose data-loss warnings matter (a multi-step plan's expand: :mod:`.phases`)
    checked_steps: list[st.Step] = field(default_factory=list)


def created_tables(steps: Sequence[st.Step]) -> set[str]:
    return {s.table.name for s in steps if isinstance(s, st.CreateTable)}


def is_online_table(table: str, created: set[str], options: OnlineOptions) -> bool:
    """Whether changes to ``table`` need the online forms."""
    if table in created:
        return False
    if options.sizes is None:
        return True
    return options.sizes.get(table, 0) >= MIN_ROWS


def step_table(step: st.Step) -> str | None:
    table = getattr(step, "table", None)
    if table is not None and hasattr(table, "name"):
        return str(table.name)
    previous = getattr(step, "previous", None)
    if isinstance(step, st.AlterTable) and previous is not None:
        return str(previous.name)
    return None


def header(step: st.Step) -> str:
    return f"-- {st.step_name(step)}"


def assemble(chunks: Sequence[tuple[Chunk, str]], *, marker: bool = True) -> list[OnlineScript]:
    """Group rendered chunks into scripts in order: adjacent transaction chunks share one script,
    adjacent statement chunks one ``transaction off`` script (the marker line only with
    ``marker``: MySQL runs every script statement by statement anyway); each ALONE chunk is a script."""
    groups: list[tuple[Chunk, list[str]]] = []
    for kind, text in chunks:
        if groups and kind is not Chunk.ALONE and groups[-1][0] is kind:
            groups[-1][1].append(text)
        else:
            groups.append((kind, [text]))
    scripts: list[OnlineScript] = []
    for i, (kind, texts) in enumerate(groups):
        body = "\n".join(texts)
        if kind is Chunk.STATEMENTS and marker:
            body = "-- schemashift:transaction off\n" + body
        suffix = "" if i == 0 else f"_online_{i}"
        scripts.append(OnlineScript(suffix, body))
    return scripts


def plan_online(steps: Sequence[st.Step], dialect: Dialect, options: OnlineOptions) -> OnlinePlan:
    """The online plan of ``steps`` for ``dialect`` (raises :class:`OnlineRefused` on MySQL when a
    change would block writes)."""
    from schemashift.dialects.mysql import MysqlDialect
    from schemashift.dialects.postgres import PostgresDialect
    from schemashift.dialects.sqlite import SqliteDialect
    from schemashift.dialects.cockroachdb import CockroachDialect

    if isinstance(dialect, CockroachDialect):
        raise OnlineRefused("--online is not supported on CockroachDB (its schema changes are already online).")
    if isinstance(dialect, PostgresDialect):
        from schemashift.online import postgres

        return postgres.plan(steps, dialect, options)
    if isinstance(dialect, MysqlDialect):
        from schemashift.online import mysql

        return mysql.plan(steps, dialect, options)
    if isinstance(dialect, SqliteDialect):
        from schemashift.online import sqlite

        return sqlite.plan(steps, dialect, options)
    raise OnlineRefused(f"--online is not supported for the {dialect.name} dialect.")


def table_sizes(conn: Connector, tables: Sequence[str]) -> dict[str, int]:
    """Exact row counts of those of ``tables`` that exist in ``conn``'s database (default schema)."""
    from schemashift.migrations import engine

    present = {t.name for t in engine.describe(conn).tables}
    sizes: dict[str, int] = {}
    for name in tables:
        if name in present:
            row = conn.query_one(f"SELECT COUNT(*) FROM {conn.dialect.quote(name)}")
            sizes[name] = int(row[0]) if row is not None else 0
    return sizes


def write_plan(
    directory: Path, name: str, online: OnlinePlan, warnings_header: str
) -> list[Migration]:
    """Write the plan's scripts as migration folders, in apply order (no ``down.sql``: each
    script's reverse is not a migration of its own)."""
    from schemashift.migrations import folder

    created = []
    for i, script in enumerate(online.scripts):
        text = (warnings_header if i == 0 else "") + script.script
        created.append(folder.create_migration(directory, f"{name}{script.suffix}" if name else script.suffix.lstrip("_"), text))
    return created


def online_options(cwd: Path, flag: bool | None, stats_url: str | None) -> tuple[OnlineOptions | None, str | None]:
    """``--online``/``--stats-url`` over ``[tool.schemashift] online``/``stats_url``/``online_lock_timeout``."""
    from schemashift.config import tool_settings

    settings = tool_settings(cwd)
    enabled = flag if flag is not None else settings.get("online", False)
    if not isinstance(enabled, bool):
        raise SchemashiftError("`[tool.schemashift] online` in pyproject.toml must be true or false.")
    if not enabled:
        if stats_url is not None:
            raise SchemashiftError("--stats-url needs --online (or `[tool.schemashift] online = true`).")
        return None, None
    url = stats_url if stats_url is not None else settings.get("stats_url")
    timeout = settings.get("online_lock_timeout", DEFAULT_LOCK_TIMEOUT)
    for key, value in (("stats_url", url), ("online_lock_timeout", timeout)):
        if value is not None and not isinstance(value, str):
            raise SchemashiftError(f"`[tool.schemashift] {key}` in pyproject.toml must be a string.")
    assert url is None or isinstance(url, str)
    return OnlineOptions(lock_timeout=str(timeout)), url
