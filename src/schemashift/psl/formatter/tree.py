"""A lossless parse of a PSL file for the formatter (prisma-engines' pest grammar, by hand).

Prisma's reformatter walks the pest parse tree, not the AST: comments, invalid lines and the exact
text of literals must survive. This module parses the same language as ``datamodel.pest`` (PEG:
ordered choice, greedy repetition, implicit whitespace = spaces and tabs only, never newlines) into
small layout nodes. Every construct keeps the text the reformatter writes for it: attributes and
expressions are already canonicalised (``", "`` between arguments, no trailing commas), comments keep
their content verbatim.

Offsets are Python ``str`` indices into the parsed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemashift.psl.lexing import ASCII_IDENT as _ASCII_IDENT
from schemashift.psl.lexing import NL as _NL
from schemashift.psl.lexing import WS as _WS
from schemashift.psl.lexing import ident_end as _ident_end
from schemashift.psl.lexing import path_end as _path_end


_skip = re.compile(f"{_WS}*+").match
_numeric = re.compile(r"-?[0-9]++(?:\.[0-9]+)?").match
_string = re.compile(r'"(?:\\[\s\S]|[^"\\\x00-\x1f])*+"').match
_newline = re.compile(_NL).match
_block_open = re.compile(rf"\{{[^\r\n]*{_NL}").match
_catch_all = re.compile(rf"[^\r\n]+{_NL}?").match
_empty_lines = re.compile(rf"(?:{_WS}*{_NL})+").match
# One comment of a comment block: leading whitespace, then `///`, `//` or `/* */` (whose text,
# as in Prisma's grammar, includes that leading whitespace).
_comment = re.compile(rf"({_WS}*+)(?:(///)([^\r\n]*)|//([^\r\n]*)|(/\*[\s\S]*?\*/))").match
_trailing = re.compile(r"//[^\r\n]*|/\*[\s\S]*?\*/").match
# The common shape of a field line (ASCII name and type, optional `[]`/`?`, whitespace).
_field_fast = re.compile(
    rf"({_ASCII_IDENT}){_WS}*+({_ASCII_IDENT})(?!\()(?:{_WS}*+(\[\]|\?))?{_WS}*+(?![?!\[\]])"
).match

# A whole field line already in canonical form (ASCII names, arguments written the way the
# formatter writes them: ", " separators, no stray spaces, no trailing comma). Its attributes'
# text is then their canonical text; anything else goes through the general rules.
_PATH = rf"{_ASCII_IDENT}(?:\.(?:{_ASCII_IDENT})?)*+"
_VALUE_PATH = r"[A-Za-z][A-Za-z0-9_-]*+(?:\.[A-Za-z][A-Za-z0-9_-]*+)*+"
_ATOM = rf'(?:"(?:\\[\s\S]|[^"\\\x00-\x1f])*+"|-?[0-9]++(?:\.[0-9]++)?|{_VALUE_PATH}(?:\(\))?)'
_VALUE = (
    rf"(?:\[(?:{_ATOM}(?:, {_ATOM})*+)?\]|{_VALUE_PATH}\((?:{_ATOM}(?:, {_ATOM})*+)?\)|{_ATOM})"
)
_ARGS = rf"\((?:(?:[A-Za-z][A-Za-z0-9_-]*+: )?{_VALUE}(?:, (?:[A-Za-z][A-Za-z0-9_-]*+: )?{_VALUE})*+)?\)"
_canonical_attribute = re.compile(rf"@({_PATH})(?:{_ARGS})?").finditer
_canonical_field = re.compile(
    rf"({_ASCII_IDENT}){_WS}++({_ASCII_IDENT})(\[\]|\?)?((?:{_WS}++@{_PATH}(?:{_ARGS})?)*+)"
    rf"{_WS}*+(//[^\r\n]*+)?{_NL}"
).match


@dataclass(slots=True)
class Comment:
    kind: str  # "//", "///" or "/*"
    text: str  # doc content after the slashes, or the whole `/* ... */` with its indentation


@dataclass(slots=True)
class CommentBlock:
    comments: list[Comment]


@dataclass(slots=True)
class EmptyLines:
    pass


@dataclass(slots=True)
class Raw:
    """Text written as it is: invalid lines, arbitrary blocks, type aliases."""

    text: str


@dataclass(slots=True)
class Expr:
    kind: str  # "str", "num", "path", "call", "array", "object"
    text: str  # canonical text
    name: str = ""  # path of a call, raw text otherwise
    args: "ArgList | None" = None  # arguments of a call
    items: "list[Expr] | None" = None  # elements of an array


@dataclass(slots=True)
class Arg:
    name: str | None
    value: Expr | None  # None for an empty argument (`name:`)


@dataclass(slots=True)
class ArgList:
    args: list[Arg]
    text: str


@dataclass(slots=True)
class Attribute:
    path: str
    args: ArgList | None
    start: int
    end: int
    text: str  # canonical, without the leading `@`/`@@`


@dataclass(slots=True)
class FieldType:
    base: str  # the identifier or `Unsupported("...")` as written
    arity: str  # "", "?", "[]", "[]?" (optional list), "!" (legacy required), "[]L" (legacy list)
    start: int  # span of the base type
    end: int

    @property
    def text(self) -> str:
        if self.arity == "[]L":
            return self.base + "[]"
        if self.arity == "!":
            return self.base
        return self.base + self.arity


@dataclass(slots=True)
class Field:
    name: str
    type: FieldType | None
    attributes: list[Attribute]
    trailing: str | None
    start: int
    end: int
    colon: bool = False


@dataclass(slots=True)
class KeyValue:
    name: str
    value: Expr | None
    trailing: str | None


@dataclass(slots=True)
class EnumValue:
    name: str
    attributes: list[Attribute]
    trailing: str | None


@dataclass(slots=True)
class BlockAttribute:
    attribute: Attribute
    trailing: str | None


Item = Field | KeyValue | EnumValue | BlockAttribute | CommentBlock | EmptyLines | Raw


@dataclass(slots=True)
class Block:
    keyword: str  # model, type, view, enum, datasource, generator
    name: str
    items: list[Item]
    start: int
    end: int  # after the closing brace


Top = Block | CommentBlock | EmptyLines | Raw


@dataclass(slots=True)
class ParsedFile:
    tops: list[Top]
    has_syntax_errors: bool = False  # lines Prisma reports as invalid (no relation completion then)
    blocks: list[Block] = field(default_factory=list)


class _Parser:
    __slots__ = ("src", "s", "n", "errors")

    def __init__(self, src: str) -> None:
        self.src = src
        self.s = src + "\0"
        self.n = len(src)
        self.errors = False

    def ws(self, pos: int) -> int:
        return _skip(self.src, pos).end()  # type: ignore[union-attr]

    # ------------------------------------------------------------ top level

    def schema(self) -> ParsedFile:
        tops: list[Top] = []
        blocks: list[Block] = []
        pos = self.ws(0)
        while pos < self.n:
            top, pos = self.top_item(pos)
            if isinstance(top, Block):
                blocks.append(top)
            tops.append(top)
            pos = self.ws(pos)
        return ParsedFile(tops, self.errors, blocks)

    def top_item(self, pos: int) -> tuple[Top, int]:
        src = self.src
        c = src[pos]
        r: tuple[Block, int] | None = None
        if c in "mtv":
            for kw in ("model", "type", "view"):
                if src.startswith(kw, pos):
                    r = self.block(pos, kw, self.model_item)
                    break
        elif c == "e" and src.startswith("enum", pos):
            r = self.block(pos, "enum", self.enum_item)
        elif c in "dg":
            for kw in ("datasource", "generator"):
                if src.startswith(kw, pos):
                    r = self.block(pos, kw, self.config_item)
                    break
        if r is not None:
            return r
        if c == "t" and src.startswith("type", pos):
            end = self.type_alias(pos)
            if end >= 0:
                self.errors = True
                return Raw(src[pos:end]), end
        end = self.arbitrary_block(pos)
        if end >= 0:
            self.errors = True
            return Raw(src[pos:end]), end
        cb = self.comment_block(pos)
        if cb is not None:
            return cb
        m = _empty_lines(src, pos)
        if m is not None:
            return EmptyLines(), m.end()
        m = _catch_all(src, pos)
        assert m is not None
        self.errors = True
        return Raw(m.group()), m.end()

    def arbitrary_block(self, pos: int) -> int:
        end = _ident_end(self.src, pos)
        if end < 0:
            return -1
        mo = _block_open(self.src, self.ws(end))
        if mo is None:
            return -1
        close = self.src.find("}", mo.end())
        return -1 if close < 0 else close + 1

    def type_alias(self, pos: int) -> int:
        end = _ident_end(self.src, self.ws(pos + 4))
        if end < 0:
            return -1
        p = self.ws(end)
        if self.s[p] != "=":
            return -1
        r = self.base_type(self.ws(p + 1))
        if r is None:
            return -1
        end = p = self.ws(r[1])
        while self.s[p] == "@":
            attr = self.attribute(p, 1)
            if attr is None:
                break
            end = p = self.ws(attr.end)
        return end

    def comment_block(self, pos: int) -> tuple[CommentBlock, int] | None:
        src = self.src
        comments: list[Comment] = []
        while True:
            m = _comment(src, pos)
            if m is None:
                break
            if m.group(2) is not None:
                comments.append(Comment("///", m.group(3)))
            elif m.group(5) is not None:
                comments.append(Comment("/*", m.group(1) + m.group(5)))
            else:
                comments.append(Comment("//", m.group(4)))
            pos = m.end()
            nl = _newline(src, pos)
            if nl is not None:
                pos = nl.end()
        if not comments:
            return None
        return CommentBlock(comments), pos

    # ------------------------------------------------------------ blocks

    def block(self, pos: int, keyword: str, item_parser) -> tuple[Block, int] | None:  # type: ignore[no-untyped-def]
        src = self.src
        name_start = self.ws(pos + len(keyword))
        name_end = _ident_end(src, name_start)
        if name_end < 0:
            return None
        mo = _block_open(src, self.ws(name_end))
        if mo is None:
            return None
        saved_errors = self.errors
        items: list[Item] = []
        p = mo.end()
        s = self.s
        n = self.n
        while True:
            p = self.ws(p)
            if p >= n:
                self.errors = saved_errors
                return None
            c = s[p]
            if c == "}":
                block = Block(keyword, src[name_start:name_end], items, pos, p + 1)
                return block, p + 1
            r = item_parser(p, c)
            if r is None:
                r = self.common_item(p, c)
            items.append(r[0])
            p = r[1]

    def common_item(self, pos: int, c: str) -> tuple[Item, int]:
        if c == "/":
            cb = self.comment_block(pos)
            if cb is not None:
                return cb
        m = _empty_lines(self.src, pos)
        if m is not None:
            return EmptyLines(), m.end()
        m = _catch_all(self.src, pos)
        assert m is not None
        self.errors = True
        return Raw(m.group().rstrip("\n")), m.end()

    def block_attribute_line(self, pos: int) -> tuple[BlockAttribute, int] | None:
        attr = self.attribute(pos, 2)
        if attr is None:
            return None
        p = self.ws(attr.end)
        trailing, p = self.trailing(p)
        nl = _newline(self.src, p)
        if nl is None:
            return None
        return BlockAttribute(attr, trailing), nl.end()

    def trailing(self, pos: int) -> tuple[str | None, int]:
        m = _trailing(self.src, pos)
        if m is None:
            return None, pos
        return m.group(), self.ws(m.end())

    def model_item(self, pos: int, c: str) -> tuple[Item, int] | None:
        if c == "@":
            if self.s[pos + 1] == "@":
                return self.block_attribute_line(pos)
            return None
        return self.field(pos)

    def enum_item(self, pos: int, c: str) -> tuple[Item, int] | None:
        if c == "@":
            if self.s[pos + 1] == "@":
                return self.block_attribute_line(pos)
            return None
        end = _ident_end(self.src, pos)
        if end < 0:
            return None
        name = self.src[pos:end]
        p = self.ws(end)
        attrs, p = self.field_attributes(p)
        trailing, p = self.trailing(p)
        nl = _newline(self.src, p)
        if nl is None:
            return None
        return EnumValue(name, attrs, trailing), nl.end()

    def config_item(self, pos: int, c: str) -> tuple[Item, int] | None:
        src = self.src
        end = _ident_end(src, pos)
        if end < 0:
            return None
        p = self.ws(end)
        if self.s[p] != "=":
            return None
        p = self.ws(p + 1)
        value: Expr | None = None
        r = self.expression(p)
        if r is not None:
            value, p = r
            p = self.ws(p)
        trailing, p = self.trailing(p)
        nl = _newline(src, p)
        if nl is None:
            return None
        return KeyValue(src[pos:end], value, trailing), nl.end()

    # ------------------------------------------------------------ fields

    def canonical_field(self, pos: int) -> tuple[Item, int] | None:
        m = _canonical_field(self.src, pos)
        if m is None:
            return None
        src = self.src
        attrs: list[Attribute] = []
        if m.start(4) < m.end(4):
            for a in _canonical_attribute(src, m.start(4), m.end(4)):
                path = a.group(1)
                if path == "relation":
                    attr = self.attribute(a.start(), 1)
                    if attr is None:
                        return None
                    attrs.append(attr)
                else:
                    attrs.append(Attribute(path, None, a.start(), a.end(), src[a.start() + 1 : a.end()]))
        ftype = FieldType(m.group(2), m.group(3) or "", m.start(2), m.end(2))
        end = m.end()
        return Field(m.group(1), ftype, attrs, m.group(5), pos, end), end

    def field(self, pos: int) -> tuple[Item, int] | None:
        r = self.canonical_field(pos)
        if r is not None:
            return r
        src = self.src
        s = self.s
        m = _field_fast(src, pos)
        colon = False
        if m is not None and m.end() < self.n and s[m.end()] < "\x80":
            name = m.group(1)
            arity = m.group(3) or ""
            ftype: FieldType | None = FieldType(m.group(2), arity, m.start(2), m.end(2))
            p = m.end()
        else:
            end = _ident_end(src, pos)
            if end < 0:
                return None
            name = src[pos:end]
            p = self.ws(end)
            if s[p] == ":":
                colon = True
                p = self.ws(p + 1)
            ftype, p = self.field_type(p)
        attrs, p = self.field_attributes(p)
        trailing, p = self.trailing(p)
        nl = _newline(src, p)
        if nl is None:
            return None
        if colon or ftype is None or ftype.arity in ("!", "[]L", "[]?"):
            self.errors = True
        return Field(name, ftype, attrs, trailing, pos, nl.end(), colon), nl.end()

    def field_type(self, pos: int) -> tuple[FieldType | None, int]:
        s = self.s
        if s[pos] == "[":
            r = self.base_type(self.ws(pos + 1))
            if r is not None:
                p = self.ws(r[1])
                if s[p] == "]":
                    return FieldType(r[0], "[]L", r[2], r[1]), self.ws(p + 1)
            return None, pos
        r = self.base_type(pos)
        if r is None:
            return None, pos
        base, end, start = r
        p = self.ws(end)
        if s[p] == "[" and s[p + 1] == "]":
            q = self.ws(p + 2)
            if s[q] == "?":
                return FieldType(base, "[]?", start, end), self.ws(q + 1)
            return FieldType(base, "[]", start, end), q
        if s[p] == "?":
            return FieldType(base, "?", start, end), self.ws(p + 1)
        if s[p] == "!":
            return FieldType(base, "!", start, end), self.ws(p + 1)
        return FieldType(base, "", start, end), p

    def base_type(self, pos: int) -> tuple[str, int, int] | None:
        src = self.src
        if src.startswith("Unsupported(", pos):
            m = _string(src, self.ws(pos + 12))
            if m is not None:
                p = self.ws(m.end())
                if self.s[p] == ")":
                    return src[pos : p + 1], p + 1, pos
        end = _ident_end(src, pos)
        if end < 0:
            return None
        return src[pos:end], end, pos

    def field_attributes(self, pos: int) -> tuple[list[Attribute], int]:
        attrs: list[Attribute] = []
        s = self.s
        while s[pos] == "@":
            attr = self.attribute(pos, 1)
            if attr is None:
                break
            attrs.append(attr)
            pos = self.ws(attr.end)
        return attrs, pos

    def attribute(self, pos: int, ats: int) -> Attribute | None:
        """``"@" ~ path ~ arguments_list?`` (``ats`` = 1) or the ``@@`` form (``ats`` = 2)."""
        src = self.src
        if not src.startswith("@@" if ats == 2 else "@", pos):
            return None
        p = self.ws(pos + ats)
        end = _path_end(src, p)
        if end < 0:
            return None
        path = src[p:end]
        args = None
        q = self.ws(end)
        if self.s[q] == "(":
            r = self.arguments(q)
            if r is not None:
                args, end = r
        text = path if args is None else path + args.text
        return Attribute(path, args, pos, end, text)

    # ------------------------------------------------------------ expressions

    def arguments(self, pos: int) -> tuple[ArgList, int] | None:
        """``"(" ~ (argument ~ ("," ~ argument)*)? ~ trailing_comma? ~ ")"`` at a ``(``."""
        s = self.s
        args: list[Arg] = []
        p = self.ws(pos + 1)
        r = self.argument(p)
        if r is not None:
            args.append(r[0])
            p = self.ws(r[1])
            while s[p] == ",":
                r = self.argument(self.ws(p + 1))
                if r is None:
                    break
                args.append(r[0])
                p = self.ws(r[1])
        if s[p] == ",":
            p = self.ws(p + 1)
        if s[p] != ")":
            return None
        parts = []
        for a in args:
            if a.name is None:
                parts.append(a.value.text)  # type: ignore[union-attr]
            elif a.value is None:
                parts.append(a.name + ": ")
            else:
                parts.append(a.name + ": " + a.value.text)
        return ArgList(args, "(" + ", ".join(parts) + ")"), p + 1

    def argument(self, pos: int) -> tuple[Arg, int] | None:
        src = self.src
        end = _ident_end(src, pos)
        if end >= 0:
            p = self.ws(end)
            if self.s[p] == ":":
                name = src[pos:end]
                q = self.ws(p + 1)
                r = self.expression(q)
                if r is not None:
                    return Arg(name, r[0]), r[1]
                return Arg(name, None), p + 1
        r = self.expression(pos)
        if r is None:
            return None
        return Arg(None, r[0]), r[1]

    def expression(self, pos: int) -> tuple[Expr, int] | None:
        src = self.src
        s = self.s
        c = s[pos]
        if c == "[":
            return self.array(pos)
        if c == "{":
            return self.object(pos)
        if c == '"':
            m = _string(src, pos)
            if m is None:
                return None
            return Expr("str", m.group(), m.group()), m.end()
        end = _path_end(src, pos)
        if end >= 0:
            q = self.ws(end)
            if s[q] == "(":
                r = self.arguments(q)
                if r is not None:
                    name = src[pos:end]
                    return Expr("call", name + r[0].text, name, r[0]), r[1]
        m = _numeric(src, pos)
        if m is not None:
            return Expr("num", m.group(), m.group()), m.end()
        if end >= 0:
            text = src[pos:end]
            return Expr("path", text, text), end
        return None

    def array(self, pos: int) -> tuple[Expr, int] | None:
        s = self.s
        items: list[Expr] = []
        p = self.ws(pos + 1)
        r = self.expression(p)
        if r is not None:
            items.append(r[0])
            p = self.ws(r[1])
            while s[p] == ",":
                r = self.expression(self.ws(p + 1))
                if r is None:
                    break
                items.append(r[0])
                p = self.ws(r[1])
        if s[p] != "]":
            return None
        text = "[" + ", ".join(e.text for e in items) + "]"
        return Expr("array", text, text, None, items), p + 1

    def object(self, pos: int) -> tuple[Expr, int] | None:
        """``{ key: value, ... }`` (Prisma 7: a partial index's ``where:``), written ``{ a: 1, b: null }``."""
        s = self.s
        members: list[str] = []
        p = self.ws(pos + 1)
        while s[p] != "}":  # no trailing comma, as Prisma's grammar
            end = _ident_end(self.src, p)
            q = self.ws(end) if end >= 0 else p
            r = self.expression(self.ws(q + 1)) if end >= 0 and s[q] == ":" else None
            if r is None:
                return None
            members.append(f"{self.src[p:end]}: {r[0].text}")
            p = self.ws(r[1])
            if s[p] != ",":
                break
            p = self.ws(p + 1)
            if s[p] == "}":
                return None
        if s[p] != "}":
            return None
        text = "{ " + ", ".join(members) + " }" if members else "{}"
        return Expr("object", text, text), p + 1


def parse(src: str) -> ParsedFile:
    """Parse one file; never fails (unknown text becomes :class:`Raw` lines)."""
    return _Parser(src).schema()
