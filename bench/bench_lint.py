"""migrate lint benchmark: 1,000 PostgreSQL migration files, whole process, against squawk.

Input: a migrations folder of 1,000 ``<n>_<name>/migration.sql`` folders, cycling through the
hand-written corpus of ``tests/safety/corpus/postgresql`` (287 files: squawk-rule cases and
Prisma-generated style migrations). Ours: ``schemashift migrate lint --migrations DIR --format
json`` (exit 1 is expected: the corpus holds error-level findings). Reference: ``squawk
--reporter json`` on the same 1,000 files (the ``squawk-cli`` wheel of the ``test`` extra).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
from pathlib import Path

from harness import REPO, Benchmark, Context, Unavailable

FILES = 1000
CORPUS = REPO / "tests" / "safety" / "corpus" / "postgresql"


def _folder(ctx: Context) -> Path:
    root = ctx.workdir / "lint1000" / "migrations"
    if not root.exists():
        sources = sorted(CORPUS.glob("*.sql"))
        root.mkdir(parents=True)
        (root / "migration_lock.toml").write_text('provider = "postgresql"')
        for i in range(FILES):
            src = sources[i % len(sources)]
            d = root / f"{20250101000000 + i}_{src.stem[4:]}"
            d.mkdir()
            shutil.copyfile(src, d / "migration.sql")
    return root


def _squawk() -> str:
    here = Path(sys.executable).with_name("squawk")
    found = str(here) if here.is_file() else shutil.which("squawk")
    if not found:
        raise Unavailable("squawk not installed (pip install squawk-cli)")
    return found


def _files(ctx: Context) -> list[str]:
    return sorted(str(p) for p in _folder(ctx).glob("*/migration.sql"))


def ours(ctx: Context) -> float:
    argv = [*ctx.schemashift(), "migrate", "lint", "--migrations", str(_folder(ctx)), "--format", "json"]
    return ctx.time_process(argv, ok_codes=(0, 1))


def squawk(ctx: Context) -> float:
    return ctx.time_process([_squawk(), "--reporter", "json", *_files(ctx)], ok_codes=(0, 1, 2))


def _cpu(ctx: Context, argv: list[str]) -> tuple[float, str]:
    """CPU seconds (user + system) of one run: wall time is unreliable on a loaded machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = ctx.output(argv)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out.stdout


def notes(ctx: Context) -> list[str]:
    cpu, stdout = _cpu(ctx, [*ctx.schemashift(), "migrate", "lint", "--migrations", str(_folder(ctx)), "--format", "json"])
    mine = json.loads(stdout)
    n = [f"ours: {len(mine['findings'])} findings in {mine['files']} files (default levels), {cpu:.2f} s CPU"]
    try:
        cpu, stdout = _cpu(ctx, [_squawk(), "--reporter", "json", *_files(ctx)])
        n.append(f"squawk: {len(json.loads(stdout or '[]'))} findings (its defaults, no transaction assumed), {cpu:.2f} s CPU")
    except Unavailable:
        pass
    return n


BENCHMARKS = [
    Benchmark("migrate lint, 1,000 PostgreSQL migrations (process)", ours, squawk, "squawk", notes=notes, max_seconds=2.0),
]
