"""Primary key and shard key checks (psl-core ``validations/models.rs`` and ``fields.rs`` parts).

Call order in Prisma's per-model loop:

- :func:`model_checks` right after ``has_a_strict_unique_criteria`` (primary key name clashes
  and length, custom name clashes, empty ``@@id([])``, ``@@id`` client name clash with a field,
  connector support for named/compound ids, ``length``/``sort`` support), then shard keys;
- :func:`key_field_checks` after the autoincrement checks (``length`` only on String/Bytes,
  clustering support and uniqueness).
"""

from __future__ import annotations

from schemashift.diagnostics import Span
from schemashift.psl.validator.attributes import argument_span
from schemashift.psl.validator.checks.constraint_names import (
    Namespaces,
    clash_message,
    validate_db_name,
)
from schemashift.psl.validator.context import Context, IndexFieldInfo, ModelInfo, PrimaryKeyInfo
from schemashift.psl.validator.indexes import connector_for


def _attr_name(pk: PrimaryKeyInfo) -> str:
    return "@id" if pk.from_field else "@@id"


def _attr_error(ctx: Context, attribute: str, message: str, span: Span) -> None:
    ctx.error(f'Error parsing attribute "{attribute}": {message}', span)


def model_checks(ctx: Context, model: ModelInfo, names: Namespaces) -> None:
    """Primary key and shard key checks of a model (a view's keys are the views checks' business)."""
    if model.is_view:
        return
    pk = model.primary_key
    if pk is not None:
        _unique_primary_key_name(ctx, model, pk, names)
        _unique_custom_name(ctx, model, pk, names)
        _id_has_fields(ctx, pk)
        _client_name_does_not_clash(ctx, model, pk)
        _connector_specific(ctx, model, pk)
        _length_and_sort_supported(ctx, pk)
    _shard_key(ctx, model)


def _unique_primary_key_name(ctx: Context, model: ModelInfo, pk: PrimaryKeyInfo, names: Namespaces) -> None:
    name = names.primary_key_name(ctx, model)
    if name is None:
        return
    validate_db_name(ctx, model, pk.attribute, name, not pk.from_field)
    violations = names.violations(ctx, model, "primary_key", name)
    if not violations:
        return
    span = _argument_span(pk, "map")
    for scope in violations:
        _attr_error(ctx, _attr_name(pk), clash_message(name, scope, model), span)


def _argument_span(pk: PrimaryKeyInfo, name: str) -> Span:
    return argument_span(pk.attribute, name) or pk.attribute.span


def _unique_custom_name(ctx: Context, model: ModelInfo, pk: PrimaryKeyInfo, names: Namespaces) -> None:
    if pk.name is None or not names.custom_name_clashes(model, pk.name):
        return
    _attr_error(
        ctx,
        _attr_name(pk),
        f"The given custom name `{pk.name}` has to be unique on the model. Please provide a different name for the "
        "`name` argument.",
        _argument_span(pk, "name"),
    )


def _id_has_fields(ctx: Context, pk: PrimaryKeyInfo) -> None:
    if pk.fields:
        return
    name = _attr_name(pk)
    _attr_error(
        ctx,
        name,
        f"The list of fields in an `{name}()` attribute cannot be empty. Please specify at least one field.",
        pk.attribute.span,
    )


def _container(model: ModelInfo) -> str:
    return "view" if model.is_view else "model"


def _client_name_does_not_clash(ctx: Context, model: ModelInfo, pk: PrimaryKeyInfo) -> None:
    if len(pk.fields) <= 1:
        return
    client_name = "_".join(f.split(".")[-1] for f in pk.fields)
    if any(f.node.name.name == client_name and f.kind not in ("model", "unknown") for f in model.fields.values()):
        ctx.error(
            f'Error validating {_container(model)} "{model.name}": The field `{client_name}` clashes with the `@@id` '
            "attribute's name. Please resolve the conflict by providing a custom id name: "
            '`@@id([...], name: "custom_name")`',
            pk.attribute.span,
        )


def _connector_specific(ctx: Context, model: ModelInfo, pk: PrimaryKeyInfo) -> None:
    connector = connector_for(ctx.provider)
    prefix = f'Error validating {_container(model)} "{model.name}": '
    if pk.map is not None and not connector.has("NamedPrimaryKeys"):
        ctx.error(
            prefix + "You defined a database name for the primary key on the model. This is not supported by the "
            "provider.",
            model.node.span,
        )
    if len(pk.fields) > 1 and not connector.has("CompoundIds"):
        ctx.error(prefix + "The current connector does not support compound ids.", pk.attribute.span)


def _length_and_sort_supported(ctx: Context, pk: PrimaryKeyInfo) -> None:
    connector = connector_for(ctx.provider)
    if not connector.has("IndexColumnLengthPrefixing") and any(f.length is not None for f in pk.field_args):
        _attr_error(
            ctx,
            _attr_name(pk),
            "The length argument is not supported in the primary key with the current connector",
            pk.attribute.span,
        )
    if not connector.has("PrimaryKeySortOrderDefinition") and any(f.sort is not None for f in pk.field_args):
        _attr_error(
            ctx,
            _attr_name(pk),
            "The sort argument is not supported in the primary key with the current connector",
            pk.attribute.span,
        )


def _shard_key(ctx: Context, model: ModelInfo) -> None:
    sk = model.shard_key
    if sk is None:
        return
    name = "@shardKey" if sk.from_field else "@@shardKey"
    if not sk.fields:
        _attr_error(
            ctx,
            name,
            f"The list of fields in a `{name}()` attribute cannot be empty. Please specify at least one field.",
            sk.attribute.span,
        )
    if "shardKeys" not in ctx.preview_features:
        _attr_error(ctx, name, "Defining shard keys requires enabling the `shardKeys` preview feature", sk.attribute.span)
    if ctx.provider != "mysql":
        _attr_error(
            ctx,
            name,
            f"Shard keys are not currently supported for provider {ctx.provider or 'empty'}",
            sk.attribute.span,
        )


def length_used_with_correct_types(
    ctx: Context, model: ModelInfo, field_args: list[IndexFieldInfo], attribute: str, span: Span
) -> None:
    """``validate_length_used_with_correct_types`` for each field of an id or index."""
    if not connector_for(ctx.provider).has("IndexColumnLengthPrefixing"):
        return
    for entry in field_args:
        if entry.length is None:
            continue
        info = model.fields.get(entry.path[0])
        for part in entry.path[1:]:
            info = ctx.composite_fields.get(info.target or "", {}).get(part) if info is not None else None
        if info is None or info.kind == "unsupported":
            continue
        if info.kind == "scalar" and info.target in ("String", "Bytes"):
            continue
        _attr_error(ctx, attribute, "The length argument is only allowed with field types `String` or `Bytes`.", span)


def key_field_checks(ctx: Context, model: ModelInfo) -> None:
    pk = model.primary_key
    if pk is None or model.is_view:
        return
    length_used_with_correct_types(ctx, model, pk.field_args, _attr_name(pk), pk.attribute.span)
    connector = connector_for(ctx.provider)
    if not connector.has("ClusteringSetting"):
        if pk.clustered is not None:
            _attr_error(
                ctx, _attr_name(pk), "Defining clustering is not supported in the current connector.", pk.attribute.span
            )
        return
    if pk.clustered is False:
        return
    if any(i.clustered is True for i in model.indexes):
        _attr_error(ctx, _attr_name(pk), "A model can only hold one clustered index or id.", pk.attribute.span)
