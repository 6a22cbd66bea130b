"""PostgreSQL rules: ids, default levels, messages and help (the checks are in postgres.py)."""

from __future__ import annotations

from schemashift.safety.lint.model import rule

BATCH = (
    "update existing rows in batches (UPDATE ... WHERE id BETWEEN ... in separate transactions), "
    "not in one statement inside the migration"
)

ADDING_FIELD_WITH_DEFAULT = rule(
    "adding-field-with-default", "error",
    "Adding a column with a volatile default (or a stored generated column) rewrites the whole table "
    "under an ACCESS EXCLUSIVE lock, blocking reads and writes; constant and stable defaults are "
    "metadata-only since PostgreSQL 11.",
    "Add the column without the default (or with a constant one), set the default in a second "
    f"statement so that only new rows get it, and {BATCH}.",
    squawk=("adding-field-with-default",),
)
ADDING_REQUIRED_FIELD = rule(
    "adding-required-field", "error",
    "Adding a NOT NULL column without a default fails on a table that has rows (and makes the "
    "column required for every client that inserts).",
    "Three steps (the migration guide's pattern): 1) add the column as optional, 2) fill it "
    f"({BATCH}), 3) make it required in a later migration; or give it a default.",
    providers=("postgresql", "mysql", "sqlite"),
    squawk=("adding-required-field",),
)
ADDING_NOT_NULLABLE_FIELD = rule(
    "adding-not-nullable-field", "warning",
    "SET NOT NULL scans the whole table to check for NULLs while holding an ACCESS EXCLUSIVE lock.",
    "On PostgreSQL 12+: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in "
    "a separate migration, then SET NOT NULL (it uses the validated check and skips the scan) and "
    "drop the check.",
    squawk=("adding-not-nullable-field",),
)
ADDING_FOREIGN_KEY = rule(
    "adding-foreign-key-constraint", "warning",
    "Adding a foreign key validates every existing row while holding SHARE ROW EXCLUSIVE locks on "
    "both tables, blocking writes to each.",
    "Add the constraint with NOT VALID (only new rows are checked), then VALIDATE CONSTRAINT in a "
    "separate migration: validation takes a weaker lock that lets writes through.",
    squawk=("adding-foreign-key-constraint",),
)
CONSTRAINT_MISSING_NOT_VALID = rule(
    "constraint-missing-not-valid", "warning",
    "Adding a CHECK or FOREIGN KEY constraint without NOT VALID scans the table while blocking "
    "writes (or validating it in the same transaction that added it keeps the strong lock).",
    "Add it NOT VALID in one migration and run ALTER TABLE ... VALIDATE CONSTRAINT in the next one.",
    squawk=("constraint-missing-not-valid",),
)
DISALLOWED_UNIQUE_CONSTRAINT = rule(
    "disallowed-unique-constraint", "warning",
    "Adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock, blocking reads "
    "and writes for the whole build.",
    "CREATE UNIQUE INDEX CONCURRENTLY first (in its own migration), then ADD CONSTRAINT ... UNIQUE "
    "USING INDEX, which is instant.",
    squawk=("disallowed-unique-constraint",),
)
ADDING_PRIMARY_KEY = rule(
    "adding-serial-primary-key-field", "warning",
    "Adding a PRIMARY KEY to an existing table builds its index under an ACCESS EXCLUSIVE lock.",
    "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.",
    squawk=("adding-serial-primary-key-field",),
)
REQUIRE_CONCURRENT_INDEX_CREATION = rule(
    "require-concurrent-index-creation", "error",
    "CREATE INDEX without CONCURRENTLY blocks writes to the table until the index is built.",
    "Use CREATE INDEX CONCURRENTLY (schemashift then runs the migration outside a transaction, "
    "statement by statement); keep it in its own migration, and use IF NOT EXISTS so a retry works.",
    squawk=("require-concurrent-index-creation",),
)
REQUIRE_CONCURRENT_INDEX_DELETION = rule(
    "require-concurrent-index-deletion", "warning",
    "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table.",
    "Use DROP INDEX CONCURRENTLY IF EXISTS, in its own migration (it cannot run in a transaction).",
    squawk=("require-concurrent-index-deletion",),
)
BAN_CONCURRENT_INDEX_IN_TX = rule(
    "ban-concurrent-index-creation-in-transaction", "error",
    "CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block: the migration fails.",
    "Remove the BEGIN/COMMIT: schemashift already runs a migration containing CONCURRENTLY outside "
    "a transaction, one statement at a time.",
    squawk=("ban-concurrent-index-creation-in-transaction",),
)
CHANGING_COLUMN_TYPE = rule(
    "changing-column-type", "error",
    "Changing a column's type usually rewrites the table and its indexes under an ACCESS EXCLUSIVE "
    "lock, and breaks clients that read the old type.",
    "Add a new column of the new type, write to both, backfill in batches, switch reads, then drop "
    "the old column (expand and contract). Only a few changes are free (e.g. varchar(n) -> text).",
    squawk=("changing-column-type",),
)
RENAMING_COLUMN = rule(
    "renaming-column", "warning",
    "Renaming a column breaks every running client that still uses the old name.",
    "Multi-phase: add the new column, deploy code that writes both, backfill, switch reads, then "
    "drop the old column in a later migration.",
    providers=("postgresql", "mysql", "sqlite"),
    squawk=("renaming-column",),
)
RENAMING_TABLE = rule(
    "renaming-table", "warning",
    "Renaming a table breaks every running client that still uses the old name.",
    "Create the new table (or a view with the new name) and move clients over before dropping the "
    "old one.",
    providers=("postgresql", "mysql", "sqlite"),
    squawk=("renaming-table",),
)
RENAMING_OBJECT = rule(
    "renaming-object", "off",
    "Renaming a schema object (index, constraint, type, sequence, view...) can break clients and "
    "tooling that refer to it by name.",
    "Check that nothing refers to the old name (Prisma renames indexes when @@index names change).",
    squawk=("renaming-object",),
)
BAN_DROP_COLUMN = rule(
    "ban-drop-column", "error",
    "Dropping a column loses its data and breaks running clients that still read it.",
    "Stop using the column in the application first, deploy, then drop it (the guide's phase 3); "
    "silence this rule with a reason once that is done.",
    providers=("postgresql", "mysql", "sqlite"),
    squawk=("ban-drop-column",),
)
BAN_DROP_TABLE = rule(
    "ban-drop-table", "error",
    "Dropping a table loses its data and breaks running clients that still use it.",
    "Make sure no client uses it and the data is backed up or no longer needed, then silence this "
    "rule with a reason.",
    providers=("postgresql", "mysql", "sqlite"),
    squawk=("ban-drop-table",),
)
BAN_DROP_DATABASE = rule(
    "ban-drop-database", "error",
    "Dropping a database in a migration destroys everything in it.",
    "Never drop databases from a migration; do it by hand, deliberately.",
    providers=("postgresql", "mysql"),
    squawk=("ban-drop-database",),
)
BAN_DROP_NOT_NULL = rule(
    "ban-drop-not-null", "warning",
    "Dropping NOT NULL lets NULLs in, which clients that assume a value may not handle.",
    "Make sure every reader handles NULL before deploying this migration.",
    squawk=("ban-drop-not-null",),
)
BAN_TRUNCATE_CASCADE = rule(
    "ban-truncate-cascade", "error",
    "TRUNCATE ... CASCADE also empties every table that references this one, recursively.",
    "Truncate the tables you mean explicitly, by name, without CASCADE.",
    squawk=("ban-truncate-cascade",),
)
BAN_CREATE_DOMAIN_WITH_CONSTRAINT = rule(
    "ban-create-domain-with-constraint", "warning",
    "Constraints on domains cannot be added or changed without locking every table that uses the "
    "domain, and are checked in ways that surprise (e.g. not on NULL-producing outer joins).",
    "Put CHECK constraints on the table columns instead of on the domain.",
    squawk=("ban-create-domain-with-constraint",),
)
BAN_ALTER_DOMAIN_WITH_ADD_CONSTRAINT = rule(
    "ban-alter-domain-with-add-constraint", "warning",
    "Adding a constraint to a domain checks every column of every table that uses the domain.",
    "Put CHECK constraints on the table columns (NOT VALID, then VALIDATE) instead.",
    squawk=("ban-alter-domain-with-add-constraint",),
)
PREFER_BIGINT_OVER_INT = rule(
    "prefer-bigint-over-int", "off",
    "A 32-bit integer key or counter can run out (2,147,483,647), and widening it later rewrites "
    "the table.",
    "Use bigint (Prisma: BigInt, or @db.BigInt) for ids and counters that grow.",
    squawk=("prefer-bigint-over-int",),
)
PREFER_BIGINT_OVER_SMALLINT = rule(
    "prefer-bigint-over-smallint", "off",
    "A 16-bit integer runs out at 32,767, and widening it later rewrites the table.",
    "Use bigint (or integer) unless the range is truly bounded.",
    squawk=("prefer-bigint-over-smallint",),
)
PREFER_IDENTITY = rule(
    "prefer-identity", "off",
    "serial columns use a separately owned sequence, which complicates permissions, dumps and "
    "schema changes.",
    "Use GENERATED BY DEFAULT AS IDENTITY (Prisma generates SERIAL for autoincrement()).",
    squawk=("prefer-identity",),
)
PREFER_TEXT_FIELD = rule(
    "prefer-text-field", "off",
    "A varchar(n) length limit can only be lowered (or, before PostgreSQL 9.2, raised) with a table "
    "rewrite under an ACCESS EXCLUSIVE lock.",
    "Use text, with a CHECK (length(col) <= n) constraint when a limit matters.",
    squawk=("prefer-text-field",),
)
PREFER_TIMESTAMPTZ = rule(
    "prefer-timestamptz", "off",
    "timestamp without time zone drops the UTC offset: instants written from different zones "
    "become ambiguous.",
    "Use timestamptz (Prisma: @db.Timestamptz).",
    squawk=("prefer-timestamp-tz",),
)
BAN_CHAR_FIELD = rule(
    "ban-char-field", "warning",
    "char(n) pads values with blanks and is almost never what is meant.",
    "Use text or varchar.",
    squawk=("ban-char-field",),
)
PREFER_ROBUST_STMTS = rule(
    "prefer-robust-stmts", "warning",
    "This migration runs outside a transaction, statement by statement: if it fails part way, "
    "re-running it fails again on the statements that already ran.",
    "Make each statement re-runnable (IF NOT EXISTS / IF EXISTS, DROP CONSTRAINT IF EXISTS before "
    "ADD CONSTRAINT), or move the statements that need no CONCURRENTLY into their own migration.",
    squawk=("prefer-robust-stmts",),
)
TRANSACTION_NESTING = rule(
    "transaction-nesting", "error",
    "BEGIN/COMMIT/ROLLBACK here splits the migration: a script with its own transaction control runs "
    "as written, so what a COMMIT commits stays applied when a later statement fails (the migration "
    "is left half applied).",
    "Remove the transaction statements (schemashift runs each migration in one transaction, or "
    "statement by statement when it contains CONCURRENTLY or `-- schemashift:transaction off`), or "
    "wrap the whole script in one BEGIN ... COMMIT.",
    squawk=("transaction-nesting",),
)
BAN_UNCOMMITTED_TRANSACTION = rule(
    "ban-uncommitted-transaction", "error",
    "This BEGIN is never committed or rolled back in the migration.",
    "Add the COMMIT, or remove the BEGIN.",
    squawk=("ban-uncommitted-transaction",),
)
REQUIRE_LOCK_TIMEOUT = rule(
    "require-lock-timeout", "warning",
    "No lock_timeout is set before this lock-taking statement: if it waits behind a long query, "
    "every query that arrives after it queues behind it too.",
    "Set `lock_timeout = \"5s\"` in [tool.schemashift] of pyproject.toml (schemashift sets it on "
    "every migration connection), or start the migration with SET lock_timeout = '5s';.",
    squawk=("require-lock-timeout",),
)
REQUIRE_STATEMENT_TIMEOUT = rule(
    "require-statement-timeout", "warning",
    "No statement_timeout is set before this potentially slow statement.",
    "Set `statement_timeout` in [tool.schemashift] of pyproject.toml, or SET statement_timeout "
    "at the start of the migration.",
    squawk=("require-statement-timeout",),
)
IDENTIFIER_TOO_LONG = rule(
    "identifier-too-long", "warning",
    "PostgreSQL truncates identifiers to 63 bytes: this name is silently shortened, and two long "
    "names can collide.",
    "Use a name of at most 63 bytes (Prisma: `map:` on @@index/@relation).",
    squawk=("identifier-too-long",),
)
REQUIRE_ENUM_VALUE_ORDERING = rule(
    "require-enum-value-ordering", "off",
    "ADD VALUE without BEFORE/AFTER appends the value at the end: enum comparisons and ORDER BY "
    "follow declaration order.",
    "Say where the value goes with BEFORE or AFTER when the order matters.",
    squawk=("require-enum-value-ordering",),
)
ENUM_VALUE_USED_IN_TRANSACTION = rule(
    "enum-value-used-in-transaction", "error",
    "A value added with ALTER TYPE ... ADD VALUE cannot be used in the transaction that added it "
    "(PostgreSQL: unsafe use of new value): this statement fails.",
    "Move the statements that use the new value (defaults, updates) into the next migration, or mark "
    "this one `-- schemashift:transaction off`.",
)
REQUIRE_CONCURRENT_DETACH = rule(
    "require-concurrent-partition-detach", "warning",
    "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the parent table.",
    "Use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), outside a transaction.",
    squawk=("require-concurrent-partition-detach",),
)
REQUIRE_CONCURRENT_REINDEX = rule(
    "require-concurrent-reindex", "warning",
    "REINDEX without CONCURRENTLY blocks writes (and reads through the index) until it finishes.",
    "Use REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction.",
    squawk=("require-concurrent-reindex",),
)
BAN_DROP_CONSTRAINT = rule(
    "ban-drop-constraint", "off",
    "Dropping a constraint removes a guarantee (uniqueness, a reference, a check) that clients may rely on.",
    "Make sure no code relies on it; Prisma drops and re-adds constraints when relations change.",
    squawk=("ban-drop-constraint",),
)
BAN_DROP_DEFAULT = rule(
    "ban-drop-default", "off",
    "Dropping a column default breaks clients that insert without giving the column.",
    "Deploy clients that always give the value first.",
    squawk=("ban-drop-default",),
)
BAN_DROP_GENERATED_EXPRESSION = rule(
    "ban-drop-generated-expression", "warning",
    "DROP EXPRESSION turns a generated column into a plain one: it stops being computed.",
    "Make sure writers now fill the column.",
    squawk=("ban-drop-generated-expression",),
)
BAN_ALTER_IDENTITY = rule(
    "ban-alter-identity", "warning",
    "Changing a column's identity changes how inserts get their values and may break existing inserts.",
    "Check every writer of the table before changing identity settings.",
    squawk=("ban-alter-identity",),
)
BAN_SET_SCHEMA = rule(
    "ban-set-schema", "warning",
    "Moving an object to another schema breaks clients that refer to it with the old schema.",
    "Create the object in the new schema and move clients before dropping the old one.",
    squawk=("ban-set-schema",),
)
DROP_RULES = {
    "OBJECT_TYPE": rule("ban-drop-type", "warning", "Dropping a type (e.g. an enum) breaks columns and clients that use it.",
                        "Make sure nothing uses the type any more.", squawk=("ban-drop-type",)),
    "OBJECT_VIEW": rule("ban-drop-view", "warning", "Dropping a view breaks clients that query it.",
                        "Make sure no client queries the view any more.", squawk=("ban-drop-view",)),
    "OBJECT_FUNCTION": rule("ban-drop-function", "warning", "Dropping a function breaks callers, defaults and triggers that use it.",
                            "Make sure nothing calls it any more.", squawk=("ban-drop-function",)),
    "OBJECT_SCHEMA": rule("ban-drop-schema", "warning", "Dropping a schema drops (with CASCADE) or requires dropping everything in it.",
                          "Drop the objects in it deliberately first.", squawk=("ban-drop-schema",)),
    "OBJECT_SEQUENCE": rule("ban-drop-sequence", "warning", "Dropping a sequence breaks defaults (nextval) and clients that use it.",
                            "Make sure no column default uses it.", squawk=("ban-drop-sequence",)),
    "OBJECT_DOMAIN": rule("ban-drop-domain", "warning", "Dropping a domain breaks columns that use it.",
                          "Change the columns' types first.", squawk=("ban-drop-domain",)),
    "OBJECT_EXTENSION": rule("ban-drop-extension", "warning", "Dropping an extension also drops its types and functions, and what depends on them.",
                             "Make sure nothing uses the extension any more.", squawk=("ban-drop-extension",)),
}
DROP_RULES["OBJECT_MATVIEW"] = DROP_RULES["OBJECT_VIEW"]
DROP_RULES["OBJECT_PROCEDURE"] = DROP_RULES["OBJECT_FUNCTION"]
BACKFILL_IN_DDL_TRANSACTION = rule(
    "backfill-in-ddl-transaction", "warning",
    "This UPDATE/DELETE runs in the same transaction as a schema change of the same table, so the "
    "ACCESS EXCLUSIVE lock of that change is held until every row is written.",
    f"Backfill in a separate migration (or a script), and {BATCH}.",
)

# ---------------------------------------------------------------------------------------------
# Off by default: squawk's opt-in rules for deployments where old and new application versions
# run side by side (blue-green, replicas, rolling deploys) or where security settings are
# reviewed separately. Enable them in [tool.schemashift.lint].
_COMPAT = "Old application versions still running during a rolling deploy may break on this."
_REVIEW = "Review it with the team that owns the database's security and replication settings."


def _optin(id: str, message: str, help: str = _COMPAT) -> str:
    return rule(id, "off", message, help, squawk=(id,))


BAN_ADD_COLUMN = _optin("ban-add-column", "Adding a column changes `SELECT *` results and positional INSERTs of running clients.")
BAN_ADD_ENUM_VALUE = _optin("ban-add-enum-value", "Clients that map the enum exhaustively fail on the new value.")
BAN_ADD_COMPOSITE_ATTRIBUTE = _optin("ban-add-composite-attribute", "Adding an attribute to a composite type changes its shape for every client that reads it.")
BAN_SET_DEFAULT = _optin("ban-set-default", "Changing a column default changes what inserts by running clients store.")
BAN_ALTER_GENERATED_EXPRESSION = _optin("ban-alter-generated-expression", "Adding or changing a generated column's expression rewrites the table and changes values under running clients.")
BAN_DETACH_INHERITANCE = _optin("ban-detach-inheritance", "NO INHERIT / DETACH PARTITION removes the table's rows from queries on the parent table.")
BAN_ALTER_SEQUENCE_VALUES = _optin("ban-alter-sequence-values", "Changing a sequence's values (RESTART, INCREMENT, bounds) can produce duplicate or unexpected ids.")
BAN_NEW_WRITE_RESTRICTION = _optin("ban-new-write-restriction", "A new constraint, NOT NULL or unique index can reject writes that running clients still make.")
BAN_DROP_INDEX = _optin("ban-drop-index", "Dropping an index can make running queries slow (or break ON CONFLICT targets).")
BAN_DROP_TRIGGER = _optin("ban-drop-trigger", "Dropping a trigger removes behaviour (auditing, derived values) that clients rely on.")
BAN_DROP_POLICY = _optin("ban-drop-policy", "Dropping a row-level security policy changes which rows clients can see or write.", _REVIEW)
BAN_CREATE_POLICY = _optin("ban-create-policy", "A new row-level security policy changes which rows clients can see or write.", _REVIEW)
BAN_ALTER_POLICY_CONDITION = _optin("ban-alter-policy-condition", "Changing a policy's condition changes which rows clients can see or write.", _REVIEW)
BAN_ALTER_POLICY_ROLES = _optin("ban-alter-policy-roles", "Changing a policy's roles changes who can see or write rows.", _REVIEW)
BAN_ALTER_ROW_LEVEL_SECURITY = _optin("ban-alter-row-level-security", "Enabling or disabling row-level security changes what every client can see.", _REVIEW)
BAN_REVOKE = _optin("ban-revoke", "Revoking privileges (or changing a table's owner) breaks clients that use them.", _REVIEW)
BAN_ALTER_FUNCTION_OPTIONS = _optin("ban-alter-function-options", "Changing function options (SECURITY DEFINER, search_path, volatility) changes its behaviour for callers.", _REVIEW)
BAN_ALTER_VIEW_OPTIONS = _optin("ban-alter-view-options", "Changing view options (security_barrier, check_option) changes what clients see.", _REVIEW)
BAN_ALTER_ROLE_OPTIONS = _optin("ban-alter-role-options", "Changing role options in a migration affects every session of that role.", _REVIEW)
BAN_ALTER_DATABASE_OPTIONS = _optin("ban-alter-database-options", "Changing database settings in a migration affects every session.", _REVIEW)
BAN_ALTER_SYSTEM_OPTIONS = _optin("ban-alter-system-options", "ALTER SYSTEM changes server configuration from a migration.", _REVIEW)
BAN_ALTER_EXTENSION = _optin("ban-alter-extension", "Updating or changing an extension changes its functions and types under running clients.", _REVIEW)
BAN_REPLICA_IDENTITY = _optin("ban-replica-identity", "Changing REPLICA IDENTITY changes what logical replication and CDC consumers receive.", _REVIEW)
BAN_DISABLE_TRIGGER = _optin("ban-disable-trigger", "Disabling or enabling triggers changes what happens on writes (disabling ALL also skips the foreign key triggers).")
BAN_REPLACE_VIEW_FUNCTION = _optin("ban-replace-view-function", "CREATE OR REPLACE of a view or function changes it in place under running clients.")
BAN_DUPLICATE_COLUMN_ASSIGNMENTS = _optin("ban-duplicate-column-assignments", "The UPDATE assigns the same column twice (PostgreSQL rejects it).", "Assign each column once.")
REQUIRE_TABLE_SCHEMA = _optin("require-table-schema", "The table is not schema-qualified: it resolves through search_path.", "Write schema.table.")
PREFER_REPACK = rule(
    "prefer-repack", "warning",
    "CLUSTER and VACUUM FULL rewrite the table under an ACCESS EXCLUSIVE lock for the whole rewrite.",
    "Use pg_repack (or pg_squeeze), which rewrites the table online, outside the migration.",
    squawk=("prefer-repack",),
)
