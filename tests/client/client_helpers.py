"""A generated client on a fresh database: write the schema, push it, generate, import."""

from __future__ import annotations

import importlib
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

SCHEMA = """\
generator client {{
  provider = "schemashift-py"
  output   = "{output}"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

enum PlanTier {{
  FREE
  PRO
  ENTERPRISE @map("enterprise")
}}

model User {{
  id        String   @id @default(cuid())
  email     String   @unique
  name      String?
  planTier  PlanTier @default(FREE)
  age       Int      @default(0)
  score     Float?
  balance   Decimal?
  active    Boolean  @default(true)
  meta      Json?
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt @map("updated_at")
  posts     Post[]
  tags      Tag[]

  @@map("users")
}}

model Post {{
  id        Int     @id @default(autoincrement())
  title     String  @map("post_title")
  published Boolean @default(false)
  authorId  String?
  author    User?   @relation(fields: [authorId], references: [id])
  slug      String  @default(uuid(7))
  code      String  @default(nanoid(8))
  ref       String  @default(cuid(2))

  @@unique([title, authorId])
}}

model Tag {{
  id    String @id @default(ulid())
  label String @unique
  users User[]
}}
"""


def make_client(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any], schema: str = SCHEMA) -> ModuleType:
    """Push the schema to ``db_url``, generate its client as a uniquely named package, import it."""
    package = f"client_{provider}_{uuid.uuid4().hex[:8]}"
    (tmp_path / "prisma").mkdir(exist_ok=True)
    path = tmp_path / "prisma" / "schema.prisma"
    path.write_text(schema.format(output=f"../{package}", provider=provider), encoding="utf-8")
    import os

    os.environ["DATABASE_URL"] = db_url
    r = run_cli("db", "push", "--schema", str(path))
    assert r.exit_code == 0, r.err
    r = run_cli("generate", "--schema", str(path))
    assert r.exit_code == 0, r.err
    assert (tmp_path / package / "client.py").is_file()
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp_path))
