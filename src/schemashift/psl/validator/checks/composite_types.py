"""Composite type checks (psl-core ``validations/composite_types.rs``): required cycles,
connector support (MongoDB only) and the at-least-one-field rule."""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator.checks.fields import has_capability
from schemashift.psl.validator.context import Context

# psl-core ``Connector::name`` as used in "Composite types are not supported on X."
CONNECTOR_NAMES = {
    "postgresql": "Postgres",
    "cockroachdb": "CockroachDB",
    "mysql": "MySQL",
    "sqlite": "sqlite",
    "sqlserver": "SQL Server",
    "mongodb": "MongoDB",
}
# without a datasource, Rust's type name of the empty connector shows through
EMPTY_CONNECTOR_NAME = "psl_core::datamodel_connector::empty_connector::EmptyDatamodelConnector"


def _required_composite_fields(ctx: Context, ct: ast.CompositeType) -> list[ast.Field]:
    out = []
    for f in ct.fields:
        info = ctx.composite_fields.get(ct.name.name, {}).get(f.name.name)
        if info is not None and info.node is f and info.kind == "composite" and f.arity is ast.FieldArity.REQUIRED:
            out.append(f)
    return out


def _field_error(ct: str, field: str, message: str) -> str:
    return f"Error validating field `{field}` in composite type `{ct}`: {message}"


def detect_composite_cycles(ctx: Context) -> None:
    order = {name: i for i, name in enumerate(ctx.composite_types)}
    errors: list[tuple[int, str, ast.Field]] = []
    stack: list[tuple[ast.CompositeType, ast.Field, list[str] | None]] = [
        (ct, f, None) for ct in ctx.composite_types.values() for f in _required_composite_fields(ctx, ct)
    ]
    visited: list[str] = []
    while stack:
        ct, field, path = stack.pop()
        if path is None:
            visited.clear()
            path = [ct.name.name]
        target = field.field_type.name if isinstance(field.field_type, ast.SupportedFieldType) else ""
        if target == ct.name.name:
            errors.append(
                (
                    order.get(target, 0),
                    _field_error(
                        ct.name.name,
                        field.name.name,
                        "The type is the same as the parent and causes an endless cycle. Please change the field "
                        "to be either optional or a list.",
                    ),
                    field,
                )
            )
        elif visited and visited[0] == target:
            rendered = " → ".join(f"`{n}`" for n in reversed(path))
            errors.append(
                (
                    order.get(target, 0),
                    _field_error(
                        ct.name.name,
                        field.name.name,
                        f"The types cause an endless cycle in the path {rendered}. Please change one of the fields "
                        "to be either optional or a list to break the cycle.",
                    ),
                    field,
                )
            )
        else:
            visited.append(target)
            nxt = ctx.composite_types.get(target)
            if nxt is not None:
                for f in _required_composite_fields(ctx, nxt):
                    stack.append((nxt, f, [*path, nxt.name.name]))
    errors.sort(key=lambda e: e[0])
    for _, message, field in errors:
        ctx.error(message, field.span)


def composite_types_support(ctx: Context, ct: ast.CompositeType) -> None:
    if has_capability(ctx, "CompositeTypes"):
        return
    name = CONNECTOR_NAMES.get(ctx.provider or "", EMPTY_CONNECTOR_NAME)
    ctx.error(f"Error validating: Composite types are not supported on {name}.", ct.span)


def more_than_one_field(ctx: Context, ct: ast.CompositeType) -> None:
    if ct.fields:
        return
    ctx.error("Error validating: A type must have at least one field defined.", ct.span)
