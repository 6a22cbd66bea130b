"""``-- schemashift:ignore RULE_ID reason`` comments: which statement each one silences.

An ignore comment applies to the statement it sits in or at the end of (a trailing comment on
the statement's last line), or else to the next statement (the comment on the line(s) before
it). Several rules may be named, separated by commas. A reason is required: an ignore without
one silences nothing and is itself reported (``invalid-ignore``); one that silences nothing is
reported too (``unused-ignore``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from schemashift.safety.lint.source import Comment, Script

_IGNORE = re.compile(r"schemashift:ignore\b(.*)", re.S)


@dataclass
class Ignore:
    comment: Comment
    rules: tuple[str, ...]
    reason: str
    statement: int  # the statement it applies to, -1 when none follows
    used: set[str] = field(default_factory=set)


def _comment_body(text: str) -> str:
    if text.startswith("/*"):
        return text[2:-2] if text.endswith("*/") else text[2:]
    return text.lstrip("-#")


def parse_ignores(script: Script) -> list[Ignore]:
    out: list[Ignore] = []
    starts = [s.start for s in script.statements]
    for c in script.comments:
        m = _IGNORE.search(_comment_body(c.text))
        if m is None or not _comment_body(c.text).strip().startswith("schemashift:ignore"):
            continue
        words = m.group(1).strip().split(None, 1)
        names = tuple(n for n in (words[0].split(",") if words else []) if n)
        reason = words[1].strip() if len(words) > 1 else ""
        out.append(Ignore(c, names, reason, _owner(script, starts, c)))
    return out


def _owner(script: Script, starts: list[int], c: Comment) -> int:
    i = bisect.bisect_right(starts, c.start) - 1  # the last statement starting before the comment
    if i >= 0:
        st = script.statements[i]
        if c.start < st.end:
            return i  # inside the statement
        between = script.sql[st.end : c.start]
        if "\n" not in between and between.strip(" \t;") == "":
            return i  # trailing comment on the statement's last line
    nxt = i + 1
    return nxt if nxt < len(script.statements) else -1
