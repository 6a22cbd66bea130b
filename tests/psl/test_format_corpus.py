"""``format_files`` against Prisma's own reformatter tests (read in place from ../shared).

Every case must come out byte for byte as Prisma formats it, and formatting the result again must
not change it. Files are read as bytes: one input uses CRLF line endings, one has real tabs.
"""

from __future__ import annotations

import json
import time
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


def test_large_schema_is_fast() -> None:
    """1,000 models of the oracle's generator shape (built here, without node)."""
    blocks = ['datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n']
    for i in range(1000):
        parent = (
            f"  parentId  Int?\n  parent    Model{i - 1:04}? @relation(fields: [parentId], references: [id],"
            " onDelete: SetNull)\n"
            if i
            else ""
        )
        blocks.append(
            f"model Model{i:04} {{\n  id        Int      @id @default(autoincrement())\n{parent}"
            f"  children  Model{i + 1:04}[]\n  field0   String @unique\n  field1   Int\n"
            "  field2   Boolean @default(false)\n  field3   DateTime @default(now())\n"
            "  field4   Float\n  field5   String?\n  @@index([field1])\n}\n"
        )
    blocks.append("model Model1000 {\n  id Int @id\n  parentId Int?\n}\n")
    source = "\n".join(blocks)
    best = min(_cpu_time(source) for _ in range(3))
    assert best < 0.3
    out = format_files([("schema.prisma", source)])[0][1]
    # The last model gets its missing forward relation field and scalar field (checked with prisma6).
    assert out.endswith(
        "model Model1000 {\n  id          Int        @id\n  parentId    Int?\n"
        "  model0999   Model0999? @relation(fields: [model0999Id], references: [id])\n"
        "  model0999Id Int?\n}\n"
    )


def _cpu_time(source: str) -> float:
    """CPU time, not wall time: the test machine runs other suites in parallel."""
    start = time.process_time()
    format_files([("schema.prisma", source)])
    return time.process_time() - start
