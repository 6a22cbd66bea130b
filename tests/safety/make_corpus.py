"""Writes tests/safety/corpus/: PostgreSQL migration files for the side-by-side run with squawk.

Each file is one small migration: hand-written cases that do and do not fire each of squawk's
PostgreSQL rules, and Prisma-generated style migrations (init, added fields, relations, enums,
redefined enums, dropped columns with Prisma's warning header). Run it to regenerate the folder:
``python tests/safety/make_corpus.py``.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).parent / "corpus" / "postgresql"

CASES: dict[str, str] = {}


def case(name: str, sql: str) -> None:
    assert name not in CASES, name
    CASES[name] = sql.strip() + "\n"


T = ['"User"', "users", 'public."Account"', '"order_items"']

# ---------------------------------------------------------------- adding-field-with-default
for i, (t, default) in enumerate([
    (T[0], "gen_random_uuid()"), (T[1], "random()"), (T[2], "clock_timestamp()"),
    (T[3], "uuid_generate_v4()"), (T[1], "(random() * 100)::int"), (T[0], "nextval('seq')"),
]):
    case(f"afwd_bad_{i}", f'ALTER TABLE {t} ADD COLUMN "token" TEXT DEFAULT {default};')
for i, (t, default) in enumerate([
    (T[0], "'active'"), (T[1], "0"), (T[2], "now()"), (T[3], "CURRENT_TIMESTAMP"),
    (T[1], "'{}'::jsonb"), (T[0], "false"), (T[2], "lower('X')"),
]):
    case(f"afwd_ok_{i}", f'ALTER TABLE {t} ADD COLUMN "flag" TEXT DEFAULT {default};')
case("afwd_generated", 'ALTER TABLE "User" ADD COLUMN "double" BIGINT GENERATED ALWAYS AS ("age" * 2) STORED;')

# ---------------------------------------------------------------- adding-required-field
for i, t in enumerate(T):
    case(f"arf_bad_{i}", f'ALTER TABLE {t} ADD COLUMN "phone" VARCHAR(20) NOT NULL;')
    case(f"arf_ok_default_{i}", f'ALTER TABLE {t} ADD COLUMN "phone" TEXT NOT NULL DEFAULT \'N/A\';')
    case(f"arf_ok_nullable_{i}", f'ALTER TABLE {t} ADD COLUMN "phone" TEXT;')

# ---------------------------------------------------------------- adding-not-nullable-field
for i, t in enumerate(T):
    case(f"annf_bad_{i}", f'ALTER TABLE {t} ALTER COLUMN "phone" SET NOT NULL;')
case("annf_three_step", """
-- Step 1 and 2 of the guide's pattern, step 3 in a later migration
ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);
UPDATE users SET phone_number = 'N/A' WHERE phone_number IS NULL;
""")
case("annf_check_validated", """
ALTER TABLE users ADD CONSTRAINT users_phone_nn CHECK (phone IS NOT NULL) NOT VALID;
""")

# ---------------------------------------------------------------- foreign keys / NOT VALID
for i, t in enumerate(T):
    case(f"fk_bad_{i}", f'ALTER TABLE {t} ADD CONSTRAINT "fk_{i}" FOREIGN KEY ("authorId") REFERENCES "Author"("id") ON DELETE CASCADE ON UPDATE CASCADE;')
    case(f"fk_ok_not_valid_{i}", f'ALTER TABLE {t} ADD CONSTRAINT "fk_{i}" FOREIGN KEY ("authorId") REFERENCES "Author"("id") NOT VALID;')
    case(f"check_bad_{i}", f'ALTER TABLE {t} ADD CONSTRAINT "age_positive_{i}" CHECK ("age" > 0);')
    case(f"check_ok_{i}", f'ALTER TABLE {t} ADD CONSTRAINT "age_positive_{i}" CHECK ("age" > 0) NOT VALID;')
case("fk_column_references", 'ALTER TABLE "Post" ADD COLUMN "editorId" BIGINT REFERENCES "User"("id");')
case("fk_validate_next_migration", 'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";')
case("fk_validate_same_tx", """
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
""")
case("fk_new_table", """
CREATE TABLE "Comment" ("id" BIGSERIAL NOT NULL, "postId" BIGINT NOT NULL, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
""")

# ---------------------------------------------------------------- unique / primary keys
for i, t in enumerate(T):
    case(f"unique_bad_{i}", f'ALTER TABLE {t} ADD CONSTRAINT "email_key_{i}" UNIQUE ("email");')
    case(f"unique_ok_using_index_{i}", f'ALTER TABLE {t} ADD CONSTRAINT "email_key_{i}" UNIQUE USING INDEX "email_idx_{i}";')
case("pk_bad", 'ALTER TABLE "Legacy" ADD PRIMARY KEY ("id");')
case("pk_bad_named", 'ALTER TABLE "Legacy" ADD CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id", "tenant");')
case("pk_ok_using_index", 'ALTER TABLE "Legacy" ADD CONSTRAINT "Legacy_pkey" PRIMARY KEY USING INDEX "Legacy_id_idx";')
case("pk_serial_column", 'ALTER TABLE "Legacy" ADD COLUMN "id" BIGSERIAL PRIMARY KEY;')

# ---------------------------------------------------------------- indexes
for i, t in enumerate(T):
    case(f"index_bad_{i}", f'CREATE INDEX "idx_{i}" ON {t}("email");')
    case(f"unique_index_bad_{i}", f'CREATE UNIQUE INDEX "uniq_{i}" ON {t}("email", "tenant");')
    case(f"index_ok_{i}", f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_{i}" ON {t}("email");')
    case(f"drop_index_bad_{i}", f'DROP INDEX "idx_{i}";')
    case(f"drop_index_ok_{i}", f'DROP INDEX CONCURRENTLY IF EXISTS "idx_{i}";')
case("index_concurrently_not_robust", 'CREATE INDEX CONCURRENTLY "users_email_idx" ON users (email);')
case("index_concurrent_in_tx", """
BEGIN;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON users (email);
COMMIT;
""")
case("index_transaction_off", """
-- schemashift:transaction off
CREATE INDEX "users_email_idx" ON users (email);
""")
case("drop_index_concurrent_in_tx", """
BEGIN;
DROP INDEX CONCURRENTLY IF EXISTS "users_email_idx";
COMMIT;
""")

# ---------------------------------------------------------------- column types, renames, drops
for i, (t, ty) in enumerate([(T[0], "BIGINT"), (T[1], "TEXT"), (T[2], "VARCHAR(500)"), (T[3], "INTEGER USING \"qty\"::integer")]):
    case(f"change_type_{i}", f'ALTER TABLE {t} ALTER COLUMN "qty" SET DATA TYPE {ty};')
for i, t in enumerate(T):
    case(f"rename_column_{i}", f'ALTER TABLE {t} RENAME COLUMN "name" TO "full_name";')
    case(f"rename_table_{i}", f'ALTER TABLE {t} RENAME TO "renamed_{i}";')
    case(f"drop_column_{i}", f'ALTER TABLE {t} DROP COLUMN "legacy";')
    case(f"drop_column_if_exists_{i}", f'ALTER TABLE {t} DROP COLUMN IF EXISTS "legacy";')
    case(f"drop_table_{i}", f'DROP TABLE {t};')
case("drop_table_if_exists_cascade", 'DROP TABLE IF EXISTS "Session" CASCADE;')
case("drop_database", "DROP DATABASE legacy_app;")
case("drop_database_if_exists", "DROP DATABASE IF EXISTS scratch;")
case("rename_index", 'ALTER INDEX "User_email_key" RENAME TO "User_email_unique";')
case("rename_constraint", 'ALTER TABLE "Post" RENAME CONSTRAINT "Post_a_fkey" TO "Post_author_fkey";')
case("rename_type", 'ALTER TYPE "Role" RENAME TO "UserRole";')
case("drop_not_null", 'ALTER TABLE "User" ALTER COLUMN "name" DROP NOT NULL;')
case("drop_default", 'ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;')
case("set_default", 'ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT \'USER\';')
case("drop_constraint", 'ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";')
case("drop_constraint_if_exists", 'ALTER TABLE "Post" DROP CONSTRAINT IF EXISTS "Post_authorId_fkey";')
case("drop_expression", 'ALTER TABLE "User" ALTER COLUMN "double" DROP EXPRESSION;')
case("add_identity", 'ALTER TABLE "User" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY;')
case("set_schema", 'ALTER TABLE "User" SET SCHEMA archive;')

# ---------------------------------------------------------------- drops of other objects
for kind, name in [("TYPE", '"Role"'), ("VIEW", "active_users"), ("FUNCTION", "touch_updated_at()"),
                   ("SCHEMA", "archive"), ("SEQUENCE", '"User_id_seq"'), ("DOMAIN", "positive_int"),
                   ("EXTENSION", '"uuid-ossp"'), ("MATERIALIZED VIEW", "stats")]:
    case(f"drop_{kind.lower().replace(' ', '_')}", f"DROP {kind} {name};")
    case(f"drop_{kind.lower().replace(' ', '_')}_if_exists", f"DROP {kind} IF EXISTS {name};")

# ---------------------------------------------------------------- types in CREATE TABLE
case("types_int", 'CREATE TABLE "Counter" ("id" SERIAL NOT NULL, "hits" INTEGER NOT NULL, CONSTRAINT "Counter_pkey" PRIMARY KEY ("id"));')
case("types_smallint", 'CREATE TABLE "Flag" ("id" BIGINT NOT NULL, "level" SMALLINT NOT NULL, "x" smallserial, "y" int2);')
case("types_varchar", 'CREATE TABLE "Tag" ("id" BIGINT NOT NULL, "name" VARCHAR(100) NOT NULL, "slug" varchar NOT NULL);')
case("types_char", 'CREATE TABLE "Country" ("code" CHAR(2) NOT NULL, "alt" character(3), "name" TEXT NOT NULL);')
case("types_timestamp", 'CREATE TABLE "Event" ("id" BIGINT NOT NULL, "at" TIMESTAMP(3) NOT NULL, "tz" TIMESTAMPTZ, "d" DATE);')
case("types_good", 'CREATE TABLE IF NOT EXISTS "Good" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "name" TEXT NOT NULL, "at" TIMESTAMPTZ NOT NULL DEFAULT now());')
case("types_bigserial", 'CREATE TABLE "Log" ("id" BIGSERIAL PRIMARY KEY, "line" TEXT);')
case("types_add_column_int", 'ALTER TABLE "User" ADD COLUMN "score" INTEGER;')
case("types_alter_to_varchar", 'ALTER TABLE "User" ALTER COLUMN "bio" TYPE VARCHAR(280);')

# ---------------------------------------------------------------- transactions
case("tx_nested_begin", 'BEGIN;\nALTER TABLE "User" ADD COLUMN "bio" TEXT;\nCOMMIT;')
case("tx_commit_only", 'ALTER TABLE "User" ADD COLUMN "bio" TEXT;\nCOMMIT;')
case("tx_uncommitted", """
-- schemashift:transaction off
BEGIN;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "bio" TEXT;
""")
case("tx_double_begin", 'BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;')
case("tx_rollback", 'SELECT 1;\nROLLBACK;')

# ---------------------------------------------------------------- domains, truncate, enums, misc
case("domain_check", "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);")
case("domain_plain", "CREATE DOMAIN email AS text;")
case("domain_not_null", "CREATE DOMAIN email2 AS text NOT NULL;")
case("alter_domain_add", "ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0);")
case("alter_domain_add_not_valid", "ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;")
case("alter_domain_drop", "ALTER DOMAIN positive_int DROP CONSTRAINT positive;")
case("truncate_cascade", 'TRUNCATE "User" CASCADE;')
case("truncate_plain", 'TRUNCATE "Session";')
case("enum_add_value", 'ALTER TYPE "Role" ADD VALUE \'MODERATOR\';')
case("enum_add_value_before", 'ALTER TYPE "Role" ADD VALUE \'MODERATOR\' BEFORE \'ADMIN\';')
case("enum_add_value_if_not_exists", 'ALTER TYPE "Role" ADD VALUE IF NOT EXISTS \'GUEST\' AFTER \'USER\';')
case("enum_value_used_same_tx", """
ALTER TYPE "Role" ADD VALUE 'MODERATOR';
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'MODERATOR';
""")
case("detach_partition", "ALTER TABLE measurements DETACH PARTITION measurements_2020;")
case("detach_partition_concurrently", "ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;")
case("reindex_table", 'REINDEX TABLE "User";')
case("reindex_index_concurrently", 'REINDEX INDEX CONCURRENTLY "User_email_key";')
case("long_identifier", 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "' + "a" * 70 + '" ON "User"("email");')
case("long_identifier_table", 'CREATE TABLE "' + "very_long_table_name_" * 4 + '" ("id" BIGINT);')
case("timeouts_set", """
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
""")
case("timeouts_lock_only", """
SET lock_timeout = '2s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
""")
case("timeouts_local", """
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '30s';
CREATE INDEX "User_nickname_idx" ON "User"("nickname");
""")
case("dml_only", """
UPDATE "User" SET "role" = 'USER' WHERE "role" IS NULL;
INSERT INTO "Setting" ("key", "value") VALUES ('theme', 'dark');
""")
case("backfill_after_alter", """
ALTER TABLE "User" ADD COLUMN "status" TEXT;
UPDATE "User" SET "status" = 'active';
""")
case("create_view", "CREATE OR REPLACE VIEW active_users AS SELECT * FROM users WHERE active;")
case("create_function", "CREATE OR REPLACE FUNCTION one() RETURNS int AS 'select 1' LANGUAGE sql;")
case("comment_on", "COMMENT ON TABLE \"User\" IS 'people';")
case("create_extension", 'CREATE EXTENSION IF NOT EXISTS "pgcrypto";')
case("vacuum_full", "VACUUM FULL users;")
case("cluster", "CLUSTER users USING users_pkey;")

# ---------------------------------------------------------------- robust statements (no transaction)
OFF = "-- schemashift:transaction off\n"
case("robust_add_column", OFF + 'ALTER TABLE "User" ADD COLUMN "bio" TEXT;')
case("robust_add_column_ok", OFF + 'ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "bio" TEXT;')
case("robust_create_table", OFF + 'CREATE TABLE "Audit" ("id" BIGINT PRIMARY KEY);')
case("robust_create_table_ok", OFF + 'CREATE TABLE IF NOT EXISTS "Audit" ("id" BIGINT PRIMARY KEY);')
case("robust_drop_table", OFF + 'DROP TABLE "Audit";')
case("robust_drop_type", OFF + 'DROP TYPE "Mood";')
case("robust_set_not_null", OFF + 'ALTER TABLE "User" ALTER COLUMN "bio" SET NOT NULL;')
case("robust_constraint_cycle", OFF + """
ALTER TABLE "Post" DROP CONSTRAINT IF EXISTS "Post_authorId_fkey";
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
""")
case("robust_concurrent_pair", """
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User"("email");
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";
""")
case("robust_rename", OFF + 'ALTER TABLE "User" RENAME COLUMN "a" TO "b";')

# ---------------------------------------------------------------- Prisma-generated style
case("prisma_init", """
-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "content" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
""")
case("prisma_add_optional_field", """
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "firstName" TEXT;
""")
case("prisma_add_required_field", """
/*
  Warnings:

  - Added the required column `phone` to the `User` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "phone" TEXT NOT NULL;
""")
case("prisma_add_field_default_now", """
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
""")
case("prisma_drop_column", """
/*
  Warnings:

  - You are about to drop the column `name` on the `User` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "User" DROP COLUMN "name";
""")
case("prisma_drop_column_ignored", """
/*
  Warnings:

  - You are about to drop the column `legacy` on the `User` table. All the data in the column will be lost.

*/
-- schemashift:ignore ban-drop-column the app stopped reading `legacy` in release 41
-- squawk-ignore ban-drop-column
ALTER TABLE "User" DROP COLUMN "legacy";
""")
case("prisma_make_required", """
/*
  Warnings:

  - Made the column `name` on table `User` required. This step will fail if there are existing NULL values in that column.

*/
-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
""")
case("prisma_change_type", """
/*
  Warnings:

  - You are about to alter the column `title` on the `Post` table. The data in that column could be lost. The data in that column will be cast from `Text` to `VarChar(200)`.

*/
-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE VARCHAR(200);
""")
case("prisma_add_unique", """
/*
  Warnings:

  - A unique constraint covering the columns `[slug]` on the table `Post` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateIndex
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
""")
case("prisma_add_relation", """
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "categoryId" INTEGER;

-- CreateTable
CREATE TABLE "Category" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;
""")
case("prisma_enum_add_value", """
-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'MODERATOR';
""")
case("prisma_enum_remove_value", """
/*
  Warnings:

  - The values [GUEST] on the enum `Role` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
""")
case("prisma_drop_table", """
/*
  Warnings:

  - You are about to drop the `Session` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "Session" DROP CONSTRAINT "Session_userId_fkey";

-- DropTable
DROP TABLE "Session";
""")
case("prisma_rename_index", """
-- RenameIndex
ALTER INDEX "Post_authorId_index" RENAME TO "Post_authorId_idx";
""")
case("prisma_many_to_many", """
-- CreateTable
CREATE TABLE "_PostToTag" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");

-- AddForeignKey
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
""")
case("prisma_index_existing_table", """
-- CreateIndex
CREATE INDEX "User_createdAt_idx" ON "User"("createdAt" DESC);
""")
case("prisma_drop_index", """
-- DropIndex
DROP INDEX "User_createdAt_idx";
""")
case("prisma_uuid_default_add", """
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "publicId" UUID NOT NULL DEFAULT gen_random_uuid();
""")
case("prisma_json_and_decimal", """
-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "meta" JSONB,
ADD COLUMN     "total" DECIMAL(65,30) NOT NULL DEFAULT 0;
""")
case("prisma_multi_alter", """
-- AlterTable
ALTER TABLE "User" DROP COLUMN "nickname",
ADD COLUMN     "bio" TEXT,
ALTER COLUMN "email" SET DATA TYPE VARCHAR(320);
""")
case("prisma_bigint_id_init", """
-- CreateTable
CREATE TABLE "Invoice" (
    "id" BIGSERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");
""")
case("prisma_composite_unique", """
-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_teamId_key" ON "Membership"("userId", "teamId");
""")
case("prisma_concurrent_edited", """
-- schemashift: edited by hand to build the index without blocking writes
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_publishedAt_idx" ON "Post"("publishedAt");
""")
case("prisma_set_default_enum", """
-- AlterTable
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'ADMIN';
""")
case("prisma_create_schema_table", """
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "billing";

-- CreateTable
CREATE TABLE "billing"."Plan" (
    "id" TEXT NOT NULL,
    "price" INTEGER NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);
""")
case("prisma_extension", """
-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE CITEXT;
""")
case("prisma_fk_existing_both", """
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "reviewerId" INTEGER;

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
""")
case("prisma_drop_fk_and_column", """
-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_reviewerId_fkey";

-- AlterTable
ALTER TABLE "Post" DROP COLUMN "reviewerId";
""")
case("prisma_optional_to_default", """
-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "published" SET DEFAULT true,
ALTER COLUMN "published" DROP NOT NULL;
""")
case("prisma_check_timeouts", """
SET lock_timeout = '3s';
SET statement_timeout = '1min';
-- CreateIndex
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_title_idx" ON "Post"("title");
""")


# ---------------------------------------------------------------- squawk's opt-in rules
for name, bad, good in [
    ("set_default_existing", 'ALTER TABLE "User" ALTER COLUMN "plan" SET DEFAULT \'free\';', 'ALTER TABLE "User" ALTER COLUMN "plan" DROP DEFAULT;'),
    ("disable_trigger", 'ALTER TABLE "User" DISABLE TRIGGER ALL;', 'ALTER TABLE "User" ENABLE TRIGGER ALL;'),
    ("replica_identity", 'ALTER TABLE "User" REPLICA IDENTITY FULL;', 'ALTER TABLE "User" OWNER TO app;'),
    ("drop_policy", 'DROP POLICY "tenant_isolation" ON "User";', 'SELECT 1;'),
    ("revoke", 'REVOKE SELECT ON "User" FROM reporting;', 'GRANT SELECT ON "User" TO reporting;'),
    ("replace_view", "CREATE OR REPLACE VIEW active AS SELECT 1 AS one;", "CREATE VIEW active2 AS SELECT 1 AS one;"),
    ("replace_function", "CREATE OR REPLACE FUNCTION two() RETURNS int AS 'select 2' LANGUAGE sql;",
     "CREATE FUNCTION three() RETURNS int AS 'select 3' LANGUAGE sql;"),
    ("alter_policy_condition", 'ALTER POLICY "p" ON "User" USING ("tenant" = current_user);', 'ALTER POLICY "p" ON "User" RENAME TO "q";'),
    ("alter_policy_roles", 'ALTER POLICY "p" ON "User" TO app_user;', 'SELECT 2;'),
    ("create_policy", 'CREATE POLICY "p" ON "User" USING (true);', 'SELECT 3;'),
    ("alter_function_options", "ALTER FUNCTION touch() SECURITY DEFINER;", "COMMENT ON FUNCTION touch() IS 'x';"),
    ("alter_view_options", "ALTER VIEW active SET (security_barrier = true);", "ALTER VIEW active RENAME COLUMN one TO uno;"),
    ("alter_role_options", "ALTER ROLE app NOLOGIN;", "SELECT 4;"),
    ("alter_database_options", "ALTER DATABASE app SET work_mem = '64MB';", "SELECT 5;"),
    ("alter_rls", 'ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;', 'ALTER TABLE "User" CLUSTER ON "User_pkey";'),
    ("add_enum_value_after", 'ALTER TYPE "Plan" ADD VALUE \'team\' AFTER \'pro\';', 'ALTER TYPE "Plan" RENAME VALUE \'team\' TO \'teams\';'),
    ("add_composite_attribute", "ALTER TYPE address ADD ATTRIBUTE zip text;", "CREATE TYPE address2 AS (street text);"),
    ("add_column_plain", 'ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "nick" TEXT;', 'CREATE TABLE IF NOT EXISTS "Nick" ("id" BIGINT);'),
    ("no_inherit", "ALTER TABLE measurements_2019 NO INHERIT measurements;", "ALTER TABLE measurements_2019 INHERIT measurements;"),
    ("alter_sequence", 'ALTER SEQUENCE "User_id_seq" RESTART WITH 1000;', 'CREATE SEQUENCE IF NOT EXISTS "Other_seq";'),
    ("alter_system", "ALTER SYSTEM SET work_mem = '64MB';", "SELECT 6;"),
    ("alter_extension", 'ALTER EXTENSION "postgis" UPDATE;', 'CREATE EXTENSION IF NOT EXISTS "postgis";'),
    ("drop_trigger", 'DROP TRIGGER "audit" ON "User";', 'SELECT 7;'),
    ("write_restriction_check", 'ALTER TABLE "User" ADD CONSTRAINT "age_ok" CHECK ("age" >= 0) NOT VALID;', 'ALTER TABLE "User" VALIDATE CONSTRAINT "age_ok";'),
    ("write_restriction_column", 'ALTER TABLE "User" ADD COLUMN "tier" TEXT NOT NULL DEFAULT \'free\';', 'ALTER TABLE "User" ADD COLUMN "tier2" TEXT DEFAULT \'free\';'),
    ("duplicate_assignment", 'UPDATE "User" SET "a" = 1, "a" = 2 WHERE "id" = 1;', 'UPDATE "User" SET "a" = 1, "b" = 2 WHERE "id" = 1;'),
    ("set_expression", 'ALTER TABLE "User" ALTER COLUMN "full" SET EXPRESSION AS ("first" || \' \' || "last");', 'SELECT 8;'),
    ("schema_qualified", 'ALTER TABLE public."User" ADD COLUMN IF NOT EXISTS "x" TEXT;', 'CREATE TABLE IF NOT EXISTS public."Y" ("id" BIGINT);'),
    ("repack_cluster", 'CLUSTER "User" USING "User_pkey";', 'ANALYZE "User";'),
    ("repack_vacuum_full", 'VACUUM (FULL) "User";', 'VACUUM (ANALYZE) "User";'),
]:
    case(f"optin_{name}", bad)
    case(f"optin_{name}_ok", good)

# ---------------------------------------------------------------- ignore comments (each tool's own syntax)
case("unused_ignores", """
-- squawk-ignore ban-drop-tabel
-- schemashift:ignore ban-drop-tabel a typo in the rule name silences nothing
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "bio" TEXT;
""")
case("used_ignores", """
-- schemashift:ignore ban-drop-table the archive table was exported to S3 (#812)
-- squawk-ignore ban-drop-table
DROP TABLE "Archive";
""")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.sql"):
        old.unlink()
    for i, (name, sql) in enumerate(CASES.items()):
        (OUT / f"{i:03d}_{name}.sql").write_text(sql, encoding="utf-8")
    print(f"{len(CASES)} files in {OUT}")


if __name__ == "__main__":
    main()
