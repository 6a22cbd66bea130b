"""The terminal side of the workflow's :class:`schemashift.migrations.dev.UI` (colour and output
encoding: ``schemashift.commands``, which ``cli.py`` imports without any command module)."""

from __future__ import annotations

import os
import sys
import click


def is_interactive() -> bool:
    """A person at a terminal: stdin and stdout are terminals and no CI runner is set."""
    if os.environ.get("CI") or os.environ.get("SCHEMASHIFT_NON_INTERACTIVE") == "1":
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


class ClickUI:
    """Messages on stdout (stderr with ``--json``, which also means no prompts: refused as in CI)."""

    def __init__(self, interactive: bool | None = None) -> None:
        from schemashift.commands.output import state

        self.interactive = (is_interactive() if interactive is None else interactive) and not state.json

    def echo(self, text: str) -> None:
        from schemashift.commands.output import human

        human(text)

    def confirm(self, question: str) -> bool:
        if not self.interactive:
            return False
        return click.confirm(question, default=False)

    def prompt(self, question: str) -> str:
        if not self.interactive:
            return ""
        return str(click.prompt(question, default="", show_default=False))
