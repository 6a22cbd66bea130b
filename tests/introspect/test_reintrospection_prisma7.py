"""Re-introspection as Prisma 7 writes it, compared with the real Prisma 7.10 CLI
(``../shared/oracle/prisma7 pull``) on PostgreSQL and SQLite; MySQL (no oracle) asserts the same text.

- Field order: scalar fields in the table's column order, then relation fields in Prisma's order,
  whatever order the existing schema wrote them in; models and block attributes keep their place.
- An implicit many-to-many relation the existing schema had gets its generated name written out
  (``@relation("OrderToTag")``); one the schema did not have stays unnamed, as in a fresh pull.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from introspect.test_pull_cli import _create

# ../shared/oracle/prisma7 next to the checkout (a worktree may sit one level deeper)
ORACLE = next(
    (p / "shared" / "oracle" / "prisma7" for p in Path(__file__).resolve().parents if (p / "shared" / "oracle").is_dir()),
    Path("/nonexistent"),
)
HAS_ORACLE = ORACLE.exists() and shutil.which("node") is not None

DATASOURCE = 'datasource db {{\n  provider = "{provider}"\n}}\n'

# what the database is created from: the tables' column order
DATABASE = """
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}

model Order {
  id   Int   @id @default(autoincrement())
  tags Tag[]
}

model Tag {
  id     Int     @id @default(autoincrement())
  orders Order[]
}
"""

# the existing schema: other model order, fields shuffled, a relation field in the middle, the
# block attribute first written before the fields' end, no name on the many-to-many relation
EXISTING = """
model Post {
  title    String
  author   User   @relation(fields: [authorId], references: [id])
  id       Int    @id @default(autoincrement())
  authorId Int

  @@index([authorId])
}

model User {
  name  String?
  posts Post[]
  id    Int     @id @default(autoincrement())
  email String  @unique
}

model Order {
  tags Tag[]
  id   Int   @id @default(autoincrement())
}

model Tag {
  orders Order[]
  id     Int     @id @default(autoincrement())
}
"""

# after `extra` was added to Post by hand
EXPECTED = """
model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  extra    Int?
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}

model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
  posts Post[]
}

model Order {
  id   Int   @id @default(autoincrement())
  tags Tag[] @relation("OrderToTag")
}

model Tag {
  id     Int     @id @default(autoincrement())
  orders Order[] @relation("OrderToTag")
}
"""

# the existing schema without the many-to-many fields: the relation is new, left unnamed
WITHOUT_M2M = EXISTING.replace("  tags Tag[]\n", "").replace("  orders Order[]\n", "")
EXPECTED_WITHOUT_M2M = EXPECTED.replace(
    '  tags Tag[] @relation("OrderToTag")', "  Tag Tag[]"
).replace('  orders Order[] @relation("OrderToTag")', "  Order Order[]").replace(
    "  id   Int   @id", "  id  Int   @id"
).replace("  id     Int     @id", "  id    Int     @id")


def _add_column(url: str, provider: str) -> None:
    from schemashift.connectors import connect

    table = "`Post`" if provider == "mysql" else '"Post"'
    with connect(url) as conn:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN extra INTEGER")


def _prisma7(schema: Path, url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    p = subprocess.run(
        [str(ORACLE), "pull", str(schema)], cwd=schema.parent, env=env, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    # when stdout is its terminal, Prisma 7 says where it loaded the schema from: not part of the schema
    return p.stdout.split("Prisma schema loaded from")[0]


def _pull_and_compare(  # type: ignore[no-untyped-def]
    schema: Path, url: str, provider: str, run_cli, datasource: str, existing: str, expected: str
) -> None:
    """``db pull --print`` of ``existing`` gives ``expected``, and (PostgreSQL, SQLite) Prisma 7's text."""
    schema.write_text(datasource.format(provider=provider) + existing)
    result = run_cli("db", "pull", "--print", "--schema", str(schema))
    assert result.exit_code == 0, result.err
    assert result.out == datasource.format(provider=provider) + expected + "\n\n"
    if provider == "mysql":
        return  # no Prisma 7 oracle for MySQL: the same rule, asserted above
    if not HAS_ORACLE:
        pytest.skip("needs node and ../shared/oracle/prisma7 to compare with Prisma 7")
    assert result.out == _prisma7(schema, url)


@pytest.mark.parametrize(
    ("existing", "expected"), [(EXISTING, EXPECTED), (WITHOUT_M2M, EXPECTED_WITHOUT_M2M)], ids=["m2m-kept", "m2m-new"]
)
def test_reintrospection_field_order_and_m2m_name(  # type: ignore[no-untyped-def]
    tmp_path, db_url, provider, run_cli, existing, expected, monkeypatch
):
    _create(db_url, provider, DATABASE)
    _add_column(db_url, provider)
    monkeypatch.setenv("DATABASE_URL", db_url)
    _pull_and_compare(tmp_path / "schema.prisma", db_url, provider, run_cli, DATASOURCE, existing, expected)


# relationMode = "prisma": no foreign key, so the relation fields are the existing schema's, kept in
# its order after the scalar fields (which follow the column order)
EMULATED_DATASOURCE = 'datasource db {{\n  provider     = "{provider}"\n  relationMode = "prisma"\n}}\n'
EMULATED_DATABASE = """
model User {
  id    Int    @id @default(autoincrement())
  email String
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  editorId Int?

  @@index([authorId])
  @@index([editorId])
}
"""
EMULATED_EXISTING = """
model Post {
  editor   User?  @relation("ed", fields: [editorId], references: [id])
  title    String
  author   User   @relation("au", fields: [authorId], references: [id])
  id       Int    @id @default(autoincrement())
  authorId Int
  editorId Int?

  @@index([authorId])
  @@index([editorId])
}

model User {
  authored Post[] @relation("au")
  id       Int    @id @default(autoincrement())
  edited   Post[] @relation("ed")
  email    String
}
"""
EMULATED_EXPECTED = """
model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  editorId Int?
  editor   User?  @relation("ed", fields: [editorId], references: [id])
  author   User   @relation("au", fields: [authorId], references: [id])

  @@index([authorId])
  @@index([editorId])
}

model User {
  id       Int    @id @default(autoincrement())
  email    String
  authored Post[] @relation("au")
  edited   Post[] @relation("ed")
}
"""


def test_reintrospection_order_with_emulated_relations(  # type: ignore[no-untyped-def]
    tmp_path, db_url, provider, run_cli, monkeypatch
):
    _create(db_url, provider, EMULATED_DATABASE)
    monkeypatch.setenv("DATABASE_URL", db_url)
    _pull_and_compare(
        tmp_path / "schema.prisma", db_url, provider, run_cli, EMULATED_DATASOURCE, EMULATED_EXISTING, EMULATED_EXPECTED
    )


# the existing schema renames `Tag` (`@@map("Tag")`) so that it now sorts before `Order`, keeping the
# relation's name: the join table's column A references `Order`, the relation's models come in the
# reverse order
RENAMED_M2M = """
model Order {
  id     Int     @id @default(autoincrement())
  labels Label[] @relation("OrderToTag")
}

model Label {
  id     Int     @id @default(autoincrement())
  orders Order[] @relation("OrderToTag")

  @@map("Tag")
}
"""


def _warning_block(err: str) -> str:
    return err[err.index("// *** WARNING ***") :] if "// *** WARNING ***" in err else ""


def test_reintrospection_warns_of_a_broken_many_to_many_relation(  # type: ignore[no-untyped-def]
    tmp_path, db_url, provider, run_cli, monkeypatch
):
    """Prisma's "The many-to-many relation between ... is broken due to the naming of the models"
    warning, which closes the block, byte for byte with Prisma 7's (PostgreSQL, SQLite)."""
    _create(db_url, provider, DATABASE)
    monkeypatch.setenv("DATABASE_URL", db_url)
    schema = tmp_path / "schema.prisma"
    schema.write_text(DATASOURCE.format(provider=provider) + RENAMED_M2M)
    result = run_cli("db", "pull", "--print", "--schema", str(schema))
    assert result.exit_code == 0, result.err
    block = _warning_block(result.err)
    assert block.endswith(
        '// The many-to-many relation between "Order" and "Label" is broken due to the naming of the models. Prisma '
        "creates many-to-many relations based on the alphabetical ordering of the names of the models and these two "
        "models now produce the reverse of the expected ordering.\n"
    ), block
    if provider == "mysql":
        return
    if not HAS_ORACLE:
        pytest.skip("needs node and ../shared/oracle/prisma7 to compare with Prisma 7")
    p = subprocess.run(
        [str(ORACLE), "pull", str(schema)], cwd=tmp_path, env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert result.out == p.stdout.split("Prisma schema loaded from")[0]
    assert block == _warning_block(p.stderr)
