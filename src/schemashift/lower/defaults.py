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


def sequence_options(call: ast.FunctionCall) -> tuple[str, ...]:
    """The identity options of a CockroachDB ``sequence(...)`` default as Prisma renders them
    (the cockroach flavour of its renderer): in the order VIRTUAL, INCREMENT, CACHE, START,
    MINVALUE, MAXVALUE, each only when it differs from the sequence's default."""
    args: dict[str, str] = {}
    for arg in call.arguments.arguments:
        if arg.name is not None and isinstance(arg.value, (ast.NumericValue, ast.ConstantValue)):
            args[arg.name.name] = arg.value.value
    out: list[str] = []
    if args.get("virtual") == "true":
        out.append("VIRTUAL")
    for key, word, shown in (
        ("increment", "INCREMENT", lambda v: v > 1),
        ("cache", "CACHE", lambda v: v > 1),
        ("start", "START", lambda v: v > 1),
        ("minValue", "MINVALUE", lambda v: v > 1),
        ("maxValue", "MAXVALUE", lambda v: v not in (0, 2**63 - 1)),
    ):
        if key in args:
            try:
                value = int(args[key])
            except ValueError:
                continue
            if shown(value):
                out.append(f"{word} {value}")
    return tuple(out)
