"""Splitting a migration script into statements, and whether it may run in a transaction.

PostgreSQL scripts are split with Postgres' own scanner (pglast), MySQL scripts with the MySQL
lexer of the connectors, SQLite scripts with SQLite's own ``complete_statement`` test.
"""

from __future__ import annotations

import re
import sqlite3

TRANSACTION_OFF = re.compile(r"\A\s*--\s*schemashift:transaction\s+off\b", re.I)



def split(provider: str, script: str) -> list[str]:
    if provider in ("postgresql", "postgres", "cockroachdb"):
        import pglast

        return [s for s in pglast.split(script, with_parser=False) if _has_code(s)]
    if provider == "mysql":
        from schemashift.connectors.sqltext import split_mysql

        return [s for s in split_mysql(script) if _has_code(s)]
    return _split_sqlite(script)


def _has_code(stmt: str) -> bool:
    for line in stmt.splitlines():
        s = line.strip()
        if s and not s.startswith("--"):
            return True
    return False


def _split_sqlite(script: str) -> list[str]:
    out: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            stmt = buf.strip().rstrip(";").strip()
            if _has_code(stmt):
                out.append(stmt)
            buf = ""
    rest = buf.rstrip(";").strip()
    if _has_code(rest):
        out.append(rest)
    return out


def needs_no_transaction(provider: str, script: str) -> bool:
    """True when the script asks to run outside a transaction or cannot run inside one."""
    if TRANSACTION_OFF.search(script):
        return True
    if provider not in ("postgresql", "postgres"):
        return False
    return any(_pg_refuses_transaction(s) for s in split(provider, script))


def _pg_refuses_transaction(stmt: str) -> bool:
    """Parsed with Postgres' parser: statements PostgreSQL refuses inside a transaction block."""
    import pglast
    from pglast import ast as pg

    try:
        parsed = pglast.parse_sql(stmt)
    except pglast.parser.ParseError:
        return False
    for raw in parsed:
        node = raw.stmt
        if isinstance(node, (pg.IndexStmt, pg.DropStmt)) and getattr(node, "concurrent", False):
            return True
        if isinstance(node, pg.ReindexStmt) and any(
            getattr(p, "defname", "") == "concurrently" for p in (node.params or ())
        ):
            return True
        if isinstance(node, (pg.VacuumStmt, pg.CreatedbStmt, pg.DropdbStmt, pg.AlterSystemStmt)):
            return True
    return False


def controls_transactions(provider: str, script: str) -> bool:
    """True when a PostgreSQL script has its own top-level BEGIN/COMMIT/ROLLBACK (as Prisma's enum
    redefinition does): it cannot run inside schemashift's transaction, whose COMMIT it would take."""
    if provider not in ("postgresql", "postgres"):
        return False
    import pglast
    from pglast import ast as pg

    for stmt in split(provider, script):
        try:
            parsed = pglast.parse_sql(stmt)
        except pglast.parser.ParseError:
            continue
        if any(isinstance(raw.stmt, pg.TransactionStmt) for raw in parsed):
            return True
    return False
