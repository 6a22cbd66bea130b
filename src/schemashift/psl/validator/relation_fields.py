"""Relation fields pass: the attributes of every relation field (prisma-engines'
``parser-database`` ``attributes::visit_relation_field_attributes``), which Prisma visits before
any other attribute.

Fills ``ctx.relation_fields``: one entry per field whose type is a model, with its parsed
``@relation`` (``fields``, ``references``, name, referential actions, ``map``) and ``@ignore``.
"""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator.attributes import AttributeSet
from schemashift.psl.validator.context import Context, RelationFieldInfo

REFERENTIAL_ACTIONS = ("Cascade", "Restrict", "NoAction", "SetNull", "SetDefault")


def run(ctx: Context) -> None:
    collect_relation_fields(ctx)
    models = ctx.models
    for model in models.values():
        for node in model.node.fields:
            ftype = node.field_type
            if not isinstance(ftype, ast.SupportedFieldType) or ftype.name not in models:
                continue  # not a relation field (``_relation_field``'s answer would be None)
            rf = _relation_field(ctx, model.name, node)
            if rf is not None:
                _visit_field_attributes(ctx, rf)


def _relation_field(ctx: Context, model: str, node: ast.Field) -> RelationFieldInfo | None:
    """The entry of a relation field node. A repeated field name (already an error) has no entry,
    but Prisma still visits it when its type is a model: it gets a throwaway one."""
    rf = ctx.relation_fields.get((model, node.name.name))
    if rf is not None and rf.node is node:
        return rf
    first = ctx.models[model].fields.get(node.name.name)
    if first is None or first.node is node:
        return None  # unresolved, or a scalar field
    target = node.field_type.name if isinstance(node.field_type, ast.SupportedFieldType) else None
    if target not in ctx.models:
        return None
    return RelationFieldInfo(model=model, field=node.name.name, node=node, referenced_model=target)


def collect_relation_fields(ctx: Context) -> None:
    ctx.relation_fields = {}
    ctx.model_relation_fields = {}
    for model in ctx.models.values():
        of_model: list[RelationFieldInfo] = []
        for name, info in model.fields.items():
            if info.kind == "model" and info.target is not None:
                rf = RelationFieldInfo(model=model.name, field=name, node=info.node, referenced_model=info.target)
                ctx.relation_fields[(model.name, name)] = rf
                of_model.append(rf)
        ctx.model_relation_fields[model.name] = of_model


# ---------------------------------------------------------------- attributes


def _visit_field_attributes(ctx: Context, rf: RelationFieldInfo) -> None:
    v = AttributeSet(ctx, rf.node.attributes)
    present = v.by_name  # skip the visits of attributes the field does not have

    if "relation" in present and v.visit_optional_single("relation"):
        _visit_relation(ctx, rf, v)
        v.validate_args()

    if "id" in present and v.visit_optional_single("id"):
        v.attr_error(
            f"The field `{rf.field}` is a relation field and cannot be marked with `@id`. Only scalar "
            "fields can be declared as id."
        )
        v.discard_args()

    if "ignore" in present and v.visit_optional_single("ignore"):
        rf.is_ignored = True
        info = ctx.models[rf.model].fields[rf.field]
        if info.node is rf.node:
            info.is_ignored = True
        v.validate_args()

    if "default" in present and v.visit_optional_single("default"):
        v.attr_error("Cannot set a default value on a relation field.")
        v.discard_args()

    if "map" in present and v.visit_optional_single("map"):
        v.attr_error("The attribute `@map` cannot be used on relation fields.")
        v.default_arg("name")
        v.discard_args()

    if "unique" in present and v.visit_optional_single("unique"):
        suggested = rf.fields or []
        if len(suggested) == 1:
            suggestion = f" Did you mean to put it on `{suggested[0]}`?"
        elif suggested:
            suggestion = f" Did you mean to provide `@@unique([{', '.join(suggested)}])`?"
        else:
            suggestion = ""
        v.attr_error(
            f"The field `{rf.field}` is a relation field and cannot be marked with `unique`. Only "
            f"scalar fields can be made unique.{suggestion}"
        )
        v.discard_args()

    v.finish()


def _visit_relation(ctx: Context, rf: RelationFieldInfo, v: AttributeSet) -> None:
    attr = v.current
    assert attr is not None
    rf.attribute = attr

    fields = v.optional_arg("fields")
    if fields is not None:
        rf.fields = _resolve_fields(ctx, v, rf.model, fields, attr, referenced=None)
    references = v.optional_arg("references")
    if references is not None:
        rf.references = _resolve_fields(ctx, v, rf.referenced_model, references, attr, referenced=rf.referenced_model)

    # `name` (or the unnamed argument); Prisma ignores a missing or doubly given name here.
    named, unnamed = v.args.pop("name", None), v.args.pop(None, None)
    if (named is None) != (unnamed is None):
        index = named if named is not None else unnamed
        assert index is not None
        name = v.coerce_string(attr.arguments.arguments[index].value)
        if name == "":
            v.attr_error("A relation cannot have an empty name.")
        elif name is not None:
            rf.name = name

    on_delete = v.optional_arg("onDelete")
    if on_delete is not None:
        rf.on_delete = _referential_action(ctx, v, on_delete)
        rf.on_delete_span = on_delete.span if rf.on_delete else None
    on_update = v.optional_arg("onUpdate")
    if on_update is not None:
        rf.on_update = _referential_action(ctx, v, on_update)
        rf.on_update_span = on_update.span if rf.on_update else None

    rf.map = v.optional_string_arg("map")


def _referential_action(ctx: Context, v: AttributeSet, expr: ast.Expression) -> str | None:
    value = v.coerce_constant(expr)
    if value is None:
        return None
    if value in REFERENTIAL_ACTIONS:
        return value
    ctx.error(f'Error parsing attribute "@relation": Invalid referential action: `{value}`', expr.span)
    return None


def _resolve_fields(
    ctx: Context,
    v: AttributeSet,
    model_name: str,
    expr: ast.Expression,
    attr: ast.Attribute,
    referenced: str | None,
) -> list[str]:
    """Resolve `fields:` (``referenced`` is None) or `references:` to scalar field names of
    ``model_name``; on any problem report it and return an empty list."""
    names = v.coerce_constant_array(expr)
    if names is None:
        return []
    model = ctx.models[model_name]
    out: list[str] = []
    unknown: list[str] = []
    relation: list[str] = []
    for name in names:
        info = model.fields.get(name) if "." not in name else None
        if info is None:
            unknown.append(name)
        elif info.kind in ("model", "unknown"):  # a field of unresolved type is not scalar either
            relation.append(name)
        elif name in out:
            ctx.error(
                f'Error validating model "{model_name}": The unique index definition refers to the '
                f"field {name} multiple times.",
                attr.span,
            )
            return []
        else:
            out.append(name)
    if referenced is None:
        if unknown:
            ctx.error(
                "Error validating: The argument fields must refer only to existing fields. The "
                f"following fields do not exist in this model: {', '.join(unknown)}",
                expr.span,
            )
        if relation:
            ctx.error(
                "Error validating: The argument fields must refer only to scalar fields. But it is "
                f"referencing the following relation fields: {', '.join(relation)}",
                expr.span,
            )
    else:
        if unknown:
            ctx.error(
                "Error validating: The argument `references` must refer only to existing fields in "
                f"the related model `{referenced}`. The following fields do not exist in the related "
                f"model: {', '.join(unknown)}",
                attr.span,
            )
        if relation:
            ctx.error(
                "Error validating: The argument `references` must refer only to scalar fields in the "
                f"related model `{referenced}`. But it is referencing the following relation fields: "
                f"{', '.join(relation)}",
                attr.span,
            )
    return [] if unknown or relation else out
