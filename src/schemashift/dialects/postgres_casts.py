"""How risky it is to change a PostgreSQL column from one native type to another.

Rules of prisma-engines' ``postgres_native_type_change_riskyness``: ``None`` when the types are the
same (a missing time precision equals any), ``SAFE_CAST``/``RISKY_CAST`` for an in-place
``ALTER COLUMN ... SET DATA TYPE``, ``NOT_CASTABLE`` when the column must be dropped and recreated.
"""

from __future__ import annotations

from schemashift.diff.steps import TypeChange

SAFE, RISKY, NO = TypeChange.SAFE_CAST, TypeChange.RISKY_CAST, TypeChange.NOT_CASTABLE

NativeType = tuple[str, tuple[int, ...]]

# digits (without sign) each integer type can hold; string lengths needed to print them
_INT_DIGITS = {"SmallInt": 3, "Integer": 10, "BigInt": 19}
_INT_CHARS = {"SmallInt": 4, "Integer": 11, "BigInt": 20}
_INT_RANK = {"SmallInt": 0, "Integer": 1, "BigInt": 2}
_DECIMAL_INT_MAX_PRECISION = {"SmallInt": 2, "Integer": 9, "BigInt": 18}
_FLOAT_CHARS = {"Real": 47, "DoublePrecision": 317}
_TEMPORAL_CHARS = {"Timestamp": 22, "Timestamptz": 27, "Date": 27, "Time": 13, "Timetz": 18}
_WITH_PRECISION = ("Timestamp", "Timestamptz", "Time", "Timetz")


def _arg(t: NativeType) -> int | None:
    return t[1][0] if t[1] else None


def _decimal(t: NativeType) -> tuple[int, int] | None:
    return (t[1][0], t[1][1]) if len(t[1]) == 2 else None


def _to_string(prev_chars: int | None, next: NativeType) -> TypeChange:
    """Cast of a value printed with at most ``prev_chars`` characters to a text type."""
    name, length = next[0], _arg(next)
    if length is not None and prev_chars is not None and length < prev_chars:
        return RISKY
    if length is None and name == "Char":
        return RISKY
    return SAFE


def native_type_change(previous: NativeType, next: NativeType) -> TypeChange | None:
    if previous == next:
        return None
    p, n = previous[0], next[0]
    if p in _WITH_PRECISION and n == p and (not next[1] or not previous[1] or previous[1] == next[1]):
        return None
    return _cast(previous, next)


def _cast(previous: NativeType, next: NativeType) -> TypeChange:  # noqa: C901 - a rule table
    p, n = previous[0], next[0]
    text_like = n in ("Text",) or (n == "VarChar" and not next[1])
    if p in ("Inet",):
        return SAFE if n in ("Citext", "Text", "VarChar") else NO
    if p == "Money":
        return SAFE if n in ("Citext", "Text", "VarChar") else RISKY
    if p == "Citext":
        return SAFE if n in ("Text", "VarChar") else RISKY
    if p == "Oid":
        return SAFE if n in ("Text", "VarChar", "BigInt", "Integer") else NO
    if p in _INT_DIGITS:
        if n in _INT_DIGITS:
            return SAFE if _INT_RANK[n] > _INT_RANK[p] else RISKY
        if n == "Decimal":
            d = _decimal(next)
            return RISKY if d is not None and d[0] - d[1] < _INT_DIGITS[p] else SAFE
        if n in ("Real", "DoublePrecision", "Text"):
            return SAFE
        if n in ("VarChar", "Char"):
            return _to_string(_INT_CHARS[p], next)
        return NO
    if p == "Decimal":
        old_d = _decimal(previous)
        if n in _INT_DIGITS:
            if old_d is None or old_d[1] > 0 or old_d[0] > _DECIMAL_INT_MAX_PRECISION[n]:
                return RISKY
            return SAFE
        if n == "Decimal":
            new_d = _decimal(next)
            if old_d is not None and new_d is None:
                return SAFE
            if old_d is None and new_d is not None:
                return RISKY
            if old_d is not None and new_d is not None:
                fewer_digits = old_d[0] - old_d[1] > new_d[0] - new_d[1]
                return RISKY if fewer_digits or old_d[1] > new_d[1] else SAFE
            return SAFE
        if n in ("Real", "DoublePrecision"):
            return RISKY
        if n in ("VarChar", "Char"):
            length = _arg(next)
            if length is not None and old_d is not None:
                needed = old_d[0] + (1 if old_d[1] == 0 else 2)
                return RISKY if needed > length else SAFE
            if length is not None:
                return RISKY if length < 131073 else SAFE
            return RISKY if n == "Char" else SAFE
        return SAFE if n == "Text" else NO
    if p in _FLOAT_CHARS:
        if n in _INT_DIGITS or n == "Decimal":
            return RISKY
        if n == "Real":
            return SAFE if p == "Real" else RISKY
        if n == "DoublePrecision" or n == "Text":
            return SAFE
        if n in ("VarChar", "Char"):
            return _to_string(_FLOAT_CHARS[p], next)
        return NO
    if p in ("VarChar", "Char"):
        if n == "Text":
            return SAFE
        if n in ("VarChar", "Char"):
            old, new = _arg(previous), _arg(next)
            if p == "Char" and old is None:
                return SAFE
            if old is None:
                return RISKY if new is not None or n == "Char" else SAFE
            if new is None:
                return RISKY if n == "Char" and old != 1 else SAFE
            return RISKY if old > new else SAFE
        return NO
    if p == "Text":
        if n in ("Text", "Citext") or text_like:
            return SAFE
        return RISKY if n in ("VarChar", "Char") else NO
    if p == "ByteA":
        if text_like:
            return SAFE
        length = _arg(next)
        return RISKY if n in ("VarChar", "Char") and length is not None and length > 2 else NO
    if p in _TEMPORAL_CHARS:
        if text_like:
            return SAFE
        if n in ("Char", "VarChar") and next[1] and next[1][0] > _TEMPORAL_CHARS[p]:
            return SAFE
        if p in ("Timestamp", "Timestamptz"):
            return SAFE if n in ("Timestamp", "Timestamptz", "Date", "Time", "Timetz") else NO
        if p == "Date":
            return SAFE if n in ("Timestamp", "Timestamptz") else NO
        if p == "Time":
            return SAFE if n == "Timetz" else NO
        return SAFE if n in ("Timetz", "Time") else NO
    if p == "Boolean":
        if n in ("Text", "VarChar"):
            return SAFE
        length = _arg(next)
        if n == "Char" and length is not None:
            return SAFE if length > 4 else RISKY if length > 3 else NO
        return NO
    if p == "Bit":
        old = _arg(previous)
        if old is None:
            return SAFE if n in ("Text", "VarChar", "Char", "VarBit") else NO
        new = _arg(next)
        if n == "Text" or (n in ("VarChar", "VarBit") and new is None):
            return SAFE
        return SAFE if n in ("VarChar", "VarBit", "Char") and new is not None and new >= old else NO
    if p == "VarBit":
        old, new = _arg(previous), _arg(next)
        if old is None:
            if text_like:
                return SAFE
            return RISKY if n in ("VarChar", "Char", "Bit") else NO
        if n == "Text" or (n in ("VarChar", "VarBit") and new is None):
            return SAFE
        if n == "VarBit" and new is not None and new > old:
            return SAFE
        if n in ("VarChar", "Char") and new is not None and new >= old:
            return SAFE
        if n == "Bit":
            return RISKY if new is None or new <= old else NO
        return RISKY if n in ("Char", "VarChar") else NO
    if p == "Uuid":
        if text_like:
            return SAFE
        return SAFE if n in ("VarChar", "Char") and next[1] and next[1][0] > 31 else NO
    if p in ("Xml", "Json", "JsonB"):
        if text_like or (p == "Json" and n == "JsonB") or (p == "JsonB" and n == "Json"):
            return SAFE
        return RISKY if n in ("VarChar", "Char") else NO
    return NO
