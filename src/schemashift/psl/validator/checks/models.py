"""Model-level checks (psl-core ``validations/models.rs``): database name clashes, the strict
unique criteria rule and the ``@@schema`` rules (multiSchema is generally available in 6.19)."""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator.checks.fields import has_capability
from schemashift.psl.validator.context import Context, ModelInfo

SCHEMA_NOT_DEFINED = (
    "This schema is not defined in the datasource. Read more on `@@schema` at https://pris.ly/d/multi-schema"
)


def _container(model: ModelInfo) -> str:
    return "view" if model.is_view else "model"


def _map_attribute(model: ast.Model) -> ast.Attribute | None:
    return next((a for a in model.attributes if a.name.name == "map"), None)


def database_name_clashes(ctx: Context) -> None:
    seen: dict[tuple[str | None, str], ModelInfo] = {}
    for model in _models_then_views(ctx):
        key = (model.schema, model.db_name or model.name)
        existing = seen.get(key)
        seen[key] = model
        if existing is None:
            continue
        if model.db_name is not None:
            attr, other = _map_attribute(model.node), existing.name
        else:
            attr, other = _map_attribute(existing.node), model.name
        if attr is not None:
            ctx.error(
                f'The model with database name "{key[1]}" could not be defined because another model or view '
                f'with this name exists: "{other}"',
                attr.span,
            )


def _models_then_views(ctx: Context) -> list[ModelInfo]:
    infos = list(ctx.models.values())
    return [m for m in infos if not m.is_view] + [m for m in infos if m.is_view]


def _field_required(model: ModelInfo, name: str) -> bool:
    info = model.fields.get(name.split(".")[0])
    return info is not None and info.node.arity is ast.FieldArity.REQUIRED


def _field_unsupported(model: ModelInfo, name: str) -> bool:
    info = model.fields.get(name.split(".")[0])
    return info is not None and info.kind == "unsupported"


def has_a_strict_unique_criteria(ctx: Context, model: ModelInfo) -> None:
    if model.is_ignored or model.is_view:
        return
    criterias = model.unique_criterias()
    for fields in criterias:
        if all(_field_required(model, f) for f in fields) and not any(_field_unsupported(model, f) for f in fields):
            return
    kind = _container(model)
    message = (
        f"Each {kind} must have at least one unique criteria that has only required fields. Either mark a single "
        f"field with `@id`, `@unique` or add a multi field criterion with `@@id([])` or `@@unique([])` to the {kind}."
    )
    if criterias:
        loose = "\n".join(f"- {', '.join(fields)}" for fields in criterias)
        message += (
            " The following unique criterias were not considered as they contain fields that are not required:\n"
            + loose
        )
    ctx.error(f'Error validating {kind} "{model.name}": {message}', model.node.span)


def schema_checks(ctx: Context, model: ModelInfo) -> None:
    """``schema_is_defined_in_the_datasource``, ``schema_attribute_supported_in_connector`` and
    ``schema_attribute_missing``."""
    multi = has_capability(ctx, "MultiSchema")
    span = model.schema_span
    if multi and ctx.datasource is not None and model.schema is not None and span is not None:
        if model.schema not in ctx.schemas:
            ctx.error(SCHEMA_NOT_DEFINED, span)
    if not multi and span is not None:
        ctx.error("@@schema is not supported on the current datasource provider", span)
    if (
        multi
        and ctx.config is not None
        and ctx.config.datasources
        and ctx.config.datasources[0].schemas_span is not None
        and model.schema is None
    ):
        kind = _container(model)
        ctx.error(
            f'Error validating {kind} "{model.name}": This {kind} is missing an `@@schema` attribute.', model.node.span
        )
