"""kill -9 and Ctrl-C at random points of `backup restore --force` over the datasource's database
(with a 30,000-row table, so that pg_restore / the mariadb client work for a while), on the three
databases.

After each fault the backup file is intact and the user's next commands recover: `backup restore`
again (without --force it restores into an empty database, or refuses a non-empty one and names
--force), then with --force. The database then holds exactly what the backup held: tables, row
counts, the audit rows, the migration history.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from faultkit import Project, State, Tally, Violation, check_interrupt_message, q, sizes

BULK_ROWS = 30_000


def _fill_bulk(p: Project, rows: int = BULK_ROWS) -> None:
    with p.conn() as c:
        c.execute(f"CREATE TABLE {q(p.provider, 'bulk')} (id INTEGER PRIMARY KEY, v VARCHAR(60) NOT NULL)")
        for start in range(0, rows, 5000):
            values = ", ".join(f"({i}, 'bulk row number {i} of the restore test')" for i in range(start, start + 5000))
            c.execute(f"INSERT INTO {q(p.provider, 'bulk')} (id, v) VALUES {values}")


def _same(expected: State, st: State) -> list[str]:
    diffs = []
    for what in ("tables", "counts", "audit", "indexes"):
        if getattr(expected, what) != getattr(st, what):
            diffs.append(f"{what}: expected {getattr(expected, what)}, got {getattr(st, what)}")
    e_hist = [(r.name, r.finished, r.rolled_back, r.steps) for r in expected.history]
    g_hist = [(r.name, r.finished, r.rolled_back, r.steps) for r in st.history]
    if e_hist != g_hist:
        diffs.append(f"history: expected {e_hist}, got {g_hist}")
    return diffs


def restore_round(p: Project, sig: signal.Signals, window: float, file: str, expected: State, tally: Tally) -> None:
    f = p.faulted(sig, window, "backup", "restore", file, "--force")
    if not f.landed:
        tally.missed += 1
        if not f.completed:
            raise Violation(f"restore failed without a fault:\n{f.done}")
        return
    tally.injected += 1
    tally.notes[f.signal] += 1
    context = f"after {f.signal} of `backup restore --force` at +{f.delay:.3f}s"
    if sig is signal.SIGINT:
        check_interrupt_message(f.done, p.soft)
    p.wait_quiet()
    again = p.run("backup", "restore", file)
    if again.rc == 0:
        tally.notes["target was empty"] += 1
    elif again.rc == 1 and "--force" in again.err and "Traceback" not in again.err:
        tally.notes["refused, named --force"] += 1
        p.run_ok("backup", "restore", file, "--force")
    else:
        raise Violation(f"{context}: `backup restore` again:\n{again}")
    diffs = _same(expected, p.snapshot())
    if diffs:
        raise Violation(f"{context}, then restore again (seed {p.seed}):\n  " + "\n  ".join(diffs))
    p.all_applied(f"{context}, then restore again")
    tally.survived += 1


@pytest.mark.parametrize("faults", sizes(1, 16))
def test_fault_during_restore(tmp_path: Path, provider: str, db_url: str, seed: int, tally_for, faults: int) -> None:
    p = Project(tmp_path, provider, db_url, ["tx", "tx"], 1, seed)
    p.run_ok("migrate", "deploy")
    _fill_bulk(p)
    made = p.run_ok("backup", "create", "-o", "backups")
    found = re.search(r"Backup written: (\S+)", made.out)
    assert found, made.out
    file = found.group(1)
    expected = p.all_applied("before the backup")
    window = p.timed("backup", "restore", file, "--force")
    tally = tally_for(provider, "backup restore")
    while tally.injected < faults and tally.missed < 4 * faults:
        restore_round(p, p.next_signal(), window, file, expected, tally)
    assert tally.injected == faults, tally.line()
    p.assert_no_soft_problems(tally)
