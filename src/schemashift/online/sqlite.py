"""Online mode on SQLite: nothing to do about locks (one writer at a time), but a table rebuild
(``RedefineTables``: new table, copy, drop, rename) is announced: a note on stderr and a comment
in the SQL, with the number of rows it copies."""

from __future__ import annotations

from collections.abc import Sequence

from schemashift.diff import steps as st
from schemashift.dialects.sqlite import SqliteDialect
from schemashift.online.plan import OnlineOptions, OnlinePlan, OnlineScript


def plan(steps: Sequence[st.Step], dialect: SqliteDialect, options: OnlineOptions) -> OnlinePlan:
    result = OnlinePlan()
    comments: list[str] = []
    for step in steps:
        if isinstance(step, st.RedefineTables):
            for r in step.tables:
                rows = options.row_counts.get(r.previous.name)
                count = "an unknown number of rows" if rows is None else f"{rows} rows"
                text = f"Table `{r.previous.name}` is rebuilt (new table, copy, drop, rename): copies {count}."
                result.notes.append(f"Online mode: {text}")
                comments.append(f"-- schemashift:online {text}")
    script = dialect.render_script(steps)
    if comments:
        script = "\n".join(comments) + "\n\n" + script
    result.scripts = [OnlineScript("", script)]
    return result
