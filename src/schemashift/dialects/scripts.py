"""How a migration script runs: split once, and one of three modes, decided by the dialect.

A :class:`ScriptPlan` is made once per script (``Dialect.plan_script``) and used by everything
that runs or reads it: ``migrate deploy``, the shadow-database replay, the linter. The modes:

``TRANSACTION``
    The history row, the script and the finishing update commit in one transaction (PostgreSQL,
    SQLite): a process killed at any point leaves the migration applied and recorded, or neither.
``STATEMENTS``
    Statement by statement in autocommit, the history row's ``applied_steps_count`` updated after
    each one: every MySQL/MariaDB script (MySQL commits DDL implicitly), a PostgreSQL script with a
    statement that refuses a transaction block (``CREATE INDEX CONCURRENTLY``, ``VACUUM``...), and
    any script whose first line (or a line of its opening comments) is ``-- schemashift:transaction off``.
``AS_WRITTEN``
    The script has its own top-level ``BEGIN``/``COMMIT``/``ROLLBACK`` (the guide's "Use
    Transactions"): it runs statement by statement exactly as written, in autocommit, so its own
    transaction control takes effect; the history row is started before and finished after.

The splitters are the databases' own lexers where one exists: PostgreSQL's scanner (pglast),
SQLite's ``complete_statement``; MySQL's is :func:`schemashift.connectors.sqltext.split_mysql`
(pure text, handling routine bodies without ``DELIMITER``).
"""

from __future__ import annotations

import enum
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

#: ``-- schemashift:transaction off`` on the first line, or on a line of the comments that open
#: the script (after Prisma's ``/* Warnings: ... */`` block, which ``migrate dev`` puts first):
#: run the script statement by statement.
TRANSACTION_OFF = re.compile(
    r"\A(?:\s*(?:--(?!\s*schemashift:transaction\s+off\b)[^\n]*(?:\n|\Z)|/\*.*?\*/))*\s*--\s*schemashift:transaction\s+off\b",
    re.I | re.S,
)
#: ``-- schemashift:backfill`` on a comment line of a statement: a batched backfill
#: (:mod:`schemashift.online.backfill`); the script runs statement by statement.
BACKFILL = re.compile(r"^[ \t]*--[ \t]*schemashift:backfill\b", re.I | re.M)
#: ``-- schemashift:online-copy`` on a comment line of a MySQL ``ALTER TABLE``: run through
#: pt-online-schema-change (:mod:`schemashift.online.ptosc`).
ONLINE_COPY = re.compile(r"^[ \t]*--[ \t]*schemashift:online-copy\b", re.I | re.M)


class RunMode(enum.Enum):
    TRANSACTION = "transaction"
    STATEMENTS = "statements"
    AS_WRITTEN = "as written"


@dataclass(frozen=True, slots=True)
class ScriptPlan:
    """A script, its statements (split once) and how it runs."""

    script: str
    mode: RunMode
    statements: tuple[str, ...]
    #: why the mode was chosen, for messages (``CREATE INDEX CONCURRENTLY refuses a transaction``)
    reason: str = ""
    #: a statement of the script that PostgreSQL refuses inside a transaction block (also when
    #: the script runs as written), or ""
    refusing: str = ""
    #: indexes of the statements marked ``-- schemashift:backfill`` (run in batches)
    backfills: tuple[int, ...] = ()
    #: indexes of the statements marked ``-- schemashift:online-copy`` (MySQL; run by the tool)
    online_copies: tuple[int, ...] = ()

    @property
    def resumable(self) -> bool:
        """A failure part-way leaves a known prefix applied, so the run can continue after it."""
        return self.mode is RunMode.STATEMENTS


def has_code(stmt: str) -> bool:
    """True when a statement holds more than comments and blank lines."""
    for line in stmt.splitlines():
        s = line.strip()
        if s and not s.startswith("--"):
            return True
    return False


# ---------------------------------------------------------------- SQLite


def split_sqlite(script: str) -> list[str]:
    """Complete statements as SQLite sees them (trigger bodies included), without ``;``."""
    out: list[str] = []
    buf = ""
    pieces = script.split(";")
    for piece in pieces[:-1]:
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            stmt = buf.strip().rstrip(";").strip()
            if has_code(stmt):
                out.append(stmt)
            buf = ""
    rest = (buf + pieces[-1]).strip().rstrip(";").strip()
    if has_code(rest):
        out.append(rest)
    return out


_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)
_SQLITE_TX = re.compile(r"(?:BEGIN|COMMIT|END|ROLLBACK(?!\s+(?:TRANSACTION\s+)?TO\b))\b", re.I)
_MYSQL_TX = re.compile(
    r"(?:START\s+TRANSACTION\b|BEGIN(?:\s+WORK)?\s*\Z|COMMIT\b|ROLLBACK\b(?!\s+(?:WORK\s+)?TO\b))", re.I
)


def first_code(stmt: str) -> str:
    """The statement from its first code character (leading comments of both kinds skipped)."""
    return stmt[_LEADING_COMMENTS.match(stmt).end() :]  # type: ignore[union-attr]


def controls_transaction_sqlite(stmt: str) -> bool:
    return _SQLITE_TX.match(first_code(stmt)) is not None


def controls_transaction_mysql(stmt: str) -> bool:
    return _MYSQL_TX.match(first_code(stmt)) is not None


# ---------------------------------------------------------------- MySQL


def split_mysql(script: str) -> list[str]:
    from schemashift.connectors.sqltext import split_mysql as split

    return [s for s in split(script) if has_code(s)]


# ---------------------------------------------------------------- PostgreSQL


def split_postgres(script: str) -> list[str]:
    """By PostgreSQL's scanner; a script it cannot scan (an unterminated literal or comment) is one
    statement, for the server to reject with its own message. Every PostgreSQL script is split
    here first, so this is where a missing pglast is reported (``schemashift[postgres]``)."""
    try:
        import pglast
    except ImportError:
        from schemashift.extras import missing

        raise missing("pglast") from None

    try:
        return [s.strip() for s in pglast.split(script, with_parser=False) if has_code(s)]
    except pglast.parser.ParseError:
        return [script.strip()] if has_code(script) else []


def postgres_mode(statements: Sequence[str]) -> tuple[RunMode, str, str]:
    """Parsed with PostgreSQL's own parser, statement by statement: a script with top-level
    transaction control runs as written; one with a statement PostgreSQL refuses inside a
    transaction block runs statement by statement. A statement the parser rejects says nothing
    (the server reports the error)."""
    import pglast
    from pglast import ast as pg

    refusing = ""
    own_transaction = False
    for stmt in statements:
        try:
            parsed = pglast.parse_sql(stmt)
        except pglast.parser.ParseError:
            continue
        for raw in parsed:
            node = raw.stmt
            own_transaction = own_transaction or isinstance(node, pg.TransactionStmt)
            if not refusing:
                refusing = _refuses_transaction(node)
    if own_transaction:
        return RunMode.AS_WRITTEN, "the script manages its own transaction", refusing
    if refusing:
        return RunMode.STATEMENTS, f"{refusing} cannot run inside a transaction block", refusing
    return RunMode.TRANSACTION, "", ""


def _refuses_transaction(node: object) -> str:
    """The statement PostgreSQL refuses inside a transaction block, or ''."""
    from pglast import ast as pg

    if isinstance(node, pg.IndexStmt) and getattr(node, "concurrent", False):
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, pg.DropStmt) and getattr(node, "concurrent", False):
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, pg.ReindexStmt) and any(
        getattr(p, "defname", "") == "concurrently" for p in (node.params or ())
    ):
        return "REINDEX CONCURRENTLY"
    names = {
        pg.VacuumStmt: "VACUUM",
        pg.CreatedbStmt: "CREATE DATABASE",
        pg.DropdbStmt: "DROP DATABASE",
        pg.AlterSystemStmt: "ALTER SYSTEM",
    }
    for kind, name in names.items():
        if isinstance(node, kind):
            return name
    return ""
