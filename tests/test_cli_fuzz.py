"""CLI fuzz: no input a user can give ends as an internal error.

Random commands and flag combinations (validate, format, migrate status/deploy/resolve/diff/dev/
rollback/lint, db push/execute/pull, backup list/create) over mutated schemas, broken URLs (SQLite
files and 127.0.0.1 on a closed port: nothing else is contacted), damaged migrations folders and odd
folders (missing, unreadable, read-only, a file instead of a folder), run in-process through
``schemashift.cli.run`` with stdin at EOF in a fresh folder. Property: the exit code is not 70
(internal error), the output has no traceback and no password of the URLs. The inputs are built
in tests/cli_fuzz.py.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import cli_fuzz
from cli_fuzz import Case


class _Tally:
    def __init__(self) -> None:
        self.runs = 0
        self.exit_codes: Counter[int] = Counter()
        self.commands: Counter[str] = Counter()


def _check(case: Case, base: Path, tally: _Tally) -> None:
    root = Path(tempfile.mkdtemp(dir=base))
    try:
        cli_fuzz.build(case, root)
        outcome = cli_fuzz.run_case(case, root)
    finally:
        cli_fuzz.unbuild(root)
        shutil.rmtree(root, ignore_errors=True)
    tally.runs += 1
    tally.exit_codes[outcome.exit_code] += 1
    tally.commands[" ".join(case.argv[:2] if case.argv[0] in ("migrate", "db", "backup") else case.argv[:1])] += 1
    found = cli_fuzz.problems(case, outcome)
    assert not found, (
        f"{'; '.join(found)}\nargv: {case.argv}\nstdout:\n{outcome.out}\nstderr:\n{outcome.err}\n"
        f"internal error:\n{outcome.internal}"
    )


def _fuzz(examples: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tally = _Tally()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
    @given(case=cli_fuzz.cases())
    def check(case: Case) -> None:
        _check(case, tmp_path, tally)

    try:
        check()
    finally:
        with capsys.disabled():
            print(
                f"\nCLI fuzz: {tally.runs} inputs run; exit codes {dict(sorted(tally.exit_codes.items()))};"
                f" {len(tally.commands)} commands"
            )
    assert len(tally.commands) >= 10  # the draw reaches (nearly) every command


def test_cli_fuzz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fuzz(500, tmp_path, capsys)


@pytest.mark.slow
def test_cli_fuzz_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fuzz(2_500, tmp_path, capsys)
