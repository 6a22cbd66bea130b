"""Indexes the schema cannot express survive every command that diffs a live database.

A migration history whose hand-written (custom) migration creates a partial unique index, an
INCLUDE index (PostgreSQL), an expression index and a B-tree operator-class index (PostgreSQL;
the schema *can* express that one, with ``ops: raw(...)``, and declares it). Then, as Prisma 6.19
does (its describer leaves partial and expression indexes out): ``migrate dev`` reports no drift
and writes no migration dropping them (on SQLite, whose table rebuild loses a table's indexes,
the rebuild creates them again), ``migrate diff --from-url`` drops none of them, ``db push`` keeps
them (the partial unique index still refuses a duplicate), and ``db pull`` leaves them out of the
schema with a warning instead of pulling them as plain ``@@index``/``@unique``.
MariaDB has neither partial nor functional indexes (MySQL 8 has functional ones): see the last test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from schemashift.connectors import DatabaseError, connect
from schemashift.connectors.describe import describe
from schemashift.diff.differ import diff
from schemashift.dialects import get_dialect
from schemashift.model import (
    Column,
    ColumnType,
    Family,
    Index,
    IndexColumn,
    IndexKind,
    Schema,
    Table,
    Unexpressed,
    UnmanagedIndex,
)

MODELS = """
model User {{
  id        Int       @id @default(autoincrement())
  email     String
  name      String?
  deletedAt DateTime?
  tenant    {tenant}
{extra}}}
"""
OPS_INDEX = '  @@index([name(ops: raw("text_pattern_ops"))], map: "User_name_pattern_idx")\n'

CUSTOM = {
    "postgresql": """
CREATE UNIQUE INDEX "User_email_live_key" ON "User"("email") WHERE "deletedAt" IS NULL;
CREATE INDEX "User_tenant_incl_idx" ON "User"("tenant") INCLUDE ("name");
CREATE INDEX "User_lower_email_idx" ON "User"(lower("email"));
CREATE INDEX "User_name_pattern_idx" ON "User"("name" text_pattern_ops);
""",
    "sqlite": """
CREATE UNIQUE INDEX "User_email_live_key" ON "User"("email") WHERE "deletedAt" IS NULL;
CREATE INDEX "User_lower_email_idx" ON "User"(lower("email"));
""",
}
UNMANAGED = {
    "postgresql": {
        "User_email_live_key": {Unexpressed.PREDICATE},
        "User_tenant_incl_idx": {Unexpressed.INCLUDE},
        "User_lower_email_idx": {Unexpressed.EXPRESSION},
    },
    "sqlite": {
        "User_email_live_key": {Unexpressed.PREDICATE},
        "User_lower_email_idx": {Unexpressed.EXPRESSION},
    },
}

Cli = Callable[..., object]


@pytest.fixture(params=["postgresql", "sqlite"])
def project(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    provider = str(request.param)
    url = str(request.getfixturevalue("postgres_url" if provider == "postgresql" else "sqlite_url"))
    if provider == "postgresql":
        request.applymarker(pytest.mark.postgres)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    (tmp_path / "prisma").mkdir()
    return provider, url


def _schema(provider: str, *, tenant: str = "Int", extra: str = "") -> None:
    if provider == "postgresql":
        extra = OPS_INDEX + extra
    Path("prisma/schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'
        + MODELS.format(tenant=tenant, extra=extra)
    )


def _history(provider: str, run_cli: Cli) -> None:
    """init (the table), then a custom migration with the hand-written indexes, applied; the
    schema then declares the operator-class index (it can)."""
    _schema(provider, extra="")
    if provider == "postgresql":  # the operator-class index comes from the custom migration
        Path("prisma/schema.prisma").write_text(Path("prisma/schema.prisma").read_text().replace(OPS_INDEX, ""))
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    r = run_cli("migrate", "dev", "--create-only", "--name", "custom")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    (custom,) = Path("prisma/migrations").glob("*_custom")
    (custom / "migration.sql").write_text(CUSTOM[provider])
    _schema(provider)
    r = run_cli("migrate", "dev", "--name", "after_custom")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert "Drift" not in r.out + r.err  # type: ignore[attr-defined]
    # nothing left to migrate: no migration was written after the custom one
    assert not list(Path("prisma/migrations").glob("*_after_custom"))


def _unmanaged(url: str) -> dict[str, set[Unexpressed]]:
    return _unmanaged_of(url, "User")


def _index_names(url: str, provider: str) -> set[str]:
    sql = (
        "SELECT indexname FROM pg_indexes WHERE tablename = 'User'"
        if provider == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'User'"
    )
    with connect(url) as conn:
        return {str(name) for (name,) in conn.query(sql)}


def _assert_uniqueness_enforced(url: str) -> None:
    """The partial unique index still refuses a second live row with the same email, and still
    lets a deleted one through."""
    with connect(url) as conn:
        conn.execute('DELETE FROM "User"')
        conn.execute("""INSERT INTO "User" ("email", "tenant") VALUES ('a@x', 1)""")
        conn.execute("""INSERT INTO "User" ("email", "tenant", "deletedAt") VALUES ('a@x', 1, '2024-01-01')""")
        with pytest.raises(DatabaseError):
            conn.execute("""INSERT INTO "User" ("email", "tenant") VALUES ('a@x', 2)""")


def _all_index_names(provider: str) -> set[str]:
    return set(UNMANAGED[provider]) | ({"User_name_pattern_idx"} if provider == "postgresql" else set())


def test_migrate_dev_keeps_them_and_reports_no_drift(project: tuple[str, str], run_cli: Cli) -> None:
    provider, url = project
    _history(provider, run_cli)
    assert _unmanaged(url) == UNMANAGED[provider]
    # a change that rebuilds the table on SQLite (a type change): no DROP INDEX, and SQLite's
    # rebuild creates them again from their definitions
    _schema(provider, tenant="BigInt")
    r = run_cli("migrate", "dev", "--name", "widen_tenant")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert "Drift" not in r.out + r.err  # type: ignore[attr-defined]
    (folder,) = Path("prisma/migrations").glob("*_widen_tenant")
    script = (folder / "migration.sql").read_text()
    assert "DROP INDEX" not in script
    if provider == "sqlite":
        # both ways: the down script's rebuild (towards the described end state) keeps them too
        partial = 'CREATE UNIQUE INDEX "User_email_live_key" ON "User"("email") WHERE "deletedAt" IS NULL'
        down = (folder / "down.sql").read_text()
        assert "RedefineTables" in script and partial in script
        assert "RedefineTables" in down and partial in down and "DROP INDEX" not in down
    assert _all_index_names(provider) <= _index_names(url, provider)
    _assert_uniqueness_enforced(url)
    # and the next migrate dev is in sync: the shadow database's replay agrees with the database
    r = run_cli("migrate", "dev", "--name", "nothing")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert not list(Path("prisma/migrations").glob("*_nothing"))


def test_migrate_diff_from_url_drops_none(project: tuple[str, str], run_cli: Cli) -> None:
    provider, url = project
    _history(provider, run_cli)
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert "DROP INDEX" not in r.out  # type: ignore[attr-defined]
    assert "This is an empty migration." in r.out  # type: ignore[attr-defined]


def test_a_schema_index_of_the_same_name_is_taken_for_it(project: tuple[str, str], run_cli: Cli) -> None:
    """A team keeps ``@unique`` in the schema (for the client's ``findUnique``) and makes its index
    partial by hand under the same name: the partial index stands for the schema's, no step (as
    Prisma 7.10 does; Prisma 6.19, whose describer leaves it out, would create it again), and a
    SQLite rebuild creates the partial one, not a full one."""
    provider, url = project
    _history(provider, run_cli)
    unique = '  @@unique([email], map: "User_email_live_key")\n'
    _schema(provider, extra=unique)
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert "This is an empty migration." in r.out  # type: ignore[attr-defined]
    r = run_cli("migrate", "dev", "--name", "declare_unique")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert not list(Path("prisma/migrations").glob("*_declare_unique"))
    _schema(provider, tenant="BigInt", extra=unique)
    r = run_cli("migrate", "dev", "--name", "widen_tenant")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    (folder,) = Path("prisma/migrations").glob("*_widen_tenant")
    script = (folder / "migration.sql").read_text()
    assert "DROP INDEX" not in script
    assert 'CREATE UNIQUE INDEX "User_email_live_key" ON "User"("email");' not in script
    assert _unmanaged(url)["User_email_live_key"] == {Unexpressed.PREDICATE}
    _assert_uniqueness_enforced(url)


def test_db_push_keeps_them(project: tuple[str, str], run_cli: Cli) -> None:
    provider, url = project
    _history(provider, run_cli)
    _schema(provider, tenant="BigInt", extra="  nickname String?\n")
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert _all_index_names(provider) <= _index_names(url, provider)
    assert _unmanaged(url) == UNMANAGED[provider]
    _assert_uniqueness_enforced(url)


def test_db_pull_leaves_them_out_with_a_warning(project: tuple[str, str], run_cli: Cli) -> None:
    provider, url = project
    _history(provider, run_cli)
    r = run_cli("db", "pull", "--print")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    out = r.out + r.err  # type: ignore[attr-defined]
    pulled = r.out.split("// *** WARNING ***")[0]  # type: ignore[attr-defined]
    model = pulled[pulled.index("model User") :]
    # neither a plain @@index/@unique for them (the next migration would recreate them without
    # their predicate, INCLUDE columns or expression) nor a unique email field
    for name in UNMANAGED[provider]:
        assert name not in model
    assert "@unique" not in model
    assert "left out of the schema because it cannot express them" in out
    assert 'Model: "User", index: "User_email_live_key"' in out
    if provider == "postgresql":
        assert 'Model: "User", index: "User_tenant_incl_idx"' in out
        # Prisma's own handling of expression indexes: a model comment and its warning
        assert "/// This model contains an expression index" in pulled
        assert 'Model: "User", constraint: "User_lower_email_idx"' in out
        assert '@@index([name(ops: raw("text_pattern_ops"))], map: "User_name_pattern_idx")' in model
    else:  # Prisma 7.10 prints nothing for a SQLite expression index
        assert "User_lower_email_idx" not in out
    # the pulled schema is in sync with the database, and migrations keep the indexes
    Path("prisma/schema.prisma").write_text(pulled)
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert "This is an empty migration." in r.out  # type: ignore[attr-defined]


@pytest.mark.parametrize("provider", ["postgresql", "sqlite", "mysql"])
def test_differ_never_drops_an_unmanaged_index(provider: str) -> None:
    """Pure differ: an unmanaged index on the database side and none in the schema: no step."""
    column = Column("email", ColumnType(Family.STRING, "TEXT" if provider == "sqlite" else "Text"))
    unmanaged = UnmanagedIndex("User_email_live_key", True, frozenset({Unexpressed.PREDICATE}), ("email",), None)
    described = Schema(tables=(Table("User", (column,), unmanaged_indexes=(unmanaged,)),))
    lowered = Schema(tables=(Table("User", (column,)),))
    assert described == lowered  # not compared: no drift
    dialect = get_dialect(provider)
    assert diff(described, lowered, dialect) == []
    assert diff(lowered, described, dialect) == []
    # a schema index of the same name is taken for it, both ways
    index = Index("User_email_live_key", (IndexColumn("email"),), IndexKind.UNIQUE)
    declared = Schema(tables=(Table("User", (column,), indexes=(index,)),))
    assert diff(described, declared, dialect) == []
    assert diff(declared, described, dialect) == []
    assert [type(s).__name__ for s in diff(lowered, declared, dialect)] == ["CreateIndex"]


@pytest.mark.mysql
def test_mysql_functional_index_is_unmanaged(mysql_url: str) -> None:
    """MySQL 8 functional key parts are unmanaged indexes; MariaDB (our server: 10.11) has no
    functional indexes at all (nor partial ones), so there the test cannot run."""
    with connect(mysql_url) as conn:
        conn.execute("CREATE TABLE `User` (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL)")
        try:
            conn.execute("CREATE INDEX `User_lower_email_idx` ON `User` ((lower(email)))")
        except DatabaseError:
            assert "mariadb" in conn.server_version().lower()
            pytest.skip("MariaDB has no functional indexes")
        (user,) = describe(conn).tables
    assert user.indexes == ()
    assert [(u.name, set(u.unexpressed)) for u in user.unmanaged_indexes] == [
        ("User_lower_email_idx", {Unexpressed.EXPRESSION})
    ]


def test_exclusion_constraint_and_hand_made_indexes_are_no_drift(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Cli
) -> None:
    """Made by hand in the database, outside any migration: an EXCLUDE constraint (its index
    was described as a GiST index and dropped with a DROP INDEX the server refuses) and a partial
    index. Neither is drift for ``migrate dev``, neither is touched by ``db push``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    (tmp_path / "prisma").mkdir()
    Path("prisma/schema.prisma").write_text(
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
        'model Room {\n  id     Int                    @id\n  during Unsupported("tsrange")?\n}\n'
    )
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0  # type: ignore[attr-defined]
    with connect(postgres_url) as conn:
        conn.execute('ALTER TABLE "Room" ADD CONSTRAINT "Room_no_overlap" EXCLUDE USING gist ("during" WITH &&)')
        conn.execute('CREATE INDEX "Room_open_idx" ON "Room"("id") WHERE "during" IS NULL')
    assert _unmanaged_of(postgres_url, "Room") == {
        "Room_no_overlap": {Unexpressed.EXCLUSION},
        "Room_open_idx": {Unexpressed.PREDICATE},
    }
    r = run_cli("migrate", "dev", "--name", "again")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert "Drift" not in r.out + r.err  # type: ignore[attr-defined]
    assert not list(Path("prisma/migrations").glob("*_again"))
    r = run_cli("db", "push")
    assert r.exit_code == 0, r.err  # type: ignore[attr-defined]
    assert set(_unmanaged_of(postgres_url, "Room")) == {"Room_no_overlap", "Room_open_idx"}
    with connect(postgres_url) as conn:
        conn.execute("""INSERT INTO "Room" VALUES (1, '[2024-01-01,2024-01-03)')""")
        with pytest.raises(DatabaseError):  # the constraint still works
            conn.execute("""INSERT INTO "Room" VALUES (2, '[2024-01-02,2024-01-04)')""")


def _unmanaged_of(url: str, table: str) -> dict[str, set[Unexpressed]]:
    with connect(url) as conn:
        (t,) = [t for t in describe(conn).tables if t.name == table]
    return {u.name: set(u.unexpressed) for u in t.unmanaged_indexes}
