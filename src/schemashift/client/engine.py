"""The query engine of the generated client: Prisma's query semantics compiled to SQL.

One :class:`Engine` holds the schema metadata and a pool of connections (opened on first use,
autocommit; :mod:`schemashift.client.pool`); every delegate call of the generated client lands
here. It builds the SQL and decodes the rows; the statements go through a
:class:`schemashift.client.executor.Connection`, synchronous or asynchronous (``arun``). Reads are one SELECT,
plus one SELECT per loaded relation (``include``/``select``), batched over all parent rows, as
Prisma does. Writes that touch one record (``update``, ``upsert``, ``delete``) run in a
transaction of their own unless one is open. Values are always bound as parameters.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import importlib
import json
import logging
import sys
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path
from functools import partial
from itertools import chain, starmap
from operator import itemgetter
from typing import Any, TypeVar

from schemashift.client import errors, executor, ids
from schemashift.client.dialect import Dialect, dialect_for
from schemashift.client.meta import FieldMeta, ModelMeta, RelationMeta, SchemaMeta
from schemashift.client.pool import AsyncPool, Pool, pool_settings

__all__ = ["Engine", "resolve_url"]

Record = Any  # a model instance, or a dict for `select`
T = TypeVar("T")
_GENERATORS: dict[str, Callable[[FieldMeta], Any]] = {
    "cuid": lambda f: ids.cuid(),
    "cuid2": lambda f: ids.cuid2(),
    "uuid": lambda f: ids.uuid4(),
    "uuid7": lambda f: ids.uuid7(),
    "nanoid": lambda f: ids.nanoid(f.default_arg or 21),
    "ulid": lambda f: ids.ulid(),
}
_COMPARE = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
#: the keys of a Json field's filter (a dict with other keys is a Json value to compare)
_JSON_FILTERS = frozenset({"equals", "not", "path", "string_contains", "string_starts_with", "string_ends_with",
                           "array_contains", "array_starts_with", "array_ends_with", "mode"})
_NUMBER_OPS = {"increment": "+", "decrement": "-", "multiply": "*", "divide": "/"}


#: every SQL statement the client sends, with its parameters, at DEBUG (``schemashift --verbose``,
#: or ``logging.getLogger("schemashift.query").setLevel(logging.DEBUG)`` in an application); at
#: INFO for an engine with ``log_queries`` (prisma-client-py's ``Prisma(log_queries=True)``)
_QUERY_LOG = logging.getLogger("schemashift.query")


def aggregate_fields(asked: Mapping[str, Any]) -> dict[str, list[str]]:
    """A ``group_by``'s aggregates as the clients take them (``count=True``, ``sum={"views": True}``,
    by name without the underscore) -> :meth:`Engine.group_by`'s ``{"_count": ["_all"], "_sum": ["views"]}``."""
    out: dict[str, list[str]] = {}
    for name in ("count", "avg", "sum", "min", "max"):
        spec = asked.get(name)
        if spec is True:
            out["_" + name] = ["_all"]
        elif isinstance(spec, Mapping):
            out["_" + name] = [k for k, on in spec.items() if on]
    return out


def show_query_log() -> None:
    """Make the INFO query lines of ``log_queries`` engines visible: the ``schemashift.query``
    logger at INFO at least and, when the application configured no logging handler for it,
    one writing ``prisma:query <SQL> -- params: [...]`` lines to stdout (as Prisma's query log).
    An application's own logging configuration is left as it is."""
    if _QUERY_LOG.getEffectiveLevel() > logging.INFO:
        _QUERY_LOG.setLevel(logging.INFO)
    logger: logging.Logger | None = _QUERY_LOG
    while logger is not None:
        if any(not isinstance(h, logging.NullHandler) for h in logger.handlers):
            return
        logger = logger.parent if logger.propagate else None
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("prisma:query %(message)s"))
    _QUERY_LOG.addHandler(handler)


_POOL_CREATION = threading.Lock()


def _server_error(exc: Exception) -> bool:
    """An error the server reported (the connection is fine), not a lost connection."""
    if getattr(exc, "sqlstate", None):  # psycopg
        return True
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    if code is not None:  # PyMySQL, asyncmy: 2000-2999 are the client's own (connection) errors
        return not 2000 <= code < 3000
    return type(exc).__module__.startswith("sqlite3")


def _literal_default(f: FieldMeta) -> Any:
    """A schema's literal default as the field's Python value."""

    def one(v: Any) -> Any:
        if f.kind == "enum":
            return v
        if f.type == "Json":
            return json.loads(v) if isinstance(v, str) else v
        if f.type == "Bytes":
            return base64.b64decode(v)
        if f.type == "DateTime":
            parsed = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        if f.type == "Decimal":
            return Decimal(str(v))
        if f.type in ("Int", "BigInt"):
            return int(v)
        if f.type == "Float":
            return float(v)
        return v

    value = f.default_value
    return [one(v) for v in value] if f.is_list and isinstance(value, list) else one(value)


def _now() -> datetime:
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def resolve_url(meta: SchemaMeta, package_dir: Path, url: str | None = None) -> tuple[str, Path]:
    """The datasource URL (argument > environment > ``.env`` files > literal) and the folder
    relative ``file:`` paths are read from (the schema's, as Prisma does)."""
    schema_dir = (package_dir / meta.schema_dir).resolve()
    if url is None and meta.url_env:
        url = os.environ.get(meta.url_env)
        if url is None:
            try:
                from dotenv import dotenv_values
            except ImportError:  # pragma: no cover - python-dotenv is a dependency
                dotenv_values = None  # type: ignore[assignment]
            if dotenv_values is not None:
                for folder in (Path.cwd(), schema_dir, schema_dir.parent):
                    value = dotenv_values(folder / ".env").get(meta.url_env)
                    if value:
                        url = value
                        break
    if url is None:
        url = meta.url
    if not url:
        raise errors.ClientError(
            f"No database URL: set the environment variable `{meta.url_env}` or pass `url=` to the client."
        )
    return url, schema_dir


class _Model:
    """A model's compiled facts: quoted names, converters, client-side defaults."""

    def __init__(self, engine: Engine, meta: ModelMeta) -> None:
        d = engine.dialect
        self.meta = meta
        self.cls: type | None = engine.classes.get(meta.name)
        self.table = d.table(meta.table, meta.schema)
        self.scalars = [f.name for f in meta.fields]
        self.column = {f.name: d.quote(f.column) for f in meta.fields}
        self.writers = {f.name: w for f in meta.fields if (w := d.writer(f, engine.meta.enums)) is not None}
        self.readers = {
            f.name: r
            for f in meta.fields
            if (r := d.reader(f, engine.enum_classes.get(f.type), engine.meta.enums)) is not None
        }
        self.generated = [f for f in meta.fields if f.default in _GENERATORS]
        self.now_fields = [f.name for f in meta.fields if f.default == "now" or f.updated_at]
        self.updated_at = [f.name for f in meta.fields if f.updated_at]
        self.autoincrement = next((f.name for f in meta.fields if f.default == "autoincrement"), None)
        self.compound = {"_".join(u): u for u in meta.uniques if len(u) > 1}
        if len(meta.primary_key) > 1:
            self.compound["_".join(meta.primary_key)] = meta.primary_key
        self.compound.update(dict(meta.compound_names))
        # literal @default values, filled in on create (Prisma's engine does: a MySQL BLOB/TEXT
        # column cannot hold a default, and create_many rows then share one column list)
        self.literal_defaults = [
            (f.name, _literal_default(f)) for f in meta.fields if f.default == "db" and f.default_value is not None
        ]
        # what identifies a row for update/delete: the id, else the first unique (as Prisma)
        self.identity: tuple[str, ...] = meta.primary_key or (meta.uniques[0] if meta.uniques else ())
        self.row_readers = [self.readers.get(name) for name in self.scalars]
        # PostgreSQL bulk inserts: the array element type per column (none for list columns)
        self.unnest_type = {f.name: f.sql_type for f in meta.fields if f.sql_type and not f.is_list}
        self.select_all = ", ".join(f"{self.table}.{self.column[n]}" for n in self.scalars)
        self.returning = ", ".join(self.column[n] for n in self.scalars)

    def field(self, name: str) -> FieldMeta:
        f = self.meta.by_name.get(name)
        if f is None:
            raise errors.ClientValidationError(f"Unknown field `{name}` on model `{self.meta.name}`.")
        return f


class Engine:
    def __init__(
        self,
        meta: SchemaMeta,
        classes: Mapping[str, type],
        enum_classes: Mapping[str, type[Enum]],
        url: str | None = None,
        package_dir: Path | None = None,
        asynchronous: bool = False,
        log_queries: bool = False,
    ) -> None:
        self.meta = meta
        #: log each statement (SQL and parameters, never the URL) at INFO on ``schemashift.query``
        self.log_queries = log_queries
        self.classes = dict(classes)
        self.enum_classes = dict(enum_classes)
        self.dialect: Dialect = dialect_for(meta.provider)
        self._url = url
        self._package_dir = package_dir or Path.cwd()
        #: async: PostgreSQL/MySQL on asyncio drivers, SQLite on a thread per connection
        self.asynchronous = asynchronous
        self._pool: Any = None
        #: the connection every statement goes to (an engine bound to a transaction)
        self._conn: executor.Connection | None = None
        #: the connection of the operation or transaction running in this context (thread, task)
        self._scope: ContextVar[executor.Connection | None] = ContextVar("schemashift_client_conn", default=None)
        self._aliases = 0
        self.models = {name: _Model(self, m) for name, m in meta.models.items()}

    # ------------------------------------------------------------------ connection

    def _parsed_url(self) -> Any:
        url, base_dir = resolve_url(self.meta, self._package_dir, self._url)
        connectors = importlib.import_module("schemashift.connectors")
        parsed = connectors.parse_url(url, base_dir)
        if parsed.provider != self.dialect.provider:
            raise errors.ClientError(
                f"The URL is a {parsed.provider} URL but the client was generated for {self.dialect.provider}."
            )
        return parsed

    def _get_pool(self) -> Any:
        """The pool (created on first use; its first connection opens with the first query)."""
        pool = self._pool
        if pool is None or (self.asynchronous and pool.loop is not asyncio.get_running_loop()):
            with _POOL_CREATION:  # threads sharing a client create one pool
                pool = self._pool
                if pool is None or (self.asynchronous and pool.loop is not asyncio.get_running_loop()):
                    if pool is not None:  # another asyncio.run: the old loop's connections cannot serve it
                        for conn in pool.idle:
                            if isinstance(conn, executor.SqliteThreadConnection):
                                conn.close()  # its thread too; the others go with their loop
                    parsed = self._parsed_url()
                    limit, timeout = pool_settings(parsed.params)
                    if self.asynchronous:
                        pool = AsyncPool(partial(executor.open_async, parsed), limit, timeout)
                    else:
                        pool = Pool(partial(executor.open_sync, parsed), limit, timeout)
                    self._pool = pool
        return pool

    def connect(self) -> None:
        """Open the pool's first connection (errors surface here, as Prisma's ``$connect``)."""
        pool = self._get_pool()
        if not pool.idle and not pool.size:
            pool.put(pool.get())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    async def aconnect(self) -> None:
        pool = self._get_pool()
        if not pool.idle and not pool.size:
            await pool.release(await pool.acquire())

    async def aclose(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def _raw(self) -> Any:
        """The driver connection of an idle pooled connection (diagnostics, tests)."""
        return self._pool.idle[-1].raw if self._pool is not None and self._pool.idle else None

    def _bound(self, conn: executor.Connection) -> Engine:
        """This engine with every statement on ``conn`` (a transaction's connection)."""
        bound = copy.copy(self)
        bound._conn = conn
        return bound

    @contextmanager
    def pinned(self) -> Iterator[Engine]:
        """A connection of the pool held for a block: the engine yielded runs on it only."""
        pool = self._get_pool()
        conn = pool.get()
        try:
            yield self._bound(conn)
        finally:
            pool.put(conn)

    @asynccontextmanager
    async def apinned(self) -> AsyncIterator[Engine]:
        pool = self._get_pool()
        conn = await pool.acquire()
        try:
            yield self._bound(conn)
        finally:
            await pool.release(conn)

    async def arun(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` (engine calls) natively async: on one pooled connection for its whole run,
        PostgreSQL and MySQL in a greenlet of this task (no thread), SQLite on its connection's
        thread."""
        conn = self._conn
        pool = None
        if conn is None:
            pool = self._get_pool()
            conn = await pool.acquire()
        try:
            if isinstance(conn, executor.SqliteThreadConnection):
                return await conn.run(self._scoped, conn, fn, args)
            return await executor.run_async(self._scoped, conn, fn, args)
        finally:
            if pool is not None:
                await pool.release(conn)

    def _scoped(self, conn: executor.Connection, fn: Callable[..., T], args: Sequence[Any]) -> T:
        token = self._scope.set(conn)
        try:
            return fn(*args)
        finally:
            self._scope.reset(token)

    def _io(self, method: str, sql: str, params: Sequence[Any], conn: executor.Connection | None = None) -> Any:
        """Send one statement: on ``conn``, else the pinned or the current operation's connection,
        else one of the pool's for this statement."""
        if self.log_queries:
            _QUERY_LOG.info("%s -- params: %r", sql, list(params))
        elif _QUERY_LOG.isEnabledFor(logging.DEBUG):
            _QUERY_LOG.debug("%s -- params: %r", sql, list(params))
        if conn is None:
            conn = self._conn or self._scope.get()
        pool = None
        if conn is None:
            pool = self._get_pool()
            conn = pool.get()
        try:
            return getattr(conn, method)(sql, params)
        except errors.ClientError:
            raise
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("sqlite3", "psycopg", "pymysql", "asyncmy"):
                conn.broken = conn.broken and not _server_error(exc)
                raise self.dialect.map_error(exc) from exc
            raise
        finally:
            if pool is not None:
                pool.put(conn)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self._io("execute", sql, params))

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._io("fetch", sql, params)  # type: ignore[no-any-return]

    def fetch_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query; its rows as ``{column: value}`` (raw queries of the prisma-client-py surface)."""
        return self._io("fetch_dicts", sql, params)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT (ROLLBACK on an exception) on one connection, held for the block;
        inside a transaction it joins it."""
        conn = self._conn or self._scope.get()
        if conn is not None and conn.depth:
            yield
            return
        pool = token = None
        if conn is None:
            pool = self._get_pool()
            conn = pool.get()
            token = self._scope.set(conn)
        try:
            self._begin(conn)
            try:
                yield
            except BaseException:
                self._end(conn, False)
                raise
            self._end(conn, True)
        finally:
            if pool is not None:
                self._scope.reset(token)  # type: ignore[arg-type]
                pool.put(conn)

    def _begin(self, conn: executor.Connection) -> None:
        self._io("execute", "BEGIN", (), conn)
        conn.depth = 1

    def _end(self, conn: executor.Connection, commit: bool) -> None:
        conn.depth = 0
        if commit:
            self._io("execute", "COMMIT", (), conn)
        elif not conn.broken:  # a statement cut short: the pool drops the connection instead
            self._io("execute", "ROLLBACK", (), conn)

    def begin(self, max_wait: float | None = None) -> Engine:
        """BEGIN on a connection taken from the pool; the engine returned runs on it until
        :meth:`end` (a transaction that outlives a block: prisma-client-py's ``tx().start()``).
        ``max_wait``: seconds to wait for the connection, as Prisma's ``maxWait`` (past it:
        :class:`~schemashift.client.errors.TransactionStartError`, P2028; the pool's own
        ``pool_timeout`` when that is shorter)."""
        pool = self._get_pool()
        conn = pool.get(max_wait)
        try:
            engine = self._bound(conn)
            engine._begin(conn)
        except BaseException:
            pool.put(conn)
            raise
        return engine

    def end(self, commit: bool) -> None:
        """COMMIT (or ROLLBACK) the transaction of an engine from :meth:`begin`; its connection
        goes back to the pool."""
        conn = self._conn
        assert conn is not None
        try:
            self._end(conn, commit)
        finally:
            self._pool.put(conn)

    async def abegin(self, max_wait: float | None = None) -> Engine:
        """:meth:`begin` of an async client."""
        pool = self._get_pool()
        conn = await pool.acquire(max_wait)
        try:
            engine = self._bound(conn)
            await engine.arun(engine._begin, conn)
        except BaseException:
            await pool.release(conn)
            raise
        return engine

    async def aend(self, commit: bool) -> None:
        """:meth:`end` of an async client."""
        conn = self._conn
        assert conn is not None
        try:
            await self.arun(self._end, conn, commit)
        finally:
            await self._pool.release(conn)

    @contextmanager
    def tx(self) -> Iterator[Engine]:
        """A client's ``tx()``: one transaction on a connection held for the block; the engine
        yielded runs on it. Inside a transaction it joins it."""
        if self._conn is not None:
            with self.transaction():
                yield self
            return
        engine = self.begin()
        try:
            yield engine
        except BaseException:
            engine.end(False)
            raise
        engine.end(True)

    @asynccontextmanager
    async def atx(self) -> AsyncIterator[Engine]:
        """:meth:`tx` of an async client."""
        if self._conn is not None and self._conn.depth:
            yield self
            return
        engine = await self.abegin()
        try:
            yield engine
        except BaseException:
            await engine.aend(False)
            raise
        await engine.aend(True)

    # ------------------------------------------------------------------ where

    def _alias(self) -> str:
        self._aliases += 1
        return f"r{self._aliases}"

    def where(self, m: _Model, w: Mapping[str, Any] | None, qual: str, params: list[Any]) -> str:
        if not w:
            return ""
        parts: list[str] = []
        for key, value in w.items():
            if key in ("AND", "OR", "NOT"):
                items = list(value) if isinstance(value, (list, tuple)) else [value]
                subs = [self.where(m, x, qual, params) for x in items]
                if key == "OR":
                    if not subs:
                        parts.append("1=0")
                    elif not all(subs):
                        parts.append("1=1")  # an empty condition in OR matches everything
                    else:
                        parts.append("(" + " OR ".join(f"({s})" for s in subs) + ")")
                elif key == "NOT":  # Prisma: none of the conditions holds
                    parts.extend(f"NOT ({s})" for s in subs if s)
                    if not all(subs):
                        parts.append("1=0")  # NOT of an empty condition matches nothing
                else:
                    body = " AND ".join(f"({s})" for s in subs if s) or "1=1"
                    parts.append(f"({body})")
            elif key in m.meta.by_name:
                parts.append(self._scalar(m, m.meta.by_name[key], value, f"{qual}.{m.column[key]}", params))
            elif key in m.meta.relation_by_name:
                parts.append(self._relation_filter(m, m.meta.relation_by_name[key], value, qual, params))
            elif key in m.compound and isinstance(value, Mapping):
                parts.append(self.where(m, {k: value[k] for k in m.compound[key]}, qual, params))
            else:
                raise errors.ClientValidationError(f"Unknown argument `{key}` in where on model `{m.meta.name}`.")
        return " AND ".join(p for p in parts if p)

    def _scalar(self, m: _Model, f: FieldMeta, value: Any, col: str, params: list[Any]) -> str:
        ph = self.dialect.placeholder
        conv = m.writers.get(f.name)
        c: Callable[[Any], Any] = conv if conv is not None else (lambda v: v)
        if f.is_list:
            return self._list_filter(m, f, value, col, params)
        if f.type == "Json" and isinstance(value, Mapping) and not set(value) <= _JSON_FILTERS:
            value = {"equals": value}  # a Json value, not a filter
        if f.type == "Json" and isinstance(value, Mapping) and set(value) & (_JSON_FILTERS - {"equals", "not", "mode"}):
            return self._json_filter(m, f, value, col, params)
        if not isinstance(value, Mapping):
            if value is None:
                return f"{col} IS NULL"
            params.append(c(value))
            return f"{col} = {ph}"
        parts: list[str] = []
        insensitive = value.get("mode") == "insensitive"
        like_col = col
        if insensitive and f.type == "String":
            # equals/in/comparisons ignore case too: both sides lowered (LIKE ops lower their own)
            col, ph, c = f"LOWER({col})", f"LOWER({ph})", (lambda v: v)
        for op, v in value.items():
            if op == "search":
                if f.type != "String":
                    raise errors.ClientValidationError(f"`search` is a filter of String fields, not `{m.meta.name}.{f.name}`.")
                params.append(v)
                parts.append(self.dialect.fulltext([like_col]))
            elif op == "equals":
                if v is None:
                    parts.append(f"{col} IS NULL")
                else:
                    params.append(c(v))
                    parts.append(f"{col} = {ph}")
            elif op in ("in", "notIn"):
                values = list(v)
                if not values:
                    parts.append("1=0" if op == "in" else "1=1")
                else:
                    params.extend(c(x) for x in values)
                    parts.append(f"{col} {'NOT ' if op == 'notIn' else ''}IN ({', '.join([ph] * len(values))})")
            elif op in _COMPARE:
                params.append(c(v))
                parts.append(f"{col} {_COMPARE[op]} {ph}")
            elif op in ("contains", "startsWith", "endsWith"):
                e = self.dialect.like_escape
                text = str(v).replace(e, e + e).replace("%", e + "%").replace("_", e + "_")
                pattern = {"contains": f"%{text}%", "startsWith": f"{text}%", "endsWith": f"%{text}"}[op]
                params.append(pattern)
                like = self.dialect.insensitive(like_col, "LIKE") if insensitive else f"{col} LIKE {ph}"
                parts.append(f"{like} ESCAPE '{e}'")
            elif op == "not":
                if v is None:
                    parts.append(f"{col} IS NOT NULL")
                elif isinstance(v, Mapping) and not (f.type == "Json" and not set(v) <= _JSON_FILTERS):
                    parts.append(f"NOT ({self._scalar(m, f, v, col, params)})")
                else:
                    params.append(c(v))
                    parts.append(f"{col} <> {ph}")
            elif op == "mode":
                continue
            else:
                raise errors.ClientValidationError(f"Unknown filter `{op}` on field `{m.meta.name}.{f.name}`.")
        return " AND ".join(parts) or "1=1"

    def _json_filter(self, m: _Model, f: FieldMeta, value: Mapping[str, Any], col: str, params: list[Any]) -> str:
        """Json filters under a ``path`` (a list of keys, or MySQL's ``$.a.b``): ``equals``/``not``
        of the value there, ``string_contains``/``string_starts_with``/``string_ends_with`` of
        its text, ``array_contains`` (a value or a list of values in the array there),
        ``array_starts_with``/``array_ends_with`` (the array's first/last element equals a value)."""
        d = self.dialect
        path = value.get("path") or []
        keys = _json_path_keys(path)
        parts: list[str] = []
        for op, v in value.items():
            if op in ("path", "mode"):
                continue
            if op in ("equals", "not"):
                if v is None:
                    params.append(d.json_path_param(keys))
                    parts.append(f"{d.json_value(col)} {'IS NOT' if op == 'not' else 'IS'} NULL")
                    continue
                params.append(d.json_path_param(keys))
                params.append(json.dumps(v, separators=(",", ":")))
                parts.append(f"{d.json_value(col)} {'<>' if op == 'not' else '='} {d.json_literal()}")
            elif op in ("string_contains", "string_starts_with", "string_ends_with"):
                e = d.like_escape
                text = str(v).replace(e, e + e).replace("%", e + "%").replace("_", e + "_")
                pattern = {"string_contains": f"%{text}%", "string_starts_with": f"{text}%", "string_ends_with": f"%{text}"}[op]
                params.extend([d.json_path_param(keys), pattern])
                parts.append(f"{d.json_text(col)} LIKE {d.placeholder} ESCAPE '{e}'")
            elif op == "array_contains":
                parts.append(d.json_array_contains(col, keys, json.dumps(v if isinstance(v, list) else [v], separators=(",", ":")), params))
            elif op in ("array_starts_with", "array_ends_with"):
                parts.append(d.json_array_end(col, keys, op == "array_ends_with", json.dumps(v, separators=(",", ":")), params))
            else:
                raise errors.ClientValidationError(f"Unsupported Json filter `{op}` on field `{m.meta.name}.{f.name}`.")
        return " AND ".join(parts) or "1=1"

    def _list_filter(self, m: _Model, f: FieldMeta, value: Any, col: str, params: list[Any]) -> str:
        """Scalar-list filters (PostgreSQL arrays): ``has``, ``hasEvery``, ``hasSome``, ``isEmpty``,
        ``equals``."""
        if self.dialect.provider != "postgresql":
            raise errors.ClientValidationError(f"Scalar lists are not supported on {self.dialect.provider}: `{m.meta.name}.{f.name}`.")
        ph = self.dialect.placeholder
        conv = m.writers.get(f.name)
        arr = f"{ph}::{f.sql_type}" if f.sql_type else ph
        if not isinstance(value, Mapping):
            value = {"equals": value}
        parts: list[str] = []
        for op, v in value.items():
            if op in ("equals", "has", "hasEvery", "hasSome") and v is None:
                parts.append(f"{col} IS NULL" if op == "equals" else "1=0")
                continue
            if op == "isEmpty":
                parts.append(f"cardinality({col}) = 0" if v else f"cardinality({col}) > 0")  # NULL is neither
                continue
            items = [v] if op == "has" else list(v)
            params.append(conv(items) if conv else items)
            sql_op = {"equals": "=", "has": "@>", "hasEvery": "@>", "hasSome": "&&"}.get(op)
            if sql_op is None:
                raise errors.ClientValidationError(f"Unknown list filter `{op}` on field `{m.meta.name}.{f.name}`.")
            parts.append(f"{col} {sql_op} {arr}")
        return " AND ".join(parts) or "1=1"

    def _relation_link(self, m: _Model, rel: RelationMeta, qual: str) -> tuple[str, str, _Model]:
        """``SELECT 1 FROM <target> AS alias WHERE <joined to the outer row>`` and the alias."""
        t = self.models[rel.target]
        alias = self._alias()
        q = self.dialect.quote
        if rel.join_table is not None:
            j = self._alias()
            jt = self.dialect.table(rel.join_table, t.meta.schema)
            tpk = t.column[t.meta.primary_key[0]]
            mpk = m.column[m.meta.primary_key[0]]
            link = (
                f"SELECT 1 FROM {jt} AS {j} JOIN {t.table} AS {alias} ON {alias}.{tpk} = {j}.{q(rel.join_remote)}"
                f" WHERE {j}.{q(rel.join_local)} = {qual}.{mpk}"
            )
        else:
            cond = " AND ".join(f"{alias}.{t.column[r]} = {qual}.{m.column[l]}" for l, r in zip(rel.local, rel.remote))
            link = f"SELECT 1 FROM {t.table} AS {alias} WHERE {cond}"
        return link, alias, t

    def _relation_filter(self, m: _Model, rel: RelationMeta, value: Any, qual: str, params: list[Any]) -> str:
        def exists(w: Any, negate: bool = False) -> str:
            link, alias, t = self._relation_link(m, rel, qual)
            inner = self.where(t, w, alias, params) if w else ""
            if inner:
                link += f" AND {'NOT ' if negate else ''}({inner})"
            return f"EXISTS ({link})"

        if rel.is_list:
            parts = []
            for op, w in (value or {}).items():
                if op == "some":
                    parts.append(exists(w))
                elif op == "none":
                    parts.append(f"NOT {exists(w)}")
                elif op == "every":
                    parts.append(f"NOT {exists(w, negate=True)}" if w else "1=1")
                else:
                    raise errors.ClientValidationError(f"Unknown list relation filter `{op}` on `{rel.name}`.")
            return " AND ".join(parts) or "1=1"
        if value is None:
            return f"NOT {exists(None)}"
        if isinstance(value, Mapping) and set(value) <= {"is", "isNot"} and value:
            parts = []
            for op, w in value.items():
                if op == "is":
                    parts.append(f"NOT {exists(None)}" if w is None else exists(w))
                else:
                    parts.append(exists(None) if w is None else f"NOT {exists(w)}")
            return " AND ".join(parts)
        return exists(value)

    def order_by(self, m: _Model, ob: Any, qual: str, params: list[Any] | None = None) -> str:
        """``ORDER BY``; ``{"_relevance": {"fields": [...], "search": "...", "sort": "desc"}}`` orders
        by full-text relevance (its search text goes to ``params``)."""
        if not ob:
            return ""
        items = ob if isinstance(ob, (list, tuple)) else [ob]
        out: list[str] = []
        for item in items:
            for name, spec in item.items():
                if name == "_relevance":
                    if params is None:
                        raise errors.ClientValidationError("Ordering by `_relevance` is not supported here.")
                    cols = [f"{qual}.{m.column[m.field(n).name]}" for n in spec["fields"]]
                    sort = spec.get("sort", "asc")
                    if sort not in ("asc", "desc"):
                        raise errors.ClientValidationError(f"Invalid sort order `{sort}` for `_relevance`.")
                    params.append(spec["search"])
                    out.append(f"{self.dialect.relevance(cols)} {sort.upper()}")
                    continue
                m.field(name)
                col = f"{qual}.{m.column[name]}"
                sort, nulls = (spec, None) if isinstance(spec, str) else (spec.get("sort", "asc"), spec.get("nulls"))
                if sort not in ("asc", "desc"):
                    raise errors.ClientValidationError(f"Invalid sort order `{sort}` for `{name}`.")
                out.extend(self.dialect.nulls(col, sort.upper(), nulls))
        return " ORDER BY " + ", ".join(out)

    # ------------------------------------------------------------------ reads

    def read(
        self,
        model: str,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: Any = None,
        take: int | None = None,
        skip: int | None = None,
        select: Mapping[str, Any] | None = None,
        include: Mapping[str, Any] | None = None,
        cursor: Mapping[str, Any] | None = None,
        distinct: Sequence[str] | None = None,
    ) -> list[Record]:
        """``cursor`` (a unique where): the rows from that record on, in the order (Prisma's
        cursor pagination; the primary key breaks ties). ``distinct``: the first row of each
        combination of those fields, then ``skip``/``take`` (in memory, as Prisma's engine does)."""
        m = self.models[model]
        if take is not None and take < 0:
            # a negative take: the last records (before the cursor, when given), in the order
            rows = self.read(model, where=where, order_by=order_by, select=select, include=include, distinct=distinct)
            flat: dict[str, Any] = {}
            for k, v in (cursor or {}).items():
                flat.update({n: v[n] for n in m.compound[k]} if k in m.compound and isinstance(v, Mapping) else {k: v})
            get: Callable[[Record, str], Any] = (lambda r, n: r[n]) if select is not None else getattr
            return _page(rows, get, {"cursor": flat or None, "skip": skip, "take": take})
        extra = None
        if cursor is not None:
            extra = self._cursor_condition(m, cursor, order_by)
            if extra is None:
                return []
        if distinct:
            names = [distinct] if isinstance(distinct, str) else list(distinct)
            for n in names:
                m.field(n)
            keep = [n for n in names if select is not None and not select.get(n)]
            sel = {**select, **{n: True for n in keep}} if select is not None else None
            rows = self._read(m, where, order_by, None, None, sel, include, extra=extra)
            get = (lambda r, n: r[n]) if sel is not None else getattr
            seen: set[Any] = set()
            out: list[Record] = []
            for r in rows:
                key = tuple(get(r, n) for n in names)
                if key not in seen:
                    seen.add(key)
                    out.append(r)
            for r in out:
                for n in keep:
                    del r[n]
            start = skip or 0
            return out[start : None if take is None else start + take]
        return self._read(m, where, order_by, take, skip, select, include, extra=extra)

    def _cursor_condition(self, m: _Model, cursor: Mapping[str, Any], order_by: Any) -> tuple[str, list[Any]] | None:
        """``(order fields..., primary key) >= the cursor record's`` in the query's order."""
        keys: list[tuple[str, str]] = []
        for item in (order_by if isinstance(order_by, (list, tuple)) else [order_by] if order_by else []):
            for name, spec in item.items():
                if name != "_relevance":
                    keys.append((name, spec if isinstance(spec, str) else spec.get("sort", "asc")))
        for name in m.meta.primary_key or m.scalars:
            if name not in {k for k, _ in keys}:
                keys.append((name, "asc"))
        found = self._read(m, cursor, None, 1, None, {k: True for k, _ in keys}, None)
        if not found:
            return None
        row = found[0]
        ph = self.dialect.placeholder
        params: list[Any] = []
        ors: list[str] = []
        for i in range(len(keys) + 1):
            ands = []
            for name, _ in keys[:i]:
                ands.append(f"{m.table}.{m.column[name]} = {ph}")
                params.append(m.writers[name](row[name]) if name in m.writers else row[name])
            if i < len(keys):
                name, sort = keys[i]
                ands.append(f"{m.table}.{m.column[name]} {'>' if sort == 'asc' else '<'} {ph}")
                params.append(m.writers[name](row[name]) if name in m.writers else row[name])
            ors.append("(" + " AND ".join(ands) + ")")
        return " OR ".join(ors), params

    def _read(
        self,
        m: _Model,
        where: Mapping[str, Any] | None,
        order_by: Any,
        take: int | None,
        skip: int | None,
        select: Mapping[str, Any] | None,
        include: Mapping[str, Any] | None,
        *,
        source: str | None = None,
        lead: str | None = None,
        extra: tuple[str, list[Any]] | None = None,
        keep: Sequence[str] = (),
        leads_out: list[Any] | None = None,
    ) -> list[Record]:
        params: list[Any] = []
        relations: dict[str, Any] = {}
        if select is not None:
            names: list[str] = []
            for key, on in select.items():
                if not on:
                    continue
                if key in m.meta.by_name:
                    names.append(key)
                elif key in m.meta.relation_by_name:
                    relations[key] = on
                else:
                    raise errors.ClientValidationError(f"Unknown field `{key}` in select on model `{m.meta.name}`.")
            selected = set(names)
            needed = list(keep)
            for rel_name in relations:
                rel = m.meta.relation_by_name[rel_name]
                needed.extend(m.meta.primary_key[:1] if rel.join_table else rel.local)
            fetch = names + [n for n in dict.fromkeys(needed) if n not in selected]
            columns = ", ".join(f"{m.table}.{m.column[n]}" for n in fetch)
        else:
            for key, on in (include or {}).items():
                if key not in m.meta.relation_by_name:
                    raise errors.ClientValidationError(f"Unknown relation `{key}` in include on model `{m.meta.name}`.")
                if on:
                    relations[key] = on
            fetch = m.scalars
            columns = m.select_all
        if lead is not None:
            columns = f"{lead}, {columns}"
        sql = f"SELECT {columns} FROM {source or m.table}"
        conds = []
        if extra is not None:
            conds.append(extra[0])
            params.extend(extra[1])
        w = self.where(m, where, m.table, params)
        if w:
            conds.append(w)
        if conds:
            sql += " WHERE " + " AND ".join(f"({c})" for c in conds)
        sql += self.order_by(m, order_by, m.table, params) + self.dialect.limit_offset(take, skip)
        rows = self.fetch(sql, params)
        start = 1 if lead is not None else 0
        if leads_out is not None:
            leads_out.extend(r[0] for r in rows)
        values = _decode(rows, [m.readers.get(n) for n in fetch], start)
        records: list[Record]
        if select is not None:
            records = [dict(zip(fetch, row)) for row in values]
        else:
            assert m.cls is not None
            records = list(starmap(m.cls, values))
        for rel_name, args in relations.items():
            self._load(m, m.meta.relation_by_name[rel_name], records, args, select is not None)
        if select is not None and len(fetch) != len(selected):
            drop = [n for n in fetch if n not in selected and n not in keep]
            for r in records:
                for n in drop:
                    del r[n]
        return records

    def _load(self, m: _Model, rel: RelationMeta, parents: list[Record], args: Any, as_dict: bool) -> None:
        t = self.models[rel.target]
        opts: Mapping[str, Any] = args if isinstance(args, Mapping) else {}
        get: Callable[[Record, str], Any] = (lambda r, n: r[n]) if as_dict else getattr

        def put(r: Record, value: Any) -> None:
            if as_dict:
                r[rel.name] = value
            else:
                setattr(r, rel.name, value)

        sub_select = opts.get("select")
        sub_include = opts.get("include")
        if sub_select is None and as_dict and sub_include is None:
            sub_select = {n: True for n in t.scalars}  # select: {rel: true} gives the scalars
        groups: dict[Any, list[Record]] = {}
        ph = self.dialect.placeholder
        if rel.join_table is not None:
            keys = list(dict.fromkeys(get(p, m.meta.primary_key[0]) for p in parents))
            q = self.dialect.quote
            jt = self.dialect.table(rel.join_table, t.meta.schema)
            tpk = t.column[t.meta.primary_key[0]]
            for chunk in _chunks(keys, self.dialect.max_params // 2):
                leads: list[Any] = []
                found = self._read(
                    t, opts.get("where"), opts.get("order_by"), None, None, sub_select, sub_include,
                    source=f"{jt} JOIN {t.table} ON {t.table}.{tpk} = {jt}.{q(rel.join_remote)}",
                    lead=f"{jt}.{q(rel.join_local)}",
                    extra=(f"{jt}.{q(rel.join_local)} IN ({', '.join([ph] * len(chunk))})", list(chunk)),
                    leads_out=leads,
                )
                for key, rec in zip(leads, found):
                    groups.setdefault(key, []).append(rec)

            def key_of(p: Record) -> Any:
                return get(p, m.meta.primary_key[0])
        else:
            tuples = list(dict.fromkeys(tuple(get(p, n) for n in rel.local) for p in parents))
            tuples = [k for k in tuples if None not in k]
            remote_cols = [f"{t.table}.{t.column[n]}" for n in rel.remote]
            for chunk in _chunks(tuples, max(1, self.dialect.max_params // (2 * len(rel.remote)))):
                params: list[Any] = []
                if len(rel.remote) == 1:
                    conv = t.writers.get(rel.remote[0])
                    params = [conv(k[0]) if conv else k[0] for k in chunk]
                    cond = f"{remote_cols[0]} IN ({', '.join([ph] * len(chunk))})"
                else:
                    ors = []
                    for k in chunk:
                        ors.append("(" + " AND ".join(f"{c} = {ph}" for c in remote_cols) + ")")
                        params.extend(k)
                    cond = " OR ".join(ors)
                found = self._read(
                    t, opts.get("where"), opts.get("order_by"), None, None, sub_select, sub_include,
                    extra=(cond, params), keep=rel.remote if sub_select is not None else (),
                )
                for rec in found:
                    groups.setdefault(tuple(get(rec, n) for n in rel.remote), []).append(rec)
            if sub_select is not None:
                selected = {k for k, v in sub_select.items() if v}
                strip = [n for n in rel.remote if n not in selected]
                if strip:
                    for recs in groups.values():
                        for r in recs:
                            for n in strip:
                                r.pop(n, None)

            def key_of(p: Record) -> Any:
                return tuple(get(p, n) for n in rel.local)

        for p in parents:
            recs = groups.get(key_of(p), [])
            if rel.is_list:
                put(p, _page(recs, get, opts))
            else:
                put(p, recs[0] if recs else None)

    def find_unique(self, model: str, where: Mapping[str, Any], select: Any = None, include: Any = None) -> Record | None:
        m = self.models[model]
        self._check_unique(m, where)
        found = self._read(m, where, None, 1, None, select, include)
        return found[0] if found else None

    def count(self, model: str, where: Mapping[str, Any] | None = None) -> int:
        m = self.models[model]
        params: list[Any] = []
        w = self.where(m, where, m.table, params)
        sql = f"SELECT COUNT(*) FROM {m.table}" + (f" WHERE {w}" if w else "")
        return int(self.fetch(sql, params)[0][0])

    def group_by(
        self,
        model: str,
        by: Sequence[str],
        *,
        where: Mapping[str, Any] | None = None,
        having: Mapping[str, Any] | None = None,
        order_by: Any = None,
        take: int | None = None,
        skip: int | None = None,
        aggregates: Mapping[str, Sequence[str]] | None = None,
    ) -> list[dict[str, Any]]:
        """Prisma's ``groupBy``: one dict per group, the ``by`` fields and the asked aggregates
        (``{"_count": ["_all", "city"], "_sum": ["views"], "_avg"|"_min"|"_max": [...]}`` ->
        ``{"_count": {"_all": 2, "city": 1}, "_sum": {"views": 10}}``). ``having`` filters the
        ``by`` fields or aggregates: ``{"views": {"_avg": {"gt": 200}}}``, with AND/OR/NOT."""
        m = self.models[model]
        by = list(by)
        if not by:
            raise errors.ClientValidationError("group_by needs at least one field in `by`.")
        for n in by:
            m.field(n)
        ordered = [k for item in (order_by if isinstance(order_by, (list, tuple)) else [order_by] if order_by else []) for k in item]
        missing = [k for k in ordered if k not in by]
        if missing:
            raise errors.ClientValidationError(
                "Every field used for orderBy must be included in the by-arguments of the query. "
                f"Missing fields: {', '.join(missing)}"
            )
        fns = {"_count": "COUNT", "_sum": "SUM", "_avg": "AVG", "_min": "MIN", "_max": "MAX"}
        cols = [f"{m.table}.{m.column[n]}" for n in by]
        picks: list[tuple[str, str]] = []
        for agg, names in (aggregates or {}).items():
            if agg not in fns:
                raise errors.ClientValidationError(f"Unknown aggregate `{agg}`.")
            for n in names:
                if n == "_all" and agg == "_count":
                    cols.append("COUNT(*)")
                else:
                    m.field(n)
                    cols.append(f"{fns[agg]}({m.table}.{m.column[n]})")
                picks.append((agg, n))
        params: list[Any] = []
        sql = f"SELECT {', '.join(cols)} FROM {m.table}"
        w = self.where(m, where, m.table, params)
        if w:
            sql += f" WHERE {w}"
        sql += " GROUP BY " + ", ".join(f"{m.table}.{m.column[n]}" for n in by)
        h = self._having(m, having, by, fns, params)
        if h:
            sql += f" HAVING {h}"
        sql += self.order_by(m, order_by, m.table, params) + self.dialect.limit_offset(take, skip)
        out: list[dict[str, Any]] = []
        for row in self.fetch(sql, params):
            group: dict[str, Any] = {}
            for n, v in zip(by, row):
                r = m.readers.get(n)
                group[n] = r(v) if r is not None and v is not None else v
            for (agg, n), v in zip(picks, row[len(by):]):
                f = m.meta.by_name.get(n)
                if v is not None and f is not None:
                    if agg == "_avg":
                        v = v if f.type == "Decimal" else float(v)
                    elif agg == "_count":
                        v = int(v)
                    elif agg == "_sum" and f.type in ("Int", "BigInt"):
                        v = int(v)
                    elif agg == "_sum" and f.type == "Float":
                        v = float(v)
                    elif (r := m.readers.get(n)) is not None:
                        v = r(v)
                elif agg == "_count":
                    v = int(v or 0)
                group.setdefault(agg, {})[n] = v
            out.append(group)
        return out

    def _having(self, m: _Model, having: Any, by: Sequence[str], fns: Mapping[str, str], params: list[Any]) -> str:
        if not having:
            return ""
        parts: list[str] = []
        for key, value in having.items():
            if key in ("AND", "OR", "NOT"):
                items = list(value) if isinstance(value, (list, tuple)) else [value]
                subs = [self._having(m, x, by, fns, params) or "1=1" for x in items]
                joined = (" OR " if key == "OR" else " AND ").join(f"({x})" for x in subs) or ("1=0" if key == "OR" else "1=1")
                parts.append(f"NOT ({joined})" if key == "NOT" else f"({joined})")
                continue
            f = m.field(key)
            col = f"{m.table}.{m.column[key]}"
            aggs = {k: v for k, v in value.items() if k in fns} if isinstance(value, Mapping) else {}
            plain = {k: v for k, v in value.items() if k not in fns} if isinstance(value, Mapping) else value
            for agg, flt in aggs.items():
                parts.append(self._scalar(m, f, flt, f"{fns[agg]}({col})", params))
            if plain or not aggs:
                if key not in by:
                    raise errors.ClientValidationError(
                        "Input error. Every field used in `having` filters must either be an aggregation filter "
                        f"or be included in the selection of the query. Missing fields: {key}"
                    )
                parts.append(self._scalar(m, f, plain, col, params))
        return " AND ".join(p for p in parts if p)

    def _check_unique(self, m: _Model, where: Mapping[str, Any]) -> None:
        plain = {
            k
            for k, v in where.items()
            if k in m.meta.by_name and (not isinstance(v, Mapping) or set(v) == {"equals"})
        }
        for crit in (m.meta.primary_key, *m.meta.uniques):
            if crit and set(crit) <= plain:
                return
        if any(k in m.compound for k in where):
            return
        criteria = ", ".join("_".join(c) for c in (m.meta.primary_key, *m.meta.uniques) if c)
        raise errors.ClientValidationError(
            f"The where of a unique query on `{m.meta.name}` needs a unique criterion ({criteria})."
        )

    # ------------------------------------------------------------------ writes

    def _connects(self, m: _Model, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Relation fields given as ``{"connect": <unique where>}`` (or ``{"disconnect": True}`` on
        update) become their foreign-key fields; other nested writes are not supported."""
        relations = m.meta.relation_by_name
        if not any(k in relations for k in data):
            return data
        out: dict[str, Any] = {}
        for key, value in data.items():
            rel = relations.get(key)
            if rel is None:
                out[key] = value
                continue
            if not rel.holds_foreign_key or not isinstance(value, Mapping) or len(value) != 1:
                raise errors.ClientValidationError(
                    f"Nested writes through `{m.meta.name}.{key}` are not supported: use `connect` on the side "
                    "that holds the foreign key, or set the foreign-key fields."
                )
            if "disconnect" in value and rel.optional:
                out.update({name: None for name in rel.local})
                continue
            if "connect" not in value:
                raise errors.ClientValidationError(f"Only `connect`/`disconnect` are supported on `{m.meta.name}.{key}`.")
            found = self.find_unique(rel.target, value["connect"], {name: True for name in rel.remote}, None)
            if found is None:
                raise errors.RecordNotFoundError(
                    f"No '{rel.target}' record was found to connect to `{m.meta.name}.{key}`."
                )
            out.update({l: found[r] for l, r in zip(rel.local, rel.remote)})
        return out

    def _prepare_create(self, m: _Model, data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        by_name = m.meta.by_name
        data = self._connects(m, data)
        for key in data:
            if key not in by_name:
                raise errors.ClientValidationError(f"Unknown field `{key}` on model `{m.meta.name}`.")
        row = dict(data)
        for name, value in m.literal_defaults:
            if name not in row:
                row[name] = copy.deepcopy(value) if isinstance(value, (list, dict)) else value
        for f in m.generated:
            if f.name not in row:
                row[f.name] = _GENERATORS[f.default](f)  # type: ignore[index]
        for name in m.now_fields:
            if name not in row:
                row[name] = now
        return row

    def _insert_sql(self, m: _Model, names: Sequence[str], rows: int, skip_duplicates: bool = False) -> str:
        d = self.dialect
        if not names:
            if d.provider == "mysql":
                return f"{d.insert_prefix(skip_duplicates)} {m.table} () VALUES ()"
            return f"{d.insert_prefix(skip_duplicates)} {m.table} DEFAULT VALUES{d.insert_suffix(skip_duplicates)}"
        group = "(" + ", ".join([d.placeholder] * len(names)) + ")"
        cols = ", ".join(m.column[n] for n in names)
        return f"{d.insert_prefix(skip_duplicates)} {m.table} ({cols}) VALUES {', '.join([group] * rows)}{d.insert_suffix(skip_duplicates)}"

    #: nested writes Prisma allows through a relation, in a create and in an update
    _CREATE_OPS = ("create", "connect", "connectOrCreate")
    _UPDATE_OPS = _CREATE_OPS + ("set", "disconnect", "delete", "deleteMany", "update", "updateMany", "upsert")

    def _nested(
        self, m: _Model, data: Mapping[str, Any], update: bool = False
    ) -> tuple[dict[str, Any], list[tuple[RelationMeta, str, Any]]]:
        """Nested writes: those through a relation whose foreign key this model holds that give
        the key (``create``/``connect``/``connectOrCreate``/``disconnect``) run now (the key fields
        join ``data``); the others (the other side's ``posts: {create: [...]}``, many-to-many
        links, ``update``/``upsert``/``delete`` of the related record) are returned, to run once
        the record exists."""
        relations = m.meta.relation_by_name
        flat: dict[str, Any] = {}
        after: list[tuple[RelationMeta, str, Any]] = []
        for key, value in data.items():
            rel = relations.get(key)
            if rel is None:
                flat[key] = value
                continue
            if not isinstance(value, Mapping):
                raise errors.NullConstraintError(f"Argument `{key}` of `{m.meta.name}` must be a nested write, not {value!r}.")
            for op, arg in value.items():
                allowed = self._UPDATE_OPS if update else self._CREATE_OPS
                if op not in allowed or (op in ("set", "updateMany", "deleteMany") and not rel.is_list):
                    raise errors.ClientValidationError(
                        f"Unsupported nested write `{op}` through `{m.meta.name}.{key}` in {'an update' if update else 'a create'}."
                    )
                if not rel.holds_foreign_key or op in ("update", "upsert", "delete"):
                    after.append((rel, op, arg))
                    continue
                target: Any
                if op == "disconnect":
                    if not rel.optional:
                        raise errors.ClientValidationError(f"The relation `{m.meta.name}.{key}` is required: it cannot be disconnected.")
                    if arg:
                        flat.update({name: None for name in rel.local})
                    continue
                if op == "create":
                    target = self.create(rel.target, arg)
                else:
                    where = arg if op == "connect" else arg["where"]
                    target = self.find_unique(rel.target, where, None, None)
                    if target is None and op == "connectOrCreate":
                        target = self.create(rel.target, arg["create"])
                    if target is None:
                        raise errors.RecordNotFoundError(
                            f"No '{rel.target}' record was found to connect to `{m.meta.name}.{key}`."
                        )
                flat.update({l: getattr(target, r) for l, r in zip(rel.local, rel.remote)})
        return flat, after

    @staticmethod
    def _items(arg: Any) -> list[Any]:
        return list(arg) if isinstance(arg, (list, tuple)) else [arg]

    def _nested_after(self, m: _Model, rel: RelationMeta, op: str, arg: Any, parent: Record) -> None:
        if rel.join_table is not None:
            self._nested_many(m, rel, op, arg, parent)
        elif rel.holds_foreign_key:
            self._nested_owner(m, rel, op, arg, parent)
        else:
            self._nested_other_side(rel, op, arg, parent)

    def _nested_owner(self, m: _Model, rel: RelationMeta, op: str, arg: Any, parent: Record) -> None:
        """``update``/``upsert``/``delete`` of the record this one points to (its foreign key)."""
        key = {r: getattr(parent, l) for l, r in zip(rel.local, rel.remote)}
        linked = None if None in key.values() else self.find_unique(rel.target, key, None, None)
        if op == "update":
            if linked is None:
                raise errors.RecordNotFoundError(f"No '{rel.target}' record is related to the '{m.meta.name}' record to update.")
            data = arg["data"] if isinstance(arg, Mapping) and set(arg) <= {"where", "data"} and "data" in arg else arg
            self.update(rel.target, key, data)
        elif op == "upsert":
            if linked is not None:
                self.update(rel.target, key, arg["update"])
            else:
                target = self.create(rel.target, arg["create"])
                fk = {l: getattr(target, r) for l, r in zip(rel.local, rel.remote)}
                self.update(m.meta.name, self._pk_where(m, parent), fk)
        elif op == "delete" and arg:
            if linked is None:
                raise errors.RecordNotFoundError(f"No '{rel.target}' record is related to the '{m.meta.name}' record to delete.")
            self.delete(rel.target, key)

    def _nested_other_side(self, rel: RelationMeta, op: str, arg: Any, parent: Record) -> None:
        """Writes through a relation whose foreign key the related records hold."""
        link = {r: getattr(parent, l) for l, r in zip(rel.local, rel.remote)}
        unlink = {name: None for name in link}
        if op == "deleteMany":
            for w in self._items(arg):
                self.delete_many(rel.target, {"AND": [w if isinstance(w, Mapping) else {}, link]})
            return
        if op == "updateMany":
            for item in self._items(arg):
                self.update_many(rel.target, {"AND": [item.get("where") or {}, link]}, item["data"])
            return
        if op == "set":
            self.update_many(rel.target, link, unlink)
            for w in self._items(arg):
                if self.update_many(rel.target, w, link) == 0:
                    raise errors.RecordNotFoundError(f"No '{rel.target}' record was found to connect to `{rel.name}`.")
            return
        if not rel.is_list and op in ("disconnect", "delete", "update", "upsert"):
            # to-one back side: `profile: {disconnect: true}`, `{update: {...}}`, `{upsert: {create, update}}`
            if op == "disconnect" and arg:
                self.update_many(rel.target, link, unlink)
            elif op == "delete" and arg:
                if self.delete_many(rel.target, link) == 0:
                    raise errors.RecordNotFoundError(f"No '{rel.target}' record related to the parent was found to delete.")
            elif op == "update":
                data = arg["data"] if set(arg) <= {"where", "data"} and "data" in arg else arg
                if self.update_many(rel.target, link, data) == 0:
                    raise errors.RecordNotFoundError(f"No '{rel.target}' record related to the parent was found to update.")
            elif op == "upsert":
                if self.read(rel.target, where=link, take=1):
                    self.update_many(rel.target, link, arg["update"])
                else:
                    self.create(rel.target, {**arg["create"], **link})
            return
        for item in self._items(arg):
            if op in ("disconnect", "delete", "update", "upsert"):
                where = item if op in ("disconnect", "delete") else item["where"]
                found = self.read(rel.target, where={"AND": [where, link]}, take=1)
                if op == "upsert":
                    if found:
                        self.update(rel.target, where, item["update"])
                    else:
                        self.create(rel.target, {**item["create"], **link})
                elif not found:
                    if op != "disconnect":
                        raise errors.RecordNotFoundError(f"No '{rel.target}' record related to the parent was found to {op}.")
                elif op == "delete":
                    self.delete(rel.target, where)
                elif op == "update":
                    self.update(rel.target, where, item["data"])
                else:
                    self.update(rel.target, where, unlink)
                continue
            if op == "create":
                self.create(rel.target, {**item, **link})
                continue
            where = item if op == "connect" else item["where"]
            if self.find_unique(rel.target, where, None, None) is not None:
                self.update(rel.target, where, link)
            elif op == "connectOrCreate":
                self.create(rel.target, {**item["create"], **link})
            else:
                raise errors.RecordNotFoundError(f"No '{rel.target}' record was found to connect to `{rel.name}`.")

    def _nested_many(self, m: _Model, rel: RelationMeta, op: str, arg: Any, parent: Record) -> None:
        """Writes through a many-to-many relation: rows of its join table (``_AToB``: column
        ``rel.join_local`` holds this record's id, ``rel.join_remote`` the related record's)."""
        t = self.models[rel.target]
        d = self.dialect
        q, ph = d.quote, d.placeholder
        jt = d.table(rel.join_table or "", t.meta.schema)
        local, remote = q(rel.join_local), q(rel.join_remote)
        tpk = t.meta.primary_key[0]
        mine = getattr(parent, m.meta.primary_key[0])
        mine_conv = m.writers.get(m.meta.primary_key[0])
        mine_p = mine_conv(mine) if mine_conv else mine
        t_conv = t.writers.get(tpk)

        def tid(rec: Record) -> Any:
            v = getattr(rec, tpk)
            return t_conv(v) if t_conv else v

        def link(rec: Record) -> None:
            self.execute(
                f"{d.insert_prefix(True)} {jt} ({local}, {remote}) VALUES ({ph}, {ph}){d.insert_suffix(True)}", [mine_p, tid(rec)]
            )

        def linked_ids() -> list[Any]:
            return [r[0] for r in self.fetch(f"SELECT {remote} FROM {jt} WHERE {local} = {ph}", [mine_p])]

        def linked(where: Any) -> list[Record]:
            ids = linked_ids()
            return self.read(rel.target, where={"AND": [where or {}, {tpk: {"in": ids}}]}) if ids else []

        if op == "set":
            self.execute(f"DELETE FROM {jt} WHERE {local} = {ph}", [mine_p])
            op = "connect"
        if op in ("deleteMany", "updateMany"):
            for item in self._items(arg):
                where = item if op == "deleteMany" else item.get("where")
                ids = [getattr(r, tpk) for r in linked(where)]
                if ids and op == "deleteMany":
                    self.delete_many(rel.target, {tpk: {"in": ids}})
                elif ids:
                    self.update_many(rel.target, {tpk: {"in": ids}}, item["data"])
            return
        for item in self._items(arg):
            if op == "create":
                link(self.create(rel.target, item))
            elif op in ("connect", "connectOrCreate"):
                where = item if op == "connect" else item["where"]
                rec = self.find_unique(rel.target, where, None, None)
                if rec is None and op == "connectOrCreate":
                    rec = self.create(rel.target, item["create"])
                if rec is None:
                    raise errors.RecordNotFoundError(f"No '{rel.target}' record was found to connect to `{m.meta.name}.{rel.name}`.")
                link(rec)
            elif op == "upsert":
                found = linked(item["where"])
                if found:
                    self.update(rel.target, item["where"], item["update"])
                else:
                    link(self.create(rel.target, item["create"]))
            else:  # disconnect, delete, update
                where = item if op in ("disconnect", "delete") else item["where"]
                found = linked(where)
                if not found:
                    if op != "disconnect":
                        raise errors.RecordNotFoundError(f"No '{rel.target}' record linked to the parent was found to {op}.")
                    continue
                if op == "disconnect":
                    self.execute(f"DELETE FROM {jt} WHERE {local} = {ph} AND {remote} = {ph}", [mine_p, tid(found[0])])
                elif op == "delete":
                    self.delete(rel.target, {tpk: getattr(found[0], tpk)})
                else:
                    self.update(rel.target, {tpk: getattr(found[0], tpk)}, item["data"])

    def create(self, model: str, data: Mapping[str, Any], include: Any = None) -> Record:
        m = self.models[model]
        nested = any(k in m.meta.relation_by_name for k in data)
        with self.transaction() if nested else _nothing():
            after: list[tuple[RelationMeta, str, Any]] = []
            if nested:
                data, after = self._nested(m, data)
            record = self._create(m, data, include if not after else None)
            for rel, op, arg in after:
                self._nested_after(m, rel, op, arg, record)
            if after and include:
                for rel_name, args in include.items():
                    if args:
                        self._load(m, m.meta.relation_by_name[rel_name], [record], args, False)
            return record

    def _create(self, m: _Model, data: Mapping[str, Any], include: Any) -> Record:
        row = self._prepare_create(m, data, _now())
        names = list(row)
        params = [m.writers[n](row[n]) if n in m.writers else row[n] for n in names]
        sql = self._insert_sql(m, names, 1)
        with self.transaction() if include else _nothing():
            if self.dialect.returning:
                fetched = self.fetch(f"{sql} RETURNING {m.returning}", params)
                record = self._record(m, fetched[0])
            else:
                last_id = self._io("insert_id", sql, params)
                key = {n: row[n] for n in m.identity if n in row}
                if m.autoincrement in m.identity and m.autoincrement not in key:
                    key[m.autoincrement] = last_id
                found = self._read(m, key, None, 1, None, None, None)
                record = found[0]
            if include:
                for rel_name, args in include.items():
                    if args:
                        self._load(m, m.meta.relation_by_name[rel_name], [record], args, False)
        return record

    def _record(self, m: _Model, row: Sequence[Any]) -> Record:
        values = [r(v) if r else v for r, v in zip(m.row_readers, row)]
        assert m.cls is not None
        return m.cls(*values)

    def create_many(self, model: str, data: Sequence[Mapping[str, Any]], skip_duplicates: bool = False) -> int:
        m = self.models[model]
        now = _now()
        total = 0
        with self.transaction():
            for names, columns in self._create_columns(m, data, now):
                if not names:
                    for _ in range(len(columns[0]) if columns else 0):
                        total += max(self.execute(self._insert_sql(m, names, 1, skip_duplicates)), 0)
                    continue
                if self.dialect.provider == "postgresql" and all(m.unnest_type.get(n) for n in names):
                    total += self._insert_unnest(m, names, columns, skip_duplicates)
                    continue
                per_batch = max(1, min(self.dialect.max_params // len(names), 10_000))
                count = len(columns[0])
                for start in range(0, count, per_batch):
                    end = min(start + per_batch, count)
                    params = list(chain.from_iterable(zip(*(c[start:end] for c in columns))))
                    total += max(self.execute(self._insert_sql(m, names, end - start, skip_duplicates), params), 0)
        return total

    def _create_columns(
        self, m: _Model, data: Sequence[Mapping[str, Any]], now: datetime
    ) -> Iterator[tuple[tuple[str, ...], list[list[Any]]]]:
        """``create_many``'s rows, grouped by the fields they give: per group the column names
        (given fields, then client-side defaults) and each column's values, converted for the
        driver. Rows of plain scalar fields are handled column by column; others (``connect``
        through a relation, unknown fields: an error) row by row (:meth:`_prepare_create`)."""
        shapes: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
        for item in data:
            shapes.setdefault(tuple(item), []).append(item)
        by_name = m.meta.by_name
        prepared: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for shape, items in shapes.items():
            if not all(k in by_name for k in shape):
                for item in items:
                    row = self._prepare_create(m, item, now)
                    prepared.setdefault(tuple(row), []).append(row)
                continue
            names = list(shape)
            columns = [list(map(itemgetter(n), items)) for n in shape]  # no tuple per row
            given = set(shape)
            for name, value in m.literal_defaults:
                if name not in given:
                    names.append(name)
                    mutable = isinstance(value, (list, dict))
                    columns.append([copy.deepcopy(value) for _ in items] if mutable else [value] * len(items))
            for f in m.generated:
                if f.name not in given:
                    make = _GENERATORS[f.default]  # type: ignore[index]
                    names.append(f.name)
                    columns.append([make(f) for _ in items])
            for name in m.now_fields:
                if name not in given:
                    names.append(name)
                    columns.append([now] * len(items))
            yield tuple(names), self._convert_columns(m, names, columns) if names else [[None] * len(items)]
        for names_, rows in prepared.items():
            columns = [[row[n] for row in rows] for n in names_]
            yield names_, self._convert_columns(m, names_, columns) if names_ else [[None] * len(rows)]

    @staticmethod
    def _convert_columns(m: _Model, names: Sequence[str], columns: list[list[Any]]) -> list[list[Any]]:
        for i, name in enumerate(names):
            conv = m.writers.get(name)
            if conv is not None:
                whole = getattr(conv, "column", None)  # a writer's own converter of a whole column
                columns[i] = whole(columns[i]) if whole is not None else list(map(conv, columns[i]))
        return columns

    def _insert_unnest(self, m: _Model, names: Sequence[str], columns: list[list[Any]], skip_duplicates: bool) -> int:
        """PostgreSQL: one multi-row ``INSERT ... SELECT * FROM unnest($1::t1[], $2::t2[]...)`` per
        batch: one array parameter per column instead of one parameter per value (the driver
        parses a short statement, the server plans it once)."""
        d = self.dialect
        cols = ", ".join(m.column[n] for n in names)
        arrays = ", ".join(f"%b::{m.unnest_type[n]}[]" for n in names)  # binary: no text quoting
        sql = f"{d.insert_prefix(skip_duplicates)} {m.table} ({cols}) SELECT * FROM unnest({arrays}){d.insert_suffix(skip_duplicates)}"
        total = 0
        for start in range(0, len(columns[0]), 50_000):
            total += max(self.execute(sql, [c[start : start + 50_000] for c in columns]), 0)
        return total

    def _set(self, m: _Model, data: Mapping[str, Any], params: list[Any]) -> str:
        ph = self.dialect.placeholder
        sets: list[str] = []
        values = dict(self._connects(m, data))
        if m.updated_at:
            now = _now()
            for name in m.updated_at:
                values.setdefault(name, now)
        for key, value in values.items():
            f = m.field(key) if key not in m.meta.relation_by_name else None
            if f is None:
                raise errors.ClientValidationError(f"Nested writes are not supported: `{key}` on `{m.meta.name}`.")
            col = m.column[key]
            conv = m.writers.get(key)
            if f.is_list and isinstance(value, Mapping):
                for op, v in value.items():
                    if op not in ("set", "push"):
                        raise errors.ClientValidationError(f"Unknown update operation `{op}` on `{m.meta.name}.{key}`.")
                    items = list(v) if isinstance(v, (list, tuple)) or op == "set" else [v]
                    params.append(conv(items) if conv else items)
                    arr = f"{ph}::{f.sql_type}" if f.sql_type else ph
                    sets.append(f"{col} = {arr}" if op == "set" else f"{col} = array_cat({col}, {arr})")
            elif isinstance(value, Mapping) and f.type != "Json":
                if len(value) != 1:
                    raise errors.ClientValidationError(
                        f"Expected exactly one field to be present, got {len(value)} (update of `{m.meta.name}.{key}`)."
                    )
                for op, v in value.items():
                    if op == "set":
                        params.append(conv(v) if conv else v)
                        sets.append(f"{col} = {ph}")
                    elif op in _NUMBER_OPS:
                        params.append(v)
                        sets.append(f"{col} = {col} {_NUMBER_OPS[op]} {ph}")
                    else:
                        raise errors.ClientValidationError(f"Unknown update operation `{op}` on `{m.meta.name}.{key}`.")
            else:
                params.append(conv(value) if conv else value)
                sets.append(f"{col} = {ph}")
        return ", ".join(sets)

    def _pk_where(self, m: _Model, record: Record) -> dict[str, Any]:
        return {n: getattr(record, n) for n in m.identity}

    def update(self, model: str, where: Mapping[str, Any], data: Mapping[str, Any], include: Any = None) -> Record:
        m = self.models[model]
        self._check_unique(m, where)
        with self.transaction():
            found = self._read(m, where, None, 1, None, None, None)
            if not found:
                raise errors.RecordNotFoundError(
                    f"An operation failed because it depends on one or more records that were required but not found. No '{m.meta.name}' record was found for an update."
                )
            after: list[tuple[RelationMeta, str, Any]] = []
            relations = m.meta.relation_by_name
            if any(k in relations for k in data):
                plain = {k: v for k, v in data.items() if k not in relations or self._only_connects(relations[k], v)}
                flat, after = self._nested(m, {k: v for k, v in data.items() if k not in plain}, update=True)
                data = {**plain, **flat}
            key = self._pk_where(m, found[0])
            params: list[Any] = []
            sets = self._set(m, data, params)
            if sets:
                w = self.where(m, key, m.table, params)
                self.execute(f"UPDATE {m.table} SET {sets} WHERE {w}", params)
            for n in m.identity:
                v = data.get(n)
                if v is not None and not isinstance(v, Mapping):
                    key[n] = v
                elif isinstance(v, Mapping) and "set" in v:
                    key[n] = v["set"]
                elif isinstance(v, Mapping) and len(v) == 1 and next(iter(v)) in _NUMBER_OPS:
                    op, by = next(iter(v.items()))
                    old = key[n]
                    key[n] = {"increment": lambda: old + by, "decrement": lambda: old - by,
                              "multiply": lambda: old * by, "divide": lambda: old // by if isinstance(old, int) else old / by}[op]()
            if after:
                record = self._read(m, key, None, 1, None, None, None)[0]
                for rel, op, arg in after:
                    self._nested_after(m, rel, op, arg, record)
            return self._read(m, key, None, 1, None, None, include)[0]

    @staticmethod
    def _only_connects(rel: RelationMeta, value: Any) -> bool:
        """A write `_set` handles itself (connect/disconnect on the side holding the key)."""
        return rel.holds_foreign_key and isinstance(value, Mapping) and len(value) == 1 and (
            "connect" in value or ("disconnect" in value and rel.optional)
        )

    def update_many(self, model: str, where: Mapping[str, Any] | None, data: Mapping[str, Any]) -> int:
        m = self.models[model]
        params: list[Any] = []
        sets = self._set(m, data, params)
        if not sets:
            return self.count(model, where)
        w = self.where(m, where, m.table, params)
        return self.execute(f"UPDATE {m.table} SET {sets}" + (f" WHERE {w}" if w else ""), params)

    def upsert(
        self, model: str, where: Mapping[str, Any], create: Mapping[str, Any], update: Mapping[str, Any], include: Any = None
    ) -> Record:
        m = self.models[model]
        self._check_unique(m, where)
        with self.transaction():
            if self._read(m, where, None, 1, None, {m.identity[0]: True}, None):
                return self.update(model, where, update, include)
            return self.create(model, create, include)

    def delete(self, model: str, where: Mapping[str, Any], include: Any = None) -> Record:
        m = self.models[model]
        self._check_unique(m, where)
        with self.transaction():
            found = self._read(m, where, None, 1, None, None, include)
            if not found:
                raise errors.RecordNotFoundError(
                    f"An operation failed because it depends on one or more records that were required but not found. No '{m.meta.name}' record was found for a delete."
                )
            params: list[Any] = []
            w = self.where(m, self._pk_where(m, found[0]), m.table, params)
            self.execute(f"DELETE FROM {m.table} WHERE {w}", params)
            return found[0]

    def delete_many(self, model: str, where: Mapping[str, Any] | None = None) -> int:
        m = self.models[model]
        params: list[Any] = []
        w = self.where(m, where, m.table, params)
        return self.execute(f"DELETE FROM {m.table}" + (f" WHERE {w}" if w else ""), params)


def _decode(rows: Sequence[Sequence[Any]], readers: Sequence[Callable[[Any], Any] | None], start: int) -> Iterable[Sequence[Any]]:
    """The rows' values (from column ``start`` on) through their columns' readers, converted
    column by column (``map``: no per-row Python loop)."""
    if not any(readers) or not rows:
        return [r[start:] for r in rows] if start else rows
    columns: list[Any] = list(zip(*rows))[start:]
    for i, reader in enumerate(readers):
        if reader is not None:
            whole = getattr(reader, "column", None)  # a reader's own converter of a whole column
            columns[i] = whole(columns[i]) if whole is not None else map(reader, columns[i])
    return zip(*columns)


def _json_path_keys(path: Any) -> list[str]:
    """A Json filter's path as keys: ``["a", "b"]``, or MySQL's ``"$.a.b"`` / ``"$.a[0]"``."""
    if isinstance(path, str):
        return [k for k in path.removeprefix("$").replace("[", ".").replace("]", "").split(".") if k]
    return [str(k) for k in path]


def _page(recs: list[Record], get: Callable[[Record, str], Any], opts: Mapping[str, Any]) -> list[Record]:
    """A loaded list relation's ``distinct``, ``cursor``, ``skip`` and ``take`` (negative: the
    records before the cursor, or the last ones), applied to its ordered records."""
    distinct = opts.get("distinct")
    if distinct:
        names = [distinct] if isinstance(distinct, str) else list(distinct)
        seen: set[Any] = set()
        kept = []
        for r in recs:
            k = tuple(get(r, n) for n in names)
            if k not in seen:
                seen.add(k)
                kept.append(r)
        recs = kept
    skip, take, cursor = opts.get("skip") or 0, opts.get("take"), opts.get("cursor")
    at: int | None = None
    if cursor:
        at = next((i for i, r in enumerate(recs) if all(get(r, k) == v for k, v in cursor.items())), None)
        if at is None:
            return []
    if take is None or take >= 0:
        start = (at or 0) + skip
        return recs[start : None if take is None else start + take]
    end = (len(recs) if at is None else at + 1) - skip
    return recs[max(0, end + take) : max(0, end)]


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    size = max(1, size)
    for i in range(0, len(items), size):
        yield items[i : i + size]
