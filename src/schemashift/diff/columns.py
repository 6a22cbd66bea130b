"""Column comparison: which aspects of a column changed (type, arity, default, autoincrement)."""

from __future__ import annotations

import base64
import decimal
import json
from typing import TYPE_CHECKING

from schemashift.diff.steps import ColumnChange, TypeChange
from schemashift.model import (
    BytesLit,
    Column,
    DateTimeLit,
    DbGeneratedDefault,
    DecimalLit,
    EnumLit,
    EnumType,
    Family,
    FloatLit,
    IntLit,
    JsonLit,
    ListLit,
    Literal,
    LiteralDefault,
    NowDefault,
    StrLit,
)

if TYPE_CHECKING:
    from schemashift.dialects.base import Dialect


def column_changes(
    previous: Column, next: Column, dialect: Dialect, enums: tuple[EnumType | None, EnumType | None]
) -> tuple[ColumnChange, TypeChange | None]:
    """``enums``: the columns' enum types."""
    changes = ColumnChange.NONE
    type_change = dialect.column_type_change(previous, next, enums)
    if previous.arity is not next.arity:
        changes |= ColumnChange.ARITY
    if type_change is not None:
        changes |= ColumnChange.TYPE
    if not defaults_match(previous, next, dialect):
        changes |= ColumnChange.DEFAULT
    if dialect.autoincrement_changed(previous, next):
        changes |= ColumnChange.AUTOINCREMENT
    return changes, type_change


def _json_equal(a: str, b: str) -> bool:
    try:
        left: object = json.loads(a)
        right: object = json.loads(b)
        return left == right
    except ValueError:
        return True  # Prisma treats unparsable JSON defaults as equal


def defaults_match(previous: Column, next: Column, dialect: Dialect) -> bool:
    """Prisma's default comparison rules (``sql_schema_differ/column.rs``)."""
    if dialect.ignore_json_defaults and Family.JSON in (previous.type.family, next.type.family):
        return True
    prev, nxt = previous.default, next.default
    if prev is None and nxt is None:
        return True
    if isinstance(nxt, DbGeneratedDefault) and nxt.expression is None:
        return True
    if isinstance(prev, DbGeneratedDefault) and isinstance(nxt, DbGeneratedDefault):
        return (prev.expression or "").lower() == (nxt.expression or "").lower()
    if isinstance(prev, NowDefault) and isinstance(nxt, NowDefault):
        return True
    if isinstance(prev, LiteralDefault) and isinstance(nxt, LiteralDefault):
        return _literals_match(prev.value, nxt.value, dialect)
    if (
        (isinstance(prev, LiteralDefault) and isinstance(prev.value, DateTimeLit) and nxt is not None)
        or (isinstance(nxt, LiteralDefault) and isinstance(nxt.value, DateTimeLit) and prev is not None)
    ):
        return True
    if Family.DATETIME in (previous.type.family, next.type.family):
        pairs = (prev, nxt), (nxt, prev)
        if any(
            isinstance(a, DbGeneratedDefault) and isinstance(b, LiteralDefault) and isinstance(b.value, ListLit)
            for a, b in pairs
        ):
            return True
    return False


def _literals_match(a: Literal, b: Literal, dialect: Dialect) -> bool:
    if isinstance(a, ListLit) and isinstance(b, ListLit):
        return len(a.items) == len(b.items) and all(_list_items_match(x, y, dialect) for x, y in zip(a.items, b.items))
    if isinstance(a, DateTimeLit) or isinstance(b, DateTimeLit):
        return True
    texts = _json_text(a), _json_text(b)
    if texts[0] is not None and texts[1] is not None and (isinstance(a, JsonLit) or isinstance(b, JsonLit)):
        return _json_equal(texts[0], texts[1])
    if isinstance(a, (StrLit, EnumLit)) and isinstance(b, (StrLit, EnumLit)):
        return a.value == b.value
    return _value(a) == _value(b)


def _list_items_match(a: Literal, b: Literal, dialect: Dialect) -> bool:
    if isinstance(a, DateTimeLit) or isinstance(b, DateTimeLit):
        return True
    if isinstance(a, JsonLit) and isinstance(b, (StrLit, JsonLit)) or isinstance(a, StrLit) and isinstance(b, JsonLit):
        # Prisma compares two JSON items as text; semantically is what a described jsonb[] default
        # (normalised by the database) needs to converge
        return _json_equal(_json_text(a) or "", _json_text(b) or "")
    if isinstance(a, EnumLit) and isinstance(b, BytesLit):
        return dialect.bytes_match_string(a.value, _b64(b.base64))
    if isinstance(a, BytesLit) and isinstance(b, EnumLit):
        return dialect.bytes_match_string(b.value, _b64(a.base64))
    return _value(a) == _value(b)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text)
    except ValueError:
        return text.encode()


def _json_text(lit: Literal) -> str | None:
    if isinstance(lit, JsonLit):
        return lit.text
    if isinstance(lit, StrLit):
        return lit.value
    return None


def _value(lit: Literal) -> object:
    """Comparable value: Int and BigInt literals compare by number; others by their fields."""
    if isinstance(lit, IntLit):
        return ("int", lit.value)
    if isinstance(lit, (FloatLit, DecimalLit)):
        try:
            return ("num", decimal.Decimal(lit.text))
        except decimal.InvalidOperation:
            return ("num-text", lit.text)
    return lit
