"""What a backfill shows on stderr, through the library's progress listeners: a bar at a terminal,
JSON lines otherwise (only for tasks with figures: the other tasks stay silent off a terminal)."""

from __future__ import annotations

import io
import json

from schemashift import progress
from schemashift.commands.progressbar import JsonLines, render


def figures(event: str, updated: int) -> dict[str, object]:
    return {"event": event, "target": "User", "batches": 3, "rows_updated": updated, "batch_size": 1000,
            "lag_seconds": None, "message": ""}


def test_json_lines_for_tasks_with_figures_at_most_one_batch_a_second() -> None:
    out = io.StringIO()
    with progress.listening(JsonLines(out)):
        with progress.task("Applying migrations", 2, "migrations") as plain:
            plain.advance(1, "one")  # no figures: not written
        with progress.task("Backfill User", 12000, "rows", figures=figures("start", 0)) as t:
            t.figures = figures("batch", 1500)
            t.advance(3000)
            t.figures = figures("batch", 3000)
            t.advance(3000)  # within a second of the last line: left out
            t.figures = figures("waiting", 3000) | {"message": "lock timeout, retry 1 of 10 in 0.05s"}
            t.advance(0)  # not a batch: always written
            t.figures = figures("done", 6000)
            t.done = 12000
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["event"], e["rows_updated"], e["done"], e["total"]) for e in events] == [
        ("start", 0, 0, 12000),
        ("batch", 1500, 3000, 12000),
        ("waiting", 3000, 6000, 12000),
        ("done", 6000, 12000, 12000),
    ]
    assert events[2]["message"] == "lock timeout, retry 1 of 10 in 0.05s"
    assert events[-1]["eta_seconds"] == 0.0 and events[0]["what"] == "Backfill User" and events[0]["unit"] == "rows"


def test_the_bar_counts_the_rate_of_this_run_only() -> None:
    fresh = progress.Task("Backfill User", 12000, "rows", 3000, "1,500 rows updated")
    assert render(fresh, 0.12) == "Backfill User: 3000 of 12000 rows (25%), 25000.0 rows/s, ETA 0:00, 1,500 rows updated"
    resumed = progress.Task("Backfill User", 12000, "rows", 9000, "", initial=6000)  # 6000 done by an earlier run
    assert render(resumed, 1.0) == "Backfill User: 9000 of 12000 rows (75%), 3000.0 rows/s, ETA 0:01"
