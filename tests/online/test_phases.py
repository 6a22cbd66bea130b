"""Multi-step plans of `migrate dev --online` (expand, backfill, contract) on real databases:
each plan converges (status up to date, `migrate diff --exit-code` 0, every row kept), deploy
refuses the backfill placeholder and stops before the contract without `--contract`, the
PostgreSQL sync trigger keeps both columns in step under writes of both application versions,
and a contract interrupted by a lock timeout is resumed by the next deploy."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from schemashift.connectors import connect
from test_online_patterns import project  # noqa: F401  (the fixture: a project folder on db_url)
from schemashift.online.contract import (
    PLACEHOLDER,
    is_contract,
    mark_contract,
    placeholder_lines,
)

ROWS = 300
HEAD = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'


def _q(provider: str) -> str:
    return "`" if provider == "mysql" else '"'


def _write(project: Path, provider: str, body: str) -> Path:
    path = project / "prisma/schema.prisma"
    path.write_text(HEAD % provider + body)
    return path


def _folders(project: Path) -> list[Path]:
    return sorted(p for p in (project / "prisma/migrations").iterdir() if p.is_dir())


def _init(project: Path, provider: str, db_url: str, body: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    _write(project, provider, body)
    r = run_cli("migrate", "dev", "-n", "init", "--skip-generate")
    assert r.exit_code == 0, r.err
    q = _q(provider)
    with connect(db_url) as conn:
        rows = ", ".join(f"({i}, 'n{i}', {i})" for i in range(1, ROWS + 1))
        conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}name{q}, {q}score{q}) VALUES {rows}")


def _converged(project: Path, db_url: str, schema: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("migrate", "status")
    assert r.exit_code == 0, r.out + r.err
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", str(schema), "--exit-code")
    assert r.exit_code == 0, r.out + r.err


def _one(db_url: str, sql: str) -> tuple[object, ...]:
    with connect(db_url) as conn:
        row = conn.query_one(sql)
    assert row is not None
    return tuple(row)


BASE = """
model User {
  id    Int    @id
  name  String
  score Int?
%s
}
"""


@pytest.mark.parametrize("provider", ["postgresql", "mysql", "sqlite"], indirect=True)
def test_required_field_plan_converges_through_the_contract_gate(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    _init(project, provider, db_url, BASE % "", run_cli)
    schema = _write(project, provider, BASE % "  email String")
    r = run_cli("migrate", "dev", "--online", "-n", "email", "--create-only", "--skip-generate")
    assert r.exit_code == 0, r.err
    created = _folders(project)[1:]
    names = [p.name.split("_", 1)[1] for p in created]
    assert names[0] == "email" and "email_backfill" in names and names[-1].startswith("email_contract"), names
    scripts = {p.name: (p / "migration.sql").read_text() for p in created}
    backfill = next(s for n, s in scripts.items() if n.endswith("_backfill"))
    assert "-- schemashift:backfill" in backfill and placeholder_lines(backfill)
    contracts = [n for n, s in scripts.items() if is_contract(s)]
    assert contracts and all("contract" in n for n in contracts)
    assert not any(is_contract(s) for n, s in scripts.items() if n not in contracts)

    # the placeholder: deploy refuses before anything runs
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and PLACEHOLDER in r.err and "line" in r.err and "Traceback" not in r.err
    r = run_cli("migrate", "status", "--json")
    assert len(json.loads(r.out)["pending"]) == len(created)

    value = "CONCAT('u', id)" if provider == "mysql" else "'u' || id"
    for p in created:
        path = p / "migration.sql"
        path.write_text(path.read_text().replace(f"= {PLACEHOLDER} WHERE", f"= {value} WHERE"))

    # expand and backfill are applied; deploy stops before the contract (exit 0, says so)
    r = run_cli("migrate", "deploy", "--dry-run", "--json")
    assert r.exit_code == 0 and json.loads(r.out)["held_for_contract"] == contracts
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert f"Stopped before the contract migration `{contracts[0]}`" in r.err
    assert "migrate deploy --contract" in r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and "Pending contract migration(s)" in r.out and contracts[0] in r.out
    assert run_cli("migrate", "status", "--exit-code").exit_code == 2
    assert json.loads(run_cli("migrate", "status", "--json").out)["pending_contract"] == contracts
    assert run_cli("migrate", "deploy").exit_code == 0  # still held
    assert json.loads(run_cli("migrate", "status", "--json").out)["pending_contract"] == contracts

    q = _q(provider)
    # the previous application version still inserts rows without the column
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}name{q}) VALUES ({ROWS + 1}, 'old app')")
    r = run_cli("migrate", "deploy", "--contract")
    assert r.exit_code == 0, r.err
    assert "All migrations have been successfully applied." in r.out
    _converged(project, db_url, schema, run_cli)
    assert _one(db_url, f"SELECT COUNT(*), COUNT({q}email{q}) FROM {q}User{q}") == (ROWS + 1, ROWS + 1)
    assert _one(db_url, f"SELECT {q}email{q} FROM {q}User{q} WHERE {q}id{q} = 7") == ("u7",)


@pytest.mark.parametrize("provider", ["postgresql", "mysql", "sqlite"], indirect=True)
def test_client_side_default_is_filled_without_placeholder(project: Path, provider: str, db_url: str, run_cli) -> None:
    """`@default(uuid())` is made by Prisma's client: existing rows get a UUID from the database,
    and `migrate dev --online` applies the whole plan."""
    _init(project, provider, db_url, BASE % "", run_cli)
    schema = _write(project, provider, BASE % "  token String @default(uuid())")
    r = run_cli("migrate", "dev", "--online", "-n", "token", "--skip-generate")
    assert r.exit_code == 0, r.err
    assert not any(placeholder_lines((p / "migration.sql").read_text()) for p in _folders(project))
    _converged(project, db_url, schema, run_cli)
    q = _q(provider)
    assert _one(db_url, f"SELECT COUNT(DISTINCT {q}token{q}) FROM {q}User{q}") == (ROWS,)


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_migrate_dev_stops_at_the_placeholder_and_continues_once_edited(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    _init(project, provider, db_url, BASE % "", run_cli)
    schema = _write(project, provider, BASE % "  email String")
    r = run_cli("migrate", "dev", "--online", "-n", "email", "--skip-generate")
    assert r.exit_code == 0, r.err
    assert PLACEHOLDER in r.err and "run `schemashift migrate dev` again" in r.err
    assert "Not applied yet" in r.out and "in sync" not in r.out
    status = json.loads(run_cli("migrate", "status", "--json").out)
    assert len(status["applied"]) == 2 and len(status["pending"]) >= 2  # init + expand
    for p in _folders(project):
        path = p / "migration.sql"
        path.write_text(path.read_text().replace(PLACEHOLDER, "name"))
    r = run_cli("migrate", "dev", "--skip-generate")
    assert r.exit_code == 0, r.err
    _converged(project, db_url, schema, run_cli)
    assert _one(db_url, 'SELECT COUNT(*) FROM "User" WHERE "email" = "name"') == (ROWS,)


MOVE_BEFORE = BASE % "  @@index([name])"
MOVE_AFTER = """
model User {
  id       Int     @id
  fullName String
  score    BigInt? @default(0)
  @@index([fullName])
  @@unique([score])
}
"""


def _pg_rows(db_url: str, sql: str) -> list[tuple[object, ...]]:
    with connect(db_url) as conn:
        return [tuple(r) for r in conn.query(sql)]


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_postgres_rename_and_type_change_keep_both_versions_in_step(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    _init(project, provider, db_url, MOVE_BEFORE, run_cli)
    schema = _write(project, provider, MOVE_AFTER)
    r = run_cli("migrate", "dev", "--online", "-n", "move", "--rename", "User.name:fullName", "--create-only", "--skip-generate")
    assert r.exit_code == 0, r.err
    sql = "\n".join((p / "migration.sql").read_text() for p in _folders(project)[1:])
    assert 'RENAME COLUMN "name"' not in sql and "CREATE TRIGGER" in sql and "CONCURRENTLY" in sql
    r = run_cli("migrate", "lint")  # the contract's DROP COLUMN is justified in the file
    assert r.exit_code == 0 and "0 error(s)" in r.out + r.err, r.out + r.err
    assert "schemashift:ignore ban-drop-column" in sql
    errors: list[BaseException] = []
    # the old application version writes while the expand and the backfill are deployed
    stop = threading.Event()
    during: list[int] = []

    def old_app_during_deploy() -> None:
        try:
            with connect(db_url) as conn:
                i = 3000
                while not stop.is_set() and i < 8000:
                    conn.execute(f"INSERT INTO \"User\" (id, name, score) VALUES ({i}, 'during{i}', {i})")
                    conn.execute(f"UPDATE \"User\" SET name = 'during-upd{i}' WHERE id = {i % ROWS + 1}")
                    during.append(i)
                    i += 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    background = threading.Thread(target=old_app_during_deploy)
    background.start()
    try:
        r = run_cli("migrate", "deploy")
    finally:
        stop.set()
        background.join()
    assert r.exit_code == 0 and "Stopped before the contract migration" in r.err, r.err
    assert not errors, errors
    assert during

    # then both application versions write, from other connections

    def writer(statements: list[str]) -> None:
        try:
            with connect(db_url) as conn:
                for sql in statements:
                    conn.execute(sql)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    old_app = [
        sql
        for i in range(1000, 1040)
        for sql in (
            f"INSERT INTO \"User\" (id, name, score) VALUES ({i}, 'old{i}', {i})",
            f"UPDATE \"User\" SET name = 'old-upd{i}', score = {i + 100000} WHERE id = {i - 999}",
        )
    ]
    new_app = [
        sql
        for i in range(2000, 2040)
        for sql in (
            f'INSERT INTO "User" (id, "fullName") VALUES ({i}, \'new{i}\')',
            f'UPDATE "User" SET "fullName" = \'new-upd{i}\' WHERE id = {i - 1900}',
        )
    ]
    threads = [threading.Thread(target=writer, args=(old_app,)), threading.Thread(target=writer, args=(new_app,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    out_of_step = _pg_rows(
        db_url,
        'SELECT id, name, "fullName" FROM "User" WHERE name IS DISTINCT FROM "fullName" '
        'OR score::bigint IS DISTINCT FROM "score__schemashift_new"',
    )
    assert out_of_step == []
    assert _pg_rows(db_url, 'SELECT name, "fullName" FROM "User" WHERE id IN (1, 100, 1000, 2000) ORDER BY id') == [
        ("old-upd1000", "old-upd1000"), ("new-upd2000", "new-upd2000"), ("old1000", "old1000"), ("new2000", "new2000"),
    ]

    r = run_cli("migrate", "deploy", "--contract")
    assert r.exit_code == 0, r.err
    _converged(project, db_url, schema, run_cli)
    total = ROWS + 80 + len(during)
    assert _pg_rows(db_url, 'SELECT COUNT(*), COUNT("fullName") FROM "User"') == [(total, total)]
    assert _pg_rows(db_url, 'SELECT COUNT(*), COUNT("fullName") FROM "User" WHERE id >= 3000') == [(len(during), len(during))]
    assert _pg_rows(db_url, 'SELECT "fullName", score FROM "User" WHERE id IN (5, 1000, 2000) ORDER BY id') == [
        ("old-upd1004", 101004), ("old1000", 1000), ("new2000", None),
    ]
    assert _pg_rows(db_url, "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal") == [(0,)]
    assert _pg_rows(db_url, "SELECT COUNT(*) FROM pg_proc WHERE proname LIKE '%schemashift%'") == [(0,)]


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_contract_interrupted_by_a_lock_timeout_resumes(project: Path, provider: str, db_url: str, run_cli) -> None:
    """A reader holding the table makes the contract's constraint statement time out: the
    migration stops at that statement, and the next `deploy --contract` resumes there."""
    (project / "pyproject.toml").write_text('[tool.schemashift]\nonline_lock_timeout = "300ms"\n')
    _init(project, provider, db_url, BASE % "", run_cli)
    schema = _write(project, provider, BASE % "  email String")
    assert run_cli("migrate", "dev", "--online", "-n", "email", "--create-only", "--skip-generate").exit_code == 0
    for p in _folders(project):
        path = p / "migration.sql"
        path.write_text(path.read_text().replace(PLACEHOLDER, "name"))
    assert run_cli("migrate", "deploy").exit_code == 0
    with connect(db_url) as reader:
        reader.execute("BEGIN")
        reader.execute('SELECT COUNT(*) FROM "User"')  # ACCESS SHARE until the end of the transaction
        r = run_cli("migrate", "deploy", "--contract")
        reader.execute("ROLLBACK")
    assert r.exit_code == 1 and "lock timeout" in r.err.lower(), r.err
    r = run_cli("migrate", "deploy", "--contract")
    assert r.exit_code == 0, r.err
    assert "Resuming migration" in r.err + r.out
    _converged(project, db_url, schema, run_cli)
    assert _pg_rows(db_url, 'SELECT COUNT(*) FROM "User" WHERE email = name') == [(ROWS,)]


def test_contract_marker_and_placeholder_text() -> None:
    assert is_contract("-- schemashift:contract\nALTER TABLE t DROP COLUMN c;")
    marked = mark_contract("-- schemashift:transaction off\nSELECT 1;\n")
    assert marked.startswith("-- schemashift:transaction off\n-- schemashift:contract\n") and is_contract(marked)
    assert not is_contract("SELECT 1;\n-- schemashift:contract\n")  # only in the comment block at the top
    assert not is_contract("-- schemashift:contracts are nice\nSELECT 1;")
    script = f"-- {PLACEHOLDER} in a comment\nUPDATE t SET c = {PLACEHOLDER} WHERE c IS NULL;\n"
    assert placeholder_lines(script) == [2]


@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
def test_without_online_the_refusal_names_the_plan(project: Path, provider: str, db_url: str, run_cli) -> None:
    _init(project, provider, db_url, BASE % "", run_cli)
    _write(project, provider, BASE % "  email String")
    r = run_cli("migrate", "dev", "-n", "email", "--skip-generate")
    assert r.exit_code == 1 and "migrate dev --online" in r.out + r.err
    assert len(_folders(project)) == 1  # nothing written


def test_binary_coercible_type_changes_are_not_moves() -> None:
    from schemashift.model import Column, ColumnType, Family
    from schemashift.online.phases import rewrites

    def col(native: str, *args: int, family: Family = Family.STRING) -> Column:
        return Column("c", ColumnType(family, native, args))

    assert not rewrites(col("VarChar", 10), col("VarChar", 50))
    assert not rewrites(col("VarChar", 10), col("Text"))
    assert not rewrites(col("VarChar", 10), col("VarChar"))
    assert rewrites(col("VarChar", 50), col("VarChar", 10))  # checks every value
    assert rewrites(col("Text"), col("VarChar", 10))
    assert not rewrites(col("Decimal", 10, 2, family=Family.DECIMAL), col("Decimal", 12, 2, family=Family.DECIMAL))
    assert rewrites(col("Decimal", 10, 2, family=Family.DECIMAL), col("Decimal", 12, 3, family=Family.DECIMAL))
    assert rewrites(col("Integer", family=Family.INT), col("BigInt", family=Family.BIGINT))


@pytest.mark.parametrize("provider", ["mysql"], indirect=True)
def test_mysql_rename_is_online_in_place(project: Path, provider: str, db_url: str, run_cli) -> None:
    """MariaDB/MySQL rename a column in the catalog only: one in-place statement, no plan."""
    _init(project, provider, db_url, BASE % "", run_cli)
    schema = _write(project, provider, BASE.replace("name ", "label") % "")
    r = run_cli("migrate", "dev", "--online", "-n", "label", "--rename", "User.name:label", "--skip-generate")
    assert r.exit_code == 0, r.err
    (created,) = _folders(project)[1:]
    assert "RENAME COLUMN `name` TO `label`, ALGORITHM=INPLACE, LOCK=NONE;" in (created / "migration.sql").read_text()
    _converged(project, db_url, schema, run_cli)
    assert _one(db_url, "SELECT COUNT(*) FROM `User` WHERE `label` = CONCAT('n', `id`)") == (ROWS,)


FK_BEFORE = """
model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)
  @@index([authorId])
}
"""
FK_AFTER = FK_BEFORE.replace("authorId", "writerId")


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_postgres_foreign_key_column_rename_is_expand_and_contract(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    """A referencing column renamed online: during the expand both columns carry a foreign key
    (the new one added NOT VALID, then validated) and the trigger keeps them equal, so the old
    and new application versions both write; the contract drops the old column and its key."""
    _write(project, provider, FK_BEFORE)
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    with connect(db_url) as conn:
        conn.execute('INSERT INTO "User" (id) SELECT g FROM generate_series(1, 50) g')
        conn.execute('INSERT INTO "Post" (id, "authorId") SELECT g, g % 50 + 1 FROM generate_series(1, 400) g')
    schema = _write(project, provider, FK_AFTER)
    r = run_cli("migrate", "dev", "--online", "-n", "fk", "--rename", "Post.authorId:writerId", "--create-only", "--skip-generate")
    assert r.exit_code == 0, r.err
    sql = "\n".join((p / "migration.sql").read_text() for p in _folders(project)[1:])
    assert 'RENAME COLUMN "authorId"' not in sql and "CREATE TRIGGER" in sql
    assert '"Post_writerId_fkey"' in sql and "NOT VALID" in sql and "VALIDATE CONSTRAINT" in sql
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "Stopped before the contract migration" in r.err, r.err
    with connect(db_url) as conn:
        # both versions write; each column's key holds, whichever column a version wrote
        conn.execute('INSERT INTO "Post" (id, "authorId") VALUES (1001, 7)')
        conn.execute('INSERT INTO "Post" (id, "writerId") VALUES (1002, 8)')
        conn.execute('UPDATE "Post" SET "writerId" = 9 WHERE id = 1')
        for bad in ('INSERT INTO "Post" (id, "authorId") VALUES (1003, 999)', 'UPDATE "Post" SET "writerId" = 999 WHERE id = 2'):
            with pytest.raises(Exception, match="foreign key"):
                conn.execute(bad)
    assert _pg_rows(db_url, 'SELECT COUNT(*) FROM "Post" WHERE "authorId" IS DISTINCT FROM "writerId"') == [(0,)]
    assert _pg_rows(db_url, 'SELECT "authorId", "writerId" FROM "Post" WHERE id IN (1, 1001, 1002) ORDER BY id') == [
        (9, 9), (7, 7), (8, 8),
    ]
    r = run_cli("migrate", "deploy", "--contract")
    assert r.exit_code == 0, r.err
    _converged(project, db_url, schema, run_cli)
    assert _pg_rows(db_url, 'SELECT COUNT(*), COUNT("writerId") FROM "Post"') == [(402, 402)]
    assert _pg_rows(db_url, "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'") == [("Post_writerId_fkey", True)]
    with connect(db_url) as conn:
        conn.execute('DELETE FROM "User" WHERE id = 9')  # the key's ON DELETE CASCADE came along
    assert _pg_rows(db_url, 'SELECT COUNT(*) FROM "Post" WHERE "writerId" = 9') == [(0,)]


KEY_BEFORE = """
model User {
  id       Int       @id @default(autoincrement())
  name     String?
  posts    Post[]
  comments Comment[]
}

model Post {
  id       Int  @id @default(autoincrement())
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)
  @@index([authorId])
}

model Comment {
  id     Int   @id
  userId Int?  @unique
  user   User? @relation(fields: [userId], references: [id])
}
"""
KEY_AFTER = (
    KEY_BEFORE.replace("id       Int       @id", "id       BigInt    @id")
    .replace("authorId Int", "authorId BigInt")
    .replace("userId Int?", "userId BigInt?")
)


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_postgres_primary_key_type_change_is_expand_and_contract(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    """Int -> BigInt on a primary key and the columns referencing it: no table rewrite. New
    columns filled by triggers and a backfill, the key's index built concurrently, validated NOT
    NULL checks; the contract swaps the columns, makes the concurrent index the primary key, moves
    the sequence (now bigint) and adds the foreign keys back, validated after."""
    _write(project, provider, KEY_BEFORE)
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    with connect(db_url) as conn:
        conn.execute('INSERT INTO "User" (name) SELECT \'u\' || g FROM generate_series(1, 60) g')
        conn.execute('INSERT INTO "Post" ("authorId") SELECT g % 60 + 1 FROM generate_series(1, 300) g')
        conn.execute('INSERT INTO "Comment" (id, "userId") SELECT g, CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 40) g')
    schema = _write(project, provider, KEY_AFTER)
    r = run_cli("migrate", "dev", "--online", "-n", "bigint", "--create-only", "--skip-generate")
    assert r.exit_code == 0, r.err
    assert "primary key `User.id`" in r.err, r.err
    sql = "\n".join((p / "migration.sql").read_text() for p in _folders(project)[1:])
    assert "SET DATA TYPE" not in sql  # no rewrite
    assert "PRIMARY KEY USING INDEX" in sql and "CREATE UNIQUE INDEX CONCURRENTLY" in sql
    r = run_cli("migrate", "lint")
    assert r.exit_code == 0 and "0 error(s)" in r.out + r.err, r.out + r.err

    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "Stopped before the contract migration" in r.err, r.err
    with connect(db_url) as conn:  # the old application version writes on
        conn.execute("INSERT INTO \"User\" (name) VALUES ('during')")
        conn.execute('INSERT INTO "Post" ("authorId") VALUES (61)')
        conn.execute('UPDATE "Post" SET "authorId" = 5 WHERE id = 1')
    assert _pg_rows(
        db_url, 'SELECT COUNT(*) FROM "User" WHERE id IS DISTINCT FROM "id__schemashift_new"'
    ) == [(0,)]
    assert _pg_rows(db_url, 'SELECT COUNT(*) FROM "Post" WHERE "authorId" IS DISTINCT FROM "authorId__schemashift_new"') == [(0,)]

    r = run_cli("migrate", "deploy", "--contract")
    assert r.exit_code == 0, r.err
    _converged(project, db_url, schema, run_cli)
    assert _pg_rows(db_url, 'SELECT COUNT(*) FROM "User"') == [(61,)]
    assert _pg_rows(db_url, 'SELECT COUNT(*), COUNT(DISTINCT "authorId") FROM "Post"') == [(301, 61)]
    assert _pg_rows(db_url, 'SELECT "authorId" FROM "Post" WHERE id = 1') == [(5,)]
    assert _pg_rows(db_url, 'SELECT COUNT("userId") FROM "Comment"') == [(20,)]
    assert _pg_rows(
        db_url,
        "SELECT conname, convalidated FROM pg_constraint WHERE contype IN ('f', 'p')"
        " AND conrelid::regclass::text IN ('\"User\"', '\"Post\"', '\"Comment\"') ORDER BY conname",
    ) == [
        ("Comment_pkey", True), ("Comment_userId_fkey", True), ("Post_authorId_fkey", True),
        ("Post_pkey", True), ("User_pkey", True),
    ]
    with connect(db_url) as conn:
        # the sequence moved with the key, and ids beyond Int's range fit now
        conn.execute("SELECT setval(pg_get_serial_sequence('\"User\"', 'id'), 3000000000)")
        conn.execute("INSERT INTO \"User\" (name) VALUES ('big')")
        conn.execute('INSERT INTO "Post" ("authorId") VALUES (3000000001)')
        with pytest.raises(Exception, match="foreign key"):
            conn.execute('INSERT INTO "Post" ("authorId") VALUES (3000000002)')
        conn.execute('DELETE FROM "User" WHERE id = 3000000001')  # ON DELETE CASCADE came back
    assert _pg_rows(db_url, 'SELECT COUNT(*) FROM "Post" WHERE "authorId" > 2147483647') == [(0,)]
    assert _pg_rows(db_url, "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal") == [(0,)]
    assert _pg_rows(db_url, "SELECT COUNT(*) FROM pg_constraint WHERE conname LIKE '%not_null%'") == [(0,)]
