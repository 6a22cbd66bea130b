"""db pull round trip on generated schemas (issue: introspection), on all three databases:
create the database from a generated schema, pull it, and the pulled schema lowers to the same
model (diff empty). 20 schemas per database in `make test`, 200 in `make test-slow`.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings

from schemashift.connectors import Connector
from schemashift.migrations.engine import diff_schemas
from schemashift.introspect import pull
from schemashift.lower import lower_schema, parse_checked
from schemashift.migrations import engine as mig
from schemashift.psl import validate

_spec = importlib.util.spec_from_file_location("engine_strategies", Path(__file__).parents[1] / "engine" / "strategies.py")
assert _spec and _spec.loader
strategies = importlib.util.module_from_spec(_spec)
sys.modules["engine_strategies"] = strategies  # dataclasses look their module up there
_spec.loader.exec_module(strategies)

DEFAULT_EXAMPLES = 20
SLOW_EXAMPLES = int(os.environ.get("SCHEMASHIFT_PROPERTY_EXAMPLES", "200"))


PROVIDERS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]


def round_trip(conn: Connector, source: str) -> None:
    provider = conn.provider
    assume(not any(d.is_error for d in validate(source)))
    original = lower_schema(parse_checked([("schema.prisma", source)]), provider)
    conn.reset()
    conn.execute_script(diff_schemas(None, source, provider))
    pulled = pull(conn).text
    header = f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'
    pulled_src = pulled if "datasource" in pulled else header + pulled
    errors = [d.message for d in validate(pulled_src) if d.is_error]
    assert not errors, f"the pulled schema is invalid: {errors}\n{pulled_src}"
    again = lower_schema(parse_checked([("schema.prisma", pulled_src)]), provider)
    steps = mig.diff(again, original, mig.dialect_for(provider))
    assert steps == [], f"pulled schema differs:\n{mig.render(steps, mig.dialect_for(provider))}\n--- source\n{source}\n--- pulled\n{pulled_src}"


def _run(provider: str, request: pytest.FixtureRequest, examples: int) -> None:
    conn: Connector = request.getfixturevalue(f"{provider}_db")

    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        phases=[Phase.explicit, Phase.generate],
    )
    @given(spec=strategies.schemas(provider))
    def check(spec) -> None:  # type: ignore[no-untyped-def]
        round_trip(conn, strategies.render(spec))

    check()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_generated_schemas_pull_back_to_the_same_model(provider: str, request: pytest.FixtureRequest) -> None:
    _run(provider, request, DEFAULT_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("provider", PROVIDERS)
def test_generated_schemas_pull_back_exhaustive(provider: str, request: pytest.FixtureRequest) -> None:
    _run(provider, request, SLOW_EXAMPLES)
