"""Run the benchmarks: ``python bench/run.py [--only TEXT] [--repeat N] [--process-repeat N]``.

Prints a table (name, schemashift time, reference time, ratio, goal, met) and writes the results as
JSON to ``bench/results/<UTC time>.json`` and ``bench/results/latest.json``. Benchmarks are found
in ``bench/bench_*.py`` (``BENCHMARKS`` lists). The exit status is 0 even when a goal is missed:
benchmarks measure, tests judge.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from harness import REPO, Benchmark, Context, Measurement, Unavailable  # noqa: E402


def discover() -> list[Benchmark]:
    found: list[Benchmark] = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        found.extend(importlib.import_module(path.stem).BENCHMARKS)
    return found


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def measure(bench: Benchmark, ctx: Context) -> Measurement:
    m = Measurement()
    try:
        m.ours = bench.ours(ctx)
    except Exception as exc:  # noqa: BLE001 - one failing benchmark must not stop the others
        m.notes.append(f"schemashift failed: {_short(exc)}")
    if bench.reference is not None:
        try:
            m.reference = bench.reference(ctx)
        except Unavailable as exc:
            m.notes.append(f"no reference: {exc}")
        except Exception as exc:  # noqa: BLE001
            m.notes.append(f"reference failed: {_short(exc)}")
    if bench.notes is not None and m.ours is not None:
        try:
            m.notes.extend(bench.notes(ctx))
        except Exception as exc:  # noqa: BLE001
            m.notes.append(f"check failed: {_short(exc)}")
    return m


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"


def table(rows: list[tuple[Benchmark, Measurement]]) -> str:
    header = ("benchmark", "schemashift", "reference", "ratio", "goal", "met")
    lines = [header]
    for bench, m in rows:
        met = bench.met(m)
        lines.append(
            (
                bench.name,
                _seconds(m.ours),
                _seconds(m.reference) + (f" ({bench.reference_name})" if m.reference is not None else ""),
                "-" if m.ratio is None else f"{m.ratio:.2f}x",
                bench.goal,
                {True: "yes", False: "NO", None: "-"}[met],
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in lines]
    out.insert(1, "-+-".join("-" * w for w in widths))
    notes = [f"  [{i}] {note}" for i, (b, m) in enumerate(rows, 1) for note in m.notes]
    if notes:
        out += ["", "notes ([n] = row):", *notes]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="run benchmarks whose name contains TEXT")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of in-process benchmarks (median)")
    parser.add_argument("--process-repeat", type=int, default=3, help="timed runs of whole processes (median)")
    args = parser.parse_args(argv)
    # SIGTERM ends the run like Ctrl-C does: `finally` blocks and atexit handlers drop the
    # benchmark databases (bench_*) instead of leaving them on the server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    benches = [b for b in discover() if not args.only or any(t in b.name for t in args.only)]
    if not benches:
        print("no benchmark matches", file=sys.stderr)
        return 2
    started = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    rows: list[tuple[Benchmark, Measurement]] = []
    with tempfile.TemporaryDirectory(prefix="schemashift-bench-") as tmp:
        ctx = Context(Path(tmp), repeat=args.repeat, process_repeat=args.process_repeat)
        for bench in benches:
            print(f"running: {bench.name} ...", file=sys.stderr, flush=True)
            rows.append((bench, measure(bench, ctx)))
    print(table(rows))
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"\nwarning: load average {load:.1f} on {os.cpu_count()} CPUs while measuring; times are inflated")

    results = {
        "started": started,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "repeat": args.repeat,
        "process_repeat": args.process_repeat,
        "benchmarks": [
            {
                "name": b.name,
                "schemashift_s": m.ours,
                "reference_s": m.reference,
                "reference": b.reference_name or None,
                "ratio": m.ratio,
                "goal": b.goal,
                "met": b.met(m),
                "notes": m.notes,
            }
            for b, m in rows
        ],
    }
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2) + "\n"
    (out_dir / f"{started}.json").write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    print(f"\nresults: {(out_dir / f'{started}.json').relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
