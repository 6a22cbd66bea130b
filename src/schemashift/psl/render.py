"""Pretty-print diagnostics exactly like prisma-engines' ``psl/diagnostics`` pretty printer.

Each diagnostic becomes a block: a title line, ``-->  file:LINE``, the previous source line, the
line holding the start of the span with the span highlighted (cut at the end of that line), an
``^ Unexpected token.`` marker when the highlighted part is empty, the following lines a
multi-line span reaches, and a closing gutter. Warnings come first, then errors.

Our spans are character offsets, Prisma's are byte offsets; the printed text is the same because
every cut is taken within the one line the span starts on.
"""

from __future__ import annotations

from typing import Sequence

from schemashift.diagnostics import Diagnostic

__all__ = ["render_diagnostics", "render_one"]

_RESET = "\x1b[0m"
_GUTTER = "\x1b[1;94m"
_TITLE = {"error": "\x1b[1;91m", "warning": "\x1b[1;93m"}


def render_diagnostics(
    source: str | Sequence[tuple[str, str]],
    diagnostics: Sequence[Diagnostic],
    file_name: str = "schema.prisma",
    color: bool = False,
) -> str:
    """Render warnings then errors. ``source`` is one file's text, or a list of (path, text) that
    ``span.file_id`` indexes (then each block shows its own file's path)."""
    files = [(file_name, source)] if isinstance(source, str) else list(source)
    ordered = [d for d in diagnostics if d.severity == "warning"] + [
        d for d in diagnostics if d.severity != "warning"
    ]
    out = []
    for d in ordered:
        fid = d.span.file_id if d.span.file_id < len(files) else 0
        name, text = files[fid] if files else (file_name, "")
        out.append(render_one(text, d, name, color))
    return "".join(out)


def render_one(text: str, diagnostic: Diagnostic, file_name: str = "schema.prisma", color: bool = False) -> str:
    span = diagnostic.span
    start = max(0, min(span.start, len(text)))
    end = max(start, min(span.end, len(text)))
    start_line = text.count("\n", 0, start)
    end_line = start_line + text.count("\n", start, end)
    lines = text.split("\n")
    line = lines[start_line]
    line_start = start - (text.rfind("\n", 0, start) + 1)
    line_end = min(line_start + (end - start), len(line))
    prefix, offending, suffix = line[:line_start], line[line_start:line_end], line[line_end:]

    def paint(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if color else s

    def gutter(number: int) -> str:
        return paint(_GUTTER, f"{number:2} | " if number > 0 else "   | ")

    def numbered(number: int) -> str:
        if 0 < number <= len(lines):
            return gutter(number) + lines[number - 1]
        return gutter(number)

    primary = _TITLE["warning" if diagnostic.severity == "warning" else "error"]
    title = "warning" if diagnostic.severity == "warning" else "error"
    rows = [
        f"{paint(primary, title)}: {paint(chr(27) + '[1m', diagnostic.message)}",
        f"  {paint(_GUTTER, '-->')}  {paint(chr(27) + '[4m', f'{file_name}:{start_line + 1}')}",
        gutter(0),
        numbered(start_line),
        f"{gutter(start_line + 1)}{prefix}{paint(primary, offending)}{suffix}",
    ]
    if not offending:
        rows.append(f"{gutter(0)}{' ' * len(prefix.encode())}{paint(primary, '^ Unexpected token.')}")
    rows.extend(numbered(n) for n in range(start_line + 2, end_line + 2))
    rows.append(gutter(0))
    return "\n".join(rows) + "\n"
