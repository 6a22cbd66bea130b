"""The one exception hierarchy of schemashift.

Every error meant for the user derives from :class:`SchemashiftError`, which carries the message
and the process exit code; :func:`schemashift.cli.main` prints ``Error: <message>`` on stderr and
exits with that code, never with a traceback. Subclasses carry the data they are about, so
library callers can react without parsing messages.

Exit codes (documented in docs/cli.md): 0 success, 1 error, 2 usage error, 70 internal error,
130 interrupted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemashift.diagnostics import Diagnostic

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


def render_diagnostics(
    files: Sequence[tuple[str, str]], diagnostics: Sequence["Diagnostic"], color: bool = False
) -> str:
    """Render the diagnostics of a (multi-file) schema, warnings first, each against its own file."""
    # The submodule, not ``schemashift.psl.render``: importing the submodule rebinds that name.
    from schemashift.psl.render import render_diagnostics as render_blocks

    return render_blocks(list(files), diagnostics, color=color)


def _error_label(color: bool) -> str:
    return "\x1b[1;31mError\x1b[0m:" if color else "Error:"


class SchemashiftError(Exception):
    """Root of all user-facing errors."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def render(self, color: bool = False) -> str:
        """The text printed on stderr (without a trailing newline)."""
        return f"{_error_label(color)} {self.message}"


class UsageError(SchemashiftError):
    """Wrong or conflicting command-line arguments."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


class SchemaNotFoundError(SchemashiftError):
    """No schema at the given path or at any default location."""

    def __init__(self, checked: Sequence[str], explicit: str | None = None) -> None:
        self.checked = list(checked)
        self.explicit = explicit
        if explicit is not None:
            message = f"Could not load `--schema` from provided path `{explicit}`: file or directory not found"
        else:
            lines = "\n".join(f"{p}: file not found" for p in self.checked)
            message = (
                "Could not find Prisma Schema that is required for this command.\n"
                "You can either provide it with `--schema` argument, set it in `[tool.schemashift] schema`"
                " of pyproject.toml, or put it into the default location.\n"
                f"Checked following paths:\n\n{lines}"
            )
        super().__init__(message)


class SchemaReadError(SchemashiftError):
    """A schema file exists but cannot be read as UTF-8 text."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"Could not read the schema file {path}: {reason}")


class SchemaExistsError(SchemashiftError):
    """``init`` in a project that already has a schema."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"File {path} already exists in your project.\n"
            "        Please try again in a project that is not yet using Prisma."
        )


class SchemaValidationError(SchemashiftError):
    """The schema has errors; rendered with source excerpts like Prisma's P1012."""

    def __init__(self, files: Sequence[tuple[str, str]], diagnostics: Sequence["Diagnostic"]) -> None:
        self.files = list(files)
        self.diagnostics = list(diagnostics)
        self.error_count = sum(1 for d in self.diagnostics if d.is_error)
        super().__init__(f"Prisma schema validation: {self.error_count} error(s)")

    def render(self, color: bool = False) -> str:
        body = render_diagnostics(self.files, self.diagnostics, color=color)
        return (
            f"{_error_label(color)} Prisma schema validation\nError code: P1012\n{body}\n"
            f"Validation Error Count: {self.error_count}"
        )


class EnvVarNotFoundError(SchemashiftError):
    """``env("VAR")`` names a variable that is not set (outside of a schema context)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Environment variable not found: {name}.")


class NoDatasourceError(SchemashiftError):
    """The command needs a database but the schema has no ``datasource`` block."""

    def __init__(self) -> None:
        super().__init__("The schema has no datasource block; add one with a provider and a url.")
