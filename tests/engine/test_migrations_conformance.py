"""Data-driven: Prisma 6.19's migrations-postgres corpus, byte-exact through ``diff_schemas``."""

from __future__ import annotations

import pytest

from conformance_corpus import load_cases
from schemashift.migrations.engine import diff_schemas

CASES = load_cases()
pytestmark = pytest.mark.skipif(not CASES, reason="conformance corpus (../shared/conformance) absent")

# case dir -> why we still differ; every entry must still differ (remove it once fixed)
KNOWN_MISSES: dict[str, str] = {}

REQUIRED_RATIO = 0.98


def _run(case) -> str:
    try:
        return diff_schemas(case.from_src, case.to_src, case.provider)
    except Exception as exc:  # reported as a miss
        return f"<error: {type(exc).__name__}: {exc}>"


def test_conformance_figure() -> None:
    misses = [c.dir for c in CASES if _run(c) != c.expected]
    unexpected = sorted(set(misses) - set(KNOWN_MISSES))
    ratio = (len(CASES) - len(misses)) / len(CASES)
    assert ratio >= REQUIRED_RATIO, f"{ratio:.1%} byte-exact; misses: {misses}"
    assert not unexpected, f"new misses: {unexpected}"


def test_known_misses_exist_and_still_differ() -> None:
    by_dir = {c.dir: c for c in CASES}
    assert set(KNOWN_MISSES) <= set(by_dir), "a known miss names no corpus case"
    fixed = [d for d in KNOWN_MISSES if _run(by_dir[d]) == by_dir[d].expected]
    assert not fixed, f"fixed: remove {fixed} from KNOWN_MISSES"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.dir.rsplit("/", 1)[-1])
def test_case(case) -> None:
    if case.dir in KNOWN_MISSES:
        pytest.skip(KNOWN_MISSES[case.dir])
    assert _run(case) == case.expected
