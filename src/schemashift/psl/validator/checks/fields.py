"""Scalar field checks (psl-core ``validations/fields.rs``): connector support of Json, Decimal
and scalar lists, ``@db.X`` native types, and ``Unsupported("...")`` types Prisma knows natively."""

from __future__ import annotations

import re

from schemashift.psl import ast
from schemashift.psl.validator import native_types
from schemashift.psl.validator.attributes import render_expr
from schemashift.psl.validator.context import Context, FieldInfo, ModelInfo

# connector capabilities these checks need (psl-core ``ConnectorCapability``)
CAPABILITIES: dict[str, frozenset[str]] = {
    "postgresql": frozenset({"Json", "JsonLists", "DecimalType", "ScalarLists", "Enums", "MultiSchema"}),
    "cockroachdb": frozenset({"Json", "DecimalType", "ScalarLists", "Enums", "MultiSchema"}),
    "mysql": frozenset({"Json", "DecimalType", "Enums"}),
    "sqlite": frozenset({"Json", "DecimalType", "Enums"}),
    "sqlserver": frozenset({"DecimalType", "MultiSchema"}),
    "mongodb": frozenset({"Json", "JsonLists", "ScalarLists", "Enums", "CompositeTypes"}),
}
EMPTY_CAPABILITIES = frozenset({"Json", "Enums"})  # no datasource: psl-core's EmptyDatamodelConnector


def has_capability(ctx: Context, capability: str) -> bool:
    return capability in CAPABILITIES.get(ctx.provider or "", EMPTY_CAPABILITIES)


def _container(model: ModelInfo) -> str:
    return "view" if model.is_view else "model"


def validate_scalar_field_connector_specific(ctx: Context, model: ModelInfo, info: FieldInfo) -> None:
    field = info.node
    if field.arity is not ast.FieldArity.LIST and (info.kind != "scalar" or info.target not in ("Json", "Decimal")):
        return  # the common case: nothing below applies
    container, name, fname = _container(model), model.name, field.name.name
    prefix = f"Error validating field `{fname}` in {container} `{name}`: "
    if info.kind == "scalar" and info.target == "Json":
        if not has_capability(ctx, "Json"):
            ctx.error(
                f"{prefix}Field `{fname}` in {container} `{name}` can't be of type Json. The current connector does "
                "not support the Json type.",
                field.span,
            )
        if field.arity is ast.FieldArity.LIST and not has_capability(ctx, "JsonLists"):
            ctx.error(
                f"{prefix}Field `{fname}` in {container} `{name}` can't be of type Json[]. The current connector "
                "does not support the Json List type.",
                field.span,
            )
    elif info.kind == "scalar" and info.target == "Decimal" and not has_capability(ctx, "DecimalType"):
        ctx.error(
            f"{prefix}Field `{fname}` in {container} `{name}` can't be of type Decimal. The current connector does "
            "not support the Decimal type.",
            field.span,
        )
    if field.arity is ast.FieldArity.LIST and not has_capability(ctx, "ScalarLists"):
        ctx.error(
            f'Field "{fname}" in {container} "{name}" can\'t be a list. The current connector does not support '
            "lists of primitive types.",
            field.span,
        )


def _native_parts(attr: ast.Attribute) -> tuple[str, str, list[str]]:
    scope, _, name = attr.name.name.partition(".")
    args = [render_expr(a.value) for a in attr.arguments.arguments]
    return scope, name, args


def validate_native_type_arguments(ctx: Context, info: FieldInfo) -> None:
    attr = info.native_type
    if attr is None or info.kind != "scalar" or info.target is None:
        return
    scalar = info.target
    scope, name, args = _native_parts(attr)
    if ctx.datasource is not None and ctx.datasource.name.name != scope:
        ds = ctx.datasource.name.name
        ctx.error(
            f"The prefix {scope} is invalid. It must be equal to the name of an existing datasource e.g. {ds}. "
            f"Did you mean to use {ds}.{name}?",
            attr.span,
        )
    connector = ctx.provider or ""
    spec = native_types.NATIVE_TYPES.get(connector, {}).get(name)
    if spec is None:
        ctx.error(f"Native type {name} is not supported for {connector or 'Default'} connector.", attr.span)
        return
    count = len(args)
    if count < spec.required or (count > spec.required and spec.optional == 0):
        ctx.error(f'Function "{name}" takes {spec.required} arguments, but received {count}.', attr.span)
        return
    if count > spec.required + spec.optional and spec.optional > 0:
        ctx.error(f"Native type {name} takes {spec.optional} optional arguments, but received {count}.", attr.span)
        return
    if scalar not in spec.scalars:
        ctx.error(
            f"Native type {name} is not compatible with declared field type {scalar}, expected field type "
            f"{' or '.join(spec.scalars)}.",
            attr.span,
        )
        return
    parsed = native_types.parse(spec, args)
    if parsed is None:
        ctx.error(native_types.parse_error(spec, args), attr.span)
        return
    message = native_types.argument_errors(connector, name, parsed, scalar)
    if message is not None:
        ctx.error(message, attr.span)


_UNSUPPORTED = re.compile(r"^(?P<prefix>[^(]+)(?:\((?P<params>.*?)\))?(?P<suffix>.+)?$", re.S)


def validate_unsupported_field_type(ctx: Context, model: ModelInfo, info: FieldInfo) -> None:
    if ctx.datasource is None or info.kind != "unsupported" or info.target is None or ctx.provider == "mongodb":
        return
    literal = info.target
    match = _UNSUPPORTED.match(literal)
    if match is None:
        return
    prefix = match.group("prefix").strip()
    params = match.group("params")
    args = [] if params is None else [p.strip() for p in params.split(",")]
    spec = native_types.NATIVE_TYPES.get(ctx.provider or "", {}).get(prefix)
    if spec is None:
        return
    parsed = native_types.parse(spec, args)
    if parsed is None or len(parsed) < spec.required:
        return
    scalar = native_types.inferred_scalar(ctx.provider or "", prefix)
    ctx.error(
        f'Error validating: The type `Unsupported("{literal}")` you specified in the type definition for the field '
        f"`{info.node.name.name}` is supported as a native type by Prisma. Please use the native type notation "
        f"`{scalar} @{ctx.datasource.name.name}.{native_types.render(prefix, parsed)}` for full support.",
        info.node.span,
    )


def validate_client_name(ctx: Context, model: ModelInfo, info: FieldInfo) -> None:
    """A field named like the client name (``name:``) of an index, unique or primary key."""
    name = info.node.name.name
    pk = model.primary_key
    if (pk is None or pk.name != name) and not any(i.name == name for i in model.indexes):
        return  # the common case: no clash
    taken = []
    if any(i.name == name for i in model.indexes if i.kind != "unique"):
        taken.append("@@index")
    if any(i.name == name for i in model.indexes if i.kind == "unique"):
        taken.append("@@unique")
    if model.primary_key is not None and model.primary_key.name == name:
        taken.append("@@id")
    kind = _container(model)
    for attribute in taken:
        ctx.error(
            f'Error validating {kind} "{model.name}": The custom name `{name}` specified for the `{attribute}` '
            "attribute is already used as a name for a field. Please choose a different name.",
            model.node.span,
        )
