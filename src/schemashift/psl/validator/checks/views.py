"""View checks (psl-core ``validations/views.rs``): the preview flag, no primary keys, no indexes,
and plain ``@@unique``s only."""

from __future__ import annotations

from schemashift.psl.validator.context import Context, IndexInfo, ModelInfo


def view_definition_without_preview_flag(ctx: Context, model: ModelInfo) -> None:
    if "views" in ctx.preview_features or not model.is_view:
        return
    ctx.error(
        "Error validating: View definitions are only available with the `views` preview feature.", model.node.span
    )


def _prisma_index_order(model: ModelInfo) -> list[IndexInfo]:
    """parser-database's order: field-level ``@unique``s, then ``@@index``, ``@@unique``, ``@@fulltext``."""
    rank = {"index": 1, "unique": 2, "fulltext": 3}
    return sorted(model.indexes, key=lambda i: 0 if i.from_field else rank[i.kind])


def view_keys_and_indexes(ctx: Context, model: ModelInfo) -> None:
    """Views have no primary key and no index; their ``@@unique``s are only client-side."""
    if not model.is_view:
        return
    if model.primary_key is not None:
        ctx.error("Error validating: Views cannot have primary keys.", model.primary_key.attribute.span)
    not_backed = "Error validating: @@unique annotations on views are not backed by unique indexes in the database"
    for index in _prisma_index_order(model):
        span = index.attribute.span
        if index.kind != "unique":
            ctx.error("Error validating: Views cannot have indexes.", span)
        if index.map is not None:
            ctx.error(f"{not_backed} and cannot specify a mapped database name.", span)
        if index.clustered is not None:
            ctx.error(f"{not_backed} and cannot be clustered.", span)
        name = "@unique" if index.from_field else f"@@{index.kind}"
        for entry in index.field_args:
            if entry.length is not None or entry.ops is not None or entry.sort is not None:
                ctx.error(
                    f'Error parsing attribute "{name}": Scalar fields in @@unique attributes in views cannot have '
                    "arguments.",
                    span,
                )
