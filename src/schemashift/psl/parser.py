"""Parser for Prisma's schema language, faithful to prisma-engines' pest grammar + schema-ast walk.

The grammar is a PEG whose implicit whitespace is spaces and tabs only (never newlines). Every
rule is reproduced here as a small function over a position in the source, with compiled
regexes taking whole tokens, so the accepted language, the error-recovery lines ("catch-all"
rules) and the spans (including the trailing whitespace pest keeps inside some rules) are the
same as Prisma's. Diagnostics are those that schema-ast emits while walking the parse tree;
because this parser emits them while parsing, every rule that can backtrack rolls back the
diagnostics it produced (see ``_Parser.errors`` truncation).
"""

from __future__ import annotations

import re
from typing import Sequence

from schemashift.diagnostics import Diagnostic, Diagnostics, Span
from schemashift.psl.ast import (
    Argument,
    ArgumentsList,
    ArrayExpression,
    Attribute,
    CompositeType,
    ConfigBlockProperty,
    ConstantValue,
    EmptyArgument,
    Enum,
    EnumValue,
    Expression,
    Field,
    FieldArity,
    FieldType,
    FunctionCall,
    GeneratorConfig,
    Identifier,
    Model,
    NumericValue,
    SchemaAst,
    SchemaFile,
    SourceConfig,
    StringValue,
    SupportedFieldType,
    Top,
    UnsupportedFieldType,
)

__all__ = ["parse_files", "parse_file"]

# pest's WHITESPACE: the Unicode space separators (category Zs) and tab.
_WS_CHARS = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_WS = f"[{_WS_CHARS}]"
_NL = r"(?:\r\n|\n|\r)"
_IDENT_RE = r"[A-Za-z0-9][A-Za-z0-9_-]*"

_skip_ws = re.compile(f"{_WS}*").match
_ident = re.compile(_IDENT_RE).match
_path = re.compile(rf"{_IDENT_RE}(?:\.(?:{_IDENT_RE})?)*").match
_numeric = re.compile(r"-?[0-9]+(?:\.[0-9]+)?").match
_string = re.compile(r'"((?:\\[\s\S]|[^"\\\x00-\x1f])*)"').match
_newline = re.compile(_NL).match
_block_open = re.compile(rf"\{{[^\r\n]*{_NL}").match
_catch_all = re.compile(rf"[^\r\n]+{_NL}?").match
_empty_lines = re.compile(rf"(?:{_WS}*{_NL})+").match
_comment_block = re.compile(rf"(?:{_WS}*//[^\r\n]*{_NL}?)+").match
_trailing_comment = re.compile(r"//[^\r\n]*").match
_comment_line = re.compile(rf"{_WS}*//(/?)([^\r\n]*)")

_TOP_LEVEL_INVALID = "Error validating: This line is invalid. It does not start with any known Prisma schema keyword."
_BLOCK_INVALID = (
    "Error validating: This block is invalid. It does not start with any known Prisma schema keyword. "
    "Valid keywords include 'model', 'enum', 'type', 'datasource' and 'generator'."
)
_TYPE_ALIAS = "Error validating: Invalid type definition. Please check the documentation in https://pris.ly/d/composite-types"
_MODEL_LINE = "Error validating: This line is not a valid field or attribute definition."
_ENUM_LINE = "Error validating: This line is not an enum value definition."
_MISSING_TYPE = "This field declaration is invalid. It is either missing a name or a type."
_LEGACY_COLON = "Field declarations don't require a `:`."
_LEGACY_REQUIRED = "Fields are required by default, `!` is no longer required."
_LEGACY_LIST = "To specify a list, please use `Type[]` instead of `[Type]`."
_OPTIONAL_LIST = "Optional lists are not supported. Use either `Type[]` or `Type?`."
_UNKNOWN_ESCAPE = r"Unknown escape sequence. If the value is a windows-style path, `\` must be escaped as `\\`."
_BAD_UNICODE_ESCAPE = "Invalid unicode escape sequence."

_COMPOSITE_BLOCK_ATTRIBUTE = {
    "map": "The name of a composite type is not persisted in the database, therefore it does not need a mapped database name.",
    "unique": "A unique constraint should be defined in the model containing the embed.",
    "index": "An index should be defined in the model containing the embed.",
    "fulltext": "A fulltext index should be defined in the model containing the embed.",
    "id": "A composite type cannot define an id.",
}
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}

# A field's type as parsed: (arity, type) or a legacy-syntax error (message, span).
_TypeResult = tuple[FieldArity, FieldType] | tuple[str, Span]


def parse_files(files: Sequence[tuple[str, str]]) -> tuple[SchemaAst, Diagnostics]:
    """Parse every (path, source) file; ``file_id`` of each node is the file's index."""
    diagnostics = Diagnostics()
    parsed = [parse_file(source, path, file_id, diagnostics) for file_id, (path, source) in enumerate(files)]
    return SchemaAst(parsed), diagnostics


def parse_file(source: str, path: str, file_id: int, diagnostics: Diagnostics) -> SchemaFile:
    parser = _Parser(source, file_id)
    tops = parser.schema()
    diagnostics.errors.extend(parser.errors)
    return SchemaFile(path=path, source=source, tops=tops, file_id=file_id)


def _comment_text(text: str) -> str | None:
    """The documentation of a comment block: its ``///`` lines (content left-trimmed), joined."""
    lines = [m.group(2).lstrip() for m in _comment_line.finditer(text) if m.group(1)]
    return "\n".join(lines) if lines else None


def _join_docs(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a if b is None else b
    return f"{a}\n{b}"


class _Parser:
    __slots__ = ("src", "n", "fid", "errors")

    def __init__(self, src: str, file_id: int) -> None:
        self.src = src
        self.n = len(src)
        self.fid = file_id
        self.errors: list[Diagnostic] = []

    # ------------------------------------------------------------ helpers

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.fid)

    def error(self, message: str, start: int, end: int) -> None:
        self.errors.append(Diagnostic("error", message, Span(start, end, self.fid)))

    def ws(self, pos: int) -> int:
        return _skip_ws(self.src, pos).end()  # type: ignore[union-attr]

    def at(self, pos: int) -> str:
        return self.src[pos] if pos < self.n else ""

    # ------------------------------------------------------------ top level

    def schema(self) -> list[Top]:
        tops: list[Top] = []
        pending_doc: str | None = None  # schema-ast's `pending_block_comment`
        previous_comment: str | None = None
        pos = self.ws(0)
        while pos < self.n:
            top, end, kind = self.top_level_item(pos)
            if previous_comment is not None and kind in ("block", "config"):
                pending_doc = _comment_text(previous_comment)
            previous_comment = None
            if kind == "comment":
                previous_comment = self.src[pos:end]
            elif top is not None:
                if kind == "block":
                    top.documentation = pending_doc  # type: ignore[union-attr]
                    pending_doc = None
                tops.append(top)
            pos = self.ws(end)
        return tops

    def top_level_item(self, pos: int) -> tuple[Top | None, int, str]:
        """One repetition of the ``schema`` rule. Returns (node, end, kind)."""
        src = self.src
        c = src[pos]
        if c in "mtv":
            for kw in ("model", "type", "view"):
                if src.startswith(kw, pos):
                    r = self.model_like(pos, kw)
                    if r is not None:
                        return r[0], r[1], "block"
                    break
        elif c == "e" and src.startswith("enum", pos):
            r_enum = self.enum_decl(pos)
            if r_enum is not None:
                return r_enum[0], r_enum[1], "block"
        elif c in "dg":
            for kw in ("datasource", "generator"):
                if src.startswith(kw, pos):
                    r_cfg = self.config_block(pos, kw)
                    if r_cfg is not None:
                        return r_cfg[0], r_cfg[1], "config"
                    break
        if c == "t" and src.startswith("type", pos):
            end = self.type_alias(pos)
            if end is not None:
                self.error(_TYPE_ALIAS, pos, end)
                return None, end, "alias"
        end = self.arbitrary_block(pos)
        if end is not None:
            self.error(_BLOCK_INVALID, pos, end)
            return None, end, "arbitrary"
        if c == "/":
            m = _comment_block(src, pos)
            if m is not None:
                return None, m.end(), "comment"
        m = _empty_lines(src, pos)
        if m is not None:
            return None, m.end(), "empty"
        m = _catch_all(src, pos)
        assert m is not None  # pos < n and not at a newline (empty_lines would have matched)
        self.error(_TOP_LEVEL_INVALID, pos, m.end())
        return None, m.end(), "catch_all"

    def block_header(self, pos: int, keyword: str) -> tuple[Identifier, int] | None:
        """``KEYWORD ~ identifier ~ BLOCK_OPEN``; returns the name and the position after ``{...\\n``."""
        p = self.ws(pos + len(keyword))
        m = _ident(self.src, p)
        if m is None:
            return None
        name = Identifier(m.group(), self.span(p, m.end()))
        mo = _block_open(self.src, self.ws(m.end()))
        if mo is None:
            return None
        return name, mo.end()

    def arbitrary_block(self, pos: int) -> int | None:
        m = _ident(self.src, pos)
        if m is None:
            return None
        mo = _block_open(self.src, self.ws(m.end()))
        if mo is None:
            return None
        close = self.src.find("}", mo.end())
        return None if close < 0 else close + 1

    def type_alias(self, pos: int) -> int | None:
        src = self.src
        p = self.ws(pos + 4)
        m = _ident(src, p)
        if m is None:
            return None
        p = self.ws(m.end())
        if self.at(p) != "=":
            return None
        saved = len(self.errors)
        r = self.base_type(self.ws(p + 1))
        if r is None:
            return None
        end = p = self.ws(r[1])
        while self.at(p) == "@":
            attr = self.attribute(p, block=False)
            if attr is None:
                break
            end = attr.span.end
            p = self.ws(end)
        del self.errors[saved:]
        return end

    # ------------------------------------------------------------ blocks

    def block_items(self, pos: int, item):  # type: ignore[no-untyped-def]
        """Run ``item(pos) -> end | None`` until ``}``; returns the end after ``}`` or None at EOF."""
        src = self.src
        n = self.n
        while True:
            pos = self.ws(pos)
            if pos >= n:
                return None
            c = src[pos]
            if c == "}":
                return pos + 1
            pos = item(pos, c)

    def model_like(self, pos: int, keyword: str) -> tuple[Top, int] | None:
        header = self.block_header(pos, keyword)
        if header is None:
            return None
        name, p = header
        saved = len(self.errors)
        fields: list[Field] = []
        attributes: list[Attribute] = []
        pending: list[str | None] = [None]
        container = {"model": "model", "view": "view", "type": "type"}[keyword]
        is_type = keyword == "type"

        def item(p: int, c: str) -> int:
            src = self.src
            if c == "@":
                r = self.block_attribute_line(p)
                if r is not None:
                    attr, end = r
                    if is_type:
                        msg = _COMPOSITE_BLOCK_ATTRIBUTE.get(
                            attr.name.name, "A composite type cannot have block-level attributes."
                        )
                        self.errors.append(Diagnostic("error", "Error validating: " + msg, attr.span))
                    attributes.append(attr)
                    return end
            elif c == "/":
                m = _comment_block(src, p)
                if m is not None:
                    pending[0] = _comment_text(m.group())
                    return m.end()
            elif c == "\n" or c == "\r":
                return _empty_lines(src, p).end()  # type: ignore[union-attr]
            else:
                r_field = self.field_declaration(p, container, name.name, pending[0])
                if r_field is not None:
                    fld, end = r_field
                    pending[0] = None
                    if fld is not None:
                        if is_type:
                            for a in fld.attributes:
                                if a.name.name in ("relation", "unique", "id"):
                                    self.error(
                                        f"Error validating: Defining `@{a.name.name}` attribute for a field "
                                        "in a composite type is not allowed.",
                                        p,
                                        end,
                                    )
                        fields.append(fld)
                    return end
            m = _catch_all(src, p)
            assert m is not None
            self.error(_MODEL_LINE, p, m.end())
            return m.end()

        end = self.block_items(p, item)
        if end is None:
            del self.errors[saved:]
            return None
        span = self.span(pos, end)
        if is_type:
            return CompositeType(name, fields, attributes, None, span), end
        return Model(name, fields, attributes, None, span, is_view=keyword == "view"), end

    def enum_decl(self, pos: int) -> tuple[Enum, int] | None:
        header = self.block_header(pos, "enum")
        if header is None:
            return None
        name, p = header
        saved = len(self.errors)
        values: list[EnumValue] = []
        attributes: list[Attribute] = []
        pending: list[str | None] = [None]

        def item(p: int, c: str) -> int:
            src = self.src
            if c == "@":
                r = self.block_attribute_line(p)
                if r is not None:
                    attributes.append(r[0])
                    return r[1]
            elif c == "/":
                m = _comment_block(src, p)
                if m is not None:
                    pending[0] = _comment_text(m.group())
                    return m.end()
            elif c == "\n" or c == "\r":
                return _empty_lines(src, p).end()  # type: ignore[union-attr]
            else:
                r_val = self.enum_value(p, pending[0])
                if r_val is not None:
                    pending[0] = None
                    values.append(r_val[0])
                    return r_val[1]
            m = _catch_all(src, p)
            assert m is not None
            self.error(_ENUM_LINE, p, m.end())
            return m.end()

        end = self.block_items(p, item)
        if end is None:
            del self.errors[saved:]
            return None
        return Enum(name, values, attributes, None, self.span(pos, end)), end

    def config_block(self, pos: int, keyword: str) -> tuple[Top, int] | None:
        header = self.block_header(pos, keyword)
        if header is None:
            return None
        name, p = header
        saved = len(self.errors)
        properties: list[ConfigBlockProperty] = []
        doc: list[str | None] = [None]
        message = f"Error validating: This line is not a valid definition within a {keyword}."

        def item(p: int, c: str) -> int:
            src = self.src
            if c == "/":
                m = _comment_block(src, p)
                if m is not None:
                    doc[0] = _comment_text(m.group())
                    return m.end()
            elif c == "\n" or c == "\r":
                return _empty_lines(src, p).end()  # type: ignore[union-attr]
            else:
                r = self.key_value(p)
                if r is not None:
                    properties.append(r[0])
                    return r[1]
            m = _catch_all(src, p)
            assert m is not None
            self.error(message, p, m.end())
            return m.end()

        end = self.block_items(p, item)
        if end is None:
            del self.errors[saved:]
            return None
        span = self.span(pos, end)
        if keyword == "datasource":
            return SourceConfig(name, properties, doc[0], span), end
        return GeneratorConfig(name, properties, doc[0], span), end

    # ------------------------------------------------------------ block contents

    def line_end(self, pos: int) -> tuple[str | None, int] | None:
        """``trailing_comment? ~ NEWLINE`` at ``pos`` (whitespace already skipped).

        Returns (documentation of a trailing ``///`` comment, position after the newline)."""
        src = self.src
        doc = None
        if src.startswith("//", pos):
            m = _trailing_comment(src, pos)
            assert m is not None
            text = m.group()
            if text.startswith("///"):
                doc = text[3:].lstrip()
            pos = self.ws(m.end())
        m_nl = _newline(src, pos)
        if m_nl is None:
            return None
        return doc, m_nl.end()

    def field_declaration(
        self, pos: int, container: str, container_name: str, doc: str | None
    ) -> tuple[Field | None, int] | None:
        """A field line. Returns (field or None when the line had a field error, end) or None."""
        src = self.src
        m = _ident(src, pos)
        if m is None:
            return None
        saved = len(self.errors)
        name = Identifier(m.group(), self.span(pos, m.end()))
        p = self.ws(m.end())
        colon = None
        if self.at(p) == ":":
            colon = p
            p = self.ws(p + 1)
        ftype: _TypeResult | None = None
        r_type = self.field_type(p)
        if r_type is not None:
            ftype, p = r_type
            p = self.ws(p)
        attributes: list[Attribute] = []
        while self.at(p) == "@":
            attr = self.attribute(p, block=False)
            if attr is None:
                break
            attributes.append(attr)
            p = self.ws(attr.span.end)
        r_end = self.line_end(p)
        if r_end is None:
            del self.errors[saved:]
            return None
        trailing_doc, end = r_end
        if colon is not None:
            del self.errors[saved:]
            self.error(_LEGACY_COLON, colon, colon + 1)
            return None, end
        if ftype is not None and isinstance(ftype[0], str):
            message, span = ftype
            del self.errors[saved:]
            self.errors.append(Diagnostic("error", message, span))
            return None, end
        if ftype is None:
            self.error(f'Error validating {container} "{container_name}": {_MISSING_TYPE}', pos, end)
            return None, end
        arity, field_type = ftype
        documentation = _join_docs(doc, trailing_doc)
        return Field(name, field_type, arity, attributes, documentation, self.span(pos, end)), end  # type: ignore[arg-type]

    def field_type(self, pos: int) -> tuple[_TypeResult, int] | None:
        src = self.src
        if self.at(pos) == "[":
            r = self.base_type(self.ws(pos + 1))
            if r is None:
                return None
            p = self.ws(r[1])
            if self.at(p) != "]":
                return None
            return (_LEGACY_LIST, self.span(pos, p + 1)), p + 1
        r = self.base_type(pos)
        if r is None:
            return None
        base, end = r
        p = self.ws(end)
        if src.startswith("[]", p):
            q = self.ws(p + 2)
            if self.at(q) == "?":
                return (_OPTIONAL_LIST, self.span(pos, q + 1)), q + 1
            return (FieldArity.LIST, base), p + 2
        c = self.at(p)
        if c == "?":
            return (FieldArity.OPTIONAL, base), p + 1
        if c == "!":
            return (_LEGACY_REQUIRED, self.span(pos, p + 1)), p + 1
        return (FieldArity.REQUIRED, base), end

    def base_type(self, pos: int) -> tuple[FieldType, int] | None:
        src = self.src
        if src.startswith("Unsupported(", pos):
            saved = len(self.errors)
            p = self.ws(pos + 12)
            lit = self.string_literal(p)
            if lit is not None:
                q = self.ws(lit.span.end)
                if self.at(q) == ")":
                    return UnsupportedFieldType(lit.value, lit.span), q + 1
            del self.errors[saved:]
        m = _ident(src, pos)
        if m is None:
            return None
        return SupportedFieldType(m.group(), self.span(pos, m.end())), m.end()

    def enum_value(self, pos: int, doc: str | None) -> tuple[EnumValue, int] | None:
        m = _ident(self.src, pos)
        if m is None:
            return None
        saved = len(self.errors)
        name = Identifier(m.group(), self.span(pos, m.end()))
        p = self.ws(m.end())
        attributes: list[Attribute] = []
        while self.at(p) == "@":
            attr = self.attribute(p, block=False)
            if attr is None:
                break
            attributes.append(attr)
            p = self.ws(attr.span.end)
        r_end = self.line_end(p)
        if r_end is None:
            del self.errors[saved:]
            return None
        trailing_doc, end = r_end
        return EnumValue(name, attributes, _join_docs(doc, trailing_doc), self.span(pos, end)), end

    def key_value(self, pos: int) -> tuple[ConfigBlockProperty, int] | None:
        m = _ident(self.src, pos)
        if m is None:
            return None
        saved = len(self.errors)
        name = Identifier(m.group(), self.span(pos, m.end()))
        p = self.ws(m.end())
        if self.at(p) != "=":
            return None
        p = self.ws(p + 1)
        value = self.expression(p)
        if value is not None:
            p = self.ws(value.span.end)
        r_end = self.line_end(p)
        if r_end is None:
            del self.errors[saved:]
            return None
        end = r_end[1]
        return ConfigBlockProperty(name, value, self.span(pos, end)), end

    def block_attribute_line(self, pos: int) -> tuple[Attribute, int] | None:
        """``block_attribute ~ NEWLINE``; returns the attribute and the position after the newline."""
        saved = len(self.errors)
        attr = self.attribute(pos, block=True)
        if attr is not None:
            m = _newline(self.src, self.ws(attr.span.end))
            if m is not None:
                return attr, m.end()
        del self.errors[saved:]
        return None

    # ------------------------------------------------------------ attributes and arguments

    def attribute(self, pos: int, block: bool) -> Attribute | None:
        """``"@" ~ path ~ arguments_list?`` (block: ``"@@" ... ~ trailing_comment?``).

        As in pest, the span keeps the whitespace skipped before an absent optional part."""
        src = self.src
        marker = "@@" if block else "@"
        if not src.startswith(marker, pos):
            return None
        p = self.ws(pos + len(marker))
        m = _path(src, p)
        if m is None:
            return None
        name = Identifier(m.group(), self.span(p, m.end()))
        end = self.ws(m.end())
        arguments = ArgumentsList()
        if self.at(end) == "(":
            saved = len(self.errors)
            args_end = self.arguments_list(end, arguments)
            if args_end is None:
                del self.errors[saved:]
                arguments = ArgumentsList()
            else:
                end = args_end
                if block:
                    end = self.ws(end)
        if block and src.startswith("//", end):
            end = _trailing_comment(src, end).end()  # type: ignore[union-attr]
        return Attribute(name, arguments, self.span(pos, end))

    def arguments_list(self, pos: int, out: ArgumentsList) -> int | None:
        """``"(" ~ (argument ~ ("," ~ argument)*)? ~ trailing_comma? ~ ")"``; fills ``out``."""
        p = self.ws(pos + 1)
        end = self.argument(p, out)
        if end is not None:
            p = end
            while True:
                q = self.ws(p)
                if self.at(q) != ",":
                    break
                end = self.argument(self.ws(q + 1), out)
                if end is None:
                    break
                p = end
        p = self.ws(p)
        if self.at(p) == ",":
            out.trailing_comma = self.span(p, p + 1)
            p = self.ws(p + 1)
        if self.at(p) != ")":
            return None
        return p + 1

    def argument(self, pos: int, out: ArgumentsList) -> int | None:
        """``named_argument | empty_argument | expression``; appends to ``out``."""
        m = _ident(self.src, pos)
        if m is not None:
            p = self.ws(m.end())
            if self.at(p) == ":":
                name = Identifier(m.group(), self.span(pos, m.end()))
                saved = len(self.errors)
                value = self.expression(self.ws(p + 1))
                if value is not None:
                    out.arguments.append(Argument(name, value, self.span(pos, value.span.end)))
                    return value.span.end
                del self.errors[saved:]
                out.empty_arguments.append(EmptyArgument(name))
                return p + 1
        value = self.expression(pos)
        if value is None:
            return None
        out.arguments.append(Argument(None, value, value.span))
        return value.span.end

    # ------------------------------------------------------------ expressions

    def expression(self, pos: int) -> Expression | None:
        src = self.src
        c = self.at(pos)
        if c == '"':
            return self.string_literal(pos)
        if c == "[":
            return self.array(pos)
        m = _path(src, pos)
        if m is not None:
            p = self.ws(m.end())
            if self.at(p) == "(":
                saved = len(self.errors)
                arguments = ArgumentsList()
                end = self.arguments_list(p, arguments)
                if end is not None:
                    return FunctionCall(m.group(), arguments, self.span(pos, end))
                del self.errors[saved:]
        mn = _numeric(src, pos)
        if mn is not None:
            return NumericValue(mn.group(), self.span(pos, mn.end()))
        if m is not None:
            return ConstantValue(m.group(), self.span(pos, m.end()))
        return None

    def array(self, pos: int) -> ArrayExpression | None:
        saved = len(self.errors)
        elements: list[Expression] = []
        p = self.ws(pos + 1)
        first = self.expression(p)
        if first is not None:
            elements.append(first)
            p = first.span.end
            while True:
                q = self.ws(p)
                if self.at(q) != ",":
                    break
                e = self.expression(self.ws(q + 1))
                if e is None:
                    break
                elements.append(e)
                p = e.span.end
        p = self.ws(p)
        if self.at(p) != "]":
            del self.errors[saved:]
            return None
        return ArrayExpression(elements, self.span(pos, p + 1))

    def string_literal(self, pos: int) -> StringValue | None:
        m = _string(self.src, pos)
        if m is None:
            return None
        raw = m.group(1)
        value = self.unescape(raw, pos + 1) if "\\" in raw else raw
        return StringValue(value, self.span(pos, m.end()))

    def unescape(self, raw: str, offset: int) -> str:
        """JSON-style unescaping (RFC 8259 section 7) with Prisma's diagnostics."""
        out: list[str] = []
        i = 0
        n = len(raw)
        while i < n:
            c = raw[i]
            if c != "\\":
                out.append(c)
                i += 1
                continue
            e = raw[i + 1]
            if e in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[e])
                i += 2
            elif e == "u":
                consumed, char = self.unicode_escape(raw, i, offset)
                if char is not None:
                    out.append(char)
                i += max(consumed, 2)
            else:
                self.error(_UNKNOWN_ESCAPE, offset + i, offset + i + 2)
                i += 2
        return "".join(out)

    def unicode_escape(self, raw: str, i: int, offset: int) -> tuple[int, str | None]:
        """``\\uXXXX`` (or a UTF-16 surrogate pair) at ``raw[i]``: (characters consumed, char)."""
        rest_len = len(raw) - i

        def fail(consumed: int) -> None:
            start = offset + i
            self.error(_BAD_UNICODE_ESCAPE, start, start + min(rest_len, consumed))

        consumed, first = _codepoint(raw, i)
        if first is None:
            fail(max(consumed, 2))
            return consumed, None
        if not 0xD800 <= first <= 0xDFFF:
            return 6, chr(first)
        consumed2, second = _codepoint(raw, i + 6)
        if second is None:
            fail(consumed)
            return consumed, None
        if 0xD800 <= first <= 0xDBFF and 0xDC00 <= second <= 0xDFFF:
            return 12, chr(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        fail(consumed + consumed2)
        return 12, None


def _codepoint(raw: str, i: int) -> tuple[int, int | None]:
    """Four hex digits after ``\\u`` at ``raw[i]``: (characters consumed, code unit or None)."""
    if len(raw[i:].encode()) < 4 or not raw.startswith("\\u", i):
        return 0, None
    value = 0
    for k in range(4):
        j = i + 2 + k
        c = raw[j] if j < len(raw) else ""
        if not c or c not in "0123456789abcdefABCDEF":
            return 2 + k, None
        value = value * 16 + int(c, 16)
    return 6, value
