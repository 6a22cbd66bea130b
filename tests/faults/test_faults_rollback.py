"""kill -9 and Ctrl-C at random points of `migrate rollback` (the newest migration's down.sql: slow,
observable statements, then the migration's objects dropped), on the three databases.

After each fault the rolled-back migration is either still applied (its objects there, no down
statement took effect: PostgreSQL and SQLite roll back in one transaction) or rolled back (marked
in the history, its objects gone, every down statement once); running `migrate rollback` again, as
a user would when the migration is still listed applied, finishes without running a down statement
twice. `userdata` keeps its rows throughout.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from faultkit import Project, State, Tally, Violation, check_interrupt_message, q, sizes

MODES = {"sqlite": ["tx", "off"], "postgresql": ["tx", "off"], "mysql": ["tx", "tx"]}
N_AUDIT = 1
DOWN_AUDIT = 3


def _down_rows(st: State, tag: str) -> dict[int, int]:
    return {k: n for (mig, k), n in st.audit.items() if mig == f"{tag}_down"}


def _check_rollback(p: Project, st: State, context: str) -> bool:
    """True when the newest migration is rolled back; raises on a broken invariant."""
    m = p.migs[-1]
    rows = [r for r in st.history if r.name == m.name]
    live = [r for r in rows if not r.rolled_back]
    down = _down_rows(st, f"m{m.index}")
    rolled = not live
    problems = []
    if rolled and sorted(down) != list(range(1, DOWN_AUDIT + 1)):
        problems.append(f"{m.name} marked rolled back, but its down statements {sorted(down)} took effect")
    if not rolled and p.provider != "mysql" and down:
        problems.append(f"{m.name} still applied, yet down statements {sorted(down)} took effect (not atomic)")
    if problems:
        raise Violation(f"{context} (seed {p.seed}):\n  " + "\n  ".join(problems) + f"\n{st.describe()}")
    return rolled


def _reapply(p: Project) -> None:
    """Bookkeeping between rounds: forget the down rows, deploy the migration again."""
    with p.conn() as c:
        c.execute(f"DELETE FROM {q(p.provider, 'audit')} WHERE mig LIKE %s", ("%_down",))
    p.run_ok("migrate", "deploy")
    p.all_applied("re-deploy after a rollback")


def rollback_round(p: Project, sig: signal.Signals, window: float, tally: Tally) -> None:
    f = p.faulted(sig, window, "migrate", "rollback")
    if not f.landed:
        tally.missed += 1
        if not f.completed:
            raise Violation(f"rollback failed without a fault:\n{f.done}")
        _check_rollback(p, p.check("rollback (signal too late)"), "rollback (signal too late)")
        _reapply(p)
        return
    tally.injected += 1
    tally.notes[f.signal] += 1
    context = f"after {f.signal} of `migrate rollback` at +{f.delay:.3f}s"
    if sig is signal.SIGINT:
        check_interrupt_message(f.done, p.soft)
    st = p.check(context)
    if _check_rollback(p, st, context):
        tally.notes["done before the signal"] += 1
    else:
        tally.notes["still applied"] += 1
        tally.notes[p.rollback_again(context)] += 1
        st = p.check(f"{context}, then rollback again")
        if not _check_rollback(p, st, f"{context}, then rollback again"):
            raise Violation(f"{context}: the second rollback did not roll back\n{st.describe()}")
    tally.survived += 1
    _reapply(p)


@pytest.mark.parametrize("faults", sizes(2, 16))
def test_fault_during_rollback(tmp_path: Path, provider: str, db_url: str, shadow_url: str | None, seed: int,
                               tally_for, faults: int) -> None:
    p = Project(tmp_path, provider, db_url, MODES[provider], N_AUDIT, seed, down_audit=DOWN_AUDIT)
    p.use_shadow(shadow_url)  # rollback replays the history into a shadow database to count losses
    p.run_ok("migrate", "deploy")
    window = p.timed("migrate", "rollback")
    _reapply(p)
    tally = tally_for(provider, "rollback")
    while tally.injected < faults and tally.missed < 3 * faults:
        rollback_round(p, p.next_signal(), window, tally)
    assert tally.injected == faults, tally.line()
    p.assert_no_soft_problems(tally)
