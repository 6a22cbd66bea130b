"""Datasource checks run with the other validations (the connectors' ``validate_datasource``):
PostgreSQL extensions. (``schemas`` on a connector without multi-schema support is reported while
loading the datasource, as Prisma 6.19 does.)"""

from __future__ import annotations

from schemashift.psl.validator.context import Context


def run(ctx: Context) -> None:
    if ctx.config is None or not ctx.config.datasources:
        return
    ds = ctx.config.datasources[0]
    if ds.provider == "postgresql" and ds.extensions_span is not None:
        if "postgresqlExtensions" not in ctx.preview_features:
            ctx.error(
                "The `extensions` property is only available with the `postgresqlExtensions` preview feature.",
                ds.extensions_span,
            )
            return
        for name in ds.extensions:
            if "-" in name:
                ctx.error(
                    "Error validating: The character `-` is not allowed in extension names.", ds.extensions_span
                )
