"""Command modules: thin glue from command-line arguments to the library.

One module per command group, each exposing click commands that ``schemashift.cli.COMMANDS``
names. Keep imports of heavy libraries inside the command functions, so that
``schemashift --help`` stays fast. Errors are raised as ``schemashift.errors.SchemashiftError``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from schemashift.config import Project

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
    """Colour on stdout (``NO_COLOR``, ``FORCE_COLOR``, a terminal: see ``ui.use_color``)."""
    from schemashift.commands.ui import use_color

    return use_color(sys.stdout)


def stderr_color() -> bool:
    from schemashift.commands.ui import use_color

    return use_color(sys.stderr)


def info(message: str) -> None:
    """A progress note (e.g. which schema was loaded) on stderr, dimmed on a terminal."""
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
