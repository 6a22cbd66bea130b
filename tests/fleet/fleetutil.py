"""Helpers of the fleet tests: a project with a few migrations, fleets of PostgreSQL schemas (in
one throwaway database) and of MariaDB databases (named with the test prefix), running
``schemashift fleet`` as a process. The fixtures are in conftest.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dbutil

REPO = Path(__file__).resolve().parents[2]

#: Three small migrations per provider: a table, a column, an index.
SCRIPTS = {
    "postgresql": [
        'CREATE TABLE "Account" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));\n',
        'ALTER TABLE "Account" ADD COLUMN "name" TEXT;\n',
        'CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email");\n',
    ],
    "mysql": [
        "CREATE TABLE `Account` (`id` INTEGER NOT NULL AUTO_INCREMENT, `email` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`))"
        " DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n",
        "ALTER TABLE `Account` ADD COLUMN `name` VARCHAR(191) NULL;\n",
        "CREATE UNIQUE INDEX `Account_email_key` ON `Account`(`email`);\n",
    ],
    "sqlite": [
        'CREATE TABLE "Account" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL);\n',
        'ALTER TABLE "Account" ADD COLUMN "name" TEXT;\n',
        'CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email");\n',
    ],
}


def write_project(root: Path, provider: str, scripts: list[str] | None = None) -> Path:
    """``root/prisma/schema.prisma`` (its URL from DATABASE_URL, which the tests leave unset) and
    one migration per script."""
    migrations = root / "prisma" / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    (root / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'
    )
    (migrations / "migration_lock.toml").write_text(f'provider = "{provider}"\n')
    for script in scripts if scripts is not None else SCRIPTS[provider]:
        add_migration(root, script)
    return root


def add_migration(root: Path, script: str) -> str:
    migrations = root / "prisma" / "migrations"
    n = len([p for p in migrations.iterdir() if p.is_dir()])
    name = f"{20260101000000 + n}_m{n}"
    (migrations / name).mkdir()
    (migrations / name / "migration.sql").write_text(script)
    return name


def migration_names(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "prisma" / "migrations").iterdir() if p.is_dir())


@dataclass
class Run:
    exit_code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data

    def states(self) -> dict[str, str]:
        return {t["name"]: t["state"] for t in self.report["targets"]}


def fleet_process(project: Path, command: str, targets: Path, *options: str) -> subprocess.Popen[bytes]:
    """The CLI as a process (to be killed)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(REPO / "src")
    return subprocess.Popen(
        [sys.executable, "-m", "schemashift", "fleet", command, "--targets", str(targets), *options],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def single_database_cli(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A single-database command (``migrate resolve``...) on ``url``, as a process."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "schemashift", *args], cwd=project, env=env, capture_output=True, text=True)


# ---------------------------------------------------------------- PostgreSQL: schemas of one database


@dataclass
class PgFleet:
    """A throwaway database; ``url`` without ``?schema``; ``sql()`` runs on it (autocommit)."""

    url: str
    schemas: list[str] = field(default_factory=list)

    def sql(self, statement: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(statement, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def create(self, *names: str) -> list[str]:
        from psycopg import sql

        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            for name in names:
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        self.schemas += names
        return list(names)

    def schema_url(self, schema: str) -> str:
        return f"{self.url}?schema={schema}"

    def history(self, schema: str) -> list[tuple[Any, ...]]:
        """(migration_name, finished?, rolled back?, logs) of the schema's history, [] without one."""
        exists = self.sql("SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = '_prisma_migrations'", (schema,))
        if not exists:
            return []
        return self.sql(
            f'SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, logs FROM "{schema}"._prisma_migrations ORDER BY started_at'
        )

    def tables(self, schema: str) -> list[str]:
        rows = self.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (schema,))
        return [r[0] for r in rows]

    def columns(self, schema: str, table: str) -> list[str]:
        rows = self.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (schema, table),
        )
        return [r[0] for r in rows]


# ---------------------------------------------------------------- MariaDB: databases of one server


@dataclass
class MysqlFleet:
    admin: str
    prefix: str
    created: list[str] = field(default_factory=list)

    def names(self, n: int) -> list[str]:
        names = [f"{self.prefix}_{i}" for i in range(n)]
        self.created += names
        return names

    def url(self, database: str) -> str:
        return dbutil.with_database(self.admin, database)

    def sql(self, database: str | None, statement: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        conn = dbutil._mysql_connect(self.url(database) if database else self.admin)
        try:
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return list(cur.fetchall())
        finally:
            conn.close()

    def exists(self, database: str) -> bool:
        return dbutil.mysql_database_exists(self.admin, database)

    def history(self, database: str) -> list[tuple[Any, ...]]:
        if not self.sql(None, "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = '_prisma_migrations'", (database,)):
            return []
        return self.sql(
            database,
            "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, logs, applied_steps_count"
            " FROM _prisma_migrations ORDER BY started_at",
        )
