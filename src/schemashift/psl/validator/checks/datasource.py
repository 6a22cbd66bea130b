"""Datasource checks run with the other validations (psl-core ``validations/datasource.rs`` and
the connectors' ``validate_datasource``): ``schemas`` support and PostgreSQL extensions."""

from __future__ import annotations

from schemashift.psl.validator.checks.fields import has_capability
from schemashift.psl.validator.context import Context


def run(ctx: Context) -> None:
    if ctx.config is None or not ctx.config.datasources:
        return
    ds = ctx.config.datasources[0]
    if ds.schemas_span is not None and not has_capability(ctx, "MultiSchema"):
        ctx.error("The `schemas` property is not supported on the current connector.", ds.schemas_span)
    if ds.provider == "postgresql" and ds.extensions_span is not None:
        if "postgresqlExtensions" not in ctx.preview_features:
            ctx.error(
                "The `extensions` property is only available with the `postgresqlExtensions` preview feature.",
                ds.extensions_span,
            )
        for name in ds.extensions:
            if "-" in name:
                ctx.error(
                    "Error validating: The character `-` is not allowed in extension names.", ds.extensions_span
                )
