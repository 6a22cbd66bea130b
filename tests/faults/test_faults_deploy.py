"""kill -9 and Ctrl-C at random points of `migrate deploy` and `migrate resolve`, one deployer or
several at once, on the three databases, with transactional, non-transactional
(`-- schemashift:transaction off`, PostgreSQL `CREATE INDEX CONCURRENTLY`, every MySQL migration)
and self-managed (`BEGIN; ... COMMIT;`) migrations.

After each fault: no statement ran twice, nothing is recorded applied that is not (and nothing
applied is unrecorded), `userdata` keeps its rows, and the next `migrate deploy` either finishes
the work or refuses with P3009 naming the migration and what to run; the user then looks at the
database, finishes or reverts the migration by hand, resolves it and deploys again.
"""

from __future__ import annotations

import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from faultkit import Project, State, Tally, Violation, check_attempt_recorded, check_interrupt_message, sizes

MODES = {
    "sqlite": ["tx", "off", "self", "tx"],
    "postgresql": ["tx", "conc", "off", "self"],
    "mysql": ["tx", "off", "self", "tx"],
}
# migrations that leave something to resolve when killed (used by the resolve scenario)
RESOLVE_MODES = {
    "sqlite": ["off", "self", "off"],
    "postgresql": ["off", "conc", "self"],
    "mysql": ["tx", "self", "off"],
}
N_AUDIT = 2


APPLYING = "Applying migration"


@dataclass(frozen=True)
class Windows:
    whole: float  # from the command's first line to its end
    apply: float  # from its first "Applying migration" to its end


def new_project(tmp_path: Path, provider: str, db_url: str, seed: int, modes: list[str]) -> tuple[Project, Windows]:
    """The project with its first migration applied, and the kill windows of a full deploy."""
    p = Project(tmp_path, provider, db_url, modes, N_AUDIT, seed)
    run = p.spawn("migrate", "deploy")
    first, applying = run.wait_marker(), run.wait_marker(APPLYING)
    done = run.finish()
    if done.rc != 0 or first is None or applying is None:
        raise Violation(f"first deploy (no fault) failed:\n{done}")
    end = time.monotonic()
    p.all_applied("first deploy (no fault)")
    p.reset_to_init()
    return p, Windows(end - first, end - applying)


def deploy_round(p: Project, sig: signal.Signals, windows: Windows, tally: Tally) -> None:
    # three faults in four start counting at the first migration, the others at the start
    double = sig is signal.SIGINT and p.rng.random() < 0.25  # one Ctrl-C in four is pressed twice
    if p.rng.random() < 0.75:
        f = p.faulted(sig, windows.apply, "migrate", "deploy", anchor=APPLYING, double=double)
    else:
        f = p.faulted(sig, windows.whole, "migrate", "deploy", double=double)
    if not f.landed:
        tally.missed += 1
        if not f.completed:
            raise Violation(f"deploy failed without a fault:\n{f.done}")
        p.all_applied("deploy (signal came too late)")
        p.reset_to_init()
        return
    tally.injected += 1
    tally.notes[f.signal] += 1
    context = f"after {f.signal} of `migrate deploy` at +{f.delay:.3f}s"
    if sig is signal.SIGINT:
        check_interrupt_message(f.done, p.soft)
    elif f.done.rc != -signal.SIGKILL:
        raise Violation(f"{context}: exit {f.done.rc}")
    st = p.check(context)
    if sig is signal.SIGINT and not f.signal.endswith("x2"):
        check_attempt_recorded(f.done, st)  # a second Ctrl-C may abort before the record
    tally.notes[where(p, f.done.out, st)] += 1
    p.recover(tally)
    p.all_applied(f"{context}, then recovery")
    tally.survived += 1
    p.reset_to_init()


def where(p: Project, out: str, st: State) -> str:
    """Which migration the fault hit: the last one announced and not finished."""
    announced = re.findall(r"Applying migration `([^`]+)`", out)
    if announced and announced[-1] in p.by_name:
        name = announced[-1]
        if not any(r.name == name and r.finished and not r.rolled_back for r in st.history):
            return f"hit {p.by_name[name].mode}"
    return "outside a migration"


@pytest.mark.parametrize("faults", sizes(3, 24))
def test_kill_and_ctrl_c_during_deploy(tmp_path: Path, provider: str, db_url: str, seed: int, tally_for,
                                       faults: int) -> None:
    """SIGKILL and SIGINT in turn at random points of `migrate deploy`."""
    p, window = new_project(tmp_path, provider, db_url, seed, MODES[provider])
    tally = tally_for(provider, "deploy")
    while tally.injected < faults and tally.missed < 3 * faults:
        deploy_round(p, p.next_signal(), window, tally)
    assert tally.injected == faults, tally.line()
    p.assert_no_soft_problems(tally)


@pytest.mark.parametrize("faults", sizes(1, 8))
def test_kill_and_ctrl_c_during_resolve(tmp_path: Path, provider: str, db_url: str, seed: int, tally_for,
                                        faults: int) -> None:
    """Deploys killed until a migration needs resolving; each `migrate resolve` the user then runs
    is itself killed or interrupted at a random point: it must be all or nothing."""
    p, window = new_project(tmp_path, provider, db_url, seed, RESOLVE_MODES[provider])
    p.resolve_window = 0.25
    deploys = tally_for(provider, "deploy SIGKILL (to reach resolve)")
    p.resolve_tally = tally_for(provider, "resolve")
    while p.resolve_tally.injected < faults and deploys.injected < 12 * faults:
        deploy_round(p, signal.SIGKILL, window, deploys)
    assert p.resolve_tally.injected >= faults, p.resolve_tally.line()
    p.assert_no_soft_problems(p.resolve_tally)


@pytest.mark.parametrize("rounds", sizes(1, 8))
def test_concurrent_deployers_some_killed(tmp_path: Path, provider: str, db_url: str, seed: int, tally_for,
                                          rounds: int) -> None:
    """Four deploys at once; one or two of them killed at random points, the others finish or
    stop at P3009 (a killed one left a failed migration)."""
    p, window = new_project(tmp_path, provider, db_url, seed, MODES[provider])
    tally = tally_for(provider, "concurrent deploys SIGKILL")
    attempts = 0
    span = window.whole  # how long after its start a deployer is killed, at most
    while tally.injected < rounds and attempts < 3 * rounds + 3:
        attempts += 1
        runs = [p.spawn("migrate", "deploy") for _ in range(4)]
        starts = [r.wait_marker() for r in runs]
        victims = p.rng.sample(range(4), p.rng.choice([1, 2]))
        for i in sorted(victims, key=lambda _i: p.rng.random()):
            t0 = starts[i]
            if t0 is None:
                continue
            delay = p.rng.uniform(0.0, span)
            time.sleep(max(0.0, t0 + delay - time.monotonic()))
            if runs[i].signal(signal.SIGKILL):
                tally.injected += 1
            else:  # it had finished before: aim earlier (three deployers wait on the lock, one runs)
                tally.missed += 1
                span = max(0.005, min(span, delay) / 2)
        for r in runs:
            done = r.finish()
            if done.rc in (0, -signal.SIGKILL):
                continue
            if done.rc == 1 and "P3009" in done.err and "Traceback" not in done.err:
                tally.notes["survivor stopped at P3009"] += 1
                continue
            raise Violation(f"a concurrent deployer failed:\n{done}")
        p.check("after concurrent deploys, some killed")
        p.recover(tally)
        p.all_applied("concurrent deploys, then recovery")
        tally.survived = tally.injected
        p.reset_to_init()
    assert tally.injected >= rounds, tally.line()
