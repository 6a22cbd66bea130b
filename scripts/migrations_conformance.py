#!/usr/bin/env python3
"""Report schemashift's byte-exact agreement with Prisma 6.19 on the migrations corpus.

    python scripts/migrations_conformance.py [--show-misses N] [--filter SUBSTR] [--json]
    python scripts/migrations_conformance.py --fuzz N [--seed S] [--provider postgresql|sqlite]

Each case is ``diff_schemas(from.prisma | empty, to.prisma)`` compared byte for byte with
``expected.sql`` (../shared/conformance/migrations-postgres, read in place).

``--fuzz N``: a differential check instead: N seeded random schema pairs (random models with
scalar, list, enum and native-typed fields, defaults, keys, indexes, 1:1, 1:n and implicit m-n
relations, and a random mutation of them; some pairs are the empty schema), diffed by
schemashift and by Prisma 6.19's engine (``../shared/oracle/prisma6 batch-diff``, needs Node).
Pairs the engine rejects as invalid are not counted.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from schemashift.engine import diff_schemas

REPO = Path(__file__).resolve().parents[1]
ORACLE = REPO.parent / "shared" / "oracle" / "prisma6"

sys.path.insert(0, str(REPO / "tests" / "engine"))
from conformance_corpus import CORPUS, load_cases  # noqa: E402  (test helpers, not in the package)
from schema_gen import schema_pair  # noqa: E402  (the generator lives with the tests that use it)


def fuzz(count: int, seed: int, provider: str, show: int) -> int:
    pairs = [(s, *schema_pair(s, provider)) for s in range(seed, seed + count)]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text("".join(json.dumps({"id": s, "from": a, "to": b}) + "\n" for s, a, b in pairs))
        subprocess.run([str(ORACLE), "batch-diff", str(src), str(out)], check=True, capture_output=True)
        answers = [json.loads(line) for line in out.read_text().splitlines()]
    exact = invalid = 0
    misses = []
    for (s, a, b), answer in zip(pairs, answers):
        if "error" in answer:
            invalid += 1
            continue
        try:
            got = diff_schemas(a, b, provider)
        except Exception as exc:  # a crash is a miss
            got = f"<error: {type(exc).__name__}: {exc}>\n"
        if got == answer["sql"]:
            exact += 1
        else:
            misses.append((s, a, b, answer["sql"], got))
    valid = count - invalid
    last = seed + count - 1
    print(f"fuzz {provider} seeds {seed}..{last}: {exact}/{valid} byte-exact ({invalid} invalid pairs skipped)")
    for s, a, b, want, got in misses[:show]:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "prisma", "schemashift"))
        print(f"\n=== seed {s}\n--- from\n{a}\n--- to\n{b}\n{diff}")
    return 0 if not misses else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", type=int, default=5, metavar="N")
    parser.add_argument("--filter", default="")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fuzz", type=int, default=0, metavar="N", help="N random schema pairs vs the oracle")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--provider", default="postgresql", choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    if args.fuzz:
        return fuzz(args.fuzz, args.seed, args.provider, args.show_misses)

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
