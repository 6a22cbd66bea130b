"""What a fleet command found: one small record per target, the text table, the JSON document,
the exit code.

States, from best to worst (the exit code is the worst one's):

==============  ====  ==========================================================================
state           exit  meaning
==============  ====  ==========================================================================
``up_to_date``  0     every migration of the folder is applied (``check``: and no drift)
``held``        0     applied up to a contract migration (``-- schemashift:contract``), which
                      ``fleet deploy`` applies only with ``--contract``, as ``migrate deploy``
``pending``     3     migrations are not applied yet (a missing database or schema counts)
``skipped``     3     not visited: the run stopped before it (canary or wave failed, Ctrl-C)
``diverged``    4     the history differs from the folder: an applied migration was edited, or
                      the database has migrations the folder does not have
``drifted``     4     ``check``: the schema differs from what its applied migrations produce
``failed``      5     a migration failed (now, or earlier and still unresolved: P3009/P3018)
``error``       5     the target could not be worked on (unreachable, lock busy, bad URL, ...)
==============  ====  ==========================================================================

Exit codes 1 (an error before any target: targets file, schema), 2 (usage) and 130 (Ctrl-C;
the report is still printed) are the CLI's usual ones.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schemashift.errors import redact

#: The JSON document's version: bumped on any incompatible change of its shape.
JSON_VERSION = 1

STATES = ("up_to_date", "held", "pending", "skipped", "diverged", "drifted", "failed", "error")
EXIT_CODES = {"up_to_date": 0, "held": 0, "pending": 3, "skipped": 3, "diverged": 4, "drifted": 4, "failed": 5, "error": 5}
EXIT_OK, EXIT_BEHIND, EXIT_DIVERGED, EXIT_FAILED = 0, 3, 4, 5


@dataclass(slots=True)
class TargetResult:
    """One target's outcome: a few short strings and numbers (migration names are the shared
    strings of the migrations folder), so a run's memory grows by a few hundred bytes per target."""

    index: int
    name: str
    url: str  # redacted
    state: str
    at: str | None = None  # the newest applied migration of the folder
    applied: int = 0  # migrations of the folder applied
    total: int = 0  # migrations in the folder
    applied_now: tuple[str, ...] = ()  # deploy: applied by this run
    failed: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    held: tuple[str, ...] = ()  # pending from a contract migration on (state ``held``)
    code: str | None = None  # Prisma's/schemashift's error code of ``error``
    error: str | None = None  # redacted
    drift: str | None = None  # ``check``: the summary of the differences
    backup: str | None = None
    seconds: float = 0.0

    @property
    def pending(self) -> int:
        return max(self.total - self.applied, 0)

    @property
    def did_work(self) -> bool:
        """Applied something or failed: what a canary counts."""
        return bool(self.applied_now) or self.state in ("failed", "error")

    @property
    def is_failure(self) -> bool:
        return EXIT_CODES[self.state] >= EXIT_DIVERGED

    def note(self) -> str:
        """One line for the table."""
        parts = []
        if self.applied_now:
            parts.append(f"applied {len(self.applied_now)} now")
        if self.failed:
            parts.append(f"failed: {', '.join(self.failed)}")
        if self.edited:
            parts.append(f"edited: {', '.join(self.edited)}")
        if self.unknown:
            parts.append(f"not in the folder: {', '.join(self.unknown)}")
        if self.held:
            parts.append(f"held for --contract: {', '.join(self.held)}")
        if self.drift:
            parts.append("drift: " + "; ".join(line.strip() for line in self.drift.splitlines() if line.strip()))
        if self.error:
            first = next((line for line in self.error.splitlines() if line.strip()), "")
            parts.append(f"{self.code}: {first}" if self.code else first)
        if self.backup:
            parts.append(f"backup {self.backup}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "name": self.name,
            "url": self.url,
            "state": self.state,
            "at": self.at,
            "applied": self.applied,
            "pending": self.pending,
            "applied_now": list(self.applied_now),
            "failed": list(self.failed),
            "edited": list(self.edited),
            "unknown": list(self.unknown),
            "held": list(self.held),
            "error": None if self.error is None else {"code": self.code, "message": self.error},
            "drift": self.drift,
            "backup": self.backup,
            "seconds": round(self.seconds, 3),
        }


def exit_code(results: Iterable[TargetResult]) -> int:
    """The worst state's code (0 when every target is up to date, or there is none)."""
    return max((EXIT_CODES[r.state] for r in results), default=EXIT_OK)


@dataclass
class FleetReport:
    command: str  # deploy, status, check
    migrations: Sequence[str]  # the folder's migration names
    results: list[TargetResult]
    #: why the run stopped before every target was visited (None: it did not)
    stopped: str | None = None
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        """130 after Ctrl-C, else the worst state's code."""
        from schemashift.errors import EXIT_INTERRUPTED

        return EXIT_INTERRUPTED if self.interrupted else exit_code(self.results)

    def counts(self) -> dict[str, int]:
        found = Counter(r.state for r in self.results)
        return {state: found.get(state, 0) for state in STATES}

    def as_dict(self) -> dict[str, object]:
        applied_now = sum(len(r.applied_now) for r in self.results)
        return {
            "format": "schemashift-fleet",
            "version": JSON_VERSION,
            "command": self.command,
            "exit_code": self.exit_code,
            "stopped": self.stopped,
            "seconds": round(self.seconds, 3),
            "migrations": {"count": len(self.migrations), "latest": self.migrations[-1] if self.migrations else None},
            "summary": {"targets": len(self.results), **self.counts(), "migrations_applied": applied_now},
            "targets": [r.as_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return redact(json.dumps(self.as_dict(), indent=2))

    def render(self) -> str:
        """The table (target, state, newest applied migration, applied/total, note) and a summary."""
        rows = [("TARGET", "STATE", "AT", "APPLIED", "NOTE")]
        for r in self.results:
            applied = f"{r.applied}/{r.total}" if r.state not in ("skipped", "error") or r.applied else "-"
            rows.append((r.name, r.state, r.at or "-", applied, r.note()))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows]
        counts = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in self.counts().items() if n)
        total = len(self.results)
        summary = f"{total} target{'s' if total != 1 else ''}: {counts or 'none'}"
        applied_now = sum(len(r.applied_now) for r in self.results)
        if self.command == "deploy":
            summary += f"; {applied_now} migration{'s' if applied_now != 1 else ''} applied in {self.seconds:.1f} s"
        out = [line.rstrip() for line in lines] + ["", summary]
        if self.stopped:
            out.append(f"Stopped: {self.stopped}")
        return redact("\n".join(out)) + "\n"
