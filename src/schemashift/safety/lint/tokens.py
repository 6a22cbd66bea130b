"""Tokens of a MySQL or SQLite statement, from the lexer the connectors split scripts with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemashift.connectors.sqltext import _tokens

_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?|\S")


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str  # "word", "ident" (quoted identifier), "string", "number", "punct"
    value: str  # identifiers unquoted
    start: int

    @property
    def upper(self) -> str:
        return self.value.upper() if self.kind == "word" else ""

    @property
    def name(self) -> str:
        """The identifier (quoted or bare) this token names, lower-cased for comparisons."""
        return self.value.lower() if self.kind in ("word", "ident") else ""


def tokenize(text: str, *, mysql: bool) -> list[Tok]:
    out: list[Tok] = []
    for s, e, kind in _tokens(text, mysql=mysql):
        chunk = text[s:e]
        if kind == "comment":
            continue
        if kind == "quoted":
            q = chunk[0]
            if q == "'" or (mysql and q == '"'):
                out.append(Tok("string", chunk[1:-1].replace(q + q, q), s))
            else:
                close = "]" if q == "[" else q
                out.append(Tok("ident", chunk[1:-1].replace(close + close, close), s))
            continue
        for m in _CODE.finditer(chunk):
            v = m.group()
            k = "word" if v[0].isalpha() or v[0] == "_" else "number" if v[0].isdigit() else "punct"
            out.append(Tok(k, v, s + m.start()))
    return out


def split_top(tokens: list[Tok], sep: str = ",") -> list[list[Tok]]:
    """Split at ``sep`` outside parentheses."""
    parts: list[list[Tok]] = [[]]
    depth = 0
    for t in tokens:
        if t.kind == "punct":
            if t.value == "(":
                depth += 1
            elif t.value == ")":
                depth -= 1
            elif t.value == sep and depth == 0:
                parts.append([])
                continue
        parts[-1].append(t)
    return [p for p in parts if p]


def words(tokens: list[Tok]) -> list[str]:
    return [t.upper for t in tokens]


def has_seq(tokens: list[Tok], *seq: str) -> bool:
    w = words(tokens)
    n = len(seq)
    return any(tuple(w[i : i + n]) == seq for i in range(len(w) - n + 1))


def table_name(tokens: list[Tok], at: int) -> tuple[str, int]:
    """The (possibly schema-qualified) table name starting at ``at``; returns (name, next index)."""
    name = tokens[at].name if at < len(tokens) else ""
    i = at + 1
    while i + 1 < len(tokens) and tokens[i].value == ".":
        name = tokens[i + 1].name
        i += 2
    return name, i
