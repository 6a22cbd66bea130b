"""Fault-injection harness: real ``schemashift`` processes killed (SIGKILL) or interrupted (SIGINT,
sent to the process group as a terminal's Ctrl-C does) at random points, then the checks a user
would make and the recovery a user would follow.

Every migration is observable: statement 1 creates a table ``obj_<i>``, an optional statement
creates an index (``CREATE INDEX CONCURRENTLY`` on PostgreSQL), and every further statement inserts
one row ``(migration, statement number)`` into ``audit`` while it sleeps (``pg_sleep``, ``SLEEP()``,
a recursive CTE on SQLite), so a kill lands in the middle of statements. ``audit`` has no unique
key: a statement that runs twice shows up as a duplicated row. ``userdata`` is created and filled by
the first migration (applied before any fault) and must keep its rows through everything.

The CLI runs as ``python -m schemashift.cli`` with ``PYTHONPATH`` set to the ``src/`` folder beside
this ``tests/`` folder, so the suite tests the tree it lives in.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemashift.connectors import connect, parse_url

SRC = Path(__file__).resolve().parents[2] / "src"
PY = sys.executable
USER_ROWS = 40
USER_SUM = USER_ROWS * (USER_ROWS + 1) // 2
INIT = "20260101000000_init"
MARKER = "Prisma schema loaded"  # the first line every command of a project prints (stderr)
QUIET_TIMEOUT = 60.0
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70
INTERRUPT_TIMEOUT = 10.0

# statements per second of sleeping: short enough to keep the suite fast, long enough that most
# kills land inside a statement rather than between two
SLEEP = 0.05
SQLITE_ITERATIONS = 150_000  # ~0.035 s (idle machine) of recursive CTE on this machine


def sizes(quick: int, many: int) -> list[Any]:
    """Parameters: ``quick`` faults in ``make test``, ``many`` under ``@pytest.mark.slow``."""
    import pytest

    return [pytest.param(quick, id="quick"), pytest.param(many, id="many", marks=pytest.mark.slow)]


def datasource(provider: str, shadow: bool = False) -> str:
    """The schema's datasource block; ``shadow``: with ``shadowDatabaseUrl`` (a database of the
    test's own, so that a killed command leaves no temporary shadow database on the server)."""
    shadow_line = '  shadowDatabaseUrl = env("SHADOW_DATABASE_URL")\n' if shadow else ""
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n{shadow_line}}}\n'


def cli_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMASHIFT_")}
    env.update(DATABASE_URL=url, PYTHONPATH=str(SRC), NO_COLOR="1", PYTHONUNBUFFERED="1")
    return env


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def slow_insert(provider: str, mig: str, k: int) -> str:
    """One statement that takes ~SLEEP seconds and then inserts the row (mig, k) into audit."""
    head = f"INSERT INTO {q(provider, 'audit')} (mig, stmt) SELECT '{mig}', {k}"
    if provider == "postgresql":
        return f"{head} FROM pg_sleep({SLEEP})"
    if provider == "mysql":
        return f"{head} FROM (SELECT SLEEP({SLEEP}) AS s) AS w"
    return (
        f"{head} FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
        f"{SQLITE_ITERATIONS}) SELECT max(x) FROM c)"
    )


# ---------------------------------------------------------------- migrations


@dataclass(frozen=True)
class Effect:
    kind: str  # "table" | "index" | "audit"
    name: str  # table/index name, or the audit migration tag
    k: int = 0  # statement number (audit)


@dataclass(frozen=True)
class Stmt:
    sql: str
    effect: Effect


@dataclass
class Mig:
    index: int
    name: str
    mode: str  # "tx" | "off" | "conc" | "self"
    stmts: list[Stmt]
    script: str
    provider: str
    down: list[Stmt] = field(default_factory=list)  # its down.sql, when it has one

    @property
    def statementwise(self) -> bool:
        """Runs statement by statement (the semantics' STATEMENTS mode) on this provider."""
        return self.mode in ("off", "conc") or (self.mode == "tx" and self.provider == "mysql")


def make_migration(provider: str, i: int, mode: str, n_audit: int) -> Mig:
    name = f"2026010100{i:04d}_m{i}_{mode}"
    tag = f"m{i}"
    stmts = [Stmt(f"CREATE TABLE {q(provider, f'obj_{i}')} (id INTEGER PRIMARY KEY)", Effect("table", f"obj_{i}"))]
    if mode == "conc":
        assert provider == "postgresql"
        stmts.append(Stmt(f'CREATE INDEX CONCURRENTLY "idx_{i}" ON "userdata" (v)', Effect("index", f"idx_{i}")))
    for k in range(len(stmts) + 1, len(stmts) + 1 + n_audit):
        stmts.append(Stmt(slow_insert(provider, tag, k), Effect("audit", tag, k)))
    body = [s.sql + ";\n" for s in stmts]
    if mode == "off":
        script = "-- schemashift:transaction off\n" + "".join(body)
    elif mode == "self":
        # the guide's "Use Transactions" block; MySQL commits DDL at once, so its table comes first
        if provider == "mysql":
            script = body[0] + "BEGIN;\n" + "".join(body[1:]) + "COMMIT;\n"
        else:
            script = "BEGIN;\n" + "".join(body) + "COMMIT;\n"
    else:
        script = "".join(body)
    return Mig(i, name, mode, stmts, script, provider)


def down_statements(provider: str, m: Mig, n_audit: int) -> list[Stmt]:
    """Observable reverse of ``m``: down audit rows, then the up effects removed. The effects of
    the last statements are "gone" checks (what a user finishing the rollback by hand verifies)."""
    tag = f"m{m.index}"
    out = [Stmt(slow_insert(provider, f"{tag}_down", k), Effect("audit", f"{tag}_down", k)) for k in range(1, n_audit + 1)]
    out.append(Stmt(f"DELETE FROM {q(provider, 'audit')} WHERE mig = '{tag}'", Effect("rows gone", tag)))
    if any(s.effect.kind == "index" for s in m.stmts):
        out.append(Stmt(f'DROP INDEX "idx_{m.index}"', Effect("index gone", f"idx_{m.index}")))
    out.append(Stmt(f"DROP TABLE {q(provider, f'obj_{m.index}')}", Effect("table gone", f"obj_{m.index}")))
    return out


def script_of(stmts: list[Stmt]) -> str:
    return "".join(s.sql + ";\n" for s in stmts)


def init_script(provider: str) -> str:
    values = ", ".join(f"({i}, 'user {i}')" for i in range(1, USER_ROWS + 1))
    return (
        f"CREATE TABLE {q(provider, 'userdata')} (id INTEGER PRIMARY KEY, v VARCHAR(40) NOT NULL);\n"
        f"INSERT INTO {q(provider, 'userdata')} (id, v) VALUES {values};\n"
        f"CREATE TABLE {q(provider, 'audit')} (mig VARCHAR(40) NOT NULL, stmt INTEGER NOT NULL);\n"
    )


# ---------------------------------------------------------------- processes


@dataclass
class Done:
    rc: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.rc}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


@dataclass
class Fault:
    """One faulted command: ``landed`` when the signal reached a still-running process."""

    signal: str
    delay: float
    landed: bool
    done: Done

    @property
    def completed(self) -> bool:
        """Not landed, and the command did its work (the signal came too late or never)."""
        return not self.landed and (self.done.rc == 0 or self.done.rc == -signal.SIGINT)


class Running:
    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], tag: str) -> None:
        self.out_path = cwd / f".fault-{tag}.out"
        self.err_path = cwd / f".fault-{tag}.err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True
            )
        self.started = time.monotonic()

    def wait_marker(self, anchor: str | None = None, timeout: float = 30.0) -> float | None:
        """When the command printed its first line (stderr), or ``anchor`` (stdout); None when it
        ended without printing it."""
        path, text = (self.err_path, MARKER) if anchor is None else (self.out_path, anchor)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ended = self.proc.poll() is not None
            if text.encode() in path.read_bytes():
                return time.monotonic()
            if ended:
                return None
            time.sleep(0.003)
        raise AssertionError(f"no {text!r} after {timeout} s: {self.err_path.read_text()}")

    def signal(self, sig: signal.Signals) -> bool:
        """Send ``sig`` to the process group; True when the command was still running."""
        if self.proc.poll() is not None:
            return False
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            return False
        return True

    def finish(self, timeout: float = 120.0, what: str = "") -> Done:
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            ps = subprocess.run(["ps", "-o", "pid,stat,wchan:20,args", "-g", str(self.proc.pid)],
                                capture_output=True, text=True).stdout
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise Violation(
                f"the command did not end within {timeout} s{what} (killed it):\n{ps}"
                f"--- stderr\n{self.err_path.read_text(errors='replace')}"
            ) from None
        if rc == -signal.SIGKILL:
            # the group's other members (pg_restore, mariadb) die with it, as in a crash
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        done = Done(rc, self.out_path.read_text(errors="replace"), self.err_path.read_text(errors="replace"))
        self.out_path.unlink(missing_ok=True)
        self.err_path.unlink(missing_ok=True)
        return done


# ---------------------------------------------------------------- the project


class Violation(AssertionError):
    pass


@dataclass
class Tally:
    """Faults per (database, scenario): injected (landed on a running command) and survived
    (every invariant held afterwards and the recovery finished)."""

    provider: str
    scenario: str
    seed: int
    injected: int = 0
    survived: int = 0
    missed: int = 0  # the command had ended before the signal
    notes: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in sorted(self.notes.items()))
        return (
            f"faults[{self.provider}/{self.scenario}]: {self.injected} injected, {self.survived} survived"
            f" (missed {self.missed}; seed {self.seed}{'; ' + extra if extra else ''})"
        )


class Project:
    def __init__(self, root: Path, provider: str, url: str, modes: list[str], n_audit: int, seed: int,
                 down_audit: int = 0, schema: str | None = None, init: bool = True) -> None:
        self.root, self.provider, self.url = root, provider, url
        self.rng = random.Random(seed)
        self.seed = seed
        self.env = cli_env(url)
        self.migs = [make_migration(provider, i, mode, n_audit) for i, mode in enumerate(modes, start=1)]
        self.by_name = {m.name: m for m in self.migs}
        (root / "prisma").mkdir(parents=True, exist_ok=True)
        (root / "prisma/schema.prisma").write_text(schema or datasource(provider))
        folder = root / "prisma/migrations"
        folder.mkdir(exist_ok=True)
        (folder / "migration_lock.toml").write_text(f'provider = "{provider}"\n')
        if init:
            self._write(INIT, init_script(provider))
        for m in self.migs:
            if down_audit:
                m.down = down_statements(provider, m, down_audit)
            self._write(m.name, m.script, script_of(m.down) if m.down else None)
        self._spawned = 0
        self.soft: list[str] = []  # problems that leave the database sound (messages): reported at the end
        self._signals = [signal.SIGKILL, signal.SIGINT]
        self.rng.shuffle(self._signals)
        self.by_hand: set[str] = set()  # migrations the user finished or reverted by hand
        self.resolve_tally: Tally | None = None  # set: each resolve the user runs is faulted too

    def use_shadow(self, shadow_url: str | None) -> None:
        """Give the schema a shadowDatabaseUrl (servers; SQLite uses a temporary file)."""
        if shadow_url is not None:
            self.env["SHADOW_DATABASE_URL"] = shadow_url
            schema = self.root / "prisma/schema.prisma"
            schema.write_text(schema.read_text().replace(datasource(self.provider), datasource(self.provider, True)))

    def _write(self, name: str, script: str, down: str | None = None) -> None:
        d = self.root / "prisma/migrations" / name
        d.mkdir(exist_ok=True)
        (d / "migration.sql").write_text(script)
        if down is not None:
            (d / "down.sql").write_text(down)

    # --- running the CLI

    def argv(self, *args: str) -> list[str]:
        return [PY, "-m", "schemashift.cli", *args]

    def run(self, *args: str, timeout: float = 180.0) -> Done:
        r = subprocess.run(self.argv(*args), cwd=self.root, env=self.env, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        done = Done(r.returncode, r.stdout, r.stderr)
        if done.rc == EXIT_INTERNAL or "Traceback" in done.err:
            raise Violation(f"`schemashift {' '.join(args)}` crashed (an internal error, exit 70, or a traceback):\n{done}")
        return done

    def run_ok(self, *args: str) -> Done:
        d = self.run(*args)
        if d.rc != 0:
            raise Violation(f"`schemashift {' '.join(args)}` failed:\n{d}")
        return d

    def spawn(self, *args: str) -> Running:
        self._spawned += 1
        return Running(self.argv(*args), self.root, self.env, f"{os.getpid()}-{self._spawned}")

    def timed(self, *args: str, anchor: str | None = None) -> float:
        """Seconds from the command's first line (or ``anchor`` on stdout) to its end (unfaulted
        run, must succeed)."""
        r = self.spawn(*args)
        t0 = r.wait_marker(anchor)
        done = r.finish()
        if done.rc != 0:
            raise Violation(f"`schemashift {' '.join(args)}` failed:\n{done}")
        assert t0 is not None, f"no {anchor!r} in the output:\n{done}"
        return time.monotonic() - t0

    def assert_no_soft_problems(self, tally: Tally) -> None:
        if self.soft:
            tally.notes["with a message problem"] = len(self.soft)
            kinds: dict[str, str] = {}
            for problem in self.soft:
                kinds.setdefault(problem.splitlines()[0], problem)
            raise Violation(
                f"{len(self.soft)} faults were survived, but with these problems (one example of each):\n\n"
                + "\n\n".join(kinds.values())
            )

    def next_signal(self) -> signal.Signals:
        """SIGKILL and SIGINT in turn (the first one at random)."""
        self._signals.reverse()
        return self._signals[0]

    def faulted(self, sig: signal.Signals, window: float, *args: str, anchor: str | None = None,
                double: bool = False) -> Fault:
        """Run the command and send ``sig`` at a random point of its work: within ``window``
        seconds after its first line, or after ``anchor`` appeared on its stdout. ``double``: a
        second Ctrl-C follows within 0.2 s (it must abort at once)."""
        r = self.spawn(*args)
        t0 = r.wait_marker(anchor)
        delay = self.rng.uniform(0.0, window)
        second = self.rng.uniform(0.0, 0.2)
        landed = False
        if t0 is not None:
            time.sleep(max(0.0, t0 + delay - time.monotonic()))
            landed = r.signal(sig)
            if landed and double:
                time.sleep(second)
                double = r.signal(sig)
        name = f"{sig.name} x2" if landed and double else sig.name
        # Ctrl-C must end the command promptly (the running statement is cancelled, not awaited)
        done = r.finish(INTERRUPT_TIMEOUT, f" after {name} at +{delay:.3f}s") if landed and sig is signal.SIGINT else r.finish()
        late = done.rc == 0 or (
            # Python's default SIGINT action at interpreter exit, after the work was done and its
            # output printed (the shell shows 130)
            done.rc == -signal.SIGINT and not re.search(r"error|abort|interrupt", done.err, re.I)
        )
        return Fault(name, delay, landed and not late, done)

    # --- looking at the database

    def conn(self) -> Any:
        return connect(self.url)

    def wait_quiet(self) -> None:
        """Wait until no session works on the test's databases (the shadow one too): a killed
        client's statement goes on on the server (pg_sleep, SLEEP, a describe) and must have ended
        before the state is judged or the next command drops or resets a database. (MariaDB
        10.11 once crashed on an information_schema query racing such a drop.)"""
        if self.provider == "sqlite":
            return
        import dbutil

        names = [parse_url(u).database for u in (self.url, self.env.get("SHADOW_DATABASE_URL")) if u]
        marks = ", ".join(["%s"] * len(names))
        sql = (
            f"SELECT count(*) FROM pg_stat_activity WHERE datname IN ({marks}) AND pid <> pg_backend_pid()"
            if self.provider == "postgresql"
            else f"SELECT count(*) FROM information_schema.processlist WHERE db IN ({marks}) AND id <> CONNECTION_ID()"
        )
        deadline = time.monotonic() + QUIET_TIMEOUT
        with connect(dbutil.admin_url(self.provider)) as c:
            while c.query(sql, names)[0][0]:
                if time.monotonic() > deadline:
                    raise Violation("sessions of a killed command still run after 60 s")
                time.sleep(0.02)

    def snapshot(self) -> State:
        with self.conn() as c:
            return State.read(c, self.provider)

    # --- the invariants

    def check(self, context: str) -> State:
        """Every invariant of the brief; raises Violation naming what broke."""
        self.wait_quiet()
        st = self.snapshot()
        problems: list[str] = []
        dup = sorted(k for k, n in st.audit.items() if n > 1)
        if dup:
            problems.append(f"statements ran twice (audit rows duplicated): {dup}")
        if st.userdata != (USER_ROWS, USER_SUM):
            problems.append(f"user data lost: userdata has (count, sum) {st.userdata}, expected {(USER_ROWS, USER_SUM)}")
        for m in self.migs:
            problems += self._check_migration(m, st)
        if problems:
            raise Violation(f"{context} (seed {self.seed}):\n  " + "\n  ".join(problems) + f"\n{st.describe()}")
        return st

    def present(self, m: Mig, st: State) -> list[bool]:
        return [st.has(s.effect) for s in m.stmts]

    def _check_migration(self, m: Mig, st: State) -> list[str]:
        rows = [r for r in st.history if r.name == m.name and not r.rolled_back]
        present = self.present(m, st)
        n = len(m.stmts)
        out: list[str] = []
        if len(rows) > 1:
            return [f"{m.name}: {len(rows)} live history rows {rows}"]
        if not rows:
            if any(present):
                out.append(f"{m.name}: not recorded, yet statements {_nums(present)} took effect")
            if st.invalid_indexes & {s.effect.name for s in m.stmts}:
                out.append(f"{m.name}: not recorded, yet an invalid index was left behind")
            return out
        r = rows[0]
        if r.finished:
            if not all(present):
                out.append(f"{m.name}: recorded applied, but statements {_nums([not p for p in present])} have no effect")
            return out
        if m.name in self.by_hand:
            return out  # the user changed the database by hand, its resolve comes next
        # a failed (unfinished, unresolved) attempt
        if m.mode == "tx" and not m.statementwise:
            if any(present):
                out.append(f"{m.name} (transactional): a failed attempt left statements {_nums(present)} applied")
            if not r.logs:
                out.append(f"{m.name} (transactional): a failed row without logs (kill -9 must leave nothing)")
        elif m.statementwise:
            c = r.steps
            if c > n or not all(present[:c]):
                out.append(f"{m.name}: applied_steps_count {c} but statements {_nums(present)} have effect")
            if any(present[c + 1 :]):
                out.append(f"{m.name}: applied_steps_count {c} but later statements {_nums(present)} took effect")
            if r.logs and c < n and present[c]:
                out.append(
                    f"{m.name}: logs say statement {c + 1} did not complete ({r.logs.splitlines()[0]!r}) "
                    "but it took effect"
                )
            if r.logs and not re.search(r"interrupted|failed", r.logs, re.I):
                out.append(f"{m.name}: logs neither say failed nor interrupted: {r.logs!r}")
        return out


    # --- what a user does

    def reset_to_init(self) -> None:
        """Back to "only the first migration applied" (test bookkeeping, not a user action)."""
        self.wait_quiet()
        with self.conn() as c:
            for m in self.migs:
                if self.provider == "postgresql":
                    c.execute(f'DROP INDEX IF EXISTS "idx_{m.index}"')
                c.execute(f"DROP TABLE IF EXISTS {q(self.provider, f'obj_{m.index}')}")
            c.execute(f"DELETE FROM {q(self.provider, 'audit')}")
            for m in self.migs:
                c.execute("DELETE FROM _prisma_migrations WHERE migration_name = %s", (m.name,))
        self.by_hand.clear()

    def finish_by_hand(self, m: Mig, st: State) -> None:
        with self.conn() as c:
            for s in m.stmts:
                if s.effect.kind == "index" and s.effect.name in st.invalid_indexes:
                    c.execute(f'DROP INDEX "{s.effect.name}"')  # a cancelled CONCURRENTLY build
                if not st.has(s.effect):
                    c.execute(s.sql)

    def revert_by_hand(self, m: Mig) -> None:
        with self.conn() as c:
            c.execute(f"DELETE FROM {q(self.provider, 'audit')} WHERE mig = %s", (f"m{m.index}",))
            if self.provider == "postgresql":
                c.execute(f'DROP INDEX IF EXISTS "idx_{m.index}"')
            c.execute(f"DROP TABLE IF EXISTS {q(self.provider, f'obj_{m.index}')}")

    def finish_rollback_by_hand(self, m: Mig, k: int) -> None:
        """What `migrate rollback` asks after a rollback killed at down statement ``k``: check it,
        run the statements from ``k`` on that are not applied, by hand."""
        st = self.snapshot()
        with self.conn() as c:
            for s in m.down[k - 1 :]:
                e = s.effect
                if e.kind == "audit" and st.has(e):
                    continue  # applied before the kill
                if e.kind == "table gone":
                    c.execute(f"DROP TABLE IF EXISTS {q(self.provider, e.name)}")
                elif e.kind == "index gone":
                    c.execute(f'DROP INDEX IF EXISTS "{e.name}"')
                else:
                    c.execute(s.sql)

    def create_missing_shadow(self, d: Done) -> str | None:
        """What P1003 says when the shadowDatabaseUrl's database is missing (a reset killed
        between DROP and CREATE DATABASE): the user runs the CREATE DATABASE it names."""
        found = re.search(r"shadowDatabaseUrl`: create it \((CREATE DATABASE [^)]+)\)", d.err)
        if d.rc != 1 or found is None:
            return None
        import dbutil

        with connect(dbutil.admin_url(self.provider)) as c:
            c.execute(found.group(1))
        return "created the missing shadow database"

    def rollback_again(self, context: str) -> str:
        """The user runs `migrate rollback` again (the migration is still listed applied) and
        follows what it says. Returns what happened."""
        again = self.run("migrate", "rollback")
        if again.rc == 0:
            return "rollback again"
        if self.create_missing_shadow(again) is not None:  # a reset killed between DROP and CREATE
            again = self.run("migrate", "rollback")
            if again.rc == 0:
                return "created the missing shadow database, rollback again"
        found = re.search(r"stopped while statement (\d+) of (\d+)", again.err)
        m = self.migs[-1]
        if again.rc == 1 and found and f"migrate resolve --rolled-back {m.name}" in again.err:
            self.check(f"{context}, rollback refused (statement {found.group(1)} uncertain)")
            self.finish_rollback_by_hand(m, int(found.group(1)))
            self.run_ok("migrate", "resolve", "--rolled-back", m.name)
            return "rollback finished by hand, resolve --rolled-back"
        raise Violation(f"{context}: `migrate rollback` again failed:\n{again}\n{self.snapshot().describe()}")

    def resolve_failed(self, name: str, message: str) -> str:
        """P3009 named ``name``: look at the database, finish or revert by hand, then resolve."""
        m = self.by_name.get(name)
        if m is None:
            raise Violation(f"P3009 names {name!r}, which is not a migration of the project:\n{message}")
        st = self.check(f"before resolving {name}")
        row = next(r for r in st.history if r.name == name and not r.finished and not r.rolled_back)
        uncertain = row.steps + 1
        if m.statementwise and not row.logs and uncertain <= len(m.stmts) and not re.search(rf"statement {uncertain}\b", message):
            raise Violation(
                f"P3009 for {name} (killed, statement {uncertain} uncertain) does not name that statement:\n{message}"
            )
        present = self.present(m, st)
        if all(present) and not st.invalid_indexes:
            action = "--applied"
        elif self.rng.random() < 0.5:
            self.finish_by_hand(m, st)
            action = "--applied"
        else:
            self.revert_by_hand(m)
            action = "--rolled-back"
        self.by_hand.add(name)
        self.run_resolve(action, name)
        self.by_hand.discard(name)
        return action

    def run_resolve(self, action: str, name: str) -> None:
        t = self.resolve_tally
        if t is not None:
            f = self.faulted(signal.SIGKILL if self.rng.random() < 0.6 else signal.SIGINT, self.resolve_window,
                             "migrate", "resolve", action, name)
            if f.landed:
                t.injected += 1
                if f.signal == "SIGINT":
                    check_interrupt_message(f.done, self.soft)
                self.check(f"after {f.signal} of `migrate resolve {action} {name}` at +{f.delay:.3f}s")
                again = self.run("migrate", "resolve", action, name)
                # done before the signal: the rerun says so (P3008 applied / P3011 nothing to roll back)
                if again.rc != 0 and not re.search(r"P3008|P3011|P3012", again.err):
                    raise Violation(f"resolve after a faulted resolve:\n{again}")
                t.survived += 1
                return
            t.missed += 1
            # the command had ended within f.delay of its first line: aim inside that from now on
            # (resolve on SQLite is done in a few milliseconds; a fixed window mostly misses it)
            self.resolve_window = max(0.001, min(self.resolve_window, f.delay))
            if f.completed:
                return
            raise Violation(f"`migrate resolve {action} {name}` failed:\n{f.done}")
        self.run_ok("migrate", "resolve", action, name)

    resolve_window = 0.3

    def recover(self, tally: Tally | None = None, command: tuple[str, ...] = ("migrate", "deploy")) -> list[str]:
        """Run ``command`` until it succeeds, following what each refusal says; returns the actions."""
        before = self.snapshot()
        clean = {
            r.name for r in before.history
            if not r.finished and not r.rolled_back and r.logs and r.name in self.by_name and self.by_name[r.name].statementwise
        }
        actions: list[str] = []
        for attempt in range(6):
            d = self.run(*command)
            if d.rc == 0:
                return actions
            if "Traceback" in d.err:
                raise Violation(f"`{' '.join(command)}` crashed:\n{d}")
            if "P3009" in d.err:
                names = re.findall(r"`(\d{14}_[^`]+)` migration", d.err) or re.findall(r"`(\d{14}_[^`]+)`", d.err)
                if attempt == 0 and clean & set(names):
                    raise Violation(
                        f"a cleanly failed/interrupted non-transactional migration was not resumed "
                        f"({sorted(clean & set(names))}):\n{d}\n{before.describe()}"
                    )
                if "migrate resolve" not in d.err:
                    raise Violation(f"P3009 does not say what to run:\n{d}")
                if not names:
                    raise Violation(f"P3009 names no migration:\n{d}")
                for name in dict.fromkeys(names):
                    actions.append(f"resolve {self.resolve_failed(name, d.err)}")
                    if tally is not None:
                        tally.notes[actions[-1]] += 1
                continue
            created = self.create_missing_shadow(d)
            if created:
                actions.append(created)
                if tally is not None:
                    tally.notes[created] += 1
                continue
            if command[1] == "dev":
                # migrate dev refuses (it would reset): a user who keeps the data deploys instead
                actions.append("deploy instead of dev")
                if tally is not None:
                    tally.notes[actions[-1]] += 1
                self.recover(tally)
                continue
            raise Violation(f"`{' '.join(command)}` failed during recovery (attempt {attempt + 1}):\n{d}")
        raise Violation(f"no recovery after 6 attempts; actions {actions}; the last answer:\n{d}\n{self.snapshot().describe()}")

    def all_applied(self, context: str) -> State:
        st = self.check(context)
        live = {r.name for r in st.history if r.finished and not r.rolled_back}
        missing = [m.name for m in self.migs if m.name not in live]
        if missing:
            raise Violation(f"{context}: not applied after recovery: {missing}\n{st.describe()}")
        return st


def check_interrupt_message(d: Done, soft: list[str]) -> None:
    """Ctrl-C: exit 130, a clear message on stderr, no traceback. A problem is recorded in ``soft``
    (the test fails at its end) so that the scenario goes on and shows what else happens."""
    problems = []
    if d.rc not in (EXIT_INTERRUPTED, -signal.SIGINT):  # killed by its own SIGINT: the shell shows 130
        problems.append(f"exit code {d.rc}, expected {EXIT_INTERRUPTED}")
    if "Traceback" in d.err:
        problems.append("a traceback on stderr")
    if not re.search(r"interrupt", d.err, re.I):
        last = d.err.strip().splitlines()[-1] if d.err.strip() else ""
        problems.append(f"no message saying it was interrupted (last line: {last!r})")
    if problems:
        soft.append("Ctrl-C: " + "; ".join(problems) + f"\n{d}")


def check_attempt_recorded(d: Done, st: State) -> str | None:
    """After Ctrl-C during a deploy: the migration being applied has a failed row with logs saying
    interrupted (or nothing happened at all). Returns the name of the interrupted migration."""
    announced = re.findall(r"Applying migration `([^`]+)`", d.out)
    if not announced:
        return None
    name = announced[-1]
    rows = [r for r in st.history if r.name == name and not r.rolled_back]
    if any(r.finished for r in rows):
        return None  # interrupted after it finished
    if not rows:
        return None  # interrupted before its row was started: nothing happened
    if not re.search(r"interrupted", rows[0].logs, re.I):
        raise Violation(f"Ctrl-C during `{name}`: its history row has no logs saying interrupted: {rows[0]}\n{d}")
    return name


def _nums(flags: list[bool]) -> list[int]:
    return [i + 1 for i, f in enumerate(flags) if f]


@dataclass(frozen=True)
class HRow:
    name: str
    finished: bool
    rolled_back: bool
    steps: int
    logs: str
    checksum: str


@dataclass
class State:
    tables: set[str]
    indexes: set[str]
    invalid_indexes: set[str]
    audit: Counter[tuple[str, int]]
    userdata: tuple[int, int]
    history: list[HRow]
    counts: dict[str, int]

    def has(self, e: Effect) -> bool:
        if e.kind == "table":
            return e.name in self.tables
        if e.kind == "index":
            return e.name in self.indexes and e.name not in self.invalid_indexes
        return self.audit[(e.name, e.k)] > 0

    @classmethod
    def read(cls, c: Any, provider: str) -> State:
        from schemashift.migrations.history import list_tables

        tables = set(list_tables(c))
        indexes: set[str] = set()
        invalid: set[str] = set()
        if provider == "postgresql":
            for name, valid in c.query(
                "SELECT i.relname, x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = current_schema()"
            ):
                indexes.add(str(name))
                if not valid:
                    invalid.add(str(name))
        audit: Counter[tuple[str, int]] = Counter()
        if "audit" in tables:
            for mig, k, n in c.query(f"SELECT mig, stmt, count(*) FROM {q(provider, 'audit')} GROUP BY mig, stmt"):
                audit[(str(mig), int(k))] = int(n)
        userdata = (0, 0)
        if "userdata" in tables:
            n, s = c.query(f"SELECT count(*), coalesce(sum(id), 0) FROM {q(provider, 'userdata')}")[0]
            userdata = (int(n), int(s))
        history: list[HRow] = []
        if "_prisma_migrations" in tables:
            for name, fin, rb, steps, logs, cs in c.query(
                "SELECT migration_name, finished_at, rolled_back_at, applied_steps_count, logs, checksum"
                " FROM _prisma_migrations ORDER BY started_at, migration_name"
            ):
                history.append(HRow(str(name), fin is not None, rb is not None, int(steps), str(logs or ""), str(cs)))
        counts = {t: int(c.query(f"SELECT count(*) FROM {q(provider, t)}")[0][0]) for t in sorted(tables)}
        return cls(tables, indexes, invalid, audit, userdata, history, counts)

    def describe(self) -> str:
        rows = "\n".join(
            f"    {r.name} finished={r.finished} rolled_back={r.rolled_back} steps={r.steps} logs={r.logs[:120]!r}"
            for r in self.history
        )
        return (
            f"  tables: {sorted(self.tables)}\n  audit: {sorted(self.audit.items())}\n"
            f"  invalid indexes: {sorted(self.invalid_indexes)}\n  history:\n{rows}"
        )
