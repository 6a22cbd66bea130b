"""The migrations conformance corpus (``../shared/conformance/migrations-postgres``), read in place.

Shared by ``scripts/migrations_conformance.py`` and the data-driven test; kept with the tests (it
is not part of the package) and never copied into the repository.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "conformance"
MANIFEST = CORPUS / "manifests" / "migrations-postgres.jsonl"


@dataclass(frozen=True, slots=True)
class MigrationCase:
    dir: str  # relative to the corpus root
    provider: str
    from_src: str | None  # None: the empty database
    to_src: str
    expected: str


def load_cases() -> list[MigrationCase]:
    """All cases of the manifest; empty when the corpus is absent."""
    if not MANIFEST.exists():
        return []
    cases = []
    for line in MANIFEST.read_text().splitlines():
        if not line.strip():
            continue
        meta = json.loads(line)
        folder = CORPUS / meta["dir"]
        from_path = folder / "from.prisma"
        cases.append(
            MigrationCase(
                dir=meta["dir"],
                provider=meta.get("provider", "postgresql"),
                from_src=from_path.read_text() if from_path.exists() else None,
                to_src=(folder / "to.prisma").read_text(),
                expected=(folder / "expected.sql").read_text(),
            )
        )
    return cases
