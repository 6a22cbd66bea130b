"""Big generated schemas for the benchmarks when node is not installed.

The same shape as the oracle's gen-schema.mjs (variant 0): a chain of models ``Model0000..``,
each with an autoincrement id, an optional relation to the previous model (``onDelete: SetNull``),
the back-relation list, scalar fields cycling through ten types (``field0`` unique, Boolean and
DateTime with defaults) and ``@@index([field1])``. ``prisma6`` adds the datasource ``url``.
"""

from __future__ import annotations

SCALARS = ("String", "Int", "Boolean", "DateTime", "Float", "String?", "Int?", "Json?", "BigInt?", "Decimal?")
DEFAULTS = {"Boolean": " @default(false)", "DateTime": " @default(now())"}


def _name(i: int) -> str:
    return f"Model{i:04d}"


def _model(i: int, count: int, fields: int) -> list[str]:
    lines = [f"model {_name(i)} {{", "  id        Int      @id @default(autoincrement())"]
    used = 1
    if i > 0:
        lines.append("  parentId  Int?")
        lines.append(f"  parent    {_name(i - 1)}? @relation(fields: [parentId], references: [id], onDelete: SetNull)")
        used += 1
    if i < count - 1:
        lines.append(f"  children  {_name(i + 1)}[]")
    for k in range(fields - used):
        scalar = SCALARS[k % len(SCALARS)]
        attribute = " @unique" if k == 0 else DEFAULTS.get(scalar, "")
        lines.append(f"  field{k}   {scalar}{attribute}")
    lines += ["  @@index([field1])", "}"]
    return lines


def generate(provider: str, models: int, fields: int = 10, prisma6: bool = False) -> str:
    url = '"file:./dev.db"' if provider == "sqlite" else 'env("DATABASE_URL")'
    head = ["datasource db {", f'  provider = "{provider}"', *([f"  url      = {url}"] if prisma6 else []), "}"]
    blocks = ["\n".join(head)] + ["\n".join(_model(i, models, fields)) for i in range(models)]
    return "\n\n".join(blocks) + "\n"
