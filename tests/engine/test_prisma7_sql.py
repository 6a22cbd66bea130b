"""Migration SQL of Prisma 7 schemas (datasource without ``url``) byte-exact with the real Prisma
7.10 CLI (``../shared/oracle/prisma7``, ``migrate diff ... --script``), on PostgreSQL and SQLite.

* hand-picked cases for where Prisma 7 writes ``CREATE SCHEMA IF NOT EXISTS "public"``: from the
  empty database only, when a table or an enum is created in the default namespace;
* generated pairs (``schema_gen.schema_pair`` with the ``url`` line removed: from empty, to empty
  and evolved) and ``gen-schema.mjs`` chains: a few in ``make test``, more behind
  ``@pytest.mark.slow`` (each prisma7 call is a CLI start, ~1 s: it has no batch mode).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from schema_gen import schema_pair
from schemashift.migrations.engine import diff_schemas

SHARED = Path(os.environ.get("SCHEMASHIFT_ORACLE_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "oracle")
ORACLE = SHARED / "prisma7"
GEN_SCHEMA = SHARED / "gen-schema.mjs"
URL_LINE = '  url = env("DATABASE_URL")\n'

pytestmark = pytest.mark.skipif(
    not ORACLE.exists() or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7"
)


def prisma7_schema(src: str | None) -> str | None:
    """A Prisma 6 schema as a Prisma 7 one: without the datasource's ``url``."""
    return None if src is None else src.replace(URL_LINE, "")


def _prisma7(before: str | None, after: str | None, work: Path) -> str | None:
    """prisma7's script for the pair (None: the empty database), or None when it rejects a schema."""
    work.mkdir(parents=True, exist_ok=True)
    args: list[str]
    files = {}
    for name, src in (("from.prisma", before), ("to.prisma", after)):
        if src is not None:
            (work / name).write_text(src)
            files[name] = str(work / name)
    anchor = files.get("to.prisma") or files["from.prisma"]
    from_ = ["--from-schema", files["from.prisma"]] if before is not None else ["--from-empty"]
    to = ["--to-schema", files["to.prisma"]] if after is not None else ["--to-empty"]
    args = [str(ORACLE), "prisma", anchor, "migrate", "diff", *from_, *to, "--script"]
    done = subprocess.run(args, capture_output=True, text=True, cwd=work, timeout=300)
    if done.returncode != 0:
        if "P1012" in done.stdout + done.stderr or "validation" in (done.stdout + done.stderr).lower():
            return None
        raise AssertionError(f"prisma7 failed: {done.stderr[-2000:]}")
    assert done.stdout.endswith("\n\n"), done.stdout[-50:]
    return done.stdout[:-2]  # the CLI adds two newlines to the engine's script


def _compare(
    pairs: list[tuple[str | None, str | None]], tmp_path: Path, workers: int = 2
) -> tuple[int, list[str]]:
    """(pairs prisma7 accepted, descriptions of the misses)."""
    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(lambda ip: _prisma7(*ip[1], tmp_path / str(ip[0])), enumerate(pairs)))
    compared, misses = 0, []
    for (before, after), expected in zip(pairs, answers):
        if expected is None:
            continue
        compared += 1
        try:
            ours = diff_schemas(before, after)
        except Exception as exc:  # a crash is a miss, reported with its pair
            ours = f"<{type(exc).__name__}: {exc}>"
        if ours != expected:
            misses.append(f"from={before!r}\nto={after!r}\nprisma7={expected!r}\nours={ours!r}")
    return compared, misses


def _without_sqlite_json_defaults(src: str | None) -> str | None:
    """Prisma writes a SQLite ``Json`` default bare (``DEFAULT {}``: SQL that fails); schemashift
    quotes it on purpose (dialects/sqlite.py), so generated SQLite pairs leave those defaults out."""
    return None if src is None else re.sub(r'(\bJson\??[^\n]*?) @default\("[^"\n]*"\)', r"\1", src)


def _generated(provider: str, seeds: range) -> list[tuple[str | None, str | None]]:
    out = []
    for seed in seeds:
        before, after = (prisma7_schema(s) for s in schema_pair(seed, provider))
        if provider == "sqlite":
            before, after = _without_sqlite_json_defaults(before), _without_sqlite_json_defaults(after)
        out.append((before, after))
    return out


def _gen_schema(provider: str, models: int, variant: int) -> str:
    return subprocess.run(
        ["node", str(GEN_SCHEMA), provider, str(models), "10", str(variant)], capture_output=True, text=True, check=True
    ).stdout


PG = 'datasource db {\n  provider = "postgresql"\n}\n'
USER = "\nmodel User {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n"
ROLE = "\nenum Role {\n  A\n  B\n}\n"
OTHER_ONLY = (
    'datasource db {\n  provider = "postgresql"\n  schemas  = ["other"]\n}\n'
    '\nmodel B {\n  id Int @id\n\n  @@schema("other")\n}\n'
)
MULTI_PUBLIC = (
    'datasource db {\n  provider = "postgresql"\n  schemas  = ["public", "other"]\n}\n'
    '\nenum Role {\n  A\n  B\n\n  @@schema("public")\n}\n'
    "\nmodel A {\n  id   Int  @id\n  role Role\n  bId  Int\n  b    B    @relation(fields: [bId], references: [id])\n"
    '\n  @@index([bId])\n  @@schema("public")\n}\n'
    '\nmodel B {\n  id Int @id\n  as A[]\n\n  @@schema("other")\n}\n'
)

#: where Prisma 7 writes ``CREATE SCHEMA IF NOT EXISTS "public"`` and where it does not
CREATE_SCHEMA_CASES = {
    "table from empty": (None, PG + USER),
    "enum from empty": (None, PG + ROLE),
    "nothing from empty": (None, PG),
    "namespace other only": (None, OTHER_ONLY),
    "schema to schema": (PG, PG + USER + ROLE),
    "to empty": (PG + USER, None),
    # multiSchema: Prisma 7 never writes the default namespace (Prisma 6.19: "public"."A")
    "multiSchema with public from empty": (None, MULTI_PUBLIC),
    "multiSchema with public from a schema": (MULTI_PUBLIC.split("\nenum")[0], MULTI_PUBLIC),
}
QUICK_CASES = ("table from empty", "namespace other only", "schema to schema")


def test_create_schema_rule_without_oracle() -> None:
    """The rule as schemashift applies it: Prisma 7 from the empty database only; a schema with
    ``url`` (Prisma 6.19) never."""
    create = 'CREATE SCHEMA IF NOT EXISTS "public";'
    assert diff_schemas(None, PG + USER).startswith(f"-- CreateSchema\n{create}\n\n-- CreateTable\n")
    assert diff_schemas(None, PG + ROLE).startswith(f"-- CreateSchema\n{create}\n\n-- CreateEnum\n")
    assert create not in diff_schemas(PG, PG + USER)
    assert diff_schemas(None, PG) == "-- This is an empty migration.\n"
    assert '"public"' not in diff_schemas(None, OTHER_ONLY)
    with_url = PG.replace("}\n", '  url      = env("DATABASE_URL")\n}\n')
    assert create not in diff_schemas(None, with_url + USER)
    multi = diff_schemas(None, MULTI_PUBLIC)
    assert 'CREATE TABLE "A"' in multi and 'CREATE TYPE "Role"' in multi and '"public"."' not in multi
    assert '"public"."A"' in diff_schemas(None, MULTI_PUBLIC.replace("}\n", '  url      = env("DATABASE_URL")\n}\n', 1))
    sqlite = 'datasource db {\n  provider = "sqlite"\n}\n' + USER
    assert "SCHEMA" not in diff_schemas(None, sqlite)


@pytest.mark.parametrize("case", QUICK_CASES)
def test_create_schema_cases(case: str, tmp_path: Path) -> None:
    before, after = CREATE_SCHEMA_CASES[case]
    assert _compare([(before, after)], tmp_path) == (1, [])


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(set(CREATE_SCHEMA_CASES) - set(QUICK_CASES)))
def test_create_schema_cases_slow(case: str, tmp_path: Path) -> None:
    before, after = CREATE_SCHEMA_CASES[case]
    assert _compare([(before, after)], tmp_path) == (1, [])


@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_generated_pairs(provider: str, tmp_path: Path) -> None:
    compared, misses = _compare(_generated(provider, range(2)), tmp_path)
    assert compared >= 1
    assert misses == [], "\n\n".join(misses)


@pytest.mark.slow
@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_generated_pairs_many(provider: str, tmp_path: Path) -> None:
    pairs = _generated(provider, range(100, 100 + int(os.environ.get("SCHEMASHIFT_PRISMA7_PAIRS", "40"))))
    compared, misses = _compare(pairs, tmp_path)
    print(f"{provider}: {compared - len(misses)}/{compared} byte-exact")
    assert compared >= len(pairs) // 2
    assert misses == [], "\n\n".join(misses)


@pytest.mark.slow
@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_gen_schema_chains(provider: str, tmp_path: Path) -> None:
    """``gen-schema.mjs`` (FK chains, @unique, @@index): 200 models from empty and to variant 1."""
    v0, v1 = _gen_schema(provider, 200, 0), _gen_schema(provider, 200, 1)
    assert _compare([(None, v0), (v0, v1)], tmp_path) == (2, [])
