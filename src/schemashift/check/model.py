"""The vocabulary of ``schemashift check``: a check's status, its result, the report and its exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["pass", "warn", "fail", "skipped"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "skipped")

#: Exit codes of ``schemashift check`` (docs/ci.md): every check passed, warned or was skipped /
#: a check failed (with ``--strict``, a warning too). Usage errors are 2, bugs 70, as everywhere.
EXIT_PASSED = 0
EXIT_FAILED = 1


@dataclass(frozen=True)
class Annotation:
    """A place in a file a result is about (a lint finding, an uncommitted file, a schema error):
    GitHub shows it on the file. ``path`` is relative to the current directory, or absolute."""

    path: str
    level: Literal["error", "warning"]
    message: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    title: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class CheckResult:
    id: str  # stable, e.g. "schema-in-sync"
    title: str  # the guide's checklist item it stands for
    status: Status
    message: str  # one line: what was found, or why the check was skipped
    details: tuple[str, ...] = ()  # further lines (a drift summary, the pending migrations...)
    annotations: tuple[Annotation, ...] = ()
    data: dict[str, object] = field(default_factory=dict)  # machine-readable facts for --format json

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "details": list(self.details),
            "annotations": [a.as_dict() for a in self.annotations],
            **({"data": self.data} if self.data else {}),
        }


@dataclass(frozen=True)
class Report:
    results: tuple[CheckResult, ...]
    strict: bool = False  # warnings fail too

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def exit_code(self) -> int:
        failing = {"fail", "warn"} if self.strict else {"fail"}
        return EXIT_FAILED if any(r.status in failing for r in self.results) else EXIT_PASSED

    def as_dict(self) -> dict[str, object]:
        return {
            "checks": [r.as_dict() for r in self.results],
            "summary": {s: self.count(s) for s in STATUSES},
            "strict": self.strict,
            "exit_code": self.exit_code,
        }
