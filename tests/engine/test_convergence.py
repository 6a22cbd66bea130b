"""Live convergence: apply the SQL we render for a schema, describe the database, and the
differ must find nothing to do between the described and the lowered schema.

PostgreSQL: every ``migrations-postgres`` conformance case (the ``from`` schema is applied first
when there is one, then our diff to ``to``). Other providers: a few hand-written schemas, run as
soon as a SQL renderer for that provider exists.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import dbutil
from schemashift.connectors import Connector, connect
from schemashift.connectors.describe import describe
from schemashift.dialects import get_dialect
from schemashift.diff.differ import diff
from schemashift.migrations.engine import diff_schemas
from schemashift.lower import lower_schema, parse_checked
from schemashift.model import Schema
from schemashift.psl import validate

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "migrations-postgres"
CASES = sorted(p for p in CORPUS.glob("*/*") if (p / "to.prisma").is_file())

#: cases that do not converge yet, and why (strict: a fix makes the test fail until removed)
KNOWN: dict[str, str] = {}
#: extensions a case needs that this server may not have
NEEDS_EXTENSION = {"migrations_postgres_extensions__diff_unchanged_unsupported_type__None_0": "vector"}


def _lowered(source: str, provider: str) -> Schema:
    return lower_schema(parse_checked([("schema.prisma", source)]), provider)


def _remaining_steps(conn: Connector, target: Schema, provider: str) -> str:
    described = describe(conn, namespaces=target.namespaces) if target.namespaces else describe(conn)
    dialect = get_dialect(provider)
    steps = diff(described, target, dialect)
    return dialect.render_script(steps) if steps else ""


# ------------------------------------------------------------------ PostgreSQL corpus


@pytest.fixture(scope="module")
def pg_conn() -> Iterator[Connector]:
    admin = dbutil.admin_url_or_skip("postgresql")
    with dbutil.postgres_database(admin) as url, connect(url) as conn:
        yield conn


def _clean_postgres(conn: Connector) -> None:
    for (ns,) in conn.query(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
    ):
        conn.execute(f'DROP SCHEMA "{ns}" CASCADE')
    conn.execute("CREATE SCHEMA public")


def _available_extension(conn: Connector, name: str) -> bool:
    return conn.query_one("SELECT 1 FROM pg_available_extensions WHERE name = %s", (name,)) is not None


@pytest.mark.postgres
@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_postgres_corpus_converges(case: Path, pg_conn: Connector, request: pytest.FixtureRequest) -> None:
    if case.name in KNOWN:
        request.applymarker(pytest.mark.xfail(reason=KNOWN[case.name], strict=True))
    to_src = (case / "to.prisma").read_text(encoding="utf-8")
    from_path = case / "from.prisma"
    from_src = from_path.read_text(encoding="utf-8") if from_path.is_file() else None
    _clean_postgres(pg_conn)
    extension = NEEDS_EXTENSION.get(case.name)
    if extension and not _available_extension(pg_conn, extension):
        pytest.skip(f"the {extension} extension is not installed on this server")
    if "Citext" in to_src or (from_src and "Citext" in from_src):
        pg_conn.execute("CREATE EXTENSION IF NOT EXISTS citext")  # as the upstream test set-up does
    if extension:
        pg_conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
    if from_src is not None:
        pg_conn.execute_script(diff_schemas(None, from_src, "postgresql"))
    pg_conn.execute_script(diff_schemas(from_src, to_src, "postgresql"))
    assert _remaining_steps(pg_conn, _lowered(to_src, "postgresql"), "postgresql") == ""


# ------------------------------------------------------------------ the same corpus on SQLite and MySQL

#: (provider, case) -> why the case is not run there
NOT_PORTABLE: dict[tuple[str, str], str] = {}
#: (provider, case) -> what does not converge yet (strict xfail)
KNOWN_PORTED: dict[tuple[str, str], str] = {}


def _ported(source: str, provider: str) -> str:
    return re.sub(r'provider\s*=\s*"postgres(ql)?"', f'provider = "{provider}"', source, count=1)


@pytest.fixture(scope="module")
def mysql_conn() -> Iterator[Connector]:
    admin = dbutil.admin_url_or_skip("mysql")
    with dbutil.mysql_database(admin) as url, connect(url) as conn:
        yield conn


@pytest.mark.parametrize("provider", ["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_corpus_converges_on_other_databases(
    case: Path, provider: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Every corpus case that is valid for ``provider`` once its datasource says so."""
    files = [case / n for n in ("from.prisma", "to.prisma") if (case / n).is_file()]
    sources = [_ported(f.read_text(encoding="utf-8"), provider) for f in files]
    if any("Unsupported(" in s for s in sources):
        pytest.skip("uses PostgreSQL-only Unsupported types")
    if any(d.is_error for s in sources for d in validate(s)):
        pytest.skip(f"not a valid {provider} schema")
    if (provider, case.name) in NOT_PORTABLE:
        pytest.skip(NOT_PORTABLE[(provider, case.name)])
    if (provider, case.name) in KNOWN_PORTED:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_PORTED[(provider, case.name)], strict=True))
    if provider == "sqlite":
        conn = connect(f"file:{tmp_path / 'db.sqlite'}")
    else:
        conn = request.getfixturevalue("mysql_conn")
        conn.reset()
    try:
        previous = None
        for source in sources:
            conn.execute_script(diff_schemas(previous, source, provider))
            previous = source
        assert _remaining_steps(conn, _lowered(sources[-1], provider), provider) == ""
    finally:
        if provider == "sqlite":
            conn.close()


# ------------------------------------------------------------------ hand-written schemas, every provider

GENERIC = {
    "blog": """
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?
  createdAt DateTime @default(now())
  score     Float    @default(1.5)
  active    Boolean  @default(true)
  posts     Post[]
}

model Post {
  id       Int     @id @default(autoincrement())
  title    String  @default("untitled")
  views    Int     @default(0)
  authorId Int
  author   User    @relation(fields: [authorId], references: [id], onDelete: Cascade)
  tags     Tag[]

  @@index([authorId, title])
}

model Tag {
  name  String @id
  posts Post[]
}
""",
    "compound_keys": """
model Account {
  tenant  String
  number  Int
  balance Decimal  @default(0)
  data    Bytes?
  entries Entry[]

  @@id([tenant, number])
  @@unique([number, tenant], map: "account_number_tenant")
}

model Entry {
  id            BigInt  @id
  accountTenant String
  accountNumber Int
  account       Account @relation(fields: [accountTenant, accountNumber], references: [tenant, number], onUpdate: Restrict)
}
""",
    "scalars": """
model Kitchen {
  id     Int      @id @default(autoincrement())
  label  String   @unique(map: "kitchen_label")
  notes  String?  @default("it's \\"quoted\\"")
  ratio  Float?
  price  Decimal? @default(9.99)
  born   DateTime?
  seen   DateTime @updatedAt
  flag   Boolean  @default(false)
  raw    Bytes?
  count  Int      @default(-7)
  big    BigInt   @default(12345678901)

  @@index([count(sort: Desc), label])
}
""",
}
PROVIDERS_WITH_URL = {
    "sqlite": 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n',
    "postgresql": 'datasource db {\n  provider = "postgresql"\n  url = "postgresql://localhost/db"\n}\n',
    "mysql": 'datasource db {\n  provider = "mysql"\n  url = "mysql://localhost/db"\n}\n',
}


def _has_renderer(provider: str) -> bool:
    module = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}[provider]
    return importlib.util.find_spec(f"schemashift.dialects.{module}") is not None


@pytest.mark.parametrize("name", sorted(GENERIC))
def test_generic_schema_converges(name: str, provider: str, db_url: str) -> None:
    if not _has_renderer(provider):
        pytest.skip(f"no SQL renderer for {provider} yet")
    source = PROVIDERS_WITH_URL[provider] + GENERIC[name]
    with connect(db_url) as conn:
        conn.execute_script(diff_schemas(None, source, provider))
        assert _remaining_steps(conn, _lowered(source, provider), provider) == ""
