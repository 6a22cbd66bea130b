"""Per-database details of the client: quoting, placeholders, value conversion, error mapping.

Names are quoted by the SQL dialect's one quoting function (``schemashift.dialects.<db>.quote``);
values are always bound as parameters. Storage follows Prisma's: DateTime values are UTC
(SQLite: Unix milliseconds, as Prisma writes them; text timestamps are read too), Json is
stored as its text, Decimal on SQLite as a number.
"""

from __future__ import annotations

import csv
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from itertools import repeat
from typing import Any

from schemashift.client import errors
from schemashift.client.meta import EnumMeta, FieldMeta
from schemashift.dialects import mysql as mysql_sql
from schemashift.dialects import postgres as postgres_sql
from schemashift.dialects import sqlite as sqlite_sql

UTC = timezone.utc
Converter = Callable[[Any], Any]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(value: datetime) -> datetime:
    """UTC, truncated to milliseconds (Prisma's DateTime precision)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


_MS = timedelta(milliseconds=1)
_NAIVE_EPOCH = _EPOCH.replace(tzinfo=None)


class _DtToNaive:
    """A DateTime written as naive UTC, truncated to milliseconds. ``column``: a whole column
    (``create_many``) of aware datetimes by C operators only, ``naive epoch + (v - epoch) // 1 ms
    * 1 ms``; a column holding anything else (naive, None): value by value."""

    __slots__ = ()

    def __call__(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is not None and value.tzinfo is not UTC:
                value = value.astimezone(UTC)
            return value.replace(tzinfo=None, microsecond=value.microsecond // 1000 * 1000)
        return value

    def column(self, values: list[Any]) -> list[Any]:
        try:  # naive - aware, None - aware: TypeError
            since = map(operator.sub, values, repeat(_EPOCH))
            return list(map(operator.add, map(operator.mul, map(operator.floordiv, since, repeat(_MS)), repeat(_MS)), repeat(_NAIVE_EPOCH)))
        except TypeError:
            return list(map(self, values))


_dt_to_naive = _DtToNaive()


class _EnumWriter:
    """An enum value (a member or its name) as the database's value (its ``@map``). ``column``:
    a whole column of names (or None) by one C call per value."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def __call__(self, v: Any) -> Any:
        if isinstance(v, Enum):
            v = v.name
        return self.values.get(v, v) if v is not None else None

    def column(self, values: list[Any]) -> list[Any]:
        if any(map(isinstance, values, repeat(Enum))):
            return list(map(self, values))
        return list(map(self.values.get, values, values))  # None: not a key, stays None


def _dt_to_millis(value: Any) -> Any:
    if isinstance(value, datetime):  # whole milliseconds since the epoch (naive: UTC)
        return (value - (_NAIVE_EPOCH if value.tzinfo is None else _EPOCH)) // _MS
    return value


def _dt_from_naive(value: Any) -> Any:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class _AttachUtc:
    """A NOT NULL naive (UTC) DateTime read as UTC-aware: ``epoch + (value - naive epoch)``, two C
    operators, about seven times cheaper than ``value.replace(tzinfo=UTC)`` (a keyword call).
    ``column`` converts a whole column (:func:`schemashift.client.engine._decode`) with no Python
    call per value."""

    __slots__ = ()

    def __call__(self, value: datetime) -> datetime:
        return _EPOCH + (value - _NAIVE_EPOCH)

    @staticmethod
    def column(values: Iterable[datetime]) -> Iterator[datetime]:
        return map(operator.add, map(operator.sub, values, repeat(_NAIVE_EPOCH)), repeat(_EPOCH))


def _dt_from_sqlite(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _not_json(value: Any) -> Any:
    raise TypeError(f"Type {value!r} not serializable" if isinstance(value, type) else f"Type {type(value)} not serializable")


def _json_dump(value: Any) -> Any:
    return json.dumps(value, separators=(",", ":"), default=_not_json)


def _json_load(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        return json.loads(value)
    return value


def _to_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _to_decimal(value: Any) -> Any:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _pg_array(value: Any) -> Any:
    """An array the driver returned as its text form (arrays of enum types: ``{USER,ADMIN}``)."""
    if not isinstance(value, str):
        return value
    body = value[1:-1] if value.startswith("{") and value.endswith("}") else value
    if not body:
        return []
    return [x[1:-1].replace('\\"', '"') if x.startswith('"') else x for x in next(csv.reader([body], escapechar="\\"))]


def _to_bytes(value: Any) -> Any:
    """SQLite: a Bytes column's text value (a DEFAULT '' in the DDL) as bytes."""
    return value.encode() if isinstance(value, str) else value


def _to_float(value: Any) -> Any:
    return None if value is None else float(value)


def _to_str(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else str(value)


def _on_fields(what: str, columns: list[str]) -> str:
    """Prisma's message of a constraint error: ``Unique constraint failed on the fields: (`email`)``."""
    return f"{what} on the fields: ({', '.join(f'`{c}`' for c in columns)})" if columns else what


def _decimal_trim(value: Any) -> Any:
    """A DECIMAL(65,30) value without its padding zeros (``2.1234``, not ``2.1234000...``), as
    Prisma returns it."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _decimal_to_text(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


#: readers of NOT NULL columns: C calls instead of Python functions testing for None (a required
#: DateTime is read naive, except a timestamptz: UTC is attached)
_NOT_NULL_READERS: dict[Converter, Converter] = {
    _to_bool: bool,
    _to_float: float,
    _dt_from_naive: _AttachUtc(),
}


class Dialect:
    provider = ""
    placeholder = "%s"
    returning = True
    max_params = 32_000
    like_escape = "!"
    #: the SQL dialect's quoting function
    sql_quote: Callable[[str], str] = staticmethod(postgres_sql.quote)

    def quote(self, name: str) -> str:
        """The quoted name, ready for a statement with parameters: with ``%s`` placeholders
        (psycopg, PyMySQL) a ``%`` in a name is doubled, or the driver reads it as a placeholder."""
        quoted = self.sql_quote(name)
        return quoted.replace("%", "%%") if self.placeholder == "%s" else quoted

    def table(self, name: str, schema: str | None) -> str:
        return f"{self.quote(schema)}.{self.quote(name)}" if schema else self.quote(name)

    def limit_offset(self, take: int | None, skip: int | None) -> str:
        out = ""
        if take is not None:
            out += f" LIMIT {int(take)}"
        if skip:
            out += f" OFFSET {int(skip)}"
        return out

    def insensitive(self, column: str, op: str) -> str:
        return f"LOWER({column}) {op} LOWER({self.placeholder})"

    def nulls(self, column: str, direction: str, nulls: str | None) -> list[str]:
        if nulls is None:
            return [f"{column} {direction}"]
        # emulate NULLS FIRST/LAST: order by "is null" first
        return [f"CASE WHEN {column} IS NULL THEN {0 if nulls == 'first' else 1} ELSE {1 if nulls == 'first' else 0} END", f"{column} {direction}"]

    def insert_prefix(self, skip_duplicates: bool) -> str:
        return "INSERT INTO"

    # -- Json filters under a path (the path is the first bound parameter of each expression)

    def json_path_param(self, keys: list[str]) -> Any:
        return "$" + "".join(f"[{k}]" if k.isdigit() else "." + json.dumps(k) for k in keys)

    def json_value(self, column: str) -> str:
        return f"json_extract({column}, {self.placeholder})"

    def json_text(self, column: str) -> str:
        return f"json_extract({column}, {self.placeholder})"

    def json_literal(self) -> str:
        return f"json_extract({self.placeholder}, '$')"

    def json_array_contains(self, column: str, keys: list[str], values: str, params: list[Any]) -> str:
        """Every value of the JSON array ``values`` is in the array under the path."""
        ph = self.placeholder
        params.extend([values, self.json_path_param(keys)])
        return (f"NOT EXISTS (SELECT 1 FROM json_each({ph}) AS w WHERE w.value NOT IN "
                f"(SELECT h.value FROM json_each({column}, {ph}) AS h))")

    def json_array_end(self, column: str, keys: list[str], last: bool, value: str, params: list[Any]) -> str:
        """The value under the path is an array whose first (``last``: last) element equals the
        JSON ``value`` (Prisma's ``array_starts_with``/``array_ends_with``)."""
        ph = self.placeholder
        path = self.json_path_param(keys)
        params.extend([path, path + ("[#-1]" if last else "[0]"), value])
        # `->` gives the element's JSON text (minified, a JSON null as 'null'), as json() the value's
        return f"(json_type({column}, {ph}) = 'array' AND ({column} -> {ph}) = json({ph}))"

    def fulltext(self, columns: list[str]) -> str:
        """A full-text match of ``columns`` against one bound search text (Prisma's ``search``)."""
        raise errors.ClientValidationError(f"Full-text search is not supported on {self.provider}.")

    def relevance(self, columns: list[str]) -> str:
        """The full-text relevance of ``columns`` for one bound search text (``_relevance`` ordering)."""
        raise errors.ClientValidationError(f"Full-text search is not supported on {self.provider}.")

    def insert_suffix(self, skip_duplicates: bool) -> str:
        return ""

    # -- value conversion (None = no conversion needed)

    def writer(self, f: FieldMeta, enums: dict[str, EnumMeta]) -> Converter | None:
        if f.kind == "enum":
            enum_value = _EnumWriter(enums[f.type].values)
            return self._list_writer(enum_value) if f.is_list else enum_value
        conv = self.scalar_writer(f)
        if conv is None:
            return None
        return self._list_writer(conv) if f.is_list else conv

    @staticmethod
    def _list_writer(conv: Converter) -> Converter:
        return lambda v: None if v is None else [conv(x) for x in v]

    def scalar_writer(self, f: FieldMeta) -> Converter | None:
        if f.type == "DateTime":
            return _dt_to_naive
        if f.type == "Json":
            return _json_dump
        return None

    def reader(self, f: FieldMeta, enum_class: type[Enum] | None, enums: dict[str, EnumMeta]) -> Converter | None:
        if f.kind == "enum" and enum_class is not None:
            by_db: dict[Any, Any] = {db: enum_class[name] for name, db in enums[f.type].values.items()}
            by_db[None] = None
            conv: Converter | None = by_db.__getitem__  # a C call per value
        else:
            conv = self.scalar_reader(f)
            if conv is not None and not f.optional and not f.is_list and f.native != "Timestamptz":
                conv = _NOT_NULL_READERS.get(conv, conv)
        if f.is_list:
            inner = conv
            if inner is None:
                return lambda v: [] if v is None else _pg_array(v)  # a NULL list reads as [], as Prisma's
            return lambda v: [] if v is None else [inner(x) for x in _pg_array(v)]
        return conv

    def scalar_reader(self, f: FieldMeta) -> Converter | None:
        if f.type == "DateTime":
            return _dt_from_naive
        if f.type == "Json":
            return _json_load
        return None

    # -- errors

    def map_error(self, exc: Exception) -> errors.ClientError:
        return errors.DatabaseError(str(exc).strip())


class SqliteDialect(Dialect):
    provider = "sqlite"
    placeholder = "?"
    sql_quote = staticmethod(sqlite_sql.quote)
    max_params = 32_766

    def limit_offset(self, take: int | None, skip: int | None) -> str:
        if take is None and skip:
            return f" LIMIT -1 OFFSET {int(skip)}"
        return super().limit_offset(take, skip)

    def insert_prefix(self, skip_duplicates: bool) -> str:
        return "INSERT OR IGNORE INTO" if skip_duplicates else "INSERT INTO"

    def scalar_writer(self, f: FieldMeta) -> Converter | None:
        if f.type == "DateTime":
            return _dt_to_millis
        if f.type == "Decimal":
            return _decimal_to_text
        if f.type == "Json":
            return _json_dump
        return None

    def scalar_reader(self, f: FieldMeta) -> Converter | None:
        return {
            "DateTime": _dt_from_sqlite,
            "Boolean": _to_bool,
            "Decimal": _to_decimal,
            "Float": _to_float,
            "Json": _json_load,
            "Bytes": _to_bytes,
        }.get(f.type)

    def map_error(self, exc: Exception) -> errors.ClientError:
        text = str(exc)
        columns = [c.strip().rsplit(".", 1)[-1] for c in text.partition(":")[2].split(",") if c.strip()]
        if "UNIQUE constraint failed" in text:
            return errors.UniqueConstraintError(_on_fields("Unique constraint failed", columns))
        if "FOREIGN KEY constraint failed" in text:
            return errors.ForeignKeyConstraintError("Foreign key constraint failed on the field: `foreign key`")
        if "NOT NULL constraint failed" in text:
            return errors.NullConstraintError(_on_fields("Null constraint violation", columns))
        return errors.DatabaseError(text)


class PostgresDialect(Dialect):
    provider = "postgresql"
    sql_quote = staticmethod(postgres_sql.quote)
    max_params = 65_000

    def insensitive(self, column: str, op: str) -> str:
        return f"{column} I{op} {self.placeholder}"

    def nulls(self, column: str, direction: str, nulls: str | None) -> list[str]:
        return [f"{column} {direction}" + (f" NULLS {nulls.upper()}" if nulls else "")]

    def insert_suffix(self, skip_duplicates: bool) -> str:
        return " ON CONFLICT DO NOTHING" if skip_duplicates else ""

    def json_path_param(self, keys: list[str]) -> Any:
        return keys

    def json_value(self, column: str) -> str:
        return f"({column} #> {self.placeholder}::text[])"

    def json_text(self, column: str) -> str:
        return f"({column} #>> {self.placeholder}::text[])"

    def json_literal(self) -> str:
        return f"{self.placeholder}::jsonb"

    def json_array_contains(self, column: str, keys: list[str], values: str, params: list[Any]) -> str:
        params.extend([keys, values])
        return f"({column} #> {self.placeholder}::text[]) @> {self.placeholder}::jsonb"

    def json_array_end(self, column: str, keys: list[str], last: bool, value: str, params: list[Any]) -> str:
        ph = self.placeholder
        params.extend([keys, keys, value])
        at = f"({column} #> {ph}::text[])"
        return f"(jsonb_typeof({at}) = 'array' AND ({at} -> {-1 if last else 0}) = {ph}::jsonb)"

    def fulltext(self, columns: list[str]) -> str:
        return f"to_tsvector(concat_ws(' ', {', '.join(columns)})) @@ to_tsquery({self.placeholder})"

    def relevance(self, columns: list[str]) -> str:
        return f"ts_rank(to_tsvector(concat_ws(' ', {', '.join(columns)})), to_tsquery({self.placeholder}))"

    def scalar_reader(self, f: FieldMeta) -> Converter | None:
        if f.type == "DateTime":
            return _dt_from_naive
        if f.type == "String" and f.native == "Uuid":
            return _to_str
        if f.type == "Decimal":
            return _decimal_trim
        return None  # psycopg returns json/jsonb parsed

    def map_error(self, exc: Exception) -> errors.ClientError:
        code = getattr(exc, "sqlstate", None)
        text = str(exc).strip()
        diag = getattr(exc, "diag", None)
        if code == "23505":
            key = re.search(r"Key \((.+?)\)=", getattr(diag, "message_detail", None) or "")
            columns = [c.strip().strip('"') for c in key.group(1).split(",")] if key else []
            return errors.UniqueConstraintError(_on_fields("Unique constraint failed", columns))
        if code == "23503":
            return errors.ForeignKeyConstraintError(
                f"Foreign key constraint failed on the field: `{getattr(diag, 'constraint_name', None) or 'foreign key'} (index)`"
            )
        if code == "23502":
            column = getattr(diag, "column_name", None)
            return errors.NullConstraintError(_on_fields("Null constraint violation", [column] if column else []))
        return errors.DatabaseError(text)


class MysqlDialect(Dialect):
    provider = "mysql"
    sql_quote = staticmethod(mysql_sql.quote)
    returning = False
    max_params = 30_000

    def limit_offset(self, take: int | None, skip: int | None) -> str:
        if take is None and skip:
            return f" LIMIT 18446744073709551615 OFFSET {int(skip)}"
        return super().limit_offset(take, skip)

    def insert_prefix(self, skip_duplicates: bool) -> str:
        return "INSERT IGNORE INTO" if skip_duplicates else "INSERT INTO"

    # values compare as their unquoted text: MariaDB's JSON_EXTRACT results of strings do not
    # compare equal as JSON (and MariaDB has no CAST(... AS JSON))
    def json_value(self, column: str) -> str:
        return f"JSON_UNQUOTE(JSON_EXTRACT({column}, {self.placeholder}))"

    def json_text(self, column: str) -> str:
        return f"JSON_UNQUOTE(JSON_EXTRACT({column}, {self.placeholder}))"

    def json_literal(self) -> str:
        return f"JSON_UNQUOTE(JSON_EXTRACT({self.placeholder}, '$'))"

    def json_array_contains(self, column: str, keys: list[str], values: str, params: list[Any]) -> str:
        params.extend([self.json_path_param(keys), values])
        return f"JSON_CONTAINS(JSON_EXTRACT({column}, {self.placeholder}), {self.placeholder})"

    def json_array_end(self, column: str, keys: list[str], last: bool, value: str, params: list[Any]) -> str:
        ph = self.placeholder
        path = self.json_path_param(keys)
        if last:  # the index computed, as Prisma's (`$[last]` needs MySQL 8 / MariaDB 10.9)
            params.extend([path, path, path, value])
            element = f"JSON_EXTRACT({column}, CONCAT({ph}, '[', GREATEST(JSON_LENGTH({column}, {ph}) - 1, 0), ']'))"
        else:
            params.extend([path, path + "[0]", value])
            element = f"JSON_EXTRACT({column}, {ph})"
        return f"(JSON_TYPE(JSON_EXTRACT({column}, {ph})) = 'ARRAY' AND JSON_UNQUOTE({element}) = {self.json_literal()})"

    def fulltext(self, columns: list[str]) -> str:
        return f"MATCH ({', '.join(columns)}) AGAINST ({self.placeholder} IN BOOLEAN MODE)"

    def relevance(self, columns: list[str]) -> str:
        return self.fulltext(columns)

    def scalar_reader(self, f: FieldMeta) -> Converter | None:
        return {"DateTime": _dt_from_naive, "Boolean": _to_bool, "Json": _json_load, "Float": _to_float,
                "Decimal": _decimal_trim}.get(f.type)

    def map_error(self, exc: Exception) -> errors.ClientError:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        text = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
        if code == 1062:
            key = re.search(r"for key '(?:[^'.]+\.)?([^']+)'", text)
            return errors.UniqueConstraintError(f"Unique constraint failed on the constraint: `{key.group(1) if key else 'unique'}`")
        if code in (1451, 1452, 1216, 1217):
            key = re.search(r"CONSTRAINT `([^`]+)`", text)
            return errors.ForeignKeyConstraintError(f"Foreign key constraint failed on the field: `{key.group(1) if key else 'foreign key'}`")
        if code in (1048, 1364):
            column = re.search(r"(?:Column|Field) '([^']+)'", text)
            return errors.NullConstraintError(_on_fields("Null constraint violation", [column.group(1)] if column else []))
        return errors.DatabaseError(text)


def dialect_for(provider: str) -> Dialect:
    if provider == "sqlite":
        return SqliteDialect()
    if provider == "mysql":
        return MysqlDialect()
    if provider in ("postgresql", "postgres", "cockroachdb"):
        return PostgresDialect()
    raise errors.ClientError(f"The client does not support the provider `{provider}`.")
