"""Online mode: the longest writer stall while a schema change runs on a big table under a write load.

For each pattern (index, unique, foreign key, NOT NULL, required field with backfill, rename, type
change) the same change is made twice on the same populated table, while several writer
*processes* (each its own connection over loopback) update random rows and insert new ones:

* **one-shot**: Prisma's SQL (``dialect.render_script`` of the differ's steps), applied as
  ``migrate deploy`` applies a migration;
* **online**: what ``migrate dev --online`` writes (:func:`schemashift.online.phases.plan_with_phases`
  of the same change: expand/backfill/contract for PostgreSQL's renames and type changes), applied
  by ``migrate deploy --contract`` (``apply_migrations``: ``CONCURRENTLY`` alone,
  ``transaction off`` scripts statement by statement, ``-- schemashift:backfill`` in batches).

The figure is the **stall**: the longest single write (an ``UPDATE`` by key or an ``INSERT``)
overlapping the change, beside the longest one in the second just before it (the noise of a
loaded machine), and the 99th percentile of the writes during the change. Between runs the table goes back to the base schema (untimed).

Patterns are data (:data:`PATTERNS`): the base ``User`` model's fields overridden before and after,
and renames; both plans come from the library, so a pattern the planner learns (expand/contract
for renames and type changes) is measured by this bench with no change here. A pattern with
``via`` (an intermediate schema) and ``backfill`` is an expand / backfill / contract written as
three steps: the one-shot form is the three in one migration, the online form the planner's
output for each step and a ``-- schemashift:backfill`` UPDATE between them.

Run alone (``--rows``, ``--db postgresql|mysql|both``, ``--patterns``, ``--writers``, ``--json``)::

    PYTHONPATH=src python bench/bench_online.py --rows 10000000 --db both --json out.json

or through ``bench/run.py --only online`` (PostgreSQL, ``SCHEMASHIFT_BENCH_ONLINE_ROWS`` rows,
default 200,000; goal: online stall <= 100 ms). Servers: ``SCHEMASHIFT_TEST_POSTGRES_URL``,
``SCHEMASHIFT_TEST_MYSQL_URL`` (the admin URLs the tests use).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness import Benchmark, Context, server_database

ADMIN = {
    "postgresql": os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("SCHEMASHIFT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
}
GOAL_SECONDS = 0.1
WRITERS = 4
#: a write slower than this is kept (with its start) for the window computations (all: the
#: percentile needs every write of the window; a few hundred thousand pairs at most)
KEEP_LATENCY = 0.0
#: writers give up after this many seconds whatever happens (the bound on the load)
WRITER_CAP_SECONDS = 3600.0
TEAMS = 100

# ---------------------------------------------------------------- the patterns

#: the base model: field -> its type and attributes (None in an override: the field is absent)
BASE_USER: dict[str, str | None] = {
    "id": "Int @id",
    "email": "String?",
    "name": "String?",
    "n": "Int",
    "score": "Int",
    "note": "String?",
    "teamId": "Int?",
}


@dataclass(frozen=True)
class Pattern:
    name: str
    #: field overrides of ``User`` after the change (before it: :data:`BASE_USER`)
    after: dict[str, str | None]
    #: extra lines of ``Team`` after the change (relation fields)
    team_after: str = ""
    #: ``--rename`` values (``User.old:new``)
    renames: tuple[str, ...] = ()
    #: expand / backfill / contract by hand: the intermediate fields and the UPDATE between
    via: dict[str, str | None] | None = None
    backfill: str | None = None  # ``{User}``, ``{plan}``: quoted names, filled per dialect
    #: writers only update (a required column the writers do not fill would refuse their inserts)
    updates_only: bool = False


PATTERNS: list[Pattern] = [
    Pattern("index", {"@@index": "([name])"}),
    Pattern("unique", {"@@unique": "([email])"}),
    Pattern(
        "foreign key",
        {"team": "Team? @relation(fields: [teamId], references: [id])"},
        team_after="  users User[]",
    ),
    Pattern("not null", {"name": "String"}),
    Pattern(
        "required field with backfill",
        {"plan": "String"},
        via={"plan": "String?"},
        backfill="UPDATE {User} SET {plan} = 'free' WHERE {plan} IS NULL",
        updates_only=True,
    ),
    Pattern("rename", {"note": None, "memo": "String?"}, renames=("User.note:memo",)),
    Pattern("type change", {"score": "BigInt"}),
]


def schema_text(provider: str, fields: dict[str, str | None], team_extra: str = "") -> str:
    lines = []
    for name, spec in fields.items():
        if spec is None:
            continue
        lines.append(f"  {name}{spec}" if name.startswith("@@") else f"  {name} {spec}")
    user = "\n".join(lines)
    return (
        f'datasource db {{\n  provider = "{provider}"\n  url = env("DATABASE_URL")\n}}\n\n'
        f"model User {{\n{user}\n}}\n\nmodel Team {{\n  id Int @id\n{team_extra}\n}}\n"
    )


def fields_of(overrides: dict[str, str | None]) -> dict[str, str | None]:
    return {**BASE_USER, **overrides}


# ---------------------------------------------------------------- the database


@dataclass
class Bench:
    provider: str  # "postgresql" or "mysql" (MariaDB)
    rows: int
    url: str = ""
    name: str = ""
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ssbench_online_")))
    runs: int = 0

    # -------------------------------------------------------- setup
    def create(self) -> None:
        from schemashift.connectors import connect

        self.url, self.name = server_database(ADMIN[self.provider], "ssbench_online")
        with connect(self.url) as conn:
            self.to_schema(conn, schema_text(self.provider, fields_of({})))
            self.populate(conn)

    def drop(self) -> None:
        import shutil

        from schemashift.connectors import connect

        shutil.rmtree(self.workdir, ignore_errors=True)
        if not self.name:
            return
        with connect(ADMIN[self.provider]) as conn:
            q = conn.dialect.quote(self.name)
            force = " WITH (FORCE)" if self.provider == "postgresql" else ""
            conn.execute(f"DROP DATABASE IF EXISTS {q}{force}")
        self.name = ""

    def populate(self, conn: Any) -> None:
        q = conn.dialect.quote
        n = int(self.rows)
        user, team = q("User"), q("Team")
        cols = ", ".join(q(c) for c in ("id", "email", "name", "n", "score", "note", "teamId"))
        if self.provider == "postgresql":
            conn.execute(f"INSERT INTO {team} SELECT g FROM generate_series(1, {TEAMS}) g")
            conn.execute(
                f"INSERT INTO {user} ({cols}) SELECT g, 'u' || g, md5(g::text), 0, g % 1000, NULL, g % {TEAMS} + 1"
                f" FROM generate_series(1, {n}) g"
            )
            conn.execute(f"VACUUM ANALYZE {user}")
        else:
            conn.execute(f"INSERT INTO {team} SELECT seq FROM seq_1_to_{TEAMS}")
            step = 1_000_000
            for lo in range(1, n + 1, step):
                hi = min(n, lo + step - 1)
                conn.execute(
                    f"INSERT INTO {user} ({cols}) SELECT seq, CONCAT('u', seq), MD5(seq), 0, seq % 1000, NULL,"
                    f" seq % {TEAMS} + 1 FROM seq_{lo}_to_{hi}"
                )
            conn.execute(f"ANALYZE TABLE {user}")

    # -------------------------------------------------------- schema changes
    def steps(self, conn: Any, before: str, after: str, renames: Sequence[str] = ()) -> list[Any]:
        from schemashift.lower import lower_source
        from schemashift.migrations import engine

        parsed = engine.parse_renames(list(renames))
        return engine.diff(lower_source(before, self.provider), lower_source(after, self.provider), conn.dialect, parsed)

    def to_schema(self, conn: Any, target: str) -> None:
        """Untimed: make the live database match ``target`` with Prisma's SQL."""
        from schemashift.lower import lower_source
        from schemashift.migrations import engine

        steps = engine.diff(engine.describe(conn), lower_source(target, self.provider), conn.dialect)
        if steps:
            engine.apply_script(conn, conn.dialect.render_script(steps))

    def one_shot(self, conn: Any, p: Pattern) -> list[str]:
        """Prisma's SQL: one migration (a by-hand expand/backfill/contract in one migration)."""
        schemas = self._schemas(p)
        parts: list[str] = []
        for i, (a, b) in enumerate(zip(schemas, schemas[1:])):
            parts.append(conn.dialect.render_script(self.steps(conn, a, b, p.renames)))
            if i == 0 and p.backfill:
                parts.append(self._backfill_sql(conn, p) + ";\n")
        return ["\n".join(parts)]

    def online(self, conn: Any, p: Pattern) -> list[str]:
        """``migrate dev --online``'s scripts (one per migration folder, in order): the planner's
        multi-step plans included (PostgreSQL's renames and type changes through expand/contract,
        their contract applied as ``migrate deploy --contract`` does)."""
        from schemashift.lower import lower_source
        from schemashift.migrations import engine
        from schemashift.online.phases import Change, plan_with_phases
        from schemashift.online.plan import OnlineOptions

        schemas = self._schemas(p)
        scripts: list[str] = []
        renames = engine.parse_renames(list(p.renames))
        for i, (a, b) in enumerate(zip(schemas, schemas[1:])):
            before, target = lower_source(a, self.provider), lower_source(b, self.provider)
            change = Change(before, target, engine.diff(before, target, conn.dialect, renames), renames)
            planned = plan_with_phases(change, conn.dialect, OnlineOptions(), {"User": self.rows, "Team": TEAMS})
            scripts += [s.script for s in planned.scripts]
            if i == 0 and p.backfill:
                scripts.append("-- schemashift:backfill\n" + self._backfill_sql(conn, p) + ";\n")
        return scripts

    def copied(self, conn: Any, p: Pattern) -> list[str]:
        """MySQL: Prisma's SQL with every statement on the table made an online copy by
        pt-online-schema-change (``-- schemashift:online-copy``; a ``CREATE INDEX`` as the
        ``ALTER TABLE ... ADD INDEX`` the tool takes), to compare with the server's online DDL."""
        from schemashift.online import ptosc

        if ptosc.tool() is None:
            raise RuntimeError("pt-online-schema-change is not installed")
        out = []
        for script in self.one_shot(conn, p):
            parts = []
            for stmt in conn.dialect.split_statements(script):
                code = "\n".join(line for line in stmt.splitlines() if not line.strip().startswith("--"))
                index = re.match(r"\s*CREATE (UNIQUE )?INDEX (`[^`]+`) ON (`[^`]+`)\((.*)\)\s*\Z", code, re.S)
                if index:
                    code = f"ALTER TABLE {index.group(3)} ADD {index.group(1) or ''}INDEX {index.group(2)} ({index.group(4)})"
                if re.fullmatch(r"\s*ALTER TABLE `[^`]+` ADD COLUMN [^,]*(,\s*ADD COLUMN [^,]*)*", code, re.S):
                    code += ", ALGORITHM=INSTANT"  # the expand: instant, nothing to copy
                elif code.lstrip().upper().startswith("ALTER TABLE") and "schemashift:backfill" not in stmt:
                    code = f"-- schemashift:online-copy chunk-time=0.1\n{code}"
                elif "schemashift:backfill" in stmt or stmt.lstrip().upper().startswith("UPDATE"):
                    code = f"-- schemashift:backfill\n{code}"
                parts.append(f"{code};\n")
            out.append("\n".join(parts))
        return out

    def _schemas(self, p: Pattern) -> list[str]:
        base = schema_text(self.provider, fields_of({}))
        after = schema_text(self.provider, fields_of(p.after), p.team_after)
        if p.via is None:
            return [base, after]
        return [base, schema_text(self.provider, fields_of(p.via)), after]

    def _backfill_sql(self, conn: Any, p: Pattern) -> str:
        assert p.backfill is not None
        q = conn.dialect.quote
        names = {k: q(k) for k in ("User", "plan")}
        return p.backfill.format(**names)

    def deploy(self, conn: Any, scripts: Sequence[str], label: str) -> list[tuple[str, float, float]]:
        """The scripts as migration folders, applied by ``migrate deploy``'s code one after the
        other; returns (what, start, end) of each."""
        from schemashift.migrations import folder
        from schemashift.migrations.apply import apply_migrations

        directory = self.workdir / f"m{self.runs}"
        self.runs += 1
        phases = []
        for i, script in enumerate(scripts):
            folder.create_migration(directory, f"{label}_{i}", script)
            start = time.monotonic()
            apply_migrations(conn, folder.list_migrations(directory), baseline_check=False, lock=False)
            phases.append((_summary(script), start, time.monotonic()))
        return phases


    def reset(self, conn: Any) -> None:
        """Back to the base schema, and forget the bench's migration history."""
        from schemashift.migrations.history import TABLE

        self.to_schema(conn, schema_text(self.provider, fields_of({})))
        conn.execute(f"DELETE FROM {conn.dialect.quote(TABLE)}")


def _summary(script: str) -> str:
    """The first SQL line of a script, shortened (what a phase of a plan is)."""
    lines = [line.strip() for line in script.splitlines()]
    code = [line for line in lines if line and not line.startswith(("--", "/*", "*", "SET "))]
    backfill = any("schemashift:backfill" in line for line in lines)
    first = code[0] if code else "?"
    return ("backfill: " if backfill else "") + (first[:70] + "..." if len(first) > 70 else first)


# ---------------------------------------------------------------- the writers


def _writer(url: str, rows: int, first_id: int, updates_only: bool, stop: Any, out: Any, seed: int) -> None:
    """One writer process: update a random row, insert a row, in a loop until ``stop``; report the
    writes slower than :data:`KEEP_LATENCY` (start, seconds) and the number of writes."""
    from schemashift.connectors import connect
    from schemashift.connectors.errors import DatabaseError

    rnd = random.Random(seed)
    slow: list[tuple[float, float]] = []
    done = errors = 0
    deadline = time.monotonic() + WRITER_CAP_SECONDS
    next_id = first_id
    with connect(url) as conn:
        q = conn.dialect.quote
        update = f"UPDATE {q('User')} SET {q('n')} = {q('n')} + 1 WHERE {q('id')} = %s"
        cols = ", ".join(q(c) for c in ("id", "email", "name", "n", "score", "teamId"))
        insert = f"INSERT INTO {q('User')} ({cols}) VALUES (%s, %s, %s, 0, 1, NULL)"
        out.put(("ready", 0))
        while not stop.is_set() and time.monotonic() < deadline:
            is_insert = not updates_only and done % 2 == 1
            start = time.monotonic()
            try:
                if is_insert:
                    conn.execute(insert, (next_id, f"w{next_id}", "w"))
                    next_id += 1
                else:
                    conn.execute(update, (rnd.randint(1, rows),))
            except DatabaseError:
                errors += 1
                conn.abort_open_transaction()
            elapsed = time.monotonic() - start
            if elapsed >= KEEP_LATENCY:
                slow.append((start, elapsed))
            done += 1
    out.put(("result", (slow, done, errors)))


@dataclass
class Run:
    pattern: str
    mode: str  # "one-shot", "online" or (MySQL) "pt-osc"
    rows: int
    stall: float | None = None  # the longest write overlapping the change (s)
    baseline: float | None = None  # the longest write in the second before it (s)
    p99: float | None = None  # the 99th percentile of the writes overlapping the change (s)
    #: when the longest write started, in seconds from the change's start (near ``seconds``: the
    #: change's end, e.g. an online ALTER's final exclusive lock)
    stall_at: float | None = None
    seconds: float | None = None  # the change's duration
    writes: int = 0
    write_errors: int = 0
    scripts: int = 0
    rows_kept: bool | None = None
    error: str = ""
    load: str = ""
    #: each script of the plan: (its first SQL line, seconds, the longest write overlapping it)
    phases: list[tuple[str, float, float]] = field(default_factory=list)


def measure(bench: Bench, conn: Any, pattern: Pattern, mode: str, writers: int = WRITERS, scripts: list[str] | None = None) -> Run:
    run = Run(pattern.name, mode, bench.rows)
    try:
        if scripts is None:
            plans = {"online": bench.online, "pt-osc": bench.copied, "one-shot": bench.one_shot}
            scripts = plans[mode](conn, pattern)
    except Exception as exc:  # noqa: BLE001 - a refusal (MySQL) is a result
        run.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return run
    run.scripts = len(scripts)
    ctx = multiprocessing.get_context("fork")
    stop, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_writer,
            args=(bench.url, bench.rows, 2_000_000_000 + i * 10_000_000, pattern.updates_only, stop, out, i),
            daemon=True,
        )
        for i in range(writers)
    ]
    for p in procs:
        p.start()
    results = []
    ready = 0
    while ready < writers:
        kind, _ = out.get(timeout=60)
        ready += kind == "ready"
    time.sleep(0.5)  # warm
    quiet_from = time.monotonic()
    time.sleep(1.0)
    t1 = time.monotonic()
    phases: list[tuple[str, float, float]] = []
    try:
        phases = bench.deploy(conn, scripts, f"{pattern.name.replace(' ', '_')}_{mode.replace('-', '_')}")
    except Exception as exc:  # noqa: BLE001
        run.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    t2 = time.monotonic()
    time.sleep(0.3)
    stop.set()
    while len(results) < writers:
        kind, value = out.get(timeout=120)
        if kind == "result":
            results.append(value)
    for p in procs:
        p.join(10)
    window = max(t2 - t1, 0.001)
    slow = [s for r in results for s in r[0]]
    during = [e for s, e in slow if s < t2 and s + e > t1]
    quiet = [e for s, e in slow if s >= quiet_from and s < quiet_from + min(window, 1.0)]
    run.stall = max(during, default=None)
    run.stall_at = max(((e, s - t1) for s, e in slow if s < t2 and s + e > t1), default=(0.0, None))[1]
    run.p99 = sorted(during)[int(len(during) * 0.99)] if during else None
    run.phases = [
        (what, b - a, max((e for s, e in slow if s < b and s + e > a), default=0.0)) for what, a, b in phases
    ]
    run.baseline = max(quiet, default=None)
    run.seconds = t2 - t1
    run.writes = sum(r[1] for r in results)
    run.write_errors = sum(r[2] for r in results)
    run.load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    q = conn.dialect.quote
    kept = conn.query_one(f"SELECT COUNT(*) FROM {q('User')} WHERE {q('id')} <= %s", (bench.rows,))
    run.rows_kept = kept is not None and int(kept[0]) == bench.rows
    # the writers' rows go, so that every run starts from the same table
    conn.execute(f"DELETE FROM {conn.dialect.quote('User')} WHERE {conn.dialect.quote('id')} > %s", (bench.rows,))
    return run


#: PostgreSQL's machine reference: the same writers while an index is built on a copy of their
#: table (a table they never touch: nothing locks theirs; what they wait for is the build's IO)
REFERENCE = Pattern("reference: index on another table", {})


def measure_reference(bench: Bench, conn: Any, writers: int) -> Run:
    q = conn.dialect.quote
    conn.execute(f"CREATE TABLE {q('Copy')} AS SELECT * FROM {q('User')}")  # untimed
    conn.execute("CHECKPOINT")
    try:
        return measure(bench, conn, REFERENCE, "machine", writers, [f"CREATE INDEX {q('Copy_name_idx')} ON {q('Copy')} ({q('name')});\n"])
    finally:
        conn.execute(f"DROP TABLE {q('Copy')}")


def run_all(
    provider: str, rows: int, patterns: Sequence[Pattern], writers: int, log: Callable[[str], None],
    modes: Sequence[str] = (), reference: bool = False,
) -> list[Run]:
    from schemashift.connectors import connect

    bench = Bench(provider, rows)
    log(f"{provider}: creating {rows:,} rows (load {os.getloadavg()[0]:.1f})")
    start = time.monotonic()
    bench.create()
    log(f"{provider}: ready in {time.monotonic() - start:.0f}s")
    out: list[Run] = []
    try:
        with connect(bench.url) as conn:
            for p in patterns:
                for mode in modes or _modes(provider):
                    r = measure(bench, conn, p, mode, writers)
                    out.append(r)
                    log(_line(provider, r))
                    bench.reset(conn)
            if reference and provider == "postgresql":
                r = measure_reference(bench, conn, writers)
                out.append(r)
                log(_line(provider, r))
                bench.reset(conn)
    finally:
        bench.drop()
    return out


def _modes(provider: str) -> tuple[str, ...]:
    """One-shot and online; on MySQL also every change as a pt-online-schema-change copy."""
    return ("one-shot", "online", "pt-osc") if provider == "mysql" else ("one-shot", "online")


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _line(provider: str, r: Run) -> str:
    if r.error and r.stall is None:
        return f"{provider} {r.pattern:30} {r.mode:8}  not run: {r.error}"
    err = f"  ERROR {r.error}" if r.error else ""
    phases = "".join(f"\n    {what}: {_fmt(secs)}, stall {_fmt(stall)}" for what, secs, stall in r.phases) if len(r.phases) > 1 else ""
    return (
        f"{provider} {r.pattern:30} {r.mode:8}  stall {_fmt(r.stall):>9} at {_fmt(r.stall_at)} (quiet {_fmt(r.baseline)}, p99 {_fmt(r.p99)})  "
        f"change {_fmt(r.seconds):>9}  writes {r.writes} ({r.write_errors} refused)  scripts {r.scripts}  "
        f"load {r.load}{err}{phases}"
    )


# ---------------------------------------------------------------- bench/run.py


_state: dict[str, Any] = {}


def _harness_runs(pattern: Pattern) -> tuple[Run, Run]:
    """Both runs of ``pattern`` on one PostgreSQL table shared by the harness's benchmarks."""
    from schemashift.connectors import connect

    if "bench" not in _state:
        bench = Bench("postgresql", int(os.environ.get("SCHEMASHIFT_BENCH_ONLINE_ROWS", "200000")))
        bench.create()
        import atexit

        atexit.register(bench.drop)
        _state["bench"] = bench
    bench = _state["bench"]
    if pattern.name not in _state:
        with connect(bench.url) as conn:
            one = measure(bench, conn, pattern, "one-shot")
            bench.reset(conn)
            online = measure(bench, conn, pattern, "online")
            bench.reset(conn)
        _state[pattern.name] = (one, online)
    return _state[pattern.name]


def _harness(pattern: Pattern) -> Benchmark:
    def ours(ctx: Context) -> float:
        r = _harness_runs(pattern)[1]
        if r.stall is None or r.error:
            raise RuntimeError(r.error or "no figure")
        return r.stall

    def reference(ctx: Context) -> float:
        r = _harness_runs(pattern)[0]
        if r.stall is None:
            raise RuntimeError(r.error or "no figure")
        return r.stall

    def notes(ctx: Context) -> list[str]:
        one, online = _harness_runs(pattern)
        return [f"{_line('online', online)}", f"{_line('one-shot', one)}"]

    return Benchmark(
        f"online stall postgresql: {pattern.name} (online plan vs Prisma's one-shot SQL)",
        ours,
        reference,
        reference_name="Prisma's one-shot SQL",
        notes=notes,
        max_seconds=GOAL_SECONDS,
    )


BENCHMARKS = [_harness(p) for p in PATTERNS]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--db", choices=["postgresql", "mysql", "both"], default="both")
    parser.add_argument("--patterns", default="", help="comma-separated pattern names (default: all)")
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--json", type=Path, default=None, help="write the runs to this file")
    parser.add_argument(
        "--reference", action="store_true",
        help="PostgreSQL: also the writers' stall while an index is built on a copy of their table (the machine's share)",
    )
    parser.add_argument("--modes", default="", help="comma-separated: one-shot,online,pt-osc (default: all for the database)")
    args = parser.parse_args(argv)
    chosen = [p for p in PATTERNS if not args.patterns or p.name in args.patterns.split(",")]
    providers = ["postgresql", "mysql"] if args.db == "both" else [args.db]
    runs: list[dict[str, Any]] = []
    for provider in providers:
        modes = [m for m in args.modes.split(",") if m]
        for r in run_all(provider, args.rows, chosen, args.writers, lambda s: print(s, flush=True), modes, args.reference):
            runs.append({"provider": provider, **asdict(r)})
            if args.json:
                args.json.write_text(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
