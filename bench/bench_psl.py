"""PSL benchmarks: validate and format a 1,000-model schema, in-process and as whole processes.

Inputs: ``gen-schema.mjs postgresql 1000 10`` (Prisma 7 style, no ``url``) and its ``--prisma6``
variant (with ``url = env("DATABASE_URL")``, which Prisma 6 requires and Prisma 7 rejects).
References: ``prisma6`` (Prisma 6.19 engines, engine-level output) and ``prisma7`` (the real
Prisma 7.10.1 CLI). Reference times are whole processes, Node start-up included.
"""

from __future__ import annotations

import shutil

from harness import Benchmark, Context, Unavailable

MODELS = 1000
FIELDS = 10
BENCH_ENV = {"DATABASE_URL": "postgresql://bench@localhost:5432/bench", "NO_COLOR": "1"}


def _files(ctx: Context, prisma6: bool) -> list[tuple[str, str]]:
    path = ctx.schema("postgresql", MODELS, FIELDS, prisma6=prisma6)
    return [("schema.prisma", path.read_text(encoding="utf-8"))]


def _validate_in_process(prisma6: bool):  # type: ignore[no-untyped-def]
    def ours(ctx: Context) -> float:
        from schemashift.psl import validate_files

        files = _files(ctx, prisma6)
        return ctx.time_call(lambda: validate_files(files))

    def notes(ctx: Context) -> list[str]:
        from schemashift.psl import validate_files

        diags = validate_files(_files(ctx, prisma6))
        errors = [d for d in diags if d.is_error]
        if not errors:
            return ["schema valid, as Prisma says"]
        return [f"{len(errors)} error(s), first: {errors[0].message.splitlines()[0][:100]}"]

    return ours, notes


def _format_in_process(prisma6: bool):  # type: ignore[no-untyped-def]
    def ours(ctx: Context) -> float:
        from schemashift.psl import format_files

        files = _files(ctx, prisma6)
        return ctx.time_call(lambda: format_files(files))

    def notes(ctx: Context) -> list[str]:
        """Compare with prisma6's output (the --prisma6 file: prisma6 needs the url line)."""
        from schemashift.psl import format_files

        try:
            argv = ctx.oracle("prisma6")
        except Unavailable as exc:
            return [f"output not compared: {exc}"]
        path = ctx.schema("postgresql", MODELS, FIELDS, prisma6=True)
        proc = ctx.output([*argv, "format", str(path)])
        if proc.returncode != 0:
            return [f"output not compared: prisma6 format exited {proc.returncode}"]
        ours_text = format_files([("schema.prisma", path.read_text(encoding="utf-8"))])[0][1]
        return ["output identical to prisma6 format" if proc.stdout == ours_text else "output DIFFERS from prisma6 format"]

    return ours, (notes if prisma6 else None)


def _prisma6(command: str):  # type: ignore[no-untyped-def]
    def reference(ctx: Context) -> float:
        path = ctx.schema("postgresql", MODELS, FIELDS, prisma6=True)
        extra = ["--no-color"] if command == "validate" else []
        return ctx.time_process([*ctx.oracle("prisma6"), command, *extra, str(path)])

    return reference


def _prisma7_validate(ctx: Context) -> float:
    path = ctx.schema("postgresql", MODELS, FIELDS)
    return ctx.time_process([*ctx.oracle("prisma7"), "validate", str(path)])


def _prisma7_format(ctx: Context) -> float:
    copy = ctx.workdir / "prisma7-format.prisma"
    shutil.copyfile(ctx.schema("postgresql", MODELS, FIELDS), copy)
    return ctx.time_process([*ctx.oracle("prisma7"), "format", str(copy)])


def _cli_validate(ctx: Context) -> float:
    path = ctx.schema("postgresql", MODELS, FIELDS, prisma6=True)
    return ctx.time_process([*ctx.schemashift(), "validate", "--schema", str(path)], env=BENCH_ENV, ok_codes=(0, 1))


def _cli_validate_notes(ctx: Context) -> list[str]:
    path = ctx.schema("postgresql", MODELS, FIELDS, prisma6=True)
    proc = ctx.output([*ctx.schemashift(), "validate", "--schema", str(path)], env=BENCH_ENV)
    verdict = "valid" if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1][:100]}"
    return [f"ours on the --prisma6 file ({verdict}); prisma7 on the same schema without its url line"]


def _cli_startup(ctx: Context) -> float:
    return ctx.time_process([*ctx.schemashift(), "--version"])


def _prisma7_startup(ctx: Context) -> float:
    return ctx.time_process([*ctx.oracle("prisma7"), "version"])


_v7, _v7_notes = _validate_in_process(prisma6=False)
_v6, _v6_notes = _validate_in_process(prisma6=True)
_f7, _f7_notes = _format_in_process(prisma6=False)
_f6, _f6_notes = _format_in_process(prisma6=True)

BENCHMARKS = [
    Benchmark("psl validate 1000 models (in-process)", _v7, _prisma7_validate, "prisma7 validate", _v7_notes, max_ratio=1.0),
    Benchmark("psl validate 1000 models --prisma6 (in-process)", _v6, _prisma6("validate"), "prisma6 validate", _v6_notes, max_ratio=1.0),
    Benchmark("psl format 1000 models (in-process)", _f7, _prisma7_format, "prisma7 format", _f7_notes, max_ratio=1.0),
    Benchmark("psl format 1000 models --prisma6 (in-process)", _f6, _prisma6("format"), "prisma6 format", _f6_notes, max_ratio=1.0),
    Benchmark("cli validate 1000 models (whole process)", _cli_validate, _prisma7_validate, "prisma7 validate", _cli_validate_notes, max_ratio=1.0),
    Benchmark("cli startup: schemashift --version", _cli_startup, _prisma7_startup, "prisma7 version", max_seconds=0.25),
]
