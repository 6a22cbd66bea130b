"""The runtime of the generated Python client (``schemashift generate``).

The generated package (one dataclass per model, TypedDict argument types, a typed delegate per
model) subclasses :class:`BaseClient` and :class:`ModelDelegate`; the query building lives in
:mod:`schemashift.client.engine`, the per-database details in :mod:`schemashift.client.dialect`.

Usage (Prisma's API in Python spelling)::

    from prisma_client import Client

    with Client() as db:                      # DATABASE_URL from the environment or .env
        db.user.create_many(data=[{"email": "a@example.com", "planTier": "PRO"}])
        users = db.user.find_many(where={"email": {"endsWith": "@example.com"}}, order_by={"email": "asc"})
        with db.tx() as tx:                   # one transaction: commit, or rollback on error
            tx.user.update(where={"email": "a@example.com"}, data={"planTier": "FREE"})
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from schemashift.client.engine import Engine, aggregate_fields
from schemashift.client.errors import (
    ClientError,
    ClientValidationError,
    DatabaseError,
    ForeignKeyConstraintError,
    NullConstraintError,
    RecordNotFoundError,
    UniqueConstraintError,
)
from schemashift.client.meta import EnumMeta, FieldMeta, ModelMeta, RelationMeta, SchemaMeta

T = TypeVar("T")

__all__ = [
    "AsyncBaseClient",
    "AsyncModelDelegate",
    "BaseClient",
    "ModelDelegate",
    "SchemaMeta",
    "ModelMeta",
    "FieldMeta",
    "RelationMeta",
    "EnumMeta",
    "ClientError",
    "ClientValidationError",
    "DatabaseError",
    "ForeignKeyConstraintError",
    "NullConstraintError",
    "RecordNotFoundError",
    "UniqueConstraintError",
]


class ModelDelegate:
    """Untyped operations of one model; the generated subclass gives them typed signatures."""

    def __init__(self, engine: Engine, model: str) -> None:
        self._engine = engine
        self._model = model

    def _create(self, data: Mapping[str, Any], include: Any = None) -> Any:
        return self._engine.create(self._model, data, include)

    def _create_many(self, data: Sequence[Mapping[str, Any]], skip_duplicates: bool = False) -> int:
        return self._engine.create_many(self._model, data, skip_duplicates)

    def _find_unique(self, where: Mapping[str, Any], select: Any = None, include: Any = None) -> Any:
        return self._engine.find_unique(self._model, where, select, include)

    def _find_first(
        self, where: Any = None, order_by: Any = None, skip: int | None = None, select: Any = None, include: Any = None,
        cursor: Any = None, distinct: Any = None,
    ) -> Any:
        found = self._engine.read(
            self._model, where=where, order_by=order_by, skip=skip, take=1, select=select, include=include,
            cursor=cursor, distinct=distinct,
        )
        return found[0] if found else None

    def _find_many(
        self,
        where: Any = None,
        order_by: Any = None,
        skip: int | None = None,
        take: int | None = None,
        select: Any = None,
        include: Any = None,
        cursor: Any = None,
        distinct: Any = None,
    ) -> list[Any]:
        return self._engine.read(
            self._model, where=where, order_by=order_by, skip=skip, take=take, select=select, include=include,
            cursor=cursor, distinct=distinct,
        )

    def _group_by(self, by: Sequence[str], where: Any, having: Any, order_by: Any, take: int | None, skip: int | None,
                  aggregates: Mapping[str, Any]) -> list[dict[str, Any]]:
        """``aggregates``: ``count``/``sum``/``avg``/``min``/``max`` as given (True, or ``{field: True}``)."""
        return self._engine.group_by(self._model, by, where=where, having=having, order_by=order_by, take=take, skip=skip,
                                     aggregates=aggregate_fields(aggregates))

    def _or_raise(self, found: Any, what: str) -> Any:
        if found is None:
            raise RecordNotFoundError(f"No {self._model} found ({what}).")
        return found

    def _update(self, where: Mapping[str, Any], data: Mapping[str, Any], include: Any = None) -> Any:
        return self._engine.update(self._model, where, data, include)

    def _update_many(self, where: Any, data: Mapping[str, Any]) -> int:
        return self._engine.update_many(self._model, where, data)

    def _upsert(self, where: Mapping[str, Any], create: Mapping[str, Any], update: Mapping[str, Any], include: Any = None) -> Any:
        return self._engine.upsert(self._model, where, create, update, include)

    def _delete(self, where: Mapping[str, Any], include: Any = None) -> Any:
        return self._engine.delete(self._model, where, include)

    def _delete_many(self, where: Any = None) -> int:
        return self._engine.delete_many(self._model, where)

    def _count(self, where: Any = None) -> int:
        return self._engine.count(self._model, where)


class BaseClient:
    """The generated ``Client`` subclasses this; it sets the schema facts below."""

    _meta: ClassVar[SchemaMeta]
    _classes: ClassVar[Mapping[str, type]]
    _enum_classes: ClassVar[Mapping[str, type[Enum]]]
    _package_dir: ClassVar[Path]

    def __init__(self, url: str | None = None, *, _engine: Engine | None = None) -> None:
        """``url`` overrides the datasource URL (default: the schema's ``env("...")`` variable,
        read from the environment or a ``.env`` file). The connection opens on first use."""
        self._engine = _engine or Engine(self._meta, self._classes, self._enum_classes, url, self._package_dir)
        self._setup()

    def _setup(self) -> None:
        """The generated subclass creates its delegates here."""

    def connect(self) -> None:
        self._engine.connect()

    def close(self) -> None:
        """Close the connection (Prisma's ``$disconnect``)."""
        self._engine.close()

    disconnect = close

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def tx(self) -> Iterator[Self]:
        """A transaction: the block's operations commit together, or roll back on an exception.

        The yielded client holds one connection of the pool for the block (a nested ``tx()``
        joins the outer transaction)."""
        with self._engine.tx() as engine:
            yield type(self)(_engine=engine)

    def execute_raw(self, sql: str, *params: Any) -> int:
        """Run a statement (``%s``/``?`` placeholders as the driver takes them); the row count."""
        return self._engine.execute(sql, params)

    def query_raw(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""
        return self._engine.fetch(sql, params)


# ---------------------------------------------------------------------------- async variant


class AsyncModelDelegate:
    """The async face of a :class:`ModelDelegate`: each call runs the operation natively on
    asyncio (see :meth:`Engine.arun`), on a connection of the client's pool."""

    def __init__(self, sync: ModelDelegate, client: "AsyncBaseClient") -> None:
        self._sync = sync
        self._client = client

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._client._call(fn, *args)


class AsyncBaseClient:
    """The generated ``AsyncClient`` subclasses this: ``async with AsyncClient() as db:
    await db.user.find_many(...)``. Concurrent tasks run on different connections of the
    client's pool (``connection_limit``/``pool_timeout`` in the URL)."""

    _sync_client: ClassVar[type[BaseClient]]
    _client: BaseClient

    def __init__(self, url: str | None = None, *, _engine: Engine | None = None) -> None:
        if _engine is None:
            sync = self._sync_client
            _engine = Engine(sync._meta, sync._classes, sync._enum_classes, url, sync._package_dir, asynchronous=True)
        self._client = self._sync_client(_engine=_engine)
        self._engine = _engine
        self._setup()

    def _setup(self) -> None:
        """The generated subclass creates its delegates here."""

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._engine.arun(fn, *args)

    async def connect(self) -> None:
        await self._engine.aconnect()

    async def close(self) -> None:
        await self._engine.aclose()

    disconnect = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Self]:
        """A transaction (see :meth:`BaseClient.tx`) on one connection of the pool."""
        async with self._engine.atx() as engine:
            yield type(self)(_engine=engine)

    async def execute_raw(self, sql: str, *params: Any) -> int:
        return await self._call(self._client.execute_raw, sql, *params)

    async def query_raw(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return await self._call(self._client.query_raw, sql, *params)
