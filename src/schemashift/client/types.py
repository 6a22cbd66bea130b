"""Filter and sort types shared by every generated client (the typed ``where`` vocabulary).

Like Prisma's ``StringFilter``, ``IntFilter``... Keys are Prisma's (``in``, ``notIn``, ``startsWith``);
the functional TypedDict form allows ``in`` and ``not``. Every filter accepts ``None`` where
Prisma's nullable filters do (``equals: None`` is ``IS NULL``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, TypedDict, Union

__all__ = ["IntUpdateOps", "BigIntUpdateOps", "FloatUpdateOps", "DecimalUpdateOps", "JsonValue", "SortOrder", "NullsOrder", "SortOrderInput", "QueryMode", "BoolFilter", "StringFilter", "IntFilter", "BigIntFilter", "FloatFilter", "DecimalFilter", "DateTimeFilter", "BytesFilter", "JsonFilter", "ScalarListFilter", "ScalarListUpdate"]

JsonValue = Union[None, bool, int, float, str, Sequence["JsonValue"], dict[str, "JsonValue"]]
SortOrder = Literal["asc", "desc"]
NullsOrder = Literal["first", "last"]
QueryMode = Literal["default", "insensitive"]


class SortOrderInput(TypedDict, total=False):
    sort: SortOrder
    nulls: NullsOrder


StringFilter = TypedDict("StringFilter", {"equals": str | None, "in": Sequence[str], "notIn": Sequence[str], "lt": str, "lte": str, "gt": str, "gte": str, "contains": str, "startsWith": str, "endsWith": str, "search": str, "mode": QueryMode, "not": "str | None | StringFilter"}, total=False)

IntFilter = TypedDict("IntFilter", {"equals": int | None, "in": Sequence[int], "notIn": Sequence[int], "lt": int, "lte": int, "gt": int, "gte": int, "not": "int | None | IntFilter"}, total=False)

BigIntFilter = TypedDict("BigIntFilter", {"equals": int | None, "in": Sequence[int], "notIn": Sequence[int], "lt": int, "lte": int, "gt": int, "gte": int, "not": "int | None | BigIntFilter"}, total=False)

FloatFilter = TypedDict("FloatFilter", {"equals": float | None, "in": Sequence[float], "notIn": Sequence[float], "lt": float, "lte": float, "gt": float, "gte": float, "not": "float | None | FloatFilter"}, total=False)

DecimalFilter = TypedDict("DecimalFilter", {"equals": Decimal | None, "in": Sequence[Decimal], "notIn": Sequence[Decimal], "lt": Decimal, "lte": Decimal, "gt": Decimal, "gte": Decimal, "not": "Decimal | None | DecimalFilter"}, total=False)

BoolFilter = TypedDict("BoolFilter", {"equals": bool | None, "not": "bool | None | BoolFilter"}, total=False)

DateTimeFilter = TypedDict("DateTimeFilter", {"equals": datetime | None, "in": Sequence[datetime], "notIn": Sequence[datetime], "lt": datetime, "lte": datetime, "gt": datetime, "gte": datetime, "not": "datetime | None | DateTimeFilter"}, total=False)

BytesFilter = TypedDict("BytesFilter", {"equals": bytes | None, "in": Sequence[bytes], "notIn": Sequence[bytes], "not": "bytes | None | BytesFilter"}, total=False)

#: a scalar list's filter (PostgreSQL arrays)
ScalarListFilter = TypedDict("ScalarListFilter", {"equals": "Sequence[Any] | None", "has": Any, "hasEvery": "Sequence[Any]", "hasSome": "Sequence[Any]", "isEmpty": bool}, total=False)

#: a scalar list's update: replace it, or append one value or several
ScalarListUpdate = TypedDict("ScalarListUpdate", {"set": "Sequence[Any]", "push": Any}, total=False)

#: a Json field's filter: the whole value, or (with ``path``: keys, or MySQL's ``"$.a.b"``) the value there
JsonFilter = TypedDict("JsonFilter", {"equals": JsonValue, "not": JsonValue, "path": "Sequence[str] | str", "string_contains": str, "string_starts_with": str, "string_ends_with": str, "array_contains": JsonValue, "array_starts_with": JsonValue, "array_ends_with": JsonValue, "mode": QueryMode}, total=False)

IntUpdateOps = TypedDict("IntUpdateOps", {"set": int, "increment": int, "decrement": int, "multiply": int, "divide": int}, total=False)

BigIntUpdateOps = TypedDict("BigIntUpdateOps", {"set": int, "increment": int, "decrement": int, "multiply": int, "divide": int}, total=False)

FloatUpdateOps = TypedDict("FloatUpdateOps", {"set": float, "increment": float, "decrement": float, "multiply": float, "divide": float}, total=False)

DecimalUpdateOps = TypedDict("DecimalUpdateOps", {"set": Decimal, "increment": Decimal, "decrement": Decimal, "multiply": Decimal, "divide": Decimal}, total=False)
