"""Command modules: thin glue from command-line arguments to the library.

One module per command group, each exposing click commands that ``schemashift.cli.COMMANDS``
names. Keep imports of heavy libraries inside the command functions, so that
``schemashift --help`` stays fast. Errors are raised as ``schemashift.errors.SchemashiftError``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO, TypeVar

import click

if TYPE_CHECKING:
    from schemashift.config import Project

F = TypeVar("F", bound=Callable[..., object])


def schema_option(func: F) -> F:
    """The ``--schema PATH`` option every schema-reading command takes (with Prisma 7's ``--config``)."""
    return config_option(
        click.option(
            "--schema",
            "schema",
            metavar="PATH",
            default=None,
            help="Schema file or folder (default: prisma/schema.prisma, or the prisma/schema/ folder).",
        )(func)
    )


def config_option(func: F) -> F:
    """Prisma 7's ``--config PATH``: the project's configuration file instead of the one looked up
    (prisma7.config.ts, prisma.config.ts, .config/prisma.ts...)."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        from schemashift.prisma_config import CONFIG_FILE

        CONFIG_FILE.set(value)  # None too: a command run in the same process never inherits it

    return click.option(
        "--config", metavar="PATH", default=None, expose_value=False, callback=remember, is_eager=True,
        help="Custom path to the Prisma config file (Prisma 7).",
    )(func)


def use_color(stream: TextIO | None) -> bool:
    """Colour on ``stream``: never with ``NO_COLOR`` (no-color.org: set and not empty, whatever
    its value), always with ``FORCE_COLOR`` (force-color.org: set and not empty, whatever its
    value, ``0`` included), else only on a terminal. ``NO_COLOR`` wins when both are set."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream is not None and stream.isatty()


def click_color() -> bool | None:
    """click's ``Context.color``: True keeps styles in output that is not a terminal
    (``FORCE_COLOR``), False strips them everywhere (``NO_COLOR``), None lets click decide."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


def tolerate_unencodable_output() -> None:
    """Output whose encoding cannot hold our symbols (✔, 🚀, 🌱: ``PYTHONIOENCODING=latin-1``, a
    Windows code page) gets ``?`` for them instead of a UnicodeEncodeError. (click already writes
    UTF-8 bytes to a stream that says ASCII, e.g. under ``LANG=C``.)"""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if not encoding or reconfigure is None or getattr(stream, "errors", "strict") != "strict":
            continue
        try:
            "✔🚀🌱".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure(errors="replace")


def stdout_color() -> bool:
    """Colour on stdout (``NO_COLOR``, ``FORCE_COLOR``, a terminal: see :func:`use_color`)."""
    return use_color(sys.stdout)


def stderr_color() -> bool:
    return use_color(sys.stderr)


def info(message: str) -> None:
    """A progress note (e.g. which schema was loaded) on stderr, dimmed on a terminal; none with -q."""
    from schemashift.commands.output import state

    if state.quiet:
        return
    click.echo(click.style(message, dim=True) if stderr_color() else message, err=True)


def open_project(schema: str | None) -> "Project":
    """Find the schema and load ``.env`` files, saying which (like Prisma) on stderr."""
    from schemashift.config import load_project

    project = load_project(schema)
    if project.prisma_config is not None:
        info(f"Loaded Prisma config from {project.prisma_config.display}.")
    for env_file in project.env_files:
        info(f"Environment variables loaded from {os.path.relpath(env_file, project.cwd)}")
    info(f"Prisma schema loaded from {project.schema.display}")
    return project


def schema_loaded(project: "Project") -> None:
    """Prisma's ``Loaded Prisma config from ...`` (Prisma 7 projects) and ``Prisma schema loaded from ...``."""
    if project.prisma_config is not None:
        info(f"Loaded Prisma config from {project.prisma_config.display}.")
    info(f"Prisma schema loaded from {project.schema.display}")
