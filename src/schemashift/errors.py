"""The one exception hierarchy of schemashift.

Every error meant for the user derives from :class:`SchemashiftError`, which carries the message,
Prisma's error code when there is one (``P1001``, ``P3009``...) and the process exit code;
:func:`schemashift.cli.run` prints :meth:`SchemashiftError.render` on stderr and exits with that
code, never with a traceback. Subclasses carry the data they are about, so library callers can
react without parsing messages.

One rendering (:func:`render_error`, Prisma's layout) and one redaction (:func:`redact`) serve every
error: connector, migration and schema errors alike.

Exit codes (documented in docs/cli.md): 0 success, 1 error, 2 usage error, 70 internal error,
130 interrupted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

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


def render_error(message: str, code: str | None = None, color: bool = False, *, one_line: bool = False) -> str:
    """An error as the Prisma CLI prints it (without a trailing newline).

    Prisma has two layouts, and which one depends on where the error comes from: the connection
    check it runs before the engine (P1000 authentication, P1001 unreachable, P1003 no database,
    P1013 bad URL...) prints the code and the message on one line (``one_line``),
    ``Error: P1001: Can't reach database server...``; errors of the migration engine (P3009,
    P3018, a P1002 lock timeout...) print ``Error: P3009``, a blank line, then the message
    (checked against prisma 7.10 ``migrate deploy``). Without a code: ``Error: message``.
    """
    label = _error_label(color)
    if code is None:
        return f"{label} {message}"
    if one_line:
        return f"{label} {code}: {message}"
    return f"{label} {code}\n\n{message}"


class SchemashiftError(Exception):
    """Root of all user-facing errors. ``code`` is Prisma's error code (``P1001``) or None;
    subclasses may set it as a class attribute."""

    code: str | None = None
    #: Prisma's layout for the code (:func:`render_error`): one line for connection failures
    one_line: ClassVar[bool] = False

    def __init__(self, message: str, exit_code: int = EXIT_ERROR, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        if code is not None:
            self.code = code

    def render(self, color: bool = False) -> str:
        """The text printed on stderr (without a trailing newline)."""
        return render_error(self.message, self.code, color, one_line=self.one_line)


class UsageError(SchemashiftError):
    """Wrong or conflicting command-line arguments."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


class SchemaNotFoundError(SchemashiftError):
    """No schema at the given path or at any default location."""

    def __init__(self, checked: Sequence[str], explicit: str | None = None, reason: str = "file or directory not found") -> None:
        self.checked = list(checked)
        self.explicit = explicit
        if explicit is not None:
            message = f"Could not load `--schema` from provided path `{explicit}`: {reason}"
        else:
            lines = "\n".join(f"{p}: file not found" for p in self.checked)
            message = (
                "Could not find Prisma Schema that is required for this command.\n"
                "You can either provide it with `--schema` argument, set it in `[tool.schemashift] schema`"
                " of pyproject.toml, or put it into the default location.\n"
                f"Checked following paths:\n\n{lines}"
            )
        super().__init__(message)


class FileError(SchemashiftError):
    """A file or folder cannot be read or written (permissions, a file where a folder should be,
    not UTF-8...): names the path and the reason."""

    def __init__(self, path: Path | str, action: str, reason: str, what: str = "") -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Could not {action} {what}{path}: {reason}.")


def describe_file_problem(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read or written, for :class:`FileError`: the OS's reason
    (``Permission denied``), or where the bytes stop being UTF-8."""
    if isinstance(exc, UnicodeDecodeError):
        bad = exc.object[exc.start : exc.start + 1]
        byte = f"byte 0x{bad[0]:02x}" if isinstance(bad, bytes) and bad else "a byte"
        return f"it is not valid UTF-8 text ({byte} at offset {exc.start})"
    return exc.strerror or str(exc)


def file_error(path: Path | str, exc: OSError | UnicodeDecodeError, action: str = "read", what: str = "") -> FileError:
    """The :class:`FileError` for an ``OSError`` or ``UnicodeDecodeError`` about ``path``."""
    return FileError(path, action, describe_file_problem(exc), what)


def decode_utf8(data: bytes, path: Path | str, what: str = "") -> str:
    """``data`` (the contents of ``path``) as text; invalid UTF-8 is a :class:`FileError` with the
    byte offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise file_error(path, exc, what=what) from None


def read_text(path: Path | str, what: str = "") -> str:
    """The UTF-8 text of a file; unreadable or not UTF-8 is a :class:`FileError` naming it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise file_error(path, exc, what=what) from None
    return decode_utf8(data, path, what)


class SchemaReadError(FileError):
    """A schema file exists but cannot be read as UTF-8 text."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, "read", reason, "the schema file ")


class SchemaExistsError(SchemashiftError):
    """``init`` in a project that already has a schema."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"File {path} already exists in your project.\n"
            "        Please try again in a project that is not yet using Prisma."
        )


class SchemaValidationError(SchemashiftError):
    """The schema has errors; rendered with source excerpts like Prisma's P1012 (its own layout)."""

    code = "P1012"

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
    """The command needs a database (or a provider) but the schema has no ``datasource`` block."""

    def __init__(self, where: str | None = None) -> None:
        self.where = where
        at = f" `{where}`" if where else ""
        super().__init__(
            f"There is no datasource in the schema{at}; add a `datasource` block with a provider"
            " and a url."
        )


class UnsupportedProviderError(SchemashiftError):
    """The schema's datasource names a provider schemashift has no dialect for (cockroachdb...)."""

    def __init__(self, provider: str, supported: Sequence[str], where: str | None = None) -> None:
        self.provider = provider
        self.where = where
        at = f" in `{where}`" if where else ""
        super().__init__(
            f"The datasource provider `{provider}`{at} is not supported by schemashift. Supported"
            f" providers: {', '.join(supported)}."
        )


# ---------------------------------------------------------------- secrets

REDACTED = "****"
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*):(?P<secret>[^\s/]*)@")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-F]{2}")
_KEY_PASSWORD = re.compile(r"(?P<head>\b(?:password|pwd|pass|sslpassword)=)(?P<secret>[^&;\s]*)", re.IGNORECASE)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without passwords: the one redaction of schemashift.

    Every non-empty secret of ``secrets`` (as given, and in the percent-encoded forms a URL may
    carry it in) becomes ``****``; so does the password of every URL in the text
    (``postgresql://u:secret@h/db`` -> ``postgresql://u:****@h/db``) and every ``password=...``
    query or connection-string parameter. Errors redact their message with it, and the CLI
    redacts everything it prints on failure.
    """
    from urllib.parse import quote, quote_plus

    for secret in secrets:
        if not secret:
            continue
        forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
        forms |= {_PERCENT_ESCAPE.sub(lambda m: m[0].lower(), f) for f in forms}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, REDACTED)
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}:{REDACTED}@", text)
    return _KEY_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}", text)
