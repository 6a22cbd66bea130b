"""The CLI's progress on stderr (``schemashift.progress`` listeners).

At a terminal, one line, redrawn in place at most ten times a second: what, how much of how much
(bytes in KiB/MiB/GiB), the rate and, when the total is known, the percentage and the time left.
Nothing is drawn with ``-q`` or ``TERM=dumb``; a task that ends within half a second draws
nothing either (``SCHEMASHIFT_PROGRESS_AFTER``: another number of seconds, 0 to draw at once).

Off a terminal (CI logs, pipes), nothing is drawn (Prisma's output stays byte for byte), except
for the tasks that carry structured figures (``Task.figures``: a batched backfill): those are
written as JSON lines, the start, the end and at most one line a second between.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from schemashift import progress
from schemashift.commands.output import human, state

_REDRAW = 0.1  # seconds between redraws
_QUIET_START = 0.5  # a task shorter than this draws nothing (SCHEMASHIFT_PROGRESS_AFTER: seconds)


def _quiet_start() -> float:
    try:
        return max(0.0, float(os.environ.get("SCHEMASHIFT_PROGRESS_AFTER", _QUIET_START)))
    except ValueError:
        return _QUIET_START


def human_size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def render(t: progress.Task, elapsed: float, width: int | None = None) -> str:
    """The progress line of ``t`` after ``elapsed`` seconds (pure: tested directly); longer than
    ``width``, the current item's name is shortened, then the task's, never the figures."""
    line = _line(t, elapsed)
    if width is not None and len(line) > width and t.detail:  # the current item's name first
        keep = len(t.detail) - (len(line) - width) - 1
        detail = t.detail[:keep] + "…" if keep > 8 else ""
        line = _line(progress.Task(t.what, t.total, t.unit, t.done, detail, t.initial), elapsed)
    if width is not None and len(line) > width:
        cut = len(line) - width + 1
        what = t.what[: max(0, len(t.what) - cut)] + "…"
        line = what + line[len(t.what):]
        line = line[:width]
    return line


def _line(t: progress.Task, elapsed: float) -> str:
    size = t.unit == "bytes"
    amount = human_size(t.done) if size else str(t.done)
    if t.total:
        total = human_size(t.total) if size else f"{t.total} {t.unit}".rstrip()
        head = f"{t.what}: {amount} of {total} ({min(100, int(100 * t.done / t.total))}%)"
    else:
        head = f"{t.what}: {amount}" if size else f"{t.what}: {amount} {t.unit}".rstrip()
    parts = [head]
    rate = _rate(t, elapsed)
    if rate:
        parts.append(f"{human_size(rate)}/s" if size else f"{rate:.1f} {t.unit}/s".replace(" /s", "/s"))
        if t.total and t.done < t.total:
            parts.append(f"ETA {_clock((t.total - t.done) / rate)}")
    if t.detail:
        parts.append(t.detail)
    return ", ".join(parts)


def _rate(t: progress.Task, elapsed: float) -> float:
    """Units per second in this run (what a resumed task did before does not count)."""
    return (t.done - t.initial) / elapsed if elapsed > 0 and t.done > t.initial else 0.0


class JsonLines(progress.Listener):
    """One JSON object per line for the tasks that carry figures (the others are not written):
    ``{"event", "what", "unit", "done", "total", "per_second", "eta_seconds", "elapsed_seconds",
    **figures}``; the start, every event other than ``batch``, the first batch, then a batch at most every
    ``interval`` seconds."""

    def __init__(self, stream: TextIO, interval: float = 1.0) -> None:
        self.stream, self.interval = stream, interval
        self.started_at: dict[int, float] = {}
        self.written_at: dict[int, float] = {}

    def started(self, task: progress.Task) -> None:
        self.started_at[id(task)] = time.monotonic()
        if task.figures:
            self._write(task, "start")

    def advanced(self, task: progress.Task) -> None:
        if not task.figures:
            return
        event = str(task.figures.get("event", "batch"))
        now = time.monotonic()
        if event == "batch" and now - self.written_at.get(id(task), float("-inf")) < self.interval:
            return
        self._write(task, event)

    def finished(self, task: progress.Task) -> None:
        if task.figures:
            self._write(task, str(task.figures.get("event", "done")))
        self.started_at.pop(id(task), None)
        self.written_at.pop(id(task), None)

    def _write(self, task: progress.Task, event: str) -> None:
        now = time.monotonic()
        if event == "batch":  # the first batch is written, then one a second
            self.written_at[id(task)] = now
        elapsed = now - self.started_at.get(id(task), now)
        rate = _rate(task, elapsed)
        eta = (task.total - task.done) / rate if rate and task.total and task.done < task.total else None
        if event == "done":
            eta = 0.0
        data: dict[str, object] = {
            "event": event,
            "what": task.what,
            "unit": task.unit,
            "done": task.done,
            "total": task.total,
            "per_second": round(rate, 3),
            "eta_seconds": round(eta, 3) if eta is not None else None,
            "elapsed_seconds": round(elapsed, 3),
        }
        data.update({k: v for k, v in task.figures.items() if k != "event"})
        self.stream.write(json.dumps(data, default=str) + "\n")
        self.stream.flush()


class TerminalBar(progress.Listener):
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started_at: dict[int, float] = {}
        self.drawn_at: dict[int, float] = {}
        self.line = ""  # what is drawn now ("" after a task ended)
        self.tickers: dict[int, threading.Event] = {}
        self.lock = threading.RLock()  # the ticker's thread and the work's thread both draw
        self.after = _quiet_start()

    def print_above(self, text: str) -> None:
        """``text`` on stdout, above the progress line (cleared, then drawn again below it)."""
        with self.lock:
            self._print_above(text)

    def _print_above(self, text: str) -> None:
        if self.line:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        human(text)
        if self.line:
            self._draw(self.line)

    def started(self, task: progress.Task) -> None:
        self.started_at[id(task)] = time.monotonic()
        # a ticker redraws while the task runs, so a long step with no news (describing a big
        # database, a dump tool that has not written yet) still shows its time going on
        stop = threading.Event()
        self.tickers[id(task)] = stop

        def tick() -> None:
            while not stop.wait(0.25):
                self.advanced(task)

        threading.Thread(target=tick, daemon=True, name="schemashift-progress").start()

    def advanced(self, task: progress.Task) -> None:
        with self.lock:
            self._advanced(task)

    def _advanced(self, task: progress.Task) -> None:
        now = time.monotonic()
        if id(task) not in self.started_at:
            return  # finished meanwhile (the ticker's last wake-up)
        start = self.started_at.get(id(task), now)
        if now - start < self.after or now - self.drawn_at.get(id(task), 0.0) < _REDRAW:
            return
        self.drawn_at[id(task)] = now
        self._draw(render(task, now - start, _width()))

    def finished(self, task: progress.Task) -> None:
        stop = self.tickers.pop(id(task), None)
        if stop is not None:
            stop.set()
        with self.lock:
            self._finished(task)

    def _finished(self, task: progress.Task) -> None:
        start = self.started_at.pop(id(task), None)
        if self.drawn_at.pop(id(task), None) is not None and start is not None:
            self._draw(render(task, time.monotonic() - start, _width()))
            self.stream.write("\n")
            self.stream.flush()
            self.line = ""

    def _draw(self, line: str) -> None:
        self.line = line
        try:
            self.stream.write("\r\x1b[2K" + line)
            self.stream.flush()
        except UnicodeEncodeError:  # a terminal whose encoding lacks the ellipsis
            self.stream.write("\r\x1b[2K" + line.encode("ascii", "replace").decode())
            self.stream.flush()


def _width() -> int:
    return max(20, shutil.get_terminal_size((100, 20)).columns - 1)


def wanted(stream: TextIO) -> bool:
    """A progress line on ``stream``: a terminal, not ``-q``, not ``TERM=dumb``."""
    return _isatty(stream) and not state.quiet and os.environ.get("TERM") != "dumb"


_active: TerminalBar | None = None


def echo(text: str) -> None:
    """A line of the command's human output that keeps clear of the progress line."""
    if _active is not None:
        _active.print_above(text)
    else:
        human(text)


MODES = ("auto", "bar", "json", "none")


@contextlib.contextmanager
def on_terminal(mode: str = "auto") -> Iterator[None]:
    """Show the progress of the work inside the block on stderr: ``auto``, a bar at a terminal
    (unless ``-q`` or ``TERM=dumb``) and JSON lines of the tasks with figures otherwise; ``bar``,
    ``json`` or ``none`` whatever stderr is."""
    global _active
    stream = sys.stderr
    listener: progress.Listener | None = None
    bar: TerminalBar | None = None
    if mode == "bar" or (mode == "auto" and wanted(stream)):
        listener = bar = TerminalBar(stream)
    elif mode == "json" or (mode == "auto" and not _isatty(stream)):
        listener = JsonLines(stream)
    previous, _active = _active, bar
    try:
        with progress.listening(listener):
            yield
    finally:
        _active = previous


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
