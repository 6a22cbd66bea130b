"""Every lint rule: SQL that fires it, and close SQL that does not."""

from __future__ import annotations

import pytest

from schemashift.safety.lint import REGISTRY, LintConfig, lint_script

PG, MY, LITE = "postgresql", "mysql", "sqlite"
OFF = "-- schemashift:transaction off\n"
TIMEOUTS = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"

# rule id -> [(provider, firing SQL, non-firing SQL), ...]
CASES: dict[str, list[tuple[str, str, str]]] = {
    "adding-field-with-default": [
        (PG, 'ALTER TABLE "User" ADD COLUMN "t" UUID DEFAULT gen_random_uuid();', 'ALTER TABLE "User" ADD COLUMN "t" TEXT DEFAULT \'x\';'),
        (PG, 'ALTER TABLE "User" ADD COLUMN "d" INT GENERATED ALWAYS AS ("a" * 2) STORED;', 'ALTER TABLE "User" ADD COLUMN "c" TIMESTAMPTZ DEFAULT now();'),
        (PG, 'ALTER TABLE "User" ADD COLUMN "n" BIGSERIAL;', 'CREATE TABLE "N" ("n" BIGSERIAL);'),
    ],
    "adding-required-field": [
        (PG, 'ALTER TABLE "User" ADD COLUMN "p" TEXT NOT NULL;', 'ALTER TABLE "User" ADD COLUMN "p" TEXT NOT NULL DEFAULT \'\';'),
        (MY, "ALTER TABLE `User` ADD COLUMN `p` VARCHAR(20) NOT NULL;", "ALTER TABLE `User` ADD COLUMN `p` VARCHAR(20) NOT NULL DEFAULT '';"),
        (LITE, 'ALTER TABLE "User" ADD COLUMN "p" TEXT NOT NULL;', 'ALTER TABLE "User" ADD COLUMN "p" TEXT;'),
    ],
    "adding-not-nullable-field": [
        (PG, 'ALTER TABLE "User" ALTER COLUMN "p" SET NOT NULL;',
         'ALTER TABLE "User" ADD CONSTRAINT "p_nn" CHECK ("p" IS NOT NULL);\nALTER TABLE "User" ALTER COLUMN "p" SET NOT NULL;'),
    ],
    "adding-foreign-key-constraint": [
        (PG, 'ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id");',
         'ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id") NOT VALID;'),
        (PG, 'ALTER TABLE "Post" ADD COLUMN "a" BIGINT REFERENCES "User"("id");',
         'CREATE TABLE "Post" ("a" BIGINT);\nALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id");'),
    ],
    "constraint-missing-not-valid": [
        (PG, 'ALTER TABLE "User" ADD CONSTRAINT "c" CHECK ("age" > 0);', 'ALTER TABLE "User" ADD CONSTRAINT "c" CHECK ("age" > 0) NOT VALID;'),
        (PG, 'ALTER TABLE "User" ADD CONSTRAINT "c" CHECK ("age" > 0) NOT VALID;\nALTER TABLE "User" VALIDATE CONSTRAINT "c";',
         'ALTER TABLE "User" VALIDATE CONSTRAINT "c";'),
    ],
    "disallowed-unique-constraint": [
        (PG, 'ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE ("email");', 'ALTER TABLE "User" ADD CONSTRAINT "u" UNIQUE USING INDEX "u_idx";'),
    ],
    "adding-serial-primary-key-field": [
        (PG, 'ALTER TABLE "L" ADD PRIMARY KEY ("id");', 'ALTER TABLE "L" ADD CONSTRAINT "L_pkey" PRIMARY KEY USING INDEX "L_idx";'),
    ],
    "require-concurrent-index-creation": [
        (PG, 'CREATE INDEX "i" ON "User"("email");', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "User"("email");'),
        (PG, 'CREATE UNIQUE INDEX "i" ON "User"("email");', 'CREATE TABLE "User" ("email" TEXT);\nCREATE UNIQUE INDEX "i" ON "User"("email");'),
    ],
    "require-concurrent-index-deletion": [
        (PG, 'DROP INDEX "i";', 'DROP INDEX CONCURRENTLY IF EXISTS "i";'),
    ],
    "ban-concurrent-index-creation-in-transaction": [
        (PG, 'BEGIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "User"("e");\nCOMMIT;', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "User"("e");'),
    ],
    "changing-column-type": [
        (PG, 'ALTER TABLE "User" ALTER COLUMN "a" SET DATA TYPE BIGINT;', 'ALTER TABLE "User" ALTER COLUMN "a" SET DEFAULT 0;'),
        # a type known from earlier statements (or migrations): widening a varchar is metadata-only
        (PG, 'CREATE TABLE "T" ("a" VARCHAR(100));\nALTER TABLE "T" ALTER COLUMN "a" SET DATA TYPE VARCHAR(50);',
         'CREATE TABLE "T" ("a" VARCHAR(100));\nALTER TABLE "T" ALTER COLUMN "a" SET DATA TYPE VARCHAR(200);'),
        (PG, 'CREATE TABLE "T" ("a" VARCHAR(100));\nALTER TABLE "T" ALTER COLUMN "a" TYPE VARCHAR(200) USING trim("a");',
         'CREATE TABLE "T" ("n" NUMERIC(10,2));\nALTER TABLE "T" ALTER COLUMN "n" SET DATA TYPE NUMERIC(12,2);'),
    ],
    "renaming-column": [
        (PG, 'ALTER TABLE "User" RENAME COLUMN "a" TO "b";', 'ALTER TABLE "User" ADD COLUMN "b" TEXT;'),
        (MY, "ALTER TABLE `User` RENAME COLUMN `a` TO `b`;", "ALTER TABLE `User` RENAME INDEX `a` TO `b`;"),
        (MY, "ALTER TABLE `User` CHANGE `a` `b` INT;", "CREATE TABLE `User` (`a` INT);\nALTER TABLE `User` CHANGE `a` `a` BIGINT;"),
        (LITE, 'ALTER TABLE "User" RENAME COLUMN "a" TO "b";', 'ALTER TABLE "User" ADD COLUMN "b" TEXT;'),
    ],
    "renaming-table": [
        (PG, 'ALTER TABLE "User" RENAME TO "Person";', 'ALTER TABLE "User" RENAME COLUMN "a" TO "b";'),
        (MY, "RENAME TABLE `User` TO `Person`;", "CREATE TABLE `Person` (`id` INT);"),
        (LITE, 'ALTER TABLE "User" RENAME TO "Person";',
         'CREATE TABLE "new_User" ("id" INTEGER);\nINSERT INTO "new_User" ("id") SELECT "id" FROM "User";\n'
         'DROP TABLE "User";\nALTER TABLE "new_User" RENAME TO "User";'),
    ],
    "renaming-object": [
        (PG, 'ALTER INDEX "a" RENAME TO "b";', 'ALTER TABLE "User" RENAME COLUMN "a" TO "b";'),
    ],
    "ban-drop-column": [
        (PG, 'ALTER TABLE "User" DROP COLUMN "a";', 'ALTER TABLE "User" DROP CONSTRAINT "a";'),
        (MY, "ALTER TABLE `User` DROP COLUMN `a`;", "ALTER TABLE `User` DROP INDEX `a`;"),
        (MY, "ALTER TABLE `User` DROP `a`;", "ALTER TABLE `User` DROP FOREIGN KEY `a`;"),
        (LITE, 'ALTER TABLE "User" DROP COLUMN "a";', 'ALTER TABLE "User" ADD COLUMN "a" TEXT;'),
    ],
    "ban-drop-table": [
        (PG, 'DROP TABLE "User";', 'DROP VIEW "User";'),
        (MY, "DROP TABLE `User`;", "DROP TEMPORARY TABLE `tmp`;"),
        (LITE, 'DROP TABLE "User";',
         'CREATE TABLE "new_User" ("id" INTEGER);\nINSERT INTO "new_User" ("id") SELECT "id" FROM "User";\n'
         'DROP TABLE "User";\nALTER TABLE "new_User" RENAME TO "User";'),
    ],
    "ban-drop-database": [
        (PG, "DROP DATABASE app;", "DROP SCHEMA app;"),
        (MY, "DROP DATABASE app;", "DROP TABLE app;"),
    ],
    "ban-drop-not-null": [(PG, 'ALTER TABLE "U" ALTER COLUMN "a" DROP NOT NULL;', 'ALTER TABLE "U" ALTER COLUMN "a" DROP DEFAULT;')],
    "ban-truncate-cascade": [(PG, 'TRUNCATE "U" CASCADE;', 'TRUNCATE "U";')],
    "ban-create-domain-with-constraint": [(PG, "CREATE DOMAIN d AS int CHECK (VALUE > 0);", "CREATE DOMAIN d AS int;")],
    "ban-alter-domain-with-add-constraint": [
        (PG, "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0);", "ALTER DOMAIN d DROP CONSTRAINT c;"),
    ],
    "prefer-bigint-over-int": [(PG, 'CREATE TABLE "T" ("a" INTEGER);', 'CREATE TABLE "T" ("a" BIGINT);')],
    "prefer-bigint-over-smallint": [(PG, 'CREATE TABLE "T" ("a" SMALLINT);', 'CREATE TABLE "T" ("a" BIGINT);')],
    "prefer-identity": [(PG, 'CREATE TABLE "T" ("a" SERIAL);', 'CREATE TABLE "T" ("a" BIGINT GENERATED BY DEFAULT AS IDENTITY);')],
    "prefer-text-field": [(PG, 'CREATE TABLE "T" ("a" VARCHAR(10));', 'CREATE TABLE "T" ("a" VARCHAR);')],
    "prefer-timestamptz": [(PG, 'CREATE TABLE "T" ("a" TIMESTAMP(3));', 'CREATE TABLE "T" ("a" TIMESTAMPTZ(3));')],
    "ban-char-field": [(PG, 'CREATE TABLE "T" ("a" CHAR(2));', 'CREATE TABLE "T" ("a" TEXT);')],
    "prefer-robust-stmts": [
        (PG, OFF + 'ALTER TABLE "U" ADD COLUMN "a" TEXT;', OFF + 'ALTER TABLE "U" ADD COLUMN IF NOT EXISTS "a" TEXT;'),
        (PG, 'CREATE INDEX CONCURRENTLY "i" ON "U"("a");', 'ALTER TABLE "U" ADD COLUMN "a" TEXT;'),
    ],
    "transaction-nesting": [
        (PG, 'BEGIN;\nALTER TABLE "U" ADD COLUMN "a" TEXT;\nCOMMIT;\nALTER TABLE "U" ADD COLUMN "b" TEXT;',
         '-- Prisma wraps a whole enum redefinition\nBEGIN;\nALTER TABLE "U" ADD COLUMN "a" TEXT;\nCOMMIT;'),
        (PG, OFF + "COMMIT;", OFF + "BEGIN;\nSELECT 1;\nCOMMIT;"),
    ],
    "ban-uncommitted-transaction": [(PG, OFF + "BEGIN;\nSELECT 1;", OFF + "BEGIN;\nSELECT 1;\nROLLBACK;")],
    "require-lock-timeout": [
        (PG, 'ALTER TABLE "U" ADD COLUMN "a" TEXT;', "SET lock_timeout = '1s';\nALTER TABLE \"U\" ADD COLUMN \"a\" TEXT;"),
        (PG, 'DROP TABLE "U";', 'CREATE TABLE "U" ("a" TEXT);'),
    ],
    "require-statement-timeout": [
        (PG, 'ALTER TABLE "U" ADD COLUMN "a" TEXT;', "SET statement_timeout = '1s';\nALTER TABLE \"U\" ADD COLUMN \"a\" TEXT;"),
    ],
    "identifier-too-long": [
        (PG, 'CREATE TABLE "' + "x" * 64 + '" ("a" TEXT);', 'CREATE TABLE "' + "x" * 63 + '" ("a" TEXT);'),
    ],
    "require-enum-value-ordering": [(PG, "ALTER TYPE r ADD VALUE 'x';", "ALTER TYPE r ADD VALUE 'x' AFTER 'y';")],
    "enum-value-used-in-transaction": [
        (PG, "ALTER TYPE r ADD VALUE 'x';\nALTER TABLE \"U\" ALTER COLUMN \"r\" SET DEFAULT 'x';",
         OFF + "ALTER TYPE r ADD VALUE 'x';\nALTER TABLE \"U\" ALTER COLUMN \"r\" SET DEFAULT 'x';"),
    ],
    "require-concurrent-partition-detach": [
        (PG, "ALTER TABLE m DETACH PARTITION p;", "ALTER TABLE m DETACH PARTITION p CONCURRENTLY;"),
    ],
    "require-concurrent-reindex": [(PG, "REINDEX TABLE u;", "REINDEX TABLE CONCURRENTLY u;")],
    "ban-drop-constraint": [(PG, 'ALTER TABLE "U" DROP CONSTRAINT "c";', 'ALTER TABLE "U" ADD CONSTRAINT "c" CHECK (a > 0) NOT VALID;')],
    "ban-drop-default": [(PG, 'ALTER TABLE "U" ALTER COLUMN "a" DROP DEFAULT;', 'ALTER TABLE "U" ALTER COLUMN "a" SET DEFAULT 1;')],
    "ban-drop-generated-expression": [(PG, 'ALTER TABLE "U" ALTER COLUMN "a" DROP EXPRESSION;', 'ALTER TABLE "U" ALTER COLUMN "a" DROP DEFAULT;')],
    "ban-alter-identity": [(PG, 'ALTER TABLE "U" ALTER COLUMN "a" ADD GENERATED ALWAYS AS IDENTITY;', 'ALTER TABLE "U" ALTER COLUMN "a" SET DEFAULT 1;')],
    "ban-set-schema": [(PG, 'ALTER TABLE "U" SET SCHEMA archive;', 'CREATE SCHEMA archive;')],
    "ban-drop-type": [(PG, 'DROP TYPE "Role";', 'CREATE TYPE "Role" AS ENUM (\'A\');')],
    "ban-drop-view": [(PG, "DROP VIEW v;", "CREATE VIEW v AS SELECT 1;")],
    "ban-drop-function": [(PG, "DROP FUNCTION f();", "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql;")],
    "ban-drop-schema": [(PG, "DROP SCHEMA s;", "CREATE SCHEMA s;")],
    "ban-drop-sequence": [(PG, "DROP SEQUENCE s;", "CREATE SEQUENCE s;")],
    "ban-drop-domain": [(PG, "DROP DOMAIN d;", "CREATE DOMAIN d AS int;")],
    "ban-drop-extension": [(PG, 'DROP EXTENSION "citext";', 'CREATE EXTENSION IF NOT EXISTS "citext";')],
    "backfill-in-ddl-transaction": [
        (PG, 'ALTER TABLE "U" ADD COLUMN "s" TEXT;\nUPDATE "U" SET "s" = \'a\';', 'UPDATE "U" SET "s" = \'a\';'),
    ],
    # squawk's opt-in rules (off by default here too)
    "ban-add-column": [(PG, 'ALTER TABLE "U" ADD COLUMN "a" TEXT;', 'CREATE TABLE "U" ("a" TEXT);')],
    "ban-add-enum-value": [(PG, "ALTER TYPE r ADD VALUE 'x' AFTER 'y';", "ALTER TYPE r RENAME VALUE 'x' TO 'z';")],
    "ban-add-composite-attribute": [(PG, "ALTER TYPE addr ADD ATTRIBUTE zip text;", "ALTER TYPE addr RENAME ATTRIBUTE zip TO code;")],
    "ban-set-default": [(PG, 'ALTER TABLE "U" ALTER COLUMN "a" SET DEFAULT 1;', 'ALTER TABLE "U" ALTER COLUMN "a" DROP DEFAULT;')],
    "ban-alter-generated-expression": [
        (PG, 'ALTER TABLE "U" ALTER COLUMN "g" SET EXPRESSION AS ("a" * 2);', 'ALTER TABLE "U" ALTER COLUMN "g" DROP EXPRESSION;'),
    ],
    "ban-detach-inheritance": [(PG, "ALTER TABLE c NO INHERIT p;", "ALTER TABLE c INHERIT p;")],
    "ban-alter-sequence-values": [(PG, "ALTER SEQUENCE s RESTART WITH 10;", "CREATE SEQUENCE s2;")],
    "ban-new-write-restriction": [
        (PG, 'ALTER TABLE "U" ADD CONSTRAINT "c" CHECK ("a" > 0) NOT VALID;', 'ALTER TABLE "U" VALIDATE CONSTRAINT "c";'),
        (PG, 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "U"("a");', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "U"("a");'),
    ],
    "ban-drop-index": [(PG, 'DROP INDEX CONCURRENTLY IF EXISTS "i";', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "U"("a");')],
    "ban-drop-trigger": [(PG, 'DROP TRIGGER "t" ON "U";', 'DROP VIEW "t";')],
    "ban-drop-policy": [(PG, 'DROP POLICY "p" ON "U";', 'DROP VIEW "p";')],
    "ban-create-policy": [(PG, 'CREATE POLICY "p" ON "U" USING (true);', 'CREATE VIEW "p" AS SELECT 1;')],
    "ban-alter-policy-condition": [(PG, 'ALTER POLICY "p" ON "U" USING (false);', 'ALTER POLICY "p" ON "U" TO app;')],
    "ban-alter-policy-roles": [(PG, 'ALTER POLICY "p" ON "U" TO app;', 'ALTER POLICY "p" ON "U" USING (false);')],
    "ban-alter-row-level-security": [(PG, 'ALTER TABLE "U" ENABLE ROW LEVEL SECURITY;', 'ALTER TABLE "U" SET (fillfactor = 90);')],
    "ban-revoke": [(PG, 'REVOKE ALL ON "U" FROM app;', 'GRANT ALL ON "U" TO app;')],
    "ban-alter-function-options": [(PG, "ALTER FUNCTION f() SECURITY DEFINER;", "DROP VIEW f;")],
    "ban-alter-view-options": [(PG, "ALTER VIEW v SET (security_barrier = true);", "ALTER VIEW v RENAME TO w;")],
    "ban-alter-role-options": [(PG, "ALTER ROLE app NOLOGIN;", "CREATE ROLE app2;")],
    "ban-alter-database-options": [(PG, "ALTER DATABASE app SET work_mem = '1MB';", "SET work_mem = '1MB';")],
    "ban-alter-system-options": [(PG, "ALTER SYSTEM SET work_mem = '1MB';", "SET work_mem = '1MB';")],
    "ban-alter-extension": [(PG, 'ALTER EXTENSION "postgis" UPDATE;', 'CREATE EXTENSION IF NOT EXISTS "postgis";')],
    "ban-replica-identity": [(PG, 'ALTER TABLE "U" REPLICA IDENTITY FULL;', 'ALTER TABLE "U" SET (fillfactor = 90);')],
    "ban-disable-trigger": [(PG, 'ALTER TABLE "U" DISABLE TRIGGER ALL;', 'ALTER TABLE "U" SET (fillfactor = 90);')],
    "ban-replace-view-function": [(PG, "CREATE OR REPLACE VIEW v AS SELECT 1;", "CREATE VIEW v AS SELECT 1;")],
    "ban-duplicate-column-assignments": [(PG, 'UPDATE "U" SET "a" = 1, "a" = 2;', 'UPDATE "U" SET "a" = 1, "b" = 2;')],
    "require-table-schema": [(PG, 'CREATE TABLE "U" ("a" TEXT);', 'CREATE TABLE public."U" ("a" TEXT);')],
    "prefer-repack": [(PG, "VACUUM FULL u;", "VACUUM ANALYZE u;"), (PG, "CLUSTER u USING u_pkey;", "ANALYZE u;")],
    "syntax-error": [(PG, "ALTER TABEL x;", "ALTER TABLE x ADD COLUMN y TEXT;")],
    "invalid-ignore": [
        (MY, "-- schemashift:ignore ban-drop-table\nDROP TABLE `U`;", "-- schemashift:ignore ban-drop-table archived in #12\nDROP TABLE `U`;"),
        (LITE, "DROP TABLE \"U\"; -- schemashift:ignore ban-drop-table", "DROP TABLE \"U\"; -- schemashift:ignore ban-drop-table archived"),
        (PG, '-- schemashift:ignore ban-drop-table\nDROP TABLE "U";', '-- schemashift:ignore ban-drop-table archived in #12\nDROP TABLE "U";'),
        (PG, '-- schemashift:ignore no-such-rule because\nDROP TABLE "U";', '-- a plain comment\nSELECT 1;'),
    ],
    "unused-ignore": [
        (MY, "-- schemashift:ignore ban-drop-table nothing here\nSELECT 1;", "-- schemashift:ignore ban-drop-table archived\nDROP TABLE `U`;"),
        (LITE, "SELECT 1; -- schemashift:ignore ban-drop-table nothing", "DROP TABLE \"U\"; -- schemashift:ignore ban-drop-table archived"),
        (PG, "-- schemashift:ignore ban-drop-table not dropping anything\nSELECT 1;", '-- schemashift:ignore ban-drop-table archived\nDROP TABLE "U";'),
    ],
    "mysql-column-type-change": [
        (MY, "ALTER TABLE `U` MODIFY `a` BIGINT NOT NULL;", "ALTER TABLE `U` MODIFY `a` BIGINT NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;"),
        (MY, "ALTER TABLE `U` CHANGE COLUMN `a` `a` TEXT;", "CREATE TABLE `U` (`a` INT);\nALTER TABLE `U` MODIFY `a` TEXT;"),
    ],
    "mysql-add-column-position": [
        (MY, "ALTER TABLE `U` ADD COLUMN `a` INT AFTER `id`;", "ALTER TABLE `U` ADD COLUMN `a` INT AFTER `id`, ALGORITHM=INSTANT;"),
        (MY, "ALTER TABLE `U` ADD `a` INT FIRST;", "ALTER TABLE `U` ADD COLUMN `a` INT;"),
    ],
    "mysql-primary-key-change": [
        (MY, "ALTER TABLE `U` DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `t`);", "ALTER TABLE `U` DROP INDEX `x`;"),
    ],
    "mysql-add-foreign-key": [
        (MY, "ALTER TABLE `P` ADD CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `U`(`id`);",
         "CREATE TABLE `P` (`a` INT);\nALTER TABLE `P` ADD CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `U`(`id`);"),
    ],
    "mysql-table-rebuild": [
        (MY, "ALTER TABLE `U` CONVERT TO CHARACTER SET utf8mb4;", "ALTER TABLE `U` COMMENT = 'people';"),
        (MY, "ALTER TABLE `U` ENGINE = InnoDB;", "ALTER TABLE `U` RENAME INDEX `a` TO `b`;"),
    ],
    "mysql-non-transactional-ddl": [
        (MY, "ALTER TABLE `U` ADD COLUMN `a` INT;\nALTER TABLE `U` ADD COLUMN `b` INT;",
         "ALTER TABLE `U` ADD COLUMN `a` INT, ADD COLUMN `b` INT;\nUPDATE `U` SET `a` = 1;"),
    ],
    "sqlite-table-rebuild": [
        (LITE, 'PRAGMA defer_foreign_keys=ON;\nCREATE TABLE "new_U" ("id" INTEGER);\nINSERT INTO "new_U" ("id") SELECT "id" FROM "U";\n'
               'DROP TABLE "U";\nALTER TABLE "new_U" RENAME TO "U";',
         'CREATE TABLE "U2" ("id" INTEGER);\nINSERT INTO "U2" ("id") SELECT "id" FROM "U";'),
    ],
    "sqlite-non-constant-default": [
        (LITE, 'ALTER TABLE "U" ADD COLUMN "at" DATETIME DEFAULT CURRENT_TIMESTAMP;', 'ALTER TABLE "U" ADD COLUMN "n" INTEGER DEFAULT 0;'),
        (LITE, 'ALTER TABLE "U" ADD COLUMN "x" INTEGER NOT NULL DEFAULT (abs(random()));', 'ALTER TABLE "U" ADD COLUMN "s" TEXT NOT NULL DEFAULT \'a\';'),
    ],
}

PARAMS = [
    pytest.param(rule, provider, bad, good, id=f"{rule}-{provider}-{i}")
    for rule, cases in CASES.items()
    for i, (provider, bad, good) in enumerate(cases)
]


def fired(provider: str, sql: str) -> set[str]:
    return {f.rule for f in lint_script("m.sql", sql, provider, LintConfig(all_rules=True))}


FILE_LEVEL = {"edited-migration"}  # not about SQL: tested in test_lint_cli.py (--since)


def test_every_rule_has_cases() -> None:
    assert set(REGISTRY.rules) - FILE_LEVEL == set(CASES)
    for rule_id, cases in CASES.items():
        assert {p for p, _, _ in cases} == set(REGISTRY.rules[rule_id].providers), rule_id


@pytest.mark.parametrize(("rule", "provider", "bad", "good"), PARAMS)
def test_rule_fires_and_does_not(rule: str, provider: str, bad: str, good: str) -> None:
    assert rule in fired(provider, bad)
    assert rule not in fired(provider, good)


def test_rules_have_text_and_valid_levels() -> None:
    for r in REGISTRY.rules.values():
        assert r.level in ("error", "warning", "off")
        assert r.message.endswith(".") and r.help, r.id


def test_positions_point_at_the_offending_part() -> None:
    sql = '-- AlterTable\nALTER TABLE "User" ADD COLUMN "a" TEXT,\n  ADD COLUMN "t" UUID DEFAULT gen_random_uuid();\n'
    (f,) = [f for f in lint_script("m.sql", sql, PG) if f.rule == "adding-field-with-default"]
    assert (f.line, f.column) == (3, 23)
    assert sql.splitlines()[f.line - 1][f.column - 1 :].startswith("DEFAULT")


def test_non_ascii_positions() -> None:
    sql = "-- café\nALTER TABLE \"Café\" ADD COLUMN \"ü\" TEXT NOT NULL;"
    (f,) = [f for f in lint_script("m.sql", sql, PG) if f.rule == "adding-required-field"]
    assert sql.splitlines()[f.line - 1][f.column - 1 :].startswith('"ü"')


def test_config_timeouts_satisfy_timeout_rules() -> None:
    sql = 'ALTER TABLE "U" ADD COLUMN "a" TEXT;'
    rules = {f.rule for f in lint_script("m.sql", sql, PG, LintConfig(lock_timeout=True, statement_timeout=True))}
    assert not rules & {"require-lock-timeout", "require-statement-timeout"}


def test_levels_override_and_off() -> None:
    sql = 'DROP TABLE "U";'
    (f,) = [f for f in lint_script("m.sql", sql, PG, LintConfig(levels={"ban-drop-table": "warning"})) if f.rule == "ban-drop-table"]
    assert f.level == "warning"
    assert "ban-drop-table" not in {f.rule for f in lint_script("m.sql", sql, PG, LintConfig(levels={"ban-drop-table": "off"}))}


def test_defaults_off_rules_are_silent_by_default() -> None:
    assert "prefer-identity" not in {f.rule for f in lint_script("m.sql", 'CREATE TABLE "T" ("a" SERIAL);', PG)}


def test_prisma_sqlite_rebuild_is_not_data_loss() -> None:
    sql = (
        "-- RedefineTables\nPRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\n"
        'CREATE TABLE "new_Post" ("id" INTEGER NOT NULL PRIMARY KEY, "title" TEXT NOT NULL);\n'
        'INSERT INTO "new_Post" ("id", "title") SELECT "id", "title" FROM "Post";\n'
        'DROP TABLE "Post";\nALTER TABLE "new_Post" RENAME TO "Post";\n'
        "PRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n"
    )
    rules = [f.rule for f in lint_script("m.sql", sql, LITE)]
    assert "ban-drop-table" not in rules and "renaming-table" not in rules
    assert rules.count("sqlite-table-rebuild") == 1


def test_statements_in_literals_and_comments_are_not_split() -> None:
    sql = "INSERT INTO t VALUES ('DROP TABLE x; -- ');\n/* DROP TABLE y; */\nSELECT 1;"
    for provider in (PG, MY, LITE):
        assert "ban-drop-table" not in fired(provider, sql)


def test_transaction_decision_matches_the_apply_path() -> None:
    """The linter's in-transaction decision is the dialect's plan, the one deploy runs by."""
    from pathlib import Path

    from schemashift.dialects import get_dialect
    from schemashift.dialects.scripts import RunMode
    from schemashift.safety.lint.engine import Context
    from schemashift.safety.lint.postgres import PgLinter
    from schemashift.safety.lint.source import load

    corpus = sorted((Path(__file__).parent / "corpus" / "postgresql").glob("*.sql"))
    assert corpus
    for path in corpus:
        sql = path.read_text()
        ctx = Context(load(str(path), sql, PG), LintConfig(), False)
        PgLinter(ctx).run()
        plan = get_dialect(PG).plan_script(sql)
        assert ctx.in_transaction == (plan.mode is not RunMode.STATEMENTS and not plan.refusing), path.name


def test_prisma_engine_fixtures_lint_cleanly() -> None:
    """The engine's byte-exact Prisma migrations: no crash, no parse trouble, rebuilds are not drops."""
    from pathlib import Path

    fixtures = Path(__file__).parents[1] / "engine" / "fixtures"
    seen = 0
    for provider in (MY, LITE):
        for path in sorted((fixtures / provider).glob("*/expected.sql")):
            sql = path.read_text()
            found = lint_script(str(path), sql, provider, LintConfig(all_rules=True))
            seen += 1
            assert "syntax-error" not in {f.rule for f in found}
            if provider == LITE and "DROP TABLE" not in sql.replace('DROP TABLE "new_', ""):
                assert "ban-drop-table" not in {f.rule for f in found}, path
            if provider == LITE and "-- RedefineTables" in sql and "DropTable" not in sql:
                assert "ban-drop-table" not in {f.rule for f in found}, path
                assert "sqlite-table-rebuild" in {f.rule for f in found}, path
    if seen == 0:
        pytest.skip("no engine fixtures")


@pytest.mark.parametrize("provider", [PG, MY, LITE])
@pytest.mark.parametrize(
    "sql",
    ["", "-- only a comment\n", "SELECT 'unterminated", "/* open comment", ";;;", "ALTER TABLE", "DROP",
     "ALTER TABLE x ADD COLUMN y INT DEFAULT", "INSERT INTO x SELECT", "-- schemashift:ignore\n",
     "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;"],
)
def test_broken_or_odd_scripts_do_not_crash(provider: str, sql: str) -> None:
    found = lint_script("m.sql", sql, provider, LintConfig(all_rules=True))
    if provider == PG and sql in ("SELECT 'unterminated", "ALTER TABLE", "DROP"):
        assert "syntax-error" in {f.rule for f in found}


def test_mysql_modify_with_the_old_type_known_from_an_earlier_migration() -> None:
    """Nullability changes and VARCHAR widening within the same length-prefix size are in place."""
    from schemashift.safety.lint.engine import History

    def after_init(sql: str) -> set[str]:
        history = History()
        lint_script("1.sql", "CREATE TABLE `U` (`id` INT, `a` VARCHAR(191) NULL, `b` VARCHAR(20), `c` INT);", MY, None, history)
        return {f.rule for f in lint_script("2.sql", sql, MY, LintConfig(all_rules=True), history)}

    assert "mysql-column-type-change" not in after_init("ALTER TABLE `U` MODIFY `a` VARCHAR(191) NOT NULL;")
    assert "mysql-column-type-change" not in after_init("ALTER TABLE `U` MODIFY `b` VARCHAR(60) DEFAULT 'x';")
    assert "mysql-column-type-change" in after_init("ALTER TABLE `U` MODIFY `a` VARCHAR(60) NOT NULL;")
    assert "mysql-column-type-change" in after_init("ALTER TABLE `U` MODIFY `b` VARCHAR(100);")  # 1 -> 2 length bytes
    assert "mysql-column-type-change" in after_init("ALTER TABLE `U` MODIFY `c` BIGINT;")
    assert "mysql-column-type-change" in after_init("ALTER TABLE `U` MODIFY `z` INT NOT NULL;")  # unknown: reported
