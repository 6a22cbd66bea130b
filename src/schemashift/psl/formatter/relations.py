"""The semantic half of ``prisma format`` (psl-core ``reformat.rs``): complete 1:1 and 1:n relations.

Relations are inferred as prisma-engines' parser database does (each relation field paired with the
first field of the other model pointing back with the same relation name; the side carrying
``fields``/the required side/the lexicographically first side is the forward one). For every such
relation ``prisma format`` then adds what is missing: the back-relation field, the forward
relation field, the underlying scalar fields (with the referenced field's native type), the
``@relation`` attribute and its ``fields``/``references`` arguments. The additions are inserted into
the source text as "missing bits" and the enriched text is laid out again.

Nothing is added when the schema has errors that stop Prisma's parser database (syntax errors,
duplicate or unknown names, unknown attributes, ``@relation`` naming unknown fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemashift.psl.formatter.inflect import lower_first, to_camel_case, to_plural, upper_first
from schemashift.psl.formatter.tree import Attribute, Block, BlockAttribute, Expr, Field, ParsedFile

_BUILTIN = frozenset(("String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"))
_SCALAR_FIELD_ATTRIBUTES = frozenset(("map", "ignore", "id", "updatedAt", "default", "unique", "shardKey"))
_RELATION_FIELD_ATTRIBUTES = frozenset(("relation", "ignore"))
_MODEL_ATTRIBUTES = frozenset(("ignore", "id", "map", "schema", "index", "unique", "fulltext", "shardKey"))
_REPEATABLE_MODEL_ATTRIBUTES = frozenset(("index", "unique", "fulltext"))


@dataclass(slots=True)
class _Model:
    file_id: int
    block: Block
    fields: dict[str, Field]
    relation_fields: list["_RelationField"] = field(default_factory=list)
    ignored: bool = False
    primary_key: list[str] | None = None
    uniques: list[list[str]] = field(default_factory=list)  # @unique, then @@unique, in order

    @property
    def name(self) -> str:
        return self.block.name

    def unique_criterias(self) -> list[list[str]]:
        return ([self.primary_key] if self.primary_key is not None else []) + self.uniques


@dataclass(slots=True)
class _RelationField:
    model: _Model
    field: Field
    target: _Model
    name: str | None  # the relation name
    attribute: Attribute | None
    fields: list[str] | None
    references: list[str] | None

    @property
    def arity(self) -> str:
        return self.field.type.arity if self.field.type is not None else ""


@dataclass(slots=True)
class _Relation:
    one_to_one: bool
    model_a: _Model  # referencing
    model_b: _Model  # referenced
    forward: _RelationField | None
    back: _RelationField | None


@dataclass(slots=True)
class _Inferred:
    name: str
    arity: str
    type: str | None  # builtin scalar name, or None
    blueprint: Field


class _Invalid(Exception):
    """The schema has an error that stops Prisma's parser database."""


def _is_native_type(path: str) -> bool:
    """Datasource-scoped attributes (``@db.VarChar``) are accepted here whatever the prefix."""
    return "." in path


def _argument(attr: Attribute, name: str, positional: bool = False) -> Expr | None:
    if attr.args is None:
        return None
    for i, arg in enumerate(attr.args.args):
        if arg.name == name or (positional and i == 0 and arg.name is None):
            return arg.value
    return None


def _names(expr: Expr | None) -> list[str] | None:
    """Field names of an array argument (``[a, b(sort: Desc)]``); a single name is a list of one."""
    if expr is None:
        return None
    items = expr.items if expr.kind == "array" and expr.items is not None else [expr]
    out = []
    for item in items:
        if item.kind == "path":
            out.append(item.name)
        elif item.kind == "call":
            out.append(item.name)
        else:
            raise _Invalid
    return out


class _Schema:
    def __init__(self, parsed: list[ParsedFile]) -> None:
        self.models: dict[str, _Model] = {}
        self.model_list: list[_Model] = []
        self.enums: set[str] = set()
        self.composites: dict[str, Block] = {}
        top_names: set[str] = set()
        config_names: dict[str, set[str]] = {"datasource": set(), "generator": set()}
        for file_id, tree in enumerate(parsed):
            if tree.has_syntax_errors:
                raise _Invalid
            for block in tree.blocks:
                if block.keyword in config_names:
                    names = config_names[block.keyword]
                    if block.name in names:
                        raise _Invalid
                    names.add(block.name)
                    continue
                if block.name in top_names:
                    raise _Invalid
                top_names.add(block.name)
                if block.keyword in ("model", "view"):
                    fields: dict[str, Field] = {}
                    for item in block.items:
                        if isinstance(item, Field):
                            if item.name in fields:
                                raise _Invalid
                            fields[item.name] = item
                    model = _Model(file_id, block, fields)
                    self.models[block.name] = model
                    self.model_list.append(model)
                elif block.keyword == "enum":
                    self.enums.add(block.name)
                else:
                    self.composites[block.name] = block
        for composite in self.composites.values():
            for item in composite.items:
                if isinstance(item, Field) and not self._is_scalar_type(item):
                    raise _Invalid  # unknown type, or a relation in a composite type
        for model in self.model_list:
            self._resolve_model(model)

    def _is_scalar_type(self, f: Field) -> bool:
        assert f.type is not None  # fields without a type are syntax errors
        base = f.type.base
        return base in _BUILTIN or base in self.enums or base in self.composites or base.startswith("Unsupported(")

    def _resolve_model(self, model: _Model) -> None:
        for f in model.fields.values():
            target = self.models.get(f.type.base) if f.type is not None else None
            if target is not None:
                model.relation_fields.append(self._relation_field(model, f, target))
            elif self._is_scalar_type(f):
                self._scalar_attributes(model, f)
            else:
                raise _Invalid
        seen: set[str] = set()
        for item in model.block.items:
            if not isinstance(item, BlockAttribute):
                continue
            attr = item.attribute
            path = attr.path
            if path not in _MODEL_ATTRIBUTES or (path in seen and path not in _REPEATABLE_MODEL_ATTRIBUTES):
                raise _Invalid
            seen.add(path)
            if path == "ignore":
                model.ignored = True
            elif path == "id":
                if model.primary_key is not None:
                    raise _Invalid
                model.primary_key = self._index_fields(model, attr)
            elif path == "unique":
                model.uniques.append(self._index_fields(model, attr))
            elif path in ("index", "fulltext", "shardKey"):
                self._index_fields(model, attr)

    def _index_fields(self, model: _Model, attr: Attribute) -> list[str]:
        """The fields of an ``@@id``/``@@unique``/``@@index``...: existing scalar fields only."""
        names = _names(_argument(attr, "fields", positional=True))
        if not names:
            raise _Invalid
        for name in names:
            f = model.fields.get(name.partition(".")[0])
            if f is None or _is_relation(self, f):
                raise _Invalid
        return names

    def _scalar_attributes(self, model: _Model, f: Field) -> None:
        seen: set[str] = set()
        for attr in f.attributes:
            path = attr.path
            if path in seen:
                raise _Invalid
            seen.add(path)
            if path in _SCALAR_FIELD_ATTRIBUTES:
                if path == "id":
                    if model.primary_key is not None:
                        raise _Invalid
                    model.primary_key = [f.name]
                elif path == "unique":
                    model.uniques.append([f.name])
            elif not _is_native_type(path):
                raise _Invalid

    def _relation_field(self, model: _Model, f: Field, target: _Model) -> _RelationField:
        relation: Attribute | None = None
        for attr in f.attributes:
            if attr.path not in _RELATION_FIELD_ATTRIBUTES:
                raise _Invalid
            if attr.path == "relation":
                if relation is not None:
                    raise _Invalid
                relation = attr
        name = fields = references = None
        if relation is not None:
            name_expr = _argument(relation, "name", positional=True)
            if name_expr is not None:
                if name_expr.kind != "str":
                    raise _Invalid
                name = name_expr.text
            fields = _names(_argument(relation, "fields"))
            references = _names(_argument(relation, "references"))
            if fields is not None and any(n not in model.fields for n in fields):
                raise _Invalid
            if references is not None and any(n not in target.fields for n in references):
                raise _Invalid
        return _RelationField(model, f, target, name, relation, fields, references)


def _opposite(rf: _RelationField) -> _RelationField | None:
    for other in rf.target.relation_fields:
        if other.target is not rf.model or other is rf:
            continue
        if other.name == rf.name:
            return other
    return None


def _infer_relations(schema: _Schema) -> list[_Relation]:
    relations: list[_Relation] = []
    for model in schema.model_list:
        for rf in model.relation_fields:
            relation = _ingest(rf, _opposite(rf))
            if relation is not None:
                relations.append(relation)
    return relations


def _ingest(rf: _RelationField, opp: _RelationField | None) -> _Relation | None:
    """One relation per pair of fields, seen from its forward side (``None``: skip this field)."""
    arity = rf.arity
    key = (rf.model.name, rf.field.name)
    if opp is not None:
        opp_arity = opp.arity
        opp_key = (rf.target.name, opp.field.name)
        if arity == "[]":
            return None  # many-to-many (not inline), or the virtual side of a 1:n
        if arity == "" and opp_arity == "?":
            return _Relation(True, rf.model, rf.target, rf, opp)
        if arity == "" and opp_arity == "":
            return None if key > opp_key else _Relation(True, rf.model, rf.target, rf, opp)
        if arity == "?" and opp_arity == "":
            return None
        if arity == "?" and opp_arity == "?":
            if rf.fields is not None:
                return _Relation(True, rf.model, rf.target, rf, opp)
            if opp.fields is None and key <= opp_key:
                return _Relation(True, rf.model, rf.target, rf, opp)
            return None
        return _Relation(False, rf.model, rf.target, rf, opp)
    if arity == "[]":
        return _Relation(False, rf.target, rf.model, None, rf)
    one_to_one = rf.fields is not None and rf.fields in rf.model.uniques
    return _Relation(one_to_one, rf.model, rf.target, rf, None)


class _Bits:
    """Text to insert, per file: (position, order of creation, content)."""

    def __init__(self) -> None:
        self.by_file: dict[int, list[tuple[int, int, str]]] = {}
        self.count = 0

    def add(self, file_id: int, position: int, content: str) -> None:
        self.by_file.setdefault(file_id, []).append((position, self.count, content))
        self.count += 1


def _arity(rf: _RelationField | None) -> str:
    return rf.arity if rf is not None else "?"


def _infer_scalars(schema: _Schema, relation: _Relation) -> list[_Inferred]:
    criterias = relation.model_b.unique_criterias()
    if not criterias:
        return []
    prefix = lower_first(relation.model_b.name)
    out = []
    for name in criterias[0]:
        blueprint = relation.model_b.fields.get(name)
        if blueprint is None:  # a composite type's field: Prisma's formatter panics here
            raise _Invalid
        inferred_name = prefix + upper_first(name)
        existing = relation.model_a.fields.get(inferred_name)
        source = existing if existing is not None and not _is_relation(schema, existing) else None
        typed = source if source is not None else blueprint
        assert typed.type is not None
        arity = typed.type.arity if source is not None else _arity(relation.forward)
        base = typed.type.base
        out.append(_Inferred(inferred_name, arity, base if base in _BUILTIN else None, blueprint))
    return out


def _is_relation(schema: _Schema, f: Field) -> bool:
    return f.type is not None and f.type.base in schema.models


def _fields_argument(schema: _Schema, relation: _Relation) -> str:
    return "fields: [" + ", ".join(f.name for f in _infer_scalars(schema, relation)) + "]"


def _references_argument(relation: _Relation) -> str:
    names: list[str] = []
    if relation.forward is not None and relation.forward.references is not None:
        names = relation.forward.references
    else:
        model = relation.model_b
        for criteria in model.unique_criterias():
            if all(n in model.fields and _strict(model.fields[n]) for n in criteria):
                names = criteria
                break
    return "references: [" + ", ".join(names) + "]"


def _strict(f: Field) -> bool:
    return f.type is not None and f.type.arity != "?" and not f.type.base.startswith("Unsupported(")


def _native_type(f: Field, source: str) -> str:
    for attr in f.attributes:
        if _is_native_type(attr.path):
            return source[attr.start : attr.end]
    return ""


def _missing_fields(schema: _Schema, relation: _Relation, bits: _Bits, sources: list[str]) -> None:
    a, b = relation.model_a, relation.model_b
    if relation.back is None:
        arity = "?" if relation.one_to_one else "[]"
        name = to_camel_case(a.name)
        if arity == "[]":
            name = to_plural(name)
        ignore = "@ignore" if a.ignored else ""
        bits.add(b.file_id, b.block.end - 1, f"{name} {a.name}{arity} {ignore}\n")
    if relation.forward is None:
        arity = "?" if any(f.arity == "?" for f in _infer_scalars(schema, relation)) else ""
        name = to_camel_case(b.name)
        args = f"{_fields_argument(schema, relation)}, {_references_argument(relation)}"
        bits.add(a.file_id, a.block.end - 1, f"{name} {b.name}{arity} @relation({args})\n")
    if relation.forward is not None and relation.forward.fields is not None:
        return
    for scalar in _infer_scalars(schema, relation):
        if scalar.name in a.fields and not _is_relation(schema, a.fields[scalar.name]):
            continue
        if scalar.type is None:
            return
        native = _native_type(scalar.blueprint, sources[b.file_id])
        bits.add(a.file_id, a.block.end - 1, f"{scalar.name} {scalar.type}{scalar.arity} {native}\n")


def _after_type(f: Field, source: str) -> int:
    assert f.type is not None
    pos = f.type.end
    while pos < len(source) and source[pos] in "[]?!":
        pos += 1
    return pos


def _missing_attribute(schema: _Schema, relation: _Relation, bits: _Bits, sources: list[str]) -> None:
    forward = relation.forward
    if forward is None or forward.attribute is not None:
        return
    content = f" @relation({_fields_argument(schema, relation)}, {_references_argument(relation)})"
    file_id = forward.model.file_id
    bits.add(file_id, _after_type(forward.field, sources[file_id]), content)


def _missing_arguments(schema: _Schema, relation: _Relation, bits: _Bits) -> None:
    forward = relation.forward
    if forward is None or forward.attribute is None:
        return
    extra = []
    if forward.fields is None:
        extra.append(_fields_argument(schema, relation))
    if forward.references is None:
        extra.append(_references_argument(relation))
    if not extra:
        return
    attr = forward.attribute
    text = ", ".join(extra)
    if attr.args is None or not any(arg.value is not None for arg in attr.args.args):
        bits.add(forward.model.file_id, attr.end, f"({text})")
    else:
        bits.add(forward.model.file_id, attr.end - 1, f", {text}")


def missing_bits(parsed: list[ParsedFile], sources: list[str]) -> dict[int, list[tuple[int, str]]]:
    """What ``prisma format`` inserts: per file index, (position, text) pairs in position order."""
    bits = _Bits()
    try:
        schema = _Schema(parsed)
        relations = _infer_relations(schema)
        for relation in relations:
            _missing_fields(schema, relation, bits, sources)
        for relation in relations:
            _missing_attribute(schema, relation, bits, sources)
        for relation in relations:
            _missing_arguments(schema, relation, bits)
    except _Invalid:
        return {}
    return {
        file_id: [(position, content) for position, _, content in sorted(file_bits)]
        for file_id, file_bits in bits.by_file.items()
    }
