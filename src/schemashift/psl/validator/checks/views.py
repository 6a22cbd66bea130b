"""View checks (psl-core ``validations/views.rs``)."""

from __future__ import annotations

from schemashift.psl.validator.context import Context, ModelInfo


def view_definition_without_preview_flag(ctx: Context, model: ModelInfo) -> None:
    if "views" in ctx.preview_features or not model.is_view:
        return
    ctx.error(
        "Error validating: View definitions are only available with the `views` preview feature.", model.node.span
    )
