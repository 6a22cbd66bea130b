"""Rendering a check report: text, JSON, GitHub workflow commands (and the job summary)."""

from __future__ import annotations

import json
from pathlib import Path

from schemashift.check.model import Annotation, CheckResult, Report

FORMATS = ("text", "json", "github")
_LABEL = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "skipped": "SKIP"}


def render(report: Report, fmt: str) -> str:
    return {"text": text, "json": as_json, "github": github}[fmt](report)


def _summary(report: Report) -> str:
    n = len(report.results)
    return (
        f"{n} check(s): {report.count('pass')} passed, {report.count('warn')} warning(s), "
        f"{report.count('fail')} failed, {report.count('skipped')} skipped."
        + (" --strict: warnings fail." if report.strict and report.count("warn") else "")
    )


def text(report: Report) -> str:
    width = max((len(r.id) for r in report.results), default=0)
    out = []
    for r in report.results:
        out.append(f"{_LABEL[r.status]}  {r.id.ljust(width)}  {r.message}")
        out.extend(f"      {line}" for line in r.details)
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def as_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2) + "\n"


def _command(level: str, message: str, title: str, note: Annotation | None = None, root: Path | None = None) -> str:
    from schemashift.gitrepo import repo_path
    from schemashift.safety.lint.output import escape_data, escape_property

    props = []
    if note is not None:
        path = (repo_path(note.path, root) if root is not None else None) or note.path
        props.append(f"file={escape_property(path)}")
        for key, value in (("line", note.line), ("col", note.column), ("endLine", note.end_line),
                           ("endColumn", note.end_column)):
            if value is not None:
                props.append(f"{key}={value}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def github(report: Report) -> str:
    """Workflow commands: an ``::error``/``::warning`` per failed/warning check, and one per file
    annotation (lint findings, uncommitted files, schema errors) with ``file=`` relative to the
    repository root, so GitHub shows them on the pull request's files. Passed and skipped checks
    are plain log lines. With ``GITHUB_STEP_SUMMARY`` set, a table is added to the job summary."""
    from schemashift.gitrepo import repo_root

    root = repo_root()
    out = []
    for r in report.results:
        if r.status in ("fail", "warn"):
            level = "error" if r.status == "fail" else "warning"
            body = "\n".join([r.message, *r.details])
            out.append(_command(level, body, f"schemashift check: {r.id}"))
            for note in r.annotations:
                out.append(_command(note.level if r.status == "fail" else "warning", note.message,
                                    note.title or r.id, note, root))
        else:
            out.append(f"{_LABEL[r.status]}  {r.id}: {r.message}")
    out.append(_summary(report))
    _step_summary(report)
    return "\n".join(out) + "\n"


def step_summary_markdown(report: Report) -> str:
    icon = {"pass": "✅", "warn": "⚠️", "fail": "❌", "skipped": "⏭️"}
    rows = [
        "### schemashift check",
        "",
        "| | check | result |",
        "|---|---|---|",
        *(f"| {icon[r.status]} | {r.title} (`{r.id}`) | {_cell(r)} |" for r in report.results),
        "",
        _summary(report),
        "",
    ]
    return "\n".join(rows)


def _cell(r: CheckResult) -> str:
    return r.message.replace("|", "\\|").replace("\n", " ")


def _step_summary(report: Report) -> None:
    import os

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(step_summary_markdown(report))
    except OSError:
        pass  # the summary is a convenience: the annotations and the exit code carry the result
