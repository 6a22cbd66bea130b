"""`db pull --print` against Prisma 7.10.1's on the same hand-written databases.

Each ``sql/<provider>/<name>.sql`` builds a database no Prisma schema produced (legacy naming,
composite keys, views, odd defaults, tables without keys, self relations, several foreign keys
between two tables, arrays, enums, uuid, json...). ``expected/<provider>/<name>.prisma`` and
``.warnings`` hold what ``prisma7 pull`` printed for it (made once by ``make_expected.py``); our
output must be the same text, warnings included, except for the known misses below.
"""

from __future__ import annotations

import pytest

from introspect.oracle_cases import HERE, pull_script, scripts

#: differences we did not close, with the reason
KNOWN_MISSES: dict[tuple[str, str], str] = {}


def _expected(provider: str, name: str) -> tuple[str, str]:
    base = HERE / "expected" / provider
    return (base / f"{name}.prisma").read_text(), (base / f"{name}.warnings").read_text()


def _check(provider: str, name: str, text: str, warnings: str) -> None:
    expected_text, expected_warnings = _expected(provider, name)
    if (provider, name) in KNOWN_MISSES:
        assert (text, warnings) != (expected_text, expected_warnings), "known miss now agrees: remove it"
        return
    assert text == expected_text
    assert warnings == expected_warnings


@pytest.mark.parametrize("script", scripts("postgres"), ids=lambda p: p.stem)
def test_postgres_pull_matches_prisma(script, postgres_url):  # type: ignore[no-untyped-def]
    text, warnings = pull_script(postgres_url, "postgres", script)
    _check("postgres", script.stem, text, warnings)


@pytest.mark.parametrize("script", scripts("sqlite"), ids=lambda p: p.stem)
def test_sqlite_pull_matches_prisma(script, sqlite_url):  # type: ignore[no-untyped-def]
    text, warnings = pull_script(sqlite_url, "sqlite", script)
    _check("sqlite", script.stem, text, warnings)


def test_fixture_count() -> None:
    """At least 30 hand-written scripts are compared with Prisma."""
    assert len(scripts("postgres")) + len(scripts("sqlite")) >= 30
