"""The CockroachDB connector and describer.

No CockroachDB server can be installed where this was written, so nothing here runs against one
(docs/cockroachdb.md says what that leaves unverified):

* detection, session settings and describe run on a fake psycopg connection that answers the
  catalog queries with rows written from CockroachDB's documentation of ``pg_catalog`` and
  ``information_schema`` (``:::`` annotated defaults, ``text``/``varchar`` for ``STRING``, the hidden
  ``rowid`` of a table created without a primary key, the ``prefix`` access method);
* the migration lock (a lease row, portable SQL) and statement-by-statement apply run on the
  real PostgreSQL test server, through a CockroachConnector whose CockroachDB-only session
  settings are left out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from schemashift import connectors
from schemashift.connectors import cockroachdb as crdb
from schemashift.connectors import postgres as pgconn
from schemashift.connectors.base import LockHolder
from schemashift.connectors.describe import postgres as pgdesc
from schemashift.connectors.describe.cockroachdb import _HIDDEN_COLUMNS_SQL, _SEQUENCES_SQL, cockroach_default_text
from schemashift.connectors.errors import DatabaseError, LockTimeout
from schemashift.dialects.cockroachdb import CockroachDialect
from schemashift.diff.differ import diff
from schemashift.lower import lower_source
from schemashift.migrations import engine
from schemashift.model import DbGeneratedDefault, IndexAlgorithm, SequenceOptions

SCHEMA = """
datasource db {
  provider = "cockroachdb"
  url      = env("DATABASE_URL")
}

enum Role {
  USER
  ADMIN
}

model User {
  id        BigInt   @id @default(autoincrement())
  name      String
  bio       String?  @db.String(20)
  score     Float    @default(1.5)
  role      Role     @default(USER)
  tags      String[] @default(["a"])
  createdAt DateTime @default(now())
  seq       Int      @default(sequence())
  ticket    Int      @default(sequence(start: 100, increment: 5))
  doc       Json
  groups    Group[]

  @@index([name])
  @@index([doc], type: Gin)
}

model Group {
  id    String @id
  users User[]
}
"""

P = "public"
_COL = ("b", "pg_catalog", False, None)  # typtype, type schema, is_array, format_type()


def _column(table: str, name: str, notnull: bool, typmod: int, typname: str, default: str | None = None,
            identity: str = "", array: bool = False, typtype: str = "b", typ_schema: str = "pg_catalog") -> tuple[Any, ...]:
    return (P, table, name, notnull, typmod, typname, typtype, typ_schema, array, None, default, identity, "")


def _index(table: str, name: str, column: str, primary: bool = False, unique: bool = False,
           method: str = "prefix") -> tuple[Any, ...]:
    return (P, table, name, primary, unique, method, column, False, None, None, False, False, False, False, None, None)


#: what CockroachDB answers for the database Prisma's script of SCHEMA creates
CATALOG: dict[str, list[tuple[Any, ...]]] = {
    pgdesc._COLUMNS_SQL: [
        _column("Group", "id", True, -1, "text"),
        _column("User", "id", True, -1, "int8", "unique_rowid()"),
        _column("User", "name", True, -1, "text"),
        _column("User", "bio", False, 24, "varchar"),
        _column("User", "score", True, -1, "float8", "1.5:::FLOAT8"),
        _column("User", "role", True, -1, "Role", "'USER':::public.\"Role\"", typtype="e", typ_schema=P),
        _column("User", "tags", False, -1, "text", "ARRAY['a':::STRING]:::STRING[]", array=True),
        _column("User", "createdAt", True, 3, "timestamp", "now():::TIMESTAMP"),
        _column("User", "seq", True, -1, "int4", "nextval('public.\"User_seq_seq\"'::REGCLASS)", identity="d"),
        _column("User", "ticket", True, -1, "int4", "nextval('public.\"User_ticket_seq\"'::REGCLASS)", identity="d"),
        _column("User", "doc", True, -1, "jsonb"),
        _column("_GroupToUser", "A", True, -1, "text"),
        _column("_GroupToUser", "B", True, -1, "int8"),
        _column("_GroupToUser", "rowid", True, -1, "int8", "unique_rowid()"),
        _column("_prisma_migrations", "id", True, 40, "varchar"),
        _column(crdb.LOCK_TABLE, "id", True, -1, "int8"),
    ],
    pgdesc._ENUMS_SQL: [(P, "Role", "USER"), (P, "Role", "ADMIN")],
    pgdesc._INDEXES_SQL: [
        _index("Group", "Group_pkey", "id", primary=True, unique=True),
        _index("User", "User_doc_idx", "doc", method="inverted"),
        _index("User", "User_name_idx", "name"),
        _index("User", "User_pkey", "id", primary=True, unique=True),
        _index("_GroupToUser", "_GroupToUser_AB_unique", "A", unique=True),
        _index("_GroupToUser", "_GroupToUser_AB_unique", "B", unique=True),
        _index("_GroupToUser", "_GroupToUser_B_index", "B"),
        _index("_GroupToUser", "_GroupToUser_pkey", "rowid", primary=True, unique=True),
    ],
    pgdesc._FOREIGN_KEYS_SQL: [
        (P, "_GroupToUser", "_GroupToUser_A_fkey", P, "Group", "A", "id", "c", "c"),
        (P, "_GroupToUser", "_GroupToUser_B_fkey", P, "User", "B", "id", "c", "c"),
    ],
    pgdesc._EXTENSIONS_SQL: [],
    _HIDDEN_COLUMNS_SQL: [(P, "_GroupToUser", "rowid")],
    _SEQUENCES_SQL: [
        (P, "User_seq_seq", 1, 1, 1, 2**63 - 1, 1),
        (P, "User_ticket_seq", 100, 5, 1, 2**63 - 1, 1),
    ],
}


class FakeCockroach:
    """A psycopg connection to a CockroachDB server, as far as the connector uses one."""

    def __init__(self, answers: dict[str, list[tuple[Any, ...]]], crdb_version: str | None = "v23.2.4") -> None:
        self.answers = answers
        self.sent: list[tuple[str, Any]] = []
        self.info = SimpleNamespace(
            parameter_status=lambda name: crdb_version if name == "crdb_version" else None
        )

    def execute(self, sql: str, params: Any = None) -> Any:
        self.sent.append((sql, params))
        rows = self.answers.get(sql)
        return SimpleNamespace(
            rowcount=len(rows or ()), description=None if rows is None else [], fetchall=lambda: list(rows or ())
        )

    def close(self) -> None:
        pass


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeCockroach:
    server = FakeCockroach(CATALOG)
    monkeypatch.setattr(pgconn, "_open", lambda url, database: server)
    return server


URL = "postgresql://root@crdb.example:26257/app?sslmode=disable"


def test_a_cockroachdb_server_gets_its_connector_and_prismas_session_settings(fake: FakeCockroach) -> None:
    with connectors.connect(URL) as conn:
        assert isinstance(conn, crdb.CockroachConnector)
        assert isinstance(conn.dialect, CockroachDialect) and conn.dialect.default_namespace == "public"
        assert [sql for sql, _ in fake.sent] == ['SET search_path TO "public"', crdb.SESSION_SETTINGS]
    for setting in ("enable_implicit_transaction_for_batch_statements = false", "use_declarative_schema_changer = off"):
        assert setting in crdb.SESSION_SETTINGS


def test_a_postgresql_server_keeps_the_postgresql_connector(monkeypatch: pytest.MonkeyPatch) -> None:
    server = FakeCockroach({}, crdb_version=None)
    monkeypatch.setattr(pgconn, "_open", lambda url, database: server)
    with connectors.connect(URL) as conn:
        assert type(conn) is pgconn.PostgresConnector
        assert conn.dialect.name == "postgresql"


def test_describe_reads_the_catalog_as_cockroachdb_and_matches_the_schema(fake: FakeCockroach) -> None:
    with connectors.connect(URL) as conn:
        described = engine.describe(conn)
    assert {t.name for t in described.tables} == {"Group", "User", "_GroupToUser"}  # no history, no lock table
    user = described.table("User")
    join = described.table("_GroupToUser")
    assert user is not None and join is not None
    types = {c.name: (c.type.native, c.type.args) for c in user.columns}
    assert types["name"] == ("String", ()) and types["bio"] == ("String", (20,)) and types["score"] == ("Float8", ())
    assert types["seq"] == ("Int4", ()) and types["id"] == ("Int8", ())
    by_name = {c.name: c for c in user.columns}
    assert by_name["id"].default == DbGeneratedDefault("unique_rowid()") and by_name["id"].autoincrement
    assert by_name["seq"].autoincrement and by_name["seq"].default is None
    assert by_name["ticket"].sequence == "User_ticket_seq"
    assert by_name["ticket"].sequence_options == SequenceOptions(start=100, increment=5)
    assert [c.name for c in join.columns] == ["A", "B"] and join.primary_key is None  # the hidden rowid is gone
    assert {i.name: i.algorithm for i in user.indexes}["User_doc_idx"] is IndexAlgorithm.GIN
    # the database Prisma's script made is the schema: no step between them
    assert diff(described, lower_source(SCHEMA), CockroachDialect()) == []
    assert diff(lower_source(SCHEMA), described, CockroachDialect()) == []


def test_a_changed_database_is_drift(fake: FakeCockroach) -> None:
    """A column the schema lacks, and a sequence whose options changed, are found."""
    fake.answers = dict(CATALOG)
    fake.answers[pgdesc._COLUMNS_SQL] = [
        *CATALOG[pgdesc._COLUMNS_SQL],
        _column("User", "extra", False, -1, "text", "'x':::STRING"),
    ]
    fake.answers[_SEQUENCES_SQL] = [(P, "User_seq_seq", 1, 1, 1, 2**63 - 1, 1), (P, "User_ticket_seq", 100, 2, 1, 500, 1)]
    with connectors.connect(URL) as conn:
        script = engine.render(engine.diff(engine.describe(conn), lower_source(SCHEMA), conn.dialect), conn.dialect)
    assert script == (
        '-- AlterSequence\nALTER SEQUENCE "User_ticket_seq" MAXVALUE 9223372036854775807 INCREMENT 5;\n\n'
        '-- AlterTable\nALTER TABLE "User" DROP COLUMN "extra";\n'
    )


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("'it''s':::STRING", "'it''s'::STRING"),
        ("'a:::b':::STRING", "'a:::b'::STRING"),  # inside a literal, left alone
        ("now():::TIMESTAMP", "now()"),
        ("current_timestamp():::TIMESTAMPTZ", "current_timestamp()"),
        ("gen_random_uuid()", "gen_random_uuid()"),
    ],
)
def test_default_texts(printed: str, read: str) -> None:
    assert cockroach_default_text(printed) == read


# ---------------------------------------------------------------- on the PostgreSQL server


@pytest.fixture
def crdb_on_postgres(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[crdb.CockroachConnector]]:
    """CockroachConnector on the PostgreSQL test server, without the CockroachDB-only SETs."""
    monkeypatch.setattr(crdb, "SESSION_SETTINGS", "SELECT 1")
    yield crdb.CockroachConnector


def test_lease_lock_excludes_a_second_session_and_is_released(postgres_url: str, crdb_on_postgres: Any) -> None:
    first, second = crdb_on_postgres(connectors.parse_url(postgres_url)), crdb_on_postgres(connectors.parse_url(postgres_url))
    told: list[tuple[LockHolder | None, float]] = []
    second.on_lock_wait = lambda holder, seconds: told.append((holder, seconds))
    try:
        with first.advisory_lock():
            assert first.query(f'SELECT count(*) FROM "{crdb.LOCK_TABLE}"')[0][0] == 1
            with pytest.raises(LockTimeout, match="CockroachDB has no advisory locks"):
                with second.advisory_lock(timeout=0.3):
                    pytest.fail("two sessions held the migration lock")
            assert len(told) == 1 and told[0][0] is not None and "schemashift pid" in (told[0][0].program or "")
        assert first.query(f'SELECT count(*) FROM "{crdb.LOCK_TABLE}"')[0][0] == 0
        with second.advisory_lock(timeout=0.3):  # free again
            pass
    finally:
        first.close()
        second.close()


def test_lease_lock_is_released_on_error_and_an_expired_lease_is_taken_over(postgres_url: str, crdb_on_postgres: Any) -> None:
    first, second = crdb_on_postgres(connectors.parse_url(postgres_url)), crdb_on_postgres(connectors.parse_url(postgres_url))
    try:
        with pytest.raises(RuntimeError):
            with first.advisory_lock():
                raise RuntimeError("the migration failed")
        assert first.query(f'SELECT count(*) FROM "{crdb.LOCK_TABLE}"')[0][0] == 0
        # a holder killed without releasing: its lease runs out and the next deploy takes it
        first.execute(
            f"INSERT INTO \"{crdb.LOCK_TABLE}\" (id, holder, expires_at) VALUES (1, 'killed', now() - INTERVAL '1 second')"
        )
        with second.advisory_lock(timeout=0.3):
            assert second.query(f'SELECT holder FROM "{crdb.LOCK_TABLE}"')[0][0] == second._lock_holder_name
    finally:
        first.close()
        second.close()


def test_two_sessions_racing_for_the_lock_never_both_get_it(postgres_url: str, crdb_on_postgres: Any) -> None:
    sessions = [crdb_on_postgres(connectors.parse_url(postgres_url)) for _ in range(3)]
    inside, most = [0], [0]
    guard = threading.Lock()
    failures: list[BaseException] = []

    def run(conn: crdb.CockroachConnector) -> None:
        try:
            work(conn)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    def work(conn: crdb.CockroachConnector) -> None:
        for _ in range(2):
            with conn.advisory_lock(timeout=20):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                conn.query("SELECT pg_sleep(0.02)")
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=run, args=(c,)) for c in sessions]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for c in sessions:
            c.close()
    assert not failures, failures
    assert most[0] == 1


def test_a_migration_runs_statement_by_statement(postgres_url: str, crdb_on_postgres: Any) -> None:
    """Prisma's scripts commit statement by statement on CockroachDB; so does apply: a failing third
    statement leaves the first two applied."""
    conn = crdb_on_postgres(connectors.parse_url(postgres_url))
    try:
        script = 'CREATE TABLE "a" (id INT8 PRIMARY KEY);\nCREATE TABLE "b" (id INT8 PRIMARY KEY);\nSELECT 1/0;\n'
        with pytest.raises(DatabaseError):
            engine.apply_script(conn, script)
        assert sorted(r[0] for r in conn.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) == ["a", "b"]
    finally:
        conn.close()


def test_db_pull_writes_a_cockroachdb_schema_that_describes_the_database(fake: FakeCockroach) -> None:
    from schemashift.introspect import pull
    from schemashift.psl import validate

    with connectors.connect(URL) as conn:
        described = engine.describe(conn)
        pulled = pull(conn).text
    assert 'provider = "cockroachdb"' in pulled
    assert "seq       Int      @default(sequence())" in pulled  # the identity columns
    assert "ticket    Int      @default(sequence(start: 100, increment: 5))" in pulled
    assert "id        BigInt   @id @default(autoincrement())" in pulled  # unique_rowid()
    assert "@@index([doc], type: Gin)" in pulled and "bio       String?  @db.String(20)" in pulled
    assert not [d for d in validate(pulled) if d.is_error]
    assert diff(described, lower_source(pulled), CockroachDialect()) == []


def test_cli_diffs_and_reports_an_unreachable_cockroachdb(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, run_cli: Any) -> None:
    """``provider = "cockroachdb"`` is accepted: a schema diff prints Prisma's script; a command that
    needs the database reports the server it could not reach (P1001), no traceback."""
    import socket as sock

    with sock.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma").mkdir()
    schema = SCHEMA.replace('env("DATABASE_URL")', f'"postgresql://root@127.0.0.1:{port}/app"')
    (tmp_path / "prisma" / "schema.prisma").write_text(schema)
    result = run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    assert result.exit_code == 0, result.err
    assert '"id" INT8 NOT NULL DEFAULT unique_rowid(),' in result.out
    assert '"seq" INT4 NOT NULL GENERATED BY DEFAULT AS IDENTITY,' in result.out
    status = run_cli("migrate", "status")
    assert status.exit_code == 1 and "P1001" in status.err and "Traceback" not in status.err + status.out


def test_a_postgresql_schema_on_cockroachdb_is_refused(fake: FakeCockroach) -> None:
    from schemashift.connectors.errors import ConnectorError

    with connectors.connect(URL) as conn:
        crdb.check_provider(conn, "cockroachdb")
        with pytest.raises(ConnectorError, match='server at `crdb.example:26257` is CockroachDB. Use `provider = "cockroachdb"`'):
            crdb.check_provider(conn, "postgresql")


def test_a_cockroachdb_schema_on_postgresql_is_refused(postgres_url: str) -> None:
    from schemashift.connectors.errors import ConnectorError

    with connectors.connect(postgres_url) as conn:
        assert type(conn) is pgconn.PostgresConnector  # the real server sends no crdb_version
        crdb.check_provider(conn, "postgresql")
        with pytest.raises(ConnectorError, match="is not CockroachDB"):
            crdb.check_provider(conn, "cockroachdb")
