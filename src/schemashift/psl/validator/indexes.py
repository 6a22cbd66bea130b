"""``@id``, ``@@id``, ``@unique``, ``@@unique``, ``@@index``, ``@@fulltext`` (parser-database).

Fills ``ModelInfo.primary_key`` and ``ModelInfo.indexes`` (in Prisma's order: field ``@unique``s
first, then ``@@index``, ``@@unique``, ``@@fulltext`` in source order) with per-field arguments
(``sort``, ``length``, ``ops``) and index arguments (``type``, ``clustered``, ``map``, ``name``).
Field lists are resolved against the model; ``a.b`` paths go through composite types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.constraint_names import MAX_IDENTIFIER_LENGTH
from schemashift.psl.validator.attributes import render_expr
from schemashift.psl.validator.context import FieldInfo, IndexFieldInfo, IndexInfo, ModelInfo, PrimaryKeyInfo

if TYPE_CHECKING:
    from schemashift.psl.validator.attributes import AttributeSet

ALGORITHMS = ("BTree", "Hash", "Gist", "Gin", "SpGist", "Brin")

OPERATOR_CLASSES = frozenset(
    {
        "InetOps",
        "JsonbOps",
        "JsonbPathOps",
        "ArrayOps",
        "TextOps",
        "BitMinMaxOps",
        "VarBitMinMaxOps",
        "BpcharBloomOps",
        "BpcharMinMaxOps",
        "ByteaBloomOps",
        "ByteaMinMaxOps",
        "DateBloomOps",
        "DateMinMaxOps",
        "DateMinMaxMultiOps",
        "Float4BloomOps",
        "Float4MinMaxOps",
        "Float4MinMaxMultiOps",
        "Float8BloomOps",
        "Float8MinMaxOps",
        "Float8MinMaxMultiOps",
        "InetInclusionOps",
        "InetBloomOps",
        "InetMinMaxOps",
        "InetMinMaxMultiOps",
        "Int2BloomOps",
        "Int2MinMaxOps",
        "Int2MinMaxMultiOps",
        "Int4BloomOps",
        "Int4MinMaxOps",
        "Int4MinMaxMultiOps",
        "Int8BloomOps",
        "Int8MinMaxOps",
        "Int8MinMaxMultiOps",
        "NumericBloomOps",
        "NumericMinMaxOps",
        "NumericMinMaxMultiOps",
        "OidBloomOps",
        "OidMinMaxOps",
        "OidMinMaxMultiOps",
        "TextBloomOps",
        "TextMinMaxOps",
        "TimestampBloomOps",
        "TimestampMinMaxOps",
        "TimestampMinMaxMultiOps",
        "TimestampTzBloomOps",
        "TimestampTzMinMaxOps",
        "TimestampTzMinMaxMultiOps",
        "TimeBloomOps",
        "TimeMinMaxOps",
        "TimeMinMaxMultiOps",
        "TimeTzBloomOps",
        "TimeTzMinMaxOps",
        "TimeTzMinMaxMultiOps",
        "UuidBloomOps",
        "UuidMinMaxOps",
        "UuidMinMaxMultiOps",
    }
)


def _parser_error(attrs: AttributeSet, expected: str, span: Span) -> None:
    attrs.error(f"Unexpected token. Expected one of: {expected}", span)


def _sort_arg(attrs: AttributeSet) -> Literal["Asc", "Desc"] | None:
    expr = attrs.optional_arg("sort")
    value = attrs.coerce_constant(expr) if expr is not None else None
    if value is None:
        return None
    if value in ("Asc", "Desc"):
        return value  # type: ignore[return-value]
    attrs.attr_error(f"The `sort` argument can only be `Asc` or `Desc` you provided: {value}.")
    return None


def _length_arg(attrs: AttributeSet) -> int | None:
    expr = attrs.optional_arg("length")
    return attrs.coerce_integer(expr) if expr is not None else None


def _clustered_arg(attrs: AttributeSet) -> bool | None:
    expr = attrs.optional_arg("clustered")
    return attrs.coerce_boolean(expr) if expr is not None else None


def _field_key_args(
    attrs: AttributeSet,
) -> tuple[str | None, int | None, Literal["Asc", "Desc"] | None, bool | None]:
    """``map``, ``length``, ``sort`` and ``clustered`` of ``@id`` / ``@unique``, all optional."""
    if not attrs.args:  # the common case: ``@id`` or ``@unique`` without arguments
        return None, None, None, None
    return attrs.optional_string_arg("map"), _length_arg(attrs), _sort_arg(attrs), _clustered_arg(attrs)


# ------------------------------------------------------------------ field lists


def _field_entry(attrs: AttributeSet, expr: ast.Expression) -> IndexFieldInfo | None:
    """One element of a field list with args: ``a`` or ``a(sort: Desc, length: 10, ops: X)``."""
    if isinstance(expr, ast.ConstantValue):
        return IndexFieldInfo(path=expr.value.split("."))
    if not isinstance(expr, ast.FunctionCall):
        attrs.type_mismatch("constant literal", expr)
        return None
    entry = IndexFieldInfo(path=expr.name.split("."))
    args = expr.arguments.arguments

    def find(name: str) -> ast.Argument | None:
        return next((a for a in args if a.name is not None and a.name.name == name), None)

    sort = find("sort")
    if sort is not None:
        value = attrs.coerce_constant(sort.value)
        if value in ("Asc", "Desc"):
            entry.sort = value  # type: ignore[assignment]
        elif value is not None:
            _parser_error(attrs, "Asc, Desc", sort.span)
    length = find("length")
    if length is not None:
        value_i = attrs.coerce_integer(length.value)
        if value_i is not None and value_i >= 0:
            entry.length = value_i
    ops = find("ops")
    if ops is not None:
        _ops_arg(attrs, ops, entry)
    return entry


def _ops_arg(attrs: AttributeSet, arg: ast.Argument, entry: IndexFieldInfo) -> None:
    value = arg.value
    if isinstance(value, ast.ConstantValue):
        if value.value in OPERATOR_CLASSES:
            entry.ops = value.value
        else:
            _parser_error(attrs, f"Invalid operator class: {value.value}", value.span)
    elif isinstance(value, ast.FunctionCall) and value.name == "raw":
        raw_args = value.arguments.arguments
        if len(raw_args) != 1:
            _parser_error(attrs, f"Wrong number of arguments. Expected: 1, got: {len(raw_args)}", value.span)
        elif isinstance(raw_args[0].value, ast.StringValue):
            entry.ops = raw_args[0].value.value
            entry.ops_raw = True
        else:
            _parser_error(attrs, "Invalid parameter type: expected string", value.span)
    else:
        _parser_error(attrs, "operator class", arg.span)


def _coerce_field_list(attrs: AttributeSet, expr: ast.Expression) -> list[IndexFieldInfo] | None:
    items = expr.elements if isinstance(expr, ast.ArrayExpression) else [expr]
    out: list[IndexFieldInfo] = []
    valid = True
    for item in items:
        entry = _field_entry(attrs, item)
        if entry is None:
            valid = False
            if not isinstance(expr, ast.ArrayExpression):
                return None
        else:
            out.append(entry)
    return out if valid else None


class _Problems:
    def __init__(self) -> None:
        self.unknown: list[str] = []
        self.relations: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.unknown or self.relations)


def resolve_fields_with_args(
    attrs: AttributeSet,
    model: ModelInfo,
    expr: ast.Expression,
    attribute_span: Span,
    follow_composites: bool,
) -> tuple[list[IndexFieldInfo], _Problems] | None:
    """Resolve an index/id field list; None when an error was already reported."""
    entries = _coerce_field_list(attrs, expr)
    if entries is None:
        return None
    problems = _Problems()
    resolved: list[IndexFieldInfo] = []
    seen: list[tuple[str, ...]] = []
    for entry in entries:
        path = entry.path
        dotted = ".".join(path)
        if len(path) > 1:
            if not follow_composites:
                problems.unknown.append(dotted)
                continue
            outcome = _resolve_composite_path(attrs, model, path, problems)
            if outcome is None:
                continue
            display = outcome
        else:
            info = model.fields.get(path[0])
            if info is None:
                problems.unknown.append(dotted)
                continue
            if info.kind in ("model", "unknown"):
                problems.relations.append(path[0])
                continue
            display = path[0]
        key = tuple(path)
        if key in seen:
            attrs.ctx.error(
                f'Error validating model "{model.name}": The unique index definition refers to the field '
                f"{display} multiple times.",
                attribute_span,
            )
            return None
        seen.append(key)
        resolved.append(entry)
    return resolved, problems


def _resolve_composite_path(attrs: AttributeSet, model: ModelInfo, path: list[str], problems: _Problems) -> str | None:
    ctx = attrs.ctx
    root = model.fields.get(path[0])
    if root is None:
        problems.unknown.append(path[0])
        return None
    if root.kind in ("model", "unknown"):
        problems.relations.append(path[0])
        return None
    if root.kind != "composite" or root.target is None:
        problems.unknown.append(".".join(path))
        return None
    current = root.target
    display = ""
    for i, shard in enumerate(path[1:], start=1):
        info = ctx.composite_fields.get(current, {}).get(shard)
        if info is None:
            problems.unknown.append(f"{shard} in type {current}")
            return None
        display = f"{shard} in type {current}"
        if info.kind == "composite" and info.target is not None:
            current = info.target
        elif i < len(path) - 1:
            problems.unknown.append(".".join(path))
            return None
    return display


def resolve_plain_fields(
    attrs: AttributeSet, model: ModelInfo, expr: ast.Expression, attribute_span: Span
) -> tuple[list[str], list[str], list[str]] | None:
    """``resolve_field_array_without_args``: (field names, unknown, relation fields) or None."""
    names = attrs.coerce_constant_array(expr)
    if names is None:
        return None
    resolved: list[str] = []
    unknown: list[str] = []
    relations: list[str] = []
    for name in names:
        info = model.fields.get(name) if "." not in name else None
        if info is None:
            unknown.append(name)
            continue
        if info.kind in ("model", "unknown"):
            relations.append(name)
            continue
        if name in resolved:
            attrs.ctx.error(
                f'Error validating model "{model.name}": The unique index definition refers to the field '
                f"{name} multiple times.",
                attribute_span,
            )
            return None
        resolved.append(name)
    return resolved, unknown, relations


# ------------------------------------------------------------------ ids


def field_id(attrs: AttributeSet, model: ModelInfo, info: FieldInfo) -> None:
    attr = attrs.current
    assert attr is not None
    if model.primary_key is not None:
        attrs.ctx.error(
            f'Error validating model "{model.name}": At most one field must be marked as the id field with the '
            "`@id` attribute.",
            model.node.span,
        )
        return
    mapped, length, sort, clustered = _field_key_args(attrs)
    name = info.node.name.name
    model.primary_key = PrimaryKeyInfo(
        fields=[name],
        name=None,
        map=mapped,
        attribute=attr,
        from_field=True,
        field_args=[IndexFieldInfo(path=[name], sort=sort, length=length)],
        clustered=clustered,
    )


def model_id(attrs: AttributeSet, model: ModelInfo) -> None:
    from schemashift.psl.validator.attributes import fields_in_error, model_error

    attr = attrs.current
    assert attr is not None
    expr = attrs.default_arg("fields")
    if expr is None:
        return
    outcome = resolve_fields_with_args(attrs, model, expr, attr.span, follow_composites=False)
    if outcome is None:
        return
    entries, problems = outcome
    if problems:
        if problems.unknown:
            model_error(
                attrs.ctx,
                model,
                f"The multi field id declaration refers to the unknown {fields_in_error(problems.unknown)}.",
                expr.span,
            )
        if problems.relations:
            model_error(
                attrs.ctx,
                model,
                f"The id definition refers to the relation {fields_in_error(problems.relations)}. "
                "ID definitions must reference only scalar fields.",
                attr.span,
            )
        return
    optional = [e.path[0] for e in entries if model.fields[e.path[0]].node.arity is not ast.FieldArity.REQUIRED]
    if optional and not model.is_ignored:
        model_error(
            attrs.ctx,
            model,
            f"The id definition refers to the optional {fields_in_error(optional)}. "
            "ID definitions must reference only required fields.",
            attr.span,
        )
    if model.primary_key is not None:
        model_error(
            attrs.ctx,
            model,
            "Each model must have at most one id criteria. You can't have `@id` and `@@id` at the same time.",
            model.node.span,
        )
    mapped = attrs.optional_string_arg("map")
    name = attrs.optional_string_arg("name")
    if name is not None:
        _validate_client_name(attrs, model, name, "@@id", attr.span)
    clustered = _clustered_arg(attrs)
    model.primary_key = PrimaryKeyInfo(
        fields=[".".join(e.path) for e in entries],
        name=name,
        map=mapped,
        attribute=attr,
        from_field=False,
        field_args=entries,
        clustered=clustered,
    )


def _validate_client_name(attrs: AttributeSet, model: ModelInfo, name: str, attribute: str, span: Span) -> None:
    if all(c == "_" or (c.isascii() and c.isalnum()) for c in name):
        return
    attrs.ctx.error(
        f'Error validating model "{model.name}": The `name` property within the `{attribute}` attribute only '
        "allows for the following characters: `_a-zA-Z0-9`.",
        span,
    )


# ------------------------------------------------------------------ indexes


def field_unique(attrs: AttributeSet, model: ModelInfo, info: FieldInfo) -> None:
    attr = attrs.current
    assert attr is not None
    mapped, length, sort, clustered = _field_key_args(attrs)
    name = info.node.name.name
    model.indexes.append(
        IndexInfo(
            kind="unique",
            fields=[name],
            name=None,
            map=mapped,
            attribute=attr,
            from_field=True,
            field_args=[IndexFieldInfo(path=[name], sort=sort, length=length)],
            clustered=clustered,
        )
    )
    _where_arg(attrs, model, f"@{attr.name.name}")


def model_index(attrs: AttributeSet, model: ModelInfo, kind: Literal["index", "unique", "fulltext"]) -> None:
    attr = attrs.current
    assert attr is not None
    index = IndexInfo(kind=kind, fields=[], name=None, map=None, attribute=attr)
    _common_index_validations(attrs, model, index)

    if kind == "fulltext":
        index.map = attrs.optional_string_arg("map")
    elif kind == "index":
        name = attrs.optional_string_arg("name")
        mapped = attrs.optional_string_arg("map")
        if name is not None and mapped is not None:
            attrs.attr_error(
                "The `@@index` attribute accepts the `name` argument as an alias for the `map` argument for legacy "
                "reasons. It does not accept both though. Please use the `map` argument to specify the database "
                "name of the index."
            )
        else:
            index.map = mapped if mapped is not None else name
        algo_expr = attrs.optional_arg("type")
        algo = attrs.coerce_constant(algo_expr) if algo_expr is not None else None
        if algo is not None:
            if algo in ALGORITHMS:
                index.algorithm = algo
            else:
                attrs.attr_error(f"Unknown index type: {algo}.")
        index.clustered = _clustered_arg(attrs)
    else:
        name = attrs.optional_string_arg("name")
        index.map = attrs.optional_string_arg("map")
        if name is not None:
            _validate_client_name(attrs, model, name, "@@unique", attr.span)
        index.name = name
        index.clustered = _clustered_arg(attrs)
    if kind != "fulltext":
        _where_arg(attrs, model, f"@@{attr.name.name}")
    model.indexes.append(index)


# ------------------------------------------------------------------ partial indexes (Prisma 7)

#: connectors with partial indexes (Prisma 7.10: PostgreSQL, CockroachDB, SQLite, SQL Server)
PARTIAL_INDEX_PROVIDERS = ("postgresql", "cockroachdb", "sqlite", "sqlserver")
_WHERE_FORMS = (
    "The `where` argument must be either a raw() function call or an object literal, e.g. "
    "`where: raw(\"status = 'active'\")` or `where: { active: true }`."
)
#: the field types a where-object value may be compared with (String, Number, Boolean)
_VALUE_TYPES = {
    "String": ("String", "DateTime"),
    "Number": ("Int", "BigInt", "Float", "Decimal"),
    "Boolean": ("Boolean",),
}


def _where_arg(attrs: AttributeSet, model: ModelInfo, written: str) -> None:
    """``where:`` of ``@unique``, ``@@unique`` and ``@@index`` (Prisma 7.10's partial indexes,
    preview feature ``partialIndexes``; a schema with ``url`` follows Prisma 6.19, which has no
    such argument), with prisma7 validate's messages; ``written`` is the
    attribute as written (``@@index``), which the first two messages name."""
    ctx = attrs.ctx
    if ctx.config is None or not ctx.config.prisma7:
        return  # Prisma 6.19 has no `where:`: "No such argument."
    expr = attrs.optional_arg("where")
    if expr is None:
        return
    if "partialIndexes" not in ctx.preview_features:
        attrs.error(
            f'Error parsing attribute "{written}": Partial indexes are a preview feature. Add "partialIndexes" to '
            "previewFeatures in your generator block.",
            attrs.current.span if attrs.current is not None else expr.span,
        )
        return
    if ctx.provider not in PARTIAL_INDEX_PROVIDERS:
        attrs.error(
            f'Error parsing attribute "{written}": Partial indexes (with a `where` clause) are not supported by the '
            "current connector.",
            attrs.current.span if attrs.current is not None else expr.span,
        )
        return
    if isinstance(expr, ast.FunctionCall) and expr.name == "raw":
        args = expr.arguments.arguments
        text = attrs.coerce_string(args[0].value) if args else None
        if text is None:
            attrs.attr_error(
                "The `where` argument must be a raw() function with a string argument, e.g. "
                "`where: raw(\"status = 'active'\")`."
            )
        elif text == "":
            attrs.attr_error("The `where` argument cannot contain an empty string.")
        return
    if not isinstance(expr, ast.ObjectExpression):
        if not isinstance(expr, ast.FunctionCall):
            attrs.type_mismatch("function", expr)
        attrs.attr_error(_WHERE_FORMS)
        return
    if not expr.members:
        attrs.attr_error("The `where` argument cannot be an empty object.")
        return
    for member in expr.members:
        problem = _where_member(attrs, model, member)
        if problem is not None:
            attrs.attr_error(problem)
            return


def _where_member(attrs: AttributeSet, model: ModelInfo, member: ast.ObjectMember) -> str | None:
    """What is wrong with one ``field: value`` of a where object (the first problem), or None."""
    name = member.key.name
    info = model.fields.get(name)
    if info is None or info.kind in ("model", "unknown", "composite"):
        return f"Field '{name}' does not exist in model '{model.name}'."
    value = member.value
    if isinstance(value, ast.ObjectExpression):
        if len(value.members) != 1:
            return "Nested object in where clause must have exactly one key. Use `{ not: null }` or `{ not: \"value\" }`."
        if value.members[0].key.name != "not":
            return f"Unknown key '{value.members[0].key.name}' in nested where clause object. Only 'not' is supported."
        value = value.members[0].value
    if isinstance(value, ast.ConstantValue) and value.value == "null":
        return None
    if isinstance(value, ast.StringValue):
        kind, article = "String", "a String"
    elif isinstance(value, ast.NumericValue):
        kind, article = "Number", "a Number"
    elif isinstance(value, ast.ConstantValue) and value.value in ("true", "false"):
        kind, article = "Boolean", "Boolean"
    else:
        return (
            f"Invalid value '{render_expr(value)}' in where clause. Expected true, false, null, a string, a number, "
            "or an object like { not: null }."
        )
    if info.kind == "enum":
        if kind == "String":
            return None
        return f"Type mismatch: field '{name}' is an Enum and only accepts String values in the where clause."
    field_type = info.target or ""
    if info.kind == "scalar" and field_type in _VALUE_TYPES[kind]:
        return None
    return f"Type mismatch: field '{name}' is of type {field_type}, but the value is {article}."


def _common_index_validations(attrs: AttributeSet, model: ModelInfo, index: IndexInfo) -> None:
    attr = index.attribute
    expr = attrs.default_arg("fields")
    if expr is None:
        return
    outcome = resolve_fields_with_args(attrs, model, expr, attr.span, follow_composites=True)
    if outcome is None:
        return
    entries, problems = outcome
    prefix = "unique " if index.kind == "unique" else ""
    if problems.unknown:
        attrs.ctx.error(
            f'Error validating model "{model.name}": The {prefix}index definition refers to the unknown fields: '
            f"{', '.join(problems.unknown)}.",
            attr.span,
        )
    if problems.relations:
        suggested: list[str] = []
        for rel in problems.relations:
            relation_field = attrs.ctx.relation_fields.get((model.name, rel))
            if relation_field is not None:  # resolved `fields:` (relation_fields pass)
                suggested.extend(relation_field.fields or [])
        suggestion = ""
        if suggested:
            word = "unique" if index.kind == "unique" else "index"
            suggestion = f" Did you mean `@@{word}([{', '.join(suggested)}])`?"
        attrs.ctx.error(
            f'Error validating model "{model.name}": The {prefix}index definition refers to the relation fields '
            f"{', '.join(problems.relations)}. Index definitions must reference only scalar fields.{suggestion}",
            attr.span,
        )
    if not problems:
        index.fields = [".".join(e.path) for e in entries]
        index.field_args = entries


# ------------------------------------------------------------------ connector facts used by the checks


class Connector:
    """What prisma-engines' connector reports for the provider: the capabilities, identifier
    length limit, constraint name scopes and index types the attribute checks need."""

    def __init__(
        self,
        max_identifier_length: int,
        scopes: tuple[str, ...],
        capabilities: frozenset[str],
        index_algorithms: tuple[str, ...] = ("BTree",),
    ) -> None:
        self.max_identifier_length = max_identifier_length
        self.scopes = scopes
        self.capabilities = capabilities
        self.index_algorithms = index_algorithms

    def has(self, capability: str) -> bool:
        return capability in self.capabilities


_AUTOINC_ALL = {"AutoIncrement", "AutoIncrementAllowedOnNonId", "AutoIncrementMultipleAllowed", "AutoIncrementNonIndexedAllowed"}

CONNECTORS: dict[str, Connector] = {
    "postgresql": Connector(
        MAX_IDENTIFIER_LENGTH["postgresql"],
        ("GlobalPrimaryKeyKeyIndex", "ModelPrimaryKeyKeyIndexForeignKey"),
        frozenset(_AUTOINC_ALL | {"CompoundIds", "NamedPrimaryKeys"}),
        ALGORITHMS,
    ),
    "cockroachdb": Connector(
        MAX_IDENTIFIER_LENGTH["cockroachdb"],
        ("ModelPrimaryKeyKeyIndexForeignKey",),
        frozenset(_AUTOINC_ALL | {"CompoundIds", "NamedPrimaryKeys"}),
        ("BTree", "Gin"),
    ),
    "mysql": Connector(
        MAX_IDENTIFIER_LENGTH["mysql"],
        ("GlobalForeignKey", "ModelKeyIndex"),
        frozenset(
            {
                "AutoIncrement",
                "AutoIncrementAllowedOnNonId",
                "CompoundIds",
                "IndexColumnLengthPrefixing",
                "FullTextIndex",
                "MultipleFullTextAttributesPerModel",
            }
        ),
    ),
    "sqlite": Connector(MAX_IDENTIFIER_LENGTH["sqlite"], ("GlobalKeyIndex",), frozenset({"AutoIncrement", "CompoundIds"})),
    "sqlserver": Connector(
        MAX_IDENTIFIER_LENGTH["sqlserver"],
        ("GlobalPrimaryKeyForeignKeyDefault", "ModelPrimaryKeyKeyIndex"),
        frozenset(
            _AUTOINC_ALL
            | {
                "CompoundIds",
                "NamedDefaultValues",
                "NamedPrimaryKeys",
                "PrimaryKeySortOrderDefinition",
                "ClusteringSetting",
            }
        ),
    ),
    "mongodb": Connector(
        MAX_IDENTIFIER_LENGTH["mongodb"],
        ("ModelKeyIndex",),
        frozenset({"FullTextIndex", "SortOrderInFullTextIndex", "DefaultValueAuto"}),
    ),
}

EMPTY_CONNECTOR = Connector(2**63, (), frozenset({"AutoIncrement", "CompoundIds"}))


def connector_for(provider: str | None) -> Connector:
    return CONNECTORS.get(provider or "", EMPTY_CONNECTOR)
