"""Running one function over a stream of targets: bounded parallelism, a canary, waves, Ctrl-C.

Threads, not processes: a target's work is waiting on its database (the driver releases the GIL),
and each worker thread uses one connection at a time. Targets are pulled from the stream one by
one as workers free up, so what is held is ``jobs`` connections and one small result per target.

Stages (``deploy``):

1. the canary: targets in order until ``canary`` of them have had something to do (applied a
   migration or failed; a target already up to date does not count, so a second run's canary
   is again made of targets that change). ``jobs`` targets are read at a time, at most ``canary``
   are changed; one found with work beyond those waits for the next stage (the work's ``gate``).
   If a canary target fails, the run stops: the targets after them are not touched (``skipped``).
2. waves of ``wave`` targets (0: all the rest as one wave), ``jobs`` at a time; after a wave in
   which a target failed, the run stops.

A failed target never stops the targets already running. The first Ctrl-C stops the run at the
next target (running targets finish, the report is printed, exit 130); a second one stops at once
(killing a deploy is safe: see docs/fleet.md).
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType

from schemashift.fleet.report import TargetResult
from schemashift.fleet.targets import Target

#: ``work(target, gate)``: ``gate()`` is called before the target is changed (deploy: when it has
#: migrations to apply); False means "not now": the work returns None and the target is deferred
#: (to the next stage, or skipped if the run stops).
Gate = Callable[[], bool]
Work = Callable[[Target, Gate], "TargetResult | None"]


@dataclass(frozen=True)
class Plan:
    jobs: int = 4
    canary: int = 0
    wave: int = 0  # 0: one wave after the canary
    #: stop after a failed wave (deploy); status and check visit every target whatever they find
    stop_on_failure: bool = True


@dataclass
class Outcome:
    results: list[TargetResult]
    stopped: str | None  # why not every target was visited
    interrupted: bool = False


def _failures(results: list[TargetResult]) -> str:
    """The names of the targets this stage changed or tried to, and that failed ("" if none)."""
    return ", ".join(r.name for r in results if r.did_work and r.is_failure)


class Runner:
    def __init__(
        self,
        work: Work,
        plan: Plan,
        on_result: Callable[[TargetResult], None] = lambda _r: None,
        skipped: Callable[[Target], TargetResult] | None = None,
    ) -> None:
        self.work = work
        self.plan = plan
        self.on_result = on_result
        self.skipped = skipped or (lambda t: TargetResult(t.index, t.name, t.shown_url, "skipped"))
        self._cond = threading.Condition()
        self._stopping: str | None = None
        self._interrupted = False
        self._fatal: BaseException | None = None

    def run(self, targets: Iterator[Target]) -> Outcome:
        results: list[TargetResult] = []
        source = _Source(targets)
        with _SigintStops(self):
            if self.plan.canary > 0:
                stage = self._stage(source, canary=self.plan.canary)
                results += stage
                failed = _failures(stage)
                if failed and self.plan.stop_on_failure and self._stopping is None:
                    self._stopping = f"the canary failed ({failed}); the targets after it were not touched"
            while self._stopping is None and not source.exhausted:
                stage = self._stage(source, wave=self.plan.wave)
                results += stage
                failed = _failures(stage)
                if failed and self.plan.stop_on_failure and self.plan.wave > 0 and not source.exhausted:
                    self._stopping = f"a target of the wave failed ({failed}); the later waves were not started"
        if self._fatal is not None:
            raise self._fatal
        results += [self.skipped(target) for target in source.rest()]  # names only: no connection
        results.sort(key=lambda r: r.index)
        return Outcome(results, self._stopping, self._interrupted)

    def _stage(self, source: _Source, *, canary: int = 0, wave: int = 0) -> list[TargetResult]:
        """Run targets until the stage is full: ``canary`` targets changed (or tried), or ``wave``
        targets taken (0: all of them), or the stream ends, or the run stops."""
        done: list[TargetResult] = []
        count = {"inflight": 0, "taken": 0, "changing": 0, "changed": 0}
        undecided: set[int] = set()  # running targets that have not asked the gate yet
        cond = self._cond

        def may_take() -> bool:
            if canary:
                return count["changed"] + count["changing"] < canary
            return wave <= 0 or count["taken"] < wave

        def worker() -> None:
            while True:
                with cond:
                    while True:
                        if self._stopping is not None or source.exhausted:
                            return
                        if may_take():
                            break
                        if count["inflight"] == 0:
                            return
                        cond.wait()
                    try:
                        target = source.next()
                    except BaseException as exc:  # noqa: BLE001 - the listing failed: the run stops
                        self._fatal = exc
                        self._stopping = "the targets could not be listed"
                        cond.notify_all()
                        return
                    if target is None:
                        cond.notify_all()
                        return
                    count["inflight"] += 1
                    count["taken"] += 1
                    undecided.add(target.index)
                granted = False

                def gate() -> bool:
                    nonlocal granted
                    with cond:
                        # the canary is the *first* targets that change: wait for the earlier ones to know
                        while canary and any(i < target.index for i in undecided):
                            cond.wait()
                        undecided.discard(target.index)
                        if self._stopping is not None or (canary and count["changed"] + count["changing"] >= canary):
                            cond.notify_all()
                            return False
                        count["changing"] += 1
                        granted = True
                        return True

                result: TargetResult | None
                try:
                    result = self.work(target, gate)
                except Exception as exc:  # noqa: BLE001 - a bug on one target: reported, the others go on
                    result = TargetResult(
                        target.index, target.name, target.shown_url, "error", code="internal",
                        error=f"internal error ({type(exc).__name__}: {exc}); this is a bug in schemashift",
                    )
                with cond:
                    count["inflight"] -= 1
                    undecided.discard(target.index)
                    if granted:
                        count["changing"] -= 1
                        count["changed"] += 1 if result is not None and result.did_work else 0
                    if result is None:
                        source.defer(target)
                    else:
                        done.append(result)
                        self.on_result(result)
                    cond.notify_all()

        n = max(1, self.plan.jobs)
        threads = [threading.Thread(target=worker, name=f"schemashift-fleet-{i}", daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():  # a timed join lets the main thread take Ctrl-C
                t.join(0.2)
        return done

    def interrupt(self) -> bool:
        """Ctrl-C: the first stops the run at the next target (True); a second one, False."""
        with self._cond:
            if self._interrupted:
                return False
            self._interrupted = True
            self._stopping = "interrupted (Ctrl-C): the targets after the running ones were not started"
            self._cond.notify_all()
            return True


class _Source:
    """The target stream, read by one thread at a time (callers hold the runner's condition),
    with the deferred targets first."""

    def __init__(self, it: Iterator[Target]) -> None:
        self._it = it
        self._deferred: deque[Target] = deque()
        self._ended = False

    @property
    def exhausted(self) -> bool:
        return self._ended and not self._deferred

    def next(self) -> Target | None:
        if self._deferred:
            return self._deferred.popleft()
        if self._ended:
            return None
        target = next(self._it, None)
        if target is None:
            self._ended = True
        return target

    def defer(self, target: Target) -> None:
        self._deferred.append(target)

    def rest(self) -> Iterator[Target]:
        while (target := self.next()) is not None:
            yield target


class _SigintStops:
    """In the main thread: the first SIGINT stops the run at the next target, the second raises
    KeyboardInterrupt (worker threads are daemons: the process ends with them)."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._old: object = None

    def __enter__(self) -> _SigintStops:
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if not self.runner.interrupt():
            raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)  # type: ignore[arg-type]


__all__ = ["Gate", "Outcome", "Plan", "Runner", "Work"]
