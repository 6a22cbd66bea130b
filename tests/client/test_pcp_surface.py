"""The prisma-client-py surface beyond plain CRUD: literal defaults, named compound keys, user
model classes and partial types, raw query result types, transactions with timeouts, its error
types and messages, metrics, Json and Decimal values, case-insensitive and full-text filters,
scalar lists (PostgreSQL) — on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

import asyncio
import datetime
import json
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from prisma_py_helpers import make_prisma, purge, schema_with

from schemashift.generate import is_prisma_py_provider

# a provider string of prisma-client-py's own test runner, and a partial type generator
SCHEMA = schema_with("""\
model User {{
  id    String @id @default(cuid())
  name  String
  posts Post[]
}}

model Post {{
  id        Int     @id @default(autoincrement())
  title     String
  published Boolean @default(false)
  author    User?   @relation(fields: [author_id], references: [id])
  author_id String?
  {fulltext}
}}

model Thing {{
  id      Int      @id @default(autoincrement())
  blob    Bytes    @default("")
  doc     Json     @default("{{\\"a\\": 1}}")
  price   Decimal  @default(1.5)
  big     BigInt   @default(0)
  at      DateTime @default(now())
  label   String   @default("none")
}}

model Pair {{
  first String
  last  String
  note  String @default("")

  @@unique([first, last], name: "full_name")
}}

model Key {{
  a Int
  b Int

  @@id([a, b], name: "ab")
}}
""", generator='provider  = "coverage run -m prisma"\n  partial_type_generator = "partials.py"')

PARTIALS = """\
from prisma.models import Post, User

Post.create_partial("PostTitle", include={"id", "title"})
User.create_partial("UserName", include={"name"})
Post.create_partial("PostWithAuthor", include={"id", "title", "author"}, relations={"author": "UserName"})
"""


def schema_for(provider: str) -> str:
    fulltext = "@@fulltext([title])" if provider == "mysql" else ""
    return SCHEMA.replace("{fulltext}", fulltext)


def _package(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any], interface: str) -> Iterator[ModuleType]:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "partials.py").write_text(PARTIALS, encoding="utf-8")
    yield make_prisma(tmp_path, provider, db_url, run_cli, interface=interface, schema=schema_for(provider))
    purge()


@pytest.fixture
def prisma(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> Iterator[ModuleType]:
    yield from _package(tmp_path, provider, db_url, run_cli, "sync")


@pytest.fixture
def aprisma(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> Iterator[ModuleType]:
    yield from _package(tmp_path, provider, db_url, run_cli, "asyncio")


def test_provider_strings() -> None:
    for provider in ("prisma-client-py", "python -m prisma", "python3 -m prisma", "coverage run -m prisma", "poetry run prisma-client-py"):
        assert is_prisma_py_provider(provider), provider
    for provider in ("prisma-client-js", "schemashift-py", "prisma"):
        assert not is_prisma_py_provider(provider), provider


def test_literal_defaults_named_keys_and_values(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        # literal defaults are filled in by the client (MySQL cannot hold a BLOB/JSON default)
        thing = db.thing.create({})
        assert thing.blob.decode() == b"" and thing.doc == {"a": 1} and thing.price == Decimal("1.5")
        assert thing.big == 0 and thing.label == "none"
        assert db.thing.create_many([{}, {"label": "x"}]) == 2
        # Decimal values come back without the column's padding zeros
        db.thing.update(where={"id": thing.id}, data={"price": Decimal("2.1234")})
        assert str(db.thing.find_unique(where={"id": thing.id}).price) == "2.1234"
        # named compound keys: @@unique(name:) and @@id(name:)
        db.pair.create({"first": "Ann", "last": "Lee"})
        found = db.pair.find_unique(where={"full_name": {"first": "Ann", "last": "Lee"}})
        assert found is not None and found.note == ""
        db.key.create({"a": 1, "b": 2})
        assert db.key.find_unique(where={"ab": {"a": 1, "b": 2}}) is not None
        assert db.key.update(where={"ab": {"a": 1, "b": 2}}, data={"b": {"increment": 1}}).b == 3
        # Json: a Json value in equals/not is compared as a value, not read as a filter
        db.thing.update(where={"id": thing.id}, data={"doc": prisma.Json({"country": "Scotland"})})
        assert db.thing.find_first(where={"doc": {"equals": prisma.Json.keys(country="Scotland")}}).id == thing.id
        assert db.thing.find_first(where={"id": thing.id, "doc": {"not": prisma.Json.keys(country="Scotland")}}) is None
        with pytest.raises(TypeError, match="not serializable"):
            db.thing.create({"doc": prisma.Json({"x": object})})
    schema = prisma.models.Thing.model_json_schema()["properties"]
    assert schema["blob"]["format"] == "byte" and schema["doc"]["contentMediaType"] == "application/json"


def test_user_model_classes_and_partials(prisma: ModuleType) -> None:
    errors = prisma.errors

    class Named(prisma.models.User):
        @property
        def shout(self) -> str:
            return self.name.upper()

    class Slim(prisma.bases.BasePost):
        id: int
        title: str

    class Wrong(prisma.bases.BasePost):
        nope: str

    with prisma.Prisma(auto_register=True) as db:
        user = Named.prisma().create({"name": "ann", "posts": {"create": [{"title": "t"}]}})
        assert isinstance(user, Named) and user.shout == "ANN"
        slim = Slim.prisma().find_first()
        assert isinstance(slim, Slim) and slim.title == "t" and not hasattr(slim, "published")
        with pytest.raises(errors.FieldNotFoundError, match="Field 'nope' not found in enclosing type 'Post'"):
            Wrong.prisma().find_first()
        # partial types written by the partial_type_generator
        PostTitle, PostWithAuthor, UserName = prisma.partials.PostTitle, prisma.partials.PostWithAuthor, prisma.partials.UserName
        assert set(PostTitle.model_fields) == {"id", "title"}
        with_author = PostWithAuthor.prisma().find_first(include={"author": True})
        assert isinstance(with_author.author, UserName) and with_author.author.name == "ann"
        with pytest.raises(errors.UnknownRelationalFieldError, match='Field: "author" either does not exist'):
            PostTitle.prisma().find_first(include={"author": True})
        rows = db.post.query_raw(_select_posts(db))
        assert [type(r) for r in rows] == [prisma.models.Post]
        db.disconnect()
        prisma.client._registry.client = None


def _select_posts(db: Any) -> str:
    return {"postgresql": 'SELECT * FROM "Post"', "mysql": "SELECT * FROM `Post`"}.get(db._active_provider, "SELECT * FROM Post")


def test_raw_query_result_types(prisma: ModuleType, provider: str) -> None:
    at = datetime.datetime(2022, 12, 25, 12, 1, 34, tzinfo=datetime.timezone.utc)
    with prisma.Prisma() as db:
        thing = db.thing.create({"blob": prisma.Base64.encode(b"foo"), "price": Decimal("1.25"), "big": 2**40, "at": at})
        table = {"postgresql": '"Thing"', "mysql": "`Thing`"}.get(provider, "Thing")
        ph = "$1" if provider == "postgresql" else "?"
        row = db.query_first(f"SELECT * FROM {table} WHERE id = {ph}", thing.id)
        assert row["blob"] == "Zm9v" and row["price"] == 1.25 and row["big"] == 2**40
        assert row["at"] == "2022-12-25T12:01:34+00:00"  # SQLite: typed by the column of the table read
        post_table = {"postgresql": '"Post"', "mysql": "`Post`"}.get(provider, "Post")
        db.post.create({"title": "t", "published": True})
        flags = db.query_raw(f"SELECT published, COUNT(*) AS n FROM {post_table} GROUP BY published")
        assert flags == [{"published": 1 if provider == "mysql" else True, "n": 1}]
        model = db.query_first(f"SELECT * FROM {table} WHERE id = {ph}", thing.id, model=prisma.models.Thing)
        assert model.blob.decode() == b"foo" and model.at == at and model.price == Decimal("1.25") and model.doc == {"a": 1}
        with pytest.raises(prisma.errors.RawQueryError):
            db.query_raw("SELECT * FROM no_such_table")
        assert db.execute_raw(f"UPDATE {table} SET label = 'raw'") == 1


def test_errors_and_argument_checks(prisma: ModuleType, provider: str) -> None:
    errors = prisma.errors
    with prisma.Prisma() as db:
        with pytest.raises(errors.ForeignKeyViolationError, match="(?i)foreign key constraint failed on the field"):
            db.post.create({"title": "t", "author_id": "missing"})
        db.pair.create({"first": "a", "last": "b"})
        expected = (
            "Unique constraint failed on the constraint: `Pair_first_last_key`" if provider == "mysql"
            else "Unique constraint failed on the fields: (`first`, `last`)"
        )
        with pytest.raises(errors.UniqueViolationError) as unique:
            db.pair.create({"first": "a", "last": "b"})
        assert str(unique.value) == expected
        with pytest.raises(errors.RecordNotFoundError, match="depends on one or more records that were required but not found"):
            db.post.find_first_or_raise(where={"title": "none"})
        with pytest.raises(errors.DataError, match="at most 1 fields to be present, got 2"):
            db.post.find_many(order={"title": "asc", "id": "desc"})
        with pytest.raises(errors.FieldNotFoundError, match=r"orderBy\.nope"):
            db.post.find_many(order={"nope": "asc"})
        with pytest.raises(errors.DataError, match="Expected exactly one field to be present, got 2"):
            db.thing.update(where={"id": 1}, data={"big": {"increment": 1, "multiply": 2}})
        db.post.create({"title": "a"})
        db.post.create({"title": "b", "published": True})
        assert db.post.count(select={}) == {"_all": 2}
        assert db.post.count(select={"_all": True, "author_id": True}) == {"_all": 2, "author_id": 0}
        # NOT over a list: none of the conditions holds
        assert [p.title for p in db.post.find_many(where={"NOT": [{"title": "a"}, {"published": True}]})] == []
        assert [p.title for p in db.post.find_many(where={"NOT": [{"title": "a"}]})] == ["b"]


def test_case_insensitive_equals(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        db.user.create_many([{"name": "Robert"}, {"name": "robert"}, {"name": "Bob"}])
        found = db.user.find_many(where={"name": {"equals": "ROBERT", "mode": "insensitive"}}, order={"name": "asc"})
        assert sorted(u.name for u in found) == ["Robert", "robert"]
        assert db.user.count(where={"name": {"in": ["BOB"], "mode": "insensitive"}}) == 1


def test_full_text_search(prisma: ModuleType, provider: str) -> None:
    with prisma.Prisma() as db:
        db.post.create_many([{"title": "cats and dogs"}, {"title": "cats alone"}, {"title": "rabbits"}])
        if provider == "sqlite":
            with pytest.raises(prisma.errors.InputError, match="Full-text search is not supported on sqlite"):
                db.post.find_many(where={"title": {"search": "cats"}})
            return
        either, both = ("cats | dogs", "cats & dogs") if provider == "postgresql" else ("cats dogs", "+cats +dogs")
        assert sorted(p.title for p in db.post.find_many(where={"title": {"search": either}})) == ["cats alone", "cats and dogs"]
        assert [p.title for p in db.post.find_many(where={"title": {"search": both}})] == ["cats and dogs"]
        top = db.post.find_first(order={"_relevance": {"fields": ["title"], "search": either, "sort": "desc"}})
        assert top.title == "cats and dogs"


def test_metrics(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        db.user.create({"name": "Ann"})
        db.user.find_many()
        metrics = db.get_metrics(global_labels={"app": "x"})
        total = next(c for c in metrics.counters if c.key == "prisma_client_queries_total")
        assert total.value == 2 and total.labels == {"app": "x"}
        histogram = metrics.histograms[0].value
        assert histogram.count == 2 and histogram.buckets[-1].total_count == 2
        text = db.get_metrics(format="prometheus")
        assert "prisma_client_queries_total 2" in text  # get_metrics itself is not counted and "prisma_client_queries_duration_histogram_ms_bucket" in text


def test_transactions(aprisma: ModuleType, provider: str) -> None:
    errors = aprisma.errors

    async def main() -> None:
        async with aprisma.Prisma() as db:
            async with db.tx() as tx:
                await tx.user.create({"name": "Ann"})
                assert await db.user.count() == 0  # its own connection: not visible before COMMIT
                assert await tx.user.count() == 1
            assert await db.user.count() == 1
            manual = db.tx()
            with pytest.raises(errors.TransactionNotStartedError):
                await manual.commit()
            tx = await manual.start()
            await tx.user.create({"name": "Bob"})
            await manual.rollback()
            assert await db.user.count() == 1
            with pytest.raises(errors.TransactionExpiredError, match="Transaction already closed"):
                await tx.user.count()
            # the timeout ends the transaction (rolled back), whether or not it is used again
            with pytest.raises(errors.TransactionExpiredError):
                async with db.tx(timeout=datetime.timedelta(milliseconds=100)) as slow:
                    await slow.user.create({"name": "Late"})
                    await asyncio.sleep(0.3)
                    with pytest.raises(errors.TransactionExpiredError, match="expired transaction"):
                        await slow.user.count()
            assert await db.user.count() == 1
            if provider != "sqlite":  # one writer at a time on SQLite
                async with db.tx() as outer:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        async with outer.tx():
                            pass
                    assert [w.filename for w in caught] == [__file__]
                    assert "already in a transaction" in str(caught[0].message)

    asyncio.run(main())


LISTS = schema_with("""\
enum Role {{
  USER
  ADMIN
}}

model Lists {{
  id      Int      @id @default(autoincrement())
  ints    Int[]
  roles   Role[]
  tags    String[] @default(["a"])
  docs    Json[]
}}
""")


def test_scalar_lists(tmp_path: Path, postgres_url: str, run_cli: Callable[..., Any]) -> None:
    prisma = make_prisma(tmp_path, "postgresql", postgres_url, run_cli, interface="sync", schema=LISTS)
    try:
        with prisma.Prisma() as db:
            empty = db.lists.create({})
            assert empty.ints == [] and empty.tags == ["a"]  # a NULL list reads as []
            db.lists.create({"ints": []})
            full = db.lists.create({"ints": [1, 2, 3], "roles": ["ADMIN"], "docs": [prisma.Json({"k": 1})]})
            assert full.roles == [prisma.enums.Role.ADMIN] and full.docs == [{"k": 1}]
            db.lists.update(where={"id": full.id}, data={"ints": {"push": 4}, "roles": {"push": ["USER"]}})
            got = db.lists.find_unique(where={"id": full.id})
            assert got.ints == [1, 2, 3, 4] and got.roles == [prisma.enums.Role.ADMIN, prisma.enums.Role.USER]
            db.lists.update(where={"id": empty.id}, data={"ints": {"push": 7}, "tags": {"set": ["x", "y"]}})
            assert db.lists.find_unique(where={"id": empty.id}).ints == [7]

            def ids(where: Any) -> list[int]:
                return sorted(x.id for x in db.lists.find_many(where=where))

            assert ids({"ints": {"has": 2}}) == [full.id]
            assert ids({"ints": {"has_every": [1, 4]}}) == [full.id]
            assert ids({"ints": {"has_some": [7, 99]}}) == [empty.id]
            assert ids({"ints": {"equals": [7]}}) == [empty.id]
            assert db.lists.count(where={"ints": {"is_empty": True}}) == 1
            assert ids({"roles": {"has": "USER"}}) == [full.id]
            assert ids({"tags": {"has_some": ["y"]}}) == [empty.id]
    finally:
        purge()


def test_json_path_filters(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        a = db.thing.create({"doc": prisma.Json({"pet": {"name": "Rex", "tags": ["good", "loud"], "age": 3}})})
        b = db.thing.create({"doc": prisma.Json({"pet": {"name": "Tom", "tags": ["quiet"], "age": 5}})})
        db.thing.create({"doc": prisma.Json({"other": True})})

        def ids(flt: dict[str, Any]) -> list[int]:
            return sorted(t.id for t in db.thing.find_many(where={"doc": flt}))

        assert ids({"path": ["pet", "name"], "equals": "Rex"}) == [a.id]
        assert ids({"path": "$.pet.age", "equals": 5}) == [b.id]  # MySQL's path form works everywhere
        assert ids({"path": ["pet", "name"], "string_starts_with": "T"}) == [b.id]
        assert ids({"path": ["pet", "name"], "string_contains": "e"}) == [a.id]
        assert ids({"path": ["pet", "tags"], "array_contains": ["loud"]}) == [a.id]
        assert ids({"path": ["pet", "tags"], "array_contains": ["good", "loud"]}) == [a.id]
        assert ids({"path": ["pet", "tags"], "array_contains": ["good", "quiet"]}) == []
        assert ids({"path": ["pet", "name"], "not": "Rex"}) == [b.id]


def test_json_array_starts_and_ends_with(prisma: ModuleType) -> None:
    """The array under the path starts (ends) with a JSON value, compared whole: a number, a
    string, a JSON null element, a nested array; a value that is not an array never matches."""
    docs = {
        "nums": [1, 2, 3], "other": [3, 4, 5], "scalar": 3, "strs": ["a", "b"], "string": "a",
        "nested": [[1, 2], [3, 4]], "null": None, "null_first": [None, "test"], "null_in": [[None], "test", [None]],
        "empty": [], "object": {"0": 3},
    }
    with prisma.Prisma() as db:
        made = {k: db.thing.create({"doc": prisma.Json({"a": {"b": v}})}).id for k, v in docs.items()}
        top = db.thing.create({"doc": prisma.Json(["x", 7])}).id
        names = {v: k for k, v in made.items()}

        def which(op: str, value: Any) -> list[str]:
            rows = db.thing.find_many(where={"doc": {"path": ["a", "b"], op: value}})
            return sorted(names[t.id] for t in rows)

        assert which("array_starts_with", 3) == ["other"]
        assert which("array_starts_with", "a") == ["strs"]
        assert which("array_starts_with", [1, 2]) == ["nested"]
        assert which("array_starts_with", prisma.Json([1, 2])) == ["nested"]
        assert which("array_starts_with", None) == ["null_first"]
        assert which("array_starts_with", [None]) == ["null_in"]
        assert which("array_ends_with", 3) == ["nums"]
        assert which("array_ends_with", "b") == ["strs"]
        assert which("array_ends_with", [3, 4]) == ["nested"]
        assert which("array_ends_with", [None]) == ["null_in"]
        assert which("array_ends_with", "test") == ["null_first"]
        assert which("array_ends_with", 99) == []
        both = db.thing.find_many(where={"doc": {"path": ["a", "b"], "array_starts_with": 1, "array_ends_with": 3}})
        assert [t.id for t in both] == [made["nums"]]
        assert [t.id for t in db.thing.find_many(where={"doc": {"array_starts_with": "x"}})] == [top]  # no path: the value itself
        assert [t.id for t in db.thing.find_many(where={"doc": {"array_ends_with": 7}})] == [top]


@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
def test_validate_untrusted_data(prisma: ModuleType) -> None:
    """``prisma.validate``: a dict checked against the package's TypedDicts, unknown top-level
    keys refused, anything but a TypedDict a TypeError."""
    import pydantic

    data = prisma.validate(prisma.types.PostCreateInput, {"title": "t", "published": "yes"})
    assert data == {"title": "t", "published": True}  # coerced as pydantic does; unset keys left out
    with pytest.raises(pydantic.ValidationError, match="title"):
        prisma.validate(prisma.types.PostCreateInput, {"published": True})  # a required key missing
    with pytest.raises(pydantic.ValidationError, match="titel"):
        prisma.validate(prisma.types.PostCreateInput, {"title": "t", "titel": "x"})
    with pytest.raises(pydantic.ValidationError, match="title"):
        prisma.validate(prisma.types.PostWhereInput, {"title": 5})  # neither a string nor a filter
    with pytest.raises(TypeError, match="Only TypedDict types are supported"):
        prisma.validate(prisma.models.Post, {})
    with prisma.Prisma() as db:  # what it returns is what the client takes
        assert db.post.create(data=data).published is True
