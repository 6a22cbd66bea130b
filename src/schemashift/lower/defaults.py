"""``@default(...)`` expressions -> typed model defaults (see :mod:`schemashift.model`)."""

from __future__ import annotations

from typing import Callable

from schemashift.model import (
    BoolLit,
    BytesLit,
    DateTimeLit,
    DbGeneratedDefault,
    DecimalLit,
    Default,
    EnumLit,
    FloatLit,
    IntLit,
    JsonLit,
    ListLit,
    Literal,
    LiteralDefault,
    NowDefault,
    SequenceOptions,
    StrLit,
)
from schemashift.psl import ast

# functions whose value Prisma's client computes: no database default
CLIENT_SIDE = frozenset({"cuid", "uuid", "nanoid", "ulid", "auto"})


def lower_default(
    expr: ast.Expression, scalar: str | None, enum_value: Callable[[str], str] | None
) -> Default | None:
    """``scalar`` is the Prisma scalar type (None for enums/unsupported types);
    ``enum_value`` maps an enum value name to its database name (enum fields only)."""
    if isinstance(expr, ast.FunctionCall):
        if expr.name == "now":
            return NowDefault()
        if expr.name == "dbgenerated":
            args = expr.arguments.arguments
            text = args[0].value.value if args and isinstance(args[0].value, ast.StringValue) else None
            return DbGeneratedDefault(text)
        return None  # autoincrement() is handled by the caller; client-side functions have no default
    literal = _literal(expr, scalar, enum_value)
    return LiteralDefault(literal) if literal is not None else None


def _literal(expr: ast.Expression, scalar: str | None, enum_value: Callable[[str], str] | None) -> Literal | None:
    if isinstance(expr, ast.ArrayExpression):
        items = [_literal(e, scalar, enum_value) for e in expr.elements]
        return ListLit(tuple(i for i in items if i is not None))
    if enum_value is not None:
        if isinstance(expr, ast.ConstantValue):
            return EnumLit(enum_value(expr.value))
        return None
    if isinstance(expr, ast.NumericValue):
        if scalar in ("Int", "BigInt"):
            return IntLit(int(expr.value))
        if scalar == "Decimal":
            return DecimalLit(expr.value)
        return FloatLit(expr.value)
    if isinstance(expr, ast.StringValue):
        if scalar == "DateTime":
            return DateTimeLit(expr.value)
        if scalar == "Json":
            return JsonLit(expr.value)
        if scalar == "Bytes":
            return BytesLit(expr.value)
        if scalar == "Decimal":
            return DecimalLit(expr.value)
        return StrLit(expr.value)
    if isinstance(expr, ast.ConstantValue):
        if expr.value in ("true", "false"):
            return BoolLit(expr.value == "true")
        return StrLit(expr.value)
    return None


def sequence_options(call: ast.FunctionCall) -> SequenceOptions:
    """The arguments of a CockroachDB ``sequence(...)`` default (validated: integers, a boolean);
    a missing one keeps Prisma's value."""
    args: dict[str, str] = {}
    for arg in call.arguments.arguments:
        if arg.name is not None and isinstance(arg.value, (ast.NumericValue, ast.ConstantValue)):
            args[arg.name.name] = arg.value.value
    default = SequenceOptions()

    def number(key: str, otherwise: int) -> int:
        try:
            return int(args[key])
        except (KeyError, ValueError):
            return otherwise

    return SequenceOptions(
        start=number("start", default.start),
        increment=number("increment", default.increment),
        min_value=number("minValue", default.min_value),
        max_value=number("maxValue", default.max_value),
        cache=number("cache", default.cache),
        virtual=args.get("virtual") == "true",
    )
