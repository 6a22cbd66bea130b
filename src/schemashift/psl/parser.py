"""Parser for Prisma's schema language, faithful to prisma-engines' pest grammar + schema-ast walk.

The grammar is a PEG whose implicit whitespace is spaces and tabs only (never newlines). Every
rule is reproduced here as a small method over a position in the source, with compiled regexes
taking whole tokens, so the accepted language, the error-recovery lines (the "catch-all" rules)
and the spans (including the whitespace pest keeps at the end of some rules) are Prisma's.
The diagnostics are those schema-ast emits while walking the parse tree; as this parser emits
them while parsing, every rule that can backtrack rolls back what it emitted (``del
self.errors[saved:]``).

Identifiers are ``(LETTER | ASCII_DIGIT) ~ ("_" | "-" | LETTER | ASCII_DIGIT)*`` where LETTER
is any Unicode letter (``str.isalpha``); the regexes take ASCII runs and a slow path continues
when a non-ASCII character follows.
"""

from __future__ import annotations

import functools
import gc
import re
from typing import Callable, Sequence

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
    ObjectExpression,
    ObjectMember,
    SchemaAst,
    SchemaFile,
    SourceConfig,
    StringValue,
    SupportedFieldType,
    Top,
    UnsupportedFieldType,
)
from schemashift.psl.lexing import ASCII_IDENT as _ASCII_IDENT
from schemashift.psl.lexing import NL as _NL
from schemashift.psl.lexing import WS as _WS
from schemashift.psl.lexing import ident_end as _ident_end
from schemashift.psl.lexing import path_end as _path_end

__all__ = ["parse_files", "parse_file"]

# pest's WHITESPACE: the Unicode space separators (category Zs) and tab.
_COMMENT = r"(?://[^\r\n]*|/\*[\s\S]*?\*/)"  # `//...`, `///...` or `/* ... */`

_skip_ws = re.compile(f"{_WS}*").match
_numeric = re.compile(r"-?[0-9]++(?:\.[0-9]+)?").match
_string = re.compile(r'"((?:\\[\s\S]|[^"\\\x00-\x1f])*+)"').match
_newline = re.compile(_NL).match
_block_open = re.compile(rf"\{{[^\r\n]*{_NL}").match
_catch_all = re.compile(rf"[^\r\n]+{_NL}?").match
_empty_lines = re.compile(rf"(?:{_WS}*{_NL})+").match
_comment_block = re.compile(rf"(?:{_WS}*{_COMMENT}{_NL}?)+").match
_trailing_comment = re.compile(_COMMENT).match
_comment_parts = re.compile(r"///([^\r\n]*)|//[^\r\n]*|/\*([\s\S]*?)\*/")
# The common head of a field line: name, type, optional `[]` or `?`, then whitespace.
_field_head = re.compile(
    rf"({_ASCII_IDENT}){_WS}*+({_ASCII_IDENT})(?:{_WS}*+(\[\]|\?))?{_WS}*+({_NL})?"
).match
# Fast paths for the most common argument lists and arrays (anything else takes the general
# rules): `()`, `("text")`, `(42)`, `(Constant)`, `(function())`, and `[a, b, c]`.
_LETTER_IDENT = r"[A-Za-z][A-Za-z0-9_-]*+"
_simple_arguments = re.compile(
    rf'\({_WS}*+(?:"([^"\\\x00-\x1f]*+)"|(-?[0-9]++(?:\.[0-9]+)?)|({_LETTER_IDENT})({_WS}*+\({_WS}*+\))?)?{_WS}*+\)'
).match
_simple_array = re.compile(
    rf"\[{_WS}*+(?:{_LETTER_IDENT}(?:{_WS}*+,{_WS}*+{_LETTER_IDENT})*+)?{_WS}*+\]"
).match
_letter_ident = re.compile(_LETTER_IDENT)
# `name:` (a named argument's name, the colon and the whitespace after it)
_named_head = re.compile(rf"({_ASCII_IDENT}){_WS}*+:{_WS}*+").match
# `@name` / `@@name` with an ASCII path, and the whitespace after it.
_attribute_head = re.compile(rf"@@?{_WS}*+({_ASCII_IDENT}(?:\.(?:{_ASCII_IDENT})?)*+){_WS}*+").match

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
_COMPOSITE_BLOCK_ATTRIBUTE_OTHER = "A composite type cannot have block-level attributes."
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX = frozenset("0123456789abcdefABCDEF")
#: ``Span(a, b, fid)`` without the named tuple's Python-level ``__new__``: half the cost, and the
#: parser builds one span per node (68,000 for 1,000 models)
_span = functools.partial(tuple.__new__, Span)
_ARITY = {"[]": FieldArity.LIST, "?": FieldArity.OPTIONAL, None: FieldArity.REQUIRED}

# A field's type as parsed: (arity, type), or a legacy-syntax error (message, span).
_TypeResult = tuple[FieldArity, FieldType] | tuple[str, Span]


def parse_files(files: Sequence[tuple[str, str]]) -> tuple[SchemaAst, Diagnostics]:
    """Parse every (path, source) file; the ``file_id`` of each span is the file's index."""
    diagnostics = Diagnostics()
    # The AST holds no reference cycles; cyclic GC passes over the many fresh nodes would
    # cost about a third of the parse time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        parsed = [parse_file(source, path, file_id, diagnostics) for file_id, (path, source) in enumerate(files)]
    finally:
        if gc_was_enabled:
            gc.enable()
    return SchemaAst(parsed), diagnostics


def parse_file(source: str, path: str, file_id: int, diagnostics: Diagnostics) -> SchemaFile:
    parser = _Parser(source, file_id)
    tops = parser.schema()
    diagnostics.errors.extend(parser.errors)
    return SchemaFile(path=path, source=source, tops=tops, file_id=file_id)


def _comment_text(text: str) -> str | None:
    """Documentation carried by comments: ``///`` lines (left-trimmed) and ``/* */`` bodies
    (trimmed), joined with newlines; plain ``//`` comments carry none."""
    lines = []
    for m in _comment_parts.finditer(text):
        doc, block = m.group(1), m.group(2)
        if doc is not None:
            lines.append(doc.lstrip())
        elif block is not None:
            lines.append(block.strip())
    return "\n".join(lines) if lines else None


def _join_docs(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a if b is None else b
    return f"{a}\n{b}"


class _Parser:
    __slots__ = ("src", "s", "n", "fid", "errors")

    def __init__(self, src: str, file_id: int) -> None:
        self.src = src  # regexes run on this
        self.s = src + "\0"  # single-character look-ups may read one past the end
        self.n = len(src)
        self.fid = file_id
        self.errors: list[Diagnostic] = []

    def error(self, message: str, start: int, end: int) -> None:
        self.errors.append(Diagnostic("error", message, _span((start, end, self.fid))))

    def ws(self, pos: int) -> int:
        return _skip_ws(self.src, pos).end()  # type: ignore[union-attr]

    def ident(self, pos: int) -> Identifier | None:
        end = _ident_end(self.src, pos)
        if end < 0:
            return None
        return Identifier(self.src[pos:end], _span((pos, end, self.fid)))

    # ------------------------------------------------------------ top level

    def schema(self) -> list[Top]:
        tops: list[Top] = []
        pending_doc: str | None = None  # schema-ast's `pending_block_comment`
        previous_comment: str | None = None
        pos = self.ws(0)
        while pos < self.n:
            top, end, kind = self.top_level_item(pos)
            # A comment block directly before a model, enum or config block (no empty line in
            # between) becomes the pending documentation; only models and enums consume it.
            if previous_comment is not None and kind in ("block", "config"):
                pending_doc = _comment_text(previous_comment)
            previous_comment = None
            if kind == "comment":
                previous_comment = self.src[pos:end]
            elif top is not None:
                if kind == "block":
                    top.documentation = pending_doc
                    pending_doc = None
                tops.append(top)
            pos = self.ws(end)
        return tops

    def top_level_item(self, pos: int) -> tuple[Top | None, int, str]:
        """One repetition of the ``schema`` rule: (node, end, kind)."""
        src = self.src
        c = src[pos]
        if c == "m" or c == "t" or c == "v":
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
        elif c == "d" or c == "g":
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
        assert m is not None  # not at a newline: empty_lines would have matched
        self.error(_TOP_LEVEL_INVALID, pos, m.end())
        return None, m.end(), "catch_all"

    def block_header(self, pos: int, keyword: str) -> tuple[Identifier, int] | None:
        """``KEYWORD ~ identifier ~ BLOCK_OPEN``: the name and the position after ``{...\\n``."""
        name = self.ident(self.ws(pos + len(keyword)))
        if name is None:
            return None
        mo = _block_open(self.src, self.ws(name.span.end))
        if mo is None:
            return None
        return name, mo.end()

    def arbitrary_block(self, pos: int) -> int | None:
        end = _ident_end(self.src, pos)
        if end < 0:
            return None
        mo = _block_open(self.src, self.ws(end))
        if mo is None:
            return None
        close = self.src.find("}", mo.end())
        return None if close < 0 else close + 1

    def type_alias(self, pos: int) -> int | None:
        """``type X = Base @attr...``; returns its end (pest keeps trailing whitespace)."""
        name = self.ident(self.ws(pos + 4))
        if name is None:
            return None
        p = self.ws(name.span.end)
        if self.s[p] != "=":
            return None
        saved = len(self.errors)
        r = self.base_type(self.ws(p + 1))
        if r is None:
            return None
        end = p = self.ws(r[1])
        while self.s[p] == "@":
            attr = self.attribute(p, block=False)
            if attr is None:
                break
            end = attr.span.end
            p = self.ws(end)
        del self.errors[saved:]
        return end

    # ------------------------------------------------------------ blocks

    def block_items(self, pos: int, item: Callable[[int, str], int]) -> int | None:
        """Run ``item(pos, first_char) -> end`` until ``}``; the end after ``}``, None at EOF."""
        s = self.s
        n = self.n
        while True:
            pos = _skip_ws(s, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                return None
            c = s[pos]
            if c == "}":
                return pos + 1
            pos = item(pos, c)

    def comment_or_empty(self, pos: int, c: str) -> tuple[str | None, int] | None:
        """``comment_block`` or ``empty_lines`` at ``pos``: (comment text or None, end)."""
        if c == "\n" or c == "\r":
            return None, _empty_lines(self.src, pos).end()  # type: ignore[union-attr]
        if c == "/":
            m = _comment_block(self.src, pos)
            if m is not None:
                return m.group(), m.end()
        return None

    def catch_all(self, pos: int, message: str) -> int:
        m = _catch_all(self.src, pos)
        assert m is not None  # at a character that is neither a newline nor `}`
        self.error(message, pos, m.end())
        return m.end()

    def model_like(self, pos: int, keyword: str) -> tuple[Top, int] | None:
        header = self.block_header(pos, keyword)
        if header is None:
            return None
        name, p = header
        saved = len(self.errors)
        fields: list[Field] = []
        attributes: list[Attribute] = []
        pending: list[str | None] = [None]
        is_type = keyword == "type"

        def item(p: int, c: str) -> int:
            if c == "@":
                r = self.block_attribute_line(p)
                if r is not None:
                    attr, end = r
                    if is_type:
                        msg = _COMPOSITE_BLOCK_ATTRIBUTE.get(attr.name.name, _COMPOSITE_BLOCK_ATTRIBUTE_OTHER)
                        self.errors.append(Diagnostic("error", "Error validating: " + msg, attr.span))
                    attributes.append(attr)
                    return end
            else:
                r_comment = self.comment_or_empty(p, c)
                if r_comment is not None:
                    if r_comment[0] is not None:
                        pending[0] = r_comment[0]
                    return r_comment[1]
                r_field = self.field_declaration(p, keyword, name.name, pending)
                if r_field is not None:
                    fld, end = r_field
                    if fld is not None:
                        if is_type:
                            self.check_composite_field(fld)
                        fields.append(fld)
                    return end
            return self.catch_all(p, _MODEL_LINE)

        end = self.block_items(p, item)
        if end is None:
            del self.errors[saved:]
            return None
        span = _span((pos, end, self.fid))
        if is_type:
            return CompositeType(name, fields, attributes, None, span), end
        return Model(name, fields, attributes, None, span, is_view=keyword == "view"), end

    def check_composite_field(self, fld: Field) -> None:
        for a in fld.attributes:
            if a.name.name in ("relation", "unique", "id"):
                self.errors.append(
                    Diagnostic(
                        "error",
                        f"Error validating: Defining `@{a.name.name}` attribute for a field in a composite type "
                        "is not allowed.",
                        fld.span,
                    )
                )

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
            if c == "@":
                r = self.block_attribute_line(p)
                if r is not None:
                    attributes.append(r[0])
                    return r[1]
            else:
                r_comment = self.comment_or_empty(p, c)
                if r_comment is not None:
                    if r_comment[0] is not None:
                        pending[0] = r_comment[0]
                    return r_comment[1]
                r_val = self.enum_value(p, pending)
                if r_val is not None:
                    values.append(r_val[0])
                    return r_val[1]
            return self.catch_all(p, _ENUM_LINE)

        end = self.block_items(p, item)
        if end is None:
            del self.errors[saved:]
            return None
        return Enum(name, values, attributes, None, _span((pos, end, self.fid))), end

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
            r_comment = self.comment_or_empty(p, c)
            if r_comment is not None:
                if r_comment[0] is not None:
                    doc[0] = _comment_text(r_comment[0])
                return r_comment[1]
            r = self.key_value(p)
            if r is not None:
                properties.append(r[0])
                return r[1]
            return self.catch_all(p, message)

        end = self.block_items(p, item)
        if end is None:
            del self.errors[saved:]
            return None
        span = _span((pos, end, self.fid))
        if keyword == "datasource":
            return SourceConfig(name, properties, doc[0], span), end
        return GeneratorConfig(name, properties, doc[0], span), end

    # ------------------------------------------------------------ block contents

    def line_end(self, pos: int) -> tuple[str | None, int] | None:
        """``trailing_comment? ~ NEWLINE`` at ``pos`` (whitespace already skipped):
        (documentation of the trailing comment, position after the newline), or None."""
        src = self.src
        doc = None
        if self.s[pos] == "/":
            m = _trailing_comment(src, pos)
            if m is not None:
                doc = _comment_text(m.group())
                pos = self.ws(m.end())
        m_nl = _newline(src, pos)
        if m_nl is None:
            return None
        return doc, m_nl.end()

    def field_declaration(
        self, pos: int, container: str, container_name: str, pending: list[str | None]
    ) -> tuple[Field | None, int] | None:
        """``identifier ~ LEGACY_COLON? ~ field_type? ~ field_attribute* ~ trailing_comment? ~
        NEWLINE``: (the field, or None when the line holds a field error; end), or None.
        ``pending`` holds the documentation of the preceding comment block; a field takes it."""
        src, s, fid = self.src, self.s, self.fid
        saved = len(self.errors)
        colon = None
        ftype: _TypeResult | None
        head = _field_head(src, pos)
        if head is not None and (head.group(4) is not None or s[head.end()] in "@/"):
            # fast path for `name Type`, `name Type[]`, `name Type?`
            name = Identifier(head.group(1), _span((pos, head.end(1), fid)))
            ftype = (_ARITY[head.group(3)], SupportedFieldType(head.group(2), _span((head.start(2), head.end(2), fid))))
            if head.group(4) is not None:  # ... and nothing else on the line
                doc = pending[0]
                pending[0] = None
                end = head.end()
                documentation = _comment_text(doc) if doc else None
                return Field(name, ftype[1], ftype[0], [], documentation, _span((pos, end, fid))), end
            p = head.end()
        else:
            ident = self.ident(pos)
            if ident is None:
                return None
            name = ident
            p = self.ws(ident.span.end)
            if s[p] == ":":
                colon = p
                p = self.ws(p + 1)
            ftype = None
            r_type = self.field_type(p)
            if r_type is not None:
                ftype, p = r_type
                p = self.ws(p)
        attributes: list[Attribute] = []
        while s[p] == "@":
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
        doc = pending[0]
        pending[0] = None
        if colon is not None:
            del self.errors[saved:]
            self.error(_LEGACY_COLON, colon, colon + 1)
            return None, end
        if ftype is None:
            self.error(f'Error validating {container} "{container_name}": {_MISSING_TYPE}', pos, end)
            return None, end
        arity, field_type = ftype
        if isinstance(arity, str):
            del self.errors[saved:]
            self.errors.append(Diagnostic("error", arity, field_type))  # type: ignore[arg-type]
            return None, end
        documentation = _join_docs(_comment_text(doc) if doc else None, trailing_doc)
        return Field(name, field_type, arity, attributes, documentation, _span((pos, end, fid))), end  # type: ignore[arg-type]

    def field_type(self, pos: int) -> tuple[_TypeResult, int] | None:
        """``unsupported_optional_list_type | list_type | optional_type | legacy_required_type |
        legacy_list_type | base_type``."""
        s, fid = self.s, self.fid
        if s[pos] == "[":
            r = self.base_type(self.ws(pos + 1))
            if r is None:
                return None
            p = self.ws(r[1])
            if s[p] != "]":
                return None
            return (_LEGACY_LIST, _span((pos, p + 1, fid))), p + 1
        r = self.base_type(pos)
        if r is None:
            return None
        base, end = r
        p = self.ws(end)
        c = s[p]
        if c == "[" and s[p + 1] == "]":
            q = self.ws(p + 2)
            if s[q] == "?":
                return (_OPTIONAL_LIST, _span((pos, q + 1, fid))), q + 1
            return (FieldArity.LIST, base), p + 2
        if c == "?":
            return (FieldArity.OPTIONAL, base), p + 1
        if c == "!":
            return (_LEGACY_REQUIRED, _span((pos, p + 1, fid))), p + 1
        return (FieldArity.REQUIRED, base), end

    def base_type(self, pos: int) -> tuple[FieldType, int] | None:
        """``unsupported_type | identifier``."""
        if self.src.startswith("Unsupported(", pos):
            saved = len(self.errors)
            lit = self.string_literal(self.ws(pos + 12))
            if lit is not None:
                q = self.ws(lit.span.end)
                if self.s[q] == ")":
                    return UnsupportedFieldType(lit.value, lit.span), q + 1
            del self.errors[saved:]
        ident = self.ident(pos)
        if ident is None:
            return None
        return SupportedFieldType(ident.name, ident.span), ident.span.end

    def enum_value(self, pos: int, pending: list[str | None]) -> tuple[EnumValue, int] | None:
        """``identifier ~ field_attribute* ~ trailing_comment? ~ NEWLINE``."""
        name = self.ident(pos)
        if name is None:
            return None
        saved = len(self.errors)
        p = self.ws(name.span.end)
        attributes: list[Attribute] = []
        while self.s[p] == "@":
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
        doc = pending[0]
        pending[0] = None
        documentation = _join_docs(_comment_text(doc) if doc else None, trailing_doc)
        return EnumValue(name, attributes, documentation, _span((pos, end, self.fid))), end

    def key_value(self, pos: int) -> tuple[ConfigBlockProperty, int] | None:
        """``identifier ~ "=" ~ expression? ~ trailing_comment? ~ NEWLINE``."""
        name = self.ident(pos)
        if name is None:
            return None
        p = self.ws(name.span.end)
        if self.s[p] != "=":
            return None
        saved = len(self.errors)
        p = self.ws(p + 1)
        value = self.expression(p)
        if value is not None:
            p = self.ws(value.span.end)
        r_end = self.line_end(p)
        if r_end is None:
            del self.errors[saved:]
            return None
        end = r_end[1]
        return ConfigBlockProperty(name, value, _span((pos, end, self.fid))), end

    def block_attribute_line(self, pos: int) -> tuple[Attribute, int] | None:
        """``block_attribute ~ NEWLINE``: the attribute and the position after the newline."""
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
        """``"@" ~ path ~ arguments_list?``, or ``"@@" ~ path ~ arguments_list? ~
        trailing_comment?``. Like pest, the span keeps the whitespace skipped before an absent
        optional part."""
        src, s, fid = self.src, self.s, self.fid
        if block and s[pos + 1] != "@":
            return None
        head = _attribute_head(src, pos)
        if head is not None and s[head.end(1)] < "\x80" and (block or s[pos + 1] != "@"):
            path_start, path_end = head.span(1)
            end = head.end()
        else:
            path_start = self.ws(pos + 2 if block else pos + 1)
            path_end = _path_end(src, path_start)
            if path_end < 0:
                return None
            end = self.ws(path_end)
        name = Identifier(src[path_start:path_end], _span((path_start, path_end, fid)))
        arguments = ArgumentsList()
        if s[end] == "(":
            saved = len(self.errors)
            args_end = self.arguments_list(end, arguments)
            if args_end is None:
                del self.errors[saved:]
                arguments = ArgumentsList()
            else:
                end = self.ws(args_end) if block else args_end
        if block and s[end] == "/":
            m = _trailing_comment(src, end)
            if m is not None:
                end = m.end()
        return Attribute(name, arguments, _span((pos, end, fid)))

    def arguments_list(self, pos: int, out: ArgumentsList) -> int | None:
        """``"(" ~ (argument ~ ("," ~ argument)*)? ~ trailing_comma? ~ ")"``; fills ``out``."""
        simple = _simple_arguments(self.src, pos)
        if simple is not None:
            self.simple_arguments(simple, out)
            return simple.end()
        s = self.s
        p = self.ws(pos + 1)
        end = self.argument(p, out)
        if end is not None:
            p = end
            while True:
                q = self.ws(p)
                if s[q] != ",":
                    break
                end = self.argument(self.ws(q + 1), out)
                if end is None:
                    break
                p = end
        p = self.ws(p)
        if s[p] == ",":
            out.trailing_comma = _span((p, p + 1, self.fid))
            p = self.ws(p + 1)
        if s[p] != ")":
            return None
        return p + 1

    def simple_arguments(self, m: re.Match[str], out: ArgumentsList) -> None:
        """Fill ``out`` from a match of ``_simple_arguments``."""
        fid = self.fid
        value: Expression
        if m.start(1) >= 0:
            value = StringValue(m.group(1), _span((m.start(1) - 1, m.end(1) + 1, fid)))
        elif m.start(2) >= 0:
            value = NumericValue(m.group(2), _span((m.start(2), m.end(2), fid)))
        elif m.start(4) >= 0:
            value = FunctionCall(m.group(3), ArgumentsList(), _span((m.start(3), m.end(4), fid)))
        elif m.start(3) >= 0:
            value = ConstantValue(m.group(3), _span((m.start(3), m.end(3), fid)))
        else:
            return
        out.arguments.append(Argument(None, value, value.span))

    def argument(self, pos: int, out: ArgumentsList) -> int | None:
        """``named_argument | empty_argument | expression``; appends to ``out``."""
        src, fid = self.src, self.fid
        head = _named_head(src, pos)
        if head is not None:
            name_end, value_start = head.end(1), head.end()
        else:
            name_end = _ident_end(src, pos)
            value_start = -1
            if name_end >= 0:
                p = self.ws(name_end)
                if self.s[p] == ":":
                    value_start = self.ws(p + 1)
        if value_start >= 0:
            name = Identifier(src[pos:name_end], _span((pos, name_end, fid)))
            saved = len(self.errors)
            value = self.expression(value_start)
            if value is not None:
                out.arguments.append(Argument(name, value, _span((pos, value.span.end, fid))))
                return value.span.end
            del self.errors[saved:]
            out.empty_arguments.append(EmptyArgument(name))
            return src.index(":", name_end) + 1
        value = self.expression(pos)
        if value is None:
            return None
        out.arguments.append(Argument(None, value, value.span))
        return value.span.end

    # ------------------------------------------------------------ expressions

    def expression(self, pos: int) -> Expression | None:
        """``function_call | array_expression | object_expression | numeric_literal | string_literal | path``."""
        src, s, fid = self.src, self.s, self.fid
        c = s[pos]
        if c == '"':
            return self.string_literal(pos)
        if c == "{":
            return self.object(pos)
        if c == "[":
            simple = _simple_array(src, pos)
            if simple is None:
                return self.array(pos)
            elements: list[Expression] = [
                ConstantValue(e.group(), _span((e.start(), e.end(), fid)))
                for e in _letter_ident.finditer(src, pos, simple.end())
            ]
            return ArrayExpression(elements, _span((pos, simple.end(), fid)))
        path_end = _path_end(src, pos)
        if path_end >= 0:
            p = self.ws(path_end)
            if s[p] == "(":
                saved = len(self.errors)
                arguments = ArgumentsList()
                end = self.arguments_list(p, arguments)
                if end is not None:
                    return FunctionCall(src[pos:path_end], arguments, _span((pos, end, fid)))
                del self.errors[saved:]
        mn = _numeric(src, pos)
        if mn is not None:
            return NumericValue(mn.group(), _span((pos, mn.end(), fid)))
        if path_end >= 0:
            return ConstantValue(src[pos:path_end], _span((pos, path_end, fid)))
        return None

    def array(self, pos: int) -> ArrayExpression | None:
        """``"[" ~ (expression ~ ("," ~ expression)*)? ~ "]"``."""
        s = self.s
        saved = len(self.errors)
        elements: list[Expression] = []
        p = self.ws(pos + 1)
        first = self.expression(p)
        if first is not None:
            elements.append(first)
            p = first.span.end
            while True:
                q = self.ws(p)
                if s[q] != ",":
                    break
                e = self.expression(self.ws(q + 1))
                if e is None:
                    break
                elements.append(e)
                p = e.span.end
        p = self.ws(p)
        if s[p] != "]":
            del self.errors[saved:]
            return None
        return ArrayExpression(elements, _span((pos, p + 1, self.fid)))

    def object(self, pos: int) -> ObjectExpression | None:
        """``"{" ~ (identifier ~ ":" ~ expression ~ ("," ~ identifier ~ ":" ~ expression)*)? ~ "}"``
        (Prisma 7: the object form of a partial index's ``where:``; no trailing comma)."""
        s, fid = self.s, self.fid
        saved = len(self.errors)
        members: list[ObjectMember] = []
        p = self.ws(pos + 1)
        expect_member = s[p] != "}"
        while expect_member:
            key = self.ident(p)
            q = self.ws(key.span.end) if key is not None else p
            value = self.expression(self.ws(q + 1)) if key is not None and s[q] == ":" else None
            if key is None or value is None:
                del self.errors[saved:]
                return None
            members.append(ObjectMember(key, value, _span((p, value.span.end, fid))))
            p = self.ws(value.span.end)
            expect_member = s[p] == ","
            if expect_member:
                p = self.ws(p + 1)
        if s[p] != "}":
            del self.errors[saved:]
            return None
        return ObjectExpression(members, _span((pos, p + 1, fid)))

    def string_literal(self, pos: int) -> StringValue | None:
        m = _string(self.src, pos)
        if m is None:
            return None
        raw = m.group(1)
        value = self.unescape(raw, pos + 1) if "\\" in raw else raw
        return StringValue(value, _span((pos, m.end(), self.fid)))

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
            e = raw[i + 1]  # the string regex guarantees a character after a backslash
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
        rest = len(raw) - i

        def fail(consumed: int) -> None:
            self.error(_BAD_UNICODE_ESCAPE, offset + i, offset + i + min(rest, consumed))

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
    if len(raw[i : i + 4].encode()) < 4 or not raw.startswith("\\u", i):
        return 0, None
    value = 0
    for k in range(4):
        j = i + 2 + k
        c = raw[j] if j < len(raw) else ""
        if c not in _HEX or not c:
            return 2 + k, None
        value = value * 16 + int(c, 16)
    return 6, value
