"""MySQL and SQLite rules: where those databases differ from PostgreSQL (checks in mysql.py, sqlite.py)."""

from __future__ import annotations

from schemashift.safety.lint.model import rule

MY = ("mysql",)
LITE = ("sqlite",)
ONLINE = (
    "Say ALGORITHM=INSTANT (or INPLACE) and LOCK=NONE on the ALTER TABLE so MySQL refuses to run it "
    "as a blocking table copy, or use an online schema change tool (gh-ost, pt-online-schema-change) "
    "on big tables."
)

MYSQL_COLUMN_TYPE_CHANGE = rule(
    "mysql-column-type-change", "error",
    "MODIFY/CHANGE COLUMN rebuilds the table, and a type change copies it (ALGORITHM=COPY), "
    "blocking writes for the whole copy.",
    f"Expand and contract (new column, backfill in batches, switch, drop), or: {ONLINE}",
    providers=MY,
)
MYSQL_ADD_COLUMN_POSITION = rule(
    "mysql-add-column-position", "warning",
    "Adding a column with FIRST/AFTER copies the table before MySQL 8.0.29 (and without "
    "ALGORITHM=INSTANT it may still rebuild it).",
    f"Add the column at the end (Prisma does), or: {ONLINE}",
    providers=MY,
)
MYSQL_PRIMARY_KEY_CHANGE = rule(
    "mysql-primary-key-change", "error",
    "Adding or dropping a PRIMARY KEY rebuilds the whole table (the clustered index is the table).",
    f"Schedule it for a maintenance window or use an online schema change tool. {ONLINE}",
    providers=MY,
)
MYSQL_ADD_FOREIGN_KEY = rule(
    "mysql-add-foreign-key", "warning",
    "Adding a foreign key with foreign_key_checks on copies the table (only the INPLACE algorithm "
    "with foreign_key_checks=0 avoids it).",
    "Create the foreign key together with the table, or add it with SET foreign_key_checks = 0 "
    "after checking the data yourself (orphans are not detected then).",
    providers=MY,
)
MYSQL_TABLE_REBUILD = rule(
    "mysql-table-rebuild", "error",
    "This ALTER TABLE rebuilds the table (CONVERT TO CHARACTER SET, ENGINE=, FORCE or "
    "ALGORITHM=COPY), blocking writes for the duration.",
    f"Run it in a maintenance window or with an online schema change tool. {ONLINE}",
    providers=MY,
)
MYSQL_NON_TRANSACTIONAL_DDL = rule(
    "mysql-non-transactional-ddl", "warning",
    "MySQL commits each DDL statement on its own: if a later statement of this migration fails, "
    "the ones before it stay applied (a half-applied migration).",
    "Keep one DDL statement per migration where you can, and make statements re-runnable; "
    "schemashift resumes a failed MySQL migration at the failed statement when the script is unchanged.",
    providers=MY,
)
SQLITE_TABLE_REBUILD = rule(
    "sqlite-table-rebuild", "warning",
    "SQLite cannot alter this column in place: the migration rebuilds the table (CREATE TABLE "
    "\"new_...\", copy every row, DROP, RENAME), holding the database's write lock for the copy.",
    "Fine for small tables; on big ones schedule it, or change the schema so that only columns "
    "are added (ALTER TABLE ADD COLUMN is in place).",
    providers=LITE,
)
SQLITE_NON_CONSTANT_DEFAULT = rule(
    "sqlite-non-constant-default", "error",
    "SQLite refuses ALTER TABLE ADD COLUMN with a non-constant default (CURRENT_TIMESTAMP, an "
    "expression): the statement fails.",
    "Add the column without the default (or with a constant), or rebuild the table.",
    providers=LITE,
)
