"""Lexical helpers over SQL text: statement splitting (MySQL) and placeholder rewriting (SQLite).

Both walk the text once, skipping string literals, quoted identifiers and comments, so a ``;``
or ``%s`` inside them is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_ROUTINE = re.compile(
    r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:AGGREGATE\s+)?"
    r"(?:PROCEDURE|FUNCTION|TRIGGER|EVENT|PACKAGE)\b",
    re.IGNORECASE,
)


def _skip_quoted(text: str, i: int, backslash: bool) -> int:
    """Index just past the literal/identifier that starts at ``text[i]`` (a quote character)."""
    quote = text[i]
    i += 1
    n = len(text)
    while i < n:
        c = text[i]
        if backslash and c == "\\" and quote != "`":
            i += 2
            continue
        if c == quote:
            if i + 1 < n and text[i + 1] == quote:  # doubled quote
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _skip_comment(text: str, i: int, mysql: bool) -> int:
    """Index past a comment starting at ``i``, or ``i`` when none starts there."""
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    line_comment = text.startswith("--", i) and (
        not mysql or i + 2 >= len(text) or text[i + 2] in " \t\r\n\f\v"
    )
    if line_comment or (mysql and text[i] == "#"):
        end = text.find("\n", i)
        return len(text) if end < 0 else end + 1
    return i


def _tokens(text: str, *, mysql: bool) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, kind)`` with kind ``code``, ``quoted`` or ``comment``."""
    i, n = 0, len(text)
    quotes = "'\"`" if mysql else "'\"`["
    while i < n:
        c = text[i]
        if c in quotes:
            if c == "[":
                end = text.find("]", i)
                j = n if end < 0 else end + 1
            else:
                j = _skip_quoted(text, i, backslash=mysql)
            yield i, j, "quoted"
            i = j
            continue
        j = _skip_comment(text, i, mysql)
        if j != i:
            yield i, j, "comment"
            i = j
            continue
        j = i + 1
        if c not in "-/#;":
            while j < n and text[j] not in quotes and text[j] not in "-/#;":
                j += 1
        yield i, j, "code"
        i = j


def split_mysql(script: str) -> list[str]:
    """Split a MySQL/MariaDB script into statements (without the trailing ``;``).

    Semicolons inside strings, backtick identifiers and comments (``-- ``, ``#``, ``/* */``) do not
    split. Inside ``CREATE PROCEDURE|FUNCTION|TRIGGER|EVENT`` bodies, semicolons nested in
    ``BEGIN … END`` (and ``CASE … END``) blocks do not split either, so no ``DELIMITER`` is needed.
    Statements made only of whitespace and comments are dropped.
    """
    splitter = _Splitter(script)
    for s, e, kind in _tokens(script, mysql=True):
        splitter.feed(s, e, kind)
    return splitter.finish()


class _Splitter:
    def __init__(self, script: str) -> None:
        self.script = script
        self.statements: list[str] = []
        self.start = 0
        self.depth = 0  # BEGIN/CASE nesting inside a routine body
        self.routine: bool | None = None  # decided at the first code of each statement
        self.has_code = False
        self.pending_end = False  # saw END: END IF/LOOP/WHILE/REPEAT close nothing we count

    def _resolve_end(self, word: str = "") -> bool:
        """Settle a pending END given the next word; True when that word is consumed."""
        if not self.pending_end:
            return False
        self.pending_end = False
        if word in {"IF", "LOOP", "WHILE", "REPEAT"}:
            return True
        self.depth = max(self.depth - 1, 0)
        return word == "CASE"

    def feed(self, s: int, e: int, kind: str) -> None:
        if kind == "comment":
            return
        if kind == "quoted":
            self.has_code = True
            self._resolve_end()
            return
        chunk = self.script[s:e]
        if chunk == ";":
            self._resolve_end()
            if self.depth == 0:
                self._cut(s, e)
            return
        if not chunk.strip():
            return
        if not self.has_code:
            self.has_code = True
            self.routine = _ROUTINE.match(self.script, s) is not None
        if not self.routine:
            return
        for word in _WORD.findall(chunk):
            upper = word.upper()
            if self._resolve_end(upper):
                continue
            if upper in {"BEGIN", "CASE"}:
                self.depth += 1
            elif upper == "END":
                self.pending_end = True

    def _cut(self, s: int, e: int) -> None:
        if self.has_code:
            self.statements.append(self.script[self.start : s].strip())
        self.start, self.routine, self.has_code = e, None, False

    def finish(self) -> list[str]:
        if self.has_code:
            self.statements.append(self.script[self.start :].strip())
        return self.statements


def qmark_placeholders(sql: str) -> str:
    """Rewrite ``%s`` placeholders as ``?`` and ``%%`` as ``%`` outside literals (SQLite)."""
    out: list[str] = []
    for s, e, kind in _tokens(sql, mysql=False):
        chunk = sql[s:e]
        if kind == "code":
            chunk = re.sub(r"%(%|s)", lambda m: "%" if m.group(1) == "%" else "?", chunk)
        out.append(chunk)
    return "".join(out)


def has_code(sql: str, *, mysql: bool) -> bool:
    """True when ``sql`` holds anything besides whitespace, comments and semicolons."""
    return any(
        kind == "quoted" or (kind == "code" and sql[s:e].strip(" \t\r\n\f\v;"))
        for s, e, kind in _tokens(sql, mysql=mysql)
    )
