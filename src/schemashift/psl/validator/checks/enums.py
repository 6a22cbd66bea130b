"""Enum checks (psl-core ``validations/enums.rs`` and the connectors' ``validate_enum``)."""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator.checks.fields import has_capability
from schemashift.psl.validator.checks.models import SCHEMA_NOT_DEFINED
from schemashift.psl.validator.context import Context


def _enums(ctx: Context) -> list[ast.Enum]:
    return [e for e in ctx.ast.enums() if ctx.enums.get(e.name.name) is e]


def run(ctx: Context) -> None:
    enums = _enums(ctx)
    if has_capability(ctx, "Enums"):
        database_name_clashes(ctx, enums)
    for enum in enums:
        _enum_checks(ctx, enum)


def database_name_clashes(ctx: Context, enums: list[ast.Enum]) -> None:
    seen: set[tuple[str | None, str]] = set()
    for enum in enums:
        info = ctx.enum_infos.get(enum.name.name)
        key = (info.schema if info else None, (info.db_name if info else None) or enum.name.name)
        if key in seen:
            ctx.error("An enum with the same database name is already defined.", enum.span)
        seen.add(key)


def _enum_checks(ctx: Context, enum: ast.Enum) -> None:
    if not has_capability(ctx, "Enums"):
        ctx.error(
            f"Error validating: You defined the enum `{enum.name.name}`. But the current connector does not "
            "support enums.",
            enum.span,
        )
    info = ctx.enum_infos.get(enum.name.name)
    schema = info.schema if info else None
    span = info.schema_span if info else None
    multi = has_capability(ctx, "MultiSchema")
    if multi and ctx.datasource is not None and schema is not None and span is not None:
        if schema not in ctx.schemas:
            ctx.error(SCHEMA_NOT_DEFINED, span)
    if not multi and span is not None:
        ctx.error("@@schema is not supported on the current datasource provider", span)
    if (
        multi
        and ctx.provider != "mysql"
        and ctx.config is not None
        and ctx.config.datasources
        and ctx.config.datasources[0].schemas_span is not None
        and schema is None
    ):
        ctx.error("This enum is missing an `@@schema` attribute.", enum.span)
