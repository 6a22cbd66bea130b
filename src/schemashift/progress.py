"""Progress of long work (backups, restores, deploys, ``db pull``), told to whoever listens.

The library never prints: long operations call :func:`task` and the returned :class:`Task`'s
``advance``; by default nobody listens and each call costs a context-variable lookup. The CLI
installs a listener (``commands/progressbar.py``: a bar on stderr at a terminal) for the length
of one command with :func:`listening`. A context variable, not a parameter threaded through every
call, because the work that reports (a dump loop, the migration loop) sits several layers below
the command, and a library caller that wants progress (a web UI, a log) installs its own
:class:`Listener` the same way.

Listeners are called from the thread that does the work; a listener must be cheap (the dump loop
calls ``advance`` once per MiB).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field


class Listener:
    """Receives progress; every method is a no-op here (subclass what you need)."""

    def started(self, task: Task) -> None:
        """``task`` began (its ``total`` may be None: unknown)."""

    def advanced(self, task: Task) -> None:
        """``task.done`` moved on (or ``task.detail`` changed)."""

    def finished(self, task: Task) -> None:
        """``task`` ended (successfully or not)."""


@dataclass
class Task:
    """One piece of long work: ``what`` (e.g. "Backing up `shop`"), ``done`` of ``total``
    ``unit`` ("bytes", "migrations", "tables"), and a ``detail`` (the current item).

    ``initial``: what was done before this run (a resumed backfill), so that rates count this
    run only. ``figures``: the work's own structured figures, for listeners that write them out
    (JSON lines off a terminal): a batched backfill's ``event`` (``start``, ``batch``,
    ``waiting``, ``done``), batches, rows updated, batch size, replica lag, message."""

    what: str
    total: int | None
    unit: str
    done: int = 0
    detail: str = ""
    initial: int = 0
    figures: dict[str, object] = field(default_factory=dict)
    _listener: Listener | None = field(default=None, repr=False)

    def advance(self, n: int = 1, detail: str | None = None) -> None:
        self.done += n
        if detail is not None:
            self.detail = detail
        if self._listener is not None:
            self._listener.advanced(self)

    def __enter__(self) -> Task:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._listener is not None:
            self._listener.finished(self)


_LISTENER: contextvars.ContextVar[Listener | None] = contextvars.ContextVar("schemashift_progress", default=None)


def task(
    what: str, total: int | None = None, unit: str = "", *, done: int = 0, figures: dict[str, object] | None = None
) -> Task:
    """Start a task (``done``: already done before this run); use it as a context manager so its
    listener hears when it ends."""
    listener = _LISTENER.get()
    t = Task(what, total, unit, done, initial=done, figures=dict(figures or {}), _listener=listener)
    if listener is not None:
        listener.started(t)
    return t


@contextlib.contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    """Report the progress of the work done inside the block to ``listener`` (None: nobody)."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)
