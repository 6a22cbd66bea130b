"""``migrate diff`` on a big schema validates it in a forked child while lowering and diffing it
(schemashift.psl.background). The verdict, the output and the exit code must be exactly those of
the sequential path (``SCHEMASHIFT_NO_FORK=1``), valid or not, and no child may be left behind.

These run the CLI as a real process: under pytest-xdist the worker has threads, and the fork is
(rightly) not taken in a threaded process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemashift.psl.background import MIN_CHARS, worthwhile

EXE = Path(sys.executable).with_name("schemashift")


def _schema(models: int, bad_model: int | None = None, bad_kind: str = "type") -> str:
    parts = ['datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n']
    for i in range(models):
        parent = f"  parentId Int?\n  parent   M{i - 1}? @relation(fields: [parentId], references: [id])\n" if i else ""
        child = f"  children M{i + 1}[]\n" if i + 1 < models else ""
        bad = ""
        if i == bad_model:
            bad = {
                "type": "  broken   Strng\n",  # unknown type: lowering cannot resolve it either
                "relation": "  other    Nowhere @relation(fields: [parentId], references: [id])\n",
                "default": "  counter  Int @default(\"seven\")\n",
            }[bad_kind]
        fields = "".join(f"  f{j} String @default(\"v{j}\")\n" for j in range(8))
        parts.append(
            f"model M{i} {{\n  id Int @id @default(autoincrement())\n{parent}{child}{fields}{bad}"
            f"  @@index([f0])\n}}\n"
        )
    return "\n".join(parts)


def _diff(tmp_path: Path, *args: str, fork: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": "postgresql://u@localhost/db"}
    env.pop("SCHEMASHIFT_NO_FORK", None)
    if not fork:
        env["SCHEMASHIFT_NO_FORK"] = "1"
    return subprocess.run(
        [str(EXE), "migrate", "diff", *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )


def _write(tmp_path: Path, name: str, text: str) -> str:
    assert len(text) >= MIN_CHARS  # big enough for the fork to be taken
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_big_schema_is_big_enough_to_fork() -> None:
    files = [("schema.prisma", _schema(300))]
    assert len(files[0][1]) >= MIN_CHARS
    import threading

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    expected = cpus > 1 and threading.active_count() == 1
    assert worthwhile(files) == (expected and os.environ.get("SCHEMASHIFT_NO_FORK") != "1")
    assert not worthwhile([("schema.prisma", _schema(3))])


@pytest.mark.parametrize("args", [("--script",), (), ("--script", "--exit-code")])
def test_valid_big_schema_same_output_as_sequential(tmp_path: Path, args: tuple[str, ...]) -> None:
    path = _write(tmp_path, "schema.prisma", _schema(300))
    forked = _diff(tmp_path, "--from-empty", "--to-schema-datamodel", path, *args, fork=True)
    plain = _diff(tmp_path, "--from-empty", "--to-schema-datamodel", path, *args, fork=False)
    assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert forked.returncode == (2 if "--exit-code" in args else 0), forked.stderr
    assert forked.stdout.count("CREATE TABLE") == 300 if "--script" in args else "[+] Added tables" in forked.stdout


@pytest.mark.parametrize("kind", ["type", "relation", "default"])
def test_invalid_big_schema_same_error_as_sequential(tmp_path: Path, kind: str) -> None:
    path = _write(tmp_path, "schema.prisma", _schema(300, bad_model=271, bad_kind=kind))
    forked = _diff(tmp_path, "--from-empty", "--to-schema-datamodel", path, "--script", fork=True)
    plain = _diff(tmp_path, "--from-empty", "--to-schema-datamodel", path, "--script", fork=False)
    assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert forked.returncode == 1
    assert forked.stdout == ""  # nothing derived from an invalid schema is printed
    assert "P1012" in forked.stderr and "Traceback" not in forked.stderr
    assert "M271" in forked.stderr or "schema.prisma:" in forked.stderr


def test_two_big_schemas_report_the_invalid_side(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.prisma", _schema(300))
    bad = _write(tmp_path, "bad.prisma", _schema(300, bad_model=5))
    for a, b in ((bad, good), (good, bad)):
        forked = _diff(tmp_path, "--from-schema-datamodel", a, "--to-schema-datamodel", b, "--script", fork=True)
        plain = _diff(tmp_path, "--from-schema-datamodel", a, "--to-schema-datamodel", b, "--script", fork=False)
        assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)
        assert forked.returncode == 1 and "Strng" in forked.stderr
    ok = _diff(tmp_path, "--from-schema-datamodel", good, "--to-schema-datamodel", good, "--script", fork=True)
    assert (ok.returncode, ok.stdout) == (0, "-- This is an empty migration.\n")


_DIRECT = textwrap.dedent(
    """
    import os, sys
    from schemashift.psl import background as bg
    parent = os.getpid()
    real = bg._validate
    def flaky(files):
        if os.getpid() != parent and sys.argv[1] == "crash":
            os.kill(os.getpid(), 9)  # the child dies without a word
        return real(files)
    bg._validate = flaky
    files = [("schema.prisma", open(sys.argv[2]).read())]
    v = bg.BackgroundValidation(files)
    forked = v._pid != 0
    if sys.argv[1] == "cancel":
        v.cancel()
        diags = v.diagnostics()  # after a cancel the verdict is computed here
    else:
        diags = v.diagnostics()
    try:
        os.waitpid(-1, os.WNOHANG)
        leftover = True
    except ChildProcessError:
        leftover = False
    print(forked, len(diags.errors), len(diags.warnings), leftover)
    """
)


@pytest.mark.parametrize("mode", ["ok", "crash", "cancel"])
def test_child_failure_falls_back_to_validating_in_process(tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path, "schema.prisma", _schema(300, bad_model=10))
    proc = subprocess.run([sys.executable, "-c", _DIRECT, mode, path], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    forked, errors, warnings, leftover = proc.stdout.split()
    assert forked == "True"
    assert int(errors) == 1  # the unknown type `Strng`, whoever found it
    assert leftover == "False"  # every child is reaped


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")
def test_one_usable_cpu_means_no_fork(tmp_path: Path) -> None:
    """Pinned to one CPU (taskset, a container's cpuset), the child would only compete with its
    parent: the diff validates in-process, with the same output."""
    path = _write(tmp_path, "schema.prisma", _schema(300))
    code = (
        "import os, sys\n"
        "os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})\n"
        "from schemashift.psl.background import worthwhile\n"
        "print(worthwhile([('schema.prisma', open(sys.argv[1]).read())]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
