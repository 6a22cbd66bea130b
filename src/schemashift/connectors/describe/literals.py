"""Turning the text of a column default, once unquoted, into a typed model literal.

The dialect describers strip quoting and casts; :func:`typed_literal` decides what the text
means from the column's family, the way the lowering spells the same default.
"""

from __future__ import annotations

import base64
import re

from schemashift.model import (
    BoolLit,
    BytesLit,
    DateTimeLit,
    DecimalLit,
    EnumLit,
    Family,
    FloatLit,
    IntLit,
    JsonLit,
    Literal,
    StrLit,
)

INTEGER = re.compile(r"[+-]?\d+")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "t", "1", "yes", "on", "b'1'"}
_FALSE = {"false", "f", "0", "no", "off", "b'0'"}


def typed_literal(text: str, family: Family, *, quoted: bool) -> Literal | None:
    """The literal ``text`` means in a column of ``family``; None when it is not a plain literal.

    ``quoted`` tells whether the text came from a string literal (``'1'`` vs ``1``); a bare word
    is only a literal for numbers and booleans.
    """
    if family in (Family.STRING, Family.UUID):
        return StrLit(text) if quoted else None
    if family is Family.ENUM:
        return EnumLit(text) if quoted else None
    if family is Family.JSON:
        return JsonLit(text) if quoted else None
    if family is Family.DATETIME:
        return DateTimeLit(text) if quoted else None
    if family in (Family.INT, Family.BIGINT):
        return IntLit(int(text)) if INTEGER.fullmatch(text.strip()) else None
    if family is Family.FLOAT:
        return FloatLit(text.strip()) if NUMBER.fullmatch(text.strip()) else None
    if family is Family.DECIMAL:
        return DecimalLit(text.strip()) if NUMBER.fullmatch(text.strip()) else None
    if family is Family.BOOLEAN:
        low = text.strip().lower()
        return BoolLit(True) if low in _TRUE else BoolLit(False) if low in _FALSE else None
    return None


def hex_bytes_literal(hex_text: str) -> BytesLit:
    return BytesLit(base64.b64encode(bytes.fromhex(hex_text)).decode("ascii"))


def unquote_sql_string(body: str, *, backslashes: bool = False) -> str:
    """The value of a single-quoted SQL string body (without the outer quotes)."""
    body = body.replace("''", "'")
    if backslashes:
        body = re.sub(r"\\(.)", lambda m: _BACKSLASH.get(m.group(1), m.group(1)), body)
    return body


_BACKSLASH = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "Z": "\x1a"}


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside quotes, parentheses and brackets."""
    parts: list[str] = []
    depth = 0
    quote: str | None = None
    current: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            current.append(c)
            if c == quote:
                if i + 1 < len(text) and text[i + 1] == quote:
                    current.append(text[i + 1])
                    i += 1
                else:
                    quote = None
        elif c in "'\"":
            quote = c
            current.append(c)
        elif c in "([{":
            depth += 1
            current.append(c)
        elif c in ")]}":
            depth -= 1
            current.append(c)
        elif c == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    tail = "".join(current).strip()
    if tail or parts:
        parts.append(tail)
    return parts
