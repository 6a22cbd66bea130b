"""The generated client against real databases: every operation and every filter, on SQLite,
PostgreSQL and MySQL. Expected results are computed in Python from the same rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_helpers import make_client

from schemashift.client import RecordNotFoundError, UniqueConstraintError
from schemashift.connectors import connect

ROWS = [
    {"email": "ann@example.com", "name": "Ann", "planTier": "PRO", "age": 31, "score": 1.5, "balance": Decimal("10.25")},
    {"email": "bob@example.com", "name": None, "planTier": "FREE", "age": 25, "score": None},
    {"email": "cy_50%@test.org", "name": "Cy", "planTier": "ENTERPRISE", "age": 40, "score": 3.0, "active": False},
    {"email": "dee@test.org", "name": "Dee", "age": 18, "meta": {"tags": ["a", "b"], "n": 1}},
    {"email": "eve@example.com", "name": "Eve", "planTier": "PRO", "age": 25, "score": 2.5},
]


@pytest.fixture
def env(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> tuple[ModuleType, Any, str]:
    mod = make_client(tmp_path, provider, db_url, run_cli)
    client = mod.Client(url=db_url)
    assert client.user.create_many(data=ROWS) == len(ROWS)
    yield mod, client, db_url
    client.close()


def emails(users: list[Any]) -> list[str]:
    return sorted(u.email for u in users)


def expect(pred: Callable[[dict[str, Any]], bool]) -> list[str]:
    return sorted(r["email"] for r in ROWS if pred(r))


def test_create_fills_client_side_defaults(env: tuple[ModuleType, Any, str], provider: str) -> None:
    mod, client, url = env
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    user = client.user.create(data={"email": "new@x.io", "planTier": mod.PlanTier.ENTERPRISE})
    assert isinstance(user, mod.User)
    assert re.fullmatch(r"c[0-9a-z]{24}", user.id)
    assert user.planTier is mod.PlanTier.ENTERPRISE and user.age == 0 and user.active is True
    assert user.createdAt.tzinfo is not None and before <= user.createdAt <= datetime.now(timezone.utc)
    assert user.updatedAt == user.createdAt
    post = client.post.create(data={"title": "t", "authorId": user.id})
    assert isinstance(post.id, int) and post.published is False
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", post.slug)
    assert re.fullmatch(r"[A-Za-z0-9_-]{8}", post.code)
    assert re.fullmatch(r"[a-z][0-9a-z]{23}", post.ref)
    tag = client.tag.create(data={"label": "x"})
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", tag.id)
    # @map/@@map and enum value @map reach the database
    q = "`" if provider == "mysql" else '"'
    with connect(url) as conn:
        row = conn.query(f"SELECT {q}planTier{q}, {q}updated_at{q} FROM {q}users{q} WHERE {q}email{q} = 'new@x.io'")
    assert row[0][0] == "enterprise" and row[0][1] is not None
    if provider == "sqlite":  # Prisma stores DateTime as Unix milliseconds on SQLite
        assert row[0][1] == int(user.updatedAt.timestamp() * 1000)


def test_scalar_types_round_trip(env: tuple[ModuleType, Any, str]) -> None:
    mod, client, _ = env
    ann = client.user.find_unique(where={"email": "ann@example.com"})
    assert ann is not None
    assert ann.balance == Decimal("10.25") and isinstance(ann.balance, Decimal)
    assert ann.score == 1.5 and ann.planTier is mod.PlanTier.PRO
    dee = client.user.find_unique(where={"email": "dee@test.org"})
    assert dee.meta == {"tags": ["a", "b"], "n": 1} and dee.name == "Dee" and dee.planTier is mod.PlanTier.FREE
    assert client.user.find_unique(where={"email": "nobody@x"}) is None
    assert client.user.find_unique(where={"id": ann.id}).email == ann.email


FILTERS: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
    ({"age": 25}, lambda r: r["age"] == 25),
    ({"age": {"equals": 25}}, lambda r: r["age"] == 25),
    ({"age": {"in": [18, 40, 99]}}, lambda r: r["age"] in (18, 40)),
    ({"age": {"in": []}}, lambda r: False),
    ({"age": {"notIn": [25]}}, lambda r: r["age"] != 25),
    ({"age": {"not": 25}}, lambda r: r["age"] != 25),
    ({"age": {"not": {"gt": 25}}}, lambda r: not r["age"] > 25),
    ({"age": {"lt": 25}}, lambda r: r["age"] < 25),
    ({"age": {"lte": 25}}, lambda r: r["age"] <= 25),
    ({"age": {"gt": 25}}, lambda r: r["age"] > 25),
    ({"age": {"gte": 25, "lt": 40}}, lambda r: 25 <= r["age"] < 40),
    ({"score": {"gt": 2}}, lambda r: (r.get("score") or 0) > 2),
    ({"name": None}, lambda r: r.get("name") is None),
    ({"name": {"equals": None}}, lambda r: r.get("name") is None),
    ({"name": {"not": None}}, lambda r: r.get("name") is not None),
    ({"email": {"contains": "example"}}, lambda r: "example" in r["email"]),
    ({"email": {"contains": "_50%"}}, lambda r: "_50%" in r["email"]),  # wildcards are literal
    ({"email": {"contains": "%"}}, lambda r: "%" in r["email"]),
    ({"email": {"startsWith": "e"}}, lambda r: r["email"].startswith("e")),
    ({"email": {"endsWith": ".org"}}, lambda r: r["email"].endswith(".org")),
    ({"name": {"contains": "e", "mode": "insensitive"}}, lambda r: "e" in (r.get("name") or "").lower()),
    ({"planTier": "PRO"}, lambda r: r.get("planTier") == "PRO"),
    ({"planTier": {"in": ["ENTERPRISE", "FREE"]}}, lambda r: r.get("planTier", "FREE") in ("ENTERPRISE", "FREE")),
    ({"planTier": {"not": "FREE"}}, lambda r: r.get("planTier", "FREE") != "FREE"),
    ({"active": False}, lambda r: r.get("active", True) is False),
    ({"balance": {"gte": Decimal("10")}}, lambda r: (r.get("balance") or 0) >= 10),
    ({"AND": [{"age": {"gte": 20}}, {"email": {"endsWith": ".com"}}]}, lambda r: r["age"] >= 20 and r["email"].endswith(".com")),
    ({"AND": {"age": 25}}, lambda r: r["age"] == 25),
    ({"OR": [{"age": 18}, {"planTier": "ENTERPRISE"}]}, lambda r: r["age"] == 18 or r.get("planTier") == "ENTERPRISE"),
    ({"OR": []}, lambda r: False),
    ({"NOT": {"email": {"contains": "example"}}}, lambda r: "example" not in r["email"]),
    # NOT over a list: none of the conditions holds (Prisma's semantics, not NOT(a AND b))
    ({"NOT": [{"age": 25}, {"planTier": "PRO"}]}, lambda r: r["age"] != 25 and r.get("planTier") != "PRO"),
    (
        {"OR": [{"AND": [{"age": {"lt": 30}}, {"NOT": {"name": None}}]}, {"score": {"gte": 3}}]},
        lambda r: (r["age"] < 30 and r.get("name") is not None) or (r.get("score") or 0) >= 3,
    ),
]


def test_every_filter(env: tuple[ModuleType, Any, str], provider: str) -> None:
    _, client, _ = env
    for where, pred in FILTERS:
        got = emails(client.user.find_many(where=where))
        assert got == expect(pred), where
        assert client.user.count(where=where) == len(got), where


def test_case_sensitivity_follows_the_database(env: tuple[ModuleType, Any, str], provider: str) -> None:
    _, client, _ = env
    # like Prisma: contains is LIKE (case-sensitive on PostgreSQL only); mode insensitive everywhere
    upper = emails(client.user.find_many(where={"name": {"contains": "ANN"}}))
    assert upper == ([] if provider == "postgresql" else ["ann@example.com"])
    assert emails(client.user.find_many(where={"name": {"contains": "ANN", "mode": "insensitive"}})) == ["ann@example.com"]


def test_order_skip_take(env: tuple[ModuleType, Any, str]) -> None:
    _, client, _ = env
    ordered = sorted(ROWS, key=lambda r: (-r["age"], r["email"]))
    got = client.user.find_many(order_by=[{"age": "desc"}, {"email": "asc"}])
    assert [u.email for u in got] == [r["email"] for r in ordered]
    page = client.user.find_many(order_by=[{"age": "desc"}, {"email": "asc"}], skip=1, take=2)
    assert [u.email for u in page] == [r["email"] for r in ordered[1:3]]
    rest = client.user.find_many(order_by={"email": "asc"}, skip=3)
    assert [u.email for u in rest] == sorted(r["email"] for r in ROWS)[3:]
    nulls_last = client.user.find_many(order_by={"name": {"sort": "asc", "nulls": "last"}})
    assert nulls_last[-1].name is None and [u.name for u in nulls_last[:-1]] == sorted(r["name"] for r in ROWS if r["name"])
    nulls_first = client.user.find_many(order_by={"name": {"sort": "desc", "nulls": "first"}})
    assert nulls_first[0].name is None
    first = client.user.find_first(where={"age": 25}, order_by={"email": "desc"})
    assert first.email == "eve@example.com"
    assert client.user.find_first(where={"age": 1000}) is None
    assert client.user.find_first_or_raise(where={"age": 25}, order_by={"email": "asc"}).email == "bob@example.com"
    with pytest.raises(RecordNotFoundError):
        client.user.find_first_or_raise(where={"age": 1000})
    with pytest.raises(RecordNotFoundError):
        client.user.find_unique_or_raise(where={"email": "nobody@x"})


def _groups(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``group_by`` rows by their tier's name, the aggregates' numbers as floats (AVG's type is the database's)."""
    return {
        row["planTier"].name: {k: {f: float(v) if isinstance(v, (int, float, Decimal)) else v for f, v in agg.items()}
                               for k, agg in row.items() if k != "planTier"}
        for row in rows
    }


def test_cursor_distinct_and_group_by(env: tuple[ModuleType, Any, str]) -> None:
    """The engine's cursor pagination, distinct and groupBy on this surface (sync; async below)."""
    _, client, _ = env
    by_email = {"email": "asc"}
    page = client.user.find_many(order_by=by_email, cursor={"email": "bob@example.com"}, take=2)
    assert [u.email for u in page] == ["bob@example.com", "cy_50%@test.org"]  # from the cursor, included
    page = client.user.find_many(order_by=by_email, cursor={"email": "bob@example.com"}, take=2, skip=1)
    assert [u.email for u in page] == ["cy_50%@test.org", "dee@test.org"]
    page = client.user.find_many(order_by=by_email, cursor={"email": "cy_50%@test.org"}, take=-2)
    assert [u.email for u in page] == ["bob@example.com", "cy_50%@test.org"]  # backwards, in the query's order
    after = client.user.find_first(order_by=by_email, cursor={"email": "cy_50%@test.org"}, skip=1)
    assert after is not None and after.email == "dee@test.org"
    assert client.user.find_first_or_raise(order_by=by_email, distinct=["age"], where={"age": 25}).email == "bob@example.com"
    firsts = client.user.find_many(order_by=by_email, distinct=["planTier"])
    assert [u.email for u in firsts] == ["ann@example.com", "bob@example.com", "cy_50%@test.org"]
    assert len(client.user.find_many(distinct=["planTier", "age"])) == 5  # every pair differs
    assert len(client.user.find_many(distinct=["age"])) == 4  # 25 twice
    assert [r["email"] for r in client.user.find_many(order_by=by_email, distinct=["age"], select={"email": True})] == [
        "ann@example.com", "bob@example.com", "cy_50%@test.org", "dee@test.org"]

    groups = _groups(client.user.group_by(
        ["planTier"], count=True, sum={"age": True}, avg={"age": True}, min={"age": True}, max={"email": True}
    ))
    assert groups == {
        "PRO": {"_count": {"_all": 2}, "_sum": {"age": 56}, "_avg": {"age": 28}, "_min": {"age": 25}, "_max": {"email": "eve@example.com"}},
        "FREE": {"_count": {"_all": 2}, "_sum": {"age": 43}, "_avg": {"age": 21.5}, "_min": {"age": 18}, "_max": {"email": "dee@test.org"}},
        "ENTERPRISE": {"_count": {"_all": 1}, "_sum": {"age": 40}, "_avg": {"age": 40}, "_min": {"age": 40}, "_max": {"email": "cy_50%@test.org"}},
    }
    having = client.user.group_by(["planTier"], having={"age": {"_avg": {"gt": 26}}}, count={"_all": True, "score": True})
    assert _groups(having) == {"PRO": {"_count": {"_all": 2, "score": 2}}, "ENTERPRISE": {"_count": {"_all": 1, "score": 1}}}
    ages = client.user.group_by(["age"], where={"age": {"lt": 40}}, order_by={"age": "desc"}, take=2, count=True)
    assert [(g["age"], g["_count"]["_all"]) for g in ages] == [(31, 1), (25, 2)]


def test_relations_include_select_and_relation_filters(env: tuple[ModuleType, Any, str]) -> None:
    mod, client, url = env
    ann = client.user.find_unique(where={"email": "ann@example.com"})
    bob = client.user.find_unique(where={"email": "bob@example.com"})
    for i, title in enumerate(["a1", "a2", "a3"]):
        client.post.create(data={"title": title, "authorId": ann.id, "published": i != 1})
    client.post.create(data={"title": "b1", "authorId": bob.id, "published": False})
    client.post.create(data={"title": "orphan"})
    users = client.user.find_many(order_by={"email": "asc"}, include={"posts": {"order_by": {"title": "desc"}, "take": 2}})
    assert [p.title for p in users[0].posts] == ["a3", "a2"]
    assert [p.title for p in users[1].posts] == ["b1"]
    assert all(u.posts == [] for u in users[2:])
    posts = client.post.find_many(order_by={"title": "asc"}, include={"author": True})
    assert [(p.title, p.author.email if p.author else None) for p in posts] == [
        ("a1", "ann@example.com"), ("a2", "ann@example.com"), ("a3", "ann@example.com"),
        ("b1", "bob@example.com"), ("orphan", None),
    ]
    # nested include and select (dicts)
    nested = client.post.find_first(where={"title": "a1"}, include={"author": {"include": {"posts": True}}})
    assert sorted(p.title for p in nested.author.posts) == ["a1", "a2", "a3"]
    picked = client.user.find_many(
        where={"email": {"in": ["ann@example.com", "bob@example.com"]}},
        order_by={"email": "asc"},
        select={"email": True, "posts": {"select": {"title": True}, "where": {"published": True}}},
    )
    assert picked == [
        {"email": "ann@example.com", "posts": [{"title": "a1"}, {"title": "a3"}]},
        {"email": "bob@example.com", "posts": []},
    ] or picked == [
        {"email": "ann@example.com", "posts": [{"title": "a3"}, {"title": "a1"}]},
        {"email": "bob@example.com", "posts": []},
    ]
    # relation filters
    assert emails(client.user.find_many(where={"posts": {"some": {"published": False}}})) == ["ann@example.com", "bob@example.com"]
    assert emails(client.user.find_many(where={"posts": {"some": {}}})) == ["ann@example.com", "bob@example.com"]
    assert emails(client.user.find_many(where={"posts": {"none": {}}})) == expect(lambda r: r["name"] not in ("Ann", None))
    assert emails(client.user.find_many(where={"posts": {"every": {"published": False}}})) == expect(lambda r: r["email"] != "ann@example.com")
    assert sorted(p.title for p in client.post.find_many(where={"author": {"is": {"planTier": "PRO"}}})) == ["a1", "a2", "a3"]
    # isNot: no related record matches (a post without an author included)
    assert sorted(p.title for p in client.post.find_many(where={"author": {"isNot": {"planTier": "PRO"}}})) == ["b1", "orphan"]
    assert [p.title for p in client.post.find_many(where={"author": None})] == ["orphan"]
    assert sorted(p.title for p in client.post.find_many(where={"author": {"email": {"startsWith": "b"}}})) == ["b1"]
    # connect through the relation field (the side holding the foreign key), and disconnect
    linked = client.post.create(data={"title": "c1", "author": {"connect": {"email": "bob@example.com"}}})
    assert linked.authorId == bob.id
    moved = client.post.update(where={"id": linked.id}, data={"author": {"connect": {"id": ann.id}}})
    assert moved.authorId == ann.id
    assert client.post.update(where={"id": linked.id}, data={"author": {"disconnect": True}}).authorId is None
    with pytest.raises(RecordNotFoundError):
        client.post.create(data={"title": "c2", "author": {"connect": {"email": "nobody@x"}}})
    client.post.delete(where={"id": linked.id})
    # compound unique
    found = client.post.find_unique(where={"title_authorId": {"title": "a2", "authorId": ann.id}})
    assert found is not None and found.published is False
    # many-to-many (implicit join table)
    tag = client.tag.create(data={"label": "vip"})
    client.tag.create(data={"label": "unused"})
    with connect(url) as conn:
        for user in (ann, bob):
            conn.execute('INSERT INTO "_TagToUser" ("A", "B") VALUES (%s, %s)'.replace('"', "`" if url.startswith("mysql") else '"'), [tag.id, user.id])
    tags = client.tag.find_many(order_by={"label": "desc"}, include={"users": {"order_by": {"email": "asc"}}})
    assert [(t.label, [u.email for u in t.users]) for t in tags] == [("vip", ["ann@example.com", "bob@example.com"]), ("unused", [])]
    assert emails(client.user.find_many(where={"tags": {"some": {"label": "vip"}}})) == ["ann@example.com", "bob@example.com"]
    assert client.user.find_unique(where={"email": "ann@example.com"}, select={"tags": {"select": {"label": True}}}) == {
        "tags": [{"label": "vip"}]
    }


def test_writes(env: tuple[ModuleType, Any, str]) -> None:
    mod, client, _ = env
    ann = client.user.find_unique(where={"email": "ann@example.com"})
    updated = client.user.update(where={"email": "ann@example.com"}, data={"age": {"increment": 2}, "name": "Anna"})
    assert updated.age == 33 and updated.name == "Anna" and updated.updatedAt >= ann.updatedAt
    assert client.user.update(where={"id": ann.id}, data={"age": {"multiply": 2}}).age == 66
    assert client.user.update(where={"id": ann.id}, data={"age": {"set": 5}, "planTier": mod.PlanTier.FREE}).planTier is mod.PlanTier.FREE
    moved = client.user.update(where={"id": ann.id}, data={"email": "anna@example.com"})
    assert moved.email == "anna@example.com" and moved.id == ann.id
    with pytest.raises(RecordNotFoundError):
        client.user.update(where={"email": "ann@example.com"}, data={"age": 1})
    assert client.user.update_many(where={"email": {"endsWith": ".org"}}, data={"score": 9.5}) == 2
    assert client.user.update_many(where={"age": 25}, data={"age": 25}) == 2  # matched rows, as Prisma counts
    assert sorted(u.score for u in client.user.find_many(where={"email": {"endsWith": ".org"}})) == [9.5, 9.5]
    created = client.user.upsert(where={"email": "zed@x.io"}, create={"email": "zed@x.io", "age": 1}, update={"age": 2})
    assert created.age == 1
    again = client.user.upsert(where={"email": "zed@x.io"}, create={"email": "zed@x.io", "age": 1}, update={"age": 2})
    assert again.age == 2 and again.id == created.id
    with pytest.raises(UniqueConstraintError):
        client.user.create(data={"email": "zed@x.io"})
    deleted = client.user.delete(where={"email": "zed@x.io"})
    assert deleted.id == created.id and client.user.find_unique(where={"id": created.id}) is None
    with pytest.raises(RecordNotFoundError):
        client.user.delete(where={"email": "zed@x.io"})
    assert client.user.delete_many(where={"age": 25}) == 2
    assert client.user.count() == len(ROWS) - 2
    assert client.user.create_many(data=[{"email": "bob@example.com"}, {"email": "new@x.io"}], skip_duplicates=True) == 2
    assert client.user.create_many(data=[{"email": "new@x.io"}, {"email": "new2@x.io"}], skip_duplicates=True) == 1
    assert client.user.delete_many() > 0 and client.user.count() == 0


def test_transactions(env: tuple[ModuleType, Any, str]) -> None:
    _, client, _ = env
    with client.tx() as tx:
        tx.user.create(data={"email": "t1@x.io"})
        tx.user.update(where={"email": "t1@x.io"}, data={"age": 7})
    assert client.user.find_unique(where={"email": "t1@x.io"}).age == 7
    with pytest.raises(UniqueConstraintError):
        with client.tx() as tx:
            tx.user.create(data={"email": "t2@x.io"})
            tx.user.create(data={"email": "t2@x.io"})
    assert client.user.find_unique(where={"email": "t2@x.io"}) is None
    with pytest.raises(RuntimeError):
        with client.tx() as tx:
            tx.user.delete_many()
            raise RuntimeError("boom")
    assert client.user.count() == len(ROWS) + 1


def test_create_many_batches(env: tuple[ModuleType, Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, client, _ = env
    client._engine.dialect.max_params = 20  # force several multi-row INSERTs
    statements: list[str] = []
    real = client._engine.execute

    def spy(sql: str, params: Any = ()) -> int:
        statements.append(sql)
        return real(sql, params)

    monkeypatch.setattr(client._engine, "execute", spy)
    rows = [{"email": f"bulk{i}@x.io", "age": i} for i in range(57)] + [{"email": "other@x.io", "name": "o", "age": 0}]
    assert client.user.create_many(data=rows) == 58
    inserts = [s for s in statements if s.startswith("INSERT")]
    # 57 rows with 7 columns (email, age + id, createdAt, updatedAt filled client-side...): 2 rows a batch
    assert len(inserts) > 1 and all(s.count("), (") <= 20 for s in inserts)
    got = client.user.find_many(where={"email": {"startsWith": "bulk"}}, order_by={"age": "asc"})
    assert [u.age for u in got] == list(range(57))
    assert len({u.id for u in got}) == 57


def test_async_client(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    import asyncio

    mod = make_client(tmp_path, provider, db_url, run_cli)

    async def main() -> tuple[int, list[str], int, int]:
        async with mod.AsyncClient(url=db_url) as db:
            created = await db.user.create_many(data=ROWS)
            ann = await db.user.find_unique_or_raise(where={"email": "ann@example.com"})
            await db.post.create(data={"title": "p", "author": {"connect": {"id": ann.id}}})
            found = await db.user.find_many(where={"posts": {"some": {}}}, include={"posts": True})
            async with db.tx() as tx:
                await tx.user.update(where={"id": ann.id}, data={"age": 99})
            try:
                async with db.tx() as tx:
                    await tx.post.delete_many()
                    raise RuntimeError("rollback")
            except RuntimeError:
                pass
            counts = await asyncio.gather(db.post.count(), db.user.count(where={"age": 99}))
            page = await db.user.find_many(order_by={"email": "asc"}, cursor={"email": "dee@test.org"}, distinct=["age"])
            assert [u.email for u in page] == ["dee@test.org", "eve@example.com"]
            first = await db.user.find_first(order_by={"email": "asc"}, cursor={"email": "dee@test.org"}, skip=1)
            assert first is not None and first.email == "eve@example.com"
            tiers = await db.user.group_by(["planTier"], where={"age": {"lt": 99}}, count=True)
            assert _groups(tiers) == {"PRO": {"_count": {"_all": 1}}, "FREE": {"_count": {"_all": 2}}, "ENTERPRISE": {"_count": {"_all": 1}}}
            return created, [f"{u.email}:{len(u.posts)}" for u in found], counts[0], counts[1]

    assert asyncio.run(main()) == (len(ROWS), ["ann@example.com:1"], 1, 1)


TYPES_SCHEMA = """\
generator client {{
  provider = "schemashift-py"
  output   = "{output}"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

model Thing {{
  id    String   @id @default(uuid()) {uuid}
  big   BigInt   @default(0)
  data  Bytes?
  when  DateTime @default(now())
  price Decimal  @default(1.5)
  {tags}
}}
"""


def test_more_types_and_bulk_paths(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    pg = provider == "postgresql"
    schema = TYPES_SCHEMA.replace("{uuid}", "@db.Uuid" if pg else "").replace("{tags}", "tags String[]" if pg else "")
    mod = make_client(tmp_path, provider, db_url, run_cli, schema=schema)
    with mod.Client(url=db_url) as db:
        extra = {"tags": ["a", "b"]} if pg else {}
        t = db.thing.create(data={"big": 2**40, "data": b"\x00\x01", **extra})
        assert re.fullmatch(r"[0-9a-f-]{36}", t.id) and t.big == 2**40 and t.data == b"\x00\x01"
        assert db.thing.find_unique(where={"id": t.id}) == t
        now = datetime.now(timezone.utc)
        window = {"lt": now + timedelta(seconds=5), "gt": now - timedelta(minutes=5)}
        assert db.thing.count(where={"when": window, "big": {"gt": 2**39}, "price": Decimal("1.5")}) == 1
        assert db.thing.update(where={"id": t.id}, data={"big": {"increment": 1}}).big == 2**40 + 1
        rows = [{"big": i, "data": bytes([i % 256]) if i % 2 else None, "price": Decimal(i) / 4} for i in range(300)]
        assert db.thing.create_many(data=rows) == 300
        got = db.thing.find_many(where={"big": {"lt": 300}}, order_by={"big": "asc"})
        assert [(g.big, g.data, g.price) for g in got] == [(r["big"], r["data"], r["price"]) for r in rows]
        if pg:  # list columns go through VALUES, the rest through unnest
            assert db.thing.create_many(data=[{"tags": ["x"]}, {"tags": []}]) == 2
            tagged = db.thing.find_many(where={"big": 0, "price": Decimal("1.5")})
            assert sorted(len(t.tags or ()) for t in tagged) == [0, 1]
        assert db.thing.count(where={"data": None}) == 150 + (2 if pg else 0)


def test_nested_writes_through_many_to_many_and_to_many(env: tuple[ModuleType, Any, str]) -> None:
    """The engine's nested writes on this surface: implicit many-to-many links (join table rows),
    `set` and `updateMany` through a to-many relation."""
    _, client, _ = env
    user = client.user.create(data={"email": "m2m@x.io", "tags": {"create": [{"label": "a"}], "connectOrCreate": [{"where": {"label": "b"}, "create": {"label": "b"}}]}})
    labels = lambda: sorted(t.label for t in client.user.find_unique_or_raise(where={"id": user.id}, include={"tags": True}).tags)  # noqa: E731
    assert labels() == ["a", "b"]
    client.user.update(where={"id": user.id}, data={"tags": {"set": [{"label": "b"}]}})
    assert labels() == ["b"] and client.tag.count() >= 2
    client.user.update(where={"id": user.id}, data={"posts": {"create": [{"title": "m1"}, {"title": "m2"}]}})
    client.user.update(where={"id": user.id}, data={"posts": {"updateMany": {"where": {"title": "m1"}, "data": {"published": True}}}})
    assert [p.title for p in client.post.find_many(where={"authorId": user.id, "published": True})] == ["m1"]
    client.user.update(where={"id": user.id}, data={"posts": {"set": []}})
    assert client.post.count(where={"authorId": user.id}) == 0
