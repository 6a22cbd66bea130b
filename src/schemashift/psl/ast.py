"""The abstract syntax tree of Prisma's schema language (PSL).

It mirrors prisma-engines' ``schema-ast`` crate: a schema is a list of top-level blocks; every
node carries a :class:`~schemashift.diagnostics.Span`. Nodes are plain dataclasses produced once
by the parser and then only read (validator, lowering, generator, formatter helpers).

Expressions keep their source form: numbers stay strings (``"1.5"``, ``"-3"``), constants are
identifiers such as ``true``, ``Cascade`` or a field name, string values are unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum as _PyEnum
from typing import Union

from schemashift.diagnostics import Span


@dataclass(slots=True)
class Identifier:
    name: str
    span: Span


# ---------------------------------------------------------------- expressions


@dataclass(slots=True)
class StringValue:
    value: str  # unescaped
    span: Span


@dataclass(slots=True)
class NumericValue:
    value: str  # as written, e.g. "42", "-1.5"
    span: Span


@dataclass(slots=True)
class ConstantValue:
    value: str  # an identifier-like constant: true, false, Cascade, a field name, db.Foo ...
    span: Span


@dataclass(slots=True)
class FunctionCall:
    name: str  # e.g. "autoincrement", "env", "dbgenerated", "uuid"
    arguments: "ArgumentsList"
    span: Span


@dataclass(slots=True)
class ArrayExpression:
    elements: list["Expression"]
    span: Span


@dataclass(slots=True)
class ObjectMember:
    key: Identifier
    value: "Expression"
    span: Span


@dataclass(slots=True)
class ObjectExpression:
    """``{ key: value, ... }`` (Prisma 7's grammar; the ``where:`` argument of partial indexes)."""

    members: list[ObjectMember]
    span: Span


Expression = Union[StringValue, NumericValue, ConstantValue, FunctionCall, ArrayExpression, ObjectExpression]


@dataclass(slots=True)
class Argument:
    name: Identifier | None  # None for a positional argument
    value: Expression
    span: Span


@dataclass(slots=True)
class EmptyArgument:
    """``name:`` with no value, kept so the validator can report it."""

    name: Identifier


@dataclass(slots=True)
class ArgumentsList:
    arguments: list[Argument] = field(default_factory=list)
    empty_arguments: list[EmptyArgument] = field(default_factory=list)
    trailing_comma: Span | None = None


# ---------------------------------------------------------------- attributes


@dataclass(slots=True)
class Attribute:
    """``@name(args)`` or ``@@name(args)``; ``name.name`` has no ``@`` (``"id"``, ``"db.VarChar"``)."""

    name: Identifier
    arguments: ArgumentsList
    span: Span  # the whole attribute including the @ or @@


# ---------------------------------------------------------------- fields


class FieldArity(_PyEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    LIST = "list"


@dataclass(slots=True)
class SupportedFieldType:
    name: str  # "String", "Int", a model, enum or composite type name
    span: Span


@dataclass(slots=True)
class UnsupportedFieldType:
    literal: str  # the string inside Unsupported("...")
    span: Span


FieldType = Union[SupportedFieldType, UnsupportedFieldType]


@dataclass(slots=True)
class Field:
    name: Identifier
    field_type: FieldType
    arity: FieldArity
    attributes: list[Attribute]
    documentation: str | None  # the /// lines above the field, joined with "\n"
    span: Span
    # set when the arity marker was written in a legacy/invalid way (e.g. "Int[]?")
    arity_span: Span | None = None


# ---------------------------------------------------------------- blocks


@dataclass(slots=True)
class Model:
    name: Identifier
    fields: list[Field]
    attributes: list[Attribute]  # block attributes (@@...)
    documentation: str | None
    span: Span
    is_view: bool = False  # `view X { ... }`


@dataclass(slots=True)
class CompositeType:
    name: Identifier
    fields: list[Field]
    attributes: list[Attribute]
    documentation: str | None
    span: Span


@dataclass(slots=True)
class EnumValue:
    name: Identifier
    attributes: list[Attribute]
    documentation: str | None
    span: Span


@dataclass(slots=True)
class Enum:
    name: Identifier
    values: list[EnumValue]
    attributes: list[Attribute]
    documentation: str | None
    span: Span


@dataclass(slots=True)
class ConfigBlockProperty:
    name: Identifier
    value: Expression | None  # None when written as `name =` with nothing after it
    span: Span


@dataclass(slots=True)
class SourceConfig:
    """A ``datasource`` block."""

    name: Identifier
    properties: list[ConfigBlockProperty]
    documentation: str | None
    span: Span


@dataclass(slots=True)
class GeneratorConfig:
    name: Identifier
    properties: list[ConfigBlockProperty]
    documentation: str | None
    span: Span


Top = Union[Model, CompositeType, Enum, SourceConfig, GeneratorConfig]


@dataclass(slots=True)
class SchemaFile:
    """One parsed file."""

    path: str
    source: str
    tops: list[Top]
    file_id: int = 0


@dataclass(slots=True)
class SchemaAst:
    """All files of a schema (one for ``schema.prisma``, several for a ``prisma/schema/`` folder)."""

    files: list[SchemaFile]

    def tops(self) -> list[Top]:
        return [t for f in self.files for t in f.tops]

    def models(self) -> list[Model]:
        return [t for t in self.tops() if isinstance(t, Model)]

    def enums(self) -> list[Enum]:
        return [t for t in self.tops() if isinstance(t, Enum)]

    def composite_types(self) -> list[CompositeType]:
        return [t for t in self.tops() if isinstance(t, CompositeType)]

    def datasources(self) -> list[SourceConfig]:
        return [t for t in self.tops() if isinstance(t, SourceConfig)]

    def generators(self) -> list[GeneratorConfig]:
        return [t for t in self.tops() if isinstance(t, GeneratorConfig)]
