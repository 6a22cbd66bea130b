"""The runner's stages on a fake workload (no database): bounded parallelism, the canary (only
targets that change count), waves, what is left untouched, Ctrl-C, a bug on one target."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

import pytest

from schemashift.fleet.report import TargetResult
from schemashift.fleet.runner import Gate, Plan, Runner
from schemashift.fleet.targets import Target


def targets(n: int) -> list[Target]:
    return [Target(i, f"t{i}", f"postgresql://u:secret@h/db?schema=t{i}") for i in range(n)]


class Fake:
    """Targets listed in ``up_to_date`` have nothing to do; those in ``failing`` fail when changed.
    Records which targets were changed and the most that ran at once."""

    def __init__(self, up_to_date: set[int] = set(), failing: set[int] = set(), delay: float = 0.01) -> None:
        self.up_to_date, self.failing, self.delay = up_to_date, failing, delay
        self.changed: list[int] = []
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def __call__(self, target: Target, gate: Gate) -> TargetResult | None:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay)
            if target.index in self.up_to_date:
                return TargetResult(target.index, target.name, target.shown_url, "up_to_date", applied=2, total=2)
            if not gate():
                return None
            with self._lock:
                self.changed.append(target.index)
            if target.index in self.failing:
                return TargetResult(target.index, target.name, target.shown_url, "failed", code="P3018", error="boom", total=2)
            return TargetResult(target.index, target.name, target.shown_url, "up_to_date", applied=2, total=2, applied_now=("a", "b"))
        finally:
            with self._lock:
                self.running -= 1


def run(work: Callable[[Target, Gate], TargetResult | None], n: int, **plan: int) -> tuple[list[TargetResult], str | None]:
    outcome = Runner(work, Plan(**plan)).run(iter(targets(n)))
    assert [r.index for r in outcome.results] == list(range(n))  # every target reported, in order
    return outcome.results, outcome.stopped


def test_jobs_bound_the_parallelism_and_every_target_runs() -> None:
    work = Fake(delay=0.03)
    results, stopped = run(work, 12, jobs=3)
    assert stopped is None
    assert sorted(work.changed) == list(range(12))
    assert 2 <= work.most <= 3
    assert {r.state for r in results} == {"up_to_date"}


def test_a_failing_canary_stops_the_run_and_leaves_the_rest_untouched() -> None:
    work = Fake(failing={1})
    results, stopped = run(work, 8, jobs=4, canary=2)
    assert sorted(work.changed) == [0, 1]
    assert stopped is not None and "canary" in stopped and "t1" in stopped
    assert [r.state for r in results[2:]] == ["skipped"] * 6


def test_targets_already_up_to_date_do_not_fill_the_canary() -> None:
    """A second run: the first targets have nothing to do, the canary is the first two that change."""
    work = Fake(up_to_date={0, 1, 2, 3}, failing={5})
    results, stopped = run(work, 10, jobs=3, canary=2)
    assert sorted(work.changed) == [4, 5]
    assert stopped is not None
    assert [r.state for r in results[:4]] == ["up_to_date"] * 4
    assert results[5].state == "failed"
    assert {r.state for r in results[6:]} == {"skipped"}


def test_a_passing_canary_is_followed_by_the_rest() -> None:
    work = Fake()
    results, stopped = run(work, 9, jobs=4, canary=1)
    assert stopped is None and sorted(work.changed) == list(range(9))
    assert work.changed[0] == 0  # the canary ran first, alone


def test_a_failed_wave_stops_the_later_waves() -> None:
    work = Fake(failing={4})
    results, stopped = run(work, 10, jobs=2, canary=1, wave=3)
    assert sorted(work.changed) == [0, 1, 2, 3, 4, 5, 6]  # canary 0, waves 1-3 and 4-6
    assert stopped is not None and "wave" in stopped
    assert [r.state for r in results[7:]] == ["skipped"] * 3


def test_without_waves_a_failure_does_not_stop_the_others() -> None:
    work = Fake(failing={2})
    results, stopped = run(work, 6, jobs=2)
    assert stopped is None and sorted(work.changed) == list(range(6))
    assert results[2].state == "failed"


def test_a_bug_on_one_target_is_reported_and_the_others_go_on() -> None:
    def work(target: Target, gate: Gate) -> TargetResult:
        if target.index == 1:
            raise ValueError("oops")
        return TargetResult(target.index, target.name, target.shown_url, "up_to_date")

    results, _ = run(work, 3, jobs=2)
    assert results[1].state == "error" and results[1].code == "internal" and "ValueError" in (results[1].error or "")
    assert results[0].state == results[2].state == "up_to_date"


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
def test_ctrl_c_stops_at_the_next_target() -> None:
    work = Fake(delay=0.05)
    timer = threading.Timer(0.12, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    outcome = Runner(work, Plan(jobs=2)).run(iter(targets(40)))
    timer.join()
    assert outcome.interrupted and outcome.stopped is not None
    states = [r.state for r in outcome.results]
    assert "skipped" in states and states.count("up_to_date") == len(work.changed) < 40
    # what started was finished: nothing is left half-done
    assert all(r.state == "up_to_date" for r in outcome.results if r.index in work.changed)
