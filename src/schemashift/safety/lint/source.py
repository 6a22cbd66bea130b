"""A migration script as the linter sees it: statements with their positions, and comments.

Statements are split by the dialect that applies the migration (``Dialect.plan_script``: Postgres'
own scanner, the MySQL lexer, SQLite's ``complete_statement``), and the script's plan says how it
will run (in a transaction, statement by statement, as written); comments come from the same
lexers, never from a regex over raw text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from schemashift.dialects import get_dialect
from schemashift.dialects.scripts import ScriptPlan

POSTGRES = ("postgresql", "postgres", "cockroachdb")


def family(provider: str) -> str:
    if provider in POSTGRES:
        return "postgresql"
    if provider in ("mysql", "mariadb"):
        return "mysql"
    return "sqlite"


@dataclass
class Statement:
    index: int
    text: str  # the statement, from its first code character, without the trailing ``;``
    start: int  # offset of ``text`` in the script (characters)
    end: int  # offset just past ``text``


@dataclass
class Comment:
    start: int
    end: int
    text: str
    ident: bool = False  # not a comment: a long identifier token (PostgreSQL scan)


@dataclass
class Script:
    path: str
    sql: str
    provider: str  # "postgresql", "mysql" or "sqlite"
    plan: ScriptPlan | None = None  # how schemashift will run it (mode, statements)
    statements: list[Statement] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    long_identifiers: list[Comment] = field(default_factory=list)
    _lines: list[int] = field(default_factory=list)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self._lines, offset) - 1
        return i + 1, offset - self._lines[i] + 1


def _skip_leading(text: str, mysql: bool) -> int:
    """Offset of the first code character of ``text`` (after whitespace and comments)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("--", i) or (mysql and c == "#"):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            break
    return i


def _locate(sql: str, pieces: list[str], mysql: bool) -> list[tuple[int, int]]:
    """Offsets of statements that the splitters return as text (each a verbatim substring)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        at = sql.find(piece, pos)
        if at < 0:  # cannot happen with verbatim pieces; keep going rather than fail
            continue
        out.append((at, at + len(piece)))
        pos = at + len(piece)
    return out


def _pg_comments(sql: str) -> list[Comment] | None:
    import pglast

    try:
        tokens = pglast.parser.scan(sql)
    except Exception:  # noqa: BLE001 - an unterminated literal: fall back to the generic lexer
        return None
    conv: Callable[[int], int]
    if sql.isascii():
        conv = lambda b: b  # noqa: E731
    else:
        data = sql.encode("utf-8")
        conv = lambda b: len(data[:b].decode("utf-8", "replace"))  # noqa: E731
    out = []
    for t in tokens:
        if t.name in ("SQL_COMMENT", "C_COMMENT"):
            s, e = conv(t.start), conv(t.end + 1)
            out.append(Comment(s, e, sql[s:e]))
        elif t.name == "IDENT" and t.end - t.start >= 63:  # possibly too long: kept for the linter
            s, e = conv(t.start), conv(t.end + 1)
            out.append(Comment(s, e, sql[s:e], ident=True))
    return out


def _lexer_comments(sql: str, mysql: bool) -> list[Comment]:
    from schemashift.connectors.sqltext import _tokens

    return [Comment(s, e, sql[s:e]) for s, e, kind in _tokens(sql, mysql=mysql) if kind == "comment"]


def load(path: str, sql: str, provider: str) -> Script:
    fam = family(provider)
    plan = get_dialect(fam).plan_script(sql)
    script = Script(path, sql, fam, plan)
    lines = [0]
    i = sql.find("\n")
    while i >= 0:
        lines.append(i + 1)
        i = sql.find("\n", i + 1)
    script._lines = lines
    mysql = fam == "mysql"
    if fam == "postgresql":
        import pglast

        try:
            spans = [(s.start, s.stop) for s in pglast.split(sql, with_parser=False, only_slices=True)]
        except pglast.parser.ParseError:  # e.g. an unterminated literal: one statement, a syntax error
            spans = [(0, len(sql))]
        comments = _pg_comments(sql)
        if comments is None:
            comments = _lexer_comments(sql, False)
        script.comments = [c for c in comments if not c.ident]
        script.long_identifiers = [c for c in comments if c.ident]
    else:
        spans = _locate(sql, list(plan.statements), mysql)
        script.comments = _lexer_comments(sql, mysql)
    for start, end in spans:
        text = sql[start:end]
        lead = _skip_leading(text, mysql)
        body = text[lead:].rstrip().rstrip(";").rstrip()
        if not body:
            continue
        s = start + lead
        script.statements.append(Statement(len(script.statements), body, s, s + len(body)))
    return script
