"""Errors of the migration workflow, with Prisma's error codes (P3xxx) where Prisma has one."""

from __future__ import annotations

from schemashift.errors import EXIT_ERROR, SchemashiftError


class MigrationError(SchemashiftError):
    """A migration-workflow error; rendered like Prisma: ``Error: P3009`` + blank line + message."""

    def __init__(self, message: str, *, code: str | None = None, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message, exit_code)
        self.code = code

    def render(self, color: bool = False) -> str:
        head = super().render(color)
        if self.code is None:
            return head
        label = head[: len(head) - len(self.message)].rstrip()
        return f"{label} {self.code}\n\n{self.message}"


class MigrationFolderError(MigrationError):
    """The migrations folder is not in a state schemashift can use."""
