"""The prisma-client-py surface's nested writes through every kind of relation (to-many,
to-one on either side, implicit many-to-many), on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from prisma_py_helpers import make_prisma, purge, schema_with

SCHEMA = schema_with("""\
model User {{
  id      String   @id @default(cuid())
  name    String
  posts   Post[]
  profile Profile?
}}

model Profile {{
  id      Int    @id @default(autoincrement())
  bio     String
  user    User   @relation(fields: [user_id], references: [id])
  user_id String @unique
}}

model Post {{
  id         Int        @id @default(autoincrement())
  title      String
  views      Int        @default(0)
  author     User?      @relation(fields: [author_id], references: [id])
  author_id  String?
  categories Category[]
}}

/// @Python(instance_name: "cat")
model Category {{
  id    Int    @id @default(autoincrement())
  name  String @unique
  posts Post[]
}}
""")


@pytest.fixture
def prisma(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> Iterator[ModuleType]:
    yield make_prisma(tmp_path, provider, db_url, run_cli, interface="sync", schema=SCHEMA)
    purge()


def titles(posts: Any) -> list[str]:
    return sorted(p.title for p in posts or [])


def test_to_many_set_update_update_many_upsert_delete(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        user = db.user.create({"name": "Ann", "posts": {"create": [{"title": "a"}, {"title": "b"}, {"title": "c"}]}})
        loose = db.post.create({"title": "loose"})
        by_title = {p.title: p for p in db.post.find_many()}
        # set: exactly these posts stay linked; the others lose their author
        db.user.update(where={"id": user.id}, data={"posts": {"set": [{"id": by_title["a"].id}, {"id": loose.id}]}})
        assert titles(db.post.find_many(where={"author_id": user.id})) == ["a", "loose"]
        assert db.post.find_unique(where={"id": by_title["b"].id}).author_id is None
        # update one related record, update_many the matching ones, upsert one in, delete one
        db.user.update(where={"id": user.id}, data={"posts": {
            "update": [{"where": {"id": by_title["a"].id}, "data": {"title": "a2"}}],
            "update_many": [{"where": {"title": {"startswith": "lo"}}, "data": {"views": 9}}],
            "upsert": [{"where": {"id": 10_000}, "create": {"title": "new"}, "update": {"title": "never"}}],
        }})
        found = db.user.find_unique(where={"id": user.id}, include={"posts": True})
        assert titles(found.posts) == ["a2", "loose", "new"]
        assert [p.views for p in found.posts if p.title == "loose"] == [9]
        db.user.update(where={"id": user.id}, data={"posts": {"delete": [{"id": loose.id}]}})
        assert db.post.find_unique(where={"id": loose.id}) is None
        # a related record that is not linked to this user cannot be updated through it: the
        # update fails as a whole (prisma-client-py's update() gives None for its P2025)
        bad = {"posts": {"update": [{"where": {"id": by_title["b"].id}, "data": {"title": "x"}}]}, "name": "Changed"}
        assert db.user.update(where={"id": user.id}, data=bad) is None
        assert db.post.find_unique(where={"id": by_title["b"].id}).title == "b"
        assert db.user.find_unique(where={"id": user.id}).name == "Ann"


def test_to_one_update_upsert_delete_from_both_sides(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        user = db.user.create({"name": "Ann"})
        # the back side (Profile holds the key): upsert creates, then updates
        db.user.update(where={"id": user.id}, data={"profile": {"upsert": {"create": {"bio": "hi"}, "update": {"bio": "never"}}}})
        assert db.profile.find_unique(where={"user_id": user.id}).bio == "hi"
        db.user.update(where={"id": user.id}, data={"profile": {"update": {"bio": "hello"}}})
        assert db.profile.find_unique(where={"user_id": user.id}).bio == "hello"
        db.user.update(where={"id": user.id}, data={"profile": {"delete": True}})
        assert db.profile.count() == 0
        # the owning side (Post holds the key): update and upsert of its author
        post = db.post.create({"title": "t"})
        db.post.update(where={"id": post.id}, data={"author": {"upsert": {"create": {"name": "Bob"}, "update": {"name": "no"}}}})
        post = db.post.find_unique(where={"id": post.id}, include={"author": True})
        assert post.author is not None and post.author.name == "Bob"
        db.post.update(where={"id": post.id}, data={"author": {"update": {"name": "Bobby"}}})
        assert db.user.find_unique(where={"id": post.author_id}).name == "Bobby"
        db.post.update(where={"id": post.id}, data={"author": {"disconnect": True}})
        assert db.post.find_unique(where={"id": post.id}).author_id is None
        with pytest.raises(prisma.errors.MissingRequiredValueError, match="author"):
            db.post.create({"title": "x", "author": None})


def test_many_to_many_links(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        assert not hasattr(db, "category")  # /// @Python(instance_name: "cat")
        news = db.cat.create({"name": "news"})
        post = db.post.create({"title": "p", "categories": {"create": [{"name": "tech"}], "connect": [{"id": news.id}]}})
        names = lambda: sorted(c.name for c in db.post.find_unique(where={"id": post.id}, include={"categories": True}).categories)  # noqa: E731
        assert names() == ["news", "tech"]
        db.post.update(where={"id": post.id}, data={"categories": {"connect_or_create": [{"where": {"name": "art"}, "create": {"name": "art"}}]}})
        db.post.update(where={"id": post.id}, data={"categories": {"connect": [{"id": news.id}]}})  # linking twice is a no-op
        assert names() == ["art", "news", "tech"]
        db.post.update(where={"id": post.id}, data={"categories": {"disconnect": [{"name": "tech"}]}})
        assert names() == ["art", "news"] and db.cat.count() == 3
        db.post.update(where={"id": post.id}, data={"categories": {"set": [{"name": "tech"}]}})
        assert names() == ["tech"]
        db.post.update(where={"id": post.id}, data={"categories": {"update": [{"where": {"name": "tech"}, "data": {"name": "tech2"}}]}})
        assert names() == ["tech2"]
        # the other side sees the same links; filters go through the join table
        assert [p.title for p in db.post.find_many(where={"categories": {"some": {"name": "tech2"}}})] == ["p"]
        assert db.cat.find_unique(where={"name": "news"}, include={"posts": True}).posts == []
        db.post.update(where={"id": post.id}, data={"categories": {"delete": [{"name": "tech2"}]}})
        assert names() == [] and db.cat.find_unique(where={"name": "tech2"}) is None


def test_include_cursor_distinct_and_negative_take(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        user = db.user.create({"name": "Ann", "posts": {"create": [
            {"title": "a", "views": 1}, {"title": "b", "views": 1}, {"title": "c", "views": 2}, {"title": "d", "views": 3},
        ]}})
        ids = {p.title: p.id for p in db.post.find_many()}

        def posts(**args: Any) -> list[str]:
            found = db.user.find_unique(where={"id": user.id}, include={"posts": {"order_by": {"title": "asc"}, **args}})
            return [p.title for p in found.posts]

        assert posts(cursor={"id": ids["b"]}, take=2) == ["b", "c"]
        assert posts(cursor={"id": ids["b"]}, take=1, skip=1) == ["c"]
        assert posts(cursor={"id": ids["c"]}, take=-1, skip=1) == ["b"]
        assert posts(take=-2) == ["c", "d"]
        assert posts(distinct=["views"]) == ["a", "c", "d"]


def test_find_many_negative_take_and_cursor(prisma: ModuleType) -> None:
    with prisma.Prisma() as db:
        db.post.create_many([{"title": t} for t in "abcde"])
        ids = {p.title: p.id for p in db.post.find_many()}

        def page(**args: Any) -> list[str]:
            return [p.title for p in db.post.find_many(order={"title": "asc"}, **args)]

        assert page(take=-2) == ["d", "e"]
        assert page(cursor={"id": ids["d"]}, take=-2) == ["c", "d"]
        assert page(cursor={"id": ids["d"]}, take=-2, skip=1) == ["b", "c"]
        assert page(cursor={"id": ids["b"]}, take=2, skip=1) == ["c", "d"]
        assert db.post.count(take=-3) == 3
