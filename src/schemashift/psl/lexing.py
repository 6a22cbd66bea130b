"""The lexical pieces of PSL shared by the parser (AST) and the formatter (lossless tree).

Both follow Prisma's pest grammar: whitespace, newlines, identifiers (a letter or ASCII digit,
then letters, digits, ``_``, ``-``; any Unicode letter counts) and dotted paths. The ASCII case is
one regex match; non-ASCII letters take the slow path.
"""

from __future__ import annotations

import re

WS = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
NL = r"(?:\r\n|\n|\r)"
ASCII_IDENT = r"[A-Za-z0-9][A-Za-z0-9_-]*+"

ascii_ident = re.compile(ASCII_IDENT).match
ascii_path = re.compile(rf"{ASCII_IDENT}(?:\.(?:{ASCII_IDENT})?)*+").match


def ident_tail(src: str, i: int) -> int:
    """Continue an identifier at ``i`` (slow path for non-ASCII letters)."""
    n = len(src)
    while i < n:
        c = src[i]
        if c < "\x80":
            if not (c.isalnum() or c == "_" or c == "-"):
                break
        elif not c.isalpha():
            break
        i += 1
    return i


def ident_end(src: str, pos: int) -> int:
    """End of the identifier starting at ``pos``, or -1."""
    m = ascii_ident(src, pos)
    if m is not None:
        end = m.end()
        return ident_tail(src, end) if end < len(src) and src[end] >= "\x80" else end
    if pos < len(src) and src[pos] >= "\x80" and src[pos].isalpha():
        return ident_tail(src, pos + 1)
    return -1


def path_end(src: str, pos: int) -> int:
    """End of ``path = identifier ~ ("." ~ path?)*`` at ``pos``, or -1."""
    m = ascii_path(src, pos)
    if m is not None:
        end = m.end()
        if end >= len(src) or src[end] < "\x80":
            return end
    end = ident_end(src, pos)
    if end < 0:
        return -1
    n = len(src)
    while end < n and src[end] == ".":
        nxt = ident_end(src, end + 1)
        end = nxt if nxt >= 0 else end + 1
    return end
