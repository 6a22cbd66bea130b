"""What a backfill shows on stderr: a bar at a terminal, JSON lines otherwise."""

from __future__ import annotations

import io
import json

from schemashift.online.backfill_progress import BarReporter, JsonLinesReporter, ProgressEvent, reporter_for


def test_progress_is_a_bar_at_a_terminal_and_json_lines_otherwise() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    batch = ProgressEvent("batch", "User", 3, 1500, 3000, 12000, 1000, 25000.0, 90.0, 0.12)
    tty = Terminal()
    bar = reporter_for("auto", tty)
    assert isinstance(bar, BarReporter)
    bar.report(batch)
    assert tty.getvalue().startswith("\rbackfill User: [######..................]  25% 1,500 rows updated, 25,000 rows/s ETA 1:30")
    pipe = io.StringIO()
    lines = reporter_for("auto", pipe)
    assert isinstance(lines, JsonLinesReporter)
    lines.report(batch)
    lines.report(batch)  # within a second of the last: left out
    lines.report(ProgressEvent("done", "User", 12, 6000, 12000, 12000, 1000, 24000.0, 0.0, 0.5))
    events = [json.loads(line) for line in pipe.getvalue().splitlines()]
    assert [(e["event"], e["rows_updated"], e["eta_seconds"]) for e in events] == [("batch", 1500, 90.0), ("done", 6000, 0.0)]
