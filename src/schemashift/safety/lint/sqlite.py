"""SQLite checks, over the tokens of each statement (split with SQLite's complete_statement)."""

from __future__ import annotations

from schemashift.safety.lint import myrules as M
from schemashift.safety.lint import pgrules as R
from schemashift.safety.lint.engine import Context, TokenReport
from schemashift.safety.lint.tokens import Tok, has_seq, table_name, tokenize, words

CONSTANT_DEFAULT_START = {"string", "number"}


def check(ctx: Context) -> None:
    parsed = [(stmt, tokenize(stmt.text, mysql=False)) for stmt in ctx.script.statements]
    # Prisma's rebuild: CREATE TABLE "new_X"; INSERT INTO "new_X" ... SELECT ... FROM "X";
    # DROP TABLE "X"; ALTER TABLE "new_X" RENAME TO "X".
    renamed: dict[str, str] = {}  # new_X -> X, for tables created in this file and renamed over X
    made: set[str] = set()
    for _stmt, toks in parsed:
        w = words(toks)
        if w[:1] == ["CREATE"] and "TABLE" in w[:4]:
            i = w.index("TABLE") + 1
            made.add(table_name(toks, i + 3 if w[i : i + 3] == ["IF", "NOT", "EXISTS"] else i)[0])
        if w[:2] == ["ALTER", "TABLE"] and has_seq(toks, "RENAME", "TO"):
            src, _ = table_name(toks, 2)
            if src in made:
                renamed[src] = toks[-1].name
    rebuilt = set(renamed.values())
    created: set[str] = set()
    for stmt, toks in parsed:
        if not toks:
            continue
        w = words(toks)
        report = ctx.token_report(stmt)
        if w[0] == "CREATE" and "TABLE" in w[:4]:
            i = w.index("TABLE") + 1
            if w[i : i + 3] == ["IF", "NOT", "EXISTS"]:
                i += 3
            created.add(table_name(toks, i)[0])
        elif w[0] == "INSERT" and "SELECT" in w:
            target = table_name(toks, w.index("INTO") + 1)[0] if "INTO" in w else ""
            if target in renamed and "FROM" in w:
                source = toks[w.index("FROM") + 1].value
                report(M.SQLITE_TABLE_REBUILD, None,
                       f"This copies every row of `{source}` into its rebuilt table (SQLite cannot alter the "
                       "column in place): on a big table the write lock is held for the whole copy.")
        elif w[:2] == ["DROP", "TABLE"]:
            i = 4 if w[2:4] == ["IF", "EXISTS"] else 2
            name = table_name(toks, i)[0]
            if name not in rebuilt:
                report(R.BAN_DROP_TABLE)
        elif w[:2] == ["ALTER", "TABLE"]:
            table, i = table_name(toks, 2)
            rest = toks[i:]
            rw = words(rest)
            if rw[:2] == ["RENAME", "TO"]:
                if table not in renamed:
                    report(R.RENAMING_TABLE)
            elif rw[:1] == ["RENAME"]:
                report(R.RENAMING_COLUMN)
            elif rw[:1] == ["DROP"]:
                report(R.BAN_DROP_COLUMN)
            elif rw[:1] == ["ADD"] and table not in created:
                _add_column(rest, report)


def _add_column(rest: list[Tok], report: TokenReport) -> None:
    w = words(rest)
    if "DEFAULT" in w:
        value = rest[w.index("DEFAULT") + 1] if w.index("DEFAULT") + 1 < len(rest) else None
        constant = value is not None and (
            value.kind in CONSTANT_DEFAULT_START
            or value.upper in ("NULL", "TRUE", "FALSE")
            or (value.value in "+-" and value.kind == "punct")
        )
        if not constant:
            report(M.SQLITE_NON_CONSTANT_DEFAULT, value)
    elif has_seq(rest, "NOT", "NULL"):
        report(R.ADDING_REQUIRED_FIELD, None,
               "SQLite refuses to add a NOT NULL column without a default to an existing table: "
               "the statement fails (Cannot add a NOT NULL column with default value NULL).")
