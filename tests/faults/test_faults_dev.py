"""kill -9 and Ctrl-C at random points of `migrate dev`, on the three databases.

Each round adds a model to the schema, writes its migration with `migrate dev --create-only` and
appends slow, observable statements to it (as a user adds a data migration), then runs
`migrate dev` and kills or interrupts it: during the shadow replay, the apply, or the final diff.
Afterwards the invariants hold, and the next `migrate dev` (non-interactive) finishes the job or
refuses; it must never reset the database on its own: `userdata` keeps its rows. When it refuses,
the user keeps the data: `migrate deploy` names the failed migration (P3009), the user resolves
it, and `migrate dev` then succeeds.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from faultkit import (
    sizes,
    USER_ROWS,
    Effect,
    Mig,
    Project,
    Stmt,
    Violation,
    check_attempt_recorded,
    check_interrupt_message,
    datasource,
    q,
    slow_insert,
)

N_AUDIT = 1

MODELS = """
model userdata {
  id Int    @id
  v  String
}

model audit {
  id   Int    @id @default(autoincrement())
  mig  String
  stmt Int
}
"""


def _schema(provider: str, shadow: bool, n_objs: int) -> str:
    objs = "".join(f"\nmodel obj_{j} {{\n  id Int @id\n}}\n" for j in range(1, n_objs + 1))
    return f"{datasource(provider, shadow)}{MODELS}{objs}"


def _add_migration(p: Project, j: int, shadow: bool) -> None:
    (p.root / "prisma/schema.prisma").write_text(_schema(p.provider, shadow, j))
    p.run_ok("migrate", "dev", "--create-only", "--name", f"m{j}")
    folder = next(d for d in (p.root / "prisma/migrations").iterdir() if d.name.endswith(f"_m{j}"))
    generated = (folder / "migration.sql").read_text()
    create = "\n".join(line for line in generated.splitlines() if not line.startswith("--")).strip().rstrip(";")
    assert create.count(";") == 0 and f"obj_{j}" in create, generated
    tag = f"m{j}"
    stmts = [Stmt(create, Effect("table", f"obj_{j}"))]
    stmts += [Stmt(slow_insert(p.provider, tag, k), Effect("audit", tag, k)) for k in range(2, 2 + N_AUDIT)]
    script = generated + "".join(s.sql + ";\n" for s in stmts[1:])
    (folder / "migration.sql").write_text(script)
    m = Mig(j, folder.name, "tx", stmts, script, p.provider)
    p.migs.append(m)
    p.by_name[m.name] = m


@pytest.mark.parametrize("faults", sizes(1, 8))
def test_fault_during_migrate_dev(tmp_path: Path, provider: str, db_url: str, shadow_url: str | None, seed: int,
                                  tally_for, faults: int) -> None:
    p = Project(tmp_path, provider, db_url, [], N_AUDIT, seed, schema=_schema(provider, shadow_url is not None, 0),
                init=False)
    p.use_shadow(shadow_url)
    p.run_ok("migrate", "dev", "--name", "init")
    with p.conn() as c:
        values = ", ".join(f"({i}, 'user {i}')" for i in range(1, USER_ROWS + 1))
        c.execute(f"INSERT INTO {q(provider, 'userdata')} (id, v) VALUES {values}")
    _add_migration(p, 1, shadow_url is not None)
    run = p.spawn("migrate", "dev")
    first, applying = run.wait_marker(), run.wait_marker("Applying migration")
    done = run.finish()
    if done.rc != 0 or first is None or applying is None:
        raise Violation(f"first migrate dev (no fault) failed:\n{done}")
    window, apply_window = time.monotonic() - first, time.monotonic() - applying
    p.all_applied("first migrate dev (no fault)")
    tally = tally_for(provider, "migrate dev")
    j = 1
    while tally.injected < faults and tally.missed < 3 * faults:
        j += 1
        _add_migration(p, j, shadow_url is not None)
        sig = p.next_signal()
        # half the faults count from the first line (shadow replay, drift check), half from the apply
        from_start = p.rng.random() < 0.5
        if from_start:
            f = p.faulted(sig, window * 1.2, "migrate", "dev")
        else:
            f = p.faulted(sig, apply_window * 0.4, "migrate", "dev", anchor="Applying migration")
        if not f.landed:
            tally.missed += 1
            if not f.completed:
                raise Violation(f"migrate dev failed without a fault:\n{f.done}")
            p.all_applied("migrate dev (signal too late)")
            # the command ended before the signal: later runs were quicker than the timed first
            # one (on a busy server it can wait for the migration lock), so the window narrows
            if from_start:
                window = min(window, f.delay / 1.2) * 0.5
            else:
                apply_window = min(apply_window, f.delay / 0.4) * 0.5
            continue
        tally.injected += 1
        tally.notes[f.signal] += 1
        context = f"after {f.signal} of `migrate dev` at +{f.delay:.3f}s"
        if sig is signal.SIGINT:
            check_interrupt_message(f.done, p.soft)
        st = p.check(context)
        if sig is signal.SIGINT:
            check_attempt_recorded(f.done, st)
        name = p.migs[-1].name
        row = [r for r in st.history if r.name == name and not r.rolled_back]
        tally.notes["applied before the signal" if row and row[0].finished else "failed" if row else "not started"] += 1
        p.recover(tally, command=("migrate", "dev"))
        p.all_applied(f"{context}, then recovery")
        tally.survived += 1
    assert tally.injected == faults, tally.line()
    p.assert_no_soft_problems(tally)
