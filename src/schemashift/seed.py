"""The seed command: ``migrations.seed`` in Prisma 7's ``prisma.config.ts``, ``[tool.schemashift] seed``
in pyproject.toml, or ``prisma/seed.py``.

Like Prisma's ``"prisma": {"seed": "..."}`` in package.json, the configured value is a command
line; a value that is just a ``.py`` file is run with the current Python interpreter. The seed
runs with the project's environment (``.env`` already loaded), from the project folder.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from schemashift.errors import SchemashiftError


def find_seed(cwd: Path, schema_dir: Path) -> list[str] | None:
    """The seed command as an argument list, or None when none is configured: ``migrations.seed``
    of ``prisma.config.ts`` (run as given, e.g. ``tsx prisma/seed.ts``), ``[tool.schemashift] seed``,
    then ``seed.py`` next to the schema."""
    from schemashift.config import tool_settings
    from schemashift.prisma_config import find_config

    prisma_config = find_config(cwd)
    configured = tool_settings(cwd).get("seed")
    if prisma_config is not None and (prisma_config.readable("migrations.seed") or not configured):
        from_config = prisma_config.get("migrations.seed")  # unreadable, and not in pyproject.toml: the error
        if from_config:
            return shlex.split(from_config)
    if configured:
        if not isinstance(configured, str):
            raise SchemashiftError("`[tool.schemashift] seed` in pyproject.toml must be a string (a command).")
        args = shlex.split(configured)
        if len(args) == 1 and args[0].endswith(".py"):
            return [sys.executable, args[0]]
        return args
    default = schema_dir / "seed.py"
    if default.is_file():
        return [sys.executable, os.path.relpath(default, cwd)]
    return None


def run_seed(command: list[str], cwd: Path, echo: Callable[[str], None] = print) -> None:
    shown = " ".join(["python" if c == sys.executable else c for c in command])
    echo(f"Running seed command `{shown}` ...")
    try:
        done = subprocess.run(command, cwd=cwd, env=os.environ.copy())
    except OSError as exc:
        raise SchemashiftError(f"An error occurred while running the seed command:\n{exc}") from None
    if done.returncode != 0:
        raise SchemashiftError(
            f"An error occurred while running the seed command:\nError: Command failed with exit code "
            f"{done.returncode}: {shown}"
        )
    echo("\n🌱  The seed command has been executed.")
