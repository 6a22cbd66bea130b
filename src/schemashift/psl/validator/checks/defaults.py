"""Default value checks (psl-core ``validations/{default_value,autoincrement}.rs``, ``fields.rs``).

Call order in Prisma's pipeline:

- :func:`unknown_default_functions` once, after the composite type checks (functions unknown to
  Prisma; CockroachDB knows ``sequence(...)``);
- :func:`validate_auto_increment` per model, after ``models::connector_specific``;
- per scalar field: :func:`unique_default_constraint_name` (after the client name check) and
  :func:`validate_default_value` (after the native type arguments check);
- per composite type field: :func:`composite_default_value` (in the composite type loop).
"""

from __future__ import annotations

import base64
import binascii
import calendar
from collections.abc import Callable

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.validator.attributes import argument_span, parse_i64
from schemashift.psl.validator.checks.constraint_names import Namespaces, clash_message, validate_db_name
from schemashift.psl.validator.checks.constraint_names import default_constraint_name as _constraint_name
from schemashift.psl.validator.context import Context, FieldInfo, ModelInfo
from schemashift.psl.validator.defaults import KNOWN_FUNCTIONS
from schemashift.psl.validator.indexes import connector_for

_SEQUENCE_INTEGER_ARGS = ("cache", "increment", "minValue", "maxValue", "start")


def _default_error(ctx: Context, message: str, span: Span) -> None:
    ctx.error(f'Error parsing attribute "@default": {message}', span)


def unknown_default_functions(ctx: Context) -> None:
    for model in ctx.models.values():
        for info in model.scalar_fields():
            value = info.default_value
            if not isinstance(value, ast.FunctionCall) or value.name in KNOWN_FUNCTIONS:
                continue
            if ctx.provider == "cockroachdb" and value.name == "sequence":
                _sequence_args(ctx, value)
            else:
                ctx.error(
                    f"Unknown function in @default(): `{value.name}` is not known. You can read about the available "
                    "functions here: https://pris.ly/d/attribute-functions",
                    value.span,
                )


def _sequence_args(ctx: Context, call: ast.FunctionCall) -> None:
    from schemashift.psl.validator.attributes import describe_value_type, render_expr

    def mismatch(expected: str, expr: ast.Expression) -> None:
        ctx.error(
            f"Expected a {expected} value, but received {describe_value_type(expr)} value `{render_expr(expr)}`.",
            expr.span,
        )

    for arg in call.arguments.arguments:
        name = arg.name.name if arg.name is not None else None
        if name == "virtual":
            if not (isinstance(arg.value, ast.ConstantValue) and arg.value.value in ("true", "false")):
                mismatch("boolean", arg.value)
        elif name in _SEQUENCE_INTEGER_ARGS:
            if not (isinstance(arg.value, ast.NumericValue) and parse_i64(arg.value.value) is not None):
                mismatch("numeric", arg.value)
        else:
            ctx.error("Unexpected argument in `sequence()` function call", arg.span)


def validate_auto_increment(ctx: Context, model: ModelInfo) -> None:
    """``autoincrement::validate_auto_increment`` (models only: Prisma skips views here)."""
    if model.is_view:
        return
    fields = [
        f
        for f in model.scalar_fields()
        if isinstance(f.default_value, ast.FunctionCall) and f.default_value.name == "autoincrement"
    ]
    if not fields:
        return
    connector = connector_for(ctx.provider)
    if not connector.has("AutoIncrement"):
        for f in fields:
            assert f.default is not None
            _default_error(
                ctx,
                "The `autoincrement()` default value is used with a datasource that does not support it.",
                f.default.span,
            )
        return
    if not connector.has("AutoIncrementMultipleAllowed") and len(fields) > 1:
        _default_error(
            ctx,
            "The `autoincrement()` default value is used multiple times on this model even though the underlying "
            "datasource only supports one instance per table.",
            model.node.span,
        )
    pk = model.primary_key
    for f in fields:
        name = f.node.name.name
        is_single_pk = pk is not None and pk.fields == [name]
        if not connector.has("AutoIncrementAllowedOnNonId") and not is_single_pk:
            _default_error(
                ctx,
                "The `autoincrement()` default value is used on a non-id field even though the datasource does not "
                "support this.",
                f.node.span,
            )
        if not connector.has("AutoIncrementNonIndexedAllowed") and not _indexed_first(model, name):
            _default_error(
                ctx,
                "The `autoincrement()` default value is used on a non-indexed field even though the datasource does "
                "not support this.",
                f.node.span,
            )


def _indexed_first(model: ModelInfo, name: str) -> bool:
    """``field_is_indexed_for_autoincrement``: first column of the primary key or of an index."""
    keys = [i.fields for i in model.indexes]
    if model.primary_key is not None:
        keys.append(model.primary_key.fields)
    return any(k and k[0] == name for k in keys)


def unique_default_constraint_name(ctx: Context, model: ModelInfo, info: FieldInfo, names: Namespaces) -> None:
    if info.default is None or "default" not in names.kinds:
        return
    name = _constraint_name(ctx, model, info)
    violations = names.violations(ctx, model, "default", name)
    if not violations:
        return
    span = argument_span(info.default, "map") or info.node.span
    for scope in violations:
        _default_error(ctx, clash_message(name, scope, model), span)


def validate_default_value(ctx: Context, model: ModelInfo, info: FieldInfo) -> None:
    if info.default is None:
        return
    if info.default_map is not None:
        if not connector_for(ctx.provider).has("NamedDefaultValues"):
            _default_error(
                ctx,
                "You defined a database name for the default value of a field on the model. This is not supported by "
                "the provider.",
                info.default.span,
            )
        validate_db_name(ctx, model, info.default, info.default_map, False)
    value = info.default_value
    if value is None:
        return
    if info.kind == "scalar" and info.target is not None:
        _value_parses(ctx, info.target, value)
    if isinstance(value, ast.FunctionCall) and value.name == "auto" and not connector_for(ctx.provider).has(
        "DefaultValueAuto"
    ):
        _default_error(ctx, "The current connector does not support the `auto()` function.", value.span)


def _value_parses(ctx: Context, scalar: str, value: ast.Expression) -> None:
    if isinstance(value, ast.ArrayExpression):
        for item in value.elements:
            _value_parses(ctx, scalar, item)
        return
    if isinstance(value, ast.StringValue):
        text = value.value
        if scalar == "Json":
            problem = _json_problem(text)
            if problem is not None:
                _default_error(ctx, f'Parse error: "{text}" is not a valid JSON string. ({problem})', value.span)
        elif scalar == "Bytes":
            if not _is_base64(text):
                _default_error(
                    ctx,
                    f'Parse error: "{text}" is not a valid base64 string. (Could not convert from `base64 encoded '
                    "bytes` to `PrismaValue::Bytes`)",
                    value.span,
                )
        elif scalar == "DateTime":
            problem = _rfc3339_problem(text)
            if problem is not None:
                _default_error(
                    ctx, f'Parse error: "{text}" is not a valid rfc3339 datetime string. ({problem})', value.span
                )
        elif scalar == "Decimal":
            problem = _decimal_problem(text)
            if problem is not None:
                ctx.error(
                    f'Error parsing attribute "default": Parse error: "{text}" is not a valid decimal. ({problem})',
                    value.span,
                )
    elif isinstance(value, ast.NumericValue) and scalar in ("Int", "BigInt"):
        if parse_i64(value.value) is None:
            _default_error(
                ctx,
                f'Parse error: "{value.value}" is not a valid integer. ({_int_problem(value.value)})',
                value.span,
            )


def _int_problem(text: str) -> str:
    """The message of Rust's ``ParseIntError`` for an i64."""
    body = text[1:] if text[:1] in "+-" else text
    if not text:
        return "cannot parse integer from empty string"
    if not body or not body.isascii() or not body.isdigit():
        return "invalid digit found in string"
    return "number too small to fit in target type" if text.startswith("-") else "number too large to fit in target type"


def _decimal_problem(text: str) -> str | None:
    """None when ``text`` parses as a ``BigDecimal``, else the error that crate reports."""
    if not text:
        return "Failed to parse empty string"
    base, exponent = text, None
    cut = min((i for i in (text.find("e"), text.find("E")) if i >= 0), default=-1)
    if cut >= 0:
        base, exponent = text[:cut], text[cut + 1 :]
    if exponent is not None and parse_i64(exponent) is None:
        return _int_problem(exponent)
    if not base:
        return "Failed to parse empty string"
    digits = base.replace(".", "", 1)
    if digits[:1] in "+-":
        digits = digits[1:]
    if not digits:
        return "cannot parse integer from empty string"
    if digits.startswith("_") or not all(c.isdigit() and c.isascii() or c == "_" for c in digits):
        return "invalid digit found in string"
    return None


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


_TOO_SHORT = "premature end of input"
_INVALID = "input contains invalid characters"
_OUT_OF_RANGE = "input is out of range"


class _Rfc3339Error(Exception):
    pass


class _Rfc3339Scanner:
    """chrono's ``parse_from_rfc3339``: the same steps, so the same first error."""

    def __init__(self, text: str) -> None:
        self.rest = text

    def number(self, digits: int, low: int, high: int) -> int:
        if len(self.rest) < digits:
            raise _Rfc3339Error(_TOO_SHORT)
        head = self.rest[:digits]
        if not (head.isascii() and head.isdigit()):
            raise _Rfc3339Error(_INVALID)
        self.rest = self.rest[digits:]
        value = int(head)
        if not low <= value <= high:
            raise _Rfc3339Error(_OUT_OF_RANGE)
        return value

    def char(self, allowed: str) -> str:
        if not self.rest:
            raise _Rfc3339Error(_TOO_SHORT)
        if self.rest[0] not in allowed:
            raise _Rfc3339Error(_INVALID)
        found, self.rest = self.rest[0], self.rest[1:]
        return found

    def scan(self) -> None:
        year = self.number(4, 0, 9999)
        self.char("-")
        month = self.number(2, 1, 12)
        self.char("-")
        day = self.number(2, 1, 31)
        self.char("Tt ")
        self.number(2, 0, 23)
        self.char(":")
        self.number(2, 0, 59)
        self.char(":")
        self.number(2, 0, 60)
        if self.rest.startswith("."):
            self.rest = self.rest[1:]
            if not self.rest:
                raise _Rfc3339Error(_TOO_SHORT)
            digits = len(self.rest) - len(self.rest.lstrip("0123456789"))
            if digits == 0:
                raise _Rfc3339Error(_INVALID)
            self.rest = self.rest[digits:]
        offset_hours = 0
        if self.char("Zz+-") in "+-":
            offset_hours = self.number(2, 0, 99)
            self.char(":")
            self.number(2, 0, 59)
        if self.rest:
            raise _Rfc3339Error("trailing input")
        if offset_hours >= 24 or day > calendar.monthrange(year, month)[1]:
            raise _Rfc3339Error(_OUT_OF_RANGE)


def _rfc3339_problem(text: str) -> str | None:
    """None when ``text`` is an RFC 3339 date-time, else chrono's error description."""
    try:
        _Rfc3339Scanner(text).scan()
    except _Rfc3339Error as err:
        return str(err)
    return None


def _json_problem(text: str) -> str | None:
    """None when ``text`` is JSON, else the error serde_json (Prisma's parser) would describe."""
    try:
        _JsonChecker(text).check()
    except _JsonError as err:
        return err.describe(text)
    return None


class _JsonError(Exception):
    def __init__(self, message: str, pos: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos  # index of the offending character; None at the end of the input

    def describe(self, text: str) -> str:
        if self.pos is None:
            line, column = text.count("\n") + 1, len(text) - (text.rfind("\n") + 1)
        else:
            line, column = text.count("\n", 0, self.pos) + 1, self.pos - text.rfind("\n", 0, self.pos)
        return f"{self.message} at line {line} column {column}"


class _JsonChecker:
    """A JSON reader with serde_json's error kinds and positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def check(self) -> None:
        self.value()
        self.skip_ws()
        if self.i < len(self.text):
            raise _JsonError("trailing characters", self.i)

    def skip_ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t\n\r":
            self.i += 1

    def peek(self, eof: str) -> str:
        if self.i >= len(self.text):
            raise _JsonError(f"EOF while parsing {eof}", None)
        return self.text[self.i]

    def value(self) -> None:
        self.skip_ws()
        c = self.peek("a value")
        if c in "ntf":
            self.ident({"n": "null", "t": "true", "f": "false"}[c])
        elif c == "-" or c.isdigit():
            self.number()
        elif c == '"':
            self.string()
        elif c == "[":
            self.sequence("]", "a list", self.value)
        elif c == "{":
            self.sequence("}", "an object", self.member)
        else:
            raise _JsonError("expected value", self.i)

    def ident(self, word: str) -> None:
        for expected in word:
            if self.peek("a value") != expected:
                raise _JsonError("expected ident", self.i)
            self.i += 1

    def digits(self) -> None:
        if not self.peek("a value").isdigit():
            raise _JsonError("invalid number", self.i)
        while self.i < len(self.text) and self.text[self.i].isdigit():
            self.i += 1

    def number(self) -> None:
        if self.text[self.i] == "-":
            self.i += 1
        if self.peek("a value") == "0":
            self.i += 1
            if self.i < len(self.text) and self.text[self.i].isdigit():
                raise _JsonError("invalid number", self.i)
        else:
            self.digits()
        if self.i < len(self.text) and self.text[self.i] == ".":
            self.i += 1
            self.digits()
        if self.i < len(self.text) and self.text[self.i] in "eE":
            self.i += 1
            if self.i < len(self.text) and self.text[self.i] in "+-":
                self.i += 1
            self.digits()

    def string(self) -> None:
        self.i += 1
        while True:
            c = self.peek("a string")
            if c == '"':
                self.i += 1
                return
            if c == "\\":
                self.i += 1
                escape = self.peek("a string")
                if escape == "u":
                    for _ in range(4):
                        self.i += 1
                        if self.peek("a string") not in "0123456789abcdefABCDEF":
                            raise _JsonError("invalid escape", self.i)
                elif escape not in '"\\/bfnrt':
                    raise _JsonError("invalid escape", self.i)
            elif ord(c) < 0x20:
                raise _JsonError("control character (\\u0000-\\u001F) found while parsing a string", self.i)
            self.i += 1

    def member(self) -> None:
        self.skip_ws()
        if self.peek("an object") != '"':
            raise _JsonError("key must be a string", self.i)
        self.string()
        self.skip_ws()
        if self.peek("an object") != ":":
            raise _JsonError("expected `:`", self.i)
        self.i += 1
        self.value()

    def sequence(self, close: str, what: str, item: Callable[[], None]) -> None:
        self.i += 1
        self.skip_ws()
        if self.peek(what) == close:
            self.i += 1
            return
        while True:
            item()
            self.skip_ws()
            c = self.peek(what)
            if c == close:
                self.i += 1
                return
            if c != ",":
                raise _JsonError(f"expected `,` or `{close}`", self.i)
            self.i += 1
            self.skip_ws()
            if self.peek("a value") == close:
                raise _JsonError("trailing comma", self.i)


def composite_default_value(ctx: Context, ct: ast.CompositeType, info: FieldInfo) -> None:
    """``composite_types::validate_default_value`` for a field of ``ct``.

    ``ct`` is unused (the value and the type are on ``info``); the pipeline passes it uniformly."""
    value = info.default_value
    if value is None:
        return
    if info.kind == "scalar" and info.target is not None:
        _value_parses(ctx, info.target, value)
    if isinstance(value, ast.FunctionCall) and value.name == "auto" and not connector_for(ctx.provider).has(
        "DefaultValueAuto"
    ):
        _default_error(ctx, "The current connector does not support the `auto()` function.", value.span)
