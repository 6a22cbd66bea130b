"""Seeded random schema pairs for differential checks against Prisma's engine (the oracle).

``schema_pair(seed, provider)`` returns ``(from_src | None, to_src | None)``: a random schema
(models with scalar, list, enum and native-typed fields, defaults, keys, indexes, 1:1, 1:n and
implicit m-n relations, ``@map``/``@@map``) and a random mutation of it (fields added, dropped,
retyped, made optional or required, defaults and indexes changed, enum values added or removed,
models emptied, relations added); ``None`` stands for the empty schema. Some pairs are not valid
schemas: the oracle rejects those. Used by ``test_differential.py`` and
``scripts/migrations_conformance.py --fuzz``.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

SCALARS = ("String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes")
NATIVE = {
    "String": ("@db.VarChar(255)", "@db.Text", "@db.Char(10)", "@db.VarChar(20)", "@db.Uuid", "@db.Xml"),
    "Int": ("@db.SmallInt", "@db.Integer"),
    "Float": ("@db.Real", "@db.DoublePrecision"),
    "Decimal": ("@db.Decimal(10, 2)", "@db.Money", "@db.Decimal(5,0)"),
    "DateTime": ("@db.Timestamp(6)", "@db.Timestamptz(3)", "@db.Date", "@db.Time(2)", "@db.Timestamp"),
    "Json": ("@db.Json", "@db.JsonB"),
}
# CockroachDB's native types (Prisma's cockroachdb connector)
NATIVE_COCKROACH = {
    "String": ("@db.String(255)", "@db.String", "@db.Char(10)", "@db.String(20)", "@db.Uuid", "@db.Inet"),
    "Int": ("@db.Int2", "@db.Int4"),
    "BigInt": ("@db.Int8",),
    "Float": ("@db.Float4", "@db.Float8"),
    "Decimal": ("@db.Decimal(10, 2)", "@db.Decimal(5,0)", "@db.Decimal"),
    "DateTime": ("@db.Timestamp(6)", "@db.Timestamptz(3)", "@db.Date", "@db.Time(2)", "@db.Timestamptz"),
    "Json": ("@db.JsonB",),
    "Boolean": ("@db.Bool",),
    "Bytes": ("@db.Bytes",),
}
NATIVE_BY_PROVIDER = {"postgresql": NATIVE, "cockroachdb": NATIVE_COCKROACH}
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


def _field(rng: random.Random, name: str, enums: dict[str, list[str]], native: dict[str, tuple[str, ...]]) -> _Field:
    ftype = rng.choice(SCALARS + tuple(enums))
    lists = bool(native)  # scalar lists: PostgreSQL and CockroachDB only
    arity = rng.choice(("", "", "?", "[]") if lists and ftype != "Json" else ("", "?"))
    f = _Field(name, ftype, arity)
    if ftype in native and rng.random() < 0.3:
        f.attrs.append(rng.choice(native[ftype]))
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
    native = NATIVE_BY_PROVIDER.get(provider, {})
    enums = {f"E{i}": sorted(rng.sample(VALUES, rng.randint(1, 4))) for i in range(rng.randint(0, 2))}
    models = []
    for m in range(rng.randint(2, 5)):
        id_type = rng.choice(("Int", "String", "BigInt"))
        id_default = {"Int": " @default(autoincrement())", "String": " @default(cuid())", "BigInt": ""}[id_type]
        if provider == "cockroachdb":  # autoincrement() is BigInt-only there (unique_rowid())
            id_default = {"Int": " @default(sequence())", "BigInt": " @default(autoincrement())"}.get(id_type, id_default)
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
    native = NATIVE_BY_PROVIDER.get(s.provider, {})
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
                extra = rng.choice(("", ', map: "custom_name"', ", type: Hash" if s.provider == "postgresql" else ""))
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
