"""Hypothesis strategies for Prisma schemas and their mutations, per provider.

``schema_pairs(provider)`` draws ``(A, B)``: a schema ``A`` (a :class:`SchemaSpec`) and ``B``, ``A``
after a few mutations, both rendered to PSL text. The specs cover what the live acceptance test
(``test_property_convergence.py``) must exercise:

- columns of every scalar family (enums on PostgreSQL/MySQL, scalar lists on PostgreSQL), with
  native types where the provider has them, defaults, ``@unique``, ``@map``;
- tables added, dropped and renamed (``@@map``); composite and single ``@@index``/``@@unique``,
  with and without ``map:`` names (renamed too);
- 1:n, 1:1 and implicit m:n relations, optional or required, with referential actions and, where
  the provider keeps them, named foreign keys (renamed too);
- mutations: fields added (optional, with a default, or required without one), dropped, retyped
  (family or native type), made optional/required, defaults added/changed/removed, uniques and
  indexes toggled, enum values added/removed, enums added, models added/dropped/renamed, relations
  added/dropped/made optional or required, referential actions changed.

Relations always point from a later model to an earlier one, so the foreign keys form a DAG and
rows can be inserted table by table. The specs avoid what a provider cannot hold at all (enums on
SQLite, lists outside PostgreSQL, indexes on Json/Bytes/MySQL Text, uniques on Boolean/enum
columns, literal defaults on MySQL BLOB/TEXT/JSON columns) and a Prisma rendering a test
server rejects (RFC 3339 DateTime defaults on MariaDB); the test still runs the validator and
``assume()``s away the rest.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Optional

from hypothesis import strategies as st

PROVIDERS = ("sqlite", "postgresql", "mysql")

SCALARS = ("String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes")
#: native types (the ``X`` of ``@db.X``) per provider and family
NATIVE: dict[str, dict[str, tuple[str, ...]]] = {
    "postgresql": {
        "String": ("VarChar(255)", "VarChar(40)", "Text"),
        "Int": ("SmallInt", "Integer"),
        "Float": ("Real", "DoublePrecision"),
        "Decimal": ("Decimal(10, 2)", "Decimal(12, 4)"),
        "DateTime": ("Timestamp(6)", "Timestamptz(3)", "Date", "Timestamp(3)"),
        "Json": ("Json", "JsonB"),
    },
    "mysql": {
        "String": ("VarChar(255)", "VarChar(40)", "Text"),
        "Int": ("SmallInt", "Int"),
        "Float": ("Double", "Float"),
        "Decimal": ("Decimal(10, 2)", "Decimal(12, 4)"),
        "DateTime": ("DateTime(3)", "DateTime(0)", "Date", "Timestamp(3)"),
    },
    "sqlite": {},
}
DEFAULTS = {
    "String": ('"hello"', '"it\'s"', '""', "cuid()", "uuid()"),
    "Int": ("0", "42", "-7"),
    "BigInt": ("1", "99999999999"),
    "Float": ("1.5", "0", "-3.25"),
    "Decimal": ('"1.5"', "2.25"),
    "Boolean": ("true", "false"),
    "DateTime": ("now()", '"2020-01-01T00:00:00Z"'),
    "Json": ('"{}"', '"[1, 2]"'),
    "Bytes": ('"aGVsbG8="',),
}
LIST_DEFAULTS = {"Int": ("[1, 2]", "[]"), "String": ('["a", "b"]',), "Boolean": ("[true]",)}
ENUM_VALUES = ("A", "B", "C", "D", "E", "F")
ACTIONS = (None, "Cascade", "Restrict", "NoAction", "SetNull")
ID_TYPES = ("Int", "String", "BigInt")


@dataclass
class FieldSpec:
    name: str
    type: str  # a scalar or an enum name
    arity: str = ""  # "", "?", "[]"
    native: Optional[str] = None
    default: Optional[str] = None
    unique: bool = False
    map: Optional[str] = None


@dataclass
class IndexSpec:
    fields: tuple[str, ...]
    unique: bool
    map: Optional[str] = None


@dataclass
class ModelSpec:
    name: str
    id_type: str
    id_auto: bool
    fields: list[FieldSpec]
    indexes: list[IndexSpec] = field(default_factory=list)
    map: Optional[str] = None


@dataclass
class RelationSpec:
    number: int
    child: str  # the model holding the foreign key (1:n, 1:1); for m:n either side
    parent: str
    kind: str  # "1n", "11", "mn"
    optional: bool = True
    on_delete: Optional[str] = None
    on_update: Optional[str] = None
    fk_map: Optional[str] = None


@dataclass
class SchemaSpec:
    provider: str
    enums: dict[str, list[str]]
    models: list[ModelSpec]
    relations: list[RelationSpec]
    counter: int = 0  # for fresh names

    def fresh(self) -> int:
        self.counter += 1
        return self.counter

    def model(self, name: str) -> ModelSpec:
        return next(m for m in self.models if m.name == name)

    def order(self, name: str) -> int:
        return [m.name for m in self.models].index(name)


# ---------------------------------------------------------------- eligibility rules


def indexable(s: SchemaSpec, f: FieldSpec) -> bool:
    if f.arity == "[]" or f.type in ("Json", "Bytes"):
        return False
    return not (s.provider == "mysql" and f.native == "Text")


def uniqueable(s: SchemaSpec, f: FieldSpec) -> bool:
    return indexable(s, f) and f.type not in ("Boolean", *s.enums)


def _in_unique(m: ModelSpec, name: str) -> bool:
    return any(name in ix.fields for ix in m.indexes if ix.unique) or any(f.unique for f in m.fields if f.name == name)


def _in_index(m: ModelSpec, name: str) -> bool:
    return any(name in ix.fields for ix in m.indexes)


# ---------------------------------------------------------------- drawing parts


@st.composite
def _default(draw: st.DrawFn, s: SchemaSpec, f: FieldSpec) -> Optional[str]:
    if f.arity == "[]":
        return draw(st.sampled_from(LIST_DEFAULTS[f.type])) if f.type in LIST_DEFAULTS else None
    if f.type in s.enums:
        return draw(st.sampled_from(s.enums[f.type]))
    if s.provider == "mysql" and (f.type in ("Json", "Bytes") or f.native == "Text"):
        return None  # MySQL: no literal defaults on BLOB/TEXT/JSON columns
    choices = DEFAULTS[f.type]
    if f.native == "Date" or (s.provider == "mysql" and f.type == "DateTime"):
        # MySQL: Prisma renders RFC 3339 literals ('...T...+00:00'), which MariaDB rejects
        choices = ("now()",)
    return draw(st.sampled_from(choices))


@st.composite
def _field(draw: st.DrawFn, s: SchemaSpec, name: str, forbid_required_without_default: bool = False) -> FieldSpec:
    ftype = draw(st.sampled_from(SCALARS + tuple(s.enums)))
    arities = ["", "?"] + (["[]"] if s.provider == "postgresql" and ftype not in ("Json", "Bytes") else [])
    f = FieldSpec(name, ftype, draw(st.sampled_from(arities)))
    natives = NATIVE[s.provider].get(ftype, ())
    if natives and f.arity != "[]" and draw(st.booleans()):
        f.native = draw(st.sampled_from(natives))
    if draw(st.integers(0, 2)) == 0 or (forbid_required_without_default and f.arity == ""):
        f.default = draw(_default(s, f))
        if forbid_required_without_default and f.arity == "" and f.default is None:
            f.arity = "?"
    if f.arity == "" and uniqueable(s, f) and draw(st.integers(0, 5)) == 0:
        f.unique = True
    if draw(st.integers(0, 7)) == 0:
        f.map = f"c_{name}"
    return f


@st.composite
def _model(draw: st.DrawFn, s: SchemaSpec, index: int) -> ModelSpec:
    name = f"M{index}"
    id_type = draw(st.sampled_from(ID_TYPES))
    m = ModelSpec(name, id_type, id_type != "BigInt" and draw(st.booleans()), [])
    for i in range(draw(st.integers(1, 5))):
        m.fields.append(draw(_field(s, f"f{i}")))
    if draw(st.integers(0, 2)) == 0:
        _add_index(draw, s, m)
    if draw(st.integers(0, 7)) == 0:
        m.map = f"t_{name.lower()}"
    return m


def _add_index(draw: st.DrawFn, s: SchemaSpec, m: ModelSpec) -> None:
    unique = draw(st.booleans())
    pool = [f.name for f in m.fields if (uniqueable(s, f) if unique else indexable(s, f))]
    if not pool:
        return
    cols = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=min(2, len(pool)), unique=True)))
    if any(ix.fields == cols and ix.unique == unique for ix in m.indexes):
        return
    if unique and len(cols) == 1 and any(f.unique for f in m.fields if f.name == cols[0]):
        return
    named = draw(st.integers(0, 3)) == 0
    m.indexes.append(IndexSpec(cols, unique, f"ix_{m.name.lower()}_{s.fresh()}" if named else None))


@st.composite
def _relation(draw: st.DrawFn, s: SchemaSpec, number: int) -> Optional[RelationSpec]:
    if len(s.models) < 2:
        return None
    a, b = sorted(draw(st.lists(st.integers(0, len(s.models) - 1), min_size=2, max_size=2, unique=True)))
    kind = draw(st.sampled_from(("1n", "1n", "11", "mn")))
    rel = RelationSpec(number, s.models[b].name, s.models[a].name, kind)
    if kind != "mn":
        rel.optional = kind == "11" or draw(st.booleans())
        actions = [x for x in ACTIONS if rel.optional or x != "SetNull"]
        rel.on_delete = draw(st.sampled_from(actions))
        rel.on_update = draw(st.sampled_from(actions))
        if s.provider != "sqlite" and draw(st.integers(0, 3)) == 0:
            rel.fk_map = f"fk_r{number}"
    return rel


@st.composite
def schemas(draw: st.DrawFn, provider: str) -> SchemaSpec:
    s = SchemaSpec(provider, {}, [], [])
    if provider != "sqlite":
        for i in range(draw(st.integers(0, 2))):
            s.enums[f"E{i}"] = sorted(draw(st.lists(st.sampled_from(ENUM_VALUES), min_size=1, max_size=4, unique=True)))
    n = draw(st.integers(1, 4))
    for i in range(n):
        s.models.append(draw(_model(s, i)))
    s.counter = 100
    for i in range(draw(st.integers(0, 3))):
        rel = draw(_relation(s, i))
        if rel is not None:
            s.relations.append(rel)
    return s


# ---------------------------------------------------------------- mutations

MUTATIONS = (
    "add_field",
    "drop_field",
    "retype",
    "renative",
    "arity",
    "default",
    "unique",
    "index",
    "rename_index",
    "enum_add",
    "enum_remove",
    "enum_new",
    "add_model",
    "drop_model",
    "rename_model",
    "rename_field",
    "add_relation",
    "drop_relation",
    "relation_optional",
    "relation_actions",
    "rename_fk",
)


def _fix_enum_defaults(s: SchemaSpec) -> None:
    for m in s.models:
        for f in m.fields:
            if f.type in s.enums and f.default is not None:
                values = s.enums[f.type]
                if f.arity == "[]" or f.default not in values:
                    f.default = None


@st.composite
def mutate(draw: st.DrawFn, original: SchemaSpec) -> SchemaSpec:
    s = copy.deepcopy(original)
    for op in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        _apply(draw, s, op)
    if render(s) == render(original):  # every drawn mutation was a no-op here (no enums, no relations...)
        _apply(draw, s, draw(st.sampled_from(("add_field", "drop_field", "retype", "arity", "add_model"))))
    _fix_enum_defaults(s)
    return s


def _apply(draw: st.DrawFn, s: SchemaSpec, op: str) -> None:
    m = s.models[draw(st.integers(0, len(s.models) - 1))] if s.models else None
    fields = m.fields if m else []
    f = fields[draw(st.integers(0, len(fields) - 1))] if fields else None
    if op == "add_field" and m is not None:
        m.fields.append(draw(_field(s, f"n{s.fresh()}")))
    elif op == "drop_field" and m is not None and f is not None:
        m.fields.remove(f)
        m.indexes = [ix for ix in m.indexes if f.name not in ix.fields]
    elif op == "retype" and m is not None and f is not None:
        choices = [t for t in SCALARS + tuple(s.enums) if t != f.type]
        if f.arity == "[]":
            choices = [t for t in choices if t not in ("Json", "Bytes")]
        if _in_unique(m, f.name):
            choices = [t for t in choices if uniqueable(s, FieldSpec(f.name, t, f.arity))]
        elif _in_index(m, f.name):
            choices = [t for t in choices if indexable(s, FieldSpec(f.name, t, f.arity))]
        if choices:
            f.type, f.native, f.default = draw(st.sampled_from(choices)), None, None
    elif op == "renative" and f is not None and f.arity != "[]":
        natives = [n for n in NATIVE[s.provider].get(f.type, ()) if n != f.native]
        if natives and not (s.provider == "mysql" and m is not None and (_in_unique(m, f.name) or _in_index(m, f.name))):
            f.native = draw(st.sampled_from(natives + [None]))  # type: ignore[operator]
            if f.native == "Date" and f.default not in (None, "now()"):
                f.default = None
            if s.provider == "mysql" and f.native == "Text":
                f.default = None
    elif op == "arity" and m is not None and f is not None:
        choices = ["", "?"] + (["[]"] if s.provider == "postgresql" and f.type not in ("Json", "Bytes") else [])
        choices = [a for a in choices if a != f.arity]
        if _in_index(m, f.name) or f.unique:
            choices = [a for a in choices if a != "[]"]
        new = draw(st.sampled_from(choices))
        if new == "[]" or f.arity == "[]":
            f.default, f.native = None, None
        f.arity = new
    elif op == "default" and f is not None:
        f.default = draw(st.one_of(st.none(), _default(s, f)))
    elif op == "unique" and m is not None and f is not None:
        if f.unique:
            f.unique = False
        elif f.arity != "[]" and uniqueable(s, f) and not any(ix.fields == (f.name,) and ix.unique for ix in m.indexes):
            f.unique = True
    elif op == "index" and m is not None:
        if len(m.indexes) > 0 and draw(st.booleans()):
            m.indexes.pop(draw(st.integers(0, len(m.indexes) - 1)))
        else:
            _add_index(draw, s, m)
    elif op == "rename_index" and m is not None and m.indexes:
        ix = m.indexes[draw(st.integers(0, len(m.indexes) - 1))]
        ix.map = None if ix.map and draw(st.booleans()) else f"ix_{m.name.lower()}_{s.fresh()}"
    elif op == "enum_add" and s.enums:
        values = s.enums[draw(st.sampled_from(sorted(s.enums)))]
        missing = [v for v in ENUM_VALUES if v not in values]
        if missing:
            values.append(draw(st.sampled_from(missing)))
    elif op == "enum_remove" and s.enums:
        values = s.enums[draw(st.sampled_from(sorted(s.enums)))]
        if len(values) > 1:
            values.remove(draw(st.sampled_from(values)))
    elif op == "enum_new" and s.provider != "sqlite" and len(s.enums) < 3 and m is not None:
        name = f"E{s.fresh()}"
        s.enums[name] = sorted(draw(st.lists(st.sampled_from(ENUM_VALUES), min_size=1, max_size=3, unique=True)))
        m.fields.append(FieldSpec(f"n{s.fresh()}", name, "?"))
    elif op == "add_model":
        s.models.append(draw(_model(s, s.fresh())))
    elif op == "drop_model" and m is not None and len(s.models) > 1:
        s.models.remove(m)
        s.relations = [r for r in s.relations if m.name not in (r.child, r.parent)]
    elif op == "rename_model" and m is not None:
        m.map = None if m.map and draw(st.booleans()) else f"t_{m.name.lower()}_{s.fresh()}"
    elif op == "rename_field" and f is not None:
        f.map = None if f.map and draw(st.booleans()) else f"c_{f.name}_{s.fresh()}"
    elif op == "add_relation":
        rel = draw(_relation(s, s.fresh()))
        if rel is not None:
            s.relations.append(rel)
    elif op == "drop_relation" and s.relations:
        s.relations.pop(draw(st.integers(0, len(s.relations) - 1)))
    elif op == "relation_optional" and s.relations:
        rel = s.relations[draw(st.integers(0, len(s.relations) - 1))]
        if rel.kind == "1n":
            rel.optional = not rel.optional
            if not rel.optional:
                rel.on_delete = None if rel.on_delete == "SetNull" else rel.on_delete
                rel.on_update = None if rel.on_update == "SetNull" else rel.on_update
    elif op == "relation_actions" and s.relations:
        rel = s.relations[draw(st.integers(0, len(s.relations) - 1))]
        if rel.kind != "mn":
            actions = [x for x in ACTIONS if rel.optional or x != "SetNull"]
            rel.on_delete = draw(st.sampled_from(actions))
            rel.on_update = draw(st.sampled_from(actions))
    elif op == "rename_fk" and s.relations and s.provider != "sqlite":
        rel = s.relations[draw(st.integers(0, len(s.relations) - 1))]
        if rel.kind != "mn":
            rel.fk_map = None if rel.fk_map and draw(st.booleans()) else f"fk_r{rel.number}_{s.fresh()}"


# ---------------------------------------------------------------- rendering


def _render_field(f: FieldSpec) -> str:
    attrs = []
    if f.native:
        attrs.append(f"@db.{f.native}")
    if f.default is not None:
        attrs.append(f"@default({f.default})")
    if f.unique:
        attrs.append("@unique")
    if f.map:
        attrs.append(f'@map("{f.map}")')
    return f"  {f.name} {f.type}{f.arity} {' '.join(attrs)}".rstrip()


def render(s: SchemaSpec) -> str:
    out = [f'datasource db {{\n  provider = "{s.provider}"\n  url      = env("DATABASE_URL")\n}}\n']
    for name, values in s.enums.items():
        out.append(f"enum {name} {{\n" + "".join(f"  {v}\n" for v in values) + "}\n")
    extra: dict[str, list[str]] = {m.name: [] for m in s.models}
    for r in s.relations:
        parent, child = s.model(r.parent), s.model(r.child)
        n = r.number
        if r.kind == "mn":
            extra[child.name].append(f'  r{n}s {parent.name}[] @relation("R{n}")')
            extra[parent.name].append(f'  r{n}b {child.name}[] @relation("R{n}")')
            continue
        opt = "?" if r.optional else ""
        args = [f'"R{n}"', f"fields: [r{n}Id]", "references: [id]"]
        if r.on_delete:
            args.append(f"onDelete: {r.on_delete}")
        if r.on_update:
            args.append(f"onUpdate: {r.on_update}")
        if r.fk_map:
            args.append(f'map: "{r.fk_map}"')
        extra[child.name].append(f"  r{n}Id {parent.id_type}{opt}{' @unique' if r.kind == '11' else ''}")
        extra[child.name].append(f"  r{n} {parent.name}{opt} @relation({', '.join(args)})")
        extra[parent.name].append(f"  r{n}back {child.name}{'?' if r.kind == '11' else '[]'} @relation(\"R{n}\")")
    for m in s.models:
        id_default = ""
        if m.id_auto:
            id_default = " @default(autoincrement())" if m.id_type == "Int" else " @default(cuid())"
        lines = [f"  id {m.id_type} @id{id_default}"]
        lines += [_render_field(f) for f in m.fields]
        lines += extra[m.name]
        for ix in m.indexes:
            kw = "@@unique" if ix.unique else "@@index"
            mapped = f', map: "{ix.map}"' if ix.map else ""
            lines.append(f"  {kw}([{', '.join(ix.fields)}]{mapped})")
        if m.map:
            lines.append(f'  @@map("{m.map}")')
        out.append(f"model {m.name} {{\n" + "\n".join(lines) + "\n}\n")
    return "\n".join(out)


@st.composite
def schema_pairs(draw: st.DrawFn, provider: str) -> tuple[str, str]:
    """``(A, B)`` as PSL text: a schema and a mutation of it."""
    a = draw(schemas(provider))
    b = draw(mutate(a))
    return render(a), render(b)
