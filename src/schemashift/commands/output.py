"""How a command run prints: ``--json`` documents, ``-q``/``--verbose``, the ``schemashift`` logger.

With ``--json`` stdout holds exactly one JSON document (``docs/json.md``): the result, or an
error object; human text goes to stderr. The shape is versioned by :data:`JSON_VERSION`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from schemashift.errors import SchemashiftError

#: the version of every JSON document the CLI prints; bumped only on an incompatible change
JSON_VERSION = 1

F = TypeVar("F", bound=Callable[..., Any])


_HANDLER: logging.Handler | None = None


@dataclass
class _State:
    json: bool = False
    quiet: bool = False
    command: str | None = None


state = _State()


def reset() -> None:
    """Forget ``--json``/``-q`` and take the CLI's log handler off (a process that runs the CLI
    and then uses the library, or runs it again, starts clean)."""
    global _HANDLER
    state.json, state.quiet, state.command = False, False, None
    if _HANDLER is not None:
        logger = logging.getLogger("schemashift")
        logger.removeHandler(_HANDLER)
        logger.setLevel(logging.NOTSET)
        _HANDLER = None


def _command_name(ctx: click.Context) -> str:
    return " ".join(ctx.command_path.split(" ")[1:]) or ctx.command_path


def _mark(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        state.json = True
        state.command = _command_name(ctx)
    return value


def json_option(func: F) -> F:
    """``--json``: print one versioned JSON document on stdout (docs/json.md)."""
    return click.option(
        "--json", "as_json", is_flag=True, callback=_mark, is_eager=True,
        help="Print the result as one JSON document on stdout (docs/json.md); human text goes to stderr.",
    )(func)


def emit(data: dict[str, object]) -> None:
    """The command's JSON document: ``version`` and ``command`` first, then ``data``."""
    click.echo(json.dumps({"version": JSON_VERSION, "command": state.command, "ok": True, **data}, indent=2))


def human(text: str = "", nl: bool = True) -> None:
    """Human output: stdout, or stderr when stdout holds the JSON document (nothing with -q then)."""
    if state.json and state.quiet:
        return
    click.echo(text, nl=nl, err=state.json)


def json_requested(args: Sequence[str]) -> bool:
    """``--json`` was given (also when the command line failed before its option was read)."""
    return state.json or "--json" in args


def error_document(code: str | None, message: str, exit_code: int, extra: dict[str, object] | None = None) -> str:
    """The JSON error object: ``{"version", "command", "ok": false, "error": {code, message, exit_code}}``."""
    error: dict[str, object] = {"code": code, "message": message, "exit_code": exit_code, **(extra or {})}
    return json.dumps({"version": JSON_VERSION, "command": state.command, "ok": False, "error": error}, indent=2)


def schemashift_error_document(exc: SchemashiftError, exit_code: int) -> str:
    from schemashift.errors import SchemaValidationError, redact

    extra: dict[str, object] = {}
    message = exc.message
    if isinstance(exc, SchemaValidationError):
        from schemashift.api import diagnostics_info

        extra["diagnostics"] = [d.as_dict() for d in diagnostics_info(exc.files, exc.diagnostics)]
        message = exc.render(color=False)
    return error_document(exc.code, redact(message), exit_code, extra)


class _Formatter(logging.Formatter):
    """Warnings and errors as their message alone (``Warning: ...``, as the CLI always printed
    them); DEBUG and INFO (``--verbose``) with their level and logger."""

    def format(self, record: logging.LogRecord) -> str:
        if record.levelno >= logging.WARNING:
            return record.getMessage()
        return f"{record.levelname} {record.name}: {record.getMessage()}"


class _ClickHandler(logging.Handler):
    """Log records on the current stderr (click's, so a test runner's capture sees them)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - logging must never break a command
            self.handleError(record)
            return
        from schemashift.errors import redact

        click.echo(redact(text), err=True)




def setup_logging(quiet: bool, verbose: bool) -> None:
    """The CLI's logging: warnings and errors of the ``schemashift`` logger on stderr; with
    ``--verbose`` everything down to DEBUG (each SQL statement of the client on
    ``schemashift.query``); with ``-q`` errors only, and no progress notes."""
    global _HANDLER
    state.quiet = quiet
    logger = logging.getLogger("schemashift")
    if _HANDLER is None:
        _HANDLER = _ClickHandler()
        _HANDLER.setFormatter(_Formatter())
        logger.addHandler(_HANDLER)
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
