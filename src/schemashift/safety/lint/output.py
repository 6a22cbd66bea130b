"""Rendering findings: text, json, GitHub workflow commands, SARIF 2.1.0."""

from __future__ import annotations

import json
import os
from pathlib import Path

from schemashift import gitrepo
from schemashift.safety.lint.model import REGISTRY, Finding

#: SARIF's name for the root that result paths are relative to (GitHub code scanning resolves it
#: to the checkout)
SRCROOT = "%SRCROOT%"


def render(findings: list[Finding], fmt: str, files: int) -> str:
    return {"text": text, "json": as_json, "github": github, "sarif": sarif}[fmt](findings, files)


def text(findings: list[Finding], files: int) -> str:
    out = []
    for f in findings:
        out.append(f"{f.path}:{f.line}:{f.column}: {f.level}[{f.rule}] {f.message}\n  help: {f.help}")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    out.append(f"{files} migration file(s) checked: {errors} error(s), {warnings} warning(s).")
    return "\n".join(out) + "\n"


def as_json(findings: list[Finding], files: int) -> str:
    """One finding per line (the C encoder: fast on thousands of findings)."""
    rows = ",\n    ".join(json.dumps(f.as_dict()) for f in findings)
    return f'{{\n  "files": {files},\n  "findings": [' + (f"\n    {rows}\n  " if rows else "") + "]\n}\n"


def escape_data(s: str) -> str:
    """A GitHub workflow command's message, escaped (``%``, CR, LF)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """A GitHub workflow command's property value (``file=``, ``title=``), escaped."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding], files: int) -> str:
    """Workflow commands; ``file=`` is relative to the repository root, as GitHub expects, also
    when the command runs in a sub-folder (``working-directory:``)."""
    lines = []
    root = gitrepo.repo_root()
    for f in findings:
        kind = "error" if f.level == "error" else "warning"
        path = gitrepo.repo_path(f.path, root) or f.path
        props = (
            f"file={escape_property(path)},line={f.line},col={f.column},endLine={f.end_line},"
            f"endColumn={f.end_column},title={escape_property(f.rule)}"
        )
        lines.append(f"::{kind} {props}::{escape_data(f.message + ' Help: ' + f.help)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _artifact(path: str, root: Path) -> dict[str, str]:
    relative = gitrepo.repo_path(path, root)
    if relative is None:  # outside the repository: an absolute file URI
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": relative, "uriBaseId": SRCROOT}


def sarif(findings: list[Finding], files: int) -> str:
    """SARIF 2.1.0; result paths are relative to the repository root (``uriBaseId`` %SRCROOT%,
    whose absolute URI is in ``originalUriBaseIds``), as GitHub code scanning expects."""
    root = gitrepo.repo_root()
    used = sorted({f.rule for f in findings})
    index = {r: i for i, r in enumerate(used)}
    rules = [
        {
            "id": r,
            "name": r,
            "shortDescription": {"text": REGISTRY.rules[r].message},
            "help": {"text": REGISTRY.rules[r].help},
            "defaultConfiguration": {"level": "error" if REGISTRY.rules[r].level == "error" else "warning"},
        }
        for r in used
    ]
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "error" if f.level == "error" else "warning",
            "message": {"text": f"{f.message} Help: {f.help}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path, root),
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        for f in findings
    ]
    from schemashift import __version__

    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "schemashift-lint",
                        "version": __version__,
                        "informationUri": "https://github.com/schemashift/schemashift",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
