"""The seed command: where it is configured, and running it.

First found wins (``find_seed``):

1. ``migrations.seed`` of Prisma 7's ``prisma.config.ts``;
2. ``seed`` under ``[tool.schemashift]`` in ``pyproject.toml``;
3. ``"prisma": {"seed": "..."}`` in ``package.json``, read only when there is no
   ``prisma.config.ts``, as Prisma 6 does (it ignores ``package.json#prisma`` once a config file
   exists; Prisma 7 no longer reads it at all);
4. ``seed.py`` next to the schema.

As in Prisma, a configured value is a command line. Prisma hands it to the shell; we split it as
a POSIX shell splits words (quotes, no expansions) and run it directly, unless it uses the shell
itself (``&&``, ``|``, ``;``, redirections, ``$VAR``, globs...): then it runs through the shell
(``/bin/sh -c``; ``cmd /c`` on Windows), as in Prisma. A value that is just a ``.py`` file, or
whose program is ``python``/``python3``, runs with the interpreter that runs schemashift
(``sys.executable``): in a pipx or ``uv tool`` install that is the tool's own environment, where
``schemashift.client`` (the generated client's runtime) is importable. Arguments after
``db seed --`` are appended (quoted for the shell when it runs one). The seed runs with the
project's environment (``.env`` already loaded), from the project folder; a seed that exits
non-zero is an error (exit 1), never reported as done.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from schemashift.errors import SchemashiftError

PYTHON_NAMES = ("python", "python3")
_SHELL_SYNTAX = re.compile(r"[|&;<>()$`*?\[\]{}~!#\n]")  # what only a shell gives a meaning to


def _shell() -> list[str]:
    if os.name == "nt":
        return [os.environ.get("COMSPEC", "cmd.exe"), "/d", "/s", "/c"]
    return ["/bin/sh", "-c"]


def _is_shell(command: list[str]) -> bool:
    return len(command) == len(_shell()) + 1 and command[:-1] == _shell()


def _python_command(args: list[str]) -> list[str]:
    """``python x.py`` / ``x.py`` with the current interpreter; anything else as given."""
    if len(args) == 1 and args[0].endswith(".py"):
        return [sys.executable, args[0]]
    if args and args[0] in PYTHON_NAMES:
        return [sys.executable, *args[1:]]
    return args


def _command(value: str, where: str) -> list[str]:
    """A configured seed command as the argument list to run (see the module)."""
    try:
        args = shlex.split(value)
    except ValueError as exc:
        raise SchemashiftError(f"The seed command in {where} cannot be read: {exc} (`{value}`).") from None
    if not args:
        raise SchemashiftError(f"The seed command in {where} is empty.")
    unquoted = re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", "", value)  # shell syntax inside quotes is text
    if _SHELL_SYNTAX.search(unquoted):
        first, _, rest = value.strip().partition(" ")
        if first in PYTHON_NAMES:
            value = f"{shlex.quote(sys.executable)} {rest}".rstrip()
        return [*_shell(), value]
    return _python_command(args)


def package_json_seed(cwd: Path) -> str | None:
    """``prisma.seed`` of ``cwd/package.json``, or None."""
    path = cwd / "package.json"
    if not path.is_file():
        return None
    from schemashift.errors import read_text

    try:
        data = json.loads(read_text(path, "package.json "))
    except json.JSONDecodeError as exc:
        raise SchemashiftError(f"package.json is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}.") from None
    prisma = data.get("prisma") if isinstance(data, dict) else None
    if not isinstance(prisma, dict) or "seed" not in prisma:
        return None
    seed = prisma["seed"]
    if not isinstance(seed, str):
        raise SchemashiftError('`"prisma": {"seed": ...}` in package.json must be a string (a command).')
    return seed


def find_seed(cwd: Path, schema_dir: Path) -> list[str] | None:
    """The seed command as an argument list, or None when none is configured (see the module)."""
    from schemashift.config import tool_settings
    from schemashift.prisma_config import find_config

    prisma_config = find_config(cwd)
    configured = tool_settings(cwd).get("seed")
    if prisma_config is not None and (prisma_config.readable("migrations.seed") or not configured):
        from_config = prisma_config.get("migrations.seed")  # unreadable, and not in pyproject.toml: the error
        if from_config:
            return _command(from_config, prisma_config.display)
    if configured:
        if not isinstance(configured, str):
            raise SchemashiftError("`[tool.schemashift] seed` in pyproject.toml must be a string (a command).")
        return _command(configured, "pyproject.toml")
    if prisma_config is None:
        from_package = package_json_seed(cwd)
        if from_package is not None:
            return _command(from_package, "package.json")
    default = schema_dir / "seed.py"
    if default.is_file():
        return [sys.executable, os.path.relpath(default, cwd)]
    return None


def run_seed(
    command: list[str], cwd: Path, echo: Callable[[str], None] = print, args: Sequence[str] = ()
) -> None:
    """Run the seed with ``args`` appended; a failure (non-zero exit) is a SchemashiftError."""
    if _is_shell(command):
        line = " ".join([command[-1], *([shlex.join(args)] if args else [])])
        command = [*command[:-1], line]
        shown = line.replace(shlex.quote(sys.executable), "python", 1)
    else:
        command = [*command, *args]
        shown = shlex.join(["python" if c == sys.executable else c for c in command])
    echo(f"Running seed command `{shown}` ...")
    sys.stdout.flush()  # before the seed's own output
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
