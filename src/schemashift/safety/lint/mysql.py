"""MySQL checks, over the tokens of each statement (split and lexed like schemashift applies them)."""

from __future__ import annotations

from schemashift.dialects.scripts import ONLINE_COPY
from schemashift.safety.lint import myrules as M
from schemashift.safety.lint import pgrules as R
from schemashift.safety.lint.engine import Context, TokenReport
from schemashift.safety.lint.source import Statement
from schemashift.safety.lint.tokens import Tok, has_seq, split_top, table_name, tokenize, words

DDL = {"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"}
NOT_COLUMN = {"CONSTRAINT", "INDEX", "KEY", "UNIQUE", "PRIMARY", "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK", "PARTITION"}


def _option(tokens: list[Tok], name: str) -> str:
    """The value of ``ALGORITHM=X`` / ``LOCK=X`` in an ALTER TABLE, upper-cased, or ''."""
    for i, t in enumerate(tokens):
        if t.upper == name:
            j = i + 1
            if j < len(tokens) and tokens[j].value == "=":
                j += 1
            if j < len(tokens):
                return tokens[j].value.upper()
    return ""


# Words that end a column's type in a column definition.
TYPE_END = {"NOT", "NULL", "DEFAULT", "AUTO_INCREMENT", "PRIMARY", "UNIQUE", "KEY", "COMMENT", "COLLATE",
            "CHARACTER", "CHARSET", "ON", "REFERENCES", "CHECK", "GENERATED", "AS", "FIRST", "AFTER",
            "VISIBLE", "INVISIBLE", "SRID", "STORAGE", "COLUMN_FORMAT", "ENGINE_ATTRIBUTE", "CONSTRAINT"}


def column_type(tokens: list[Tok]) -> tuple[str, ...]:
    """The type of a column definition (after the column name), e.g. ('VARCHAR', '(', '191', ')')."""
    out: list[str] = []
    depth = 0
    for t in tokens:
        if depth == 0 and (t.upper in TYPE_END or t.value == ","):
            break
        if t.value == "(":
            depth += 1
        elif t.value == ")":
            depth -= 1
        out.append(t.upper or t.value)
    return tuple(out)


def _in_place(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """MODIFY that keeps the type (nullability, default, comment) or only widens a VARCHAR within
    the same length-prefix size (assuming 4-byte utf8mb4): no table copy."""
    if before == after:
        return True
    if len(before) == len(after) == 4 and before[0] == after[0] == "VARCHAR" and before[2].isdigit() and after[2].isdigit():
        n, m = int(before[2]), int(after[2])
        return m >= n and (n * 4 <= 255) == (m * 4 <= 255)
    return False


def _record_columns(ctx: Context, table: str, rest: list[Tok]) -> None:
    """Column types of CREATE TABLE t (...), for later MODIFY statements."""
    if not rest or rest[0].value != "(":
        return
    depth, end = 0, len(rest)
    for i, t in enumerate(rest):
        depth += t.value == "("
        depth -= t.value == ")"
        if depth == 0:
            end = i
            break
    for element in split_top(rest[1:end]):
        if element[0].upper in NOT_COLUMN or element[0].kind not in ("word", "ident"):
            continue
        ctx.history.columns[(table, element[0].name)] = column_type(element[1:])


def check(ctx: Context) -> None:
    created: set[str] = set()
    ddl_seen = 0
    for stmt in ctx.script.statements:
        toks = tokenize(stmt.text, mysql=True)
        if not toks:
            continue
        head = toks[0].upper
        report = ctx.token_report(stmt)
        if head in DDL:
            ddl_seen += 1
            if ddl_seen == 2:
                report(M.MYSQL_NON_TRANSACTIONAL_DDL)
        w = words(toks)
        if head == "CREATE" and "TABLE" in w[:4]:
            i = w.index("TABLE") + 1
            if w[i : i + 3] == ["IF", "NOT", "EXISTS"]:
                i += 3
            name, j = table_name(toks, i)
            created.add(name)
            _record_columns(ctx, name, toks[j:])
        elif head == "DROP" and len(w) > 1 and w[1] in ("TABLE", "TABLES") or w[:3] == ["DROP", "TEMPORARY", "TABLE"]:
            if "TEMPORARY" not in w[:2]:
                report(R.BAN_DROP_TABLE)
        elif head == "DROP" and len(w) > 1 and w[1] in ("DATABASE", "SCHEMA"):
            report(R.BAN_DROP_DATABASE)
        elif head == "RENAME" and len(w) > 1 and w[1] == "TABLE":
            report(R.RENAMING_TABLE)
        elif head == "ALTER" and "TABLE" in w[:3]:
            _alter_table(ctx, stmt, toks, w.index("TABLE") + 1, created, report)


def _alter_table(ctx: Context, stmt: Statement, toks: list[Tok], at: int, created: set[str], report: TokenReport) -> None:
    table, i = table_name(toks, at)
    ctx.on_table(stmt, table)
    new = table in created
    algorithm = _option(toks, "ALGORITHM")
    # an online copy (pt-online-schema-change, `-- schemashift:online-copy`) blocks no writes either
    online = algorithm in ("INSTANT", "INPLACE") or _online_copy(ctx, stmt)
    for action in split_top(toks[i:]):
        w = words(action)
        first = w[0]
        if first == "ADD":
            rest = w[1:]
            if rest[:1] == ["COLUMN"] or (rest and rest[0] not in NOT_COLUMN and action[1].kind in ("word", "ident")):
                k = 2 if rest[:1] == ["COLUMN"] else 1
                if len(action) > k:
                    ctx.history.columns[(table, action[k].name)] = column_type(action[k + 1 :])
                _add_column(action, online, algorithm, new, report)
            elif has_seq(action, "FOREIGN", "KEY") and not new and not online:  # INPLACE: checks off
                report(M.MYSQL_ADD_FOREIGN_KEY, action[0])
            elif has_seq(action, "PRIMARY", "KEY") and not new and not online:
                report(M.MYSQL_PRIMARY_KEY_CHANGE, action[0])
        elif first in ("MODIFY", "CHANGE"):
            k = 2 if w[1:2] == ["COLUMN"] else 1
            if len(action) <= k:
                continue
            old_name = action[k].name
            new_name = old_name
            if first == "CHANGE" and len(action) > k + 1:
                new_name = action[k + 1].name
                if old_name != new_name:
                    report(R.RENAMING_COLUMN, action[0])
                k += 1
            columns = ctx.history.columns
            before = columns.pop((table, old_name), None)
            after = column_type(action[k + 1 :])
            columns[(table, new_name)] = after
            if not new and not online and not (before is not None and _in_place(before, after)):
                report(M.MYSQL_COLUMN_TYPE_CHANGE, action[0])
        elif first == "DROP":
            second = w[1] if len(w) > 1 else ""
            if second == "PRIMARY" and not new:
                report(M.MYSQL_PRIMARY_KEY_CHANGE, action[0])
            elif len(action) > 1 and second not in NOT_COLUMN | {"DEFAULT"}:
                report(R.BAN_DROP_COLUMN, action[0])
        elif first == "RENAME":
            second = w[1] if len(w) > 1 else ""
            if second == "COLUMN":
                report(R.RENAMING_COLUMN, action[0])
            elif second not in ("INDEX", "KEY"):
                report(R.RENAMING_TABLE, action[0])
        elif (first == "CONVERT" or first == "ENGINE" or first == "FORCE") and not new:
            report(M.MYSQL_TABLE_REBUILD, action[0])
        elif first == "ALGORITHM" and algorithm == "COPY" and not new:
            report(M.MYSQL_TABLE_REBUILD, action[0])


def _online_copy(ctx: Context, stmt: Statement) -> bool:
    """The statement follows a ``-- schemashift:online-copy`` line (in the comments before it)."""
    before = [s for s in ctx.script.statements if s.end <= stmt.start]
    start = before[-1].end if before else 0
    return ONLINE_COPY.search(ctx.script.sql[start : stmt.start]) is not None


def _add_column(action: list[Tok], online: bool, algorithm: str, new: bool, report: TokenReport) -> None:
    w = words(action)
    generated = "AS" in w or "GENERATED" in w
    if has_seq(action, "NOT", "NULL") and "DEFAULT" not in w and "AUTO_INCREMENT" not in w and not generated and not new:
        report(
            R.ADDING_REQUIRED_FIELD, action[0],
            "Adding a NOT NULL column without a default: MySQL silently fills existing rows with the "
            "type's implicit default (0, '', '0000-00-00'), or fails in strict mode for some types.",
        )
    if ("FIRST" in w or "AFTER" in w) and algorithm != "INSTANT" and not new:
        report(M.MYSQL_ADD_COLUMN_POSITION, action[0])
