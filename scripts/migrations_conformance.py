#!/usr/bin/env python3
"""Report schemashift's byte-exact agreement with Prisma 6.19 on the migrations corpus.

    python scripts/migrations_conformance.py [--show-misses N] [--filter SUBSTR] [--json]

Each case is ``diff_schemas(from.prisma | empty, to.prisma)`` compared byte for byte with
``expected.sql`` (../shared/conformance/migrations-postgres, read in place).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time

from schemashift.diff.corpus import CORPUS, load_cases
from schemashift.engine import diff_schemas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", type=int, default=5, metavar="N")
    parser.add_argument("--filter", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    cases = [c for c in load_cases() if args.filter in c.dir]
    if not cases:
        print(f"no cases (corpus expected at {CORPUS})", file=sys.stderr)
        return 1
    misses: list[tuple[str, str]] = []
    start = time.perf_counter()
    for case in cases:
        try:
            got = diff_schemas(case.from_src, case.to_src, case.provider)
        except Exception as exc:  # a crash is a miss with its reason
            got = f"<error: {type(exc).__name__}: {exc}>\n"
        if got != case.expected:
            diff = "".join(
                difflib.unified_diff(case.expected.splitlines(True), got.splitlines(True), "expected", "got", n=1)
            )
            misses.append((case.dir, diff))
    elapsed = time.perf_counter() - start
    exact = len(cases) - len(misses)
    if args.json:
        print(json.dumps({"cases": len(cases), "exact": exact, "misses": [d for d, _ in misses], "seconds": elapsed}))
        return 0
    print(f"migrations-postgres: {exact}/{len(cases)} byte-exact ({100 * exact / len(cases):.1f}%) in {elapsed:.2f} s")
    for name, diff in misses[: args.show_misses]:
        print(f"\n=== {name}\n{diff}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
