"""Errors of the migration workflow, with Prisma's error codes (P3xxx) where Prisma has one."""

from __future__ import annotations

from schemashift.errors import EXIT_ERROR, SchemashiftError


class MigrationError(SchemashiftError):
    """A migration-workflow error; rendered like every error by :func:`schemashift.errors.render_error`
    (``Error: P3009`` + blank line + message)."""

    def __init__(self, message: str, *, code: str | None = None, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message, exit_code, code=code)


class MigrationFolderError(MigrationError):
    """The migrations folder is not in a state schemashift can use."""
