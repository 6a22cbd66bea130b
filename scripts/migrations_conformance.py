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
import copy
import difflib
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from schemashift.diff.corpus import CORPUS, REPO, load_cases
from schemashift.engine import diff_schemas

ORACLE = REPO.parent / "shared" / "oracle" / "prisma6"


# ---------------------------------------------------------------- random schema pairs (--fuzz)


SCALARS = ("String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes")
NATIVE = {
    "String": ("@db.VarChar(255)", "@db.Text", "@db.Char(10)", "@db.VarChar(20)", "@db.Uuid", "@db.Xml"),
    "Int": ("@db.SmallInt", "@db.Integer"),
    "Float": ("@db.Real", "@db.DoublePrecision"),
    "Decimal": ("@db.Decimal(10, 2)", "@db.Money", "@db.Decimal(5,0)"),
    "DateTime": ("@db.Timestamp(6)", "@db.Timestamptz(3)", "@db.Date", "@db.Time(2)", "@db.Timestamp"),
    "Json": ("@db.Json", "@db.JsonB"),
}
DEFAULTS = {
    "String": ('"hello"', '"it\'s"', '""', "uuid()", "cuid()"),
    "Int": ("0", "42", "-7"),
    "BigInt": ("1", "99999999999"),
    "Float": ("1.5", "0", "-3.25"),
    "Decimal": ('"1.50"', "2.5"),
    "Boolean": ("true", "false"),
    "DateTime": ("now()", '"2020-01-01T00:00:00Z"', '"2021-06-01T10:20:30.123+02:00"'),
    "Json": ('"{}"', '"[1, 2]"'),
    "Bytes": ('"aGVsbG8="',),
}
LIST_DEFAULTS = {"Int": ("[1, 2]", "[]"), "String": ('["a", "b"]',), "Boolean": ("[true]",)}
VALUES = ("A", "B", "C", "D", "E", "F", "G")


@dataclass
class _Field:
    name: str
    type: str
    arity: str = ""  # "", "?", "[]"
    attrs: list[str] = field(default_factory=list)


@dataclass
class _Model:
    name: str
    id_type: str
    fields: list[_Field]
    block: list[str] = field(default_factory=list)


@dataclass
class _Schema:
    provider: str
    enums: dict[str, list[str]]
    models: list[_Model]
    relations: list[tuple[int, int, str, int]]  # (model a, model b, kind, number)


def _field(rng: random.Random, name: str, enums: dict[str, list[str]], native: bool) -> _Field:
    ftype = rng.choice(SCALARS + tuple(enums))
    lists = native  # scalar lists: PostgreSQL only
    arity = rng.choice(("", "", "?", "[]") if lists and ftype != "Json" else ("", "?"))
    f = _Field(name, ftype, arity)
    if native and ftype in NATIVE and rng.random() < 0.3:
        f.attrs.append(rng.choice(NATIVE[ftype]))
    if rng.random() < 0.35:
        if arity == "[]":
            if ftype in LIST_DEFAULTS:
                f.attrs.append(f"@default({rng.choice(LIST_DEFAULTS[ftype])})")
        elif ftype in enums:
            f.attrs.append(f"@default({rng.choice(enums[ftype])})")
        else:
            f.attrs.append(f"@default({rng.choice(DEFAULTS[ftype])})")
    if arity == "" and ftype != "Json" and rng.random() < 0.15:
        f.attrs.append("@unique")
    if rng.random() < 0.1:
        f.attrs.append(f'@map("col_{name}")')
    return f


def _schema(rng: random.Random, provider: str) -> _Schema:
    native = provider == "postgresql"
    enums = {f"E{i}": sorted(rng.sample(VALUES, rng.randint(1, 4))) for i in range(rng.randint(0, 2))}
    models = []
    for m in range(rng.randint(2, 5)):
        id_type = rng.choice(("Int", "String", "BigInt"))
        id_default = {"Int": " @default(autoincrement())", "String": " @default(cuid())", "BigInt": ""}[id_type]
        fields = [_Field("id", id_type, "", [f"@id{id_default if rng.random() < 0.5 else ''}"])]
        fields += [_field(rng, f"f{i}", enums, native) for i in range(rng.randint(1, 6))]
        model = _Model(f"M{m}", id_type, fields)
        plain = [f.name for f in fields if f.arity == "" and f.type != "Json"]
        if rng.random() < 0.4:
            model.block.append(f"@@index([{', '.join(rng.sample(plain, min(2, len(plain))))}])")
        if rng.random() < 0.2 and len(plain) >= 2:
            model.block.append(f"@@unique([{', '.join(rng.sample(plain, 2))}])")
        if rng.random() < 0.1:
            model.block.append(f'@@map("tbl_{m}")')
        models.append(model)
    relations = []
    for i in range(rng.randint(0, 3)):
        a, b = rng.sample(range(len(models)), 2)
        relations.append((a, b, rng.choice(("1n", "1n", "11", "mn")), i))
    return _Schema(provider, enums, models, relations)


def _mutate(rng: random.Random, s: _Schema) -> _Schema:
    s = copy.deepcopy(s)
    native = s.provider == "postgresql"
    for _ in range(rng.randint(1, 4)):
        model = rng.choice(s.models)
        others = [f for f in model.fields if f.name != "id"]
        op = rng.randrange(9)
        if op == 0:
            model.fields.append(_field(rng, f"n{rng.randrange(100)}", s.enums, native))
        elif op == 1 and others:
            dropped = rng.choice(others)
            model.fields.remove(dropped)
            model.block = [b for b in model.block if f"{dropped.name}," not in b and f"{dropped.name}]" not in b]
        elif op == 2 and others:
            f = rng.choice(others)
            f.type = rng.choice(tuple(t for t in SCALARS if t != "Json") + tuple(s.enums))
            f.attrs = [a for a in f.attrs if a.startswith(("@unique", "@map"))]
        elif op == 3 and others:
            f = rng.choice(others)
            f.arity = rng.choice(("", "?", "[]") if native and f.type != "Json" else ("", "?"))
            f.attrs = [a for a in f.attrs if a.startswith(("@db", "@map"))]
        elif op == 4 and others:
            f = rng.choice(others)
            f.attrs = [a for a in f.attrs if not a.startswith("@default")]
            if f.arity != "[]" and f.type in DEFAULTS and rng.random() < 0.7:
                f.attrs.append(f"@default({rng.choice(DEFAULTS[f.type])})")
        elif op == 5:
            plain = [f.name for f in model.fields if f.arity == "" and f.type != "Json"]
            if model.block and rng.random() < 0.5:
                model.block.pop(rng.randrange(len(model.block)))
            elif plain:
                extra = rng.choice(("", ', map: "custom_name"', ", type: Hash" if native else ""))
                model.block.append(f"@@index([{rng.choice(plain)}]{extra})")
        elif op == 6 and s.enums:
            values = s.enums[rng.choice(list(s.enums))]
            if rng.random() < 0.5 or len(values) < 2:
                values.append(rng.choice([v for v in VALUES if v not in values] or ["Z"]))
            else:
                values.remove(rng.choice(values))
        elif op == 7 and len(s.models) > 2:
            gone = s.models.index(model)
            s.relations = [r for r in s.relations if gone not in r[:2]]
            model.fields, model.block = model.fields[:1], []
        elif op == 8:
            a, b = rng.sample(range(len(s.models)), 2)
            s.relations.append((a, b, rng.choice(("1n", "11", "mn")), 50 + rng.randrange(40)))
    for m in s.models:  # enum defaults must name existing values
        for f in m.fields:
            if f.type in s.enums:
                f.attrs = [
                    a for a in f.attrs if not a.startswith("@default(") or a[9:-1] in s.enums[f.type]
                ]
                f.attrs = [a for a in f.attrs if not a.startswith("@db")]
    return s


def render(s: _Schema) -> str:
    out = [f'datasource db {{\n  provider = "{s.provider}"\n  url = env("DATABASE_URL")\n}}\n']
    for name, values in s.enums.items():
        out.append(f"enum {name} {{\n" + "".join(f"  {v}\n" for v in values) + "}\n")
    extra: dict[int, list[str]] = {i: [] for i in range(len(s.models))}
    for a, b, kind, n in s.relations:
        target = s.models[b]
        if kind == "mn":
            extra[a].append(f'  r{n}s M{b}[] @relation("R{n}")')
            extra[b].append(f'  r{n}b M{a}[] @relation("R{n}")')
            continue
        optional = "?" if kind == "11" or n % 2 else ""
        unique = " @unique" if kind == "11" else ""
        action = ", onDelete: Cascade" if n % 3 == 2 else ""
        extra[a].append(f"  r{n}Id {target.id_type}{optional}{unique}")
        extra[a].append(f'  r{n} M{b}{optional} @relation("R{n}", fields: [r{n}Id], references: [id]{action})')
        extra[b].append(f"  r{n}back M{a}{'?' if kind == '11' else '[]'} @relation(\"R{n}\")")
    for i, m in enumerate(s.models):
        lines = [f"  {f.name} {f.type}{f.arity} {' '.join(f.attrs)}".rstrip() for f in m.fields]
        lines += extra[i] + [f"  {b}" for b in m.block]
        out.append(f"model {m.name} {{\n" + "\n".join(lines) + "\n}\n")
    return "\n".join(out)


def schema_pair(seed: int, provider: str = "postgresql") -> tuple[str | None, str | None]:
    """A (from, to) pair; ``None`` stands for the empty schema (about 20% / 10% of pairs)."""
    rng = random.Random(seed)
    before = _schema(rng, provider)
    after = _mutate(rng, before)
    r = rng.random()
    return (render(before) if r < 0.8 else None, render(after) if r < 0.7 or r >= 0.8 else None)


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
