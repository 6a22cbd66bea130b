"""Command modules: thin glue from command-line arguments to the library.

One module per command group, each exposing click commands that ``schemashift.cli.COMMANDS``
names. Keep imports of heavy libraries inside the command functions, so that
``schemashift --help`` stays fast. Errors are raised as ``schemashift.errors.SchemashiftError``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def schema_option(func: F) -> F:
    """The ``--schema PATH`` option every schema-reading command takes."""
    return click.option(
        "--schema",
        "schema",
        metavar="PATH",
        default=None,
        help="Schema file or folder (default: prisma/schema.prisma, or the prisma/schema/ folder).",
    )(func)


def stdout_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def stderr_color() -> bool:
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ


def info(message: str) -> None:
    """A progress note (e.g. which schema was loaded) on stderr, dimmed on a terminal."""
    click.echo(click.style(message, dim=True) if stderr_color() else message, err=True)
