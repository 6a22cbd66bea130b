"""What a benchmark is, how it is timed, and where its inputs and reference tools come from.

A benchmark module ``bench/bench_<topic>.py`` defines ``BENCHMARKS: list[Benchmark]``; ``run.py``
finds it. Each benchmark times our side and, when the tool is there, the reference (Prisma's
engines through ``/work/shared/oracle``); a missing tool raises :class:`Unavailable` and the
result carries a note instead. Times are medians of several runs, in seconds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORACLE = Path(os.environ.get("SCHEMASHIFT_ORACLE_DIR", REPO.parent / "shared" / "oracle"))


@dataclass
class Measurement:
    ours: float | None = None  # None when our side failed (see notes)
    reference: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.ours / self.reference if self.ours is not None and self.reference else None


@dataclass(frozen=True)
class Benchmark:
    """``ours`` and ``reference`` return seconds; ``notes`` returns remarks on correctness."""

    name: str
    ours: Callable[["Context"], float]
    reference: Callable[["Context"], float] | None = None
    reference_name: str = ""
    notes: Callable[["Context"], list[str]] | None = None
    max_ratio: float | None = None  # goal: ours / reference at most this
    max_seconds: float | None = None  # goal: ours at most this many seconds

    @property
    def goal(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"<= {self.max_ratio:g}x ref")
        if self.max_seconds is not None:
            parts.append(f"<= {self.max_seconds:g} s")
        return ", ".join(parts) or "-"

    def met(self, m: Measurement) -> bool | None:
        if m.ours is None:
            return False
        checks = []
        if self.max_ratio is not None and m.ratio is not None:
            checks.append(m.ratio <= self.max_ratio)
        if self.max_seconds is not None:
            checks.append(m.ours <= self.max_seconds)
        return all(checks) if checks else None


class Unavailable(Exception):
    """A reference tool is missing; the benchmark reports our time alone, with this note."""


@dataclass
class Context:
    workdir: Path
    repeat: int = 5
    process_repeat: int = 3
    _schemas: dict[tuple[str, int, int, bool], Path] = field(default_factory=dict)

    # ------------------------------------------------------------ inputs

    def schema(self, provider: str, models: int, fields: int = 10, prisma6: bool = False) -> Path:
        """A generated big schema (gen-schema.mjs with node, else its Python twin in genschema.py)."""
        key = (provider, models, fields, prisma6)
        if key not in self._schemas:
            suffix = "_p6" if prisma6 else ""
            path = self.workdir / f"{provider}{models}x{fields}{suffix}.prisma"
            path.write_text(self._generate(provider, models, fields, prisma6), encoding="utf-8")
            self._schemas[key] = path
        return self._schemas[key]

    def _generate(self, provider: str, models: int, fields: int, prisma6: bool) -> str:
        script = ORACLE / "gen-schema.mjs"
        if shutil.which("node") and script.is_file():
            args = ["node", str(script), *(["--prisma6"] if prisma6 else []), provider, str(models), str(fields)]
            return subprocess.run(args, capture_output=True, text=True, check=True).stdout
        from genschema import generate

        return generate(provider, models, fields, prisma6=prisma6)

    # ------------------------------------------------------------ timing

    def time_call(self, fn: Callable[[], object]) -> float:
        """Median wall time of ``fn()`` after one warm-up call (imports, caches)."""
        fn()
        samples = []
        for _ in range(self.repeat):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    def time_process(self, argv: Sequence[str], env: dict[str, str] | None = None, ok_codes: Sequence[int] = (0,)) -> float:
        """Median wall time of a whole process (one untimed warm-up run for OS caches)."""
        full_env = {**os.environ, **(env or {})}

        def once() -> float:
            start = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, text=True, env=full_env, cwd=self.workdir)
            elapsed = time.perf_counter() - start
            if proc.returncode not in ok_codes:
                lines = proc.stderr.strip().splitlines() or [""]
                why = next((line for line in lines if line.startswith("Error")), lines[-1])
                raise RuntimeError(f"{Path(argv[0]).name} {argv[1]} exited {proc.returncode}: {why}")
            return elapsed

        once()
        return statistics.median(once() for _ in range(self.process_repeat))

    # ------------------------------------------------------------ tools

    def schemashift(self) -> list[str]:
        exe = Path(sys.executable).with_name("schemashift")
        return [str(exe)] if exe.exists() else [sys.executable, "-c", "from schemashift.cli import main; main()"]

    def oracle(self, tool: str) -> list[str]:
        """``prisma6`` / ``prisma7`` argv, or :class:`Unavailable`."""
        path = ORACLE / tool
        if not path.is_file():
            raise Unavailable(f"{tool} not found at {path}")
        if not shutil.which("node"):
            raise Unavailable(f"{tool} needs node, which is not installed")
        return [str(path)]

    def output(self, argv: Sequence[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """One run of a process, for checking what it printed."""
        return subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=self.workdir)


def server_database(admin: str, prefix: str) -> tuple[str, str]:
    """A new database ``<prefix>_<random>`` on the server of the admin URL ``admin``: its URL
    (PostgreSQL: ``?schema=public``) and name; :class:`Unavailable` when the server is not there."""
    import uuid

    from schemashift.connectors import connect
    from schemashift.connectors.errors import ConnectorError

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with connect(admin) as conn:
            conn.execute(f"CREATE DATABASE {conn.dialect.quote(name)}")
            postgres = conn.dialect.name == "postgresql"
    except ConnectorError as exc:
        raise Unavailable(f"no server at {admin}: {exc.message.splitlines()[0]}") from None
    return admin.rsplit("/", 1)[0] + f"/{name}" + ("?schema=public" if postgres else ""), name
