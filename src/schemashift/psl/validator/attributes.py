"""The ``attributes`` pass: resolve every ``@x`` / ``@@x`` attribute (parser-database's attributes).

It mirrors prisma-engines' ``parser-database/src/attributes.rs`` and its sub-modules: the
attribute/argument state machine of ``context.rs`` (unknown attributes, duplicates, unused,
duplicate and empty arguments), then per container, in Prisma's order. The attributes of
relation fields are visited before, by the ``relation_fields`` pass. Then the blocks in source
order:

- models and views: scalar fields (``@map``, ``@ignore``, ``@relation``, ``@id``, ``@updatedAt``,
  ``@default``, ``@db.X``, ``@unique``, ``@shardKey``), then ``@@ignore``, ``@@id``, ``@@map``,
  ``@@schema``, ``@@index``, ``@@unique``, ``@@fulltext``, ``@@shardKey``;
- enums: value ``@map``, then ``@@map``, ``@@schema``;
- composite types: per field ``@db.X``, ``@map``, ``@default``.

Fields whose type did not resolve are skipped (Prisma goes on after name and type errors).
A ``@default`` is recorded only when it was accepted. What the pass fills in the
:class:`Context` is documented there.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.validator.context import (
    Context,
    EnumInfo,
    FieldInfo,
    ModelInfo,
    ShardKeyInfo,
)

SCALAR_TYPES = frozenset({"String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"})


# ------------------------------------------------------------------ expressions


def string_literal(value: str) -> str:
    """A PSL string literal as Prisma prints it (``"a\\"b"``)."""
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def render_expr(expr: ast.Expression) -> str:
    """``Display`` of schema-ast's ``Expression`` (used inside error messages)."""
    if isinstance(expr, ast.StringValue):
        return string_literal(expr.value)
    if isinstance(expr, (ast.NumericValue, ast.ConstantValue)):
        return expr.value
    if isinstance(expr, ast.FunctionCall):
        args = ",".join(render_argument(a) for a in expr.arguments.arguments)
        return f"{expr.name}({args})"
    if isinstance(expr, ast.ObjectExpression):
        return "{" + ", ".join(f"{m.key.name}: {render_expr(m.value)}" for m in expr.members) + "}"
    return "[" + ",".join(render_expr(e) for e in expr.elements) + "]"


def render_argument(arg: ast.Argument) -> str:
    prefix = f"{arg.name.name}: " if arg.name is not None else ""
    return prefix + render_expr(arg.value)


def describe_value_type(expr: ast.Expression) -> str:
    if isinstance(expr, ast.NumericValue):
        return "numeric"
    if isinstance(expr, ast.StringValue):
        return "string"
    if isinstance(expr, ast.ConstantValue):
        return "literal"
    if isinstance(expr, ast.FunctionCall):
        return "functional"
    if isinstance(expr, ast.ObjectExpression):
        return "object"
    return "array"


def parse_i64(text: str) -> int | None:
    """Rust's ``str::parse::<i64>()``: an optional sign and ASCII digits only."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def parse_u8(text: str) -> int | None:
    body = text[1:] if text[:1] == "+" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(body)
    return value if value < 256 else None


# ------------------------------------------------------------------ attribute state machine


class AttributeSet:
    """One container's attributes being validated (parser-database's ``AttributesValidationState``).

    Usage: ``visit_optional_single`` / ``visit_repeated`` select an attribute and its arguments;
    read arguments with ``default_arg`` / ``optional_arg``; finish the attribute with
    ``validate_args`` (unused arguments are "No such argument.") or ``discard_args``; finish the
    container with ``finish`` (unvisited attributes are "Attribute not known").
    """

    __slots__ = ("ctx", "attributes", "unused", "current", "args", "by_name")

    def __init__(self, ctx: Context, attributes: list[ast.Attribute]) -> None:
        self.ctx = ctx
        self.attributes = attributes
        self.unused: list[int] = list(range(len(attributes)))
        self.current: ast.Attribute | None = None
        self.args: dict[str | None, int] = {}
        by_name: dict[str, list[int]] = {}
        for i, attr in enumerate(attributes):
            name = attr.name.name
            found = by_name.get(name)
            if found is None:
                by_name[name] = [i]
            else:
                found.append(i)
        self.by_name = by_name  # callers may test ``name in by_name`` before visiting

    # -- errors

    def error(self, message: str, span: Span) -> None:
        self.ctx.error(message, span)

    def attr_error(self, message: str, span: Span | None = None) -> None:
        """``push_attribute_validation_error``: ``Error parsing attribute "@name": ...``."""
        attr = self.current
        assert attr is not None
        self.error(f'Error parsing attribute "@{attr.name.name}": {message}', span or attr.span)

    def type_mismatch(self, expected: str, expr: ast.Expression) -> None:
        self.error(
            f"Expected a {expected} value, but received {describe_value_type(expr)} value `{render_expr(expr)}`.",
            expr.span,
        )

    # -- coercions (emit the type mismatch error and return None when the value does not fit)

    def coerce_string(self, expr: ast.Expression) -> str | None:
        if isinstance(expr, ast.StringValue):
            return expr.value
        self.type_mismatch("string", expr)
        return None

    def coerce_constant(self, expr: ast.Expression) -> str | None:
        if isinstance(expr, ast.ConstantValue):
            return expr.value
        self.type_mismatch("constant", expr)
        return None

    def coerce_integer(self, expr: ast.Expression) -> int | None:
        if isinstance(expr, ast.NumericValue):
            value = parse_i64(expr.value)
            if value is not None:
                return value
        self.type_mismatch("numeric", expr)
        return None

    def coerce_boolean(self, expr: ast.Expression) -> bool | None:
        if isinstance(expr, ast.ConstantValue) and expr.value in ("true", "false"):
            return expr.value == "true"
        self.type_mismatch("boolean", expr)
        return None

    def coerce_constant_array(self, expr: ast.Expression) -> list[str] | None:
        items = expr.elements if isinstance(expr, ast.ArrayExpression) else [expr]
        out: list[str] = []
        valid = True
        for item in items:
            value = self.coerce_constant(item)
            if value is None:
                valid = False
                if not isinstance(expr, ast.ArrayExpression):
                    return None
            else:
                out.append(value)
        return out if valid else None

    # -- selecting attributes

    def visit_optional_single(self, name: str) -> bool:
        found = self.by_name.get(name)
        if not found:
            return False
        if len(found) > 1:
            for i in found:
                attr = self.attributes[i]
                self.error(f'Attribute "@{attr.name.name}" can only be defined once.', attr.span)
                if i in self.unused:
                    self.unused.remove(i)
            return False
        self.unused.remove(found[0])
        return self._set_attribute(self.attributes[found[0]])

    def visit_repeated(self, name: str) -> Iterator[ast.Attribute]:
        """Yield each valid ``name`` attribute; the caller validates its arguments before the next."""
        for i in self.by_name.get(name, []):
            if i not in self.unused:
                continue
            self.unused.remove(i)
            if self._set_attribute(self.attributes[i]):
                yield self.attributes[i]

    def visit_datasource_scoped(self) -> ast.Attribute | None:
        """The native type attribute (``@db.VarChar(...)``); a second one is a duplicate error."""
        chosen: ast.Attribute | None = None
        for i, attr in enumerate(self.attributes):
            if "." not in attr.name.name:
                continue
            if i in self.unused:
                self.unused.remove(i)
            if chosen is not None:
                ds = attr.name.name.split(".", 1)[0]
                self.error(f'Attribute "@{ds}" can only be defined once.', attr.span)
            chosen = attr
        return chosen

    def _set_attribute(self, attr: ast.Attribute) -> bool:
        arg_list = attr.arguments
        if not arg_list.arguments and not arg_list.empty_arguments and arg_list.trailing_comma is None:
            self.current = attr  # the common case: no arguments, so nothing to report
            self.args = {}
            return True
        valid = True
        lists = [arg_list]  # the attribute's arguments, then those of each function call among them
        for a in arg_list.arguments:
            if isinstance(a.value, ast.FunctionCall):
                lists.append(a.value.arguments)
        for args in lists:
            for empty in args.empty_arguments:
                self.error(
                    f'Error parsing attribute "@{attr.name.name}": The `{empty.name.name}` argument is missing a value.',
                    empty.name.span,
                )
                valid = False
            for arg in args.arguments:
                value = arg.value
                if not isinstance(value, ast.ArrayExpression):
                    continue
                for element in value.elements:
                    if isinstance(element, ast.FunctionCall):
                        for empty in element.arguments.empty_arguments:
                            self.error(
                                f'Error parsing attribute "@@{attr.name.name}": '
                                f"The `{empty.name.name}` argument is missing a value.",
                                empty.name.span,
                            )
            if args.trailing_comma is not None:
                self.error(
                    f'Error parsing attribute "@{attr.name.name}": '
                    "Trailing commas are not valid in attribute arguments, please remove the comma.",
                    args.trailing_comma,
                )
        if not valid:
            return False

        self.current = attr
        by_key: dict[str | None, int] = {}
        self.args = by_key
        unnamed: list[str] = []
        arguments = arg_list.arguments
        for idx, arg in enumerate(arguments):
            key = arg.name.name if arg.name is not None else None
            existing = by_key.get(key)
            by_key[key] = idx
            if existing is None:
                continue
            if key is None:
                if not unnamed:
                    unnamed.append(render_expr(arguments[existing].value))
                unnamed.append(render_expr(arg.value))
            else:
                self.error(f'Argument "{key}" is already specified.', arg.span)
        if unnamed:
            self.attr_error(
                "You provided multiple unnamed arguments. This is not possible. "
                f"Did you forget the brackets? Did you mean `[{', '.join(unnamed)}]`?"
            )
        return True

    # -- arguments of the current attribute

    def default_arg_with_idx(self, name: str) -> tuple[int, ast.Expression] | None:
        """The argument ``name``, or else the unnamed one; reports missing/duplicated values."""
        attr = self.current
        assert attr is not None
        named = self.args.pop(name, None)
        unnamed = self.args.pop(None, None)
        if named is not None and unnamed is not None:
            self.error(
                f'Argument "{name}" is already specified as unnamed argument.', attr.arguments.arguments[named].span
            )
            return None
        idx = named if named is not None else unnamed
        if idx is None:
            self.error(f'Argument "{name}" is missing.', attr.span)
            return None
        return idx, attr.arguments.arguments[idx].value

    def default_arg(self, name: str) -> ast.Expression | None:
        found = self.default_arg_with_idx(name)
        return found[1] if found is not None else None

    def optional_arg(self, name: str) -> ast.Expression | None:
        idx = self.args.pop(name, None)
        if idx is None:
            return None
        assert self.current is not None
        return self.current.arguments.arguments[idx].value

    def optional_string_arg(self, name: str) -> str | None:
        """An optional string argument (``map:``, ``name:``) that must not be empty."""
        expr = self.optional_arg(name)
        value = self.coerce_string(expr) if expr is not None else None
        if value == "":
            self.attr_error(f"The `{name}` argument cannot be an empty string.")
            return None
        return value

    def validate_args(self) -> None:
        attr = self.current
        assert attr is not None
        if self.args:
            for idx in sorted(self.args.values()):
                self.error("No such argument.", attr.arguments.arguments[idx].span)
        self.current = None
        self.args = {}

    def discard_args(self) -> None:
        self.current = None
        self.args = {}

    def finish(self) -> None:
        for i in self.unused:
            attr = self.attributes[i]
            self.error(f'Attribute not known: "@{attr.name.name}".', attr.span)
        self.unused = []


def argument_span(attr: ast.Attribute, name: str) -> Span | None:
    """``span_for_argument``: the span of the argument called ``name``."""
    for arg in attr.arguments.arguments:
        if arg.name is not None and arg.name.name == name:
            return arg.span
    return None


def fields_in_error(names: list[str]) -> str:
    """``field `a``` / ``fields `a`, `b```."""
    word = "fields" if len(names) > 1 else "field"
    return word + " " + ", ".join(f"`{n}`" for n in names)


def model_error(ctx: Context, model: ModelInfo, message: str, span: Span) -> None:
    ctx.error(f'Error validating model "{model.name}": {message}', span)


# ------------------------------------------------------------------ field kinds


def resolve_kind(ctx: Context, field: ast.Field) -> tuple[str, str | None]:
    """(kind, target) of a field type, like the names pass does for model fields."""
    ftype = field.field_type
    if isinstance(ftype, ast.UnsupportedFieldType):
        return "unsupported", ftype.literal
    name = ftype.name
    if name in SCALAR_TYPES:
        return "scalar", name
    if name in ctx.enums:
        return "enum", name
    if name in ctx.composite_types:
        return "composite", name
    if name in ctx.models:
        return "model", name
    return "unknown", None


def _field_infos(ctx: Context, fields: list[ast.Field]) -> dict[str, FieldInfo]:
    """Field infos by name (first definition wins), kinds resolved like the names pass does."""
    infos: dict[str, FieldInfo] = {}
    for f in fields:
        if f.name.name not in infos:
            kind, target = resolve_kind(ctx, f)
            infos[f.name.name] = FieldInfo(node=f, kind=kind, target=target)  # type: ignore[arg-type]
    return infos


def _ensure_composite_fields(ctx: Context) -> None:
    for name, ct in ctx.composite_types.items():
        if name not in ctx.composite_fields:
            ctx.composite_fields[name] = _field_infos(ctx, ct.fields)


# ------------------------------------------------------------------ the pass


def run(ctx: Context) -> None:
    from schemashift.psl.validator import defaults, indexes

    _ensure_composite_fields(ctx)

    # Blocks whose name is taken by an earlier block are visited too (their errors count, as in
    # Prisma), with throwaway infos that stay out of the Context.
    for top in ctx.ast.tops():
        if isinstance(top, ast.Model):
            model = ctx.models.get(top.name.name)
            if model is None or model.node is not top:
                model = ModelInfo(node=top, fields=_field_infos(ctx, top.fields))
            _model(ctx, model, defaults, indexes)
        elif isinstance(top, ast.Enum):
            registered = ctx.enums.get(top.name.name) is top
            info = ctx.enum_infos.setdefault(top.name.name, EnumInfo()) if registered else EnumInfo()
            _enum(ctx, top, info)
        elif isinstance(top, ast.CompositeType):
            infos = ctx.composite_fields.get(top.name.name, {})
            if ctx.composite_types.get(top.name.name) is not top:
                infos = _field_infos(ctx, top.fields)
            _composite_type(ctx, top, infos, defaults)


def _scalar_fields(ctx: Context, model: ModelInfo) -> list[FieldInfo]:
    """The model's scalar fields in source order, duplicates included (Prisma visits their
    attributes too); a duplicate gets a FieldInfo of its own that is not in ``model.fields``."""
    if len(model.fields) == len(model.node.fields):  # no duplicates: every field has its info
        return model.scalar_fields()
    out = []
    for field in model.node.fields:
        info = model.fields.get(field.name.name)
        if info is None or info.node is not field:
            kind, target = resolve_kind(ctx, field)
            info = FieldInfo(node=field, kind=kind, target=target)  # type: ignore[arg-type]
        if info.kind not in ("model", "unknown"):
            out.append(info)
    return out


def _model(ctx: Context, model: ModelInfo, defaults: ModuleType, indexes: ModuleType) -> None:
    scalar_fields = _scalar_fields(ctx, model)
    for info in scalar_fields:
        _scalar_field(ctx, model, info, scalar_fields, defaults, indexes)

    attrs = AttributeSet(ctx, model.node.attributes)
    present = attrs.by_name  # skip the visits of attributes the model does not have

    if "ignore" in present and attrs.visit_optional_single("ignore"):
        for info in scalar_fields:
            if info.is_ignored:
                ctx.error(
                    'Error parsing attribute "@ignore": Fields on an already ignored Model do not need an '
                    "`@ignore` annotation.",
                    info.node.span,
                )
        model.is_ignored = True
        attrs.validate_args()

    if "id" in present and attrs.visit_optional_single("id"):
        indexes.model_id(attrs, model)
        attrs.validate_args()

    if "map" in present and attrs.visit_optional_single("map"):
        name = _map_value(attrs)
        if name is not None:
            model.db_name = name
        attrs.validate_args()

    if "schema" in present and attrs.visit_optional_single("schema"):
        model.schema, model.schema_span = _schema_value(attrs)
        attrs.validate_args()

    for _ in attrs.visit_repeated("index"):
        indexes.model_index(attrs, model, "index")
        attrs.validate_args()
    for _ in attrs.visit_repeated("unique"):
        indexes.model_index(attrs, model, "unique")
        attrs.validate_args()
    for _ in attrs.visit_repeated("fulltext"):
        indexes.model_index(attrs, model, "fulltext")
        attrs.validate_args()

    if "shardKey" in present and attrs.visit_optional_single("shardKey"):
        _model_shard_key(attrs, model)
        attrs.validate_args()

    _required_single_field_key(ctx, model)
    attrs.finish()


def _scalar_field(
    ctx: Context,
    model: ModelInfo,
    info: FieldInfo,
    scalar_fields: list[FieldInfo],
    defaults: ModuleType,
    indexes: ModuleType,
) -> None:
    field = info.node
    if not field.attributes:  # nothing below applies to a field without attributes
        return
    attrs = AttributeSet(ctx, field.attributes)
    # A visit of an attribute the field does not have is a no-op: test the names first (a field
    # has one or two attributes, and each is visited under nine names).
    present = attrs.by_name

    if "map" in present and attrs.visit_optional_single("map"):
        _field_map(attrs, model, info, scalar_fields)
        attrs.validate_args()

    if "ignore" in present and attrs.visit_optional_single("ignore"):
        if info.kind == "unsupported":
            attrs.attr_error(
                "Fields of type `Unsupported` cannot take an `@ignore` attribute. "
                "They are already treated as ignored by the client due to their type."
            )
        else:
            info.is_ignored = True
        attrs.validate_args()

    if "relation" in present and attrs.visit_optional_single("relation"):
        attrs.attr_error("Invalid field type, not a relation.")
        attrs.validate_args()

    if "id" in present and attrs.visit_optional_single("id"):
        indexes.field_id(attrs, model, info)
        attrs.validate_args()

    if "updatedAt" in present and attrs.visit_optional_single("updatedAt"):
        if not (info.kind == "scalar" and info.target == "DateTime"):
            attrs.attr_error("Fields that are marked with @updatedAt must be of type DateTime.")
        if field.arity is ast.FieldArity.LIST:
            attrs.attr_error("Fields that are marked with @updatedAt cannot be lists.")
        info.is_updated_at = True
        attrs.validate_args()

    if "default" in present and attrs.visit_optional_single("default"):
        defaults.model_field_default(attrs, model, info)
        attrs.validate_args()

    if info.kind == "scalar":
        native = attrs.visit_datasource_scoped()
        if native is not None:
            info.native_type = native

    if "unique" in present and attrs.visit_optional_single("unique"):
        indexes.field_unique(attrs, model, info)
        attrs.validate_args()

    if "shardKey" in present and attrs.visit_optional_single("shardKey"):
        if model.shard_key is not None:
            model_error(
                ctx,
                model,
                "At most one field must be marked as the shard key with the `@shardKey` attribute.",
                model.node.span,
            )
        else:
            assert attrs.current is not None
            model.shard_key = ShardKeyInfo(fields=[field.name.name], attribute=attrs.current, from_field=True)
        attrs.validate_args()

    attrs.finish()


def _map_value(attrs: AttributeSet) -> str | None:
    expr = attrs.default_arg("name")
    return attrs.coerce_string(expr) if expr is not None else None


def _schema_value(attrs: AttributeSet) -> tuple[str | None, Span | None]:
    expr = attrs.default_arg("map")
    if expr is None:
        return None, None
    value = attrs.coerce_string(expr)
    return (value, expr.span) if value is not None else (None, None)


def _field_map(attrs: AttributeSet, model: ModelInfo, info: FieldInfo, scalar_fields: list[FieldInfo]) -> None:
    name = _map_value(attrs)
    if name is None:
        return
    info.db_name = name
    field = info.node
    container = "view" if model.is_view else "model"
    duplicate = f'Field "{field.name.name}" is already defined on {container} "{model.name}".'
    for other in scalar_fields:
        if other is info or other.node.span.start >= field.span.start:
            continue
        if other.db_name == name:
            attrs.error(duplicate, field.span)
            break
    clash = model.fields.get(name)
    if clash is not None and clash is not info and clash.kind not in ("model", "unknown"):
        if clash.db_name is None or clash.db_name == name:
            attrs.error(duplicate, field.span)


def _model_shard_key(attrs: AttributeSet, model: ModelInfo) -> None:
    from schemashift.psl.validator.indexes import resolve_plain_fields

    attr = attrs.current
    assert attr is not None
    expr = attrs.default_arg("fields")
    if expr is None:
        return
    resolved = resolve_plain_fields(attrs, model, expr, attr.span)
    if resolved is None:
        return
    names, unknown, relations = resolved
    if unknown or relations:
        if unknown:
            model_error(
                attrs.ctx,
                model,
                f"The multi field shard key declaration refers to the unknown {fields_in_error(unknown)}.",
                expr.span,
            )
        if relations:
            model_error(
                attrs.ctx,
                model,
                f"The shard key definition refers to the relation {fields_in_error(relations)}. "
                "Shard key definitions must reference only scalar fields.",
                attr.span,
            )
        return
    optional = [n for n in names if model.fields[n].node.arity is not ast.FieldArity.REQUIRED]
    if optional and not model.is_ignored:
        model_error(
            attrs.ctx,
            model,
            f"The shard key definition refers to the optional {fields_in_error(optional)}. "
            "Shard key definitions must reference only required fields.",
            attr.span,
        )
    if model.shard_key is not None:
        model_error(
            attrs.ctx,
            model,
            "Each model must have at most one shard key. You can't have `@shardKey` and `@@shardKey` at the same time.",
            model.node.span,
        )
    model.shard_key = ShardKeyInfo(fields=names, attribute=attr, from_field=False)


def _required_single_field_key(ctx: Context, model: ModelInfo) -> None:
    """``validate_id_field_arities`` and ``validate_shard_key_field_arities``."""
    if model.is_ignored:
        return
    pk = model.primary_key
    if pk is not None and pk.from_field:
        if model.fields[pk.fields[0]].node.arity is not ast.FieldArity.REQUIRED:
            ctx.error(
                'Error parsing attribute "@id": Fields that are marked as id must be required.', pk.attribute.span
            )
    sk = model.shard_key
    if sk is not None and sk.from_field:
        if model.fields[sk.fields[0]].node.arity is not ast.FieldArity.REQUIRED:
            ctx.error(
                'Error parsing attribute "@shardKey": Fields that are marked as shard keys must be required.',
                sk.attribute.span,
            )


def _enum(ctx: Context, enum: ast.Enum, info: EnumInfo) -> None:
    for value in enum.values:
        attrs = AttributeSet(ctx, value.attributes)
        if attrs.visit_optional_single("map"):
            name = _map_value(attrs)
            if name is not None:
                info.value_db_names[value.name.name] = name
            attrs.validate_args()
        attrs.finish()

    attrs = AttributeSet(ctx, enum.attributes)
    if attrs.visit_optional_single("map"):
        name = _map_value(attrs)
        if name is not None:
            info.db_name = name
        attrs.validate_args()
    if attrs.visit_optional_single("schema"):
        info.schema, info.schema_span = _schema_value(attrs)
        attrs.validate_args()
    attrs.finish()


def _composite_type(
    ctx: Context, ct: ast.CompositeType, infos: dict[str, FieldInfo], defaults: ModuleType
) -> None:
    seen_db_names: dict[str, str] = {}
    for field in ct.fields:
        info = infos.get(field.name.name)
        if info is None or info.node is not field or info.kind in ("model", "unknown"):
            continue
        attrs = AttributeSet(ctx, field.attributes)
        if info.kind == "scalar":
            native = attrs.visit_datasource_scoped()
            if native is not None:
                info.native_type = native
        if attrs.visit_optional_single("map"):
            name = _map_value(attrs)
            if name is not None:
                info.db_name = name
                if name in seen_db_names:
                    attrs.error(f'Field "{name}" is already defined on composite type "{ct.name.name}".', field.span)
                seen_db_names[name] = field.name.name
                other = infos.get(name)
                if other is not None and other is not info and other.db_name is None:
                    attrs.error(
                        f'Field "{field.name.name}" is already defined on composite type "{ct.name.name}".',
                        field.span,
                    )
            attrs.validate_args()
        if attrs.visit_optional_single("default"):
            defaults.composite_field_default(attrs, info)
            attrs.validate_args()
        attrs.finish()
