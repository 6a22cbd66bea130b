"""Generate the prisma-client-py compatible package (named ``prisma``) for a schema on a fresh
database and import it (one ``prisma`` package per test: earlier ones are dropped from
``sys.modules``)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

SCHEMA = """\
generator client {{
  provider             = "prisma-client-py"
  output               = "{output}"
  interface            = "{interface}"
  recursive_type_depth = 5
  enable_experimental_decimal = true
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

enum Role {{
  USER
  ADMIN
}}

model User {{
  id       String   @id @default(cuid())
  name     String
  email    String?  @unique
  role     Role     @default(USER)
  points   Int      @default(0)
  avatar   Bytes?
  settings Json?
  balance  Decimal?
  created  DateTime @default(now())
  posts    Post[]
  profile  Profile?
}}

model Profile {{
  id          Int    @id @default(autoincrement())
  description String
  country     String
  userId      String @unique
  user        User   @relation(fields: [userId], references: [id])
}}

model Post {{
  id        Int     @id @default(autoincrement())
  title     String
  published Boolean @default(false)
  views     Int     @default(0)
  authorId  String?
  author    User?   @relation(fields: [authorId], references: [id])

  @@unique([title, authorId])
}}
"""


def schema_with(models: str, generator: str = 'provider  = "prisma-client-py"') -> str:
    """A schema template for :func:`make_prisma`: the generator (``generator``: its provider line
    and any options), the datasource, then ``models`` (braces doubled)."""
    return (
        "generator client {{\n  " + generator + '\n  output    = "{output}"\n  interface = "{interface}"\n}}\n\n'
        'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n\n' + models
    )


def purge() -> None:
    for name in [n for n in sys.modules if n == "prisma" or n.startswith("prisma.")]:
        del sys.modules[name]


def make_prisma(
    tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any], interface: str = "asyncio",
    schema: str = SCHEMA,
) -> ModuleType:
    """Push the schema (a template with {output}, {provider}, {interface}), run `schemashift
    generate`, import the generated `prisma` package."""
    (tmp_path / "prisma").mkdir(exist_ok=True)
    path = tmp_path / "prisma" / "schema.prisma"
    path.write_text(schema.format(output="../gen/prisma", provider=provider, interface=interface), encoding="utf-8")
    os.environ["DATABASE_URL"] = db_url
    r = run_cli("db", "push", "--schema", str(path))
    assert r.exit_code == 0, r.err
    r = run_cli("generate", "--schema", str(path))
    assert r.exit_code == 0, r.err
    assert (tmp_path / "gen" / "prisma" / "client.py").is_file()
    purge()
    sys.path.insert(0, str(tmp_path / "gen"))
    try:
        module = importlib.import_module("prisma")
        for sub in ("models", "types", "enums", "errors", "fields", "partials", "bases"):
            importlib.import_module(f"prisma.{sub}")
        return module
    finally:
        sys.path.remove(str(tmp_path / "gen"))
