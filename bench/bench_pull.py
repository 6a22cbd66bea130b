"""`db pull` benchmarks: introspect a 1,000-table database into a Prisma schema.

The database is bench_describe's (ten mixed columns, a primary key, a unique and a normal index
and a foreign key to the previous table per table; created once per process, dropped at exit).
Ours: ``schemashift.introspect.pull()`` in-process (describe + extra catalog facts + relation
naming + rendering + formatting; the connection opened outside the timing), and the whole CLI
process (``schemashift db pull --print``). Reference: ``prisma7 pull`` (PostgreSQL, SQLite).

Standalone: ``python bench/bench_pull.py [--provider postgresql|mysql|sqlite] [--tables N]``
prints the times of each phase.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_describe import TABLES, database_url  # noqa: E402
from harness import Benchmark, Context  # noqa: E402

_state: dict[str, object] = {}


def _header(provider: str, with_url: bool) -> str:
    url = '\n  url      = env("DATABASE_URL")' if with_url else ""
    return f'datasource db {{\n  provider = "{provider}"{url}\n}}\n'


def pull_once(url: str, provider: str) -> tuple[float, dict[str, float], int]:
    """(seconds, phase times, models) of one in-process pull on a fresh connection."""
    from schemashift.connectors import connect
    from schemashift.connectors.describe import describe
    from schemashift.introspect import introspect, read_extras

    files = [("schema.prisma", _header(provider, True))]
    with connect(url) as conn:
        t0 = time.perf_counter()
        schema = describe(conn)
        t1 = time.perf_counter()
        extras = read_extras(conn)
        t2 = time.perf_counter()
        result = introspect(schema, provider, files, extras=extras)
        t3 = time.perf_counter()
    phases = {"describe": t1 - t0, "extras": t2 - t1, "render+format": t3 - t2}
    return t3 - t0, phases, result.models


def _ours(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> float:
        url = database_url(provider)
        pull_once(url, provider)  # warm-up
        samples = [pull_once(url, provider) for _ in range(ctx.repeat)]
        samples.sort(key=lambda s: s[0])
        median = samples[len(samples) // 2]
        _state[f"{provider}:phases"] = median[1]
        _state[f"{provider}:models"] = median[2]
        return median[0]

    return run


def _cli(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> float:
        schema = ctx.workdir / f"pull_cli_{provider}.prisma"
        schema.write_text(_header(provider, True), encoding="utf-8")
        exe = str(Path(sys.executable).with_name("schemashift"))
        return ctx.time_process(
            [exe, "db", "pull", "--print", "--schema", str(schema)], env={"DATABASE_URL": database_url(provider)}
        )

    return run


def _reference(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> float:
        argv = ctx.oracle("prisma7")
        schema = ctx.workdir / f"pull_ref_{provider}.prisma"
        schema.write_text(_header(provider, False), encoding="utf-8")
        return ctx.time_process([*argv, "pull", str(schema)], env={"DATABASE_URL": database_url(provider)})

    return run


def _notes(provider: str):  # type: ignore[no-untyped-def]
    def run(ctx: Context) -> list[str]:
        phases = _state.get(f"{provider}:phases") or {}
        spelled = ", ".join(f"{k} {v:.3f} s" for k, v in phases.items())  # type: ignore[union-attr]
        return [f"{_state.get(f'{provider}:models')} models; {spelled}"]

    return run


BENCHMARKS = [
    Benchmark(
        name=f"db pull {provider} {TABLES} tables (in-process)",
        ours=_ours(provider),
        reference=_reference(provider) if provider != "mysql" else None,
        reference_name="prisma7 pull" if provider != "mysql" else "",
        notes=_notes(provider),
        max_seconds=3.0,
    )
    for provider in ("postgresql", "sqlite", "mysql")
] + [
    Benchmark(
        name=f"db pull --print {provider} {TABLES} tables (whole CLI process)",
        ours=_cli(provider),
        reference=_reference(provider),
        reference_name="prisma7 pull",
        max_ratio=1.0,
    )
    for provider in ("postgresql", "sqlite")
]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--provider", choices=["postgresql", "mysql", "sqlite"], default="postgresql")
    parser.add_argument("--tables", type=int, default=TABLES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    url = database_url(args.provider, args.tables)
    print(f"created {args.tables} {args.provider} tables in {time.perf_counter() - start:.1f} s")
    runs = [pull_once(url, args.provider) for _ in range(args.repeat + 1)][1:]
    runs.sort(key=lambda r: r[0])
    total, phases, models = runs[len(runs) // 2]
    spelled = ", ".join(f"{k} {v:.3f} s" for k, v in phases.items())
    print(f"pull: median {total:.3f} s ({spelled}), {models} models")
    if os.environ.get("BENCH_PULL_ORACLE"):
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            schema = Path(tmp) / "schema.prisma"
            schema.write_text(_header(args.provider, False))
            t = time.perf_counter()
            subprocess.run(
                [os.environ.get("BENCH_PULL_ORACLE", ""), "pull", str(schema)],
                env={**os.environ, "DATABASE_URL": url}, capture_output=True, check=True,
            )
            print(f"prisma7 pull: {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
