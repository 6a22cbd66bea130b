"""Schema engine benchmarks (issue 3): ``migrate diff`` on 1,000 models x 10 fields.

- from the empty database: ``schemashift migrate diff --from-empty --to-schema-datamodel S
  --script``, whole process, against ``prisma6 diff --from-empty --to S`` and ``prisma7 sql S``
  (goal: at most half their time);
- schema to schema: ``--from-schema-datamodel A --to-schema-datamodel B`` where ``B`` is the
  generator's variant 1 (an ``extra String?`` column on every 10th model), against
  ``prisma6 diff --from A --to B`` and ``prisma7 diff A B``;
- the same two diffs in-process (``schemashift.migrations.engine.diff_schemas``), for reference.

Inputs: ``gen-schema.mjs postgresql 1000 10 [1]``; ``--prisma6`` files (with the ``url`` line)
for schemashift and prisma6, the same schemas without it for prisma7, which rejects ``url``.
Notes say whether the scripts are byte-identical: with prisma6's exactly; with prisma7's after
its two extra trailing newlines and, from the empty database, its ``CREATE SCHEMA "public"``
step (Prisma 7 counts the default schema as a namespace).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from harness import ORACLE, Benchmark, Context, Unavailable

MODELS = 1000
FIELDS = 10
BENCH_ENV = {"DATABASE_URL": "postgresql://bench@localhost:5432/bench", "NO_COLOR": "1"}
PRISMA7_SCHEMA_STEP = '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n'


def _variant(ctx: Context, prisma6: bool) -> Path:
    """The variant-1 schema (every 10th model gains ``extra String?``), next to the base one."""
    base = ctx.schema("postgresql", MODELS, FIELDS, prisma6=prisma6)
    path = base.with_name(base.stem + "_v1.prisma")
    if not path.exists():
        script = ORACLE / "gen-schema.mjs"
        if shutil.which("node") and script.is_file():
            args = ["node", str(script), *(["--prisma6"] if prisma6 else []), "postgresql", str(MODELS), str(FIELDS), "1"]
            text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        else:  # the generator's rule, applied to the Python twin's output
            text = re.sub(
                r"(model Model(\d{4}) \{\n(?:.*\n)*?)(  @@index\(\[field1\]\)\n\})",
                lambda m: m.group(1) + ("  extra     String?\n" if int(m.group(2)) % 10 == 0 else "") + m.group(3),
                base.read_text(encoding="utf-8"),
            )
        path.write_text(text, encoding="utf-8")
    return path


def _pair(ctx: Context, prisma6: bool) -> tuple[Path, Path]:
    return ctx.schema("postgresql", MODELS, FIELDS, prisma6=prisma6), _variant(ctx, prisma6)


# ---------------------------------------------------------------- argv


def _ours_argv(ctx: Context, variant: bool) -> list[str]:
    a, b = _pair(ctx, prisma6=True)
    source = ["--from-schema-datamodel", str(a)] if variant else ["--from-empty"]
    return [*ctx.schemashift(), "migrate", "diff", *source, "--to-schema-datamodel", str(b if variant else a), "--script"]


def _prisma6_argv(ctx: Context, variant: bool) -> list[str]:
    a, b = _pair(ctx, prisma6=True)
    source = ["--from", str(a)] if variant else ["--from-empty"]
    return [*ctx.oracle("prisma6"), "diff", *source, "--to", str(b if variant else a)]


def _prisma7_argv(ctx: Context, variant: bool) -> list[str]:
    a, b = _pair(ctx, prisma6=False)
    return [*ctx.oracle("prisma7"), "diff", str(a), str(b)] if variant else [*ctx.oracle("prisma7"), "sql", str(a)]


# ---------------------------------------------------------------- timings


def _cli(variant: bool):  # type: ignore[no-untyped-def]
    def ours(ctx: Context) -> float:
        """Timed once per run, shared by the prisma6 and prisma7 rows."""
        cache: dict[bool, float] = ctx.__dict__.setdefault("_engine_cli_times", {})
        if variant not in cache:
            cache[variant] = ctx.time_process(_ours_argv(ctx, variant), env=BENCH_ENV)
        return cache[variant]

    return ours


def _reference(tool: str, variant: bool):  # type: ignore[no-untyped-def]
    def reference(ctx: Context) -> float:
        argv = _prisma6_argv(ctx, variant) if tool == "prisma6" else _prisma7_argv(ctx, variant)
        return ctx.time_process(argv, env=BENCH_ENV)

    return reference


def _in_process(variant: bool):  # type: ignore[no-untyped-def]
    def ours(ctx: Context) -> float:
        from schemashift.migrations.engine import diff_schemas

        a, b = (p.read_text(encoding="utf-8") for p in _pair(ctx, prisma6=True))
        return ctx.time_call(lambda: diff_schemas(a, b) if variant else diff_schemas(None, a))

    return ours


# ---------------------------------------------------------------- notes: same output?


def _compare(tool: str, variant: bool):  # type: ignore[no-untyped-def]
    def notes(ctx: Context) -> list[str]:
        ours = ctx.output(_ours_argv(ctx, variant), env=BENCH_ENV)
        if ours.returncode != 0:
            return [f"schemashift exited {ours.returncode}: {ours.stderr.strip().splitlines()[-1:]}"]
        try:
            argv = _prisma6_argv(ctx, variant) if tool == "prisma6" else _prisma7_argv(ctx, variant)
        except Unavailable as exc:
            return [f"output not compared: {exc}"]
        ref = ctx.output(argv, env=BENCH_ENV)
        if ref.returncode != 0:
            return [f"output not compared: {tool} exited {ref.returncode}"]
        theirs, how = ref.stdout, "byte-identical"
        if tool == "prisma7":
            theirs = theirs.rstrip("\n") + "\n"
            how = "identical after prisma7's two extra trailing newlines"
            if not variant and theirs.startswith(PRISMA7_SCHEMA_STEP):
                theirs = theirs[len(PRISMA7_SCHEMA_STEP):]
                how += " and its CREATE SCHEMA \"public\" step (Prisma 7 only)"
        size = f"{len(ours.stdout.encode()):,} bytes"
        if ours.stdout == theirs:
            return [f"script {how} to {tool}'s ({size})"]
        line = next(
            (i for i, (x, y) in enumerate(zip(ours.stdout.splitlines(), theirs.splitlines()), 1) if x != y),
            min(ours.stdout.count("\n"), theirs.count("\n")) + 1,
        )
        return [f"script DIFFERS from {tool}'s (first difference at line {line}; ours {size})"]

    return notes


def _in_process_notes(variant: bool):  # type: ignore[no-untyped-def]
    def notes(ctx: Context) -> list[str]:
        from schemashift.migrations.engine import diff_schemas

        a, b = (p.read_text(encoding="utf-8") for p in _pair(ctx, prisma6=True))
        script = diff_schemas(a, b) if variant else diff_schemas(None, a)
        cli = ctx.output(_ours_argv(ctx, variant), env=BENCH_ENV).stdout
        same = "the same script as the CLI" if script == cli else "a script that DIFFERS from the CLI's"
        return [f"in-process diff_schemas gives {same}; reference is prisma6 as a whole process"]

    return notes


_WHAT = {False: "diff --from-empty 1000 models", True: "diff 1000 models -> variant 1"}

BENCHMARKS = [
    Benchmark(
        f"engine {_WHAT[v]} (whole process)", _cli(v), _reference(tool, v), f"prisma{tool[-1]} {'diff' if v or tool == 'prisma6' else 'sql'}",
        _compare(tool, v), max_ratio=0.5,
    )
    for v in (False, True)
    for tool in ("prisma6", "prisma7")
] + [
    Benchmark(f"engine {_WHAT[v]} (in-process)", _in_process(v), _reference("prisma6", v), "prisma6 diff (process)", _in_process_notes(v))
    for v in (False, True)
]
