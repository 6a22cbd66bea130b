"""The schemas the API and `--json` tests migrate: two versions of one small project."""

from __future__ import annotations

from pathlib import Path

V1 = """
model User {
  id    Int    @id
  email String @unique
}
"""

V2 = V1 + """
model Post {
  id    Int    @id
  title String
}
"""


def write_schema(root: Path, provider: str, models: str, url_var: str = "DATABASE_URL") -> Path:
    """``prisma/schema.prisma`` under ``root``, its url read from ``url_var``."""
    path = root / "prisma" / "schema.prisma"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f'datasource db {{\n  provider = "{provider}"\n  url      = env("{url_var}")\n}}\n{models}')
    return path
