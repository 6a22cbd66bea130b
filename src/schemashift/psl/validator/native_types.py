"""Native types per connector (psl-core ``builtin_connectors/*/native_types.rs``, Prisma 6.19).

``NATIVE_TYPES[connector][name]`` is a :class:`NativeTypeSpec`: the argument shape and the Prisma
scalar types the native type can back (the first one is the type Prisma infers for it). The
tables are plain data, reused by the SQL side. :func:`parse` turns ``@db.Name(args)`` argument
strings into integers the way Prisma's ``from_parts`` does; :func:`argument_errors` holds each
connector's ``validate_native_type_arguments`` range rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "": no arguments; "u32?": one optional integer; "u32": one required integer;
# "u32,u32?": two optional integers (precision, scale); "len?": SQL Server integer or `Max`
ArgShape = Literal["", "u32?", "u32", "u32,u32?", "len?"]


@dataclass(frozen=True, slots=True)
class NativeTypeSpec:
    args: ArgShape
    scalars: tuple[str, ...]

    @property
    def required(self) -> int:
        return 1 if self.args == "u32" else 0

    @property
    def optional(self) -> int:
        return {"": 0, "u32": 0, "u32?": 1, "len?": 1, "u32,u32?": 2}[self.args]


def _t(args: ArgShape, *scalars: str) -> NativeTypeSpec:
    return NativeTypeSpec(args, scalars)


POSTGRES: dict[str, NativeTypeSpec] = {
    "SmallInt": _t("", "Int"),
    "Integer": _t("", "Int"),
    "BigInt": _t("", "BigInt"),
    "Decimal": _t("u32,u32?", "Decimal"),
    "Money": _t("", "Decimal"),
    "Inet": _t("", "String"),
    "Oid": _t("", "Int"),
    "Citext": _t("", "String"),
    "Real": _t("", "Float"),
    "DoublePrecision": _t("", "Float"),
    "VarChar": _t("u32?", "String"),
    "Char": _t("u32?", "String"),
    "Text": _t("", "String"),
    "ByteA": _t("", "Bytes"),
    "Timestamp": _t("u32?", "DateTime"),
    "Timestamptz": _t("u32?", "DateTime"),
    "Date": _t("", "DateTime"),
    "Time": _t("u32?", "DateTime"),
    "Timetz": _t("u32?", "DateTime"),
    "Boolean": _t("", "Boolean"),
    "Bit": _t("u32?", "String"),
    "VarBit": _t("u32?", "String"),
    "Uuid": _t("", "String"),
    "Xml": _t("", "String"),
    "Json": _t("", "Json"),
    "JsonB": _t("", "Json"),
}

COCKROACH: dict[str, NativeTypeSpec] = {
    "Bit": _t("u32?", "String"),
    "Bool": _t("", "Boolean"),
    "Bytes": _t("", "Bytes"),
    "Char": _t("u32?", "String"),
    "Date": _t("", "DateTime"),
    "Decimal": _t("u32,u32?", "Decimal"),
    "Float4": _t("", "Float"),
    "Float8": _t("", "Float"),
    "Inet": _t("", "String"),
    "Int2": _t("", "Int"),
    "Int4": _t("", "Int"),
    "Int8": _t("", "BigInt"),
    "JsonB": _t("", "Json"),
    "Oid": _t("", "Int"),
    "CatalogSingleChar": _t("", "String"),
    "String": _t("u32?", "String"),
    "Time": _t("u32?", "DateTime"),
    "Timestamp": _t("u32?", "DateTime"),
    "Timestamptz": _t("u32?", "DateTime"),
    "Timetz": _t("u32?", "DateTime"),
    "Uuid": _t("", "String"),
    "VarBit": _t("u32?", "String"),
}

MYSQL: dict[str, NativeTypeSpec] = {
    "Int": _t("", "Int"),
    "UnsignedInt": _t("", "Int"),
    "SmallInt": _t("", "Int"),
    "UnsignedSmallInt": _t("", "Int"),
    "TinyInt": _t("", "Boolean", "Int"),
    "UnsignedTinyInt": _t("", "Boolean", "Int"),
    "MediumInt": _t("", "Int"),
    "UnsignedMediumInt": _t("", "Int"),
    "BigInt": _t("", "BigInt"),
    "Decimal": _t("u32,u32?", "Decimal"),
    "UnsignedBigInt": _t("", "BigInt"),
    "Float": _t("", "Float"),
    "Double": _t("", "Float"),
    "Bit": _t("u32", "Boolean", "Bytes"),
    "Char": _t("u32", "String"),
    "VarChar": _t("u32", "String"),
    "Binary": _t("u32", "Bytes"),
    "VarBinary": _t("u32", "Bytes"),
    "TinyBlob": _t("", "Bytes"),
    "Blob": _t("", "Bytes"),
    "MediumBlob": _t("", "Bytes"),
    "LongBlob": _t("", "Bytes"),
    "TinyText": _t("", "String"),
    "Text": _t("", "String"),
    "MediumText": _t("", "String"),
    "LongText": _t("", "String"),
    "Date": _t("", "DateTime"),
    "Time": _t("u32?", "DateTime"),
    "DateTime": _t("u32?", "DateTime"),
    "Timestamp": _t("u32?", "DateTime"),
    "Year": _t("", "Int"),
    "Json": _t("", "Json"),
}

SQLSERVER: dict[str, NativeTypeSpec] = {
    "TinyInt": _t("", "Int"),
    "SmallInt": _t("", "Int"),
    "Int": _t("", "Int"),
    "BigInt": _t("", "BigInt"),
    "Decimal": _t("u32,u32?", "Decimal"),
    "Money": _t("", "Float"),
    "SmallMoney": _t("", "Float"),
    "Bit": _t("", "Boolean", "Int"),
    "Float": _t("u32?", "Float"),
    "Real": _t("", "Float"),
    "Date": _t("", "DateTime"),
    "Time": _t("", "DateTime"),
    "DateTime": _t("", "DateTime"),
    "DateTime2": _t("", "DateTime"),
    "DateTimeOffset": _t("", "DateTime"),
    "SmallDateTime": _t("", "DateTime"),
    "Char": _t("u32?", "String"),
    "NChar": _t("u32?", "String"),
    "VarChar": _t("len?", "String"),
    "Text": _t("", "String"),
    "NVarChar": _t("len?", "String"),
    "NText": _t("", "String"),
    "Binary": _t("u32?", "Bytes"),
    "VarBinary": _t("len?", "Bytes"),
    "Image": _t("", "Bytes"),
    "Xml": _t("", "String"),
    "UniqueIdentifier": _t("", "String"),
}

MONGODB: dict[str, NativeTypeSpec] = {
    "String": _t("", "String"),
    "Double": _t("", "Float"),
    "BinData": _t("", "Bytes"),
    "ObjectId": _t("", "String", "Bytes"),
    "Bool": _t("", "Boolean"),
    "Date": _t("", "DateTime"),
    "Int": _t("", "Int"),
    "Timestamp": _t("", "DateTime"),
    "Long": _t("", "Int", "BigInt"),
    "Json": _t("", "Json"),
}

NATIVE_TYPES: dict[str, dict[str, NativeTypeSpec]] = {
    "postgresql": POSTGRES,
    "cockroachdb": COCKROACH,
    "mysql": MYSQL,
    "sqlserver": SQLSERVER,
    "mongodb": MONGODB,
    "sqlite": {},
}

# the Prisma type of a native type where it is not the first compatible one
# (the connectors' ``scalar_type_for_native_type``)
INFERRED_SCALARS = {
    ("mysql", "Bit"): "Bytes",
    ("mysql", "TinyInt"): "Int",
    ("mysql", "UnsignedTinyInt"): "Int",
    ("sqlserver", "Bit"): "Bytes",
    ("sqlserver", "BigInt"): "Int",
}


def inferred_scalar(connector: str, name: str) -> str:
    return INFERRED_SCALARS.get((connector, name)) or NATIVE_TYPES[connector][name].scalars[0]


# the connector names used in native type error messages
DISPLAY_NAMES = {
    "postgresql": "Postgres",
    "cockroachdb": "CockroachDB",
    "mysql": "MySQL",
    "sqlserver": "SQL Server",
    "mongodb": "MongoDB",
    "sqlite": "SQLite",
}

_DESCRIPTIONS = {
    "u32?": "a nonnegative integer",
    "u32": "a nonnegative integer",
    "u32,u32?": "two nonnegative integers",
    "len?": "an integer or `Max`",
}

MAX = "Max"


def _u32(text: str) -> int | None:
    body = text[1:] if text.startswith("+") else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(body)
    return value if value < 2**32 else None


def _mssql_len(text: str) -> int | str | None:
    if text.lower() == "max":
        return MAX
    body = text[1:] if text.startswith("+") else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(body)
    return value if value < 2**16 else None


def parse(spec: NativeTypeSpec, args: list[str]) -> list[int | str] | None:
    """The parsed arguments, or None where Prisma's ``from_parts`` fails (a type without
    arguments ignores any given)."""
    if not args or spec.args == "":
        return []
    if spec.args in ("u32", "u32?"):
        value = _u32(args[0]) if len(args) == 1 else None
        return [value] if value is not None else None
    if spec.args == "len?":
        length = _mssql_len(args[0]) if len(args) == 1 else None
        return [length] if length is not None else None
    if len(args) != 2:
        return None
    a, b = _u32(args[0]), _u32(args[1])
    return [a, b] if a is not None and b is not None else None


def parse_error(spec: NativeTypeSpec, args: list[str]) -> str:
    return f"Expected {_DESCRIPTIONS[spec.args]}, but found ({', '.join(args)})."


def render(name: str, args: list[int | str]) -> str:
    return f"{name}({','.join(str(a) for a in args)})" if args else name


def argument_errors(connector: str, name: str, args: list[int | str], scalar: str) -> str | None:
    """The connector's range check of parsed arguments: the error message, or None."""
    display = DISPLAY_NAMES.get(connector, connector)
    rendered = render(name, args)

    def out_of_range(detail: str) -> str:
        return f"Argument M is out of range for native type `{rendered}` of {display}: {detail}"

    if name == "Decimal" and len(args) == 2:
        precision, scale = args
        assert isinstance(precision, int) and isinstance(scale, int)
        if scale > precision and connector != "mongodb":
            return f"The scale must not be larger than the precision for the {rendered} native type in {display}."
        if connector in ("postgresql", "cockroachdb") and (precision > 1000 or precision == 0):
            return out_of_range("Precision must be positive with a maximum value of 1000.")
        if connector == "mysql":
            if precision > 65:
                return out_of_range("Precision can range from 1 to 65.")
            if scale > 30:
                return out_of_range("Scale can range from 0 to 30.")
        if connector == "sqlserver":
            if precision == 0 or precision > 38:
                return out_of_range("Precision can range from 1 to 38.")
            if scale > 38:
                return out_of_range("Scale can range from 0 to 38.")
        return None
    if not args:
        return None
    value = args[0]
    if connector in ("postgresql", "cockroachdb"):
        if name in ("Bit", "VarBit") and value == 0:
            return out_of_range("M must be a positive integer.")
        if name in ("Timestamp", "Timestamptz", "Time", "Timetz") and isinstance(value, int) and value > 6:
            return out_of_range("M can range from 0 to 6.")
    elif connector == "mysql" and isinstance(value, int):
        if name == "Bit" and (value == 0 or value > 64):
            return out_of_range("M can range from 1 to 64.")
        if name == "Char" and value > 255:
            return out_of_range("M can range from 0 to 255.")
        if name == "VarChar" and value > 65535:
            return out_of_range("M can range from 0 to 65,535.")
        if name == "Bit" and value > 1 and scalar == "Boolean":
            return out_of_range("only Bit(1) can be used as Boolean.")
    elif connector == "sqlserver" and isinstance(value, int):
        if name == "Float" and (value == 0 or value > 53):
            return out_of_range("Bits can range from 1 to 53.")
        if name == "NVarChar" and value > 4000:
            return out_of_range("Length can range from 1 to 4000. For larger sizes, use the `Max` variant.")
        if name in ("VarChar", "VarBinary") and value > 8000:
            return out_of_range("Length can range from 1 to 8000. For larger sizes, use the `Max` variant.")
        if name == "NChar" and value > 4000:
            return out_of_range("Length can range from 1 to 4000.")
        if name in ("Char", "Binary") and value > 8000:
            return out_of_range("Length can range from 1 to 8000.")
    return None
