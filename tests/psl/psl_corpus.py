"""Prisma's own validation test corpus (``../shared/conformance``), as the PSL tests read it."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance"
VALIDATION_SUITES = ("validation", "validation_inline")


@functools.cache
def manifest(suite: str) -> tuple[dict[str, Any], ...]:
    """The cases of ``manifests/<suite>.jsonl`` in order (``path``, ``expected_plain``,
    ``expected``...); none when the corpus is not there."""
    path = CORPUS / "manifests" / f"{suite}.jsonl"
    if not path.exists():
        return ()
    return tuple(json.loads(line) for line in path.read_text().splitlines())


def validation_cases() -> list[tuple[str, dict[str, Any]]]:
    """``(suite, case)`` for every case of the two validation suites."""
    return [(suite, case) for suite in VALIDATION_SUITES for case in manifest(suite)]


def case_source(suite: str, path: str) -> str:
    """The schema of one case."""
    return (CORPUS / suite / path).read_bytes().decode("utf-8")


def expected_plain(suite: str, path: str) -> str:
    """Prisma's uncoloured output for one case."""
    for case in manifest(suite):
        if case["path"] == path:
            return str(case["expected_plain"])
    raise KeyError(path)


def assert_validates_like_prisma(suite: str, path: str, known_misses: Mapping[str, str]) -> None:
    """``validate`` + ``render`` of the case is Prisma's output; a known miss must still differ (so
    fixing one forces its removal from ``known_misses``)."""
    from schemashift import psl

    source = case_source(suite, path)
    rendered = psl.render(source, psl.validate(source))
    key = f"{suite}/{path}"
    if key in known_misses:
        assert rendered != expected_plain(suite, path), f"{key} passes now: remove it from KNOWN_MISSES"
    else:
        assert rendered == expected_plain(suite, path)


def area_cases(area: re.Pattern[str], other_areas: re.Pattern[str]) -> list[tuple[str, str]]:
    """``(suite, path)`` of the validation cases whose path matches ``area`` and not ``other_areas``."""
    return [
        (suite, case["path"])
        for suite, case in validation_cases()
        if area.search(case["path"]) and not other_areas.search(case["path"])
    ]
