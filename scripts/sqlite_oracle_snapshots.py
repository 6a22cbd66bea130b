#!/usr/bin/env python3
"""Generate the SQLite snapshot fixtures' ``expected.sql`` with the Prisma 6.19 oracle.

    python scripts/sqlite_oracle_snapshots.py [--force] [--check] [CASE ...]

Each case is a folder ``tests/engine/fixtures/sqlite/<case>/`` holding ``to.prisma`` and, for a
schema-to-schema diff, ``from.prisma`` (no ``from.prisma``: the diff starts from the empty
database). The oracle (``/work/shared/oracle/prisma6``, or ``$PRISMA6``) runs every case in one
``batch-diff`` process and its script is written to ``expected.sql``, once: existing files are
kept unless ``--force``. ``--check`` writes nothing and reports the cases whose ``expected.sql``
disagrees with the oracle (or is missing); it exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "engine" / "fixtures" / "sqlite"
DEFAULT_ORACLE = "/work/shared/oracle/prisma6"


def cases(names: list[str]) -> list[Path]:
    found = sorted(p for p in FIXTURES.iterdir() if (p / "to.prisma").is_file())
    if names:
        wanted = set(names)
        found = [p for p in found if p.name in wanted]
        missing = wanted - {p.name for p in found}
        if missing:
            raise SystemExit(f"unknown cases: {', '.join(sorted(missing))}")
    return found


def run_oracle(oracle: str, selected: list[Path]) -> dict[str, str]:
    """case name -> the oracle's script; an engine error aborts (a fixture must be valid)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for case in selected:
                from_path = case / "from.prisma"
                line = {
                    "id": case.name,
                    "provider": "sqlite",
                    "from": from_path.read_text(encoding="utf-8") if from_path.is_file() else None,
                    "to": (case / "to.prisma").read_text(encoding="utf-8"),
                }
                f.write(json.dumps(line) + "\n")
        subprocess.run([oracle, "batch-diff", str(src), str(out)], check=True, stderr=subprocess.DEVNULL)
        results: dict[str, str] = {}
        errors: list[str] = []
        for raw in out.read_text(encoding="utf-8").splitlines():
            item = json.loads(raw)
            if "error" in item:
                errors.append(f"{item['id']}: {item['error']}")
            else:
                results[item["id"]] = item["sql"]
    if errors:
        raise SystemExit("the oracle rejected some cases:\n" + "\n".join(errors))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*")
    parser.add_argument("--force", action="store_true", help="overwrite existing expected.sql files")
    parser.add_argument("--check", action="store_true", help="compare with the oracle, write nothing")
    args = parser.parse_args()

    selected = cases(args.cases)
    if not args.check and not args.force:
        selected = [p for p in selected if not (p / "expected.sql").is_file()]
    if not selected:
        print("nothing to do")
        return 0
    results = run_oracle(os.environ.get("PRISMA6", DEFAULT_ORACLE), selected)
    if args.check:
        stale = [
            p.name
            for p in selected
            if not (p / "expected.sql").is_file() or (p / "expected.sql").read_text(encoding="utf-8") != results[p.name]
        ]
        print(f"{len(selected) - len(stale)}/{len(selected)} expected.sql agree with the oracle")
        for name in stale:
            print(f"  differs: {name}")
        return 1 if stale else 0
    for case in selected:
        (case / "expected.sql").write_text(results[case.name], encoding="utf-8")
    print(f"wrote {len(selected)} expected.sql")
    return 0


if __name__ == "__main__":
    sys.exit(main())
