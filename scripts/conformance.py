#!/usr/bin/env python3
"""Report schemashift's agreement with Prisma's own PSL test corpus (../shared/conformance).

    python scripts/conformance.py [--suite validation|validation_inline|all] [--filter SUBSTR]
                                  [--show-misses N] [--json]

Figures: same verdict (valid / warnings / errors / errors+warnings), same line for the first error,
rendered plain text byte-identical to Prisma's. The corpus is read in place, never copied.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "conformance"
_LINE = re.compile(r"^  -->  schema\.prisma:(\d+)$", re.M)


@dataclass
class Case:
    suite: str
    path: str
    source: str
    kind: str
    expected_plain: str

    @property
    def expected_first_error_line(self) -> int | None:
        blocks = self.expected_plain.split("\nerror: ")
        if self.expected_plain.startswith("error: "):
            text = self.expected_plain
        elif len(blocks) > 1:
            text = blocks[1]
        else:
            return None
        m = _LINE.search(text)
        return int(m.group(1)) if m else None


@dataclass
class Outcome:
    case: Case
    verdict: str
    first_error_line: int | None
    plain: str
    crashed: str | None = None

    @property
    def verdict_ok(self) -> bool:
        return self.verdict == self.case.kind

    @property
    def line_ok(self) -> bool:
        return self.first_error_line == self.case.expected_first_error_line

    @property
    def exact(self) -> bool:
        return self.plain == self.case.expected_plain


def load_cases(suite: str = "all") -> list[Case]:
    suites = ["validation", "validation_inline"] if suite == "all" else [suite]
    out: list[Case] = []
    for s in suites:
        for line in (CORPUS / "manifests" / f"{s}.jsonl").read_text().splitlines():
            d = json.loads(line)
            src = (CORPUS / s / d["path"]).read_bytes().decode("utf-8")
            out.append(Case(s, d["path"], src, d["kind"], d["expected_plain"]))
    return out


def run_case(case: Case) -> Outcome:
    from schemashift import psl

    try:
        diags = psl.validate(case.source)
        plain = psl.render(case.source, diags) if diags else ""
    except Exception as exc:  # the report must go on; a crash is a miss
        return Outcome(case, "crash", None, "", crashed=f"{type(exc).__name__}: {exc}")
    errors = [d for d in diags if d.severity == "error"]
    warnings = [d for d in diags if d.severity == "warning"]
    verdict = {
        (False, False): "valid",
        (False, True): "warnings",
        (True, False): "errors",
        (True, True): "errors+warnings",
    }[(bool(errors), bool(warnings))]
    return Outcome(case, verdict, errors[0].line if errors else None, plain)


def summarize(outcomes: list[Outcome]) -> dict[str, float | int]:
    n = len(outcomes)
    with_errors = [o for o in outcomes if o.case.expected_first_error_line is not None]
    return {
        "cases": n,
        "verdict_same": sum(o.verdict_ok for o in outcomes),
        "first_error_line_same": sum(o.line_ok for o in with_errors),
        "cases_with_errors": len(with_errors),
        "plain_exact": sum(o.exact for o in outcomes),
        "crashes": sum(o.crashed is not None for o in outcomes),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default="all")
    ap.add_argument("--filter", default="")
    ap.add_argument("--show-misses", type=int, default=0, help="print N misses (verdict/line/exact)")
    ap.add_argument("--only", choices=["verdict", "line", "exact"], default="verdict")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO / "src"))
    cases = [c for c in load_cases(args.suite) if args.filter in f"{c.suite}/{c.path}"]
    t0 = time.perf_counter()
    outcomes = [run_case(c) for c in cases]
    elapsed = time.perf_counter() - t0
    s = summarize(outcomes)
    if args.json:
        print(json.dumps(s))
    else:
        n, ne = s["cases"] or 1, s["cases_with_errors"] or 1
        print(f"cases {s['cases']}  ({elapsed:.2f}s)")
        print(f"verdict same       {s['verdict_same']:4}  {100 * s['verdict_same'] / n:6.2f}%")
        print(f"first error line   {s['first_error_line_same']:4}  {100 * s['first_error_line_same'] / ne:6.2f}%  (of {s['cases_with_errors']})")
        print(f"plain text exact   {s['plain_exact']:4}  {100 * s['plain_exact'] / n:6.2f}%")
        print(f"crashes            {s['crashes']:4}")
    shown = 0
    for o in outcomes:
        if shown >= args.show_misses:
            break
        miss = {"verdict": not o.verdict_ok, "line": not o.line_ok, "exact": not o.exact}[args.only]
        if not miss:
            continue
        shown += 1
        print(f"\n=== {o.case.suite}/{o.case.path}: expected {o.case.kind}, got {o.verdict}")
        if o.crashed:
            print("CRASH:", o.crashed)
        print("--- expected\n" + o.case.expected_plain + "--- got\n" + o.plain)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
