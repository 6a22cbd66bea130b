"""Side by side with squawk: run both linters on every corpus file and compare, rule by rule,
which statements each flags.

    python scripts/squawk_compare.py [--corpus DIR] [--json] [--write-baseline]

Each file is linted by squawk the way schemashift will run it: with ``--assume-in-transaction``
unless the migration runs statement by statement (CONCURRENTLY, ``-- schemashift:transaction
off``). A finding is mapped to the statement that contains it, so the comparison is per
(file, statement). For every squawk rule: squawk's hits, ours (our rules that cover it, every
rule enabled), the hits both report, and the agreement |both| / |either| (1.0 when neither fires).
"""

from __future__ import annotations

import argparse
import bisect
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

CORPUS = REPO / "tests" / "safety" / "corpus" / "postgresql"
BASELINE = REPO / "tests" / "safety" / "squawk_agreement.json"

# squawk 2.x's rules: on by default, and opt-in (run here with --include); see docs/lint.md.
SQUAWK_DEFAULT = """adding-field-with-default adding-foreign-key-constraint adding-not-nullable-field
adding-required-field adding-serial-primary-key-field ban-alter-domain-with-add-constraint
ban-alter-identity ban-char-field ban-concurrent-index-creation-in-transaction
ban-create-domain-with-constraint ban-drop-column ban-drop-constraint ban-drop-database
ban-drop-default ban-drop-domain ban-drop-extension ban-drop-function ban-drop-generated-expression
ban-drop-not-null ban-drop-schema ban-drop-sequence ban-drop-table ban-drop-type ban-drop-view
ban-set-schema ban-truncate-cascade ban-uncommitted-transaction changing-column-type
constraint-missing-not-valid disallowed-unique-constraint identifier-too-long
prefer-bigint-over-int prefer-bigint-over-smallint prefer-identity prefer-robust-stmts
prefer-text-field prefer-timestamp-tz renaming-column renaming-object renaming-table
require-concurrent-index-creation require-concurrent-index-deletion
require-concurrent-partition-detach require-concurrent-reindex require-enum-value-ordering
require-lock-timeout require-statement-timeout transaction-nesting unused-ignore""".split()
SQUAWK_OPT_IN = """ban-add-column ban-add-composite-attribute ban-add-enum-value ban-alter-database-options
ban-alter-extension ban-alter-function-options ban-alter-generated-expression ban-alter-policy-condition
ban-alter-policy-roles ban-alter-role-options ban-alter-row-level-security ban-alter-sequence-values
ban-alter-system-options ban-alter-view-options ban-create-policy ban-detach-inheritance ban-disable-trigger
ban-drop-index ban-drop-policy ban-drop-trigger ban-duplicate-column-assignments ban-new-write-restriction
ban-replace-view-function ban-replica-identity ban-revoke ban-set-default prefer-repack
require-table-schema""".split()


@dataclass
class Row:
    rule: str
    squawk: set[tuple[str, int]] = field(default_factory=set)
    ours: set[tuple[str, int]] = field(default_factory=set)
    counterpart: list[str] = field(default_factory=list)

    @property
    def both(self) -> int:
        return len(self.squawk & self.ours)

    @property
    def agreement(self) -> float:
        either = self.squawk | self.ours
        return 1.0 if not either else len(self.squawk & self.ours) / len(either)


def squawk_binary() -> str | None:
    here = Path(sys.executable).parent / "squawk"
    return str(here) if here.is_file() else shutil.which("squawk")


def _run_squawk(binary: str, files: list[Path], in_tx: bool) -> list[dict]:
    out: list[dict] = []
    for i in range(0, len(files), 200):
        chunk = files[i : i + 200]
        # --pg-version 19: squawk's prefer-repack only fires from PostgreSQL 19 (where REPACK exists);
        # it changes nothing else on the corpus. We flag CLUSTER / VACUUM FULL on every version.
        args = [binary, "--reporter", "json", "--pg-version", "19", "--include", ",".join(SQUAWK_OPT_IN),
                *(["--assume-in-transaction"] if in_tx else []), *map(str, chunk)]
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        text = proc.stdout.strip()
        if text:
            out.extend(json.loads(text))
    return out


def compare(corpus: Path = CORPUS, binary: str | None = None) -> dict[str, Row]:
    from schemashift.dialects import get_dialect
    from schemashift.dialects.scripts import RunMode
    from schemashift.safety.lint import REGISTRY, LintConfig, lint_script
    from schemashift.safety.lint.source import load

    binary = binary or squawk_binary()
    if binary is None:
        raise RuntimeError("squawk is not installed (pip install squawk-cli)")
    files = sorted(corpus.glob("*.sql"))
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    scripts = {f: load(str(f), texts[f], "postgresql") for f in files}
    plans = {f: get_dialect("postgresql").plan_script(texts[f]) for f in files}
    tx = [f for f in files if plans[f].mode is not RunMode.STATEMENTS and not plans[f].refusing]
    no_tx = [f for f in files if f not in set(tx)]

    def stmt_at(f: Path, offset: int) -> int:
        starts = [s.start for s in scripts[f].statements]
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    rows = {r: Row(r) for r in SQUAWK_DEFAULT + SQUAWK_OPT_IN}
    for rule in REGISTRY.rules.values():
        for sq in rule.squawk:
            rows.setdefault(sq, Row(sq)).counterpart.append(rule.id)
    by_name = {str(f): f for f in files}
    for hit in _run_squawk(binary, tx, True) + _run_squawk(binary, no_tx, False):
        f = by_name.get(hit["file"]) or by_name.get(str(Path(hit["file"]).resolve()))
        if f is None:
            continue
        lines = scripts[f]._lines
        offset = lines[min(hit["line"], len(lines) - 1)] + hit["column"]
        rows.setdefault(hit["rule_name"], Row(hit["rule_name"])).squawk.add((f.name, stmt_at(f, offset)))
    config = LintConfig(all_rules=True)
    for f in files:
        for finding in lint_script(str(f), texts[f], "postgresql", config):
            # mapped by position, like squawk's findings (an ignore comment maps to the statement before it)
            offset = scripts[f]._lines[finding.line - 1] + finding.column - 1
            for sq in REGISTRY.rules[finding.rule].squawk:
                rows.setdefault(sq, Row(sq)).ours.add((f.name, stmt_at(f, offset)))
    return rows


def table(rows: dict[str, Row]) -> str:
    out = ["| squawk rule | squawk hits | ours | both | agreement | our rule(s) |", "|---|---:|---:|---:|---:|---|"]
    for name in sorted(rows):
        r = rows[name]
        out.append(
            f"| {name} | {len(r.squawk)} | {len(r.ours)} | {r.both} | {r.agreement:.1%} | "
            f"{', '.join(r.counterpart) or '-'} |"
        )
    total_s = sum(len(r.squawk) for r in rows.values())
    total_both = sum(r.both for r in rows.values())
    full = sum(1 for r in rows.values() if r.agreement == 1.0)
    out.append(f"\n{len(rows)} squawk rules, {full} in full agreement; {total_both} of squawk's {total_s} hits also ours.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--json", action="store_true", help="Print the rows as JSON.")
    ap.add_argument("--write-baseline", action="store_true", help=f"Record the agreement reached in {BASELINE.name}.")
    ap.add_argument("--diff", metavar="RULE", help="List the statements only one side flags for RULE.")
    args = ap.parse_args(argv)
    rows = compare(args.corpus)
    if args.diff:
        r = rows[args.diff]
        for who, items in (("squawk only", r.squawk - r.ours), ("ours only", r.ours - r.squawk)):
            for f, i in sorted(items):
                print(f"{who}: {f} statement {i}")
        return 0
    if args.json:
        print(json.dumps({k: {"squawk": len(v.squawk), "ours": len(v.ours), "both": v.both,
                              "agreement": round(v.agreement, 4), "counterpart": v.counterpart}
                          for k, v in sorted(rows.items())}, indent=2))
    else:
        print(table(rows))
    if args.write_baseline:
        BASELINE.write_text(json.dumps({k: round(v.agreement, 4) for k, v in sorted(rows.items())}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
