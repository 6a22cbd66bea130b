"""Describe databases built by *Prisma's own* SQL: the result must equal our lowering.

The SQL comes from the Prisma 6.19 engine (``/work/shared/oracle/prisma6 batch-diff``, one Node
process for all cases), so this checks the describer and the lowering against the real thing,
independently of our renderers. PostgreSQL: the ``migrations-postgres`` corpus schemas created
from the empty database, plus the generic schemas; SQLite: the generic schemas. Compared with
the differ when the provider has a dialect, else model to model (SQLite keeps no foreign-key
names, so those are left out of that comparison).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from schemashift.connectors import Connector, connect
from schemashift.connectors.describe import describe
from schemashift.lower import lower_schema, parse_checked
from schemashift.model import Schema

from test_convergence import CASES, GENERIC, NEEDS_EXTENSION, PROVIDERS_WITH_URL, _clean_postgres
from test_convergence import pg_conn  # noqa: F401 - the module-scoped PostgreSQL database fixture

ORACLE = Path(__file__).resolve().parents[2].parent / "shared" / "oracle" / "prisma6"
EMPTY_START = [c for c in CASES if not (c / "from.prisma").is_file() and c.name not in NEEDS_EXTENSION]


def _inputs() -> dict[str, tuple[str, str]]:
    """case id -> (provider, schema text)"""
    cases = {f"postgresql-{c.name}": ("postgresql", (c / "to.prisma").read_text(encoding="utf-8")) for c in EMPTY_START}
    for provider in ("postgresql", "sqlite"):
        for name, body in GENERIC.items():
            cases[f"{provider}-{name}"] = (provider, PROVIDERS_WITH_URL[provider] + body)
    return cases


INPUTS = _inputs()


@pytest.fixture(scope="module")
def prisma_sql(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Prisma's migration script of every case (one batch-diff call); an engine error is kept as
    an ``ERROR:`` string so only that case fails."""
    if not ORACLE.is_file() or not shutil.which("node"):
        pytest.skip("the prisma6 oracle (and node) is needed")
    folder = tmp_path_factory.mktemp("prisma6")
    requests = folder / "in.jsonl"
    requests.write_text(
        "".join(json.dumps({"id": k, "provider": p, "from": None, "to": s}) + "\n" for k, (p, s) in INPUTS.items()),
        encoding="utf-8",
    )
    answers = folder / "out.jsonl"
    subprocess.run([str(ORACLE), "batch-diff", str(requests), str(answers)], check=True, capture_output=True, timeout=300)
    out: dict[str, str] = {}
    for line in answers.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        out[item["id"]] = item.get("sql") or f"ERROR: {item.get('error')}"
    return out


def _without_fk_names(schema: Schema) -> Schema:
    return replace(
        schema,
        tables=tuple(
            replace(t, foreign_keys=tuple(replace(fk, name=None) for fk in t.foreign_keys)) for t in schema.tables
        ),
    )


def _has_dialect(provider: str) -> bool:
    module = {"sqlite": "sqlite", "postgresql": "postgres"}[provider]
    return importlib.util.find_spec(f"schemashift.dialects.{module}") is not None


def _assert_same(described: Schema, lowered: Schema, provider: str) -> None:
    if _has_dialect(provider):
        from schemashift.dialects import get_dialect
        from schemashift.diff.differ import diff

        dialect = get_dialect(provider)
        steps = diff(described, lowered, dialect)
        remaining = dialect.render_script(steps) if steps else ""
        assert remaining == ""
    else:
        assert _without_fk_names(described).normalized() == _without_fk_names(lowered).normalized()


@pytest.mark.parametrize("case", [k for k in INPUTS if k.startswith("sqlite-")])
def test_sqlite_from_prisma_sql(case: str, prisma_sql: dict[str, str], sqlite_url: str) -> None:
    sql = prisma_sql[case]
    assert not sql.startswith("ERROR:"), sql
    provider, source = INPUTS[case]
    with connect(sqlite_url) as conn:
        conn.execute_script(sql)
        described = describe(conn)
    _assert_same(described, lower_schema(parse_checked([("schema.prisma", source)]), provider), provider)


@pytest.mark.postgres
@pytest.mark.parametrize("case", [k for k in INPUTS if k.startswith("postgresql-")])
def test_postgres_from_prisma_sql(case: str, prisma_sql: dict[str, str], pg_conn: Connector) -> None:  # noqa: F811
    sql = prisma_sql[case]
    assert not sql.startswith("ERROR:"), sql
    provider, source = INPUTS[case]
    lowered = lower_schema(parse_checked([("schema.prisma", source)]), provider)
    _clean_postgres(pg_conn)
    pg_conn.execute_script(sql)
    described = describe(pg_conn, namespaces=lowered.namespaces) if lowered.namespaces else describe(pg_conn)
    _assert_same(described, lowered, provider)
