"""Index checks (psl-core ``validations/indexes.rs`` and the connectors' ``validate_model``).

Call order in Prisma's per-model loop:

- :func:`only_one_fulltext_attribute_allowed` after the primary key checks;
- :func:`connector_specific` where ``models::connector_specific`` runs (the connector's
  ``validate_model``: PostgreSQL operator classes and index types, MySQL/SQL Server native types
  that cannot be indexed, CockroachDB inverted indexes and autoincrement, MongoDB ids, defaults
  and duplicate indexes);
- :func:`index_checks` for every index, after the relation field checks.
"""

from __future__ import annotations

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.validator.attributes import argument_span
from schemashift.psl.validator.checks.constraint_names import (
    Namespaces,
    clash_message,
    validate_db_name,
)
from schemashift.psl.validator.checks.primary_keys import length_used_with_correct_types
from schemashift.psl.validator.context import Context, FieldInfo, IndexFieldInfo, IndexInfo, ModelInfo
from schemashift.psl.validator.indexes import connector_for


def attribute_name(index: IndexInfo) -> str:
    if index.from_field:
        return "@unique"
    return {"unique": "@@unique", "index": "@@index", "fulltext": "@@fulltext"}[index.kind]


def _error(ctx: Context, index: IndexInfo, message: str, span: Span | None = None) -> None:
    ctx.error(f'Error parsing attribute "{attribute_name(index)}": {message}', span or index.attribute.span)


def _field_of(ctx: Context, model: ModelInfo, entry: IndexFieldInfo) -> FieldInfo | None:
    info = model.fields.get(entry.path[0])
    for part in entry.path[1:]:
        info = ctx.composite_fields.get(info.target or "", {}).get(part) if info is not None else None
    return info


def _native(info: FieldInfo | None) -> tuple[str, list[str]] | None:
    """(native type name, raw arguments) of a field's ``@db.X(...)``."""
    if info is None or info.native_type is None:
        return None
    name = info.native_type.name.name.split(".", 1)[1]
    args = []
    for arg in info.native_type.arguments.arguments:
        value = arg.value
        args.append(value.value if isinstance(value, (ast.NumericValue, ast.ConstantValue, ast.StringValue)) else "")
    return name, args


def _native_display(native: tuple[str, list[str]]) -> str:
    name, args = native
    return f"{name}({','.join(args)})" if args else name


# ------------------------------------------------------------------ model-level


def only_one_fulltext_attribute_allowed(ctx: Context, model: ModelInfo) -> None:
    connector = connector_for(ctx.provider)
    if model.is_view or not connector.has("FullTextIndex") or connector.has("MultipleFullTextAttributesPerModel"):
        return
    fulltext = [i for i in model.indexes if i.kind == "fulltext"]
    if len(fulltext) > 1:
        for index in fulltext:
            ctx.error(
                'Error parsing attribute "@@fulltext": The current connector only allows one fulltext attribute per '
                "model",
                index.attribute.span,
            )


# ------------------------------------------------------------------ per index


def index_checks(ctx: Context, model: ModelInfo, index: IndexInfo, names: Namespaces) -> None:
    """All checks of one index (views' indexes are checked by the views checks instead)."""
    if model.is_view:
        return
    connector = connector_for(ctx.provider)
    if not index.fields:
        _error(ctx, index, "The list of fields in an index cannot be empty. Please specify at least one field.")
    _unique_constraint_name(ctx, model, index, names)
    _client_name_does_not_clash(ctx, model, index)
    if index.name is not None and names.custom_name_clashes(model, index.name):
        _error(
            ctx,
            index,
            f"The given custom name `{index.name}` has to be unique on the model. Please provide a different name "
            "for the `name` argument.",
            argument_span(index.attribute, "name"),
        )
    if not connector.has("IndexColumnLengthPrefixing") and any(f.length is not None for f in index.field_args):
        _error(ctx, index, "The length argument is not supported in an index definition with the current connector")
    if index.algorithm is not None and index.algorithm not in connector.index_algorithms:
        _error(
            ctx,
            index,
            "The given index type is not supported with the current connector",
            argument_span(index.attribute, "type"),
        )
    if "Hash" in connector.index_algorithms and index.algorithm == "Hash":
        if any(f.sort is not None for f in index.field_args):
            _error(ctx, index, "Hash type does not support sort option.")
    if index.kind == "fulltext":
        _fulltext_checks(ctx, index)
    validate_db_name(ctx, model, index.attribute, index.map, not index.from_field)
    if not connector.has("ClusteringSetting"):
        if index.clustered is not None:
            _error(ctx, index, "Defining clustering is not supported in the current connector.")
    elif index.clustered is True:
        pk = model.primary_key
        if pk is not None and pk.clustered in (True, None):
            _error(ctx, index, "A model can only hold one clustered index or key.")
        if any(other is not index and other.clustered is True for other in model.indexes):
            _error(ctx, index, "A model can only hold one clustered index.")
    if index.kind != "index" and any(f.ops is not None for f in index.field_args):
        _error(ctx, index, "Operator classes can only be defined to fields in an @@index attribute.")
    _composite_type_in_compound_unique(ctx, model, index)
    length_used_with_correct_types(ctx, model, index.field_args, attribute_name(index), index.attribute.span)


def _unique_constraint_name(ctx: Context, model: ModelInfo, index: IndexInfo, names: Namespaces) -> None:
    name = names.index_name(ctx, model, index)
    violations = names.violations(ctx, model, "index", name)
    if not violations:
        return
    span = (
        argument_span(index.attribute, "map") or argument_span(index.attribute, "name") or index.attribute.span
    )
    for scope in violations:
        _error(ctx, index, clash_message(name, scope, model), span)


def _client_name_does_not_clash(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    if index.kind != "unique" or len(index.fields) <= 1:
        return
    client_name = "_".join(f.replace(".", "_") for f in index.fields)
    if any(f.node.name.name == client_name and f.kind not in ("model", "unknown") for f in model.fields.values()):
        attr = attribute_name(index)
        container = "view" if model.is_view else "model"
        ctx.error(
            f'Error validating {container} "{model.name}": The field `{client_name}` clashes with the `{attr}` name. '
            f'Please resolve the conflict by providing a custom id name: `{attr}([...], name: "custom_name")`',
            index.attribute.span,
        )


def _fulltext_checks(ctx: Context, index: IndexInfo) -> None:
    connector = connector_for(ctx.provider)
    if not connector.has("FullTextIndex"):
        _error(ctx, index, "Defining fulltext indexes is not supported with the current connector.")
        return
    if any(f.length is not None for f in index.field_args):
        _error(ctx, index, "The length argument is not supported in a @@fulltext attribute.")
    if not connector.has("SortOrderInFullTextIndex"):
        if any(f.sort is not None for f in index.field_args):
            _error(ctx, index, "The sort argument is not supported in a @@fulltext attribute in the current connector.")
        return
    state = "init"
    for entry in index.field_args:
        sorted_field = entry.sort is not None
        if state == "tail" and not sorted_field:
            _error(ctx, index, "All index fields must be listed adjacently in the fields argument.")
            return
        if sorted_field:
            state = {"init": "head", "head": "head", "bundle": "tail", "tail": "tail"}[state]
        else:
            state = "bundle"


def _composite_type_in_compound_unique(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    if index.kind != "unique" or len(index.fields) <= 1:
        return
    for entry in index.field_args:
        info = _field_of(ctx, model, entry)
        if info is not None and info.kind == "composite":
            _error(
                ctx,
                index,
                "Prisma does not currently support composite types in compound unique indices, please remove "
                f'"{info.node.name.name}" from the index. See https://pris.ly/d/mongodb-composite-compound-indices '
                "for more details",
            )
            return


# ------------------------------------------------------------------ connector validate_model


def connector_specific(ctx: Context, model: ModelInfo) -> None:
    provider = ctx.provider
    if model.is_view:
        # prisma6 runs only MongoDB's field name check on views
        if provider == "mongodb":
            for info in model.fields.values():
                if info.kind not in ("model", "unknown"):
                    _mongodb_field_name(ctx, info)
        return
    if provider == "postgresql":
        for index in model.indexes:
            _postgres_native_types(ctx, model, index)
            _postgres_generalized_index(ctx, model, index)
            if index.algorithm == "SpGist" and len(index.fields) != 1:
                _error(ctx, index, "SpGist does not support multi-column indices.")
    elif provider == "mysql":
        for index in model.indexes:
            _mysql_index_native_types(ctx, model, index)
        if model.primary_key is not None:
            _mysql_pk_native_types(ctx, model)
    elif provider == "sqlserver":
        for index in model.indexes:
            _sqlserver_index_native_types(ctx, model, index)
        if model.primary_key is not None:
            _sqlserver_pk_native_types(ctx, model)
    elif provider == "cockroachdb":
        _cockroach_autoincrement(ctx, model)
        for index in model.indexes:
            _cockroach_inverted_index(ctx, model, index)
    elif provider == "mongodb":
        _mongodb(ctx, model)


def _postgres_native_types(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    for entry in index.field_args:
        info = _field_of(ctx, model, entry)
        if info is None or info.native_type is None:
            continue
        native = _native(info)
        if native is not None and native[0] == "Xml":
            span = info.node.span
            if index.kind == "unique":
                ctx.error("Native type `Xml` cannot be unique in Postgres.", span)
            else:
                ctx.error("You cannot define an index on fields with native type `Xml` of Postgres.", span)
            return


_GIN_OPS = {"JsonbOps", "JsonbPathOps", "ArrayOps"}

# BRIN: native type -> operator classes it accepts (None = the default class)
_BRIN_NATIVE: dict[str, set[str]] = {
    "Bit": {"BitMinMaxOps"},
    "VarBit": {"VarBitMinMaxOps"},
    "Char": {"BpcharBloomOps", "BpcharMinMaxOps"},
    "Date": {"DateBloomOps", "DateMinMaxOps", "DateMinMaxMultiOps"},
    "Real": {"Float4BloomOps", "Float4MinMaxOps", "Float4MinMaxMultiOps"},
    "DoublePrecision": {"Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"},
    "Inet": {"InetInclusionOps", "InetBloomOps", "InetMinMaxOps", "InetMinMaxMultiOps"},
    "SmallInt": {"Int2BloomOps", "Int2MinMaxOps", "Int2MinMaxMultiOps"},
    "Integer": {"Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"},
    "BigInt": {"Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"},
    "Decimal": {"NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"},
    "Oid": {"OidBloomOps", "OidMinMaxOps", "OidMinMaxMultiOps"},
    "ByteA": {"ByteaBloomOps", "ByteaMinMaxOps"},
    "Text": {"TextBloomOps", "TextMinMaxOps"},
    "VarChar": {"TextBloomOps", "TextMinMaxOps"},
    "Timestamp": {"TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"},
    "Timestamptz": {"TimestampTzBloomOps", "TimestampTzMinMaxOps", "TimestampTzMinMaxMultiOps"},
    "Time": {"TimeBloomOps", "TimeMinMaxOps", "TimeMinMaxMultiOps"},
    "Timetz": {"TimeTzBloomOps", "TimeTzMinMaxOps", "TimeTzMinMaxMultiOps"},
    "Uuid": {"UuidBloomOps", "UuidMinMaxOps", "UuidMinMaxMultiOps"},
}

# BRIN without a native type: scalar type -> (operator classes, type name in the error)
_BRIN_SCALAR: dict[str, tuple[set[str], str]] = {
    "Float": ({"Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"}, "Float"),
    "Int": ({"Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"}, "Int"),
    "BigInt": ({"Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"}, "BigInt"),
    "Decimal": ({"NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"}, "Decimal"),
    "Bytes": ({"ByteaBloomOps", "ByteaMinMaxOps"}, "Bytes"),
    "String": ({"TextBloomOps", "TextMinMaxOps"}, "String"),
    "DateTime": ({"TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"}, "DateTime"),
}


def _ops_algorithms(ops: str) -> tuple[str, ...]:
    """Index types an operator class can be used with (``OperatorClass::supports_index_type``)."""
    if ops == "InetOps":
        return ("Gist", "SpGist")
    if ops in _GIN_OPS:
        return ("Gin",)
    if ops == "TextOps":
        return ("SpGist",)
    return ("Brin",)


def _ops_display(ops: str) -> str:
    """Prisma prints ``UuidMinMaxMultiOps`` as ``BitMinMaxOps`` (its ``Display`` has that slip)."""
    return "BitMinMaxOps" if ops == "UuidMinMaxMultiOps" else ops


def _supports_field_type(algo: str, info: FieldInfo) -> bool:
    if info.kind == "unsupported":
        return True
    scalar = info.target if info.kind == "scalar" else None
    if algo in ("BTree", "Hash"):
        return True
    if algo in ("Gist", "SpGist"):
        return scalar == "String"
    if algo == "Gin":
        return scalar == "Json" or info.node.arity is ast.FieldArity.LIST
    return scalar in ("String", "Bytes", "DateTime", "Float", "Int", "BigInt", "Decimal")


def _postgres_generalized_index(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    algo = index.algorithm or "BTree"
    for entry in index.field_args:
        ops = entry.ops
        if entry.ops_raw or (ops is None and algo in ("BTree", "Hash")):
            continue  # nothing below applies to a B-tree or hash index field without operator class
        info = _field_of(ctx, model, entry)
        if info is None:
            continue
        native = _native(info)
        native_name = native[0] if native is not None else None
        scalar = info.target if info.kind == "scalar" else None
        name = info.node.name.name

        if ops is not None and algo not in _ops_algorithms(ops):
            _error(
                ctx,
                index,
                f"The given operator class `{_ops_display(ops)}` is not supported with the `{algo}` index type.",
            )
            continue

        def fail(native_name: str | None = native_name, ops: str | None = ops) -> None:
            if native_name is not None and ops is not None:
                _error(
                    ctx,
                    index,
                    f"The given operator class `{_ops_display(ops)}` does not support native type `{native_name}` "
                    f"of field `{name}`.",
                )
            elif native_name is not None:
                _error(ctx, index, f"The {algo} index field type `{native_name}` has no default operator class.")
            elif ops is not None:
                _error(
                    ctx,
                    index,
                    f"The given operator class `{_ops_display(ops)}` expects the field `{name}` to define a valid "
                    "native type.",
                )
            elif not _supports_field_type(algo, info):
                _error(ctx, index, f"The {algo} index type does not support the type of the field `{name}`.")

        def wrong_scalar(expected: str) -> None:
            _error(
                ctx,
                index,
                f"The given operator class `{_ops_display(ops or '')}` points to the field `{name}` that is not of "
                f"{expected} type.",
            )

        is_list = info.node.arity is ast.FieldArity.LIST
        if algo == "Gist":
            if not (native_name == "Inet" and ops == "InetOps"):
                fail()
        elif algo == "Gin":
            if native_name is None and ops is None and scalar == "Json":
                pass
            elif ops is None and is_list:
                pass
            elif native_name == "JsonB" and ops in (None, "JsonbOps", "JsonbPathOps"):
                pass
            elif native_name is None and ops in ("JsonbOps", "JsonbPathOps"):
                if scalar != "Json":
                    wrong_scalar("Json")
            elif ops == "ArrayOps":
                if not is_list:
                    _error(
                        ctx,
                        index,
                        f"The given operator class `ArrayOps` expects the type of field `{name}` to be an array.",
                    )
            else:
                fail()
        elif algo == "SpGist":
            if native_name == "Inet" and ops in (None, "InetOps"):
                pass
            elif native_name is None and ops is None and scalar == "String":
                pass
            elif native_name is None and ops == "TextOps":
                if scalar != "String":
                    wrong_scalar("String")
            elif native_name in ("Text", "VarChar", "Char") and ops in (None, "TextOps"):
                pass
            else:
                fail()
        elif algo == "Brin":
            if native_name is not None:
                if native_name in _BRIN_NATIVE and (ops is None or ops in _BRIN_NATIVE[native_name]):
                    continue
                fail()
            elif scalar in _BRIN_SCALAR:
                classes, type_name = _BRIN_SCALAR[scalar]
                if ops is None or ops in classes:
                    continue
                owner = next((t for c, t in _BRIN_SCALAR.values() if ops in c), None)
                if owner is not None:
                    wrong_scalar(owner)
                else:
                    fail()
            elif ops is not None:
                owner = next((t for c, t in _BRIN_SCALAR.values() if ops in c), None)
                if owner is not None:
                    wrong_scalar(owner)
                else:
                    fail()
            else:
                fail()


_MYSQL_UNKEYABLE = {"Text", "LongText", "MediumText", "TinyText", "Blob", "TinyBlob", "MediumBlob", "LongBlob"}
_LENGTH_GUIDE = " Please use the `length` argument to the field in the index definition to allow this."


def _mysql_index_native_types(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    for entry in index.field_args:
        native = _native(_field_of(ctx, model, entry))
        if native is None or native[0] not in _MYSQL_UNKEYABLE or entry.length is not None:
            continue
        if index.kind == "fulltext":
            continue
        shown = _native_display(native)
        if index.kind == "unique":
            ctx.error(f"Native type `{shown}` cannot be unique in MySQL.{_LENGTH_GUIDE}", index.attribute.span)
        else:
            ctx.error(
                f"You cannot define an index on fields with native type `{shown}` of MySQL.{_LENGTH_GUIDE}",
                index.attribute.span,
            )
        return


def _mysql_pk_native_types(ctx: Context, model: ModelInfo) -> None:
    pk = model.primary_key
    assert pk is not None
    for entry in pk.field_args:
        native = _native(_field_of(ctx, model, entry))
        if native is None or native[0] not in _MYSQL_UNKEYABLE or entry.length is not None:
            continue
        ctx.error(
            f"Native type `{_native_display(native)}` of MySQL cannot be used on a field that is `@id` or `@@id`."
            f"{_LENGTH_GUIDE}",
            pk.attribute.span,
        )
        return


def _sqlserver_heap_allocated(native: tuple[str, list[str]] | None) -> bool:
    if native is None:
        return False
    name, args = native
    if name in ("Text", "NText", "Image", "Xml"):
        return True
    return name in ("VarBinary", "VarChar", "NVarChar") and args == ["Max"]


def _sqlserver_index_native_types(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    for entry in index.field_args:
        native = _native(_field_of(ctx, model, entry))
        if native is None or not _sqlserver_heap_allocated(native):
            continue
        shown = _native_display(native)
        if index.kind == "unique":
            ctx.error(f"Native type `{shown}` cannot be unique in SQL Server.", index.attribute.span)
        else:
            ctx.error(f"You cannot define an index on fields with native type `{shown}` of SQL Server.", index.attribute.span)
        return


def _sqlserver_pk_native_types(ctx: Context, model: ModelInfo) -> None:
    pk = model.primary_key
    assert pk is not None
    for entry in pk.field_args:
        info = _field_of(ctx, model, entry)
        native = _native(info)
        if native is not None and _sqlserver_heap_allocated(native):
            ctx.error(
                f"Native type `{_native_display(native)}` of SQL Server cannot be used on a field that is `@id` or "
                "`@@id`.",
                pk.attribute.span,
            )
            return
        if info is not None and info.kind == "scalar" and info.target == "Bytes":
            ctx.error("Invalid model: Using Bytes type is not allowed in the model's id.", pk.attribute.span)
            return


def _cockroach_autoincrement(ctx: Context, model: ModelInfo) -> None:
    for info in model.fields.values():
        value = info.default_value
        if (
            isinstance(value, ast.FunctionCall)
            and value.name == "autoincrement"
            and info.kind == "scalar"
            and info.target == "Int"
            and info.default is not None
        ):
            ctx.error(
                'Error parsing attribute "default": The `autoincrement()` default function is defined only on BigInt '
                "fields on CockroachDB. Use sequence() if you want an autoincrementing Int field.",
                info.default.span,
            )


def _cockroach_inverted_index(ctx: Context, model: ModelInfo, index: IndexInfo) -> None:
    if index.algorithm != "Gin":
        return
    count = len(index.field_args)
    for i, entry in enumerate(index.field_args):
        if entry.ops is not None:
            _error(ctx, index, "Custom operator classes are not supported with the current connector.")
            return
        info = _field_of(ctx, model, entry)
        if info is None:
            continue
        if not _supports_field_type("Gin", info):
            _error(
                ctx, index, f"The Gin index type does not support the type of the field `{info.node.name.name}`."
            )
        if info.kind == "scalar" and info.target == "Json" and i < count - 1:
            _error(ctx, index, "A `Json` column is only allowed as the last column of an inverted index.")


def _mongodb(ctx: Context, model: ModelInfo) -> None:
    container = "view" if model.is_view else "model"
    pk = model.primary_key
    if pk is None:
        ctx.error(
            "Invalid model: MongoDB models require exactly one identity field annotated with @id", model.node.span
        )
    elif len(pk.fields) == 1 and "." not in pk.fields[0]:
        info = model.fields[pk.fields[0]]
        if info.node.name.name != "_id" and info.db_name != "_id":
            found = f', found @map("{info.db_name}")' if info.db_name is not None else ""
            ctx.error(
                f"Error validating field `{info.node.name.name}` in {container} `{model.name}`: MongoDB model IDs "
                f'must have an @map("_id") annotation{found}.',
                info.node.span,
            )

    pk_fields = set(pk.fields) if pk is not None else set()
    for info in model.fields.values():
        if info.kind in ("model", "unknown"):
            continue
        prefix = f"Error validating field `{info.node.name.name}` in {container} `{model.name}`: "
        value = info.default_value
        is_auto = isinstance(value, ast.FunctionCall) and value.name == "auto"
        if is_auto and not (_native(info) or ("",))[0] == "ObjectId":
            ctx.error(prefix + "MongoDB `@default(auto())` fields must have `ObjectId` native type.", info.node.span)
        if is_auto and info.node.name.name not in pk_fields:
            ctx.error(prefix + "MongoDB `@default(auto())` fields must have the `@id` attribute.", info.node.span)
        if isinstance(value, ast.FunctionCall) and value.name == "dbgenerated":
            ctx.error(
                prefix + "The `dbgenerated()` function is not allowed with MongoDB. Please use `auto()` instead.",
                info.node.span,
            )
        _mongodb_field_name(ctx, info)

    for index in model.indexes:
        key = _index_key(index)
        if any(other is not index and _index_key(other) == key for other in model.indexes):
            ctx.error(
                f'Error parsing attribute "@@{index.attribute.name.name}": Index already exists in the model.',
                index.attribute.span,
            )
        if (
            index.kind == "unique"
            and len(index.fields) == 1
            and pk is not None
            and len(pk.fields) == 1
            and pk.fields[0] == index.fields[0]
        ):
            _error(ctx, index, "The same field cannot be an id and unique on MongoDB.")


def _mongodb_field_name(ctx: Context, info: FieldInfo) -> None:
    if info.db_name is None:
        return
    map_attr = next(a for a in info.node.attributes if a.name.name == "map")
    if info.db_name.startswith("$"):
        ctx.error('Error parsing attribute "@map": The field name cannot start with a `$` character', map_attr.span)
    if "." in info.db_name:
        ctx.error('Error parsing attribute "@map": The field name cannot contain a `.` character', map_attr.span)


def _index_key(index: IndexInfo) -> list[tuple[str, str | None, int | None]]:
    return [(".".join(f.path), f.sort, f.length) for f in index.field_args]
