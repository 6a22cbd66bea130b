"""``@default`` on model and composite type fields (parser-database's ``attributes/default.rs``).

An accepted default sets ``FieldInfo.default`` (the attribute), ``default_value`` (the value
expression) and ``default_map`` (``map:``). Functions Prisma does not know are accepted here and
reported by the connector check (``checks/defaults.py``), as prisma-engines does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from schemashift.psl import ast
from schemashift.psl.validator.attributes import parse_u8, render_expr
from schemashift.psl.validator.context import FieldInfo, ModelInfo

if TYPE_CHECKING:
    from schemashift.psl.validator.attributes import AttributeSet

KNOWN_FUNCTIONS = frozenset({"autoincrement", "ulid", "cuid", "dbgenerated", "nanoid", "now", "uuid", "auto"})
CUID_VERSIONS = (1, 2)
UUID_VERSIONS = (4, 7)

Accept = Callable[[], None]


def model_field_default(attrs: AttributeSet, model: ModelInfo, info: FieldInfo) -> None:
    found = attrs.default_arg_with_idx("value")
    if found is None:
        return
    _, value = found
    mapped = attrs.optional_string_arg("map")
    attr = attrs.current

    def accept() -> None:
        info.default = attr
        info.default_value = value
        info.default_map = mapped

    if isinstance(value, ast.FunctionCall) and value.name == "dbgenerated":
        _dbgenerated_args(attrs, value.arguments.arguments, accept)
        return

    is_list = info.node.arity is ast.FieldArity.LIST
    if info.kind == "composite":
        attrs.error(
            f"Error validating field `{info.node.name.name}` in composite type `{info.target}`: Defaults on fields "
            "of type composite are not supported. Please remove the `@default` attribute.",
            attrs.current.span if attrs.current else value.span,
        )
    elif info.kind == "enum":
        if is_list:
            _enum_list_default(attrs, value, info.target or "", accept)
        else:
            _enum_default(attrs, value, info.target or "", accept)
    elif info.kind == "scalar":
        _model_scalar_default(attrs, info.target or "", value, mapped, is_list, accept)
    elif info.kind == "unsupported":
        attrs.attr_error('Only @default(dbgenerated("...")) can be used for Unsupported types.')


def composite_field_default(attrs: AttributeSet, info: FieldInfo) -> None:
    found = attrs.default_arg_with_idx("value")
    if found is None:
        return
    _, value = found
    if attrs.optional_arg("map") is not None:
        attrs.attr_error("The `map` argument is not allowed on a composite type field.")
    attr = attrs.current

    def accept() -> None:
        info.default = attr
        info.default_value = value

    if isinstance(value, ast.FunctionCall) and value.name == "dbgenerated":
        attrs.attr_error("Fields of composite types cannot have `dbgenerated()` as default.")
        return

    is_list = info.node.arity is ast.FieldArity.LIST
    if info.kind == "composite":
        attrs.error(
            f"Error validating field `{info.node.name.name}` in composite type `{info.target}`: Defaults on fields "
            "of type composite are not supported. Please remove the `@default` attribute.",
            attr.span if attr else value.span,
        )
    elif info.kind == "enum":
        if is_list:
            _enum_list_default(attrs, value, info.target or "", accept)
        else:
            _enum_default(attrs, value, info.target or "", accept)
    elif info.kind == "scalar":
        _composite_scalar_default(attrs, info.target or "", value, is_list, accept)
    elif info.kind == "unsupported":
        attrs.attr_error("Composite field of type `Unsupported` cannot have default values.")


def _model_scalar_default(
    attrs: AttributeSet, scalar: str, value: ast.Expression, mapped: str | None, is_list: bool, accept: Accept
) -> None:
    if isinstance(value, ast.FunctionCall):
        name, args = value.name, value.arguments.arguments
        if name == "autoincrement" and mapped is not None:
            attrs.attr_error("Naming an autoincrement default value is not allowed.")
        elif name == "autoincrement" and scalar in ("Int", "BigInt"):
            _empty_args(attrs, name, args, accept)
        elif not _string_generator(attrs, scalar, name, args, accept):
            if scalar == "DateTime" and name == "now":
                _empty_args(attrs, name, args, accept)
            elif name == "auto":
                if args:
                    attrs.attr_error("`auto()` takes no arguments")
                else:
                    accept()
            elif name not in KNOWN_FUNCTIONS:
                accept()
            else:
                _invalid_function(attrs, name, scalar)
        return
    if is_list:
        _scalar_list_default(attrs, scalar, value, accept)
    else:
        _singular_scalar_default(attrs, scalar, value, accept)


def _composite_scalar_default(
    attrs: AttributeSet, scalar: str, value: ast.Expression, is_list: bool, accept: Accept
) -> None:
    if isinstance(value, ast.FunctionCall):
        name, args = value.name, value.arguments.arguments
        if name in ("ulid", "cuid", "uuid") and _string_generator(attrs, scalar, name, args, accept):
            return
        if scalar == "DateTime" and name == "now":
            _empty_args(attrs, name, args, accept)
        elif name in ("autoincrement", "auto"):
            attrs.attr_error(f"The function `{name}()` is not supported on composite fields.")
        elif name not in KNOWN_FUNCTIONS:
            attrs.error(
                f"Unknown function in @default(): `{name}` is not known. You can read about the available functions "
                "here: https://pris.ly/d/attribute-functions",
                value.span,
            )
        else:
            _invalid_function(attrs, name, scalar)
        return
    if is_list:
        _scalar_list_default(attrs, scalar, value, accept)
    else:
        _singular_scalar_default(attrs, scalar, value, accept)


def _string_generator(attrs: AttributeSet, scalar: str, name: str, args: list[ast.Argument], accept: Accept) -> bool:
    """ulid()/cuid()/uuid()/nanoid() on a String field; False when not one of those cases."""
    if scalar != "String":
        return False
    if name == "ulid":
        _empty_args(attrs, name, args, accept)
    elif name == "cuid":
        _uid_int_args(attrs, name, args, CUID_VERSIONS, accept)
    elif name == "uuid":
        _uid_int_args(attrs, name, args, UUID_VERSIONS, accept)
    elif name == "nanoid":
        _nanoid_args(attrs, args, accept)
    else:
        return False
    return True


def _invalid_function(attrs: AttributeSet, name: str, scalar: str) -> None:
    attrs.attr_error(f"The function `{name}()` cannot be used on fields of type `{scalar}`.")


def _empty_args(attrs: AttributeSet, name: str, args: list[ast.Argument], accept: Accept) -> None:
    if not args:
        accept()
        return
    attrs.attr_error(
        f"The `{name}` function does not take any argument. Consider changing this default to `{name}()`."
    )


def _dbgenerated_args(attrs: AttributeSet, args: list[ast.Argument], accept: Accept) -> None:
    bail = "`dbgenerated()` takes a single String argument"
    if len(args) > 1:
        attrs.attr_error(bail)
    first = args[0].value if args else None
    if isinstance(first, ast.StringValue) and first.value == "":
        attrs.attr_error("dbgenerated() takes either no argument, or a single nonempty string argument.")
    elif first is None or isinstance(first, ast.StringValue):
        accept()
    else:
        attrs.attr_error(bail)


def _format_versions(values: tuple[int, ...]) -> str:
    if len(values) == 1:
        return str(values[0])
    if len(values) == 2:
        return f"{values[0]} or {values[1]}"
    return ", ".join(str(v) for v in values[:-1]) + f", or {values[-1]}"


def _uid_int_args(
    attrs: AttributeSet, name: str, args: list[ast.Argument], versions: tuple[int, ...], accept: Accept
) -> None:
    bail = f"`{name}()` takes a single Int argument."
    if len(args) > 1:
        attrs.attr_error(bail)
    first = args[0].value if args else None
    if first is None:
        accept()
    elif isinstance(first, ast.NumericValue):
        if parse_u8(first.value) in versions:
            accept()
        else:
            attrs.attr_error(
                f"`{name}()` takes either no argument, or a single integer argument which is either "
                f"{_format_versions(versions)}."
            )
    else:
        attrs.attr_error(bail)


def _nanoid_args(attrs: AttributeSet, args: list[ast.Argument], accept: Accept) -> None:
    bail = "`nanoid()` takes a single Int argument."
    if len(args) > 1:
        attrs.attr_error(bail)
    first = args[0].value if args else None
    if first is None:
        accept()
    elif isinstance(first, ast.NumericValue):
        size = parse_u8(first.value)
        if size is not None and size >= 2:
            accept()
        else:
            attrs.attr_error("`nanoid()` takes either no argument, or a single integer argument between 2 and 255.")
    else:
        attrs.attr_error(bail)


def _enum_default(attrs: AttributeSet, value: ast.Expression, enum_name: str, accept: Accept) -> None:
    if isinstance(value, ast.ConstantValue):
        enum = attrs.ctx.enums.get(enum_name)
        if enum is not None and any(v.name.name == value.value for v in enum.values):
            accept()
        else:
            attrs.attr_error(
                f"The defined default value `{value.value}` is not a valid value of the enum specified for the field."
            )
    else:
        attrs.attr_error(f"Expected an enum value, but found `{render_expr(value)}`.")


def _enum_list_default(attrs: AttributeSet, value: ast.Expression, enum_name: str, accept: Accept) -> None:
    if not isinstance(value, ast.ArrayExpression):
        attrs.attr_error(f"Expected an enum value, but found `{render_expr(value)}`.")
        return
    if _all_valid(value.elements, lambda item, ok: _enum_default(attrs, item, enum_name, ok)):
        accept()


def _all_valid(items: list[ast.Expression], check: Callable[[ast.Expression, Accept], None]) -> bool:
    """Validate items in order, stopping at the first invalid one."""
    for item in items:
        ok = [False]

        def mark(ok: list[bool] = ok) -> None:
            ok[0] = True

        check(item, mark)
        if not ok[0]:
            return False
    return True


def _singular_scalar_default(attrs: AttributeSet, scalar: str, value: ast.Expression, accept: Accept) -> None:
    if isinstance(value, ast.ArrayExpression):
        attrs.attr_error("The default value of a non-list field cannot be a list.")
    else:
        _scalar_literal(attrs, scalar, value, accept)


def _scalar_list_default(attrs: AttributeSet, scalar: str, value: ast.Expression, accept: Accept) -> None:
    if not isinstance(value, ast.ArrayExpression):
        attrs.attr_error("The default value of a list field must be a list.")
        return
    if _all_valid(value.elements, lambda item, ok: _scalar_literal(attrs, scalar, item, ok)):
        accept()


_LITERAL_KINDS: dict[str, tuple[type, ...]] = {
    "String": (ast.StringValue,),
    "Json": (ast.StringValue,),
    "Bytes": (ast.StringValue,),
    "DateTime": (ast.StringValue,),
    "Int": (ast.NumericValue,),
    "BigInt": (ast.NumericValue,),
    "Float": (ast.NumericValue,),
    "Decimal": (ast.NumericValue, ast.StringValue),
}


def _scalar_literal(attrs: AttributeSet, scalar: str, value: ast.Expression, accept: Accept) -> None:
    if isinstance(value, _LITERAL_KINDS.get(scalar, ())):
        accept()
    elif scalar == "Boolean" and isinstance(value, ast.ConstantValue):
        if value.value in ("true", "false"):
            accept()
        else:
            attrs.error(
                'Error parsing attribute "@default": A boolean literal must be `true` or `false`.', value.span
            )
    else:
        attrs.attr_error(f"Expected a {scalar} value, but found `{render_expr(value)}`.")
