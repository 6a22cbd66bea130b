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

import asyncio
import base64
import copy
import datetime
import importlib
import json
import re
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar

from schemashift.client import errors as engine_errors
from schemashift.client.engine import Engine, aggregate_fields, show_query_log
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


class UnknownRelationalFieldError(PrismaError):
    def __init__(self, model: str, field: str) -> None:
        super().__init__(f'Field: "{field}" either does not exist or is not a relational field on the {model} model')
        self.model = model
        self.field = field


class TransactionNotStartedError(TransactionError):
    def __init__(self) -> None:
        super().__init__("Transaction has not been started yet.\nTransactions must be used within a context manager or started manually using `.start()`.")


class UnsupportedDatabaseError(PrismaError):
    def __init__(self, database: str, operation: str) -> None:
        super().__init__(f"{operation} is not supported by {database}")
        self.database = database
        self.operation = operation


ERRORS = [
    "PrismaError", "ClientNotConnectedError", "ClientAlreadyRegisteredError", "ClientNotRegisteredError",
    "EngineConnectionError", "DataError", "UniqueViolationError", "ForeignKeyViolationError",
    "MissingRequiredValueError", "RawQueryError", "TableNotFoundError", "FieldNotFoundError", "InputError",
    "RecordNotFoundError", "TransactionError", "TransactionExpiredError", "TransactionNotFoundError",
    "TransactionNotStartedError", "UnsupportedDatabaseError", "UnknownRelationalFieldError",
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
    if isinstance(exc, engine_errors.TransactionStartError):  # P2028, as its engine wrapper raised it
        return TransactionError(exc.message)
    return PrismaError(exc.message)


# ============================================================================ fields (prisma.fields)


_VALIDATORS: dict[Any, Any] = {}


def validate(type: Any, data: Any) -> Any:  # noqa: A002 - prisma-client-py's parameter name
    """``prisma.validate(types.UserCreateInput, data)``: untrusted ``data`` checked against one of
    the package's TypedDicts with pydantic (unknown keys refused at the top level, values
    coerced as pydantic does), returned as a dict of the keys given; a ``pydantic.ValidationError``
    says what is wrong. Anything but a TypedDict is a ``TypeError``, as in prisma-client-py."""
    from typing_extensions import is_typeddict

    if not is_typeddict(type):
        raise TypeError(f"Only TypedDict types are supported, got: {type} instead.")
    adapter = _VALIDATORS.get(type)
    if adapter is None:
        from pydantic import ConfigDict, TypeAdapter

        type.__pydantic_config__ = ConfigDict(extra="forbid")
        adapter = _VALIDATORS[type] = TypeAdapter(type)
    return adapter.validate_python(data)


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

    def __getitem__(self, key: Any) -> Any:
        return self.data[key]

    @staticmethod
    def _parse(value: Any) -> Any:
        """pydantic input of a Json field: JSON text is parsed (as prisma-client-py's
        ``pydantic.Json``-based field), a ``Json`` unwrapped, other values kept."""
        if isinstance(value, Json):
            return value.data
        if isinstance(value, (str, bytes)):
            return json.loads(value)
        return value

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(cls._parse, core_schema.any_schema())

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        return {"contentMediaType": "application/json", "contentSchema": {}, "type": "string"}


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
        return isinstance(other, Base64) and self._raw == other._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __str__(self) -> str:
        return self._raw.decode("ascii")

    def __repr__(self) -> str:
        return f"Base64({str(self)!r})"

    @classmethod
    def _validate(cls, value: Any) -> Base64:
        """pydantic input: a Base64, or base64 text (str/bytes), as prisma-client-py takes it."""
        if isinstance(value, Base64):
            return value
        if isinstance(value, str):
            return cls(value.encode("ascii"))
        if isinstance(value, (bytes, bytearray)):
            return cls(bytes(value))
        raise ValueError(f"Cannot convert {type(value).__name__} to Base64")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(
            cls._validate, core_schema.any_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        return {"type": "string", "format": "byte"}


# ============================================================================ translation

_NOT_FOUND = "An operation failed because it depends on one or more records that were required but not found. Expected a record, found none."
_FILTER_KEYS = {"not_in": "notIn", "startswith": "startsWith", "endswith": "endsWith", "has_every": "hasEvery",
                "has_some": "hasSome", "is_empty": "isEmpty"}
_RELATION_KEYS = {"is_not": "isNot"}
_NESTED_OPS = {"connect_or_create": "connectOrCreate", "delete_many": "deleteMany", "update_many": "updateMany"}


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
                _FILTER_KEYS.get(k, k): (self._filter(v) if k == "not" and not isinstance(v, Json) else _value(v))
                for k, v in value.items()
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
                out[key] = {str(_NESTED_OPS.get(op, op)): self._nested(rel.target, str(_NESTED_OPS.get(op, op)), arg)
                            for op, arg in value.items()}
            elif isinstance(value, Mapping) and key in m.by_name and not isinstance(value, Json):
                out[key] = {k: _value(v) for k, v in value.items()}  # update operations
            else:
                out[key] = _value(value)
        return out

    def _nested(self, target: str, op: str, arg: Any) -> Any:
        """One nested write's argument, in the engine's spelling (lists item by item)."""
        if isinstance(arg, (list, tuple)):
            return [self._nested(target, op, x) for x in arg]
        if not isinstance(arg, Mapping):
            return arg  # `disconnect: True`, `delete: True`
        if op in ("connect", "disconnect", "delete", "deleteMany", "set"):
            return self.where(target, arg)
        if op == "create":
            return self.data(target, arg)
        out = dict(arg)
        if "where" in out:
            out["where"] = self.where(target, out["where"])
        for part in ("create", "update", "data"):
            if part in out:
                out[part] = self.data(target, out[part])
        if op == "update" and not set(arg) & {"where", "data"}:
            return self.data(target, arg)  # a to-one relation's `update: {...data}`
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
                elif k == "cursor":
                    args["cursor"] = self.where(rel.target, v)
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


def _raw_value(v: Any) -> Any:
    """A raw query's value in the JSON form prisma-client-py returns."""
    if isinstance(v, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        v = v.astimezone(datetime.timezone.utc)
        text = v.strftime("%Y-%m-%dT%H:%M:%S")
        if v.microsecond:
            text += f".{v.microsecond // 1000:03d}"
        return text + "+00:00"
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, list):
        return [_raw_value(x) for x in v]
    return v

_FROM_TABLES = re.compile(r'(?i)\b(?:FROM|JOIN)\s+((?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_]*))')
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\$(\d+)|(\?)|(%)")


def _raw_arg(a: Any) -> Any:
    """A raw query's argument: ``Json``/dict values go as compact JSON text (how Json fields are stored)."""
    v = _value(a)
    if isinstance(a, Json) or isinstance(v, dict):
        return json.dumps(v, separators=(",", ":"))
    if isinstance(v, Decimal):
        return str(v)  # sqlite3 cannot bind Decimal; the others compare the text as a number
    return v


def raw_sql(provider: str, sql: str, args: Sequence[Any]) -> tuple[str, list[Any]]:
    """prisma-client-py's placeholders (``$1`` on PostgreSQL, ``?`` on MySQL/SQLite) -> the
    driver's; string literals and quoted names are left alone."""
    if provider == "sqlite":
        return sql, [_raw_arg(a) for a in args]
    params: list[Any] = []

    def sub(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            index = int(match.group(1)) - 1
            if not 0 <= index < len(args):
                raise RawQueryError(f"The query refers to ${index + 1} but {len(args)} arguments were given.")
            params.append(_raw_arg(args[index]))
            return "%s"
        if match.group(2) is not None:
            if provider == "postgresql":
                return "?"
            params.append(_raw_arg(args[len(params)]) if len(params) < len(args) else None)
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


class Stats:
    """What ``get_metrics()`` reports: operations run, running, and their durations (ms)."""

    BUCKETS = (0, 1, 5, 10, 50, 100, 500, 1000, 5000, 50000)

    def __init__(self) -> None:
        self.total = 0
        self.active = 0
        self.sum_ms = 0.0
        self.counts = [0] * len(self.BUCKETS)

    def record(self, ms: float) -> None:
        self.total += 1
        self.sum_ms += ms
        for i, limit in enumerate(self.BUCKETS):
            if ms <= limit:
                self.counts[i] += 1
                break

    def as_json(self, open_connections: int, labels: Mapping[str, str]) -> dict[str, Any]:
        """Prisma's metrics JSON: counters, gauges and one duration histogram."""
        cumulative, running = [], 0
        for limit, n in zip(self.BUCKETS, self.counts):
            running += n
            cumulative.append({"max_value": float(limit), "total_count": running})

        def metric(key: str, value: Any, description: str) -> dict[str, Any]:
            return {"key": key, "labels": dict(labels), "value": value, "description": description}

        return {
            "counters": [
                metric("prisma_client_queries_total", self.total, "Total number of Prisma Client queries executed"),
                metric("prisma_datasource_queries_total", self.total, "Total number of Datasource Queries executed"),
            ],
            "gauges": [
                metric("prisma_client_queries_active", self.active, "Number of currently active Prisma Client queries"),
                metric("prisma_pool_connections_open", open_connections, "Number of currently open Pool Connections"),
            ],
            "histograms": [
                metric("prisma_client_queries_duration_histogram_ms",
                       {"buckets": cumulative, "sum": self.sum_ms, "count": self.total},
                       "Histogram of the duration of all executed Prisma Client queries in ms"),
            ],
        }

    def prometheus(self, open_connections: int, labels: Mapping[str, str]) -> str:
        data = self.as_json(open_connections, labels)
        tags = ",".join(f'{k}="{v}"' for k, v in labels.items())
        out: list[str] = []
        for kind, items in (("counter", data["counters"]), ("gauge", data["gauges"])):
            for item in items:
                out += [f"# HELP {item['key']} {item['description']}", f"# TYPE {item['key']} {kind}",
                        f"{item['key']}{{{tags}}} {item['value']}" if tags else f"{item['key']} {item['value']}", ""]
        for item in data["histograms"]:
            key, value = item["key"], item["value"]
            out += [f"# HELP {key} {item['description']}", f"# TYPE {key} histogram"]
            sep = "," if tags else ""
            for b in value["buckets"]:
                out.append(f'{key}_bucket{{{tags}{sep}le="{b["max_value"]:g}"}} {b["total_count"]}')
            out.append(f'{key}_bucket{{{tags}{sep}le="+Inf"}} {value["count"]}')
            suffix = f"{{{tags}}}" if tags else ""
            out += [f"{key}_sum{suffix} {value['sum']}", f"{key}_count{suffix} {value['count']}", ""]
        return "\n".join(out)


class Core:
    """One engine and its translator, shared by a client and the clients its ``tx()`` yields
    (:meth:`in_tx`: a copy on the transaction's pooled connection)."""

    def __init__(self, meta: SchemaMeta, classes: Mapping[str, Any], enums: Mapping[str, type[Enum]], url: str | None,
                 package_dir: Path, asynchronous: bool = False, log_queries: bool = False) -> None:
        self.engine = Engine(meta, classes, enums, url, package_dir, asynchronous=asynchronous, log_queries=log_queries)
        #: the client's engine, on its pool (``engine`` of a `tx()` client is bound to one connection)
        self.root = self.engine
        self.tr = Translator(meta)
        self.connected = False
        self.tx: _TxState | None = None  # set on the core of a `tx()` client
        self.stats = Stats()

    def in_tx(self, engine: Engine, timeout: float) -> Core:
        """This core on a transaction's engine (:meth:`Engine.begin`: BEGIN done on one
        connection of the pool), with the transaction's clock."""
        core = copy.copy(self)
        core.engine = engine
        core.connected = True
        core.tx = _TxState(timeout, engine.asynchronous)
        return core

    def check(self) -> None:
        t = self.tx
        if not self.connected and (t is None or not t.closed):
            raise ClientNotConnectedError()
        if t is not None:
            if t.closed:
                raise TransactionExpiredError(
                    t.expired_message() if t.timed_out else "Transaction already closed: A query cannot be executed on a closed transaction."
                )
            if t.expired():
                if not t.asynchronous:  # an async client's call ends it (AsyncPrismaBase._run), or its timer
                    self.end_tx(commit=False)
                raise TransactionExpiredError(t.expired_message())

    # a `tx()` client's transaction: the timeout rolls it back and gives its connection back to
    # the pool, as Prisma's engine does; an operation under way finishes first (the lock)

    def expire_at_timeout(self) -> None:
        """Start the transaction's timer (a thread of a sync client; the event loop's for async)."""
        t = self.tx
        assert t is not None
        if t.asynchronous:
            loop = asyncio.get_running_loop()

            def fire() -> None:
                t.task = loop.create_task(self.aexpire())

            t.handle = loop.call_later(t.timeout, fire)
        else:
            t.timer = threading.Timer(t.timeout, self.expire)
            t.timer.daemon = True
            t.timer.start()

    def expire(self) -> None:
        t = self.tx
        assert t is not None and t.lock is not None
        with t.lock:
            if t.closed:
                return
            t.closed = t.timed_out = True
            self.connected = False
            try:
                self.engine.end(False)
            except Exception:  # noqa: BLE001 - the connection may be gone already (the pool drops it)
                pass

    async def aexpire(self) -> None:
        t = self.tx
        assert t is not None and t.alock is not None
        async with t.alock:
            if t.closed:
                return
            t.closed = t.timed_out = True
            self.connected = False
            try:
                await self.engine.aend(False)
            except Exception:  # noqa: BLE001 - as expire()
                pass

    def _closing(self, commit: bool) -> bool | None:
        """Mark the transaction closed for ``commit()``/``rollback()``: whether to COMMIT (a
        timeout passed: ROLLBACK), None when it was closed already."""
        t = self.tx
        if t is None:
            raise TransactionNotStartedError()
        t.cancel_timer()
        if t.closed:
            if t.timed_out and commit:
                raise TransactionExpiredError(t.expired_message())
            if t.timed_out:
                return None
            raise TransactionExpiredError("Transaction already closed: A commit cannot be executed on a closed transaction.")
        t.timed_out = t.expired()
        t.closed = True
        self.connected = False
        return commit and not t.timed_out

    def end_tx(self, commit: bool) -> None:
        """COMMIT (ROLLBACK if ``commit`` is false or the timeout has passed) and give the
        connection back; past the timeout it raises ``TransactionExpiredError``."""
        t = self.tx
        if t is None or t.lock is None:
            raise TransactionNotStartedError()
        with t.lock:
            go = self._closing(commit)
            if go is not None:
                self.engine.end(go)
        if commit and t.timed_out:
            raise TransactionExpiredError(t.expired_message())

    async def aend_tx(self, commit: bool) -> None:
        """:meth:`end_tx` of an async client."""
        t = self.tx
        if t is None or t.alock is None:
            raise TransactionNotStartedError()
        async with t.alock:
            go = self._closing(commit)
            if go is not None:
                await self.engine.aend(go)
        if commit and t.timed_out:
            raise TransactionExpiredError(t.expired_message())

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        lock = self.tx.lock if self.tx is not None else None
        if lock is not None:
            with lock:  # a transaction's timeout does not cut an operation short
                return self._call(fn, *args, **kwargs)
        return self._call(fn, *args, **kwargs)

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.check()
        stats = self.stats
        stats.active += 1
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except engine_errors.ClientError as exc:
            raise translate_error(exc) from exc
        finally:
            stats.active -= 1
            stats.record((time.perf_counter() - started) * 1000)

    # operations: prisma-client-py arguments in, its results out (synchronous)

    def op(self, model: str, name: str, kw: dict[str, Any], cls: Any = None) -> Any:
        """One operation; ``cls``: a user's model class (a subclass, a ``prisma.bases`` class or a
        partial) whose instances it returns."""
        if cls is not None:
            self._check_class(model, cls, kw.get("include"))
        result = self.call(getattr(self, "_" + name), model, **kw)
        if cls is not None and name in RECORD_OPS:
            result = _as_class(result, cls)
        return result

    def _check_class(self, model: str, cls: Any, include: Any) -> None:
        m = self.engine.meta.models[model]
        for name in getattr(cls, "model_fields", {}):
            if name not in m.by_name and name not in m.relation_by_name:
                raise FieldNotFoundError(f"Field '{name}' not found in enclosing type '{model}'")
        for name in include or {}:
            if name not in getattr(cls, "model_fields", {}) or name not in m.relation_by_name:
                raise UnknownRelationalFieldError(cls.__name__, name)

    def _read_args(self, model: str, where: Any, include: Any, order: Any) -> tuple[Any, Any, Any]:
        return self.tr.where(model, where), self.tr.include(model, include), self._order(model, order)

    def _order(self, model: str, order: Any) -> Any:
        """prisma-client-py's ``order``: one field per dict (a list for several)."""
        m = self.engine.meta.models[model]
        for item in order if isinstance(order, (list, tuple)) else [order] if order else []:
            if len(item) > 1:
                raise DataError(f"Expected a minimum of 0 and at most 1 fields to be present, got {len(item)}")
            for name, spec in item.items():
                if (name not in m.by_name and name != "_relevance") or spec is None:
                    raise FieldNotFoundError(f"Field does not exist in enclosing type: at `orderBy.{name}`")
        return order

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
            raise RecordNotFoundError(_NOT_FOUND)
        return found

    def _find_unique(self, model: str, where: Any, include: Any = None) -> Any:
        return self.engine.find_unique(model, self.tr.where(model, where), None, self.tr.include(model, include))

    def _find_unique_or_raise(self, model: str, where: Any, include: Any = None) -> Any:
        found = self._find_unique(model, where, include)
        if found is None:
            raise RecordNotFoundError(_NOT_FOUND)
        return found

    def _create(self, model: str, data: Any, include: Any = None) -> Any:
        return self.engine.create(model, self.tr.data(model, data), self.tr.include(model, include))

    def _create_many(self, model: str, data: Sequence[Any], skip_duplicates: bool = False) -> int:
        return self.engine.create_many(model, [self.tr.data(model, d) for d in data], skip_duplicates)

    def _check_ops(self, model: str, data: Any) -> None:
        """An update's field operations: one per field (``{"increment": 1}``)."""
        m = self.engine.meta.models[model]
        for key, value in (data or {}).items():
            f = m.by_name.get(key)
            if f is not None and f.type != "Json" and isinstance(value, Mapping) and len(value) != 1:
                raise DataError(f"Expected exactly one field to be present, got {len(value)}")

    def _update(self, model: str, data: Any, where: Any, include: Any = None) -> Any:
        self._check_ops(model, data)
        try:
            return self.engine.update(model, self.tr.where(model, where), self.tr.data(model, data), self.tr.include(model, include))
        except engine_errors.RecordNotFoundError:
            return None

    def _update_many(self, model: str, data: Any, where: Any = None) -> int:
        self._check_ops(model, data)
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
        if select is not None:
            if not select:
                return {"_all": total}
            out = {}
            for k, on in select.items():
                if on:
                    out[k] = total if k == "_all" else self.engine.count(model, {"AND": [w or {}, {k: {"not": None}}]})
            return out
        return total

    def _group_by(self, model: str, by: Sequence[str], where: Any = None, take: int | None = None, skip: int | None = None,
                  avg: Any = None, count: Any = None, min: Any = None, max: Any = None, sum: Any = None,
                  having: Any = None, order: Any = None) -> list[dict[str, Any]]:
        for name, given in (("take", take), ("skip", skip)):
            if given is not None and not order:
                raise TypeError(f"Missing argument: 'order' which is required when '{name}' is present")
        if isinstance(order, Mapping) and len(order) > 1:
            raise DataError(f"Expected a minimum of 0 and at most 1 fields to be present, got {len(order)}")
        aggregates = aggregate_fields(dict(count=count, avg=avg, sum=sum, min=min, max=max))
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
        """Rows as prisma-client-py gives them: dicts of JSON-like values (Bytes as base64 text,
        DateTime as ISO text, Decimal as float, BigInt as int), or ``model`` instances (the
        columns of that model's table read as the model's fields)."""
        text, params = raw_sql(self.engine.dialect.provider, sql, args)
        rows = self._raw_call(self.engine.fetch_dicts, text, params)
        if model is None:
            readers = self._sqlite_raw_readers(sql, rows[0]) if rows and self.engine.dialect.provider == "sqlite" else {}
            return [{k: _raw_value(readers[k](v) if k in readers and v is not None else v) for k, v in r.items()} for r in rows]
        name = getattr(model, "__prisma_model__", None)
        m = self.engine.models.get(name) if name else None
        if m is None:
            return [model.model_validate(r) for r in rows]
        by_column = {f.column: f for f in m.meta.fields}
        out = []
        for r in rows:
            data: dict[str, Any] = {}
            for column, v in r.items():
                f = by_column.get(column)
                if f is None:
                    data[column] = v
                    continue
                reader = m.readers.get(f.name)
                if reader is not None and (v is not None or f.is_list):
                    v = reader(v)
                if v is not None and f.type == "Bytes":
                    v = [Base64.encode(x) for x in v] if isinstance(v, list) else Base64.encode(v)
                elif v is not None and f.type == "Json" and not f.is_list:
                    v = json.dumps(v)  # the field's validator parses JSON text
                data[f.name] = v
            out.append(model.model_validate(data))
        return out

    def _sqlite_raw_readers(self, sql: str, row: Mapping[str, Any]) -> dict[str, Callable[[Any], Any]]:
        """SQLite gives a raw query's values as stored, without column types: a result column
        named as a column of a table the query reads (``FROM``/``JOIN``), in one such model
        only, is read as that field (Boolean ``1`` -> ``True``, DateTime milliseconds -> a
        datetime), as Prisma's engine did from the declared types."""
        named = {w.strip('"`[]').lower() for w in _FROM_TABLES.findall(sql)}
        models = [m for m in self.engine.models.values() if m.meta.table.lower() in named]
        out: dict[str, Callable[[Any], Any]] = {}
        for column in row:
            fields = [(m, f) for m in models for f in m.meta.fields if f.column == column]
            if len(fields) == 1 and fields[0][1].type in ("Boolean", "DateTime"):
                reader = fields[0][0].readers.get(fields[0][1].name)
                if reader is not None:
                    out[column] = reader
        return out

    def execute_raw(self, sql: str, args: Sequence[Any]) -> int:
        text, params = raw_sql(self.engine.dialect.provider, sql, args)
        return self._raw_call(self.engine.execute, text, params)

    def _raw_call(self, fn: Callable[..., T], *args: Any) -> T:
        """A raw query: the database's errors other than constraint violations are ``RawQueryError``."""
        try:
            return self.call(fn, *args)
        except PrismaError as exc:
            if type(exc) is DataError:
                raise RawQueryError(str(exc)) from exc.__cause__
            raise


RECORD_OPS = frozenset(
    ("find_many", "find_first", "find_first_or_raise", "find_unique", "find_unique_or_raise", "create", "update", "upsert", "delete")
)


def _is_generated(cls: Any, model: str) -> bool:
    """Whether ``cls`` is the generated ``prisma.models.<model>`` (its records need no conversion)."""
    return bool(cls.__name__ == model and cls.__module__.rsplit(".", 1)[-1] == "models")


def _as_class(result: Any, cls: Any) -> Any:
    if result is None:
        return None
    if isinstance(result, list):
        return [_as_class(r, cls) for r in result]
    return cls.model_validate(result, from_attributes=True)


def partial_spec(model: str, name: str, include: Any, exclude: Any, required: Any, optional: Any,
                 relations: Any, exclude_relational_fields: bool, taken: Sequence[str]) -> dict[str, Any]:
    """What ``Model.create_partial(...)`` declares, checked: the partial's fields and overrides
    (``schemashift generate`` renders ``prisma.partials`` from these)."""
    from schemashift.client.errors import ClientValidationError

    models = _PARTIAL_META.get("meta")
    if models is None:
        raise ClientValidationError("create_partial() runs only within the partial type generator of `schemashift generate`.")
    m = models.models[model]
    names = [f.name for f in m.fields] + ([] if exclude_relational_fields else [r.name for r in m.relations])
    if name in taken:
        raise ValueError(f"Partial type \"{name}\" has already been defined.")
    if include is not None and exclude is not None:
        raise TypeError("Only one of include or exclude can be given.")
    for given in (include, exclude, required, optional, relations):
        for field in given or ():
            if field not in m.by_name and field not in m.relation_by_name:
                raise ValueError(f'{model} has no field "{field}"')
    fields = [n for n in names if (include is None or n in set(include)) and n not in set(exclude or ())]
    return {
        "model": model, "name": name, "fields": fields, "required": sorted(required or ()),
        "optional": sorted(optional or ()), "relations": dict(relations or {}),
    }


#: the schema facts for ``partial_spec`` while ``schemashift generate`` runs a partial type generator
_PARTIAL_META: dict[str, SchemaMeta] = {}


OPERATIONS = (
    "group_by", "find_many", "find_first", "find_first_or_raise", "find_unique", "find_unique_or_raise", "create",
    "create_many", "update", "update_many", "upsert", "delete", "delete_many", "count",
)
BATCHABLE = ("create", "create_many", "update", "update_many", "upsert", "delete", "delete_many")


class _ActionsBase(Generic[T]):
    """What the sync and async delegates share: the client, and the model class results are built as."""

    _model: ClassVar[str]

    def __init__(self, client: Any, cls: Any = None) -> None:
        self._client = client
        self._cls = cls

    def _for_class(self, cls: Any) -> Any:
        return self if _is_generated(cls, self._model) else type(self)(self._client, cls)


class Actions(_ActionsBase[T]):
    """``db.user`` / ``User.prisma()`` of a synchronous client: each method is one engine call."""

    def _op(self, name: str, kw: dict[str, Any]) -> Any:
        return self._client._core.op(self._model, name, kw, self._cls)

    def query_raw(self, query: str, *args: Any) -> list[T]:
        """A raw SELECT whose rows are this model's records."""
        return self._client.query_raw(query, *args, model=self._cls or self._client._model_class(self._model))  # type: ignore[no-any-return]

    def query_first(self, query: str, *args: Any) -> T | None:
        return self._client.query_first(query, *args, model=self._cls or self._client._model_class(self._model))  # type: ignore[no-any-return]

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

    def group_by(self, by: Any, where: Any = None, take: int | None = None, skip: int | None = None,
                 avg: Any = None, count: Any = None, min: Any = None, max: Any = None, sum: Any = None,
                 having: Any = None, order: Any = None) -> list[dict[str, Any]]:
        return self._op("group_by", dict(by=by, where=where, take=take, skip=skip, avg=avg, count=count, min=min, max=max, sum=sum, having=having, order=order))  # type: ignore[no-any-return]


class AsyncActions(_ActionsBase[T]):
    """``db.user`` of an async client: the same operations, awaited (natively async on the pool)."""

    async def _op(self, name: str, kw: dict[str, Any]) -> Any:
        return await self._client._run(self._client._core.op, self._model, name, kw, self._cls)

    async def query_raw(self, query: str, *args: Any) -> list[T]:
        """A raw SELECT whose rows are this model's records."""
        return await self._client.query_raw(query, *args, model=self._cls or self._client._model_class(self._model))  # type: ignore[no-any-return]

    async def query_first(self, query: str, *args: Any) -> T | None:
        return await self._client.query_first(query, *args, model=self._cls or self._client._model_class(self._model))  # type: ignore[no-any-return]

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

    async def group_by(self, by: Any, where: Any = None, take: int | None = None, skip: int | None = None,
                 avg: Any = None, count: Any = None, min: Any = None, max: Any = None, sum: Any = None,
                 having: Any = None, order: Any = None) -> list[dict[str, Any]]:
        return await self._op("group_by", dict(by=by, where=where, take=take, skip=skip, avg=avg, count=count, min=min, max=max, sum=sum, having=having, order=order))  # type: ignore[no-any-return]


class BatchActions:
    """``batcher.user``: records write operations; the batch runs them in one transaction. The
    generated ``<Model>BatchActions`` subclasses give these methods their typed signatures."""

    def __init__(self, batch: Any, model: str) -> None:
        self._batch = batch
        self._model = model

    def __getattr__(self, name: str) -> Any:  # the operations that are not batchable
        raise AttributeError(f"`{name}` cannot be batched; batchable: {', '.join(BATCHABLE)}")

    def _record(self, name: str, kw: dict[str, Any]) -> None:
        self._batch._ops.append((self._model, name, kw))

    def create(self, data: Any, include: Any = None) -> None:
        self._record("create", dict(data=data, include=include))

    def create_many(self, data: Sequence[Any], *, skip_duplicates: bool | None = None) -> None:
        self._record("create_many", dict(data=data, skip_duplicates=bool(skip_duplicates)))

    def update(self, data: Any, where: Any, include: Any = None) -> None:
        self._record("update", dict(data=data, where=where, include=include))

    def update_many(self, data: Any, where: Any) -> None:
        self._record("update_many", dict(data=data, where=where))

    def upsert(self, where: Any, data: Any, include: Any = None) -> None:
        self._record("upsert", dict(where=where, data=data, include=include))

    def delete(self, where: Any, include: Any = None) -> None:
        self._record("delete", dict(where=where, include=include))

    def delete_many(self, where: Any = None) -> None:
        self._record("delete_many", dict(where=where))


class _Batch:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._ops: list[tuple[str, str, dict[str, Any]]] = []
        classes: Mapping[str, type[BatchActions]] = getattr(client, "_batch_actions", {})
        for attr, model in client._delegates.items():
            setattr(self, attr, classes.get(attr, BatchActions)(self, model))

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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self._commit()


class AsyncBatch(_Batch):
    """``async with db.batch_() as batcher:`` (or ``await batcher.commit()``)."""

    async def commit(self) -> None:
        await self._client._run(self._commit)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            await self.commit()


def _connection_error(exc: Exception) -> EngineConnectionError:
    """A failed ``connect()``: the engine's error, or the driver's/connectors' own."""
    return EngineConnectionError(exc.message if isinstance(exc, engine_errors.ClientError) else str(exc))


class _TxState:
    """A `tx()` transaction's clock: Prisma's default timeout is 5 s."""

    def __init__(self, timeout: float, asynchronous: bool) -> None:
        self.timeout = timeout
        self.asynchronous = asynchronous
        self.started = time.monotonic()
        self.closed = False
        self.timed_out = False
        #: one operation at a time, and the timeout's rollback waits for it
        self.lock = None if asynchronous else threading.RLock()
        self.alock = asyncio.Lock() if asynchronous else None
        self.timer: threading.Timer | None = None  # sync
        self.handle: asyncio.TimerHandle | None = None  # async
        self.task: asyncio.Task[None] | None = None  # async: the timeout's rollback

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.handle is not None:
            self.handle.cancel()

    def expired(self) -> bool:
        return time.monotonic() - self.started > self.timeout

    def expired_message(self) -> str:
        elapsed = int((time.monotonic() - self.started) * 1000)
        return (
            "Transaction already closed: A query cannot be executed on an expired transaction. The timeout for this "
            f"transaction was {int(self.timeout * 1000)} ms, however {elapsed} ms passed since the start of the "
            "transaction. Consider increasing the interactive transaction timeout or doing less work in the transaction."
        )


def _seconds(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return float(value) / 1000  # milliseconds, as Prisma's options


def _warn_nested_tx() -> None:
    """Warn at the user's line (the first frame outside this module)."""
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    message = "The current client is already in a transaction. This can lead to surprising behaviour."
    if frame is None:
        warnings.warn(message, UserWarning, stacklevel=2)
        return
    warnings.warn_explicit(
        message, UserWarning, frame.f_code.co_filename, frame.f_lineno, module=frame.f_globals.get("__name__"),
        registry=frame.f_globals.setdefault("__warningregistry__", {}),
    )


class TransactionManager:
    """``db.tx()`` of a synchronous client: ``with db.tx() as tx:``, or ``tx = db.tx().start()``
    then ``commit()``/``rollback()``. The transaction holds one connection of the client's pool
    (the parent client, on the others, does not see its writes until it commits; a ``tx()`` of
    a transaction's client opens another one); past ``timeout`` (default 5 s) it is rolled back
    and its next query, or its commit, raises ``TransactionExpiredError``."""

    def __init__(self, client: Any, max_wait: Any, timeout: Any) -> None:
        self._client = client
        self._timeout = _seconds(timeout, 5.0)
        self._max_wait = _seconds(max_wait, 2.0)
        self._core: Core | None = None

    def _parent(self) -> Core:
        parent: Core = self._client._core
        parent.check()
        if parent.tx is not None:
            _warn_nested_tx()
        return parent

    def _started(self, parent: Core, engine: Engine) -> Any:
        """The transaction's client, once BEGIN ran on ``engine``'s connection; its timer runs."""
        core = parent.in_tx(engine, self._timeout)
        core.expire_at_timeout()
        self._core = core
        return type(self._client)(_core=core)

    def start(self) -> Any:
        parent = self._parent()
        try:
            engine = parent.root.begin(self._max_wait)
        except engine_errors.ClientError as exc:
            raise translate_error(exc) from exc
        return self._started(parent, engine)

    def commit(self) -> None:
        if self._core is None:
            raise TransactionNotStartedError()
        self._core.end_tx(commit=True)

    def rollback(self) -> None:
        if self._core is None:
            raise TransactionNotStartedError()
        self._core.end_tx(commit=False)

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        assert self._core is not None
        if exc_type is not None:
            if self._core.tx is not None and not self._core.tx.closed:
                self._core.end_tx(commit=False)
            return
        self.commit()


class AsyncTransactionManager(TransactionManager):
    """``db.tx()`` of an async client (``async with``, ``await start()/commit()/rollback()``): the
    transaction runs natively async on its pooled connection, as the client's other calls."""

    async def start(self) -> Any:
        parent = self._parent()
        try:
            engine = await parent.root.abegin(self._max_wait)
        except engine_errors.ClientError as exc:
            raise translate_error(exc) from exc
        return self._started(parent, engine)

    async def commit(self) -> None:  # type: ignore[override]
        if self._core is None:
            raise TransactionNotStartedError()
        await self._core.aend_tx(commit=True)

    async def rollback(self) -> None:  # type: ignore[override]
        if self._core is None:
            raise TransactionNotStartedError()
        await self._core.aend_tx(commit=False)

    async def __aenter__(self) -> Any:
        return await self.start()

    async def __aexit__(self, exc_type: object, *exc: object) -> None:
        assert self._core is not None
        if exc_type is not None:
            if self._core.tx is not None and not self._core.tx.closed:
                await self._core.aend_tx(commit=False)
            return
        await self.commit()


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
        if log_queries:  # its engine logged each query; here the `schemashift.query` logger, at INFO
            show_query_log()
        self._core = _core or Core(self._meta, self._classes, self._enum_classes, url, self._package_dir, self._asynchronous,
                                   log_queries)
        self._tx_parent = _core is not None
        for attr, cls in self._actions.items():
            setattr(self, attr, cls(self))
        if auto_register:
            self._registry.register(self)

    @property
    def _active_provider(self) -> str:
        """The datasource's provider (``postgresql``, ``mysql``, ``sqlite``)."""
        return self._meta.provider

    def _metrics(self, format: str, global_labels: Mapping[str, str] | None) -> Any:
        core = self._core
        labels = dict(global_labels or {})
        pool = core.root._pool
        open_connections = pool.size if pool is not None else 0
        if format == "prometheus":
            return core.stats.prometheus(open_connections, labels)
        module = importlib.import_module(type(self).__module__.rsplit(".", 1)[0] + ".metrics")
        return module.Metrics.model_validate(core.stats.as_json(open_connections, labels))

    def _model_class(self, model: str) -> Any:
        return getattr(importlib.import_module(type(self).__module__.rsplit(".", 1)[0] + ".models"), model)

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

    def tx(self, max_wait: Any = None, timeout: Any = None) -> TransactionManager:
        """A transaction on one connection of the pool (``with db.tx() as tx:``);
        ``timeout``/``max_wait``: a ``timedelta`` or milliseconds."""
        return TransactionManager(self, max_wait, timeout)

    def get_metrics(self, format: str = "json", global_labels: Mapping[str, str] | None = None) -> Any:
        """Query metrics (Prisma's ``$metrics``): ``prisma.metrics.Metrics``, or Prometheus text."""
        return self._metrics(format, global_labels)

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
        core = self._core
        t = core.tx
        try:
            if t is None:
                return await core.engine.arun(fn, *args)
            assert t.alock is not None
            if not t.closed and t.expired():
                await core.aexpire()
            async with t.alock:  # a `tx()` client: one operation at a time, the timeout waits for it
                core.check()  # a finished or expired transaction: TransactionExpiredError
                return await core.engine.arun(fn, *args)
        except engine_errors.ClientError as exc:  # the pool's, before `fn` runs (P2024)
            raise translate_error(exc) from exc

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

    def tx(self, max_wait: Any = None, timeout: Any = None) -> AsyncTransactionManager:
        """A transaction on one connection of the pool (``async with db.tx() as tx:``);
        ``timeout``/``max_wait``: a ``timedelta`` or milliseconds."""
        return AsyncTransactionManager(self, max_wait, timeout)

    async def get_metrics(self, format: str = "json", global_labels: Mapping[str, str] | None = None) -> Any:
        """Query metrics (Prisma's ``$metrics``): ``prisma.metrics.Metrics``, or Prometheus text."""
        return self._metrics(format, global_labels)

    async def query_raw(self, query: str, *args: Any, model: Any = None) -> list[Any]:
        return await self._run(self._core.query_raw, query, args, model)

    async def query_first(self, query: str, *args: Any, model: Any = None) -> Any:
        rows = await self.query_raw(query, *args, model=model)
        return rows[0] if rows else None

    async def execute_raw(self, query: str, *args: Any) -> int:
        return await self._run(self._core.execute_raw, query, args)
