"""The terminal: colour and encoding of the output, and the workflow's :class:`schemashift.migrations.dev.UI`."""

from __future__ import annotations

import os
import sys
from typing import TextIO

import click


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


def is_interactive() -> bool:
    """A person at a terminal: stdin and stdout are terminals and no CI runner is set."""
    if os.environ.get("CI") or os.environ.get("SCHEMASHIFT_NON_INTERACTIVE") == "1":
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


class ClickUI:
    def __init__(self, interactive: bool | None = None) -> None:
        self.interactive = is_interactive() if interactive is None else interactive

    def echo(self, text: str) -> None:
        click.echo(text)

    def confirm(self, question: str) -> bool:
        if not self.interactive:
            return False
        return click.confirm(question, default=False)

    def prompt(self, question: str) -> str:
        if not self.interactive:
            return ""
        return str(click.prompt(question, default="", show_default=False))
