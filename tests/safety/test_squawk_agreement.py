"""Side by side with squawk on the corpus: the agreement reached per squawk rule stays reached."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("squawk_compare", REPO / "scripts" / "squawk_compare.py")
assert spec and spec.loader
squawk_compare = importlib.util.module_from_spec(spec)
sys.modules["squawk_compare"] = squawk_compare  # dataclasses look their module up there
spec.loader.exec_module(squawk_compare)


def test_corpus_is_big_enough() -> None:
    assert len(list(squawk_compare.CORPUS.glob("*.sql"))) >= 150


@pytest.mark.skipif(squawk_compare.squawk_binary() is None, reason="squawk is not installed (pip install squawk-cli)")
def test_agreement_with_squawk_stays_reached() -> None:
    rows = squawk_compare.compare()
    baseline = json.loads(squawk_compare.BASELINE.read_text())
    # every squawk rule has a counterpart among our rules
    assert [name for name, row in rows.items() if not row.counterpart] == []
    worse = {
        name: (round(rows[name].agreement, 4), reached)
        for name, reached in baseline.items()
        if name in rows and round(rows[name].agreement, 4) < reached
    }
    assert worse == {}, f"agreement dropped (now, baseline): {worse}"
    # the corpus exercises the rules: squawk fires on most files, and we agree on most of its hits
    assert sum(len(r.squawk) for r in rows.values()) > 300
    assert sum(r.both for r in rows.values()) / sum(len(r.squawk) for r in rows.values()) > 0.95
