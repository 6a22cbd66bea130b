"""``format_files`` against Prisma's own reformatter tests (read in place from ../shared).

Every case must come out byte for byte as Prisma formats it, and formatting the result again must
not change it. Files are read as bytes: one input uses CRLF line endings, one has real tabs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemashift.psl import format as format_one
from schemashift.psl import format_files

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance"
MANIFEST = CORPUS / "manifests" / "reformat.jsonl"

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="conformance corpus not available")


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _cases() -> list[dict]:  # type: ignore[type-arg]
    if not MANIFEST.exists():
        return []
    return [json.loads(line) for line in MANIFEST.read_text().splitlines() if line.strip()]


def _case_id(case: dict) -> str:  # type: ignore[type-arg]
    return Path(case.get("input") or case["input_dir"]).name.removesuffix(".prisma")


CASES = _cases()


def test_manifest_lists_all_cases() -> None:
    assert len(CASES) == 89
    assert sum(case["kind"] == "multi_file" for case in CASES) == 4


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_reformat_case(case: dict) -> None:  # type: ignore[type-arg]
    if case["kind"] == "multi_file":
        names = case["files"]
        files = [(name, _read(CORPUS / case["input_dir"] / name)) for name in names]
        expected = [(name, _read(CORPUS / case["expected_dir"] / name)) for name in names]
    else:
        files = [("schema.prisma", _read(CORPUS / case["input"]))]
        expected = [("schema.prisma", _read(CORPUS / case["expected"]))]
    formatted = format_files(files)
    assert formatted == expected
    assert format_files(formatted) == formatted
    if len(files) == 1:
        assert format_one(files[0][1]) == expected[0][1]


def _chain_schema(models: int, last_has_parent: bool) -> str:
    """The shape of ``oracle/gen-schema.mjs``: a chain of models, each pointing to the previous."""
    blocks = ['datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n']
    for i in range(models):
        parent = (
            f"  parentId  Int?\n  parent    Model{i - 1:04}? @relation(fields: [parentId], references: [id],"
            " onDelete: SetNull)\n"
        )
        if i == 0 or (i == models - 1 and not last_has_parent):
            parent = ""
        children = f"  children  Model{i + 1:04}[]\n" if i < models - 1 else ""
        blocks.append(
            f"model Model{i:04} {{\n  id        Int      @id @default(autoincrement())\n{parent}{children}"
            "  field0   String @unique\n  field1   Int\n"
            "  field2   Boolean @default(false)\n  field3   DateTime @default(now())\n"
            "  field4   Float\n  field5   String?\n  @@index([field1])\n}\n"
        )
    return "\n".join(blocks)


def test_large_schema_formats_relation_chains() -> None:
    """A 1,000-model chain of relations (its speed is bench/bench_psl.py's: a timed test fails on a
    loaded machine, and the project keeps speed goals in benchmarks)."""
    source = _chain_schema(1000, last_has_parent=True)
    out = format_files([("schema.prisma", source)])[0][1]
    assert "  parentId Int?\n  parent   Model0998? @relation(fields: [parentId], references: [id], onDelete: SetNull)\n" in out


def test_large_schema_gets_its_missing_relation_fields() -> None:
    out = format_files([("schema.prisma", _chain_schema(1000, last_has_parent=False))])[0][1]
    # The last model gets its forward relation field and scalar field (checked with prisma6).
    assert out.endswith(
        "model Model0999 {\n  id          Int        @id @default(autoincrement())\n"
        "  field0      String     @unique\n  field1      Int\n  field2      Boolean    @default(false)\n"
        "  field3      DateTime   @default(now())\n  field4      Float\n  field5      String?\n"
        "  model0998   Model0998? @relation(fields: [model0998Id], references: [id])\n"
        "  model0998Id Int?\n\n  @@index([field1])\n}\n"
    )
