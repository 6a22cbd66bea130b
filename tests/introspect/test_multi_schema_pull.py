"""``db pull`` of a hand-built multi-schema PostgreSQL database against Prisma 7.10's ``db pull
--print`` (``../shared/oracle/prisma7``): the same table and enum names in two schemas, relations
and an implicit many-to-many relation across schemas, a table without identifier, a comment, an
enum of another schema; then re-introspection of a schema whose models were renamed; then Prisma's
P4002 for a foreign key into a schema the datasource does not list."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import dbutil
from introspect.test_differential_prisma7 import HAS_ORACLE, ORACLE, _compare, _deploy_more

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")]

DATABASE = [
    "CREATE SCHEMA auth",
    "CREATE SCHEMA other",
    """CREATE TYPE auth."Role" AS ENUM ('A', 'B')""",
    """CREATE TYPE public."Role" AS ENUM ('X', 'Y')""",
    """CREATE TABLE auth."User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, role auth."Role" NOT NULL DEFAULT 'A')""",
    """CREATE TABLE public."User" (id SERIAL PRIMARY KEY, name TEXT, role public."Role", "authRole" auth."Role")""",
    """CREATE TABLE public."Post" (id SERIAL PRIMARY KEY, "userId" INT NOT NULL REFERENCES auth."User"(id),
       pid INT REFERENCES public."User"(id))""",
    """CREATE INDEX ON public."Post"("userId")""",
    """CREATE TABLE auth.session (id TEXT PRIMARY KEY, "userId" INT REFERENCES auth."User"(id))""",
    """CREATE TABLE public."my-t" (id INT PRIMARY KEY)""",
    """CREATE TABLE auth."my-t" (id INT PRIMARY KEY, r auth."Role")""",
    """CREATE TABLE auth."Tag" (id INT PRIMARY KEY)""",
    """CREATE TABLE public."_PostToTag" ("A" INT NOT NULL REFERENCES public."Post"(id) ON DELETE CASCADE,
       "B" INT NOT NULL REFERENCES auth."Tag"(id) ON DELETE CASCADE)""",
    """CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON public."_PostToTag"("A", "B")""",
    """CREATE INDEX ON public."_PostToTag"("B")""",
    """CREATE TABLE auth.nopk (a INT, b INT, PRIMARY KEY (a, b))""",
    """CREATE TABLE auth.noid (a INT)""",
    """COMMENT ON TABLE auth."Tag" IS 'tags'""",
    """CREATE TABLE other.outside (id INT PRIMARY KEY)""",
]
HEADER = 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  schemas  = ["public", "auth"]\n}\n'


def test_multi_schema_pull_matches_prisma7(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    with dbutil.postgres_database(dbutil.admin_url_or_skip("postgresql")) as url:
        _deploy_more(url, DATABASE)
        fresh = tmp_path / "fresh.prisma"
        fresh.write_text(HEADER)
        assert _compare(fresh, url, run_cli) is None
        pulled = run_cli("db", "pull", "--print", "--schema", str(fresh), "--url", url).out
        assert 'model auth_User {' in pulled and '@@map("User")\n  @@schema("auth")\n}' in pulled
        assert 'schemas  = ["auth", "public"]' in pulled

        # re-introspection: models renamed (the duplicate relation field too, which Prisma refuses
        # to read back), the schemas listed in another order
        existing = tmp_path / "existing.prisma"
        existing.write_text(
            pulled.replace("auth_User", "Account")
            .replace("  User   public_User? @relation(fields: [pid]", "  author public_User? @relation(fields: [pid]")
            .replace("public_my_t", "PublicThing")
            .replace('schemas  = ["auth", "public"]', 'schemas  = ["public", "auth"]')
        )
        assert _compare(existing, url, run_cli) is None
        again = run_cli("db", "pull", "--print", "--schema", str(existing), "--url", url).out
        assert "model Account {" in again and "model PublicThing {" in again and "  author public_User?" in again

        # a foreign key into a schema the datasource does not list: Prisma's P4002, same text
        _deploy_more(url, ['CREATE TABLE public.zz (id INT PRIMARY KEY, o INT REFERENCES other.outside(id))'])
        ours = run_cli("db", "pull", "--print", "--schema", str(fresh), "--url", url)
        theirs = subprocess.run(
            [str(ORACLE), "pull", str(fresh)], env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=300
        )
        assert ours.exit_code == 1 and theirs.returncode == 1
        message = ours.err[ours.err.index("Error: P4002"):].strip()
        assert message in theirs.stderr, (message, theirs.stderr)
        assert "Please add `other` to your `schemas` property" in message
