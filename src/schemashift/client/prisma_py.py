"""The runtime of the prisma-client-py compatible surface (``provider = "prisma-client-py"``).

The generated ``prisma`` package (``Prisma``, ``prisma.models``, ``prisma.types``...) is a thin
typed layer over this module, and this module is a translation layer over the one query engine,
:class:`schemashift.client.engine.Engine`: it renames prisma-client-py's spellings to the engine's
(``not_in`` -> ``notIn``, ``startswith`` -> ``startsWith``, ``is_not`` -> ``isNot``, ``order`` ->
``order_by``, ``upsert(data={"create", "update"})``...), unwraps ``Json``/``Base64`` inputs, gives
prisma-client-py's return conventions (``update``/``delete`` return ``None`` for a missing record)
and raises its error classes. Async clients run the same engine natively on asyncio, on the
connections of the client's pool (:meth:`schemashift.client.engine.Engine.arun`).
"""

from __future__ import annotations

import base64
import copy
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar, Generic, Self, TypeVar

from schemashift.client import errors as engine_errors
from schemashift.client.engine import Engine
from schemashift.client.meta import SchemaMeta

T = TypeVar("T")

# ============================================================================ errors (prisma.errors)


class PrismaError(Exception):
    """Base of every error the client raises (prisma-client-py's ``prisma.errors.PrismaError``)."""


class ClientNotConnectedError(PrismaError):
    def __init__(self) -> None:
        super().__init__("Client is not connected to the query engine, you must call `connect()` before attempting to query data.")


class ClientAlreadyRegisteredError(PrismaError):
    pass


class ClientNotRegisteredError(PrismaError):
    def __init__(self) -> None:
        super().__init__("No client instance registered; You must call prisma.register(prisma.Prisma())")


class EngineConnectionError(PrismaError):
    pass


class DataError(PrismaError):
    code: str | None = None

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class UniqueViolationError(DataError):
    code = "P2002"


class ForeignKeyViolationError(DataError):
    code = "P2003"


class MissingRequiredValueError(DataError):
    code = "P2011"


class RawQueryError(DataError):
    code = "P2010"


class TableNotFoundError(DataError):
    code = "P2021"


class FieldNotFoundError(DataError):
    code = "P2009"


class InputError(DataError):
    pass


class RecordNotFoundError(DataError):
    code = "P2025"


class TransactionError(PrismaError):
    pass


class TransactionExpiredError(TransactionError):
    pass


class TransactionNotFoundError(TransactionError):
    pass


ERRORS = [
    "PrismaError", "ClientNotConnectedError", "ClientAlreadyRegisteredError", "ClientNotRegisteredError",
    "EngineConnectionError", "DataError", "UniqueViolationError", "ForeignKeyViolationError",
    "MissingRequiredValueError", "RawQueryError", "TableNotFoundError", "FieldNotFoundError", "InputError",
    "RecordNotFoundError", "TransactionError", "TransactionExpiredError", "TransactionNotFoundError",
]

_ERROR_MAP: list[tuple[type[Exception], type[DataError]]] = [
    (engine_errors.UniqueConstraintError, UniqueViolationError),
    (engine_errors.ForeignKeyConstraintError, ForeignKeyViolationError),
    (engine_errors.NullConstraintError, MissingRequiredValueError),
    (engine_errors.RecordNotFoundError, RecordNotFoundError),
]


def translate_error(exc: engine_errors.ClientError) -> PrismaError:
    """The prisma-client-py error for an engine error (the engine's stays as ``__cause__``)."""
    for source, target in _ERROR_MAP:
        if isinstance(exc, source):
            return target(exc.message)
    if isinstance(exc, engine_errors.ClientValidationError):
        if exc.message.startswith(("Unknown field", "Unknown argument", "Unknown relation")):
            return FieldNotFoundError(exc.message)
        return InputError(exc.message)
    if isinstance(exc, engine_errors.DatabaseError):
        return DataError(exc.message, exc.code)
    return PrismaError(exc.message)


# ============================================================================ fields (prisma.fields)


class Json:
    """Marks a value for a ``Json`` field: ``Json({"a": 1})``, ``Json.keys(a=1)``."""

    def __init__(self, data: Any) -> None:
        self.data = data

    @classmethod
    def keys(cls, **data: Any) -> Json:
        return cls(data)

    def __eq__(self, other: object) -> bool:
        return bool(self.data == (other.data if isinstance(other, Json) else other))

    def __repr__(self) -> str:
        return f"Json({self.data!r})"


class Base64:
    """A ``Bytes`` value as base64 text, as prisma-client-py represents it."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        self._raw = raw  # the base64 text, ASCII bytes

    @classmethod
    def encode(cls, value: bytes) -> Base64:
        return cls(base64.b64encode(value))

    @classmethod
    def fromb64(cls, value: str | bytes) -> Base64:
        return cls(value.encode("ascii") if isinstance(value, str) else value)

    def decode(self) -> bytes:
        return base64.b64decode(self._raw)

    def decode_str(self, encoding: str = "utf-8") -> str:
        return self.decode().decode(encoding)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Base64) and self.decode() == other.decode()

    def __hash__(self) -> int:
        return hash(self._raw)

    def __str__(self) -> str:
        return self._raw.decode("ascii")

    def __repr__(self) -> str:
        return f"Base64({str(self)!r})"


# ============================================================================ translation

_FILTER_KEYS = {"not_in": "notIn", "startswith": "startsWith", "endswith": "endsWith"}
_RELATION_KEYS = {"is_not": "isNot"}
_NESTED_OPS = {"connect_or_create": "connectOrCreate", "delete_many": "deleteMany"}


def _value(v: Any) -> Any:
    if isinstance(v, Json):
        return v.data
    if isinstance(v, Base64):
        return v.decode()
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    return v


class Translator:
    """prisma-client-py arguments -> the engine's, driven by the schema facts."""

    def __init__(self, meta: SchemaMeta) -> None:
        self.meta = meta

    def where(self, model: str, w: Any) -> Any:
        if not isinstance(w, Mapping):
            return w
        m = self.meta.models[model]
        out: dict[str, Any] = {}
        for key, value in w.items():
            if key in ("AND", "OR", "NOT"):
                if isinstance(value, (list, tuple)):
                    out[key] = [self.where(model, x) for x in value]
                else:
                    out[key] = self.where(model, value)
            elif key in m.relation_by_name:
                rel = m.relation_by_name[key]
                if isinstance(value, Mapping) and (rel.is_list or set(value) <= {"is", "is_not", "isNot"}):
                    out[key] = {_RELATION_KEYS.get(k, k): self.where(rel.target, v) for k, v in value.items()}
                else:
                    out[key] = self.where(rel.target, value)
            elif key in m.by_name:
                out[key] = self._filter(value)
            elif isinstance(value, Mapping):  # compound unique key
                out[key] = {k: _value(v) for k, v in value.items()}
            else:
                out[key] = value
        return out

    def _filter(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                _FILTER_KEYS.get(k, k): (self._filter(v) if k == "not" else _value(v)) for k, v in value.items()
            }
        return _value(value)

    def data(self, model: str, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        m = self.meta.models[model]
        out: dict[str, Any] = {}
        for key, value in data.items():
            rel = m.relation_by_name.get(key)
            if rel is not None and isinstance(value, Mapping):
                nested: dict[str, Any] = {}
                for given, arg in value.items():
                    op = str(_NESTED_OPS.get(given, given))
                    if op in ("connect", "disconnect", "delete", "deleteMany") and isinstance(arg, Mapping):
                        nested[op] = self.where(rel.target, arg)
                    elif op in ("connect", "disconnect", "delete", "deleteMany") and isinstance(arg, (list, tuple)):
                        nested[op] = [self.where(rel.target, x) for x in arg]
                    elif op == "create":
                        nested[op] = [self.data(rel.target, x) for x in arg] if isinstance(arg, (list, tuple)) else self.data(rel.target, arg)
                    else:
                        nested[op] = arg
                out[key] = nested
            elif isinstance(value, Mapping) and key in m.by_name and not isinstance(value, Json):
                out[key] = {k: _value(v) for k, v in value.items()}  # update operations
            else:
                out[key] = _value(value)
        return out

    def include(self, model: str, inc: Any) -> Any:
        if not isinstance(inc, Mapping):
            return inc
        m = self.meta.models[model]
        out: dict[str, Any] = {}
        for key, value in inc.items():
            rel = m.relation_by_name.get(key)
            if rel is None or not isinstance(value, Mapping):
                out[key] = value
                continue
            args: dict[str, Any] = {}
            for k, v in value.items():
                if k == "where":
                    args["where"] = self.where(rel.target, v)
                elif k == "include":
                    args["include"] = self.include(rel.target, v)
                elif k in ("order_by", "order"):
                    args["order_by"] = v
                else:
                    args[k] = v
            out[key] = args
        return out


def row_factory(cls: Any, names: Sequence[str], bytes_fields: Sequence[str]) -> Callable[..., Any]:
    """What the engine calls with a row's values: a pydantic model built without validation
    (the values come from the database, already typed)."""
    wrap = [i for i, n in enumerate(names) if n in set(bytes_fields)]
    # what ``model_construct`` does, without its per-call field walk: the instance dict holds
    # every field (relations None until loaded); the scalar fields count as set
    rest = {n: None for n in cls.model_fields if n not in set(names)}
    fields_set = frozenset(names)
    new = cls.__new__
    setattr_ = object.__setattr__

    def make(*row: Any) -> Any:
        if wrap:
            values = list(row)
            for i in wrap:
                v = values[i]
                if v is not None:
                    values[i] = [Base64.encode(x) for x in v] if isinstance(v, list) else Base64.encode(v)
            row = tuple(values)
        obj = new(cls)
        data = dict(zip(names, row))
        if rest:
            data.update(rest)
        setattr_(obj, "__dict__", data)
        setattr_(obj, "__pydantic_fields_set__", set(fields_set))
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        return obj

    return make


# ============================================================================ raw queries

_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\$(\d+)|(\?)|(%)")


def raw_sql(provider: str, sql: str, args: Sequence[Any]) -> tuple[str, list[Any]]:
    """prisma-client-py's placeholders (``$1`` on PostgreSQL, ``?`` on MySQL/SQLite) -> the
    driver's; string literals and quoted names are left alone."""
    if provider == "sqlite":
        return sql, [_value(a) for a in args]
    params: list[Any] = []

    def sub(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            index = int(match.group(1)) - 1
            if not 0 <= index < len(args):
                raise RawQueryError(f"The query refers to ${index + 1} but {len(args)} arguments were given.")
            params.append(_value(args[index]))
            return "%s"
        if match.group(2) is not None:
            if provider == "postgresql":
                return "?"
            params.append(_value(args[len(params)]) if len(params) < len(args) else None)
            return "%s"
        if match.group(3) is not None:
            return "%%"
        return match.group(0).replace("%", "%%")

    text = _QUOTED.sub(sub, sql)
    return text, params


# ============================================================================ the client


class Registry:
    """``prisma.register(client)`` / ``prisma.get_client()`` for one generated package."""

    def __init__(self) -> None:
        self.client: Any = None

    def register(self, client: Any) -> None:
        if self.client is not None:
            raise ClientAlreadyRegisteredError("A client has already been registered.")
        self.client = client() if callable(client) and not hasattr(client, "_core") else client

    def get_client(self) -> Any:
        if self.client is None:
            raise ClientNotRegisteredError()
        return self.client


class Core:
    """One engine and its translator, shared by a client and the clients its ``tx()`` yields."""

    def __init__(self, meta: SchemaMeta, classes: Mapping[str, Any], enums: Mapping[str, type[Enum]], url: str | None,
                 package_dir: Path, asynchronous: bool = False) -> None:
        self.engine = Engine(meta, classes, enums, url, package_dir, asynchronous=asynchronous)
        self.tr = Translator(meta)
        self.connected = False

    def bound(self, engine: Engine) -> Core:
        """This core on a transaction's engine (:meth:`Engine.pinned`)."""
        core = copy.copy(self)
        core.engine = engine
        return core

    def check(self) -> None:
        if not self.connected:
            raise ClientNotConnectedError()

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.check()
        try:
            return fn(*args, **kwargs)
        except engine_errors.ClientError as exc:
            raise translate_error(exc) from exc

    # operations: prisma-client-py arguments in, its results out (synchronous)

    def op(self, model: str, name: str, kw: dict[str, Any]) -> Any:
        return self.call(getattr(self, "_" + name), model, **kw)

    def _read_args(self, model: str, where: Any, include: Any, order: Any) -> tuple[Any, Any, Any]:
        return self.tr.where(model, where), self.tr.include(model, include), order

    def _find_many(self, model: str, take: int | None = None, skip: int | None = None, where: Any = None,
                   cursor: Any = None, include: Any = None, order: Any = None, distinct: Any = None) -> list[Any]:
        w, inc, order = self._read_args(model, where, include, order)
        return self.engine.read(model, where=w, order_by=order, take=take, skip=skip, include=inc,
                                cursor=self.tr.where(model, cursor), distinct=distinct)

    def _find_first(self, model: str, skip: int | None = None, where: Any = None, cursor: Any = None,
                    include: Any = None, order: Any = None, distinct: Any = None) -> Any:
        found = self._find_many(model, 1, skip, where, cursor, include, order, distinct)
        return found[0] if found else None

    def _find_first_or_raise(self, model: str, **kw: Any) -> Any:
        found = self._find_first(model, **kw)
        if found is None:
            raise RecordNotFoundError(f"No {model} record was found for a query.")
        return found

    def _find_unique(self, model: str, where: Any, include: Any = None) -> Any:
        return self.engine.find_unique(model, self.tr.where(model, where), None, self.tr.include(model, include))

    def _find_unique_or_raise(self, model: str, where: Any, include: Any = None) -> Any:
        found = self._find_unique(model, where, include)
        if found is None:
            raise RecordNotFoundError(f"No {model} record was found for a query.")
        return found

    def _create(self, model: str, data: Any, include: Any = None) -> Any:
        return self.engine.create(model, self.tr.data(model, data), self.tr.include(model, include))

    def _create_many(self, model: str, data: Sequence[Any], skip_duplicates: bool = False) -> int:
        return self.engine.create_many(model, [self.tr.data(model, d) for d in data], skip_duplicates)

    def _update(self, model: str, data: Any, where: Any, include: Any = None) -> Any:
        try:
            return self.engine.update(model, self.tr.where(model, where), self.tr.data(model, data), self.tr.include(model, include))
        except engine_errors.RecordNotFoundError:
            return None

    def _update_many(self, model: str, data: Any, where: Any = None) -> int:
        return self.engine.update_many(model, self.tr.where(model, where), self.tr.data(model, data))

    def _upsert(self, model: str, where: Any, data: Mapping[str, Any], include: Any = None) -> Any:
        if not isinstance(data, Mapping) or "create" not in data or "update" not in data:
            raise DataError("upsert() needs data={'create': {...}, 'update': {...}}.")
        return self.engine.upsert(model, self.tr.where(model, where), self.tr.data(model, data["create"]),
                                  self.tr.data(model, data["update"]), self.tr.include(model, include))

    def _delete(self, model: str, where: Any, include: Any = None) -> Any:
        try:
            return self.engine.delete(model, self.tr.where(model, where), self.tr.include(model, include))
        except engine_errors.RecordNotFoundError:
            return None

    def _delete_many(self, model: str, where: Any = None) -> int:
        return self.engine.delete_many(model, self.tr.where(model, where))

    def _count(self, model: str, select: Any = None, take: int | None = None, skip: int | None = None,
               where: Any = None, cursor: Any = None, order: Any = None, distinct: Any = None) -> Any:
        w = self.tr.where(model, where)
        if take is None and skip is None and cursor is None and distinct is None:
            total = self.engine.count(model, w)
        else:
            pk = self.engine.meta.models[model].primary_key or tuple(f.name for f in self.engine.meta.models[model].fields)
            total = len(self.engine.read(model, where=w, order_by=order, take=take, skip=skip,
                                         select={n: True for n in pk}, cursor=self.tr.where(model, cursor), distinct=distinct))
        if select:
            return {k: total for k, on in select.items() if on}
        return total

    def _group_by(self, model: str, by: Sequence[str], where: Any = None, take: int | None = None, skip: int | None = None,
                  avg: Any = None, count: Any = None, min: Any = None, max: Any = None, sum: Any = None,
                  having: Any = None, order: Any = None) -> list[dict[str, Any]]:
        for name, given in (("take", take), ("skip", skip)):
            if given is not None and not order:
                raise TypeError(f"Missing argument: 'order' which is required when '{name}' is present")
        if isinstance(order, Mapping) and len(order) > 1:
            raise DataError(f"Expected a minimum of 0 and at most 1 fields to be present, got {len(order)}")
        aggregates: dict[str, list[str]] = {}
        for agg, spec in (("_count", count), ("_avg", avg), ("_sum", sum), ("_min", min), ("_max", max)):
            if spec is True:
                aggregates[agg] = ["_all"]
            elif isinstance(spec, Mapping):
                aggregates[agg] = [k for k, on in spec.items() if on]
        return self.engine.group_by(model, by, where=self.tr.where(model, where), having=self._having(model, having),
                                    order_by=order, take=take, skip=skip, aggregates=aggregates)

    def _having(self, model: str, having: Any) -> Any:
        if not isinstance(having, Mapping):
            return having
        out: dict[str, Any] = {}
        for key, value in having.items():
            if key in ("AND", "OR", "NOT"):
                out[key] = [self._having(model, x) for x in value] if isinstance(value, (list, tuple)) else self._having(model, value)
            elif isinstance(value, Mapping):
                out[key] = {k: (self.tr._filter(v) if k.startswith("_") else v) for k, v in value.items()}
                plain = {k: v for k, v in value.items() if not k.startswith("_")}
                if plain:
                    out[key].update(self.tr._filter(plain))
            else:
                out[key] = value
        return out

    # raw

    def query_raw(self, sql: str, args: Sequence[Any], model: Any = None) -> list[Any]:
        text, params = raw_sql(self.engine.dialect.provider, sql, args)
        rows = self.call(self.engine.fetch_dicts, text, params)
        if model is not None:
            return [model.model_validate(r) for r in rows]
        return rows

    def execute_raw(self, sql: str, args: Sequence[Any]) -> int:
        text, params = raw_sql(self.engine.dialect.provider, sql, args)
        return self.call(self.engine.execute, text, params)


OPERATIONS = (
    "group_by", "find_many", "find_first", "find_first_or_raise", "find_unique", "find_unique_or_raise", "create",
    "create_many", "update", "update_many", "upsert", "delete", "delete_many", "count",
)
BATCHABLE = ("create", "create_many", "update", "update_many", "upsert", "delete", "delete_many")


class Actions(Generic[T]):
    """``db.user`` / ``User.prisma()`` of a synchronous client: each method is one engine call."""

    _model: ClassVar[str]

    def __init__(self, client: Any) -> None:
        self._client = client

    def _op(self, name: str, kw: dict[str, Any]) -> Any:
        return self._client._core.op(self._model, name, kw)

    def find_many(self, take: int | None = None, skip: int | None = None, where: Any = None, cursor: Any = None,
                  include: Any = None, order: Any = None, distinct: Any = None) -> list[T]:
        return self._op("find_many", dict(take=take, skip=skip, where=where, cursor=cursor, include=include, order=order, distinct=distinct))  # type: ignore[no-any-return]

    def find_first(self, skip: int | None = None, where: Any = None, cursor: Any = None, include: Any = None,
                   order: Any = None, distinct: Any = None) -> T | None:
        return self._op("find_first", dict(skip=skip, where=where, cursor=cursor, include=include, order=order, distinct=distinct))  # type: ignore[no-any-return]

    def find_first_or_raise(self, skip: int | None = None, where: Any = None, cursor: Any = None, include: Any = None,
                            order: Any = None, distinct: Any = None) -> T:
        return self._op("find_first_or_raise", dict(skip=skip, where=where, cursor=cursor, include=include, order=order, distinct=distinct))  # type: ignore[no-any-return]

    def find_unique(self, where: Any, include: Any = None) -> T | None:
        return self._op("find_unique", dict(where=where, include=include))  # type: ignore[no-any-return]

    def find_unique_or_raise(self, where: Any, include: Any = None) -> T:
        return self._op("find_unique_or_raise", dict(where=where, include=include))  # type: ignore[no-any-return]

    def create(self, data: Any, include: Any = None) -> T:
        return self._op("create", dict(data=data, include=include))  # type: ignore[no-any-return]

    def create_many(self, data: Sequence[Any], *, skip_duplicates: bool | None = None) -> int:
        return self._op("create_many", dict(data=data, skip_duplicates=bool(skip_duplicates)))  # type: ignore[no-any-return]

    def update(self, data: Any, where: Any, include: Any = None) -> T | None:
        return self._op("update", dict(data=data, where=where, include=include))  # type: ignore[no-any-return]

    def update_many(self, data: Any, where: Any) -> int:
        return self._op("update_many", dict(data=data, where=where))  # type: ignore[no-any-return]

    def upsert(self, where: Any, data: Any, include: Any = None) -> T:
        return self._op("upsert", dict(where=where, data=data, include=include))  # type: ignore[no-any-return]

    def delete(self, where: Any, include: Any = None) -> T | None:
        return self._op("delete", dict(where=where, include=include))  # type: ignore[no-any-return]

    def delete_many(self, where: Any = None) -> int:
        return self._op("delete_many", dict(where=where))  # type: ignore[no-any-return]

    def count(self, select: Any = None, take: int | None = None, skip: int | None = None, where: Any = None,
              cursor: Any = None, order: Any = None, distinct: Any = None) -> Any:
        return self._op("count", dict(select=select, take=take, skip=skip, where=where, cursor=cursor, order=order, distinct=distinct))

    def group_by(self, by: Sequence[str], where: Any = None, take: int | None = None, skip: int | None = None,
                 avg: Any = None, count: Any = None, min: Any = None, max: Any = None, sum: Any = None,
                 having: Any = None, order: Any = None) -> list[dict[str, Any]]:
        return self._op("group_by", dict(by=by, where=where, take=take, skip=skip, avg=avg, count=count, min=min, max=max, sum=sum, having=having, order=order))  # type: ignore[no-any-return]


class AsyncActions(Generic[T]):
    """``db.user`` of an async client: the same operations, awaited (run on the client's thread)."""

    _model: ClassVar[str]

    def __init__(self, client: Any) -> None:
        self._client = client

    async def _op(self, name: str, kw: dict[str, Any]) -> Any:
        return await self._client._run(self._client._core.op, self._model, name, kw)

    async def find_many(self, take: int | None = None, skip: int | None = None, where: Any = None, cursor: Any = None,
                        include: Any = None, order: Any = None, distinct: Any = None) -> list[T]:
        return await self._op("find_many", dict(take=take, skip=skip, where=where, cursor=cursor, include=include, order=order, distinct=distinct))  # type: ignore[no-any-return]

    async def find_first(self, skip: int | None = None, where: Any = None, cursor: Any = None, include: Any = None,
                         order: Any = None, distinct: Any = None) -> T | None:
        return await self._op("find_first", dict(skip=skip, where=where, cursor=cursor, include=include, order=order, distinct=distinct))  # type: ignore[no-any-return]

    async def find_first_or_raise(self, skip: int | None = None, where: Any = None, cursor: Any = None, include: Any = None,
                                  order: Any = None, distinct: Any = None) -> T:
        return await self._op("find_first_or_raise", dict(skip=skip, where=where, cursor=cursor, include=include, order=order, distinct=distinct))  # type: ignore[no-any-return]

    async def find_unique(self, where: Any, include: Any = None) -> T | None:
        return await self._op("find_unique", dict(where=where, include=include))  # type: ignore[no-any-return]

    async def find_unique_or_raise(self, where: Any, include: Any = None) -> T:
        return await self._op("find_unique_or_raise", dict(where=where, include=include))  # type: ignore[no-any-return]

    async def create(self, data: Any, include: Any = None) -> T:
        return await self._op("create", dict(data=data, include=include))  # type: ignore[no-any-return]

    async def create_many(self, data: Sequence[Any], *, skip_duplicates: bool | None = None) -> int:
        return await self._op("create_many", dict(data=data, skip_duplicates=bool(skip_duplicates)))  # type: ignore[no-any-return]

    async def update(self, data: Any, where: Any, include: Any = None) -> T | None:
        return await self._op("update", dict(data=data, where=where, include=include))  # type: ignore[no-any-return]

    async def update_many(self, data: Any, where: Any) -> int:
        return await self._op("update_many", dict(data=data, where=where))  # type: ignore[no-any-return]

    async def upsert(self, where: Any, data: Any, include: Any = None) -> T:
        return await self._op("upsert", dict(where=where, data=data, include=include))  # type: ignore[no-any-return]

    async def delete(self, where: Any, include: Any = None) -> T | None:
        return await self._op("delete", dict(where=where, include=include))  # type: ignore[no-any-return]

    async def delete_many(self, where: Any = None) -> int:
        return await self._op("delete_many", dict(where=where))  # type: ignore[no-any-return]

    async def count(self, select: Any = None, take: int | None = None, skip: int | None = None, where: Any = None,
                    cursor: Any = None, order: Any = None, distinct: Any = None) -> Any:
        return await self._op("count", dict(select=select, take=take, skip=skip, where=where, cursor=cursor, order=order, distinct=distinct))

    async def group_by(self, by: Sequence[str], where: Any = None, take: int | None = None, skip: int | None = None,
                 avg: Any = None, count: Any = None, min: Any = None, max: Any = None, sum: Any = None,
                 having: Any = None, order: Any = None) -> list[dict[str, Any]]:
        return await self._op("group_by", dict(by=by, where=where, take=take, skip=skip, avg=avg, count=count, min=min, max=max, sum=sum, having=having, order=order))  # type: ignore[no-any-return]


class _BatchActions:
    """``batcher.user``: records write operations; the batch runs them in one transaction."""

    def __init__(self, batch: Any, model: str) -> None:
        self._batch = batch
        self._model = model

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name not in BATCHABLE:
            raise AttributeError(f"`{name}` cannot be batched; batchable: {', '.join(BATCHABLE)}")
        sig = getattr(Actions, name)

        def record(*args: Any, **kwargs: Any) -> None:
            import inspect

            bound = inspect.signature(sig).bind(None, *args, **kwargs)
            kw = {k: v for k, v in bound.arguments.items() if k != "self"}
            if name == "create_many":
                kw["skip_duplicates"] = bool(kw.get("skip_duplicates"))
            self._batch._ops.append((self._model, name, kw))

        return record


class _Batch:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._ops: list[tuple[str, str, dict[str, Any]]] = []
        for attr, model in client._delegates.items():
            setattr(self, attr, _BatchActions(self, model))

    def execute_raw(self, query: str, *args: Any) -> None:
        self._ops.append(("", "execute_raw", {"query": query, "args": args}))

    def _commit(self) -> None:
        core: Core = self._client._core
        core.check()
        ops, self._ops = self._ops, []
        with core.engine.transaction():
            for model, name, kw in ops:
                if name == "execute_raw":
                    core.execute_raw(kw["query"], kw["args"])
                else:
                    core.op(model, name, kw)


class Batch(_Batch):
    """``with db.batch_() as batcher:`` (or ``batcher.commit()``)."""

    def commit(self) -> None:
        self._commit()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self._commit()


class AsyncBatch(_Batch):
    """``async with db.batch_() as batcher:`` (or ``await batcher.commit()``)."""

    async def commit(self) -> None:
        await self._client._run(self._commit)

    async def __aenter__(self) -> AsyncBatch:
        return self

    async def __aexit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            await self.commit()


def _connection_error(exc: Exception) -> EngineConnectionError:
    """A failed ``connect()``: the engine's error, or the driver's/connectors' own."""
    return EngineConnectionError(exc.message if isinstance(exc, engine_errors.ClientError) else str(exc))


class _ClientBase:
    """What the generated ``Prisma`` class sets, and its constructor."""

    _meta: ClassVar[SchemaMeta]
    _classes: ClassVar[Mapping[str, Any]]
    _enum_classes: ClassVar[Mapping[str, type[Enum]]]
    _package_dir: ClassVar[Path]
    _registry: ClassVar[Registry]
    _delegates: ClassVar[Mapping[str, str]]  # attribute -> model
    _actions: ClassVar[Mapping[str, type]]  # attribute -> actions class
    _core: Core
    _asynchronous: ClassVar[bool] = False

    def __init__(self, *, use_dotenv: bool = True, log_queries: bool = False, datasource: Mapping[str, str] | None = None,
                 connect_timeout: Any = None, http: Any = None, auto_register: bool = False, _core: Core | None = None) -> None:
        url = datasource.get("url") if datasource else None
        self._core = _core or Core(self._meta, self._classes, self._enum_classes, url, self._package_dir, self._asynchronous)
        self._tx_parent = _core is not None
        for attr, cls in self._actions.items():
            setattr(self, attr, cls(self))
        if auto_register:
            self._registry.register(self)

    def is_registered(self) -> bool:
        return self._registry.client is self

    def is_connected(self) -> bool:
        return self._core.connected

    def _connect(self) -> None:
        if self._core.connected:
            raise PrismaError("Already connected to the query engine")
        try:
            self._core.engine.connect()
        except Exception as exc:
            raise _connection_error(exc) from exc
        self._core.connected = True

    def _disconnect(self) -> None:
        self._core.engine.close()
        self._core.connected = False


class SyncPrismaBase(_ClientBase):
    def connect(self, timeout: Any = None) -> None:
        self._connect()

    def disconnect(self, timeout: Any = None) -> None:
        self._disconnect()

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.is_connected():
            self.disconnect()

    def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    def batch_(self) -> Batch:
        return Batch(self)

    @contextmanager
    def tx(self, max_wait: Any = None, timeout: Any = None) -> Iterator[Self]:
        """One transaction: the yielded client's operations commit together, or roll back when
        the block raises."""
        self._core.check()
        with self._core.engine.tx() as engine:
            yield type(self)(_core=self._core.bound(engine))

    def query_raw(self, query: str, *args: Any, model: Any = None) -> list[Any]:
        return self._core.query_raw(query, args, model)

    def query_first(self, query: str, *args: Any, model: Any = None) -> Any:
        rows = self._core.query_raw(query, args, model)
        return rows[0] if rows else None

    def execute_raw(self, query: str, *args: Any) -> int:
        return self._core.execute_raw(query, args)


class AsyncPrismaBase(_ClientBase):
    _asynchronous = True

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._core.engine.arun(fn, *args)

    async def connect(self, timeout: Any = None) -> None:
        if self._core.connected:
            raise PrismaError("Already connected to the query engine")
        try:
            await self._core.engine.aconnect()
        except Exception as exc:
            raise _connection_error(exc) from exc
        self._core.connected = True

    async def disconnect(self, timeout: Any = None) -> None:
        await self._core.engine.aclose()
        self._core.connected = False

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.is_connected():
            await self.disconnect()

    def batch_(self) -> AsyncBatch:
        return AsyncBatch(self)

    def tx(self, max_wait: Any = None, timeout: Any = None) -> AbstractAsyncContextManager[Self]:
        from collections.abc import AsyncIterator
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def manager() -> AsyncIterator[Self]:
            self._core.check()
            async with self._core.engine.atx() as engine:
                yield type(self)(_core=self._core.bound(engine))

        return manager()

    async def query_raw(self, query: str, *args: Any, model: Any = None) -> list[Any]:
        return await self._run(self._core.query_raw, query, args, model)

    async def query_first(self, query: str, *args: Any, model: Any = None) -> Any:
        rows = await self.query_raw(query, *args, model=model)
        return rows[0] if rows else None

    async def execute_raw(self, query: str, *args: Any) -> int:
        return await self._run(self._core.execute_raw, query, args)
