"""Lint with live table sizes (``migrate lint --stats-url URL``): the one-shot forms that lock a
big table become errors that name the online form.

A finding of one of the rules in :data:`ONLINE_FORMS` on a statement whose table has at least
``large_table_rows`` rows (``[tool.schemashift] large_table_rows``, default the online planner's
:data:`~schemashift.online.plan.MIN_ROWS`) in the database the URL names is raised to ``error``,
with a message such as::

    CREATE INDEX on "User" (12,000,000 rows) locks writes until the index is built: use CREATE
    INDEX CONCURRENTLY (`migrate dev --online` writes it)

The sizes are the server's statistics (PostgreSQL ``pg_class.reltuples``, MySQL/MariaDB
``information_schema.TABLES.TABLE_ROWS``), read once; a table the statistics have never seen is
counted. Without a URL, levels stay as configured: a development table's size says nothing about
production's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemashift.safety.lint import myrules as M
from schemashift.safety.lint import pgrules as R


@dataclass(frozen=True)
class OnlineForm:
    what: str  # the one-shot statement, e.g. "CREATE INDEX"
    lock: str  # what it does to the table's users
    online: str  # the form to use instead
    written_by_online: bool  # `migrate dev --online` writes it


_NOT_NULL = "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL"
_COPY_TOOL = (
    "expand and contract (new column, batched backfill, switch), or an online copy by pt-online-schema-change "
    "(-- schemashift:online-copy: `migrate dev --online` writes it when the tool is installed)"
)

#: rule id -> the online form its finding names on a big table
ONLINE_FORMS: dict[str, OnlineForm] = {
    R.REQUIRE_CONCURRENT_INDEX_CREATION: OnlineForm(
        "CREATE INDEX", "locks writes until the index is built", "CREATE INDEX CONCURRENTLY", True
    ),
    R.REQUIRE_CONCURRENT_INDEX_DELETION: OnlineForm(
        "DROP INDEX", "locks reads and writes (ACCESS EXCLUSIVE)", "DROP INDEX CONCURRENTLY", True
    ),
    R.ADDING_FOREIGN_KEY: OnlineForm(
        "ADD FOREIGN KEY", "locks writes while every row is checked",
        "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in its own transaction", True,
    ),
    R.CONSTRAINT_MISSING_NOT_VALID: OnlineForm(
        "ADD CONSTRAINT", "locks writes while every row is checked",
        "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in its own transaction", True,
    ),
    R.ADDING_NOT_NULLABLE_FIELD: OnlineForm(
        "SET NOT NULL", "locks reads and writes while every row is scanned", _NOT_NULL, True
    ),
    R.DISALLOWED_UNIQUE_CONSTRAINT: OnlineForm(
        "ADD UNIQUE", "locks reads and writes while the index is built",
        "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX", False,
    ),
    R.ADDING_PRIMARY_KEY: OnlineForm(
        "ADD PRIMARY KEY", "locks reads and writes while the index is built",
        "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX", False,
    ),
    R.CHANGING_COLUMN_TYPE: OnlineForm(
        "ALTER COLUMN TYPE", "rewrites the table while reads and writes wait",
        "expand and contract (a new column, a batched backfill, then the switch)", False,
    ),
    R.ADDING_FIELD_WITH_DEFAULT: OnlineForm(
        "ADD COLUMN with a volatile default", "rewrites the table while reads and writes wait",
        "the column without the default, then a batched backfill (-- schemashift:backfill)", False,
    ),
    R.BACKFILL_IN_DDL_TRANSACTION: OnlineForm(
        "UPDATE in the schema change's transaction", "keeps the change's ACCESS EXCLUSIVE lock until every row is written",
        "a batched backfill (-- schemashift:backfill) in a migration of its own", False,
    ),
    M.MYSQL_COLUMN_TYPE_CHANGE: OnlineForm(
        "MODIFY COLUMN", "copies the table while writes wait",
        f"ALGORITHM=INPLACE, LOCK=NONE where the server can (`migrate dev --online` writes it), else {_COPY_TOOL}", False,
    ),
    M.MYSQL_ADD_FOREIGN_KEY: OnlineForm(
        "ADD FOREIGN KEY", "copies the table while writes wait",
        "SET foreign_key_checks = 0, ADD ... ALGORITHM=INPLACE, LOCK=NONE, then a lock-free check of the rows "
        "(`migrate dev --online` writes it)", False,
    ),
    M.MYSQL_TABLE_REBUILD: OnlineForm("this ALTER TABLE", "copies the table while writes wait", _COPY_TOOL, False),
    M.MYSQL_PRIMARY_KEY_CHANGE: OnlineForm(
        "a primary key change", "copies the table while writes wait", _COPY_TOOL, False
    ),
}


@dataclass(frozen=True)
class TableStats:
    """Rows per table (the default schema of the URL's database), and the table of each index."""

    rows: dict[str, int] = field(default_factory=dict)
    index_tables: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> tuple[str, int] | None:
        """(the table's name, its rows): by exact name, else ignoring case (the MySQL linter
        folds names)."""
        if name in self.rows:
            return name, self.rows[name]
        folded = [(t, n) for t, n in self.rows.items() if t.casefold() == name.casefold()]
        return folded[0] if len(folded) == 1 else None


def message(form: OnlineForm, table: str, rows: int) -> str:
    by = " (`migrate dev --online` writes it)" if form.written_by_online else ""
    return f'{form.what} on "{table}" ({rows:,} rows) {form.lock}: use {form.online}{by}.'


def read_stats(url: str) -> TableStats:
    """The live statistics of the database at ``url`` (a connection error is the usual P1001).
    SQLite's are not read: one writer at a time, no lock to escalate (its rules name none)."""
    from schemashift.connectors import connect

    with connect(url) as conn:
        if not conn.dialect.schema_change_locks_table:
            return TableStats()
        schema = conn.schema_name
        return TableStats(conn.row_estimates(schema=schema), conn.index_tables(schema))
