"""The prisma-client-py compatible package (`provider = "prisma-client-py"`) on SQLite,
PostgreSQL and MySQL/MariaDB: its API names, arguments, return conventions and error classes,
run on schemashift's one query engine."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from prisma_py_helpers import make_prisma, purge

from schemashift.generate import prisma_py_default_output

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def prisma(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> Iterator[ModuleType]:
    yield make_prisma(tmp_path, provider, db_url, run_cli)
    purge()


@pytest.fixture
def prisma_sync(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> Iterator[ModuleType]:
    yield make_prisma(tmp_path, provider, db_url, run_cli, interface="sync")
    purge()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_connect_disconnect_and_context_manager(prisma: ModuleType) -> None:
    async def main() -> None:
        db = prisma.Prisma()
        assert not db.is_connected()
        with pytest.raises(prisma.errors.ClientNotConnectedError):
            await db.user.find_many()
        await db.connect()
        assert db.is_connected()
        assert await db.user.count() == 0
        await db.disconnect()
        assert not db.is_connected()
        async with prisma.Prisma() as db2:
            assert db2.is_connected()
            await db2.user.create({"name": "Ann"})
        assert not db2.is_connected()
        async with prisma.Client() as db3:
            assert [u.name for u in await db3.user.find_many()] == ["Ann"]

    run(main())


def test_register_get_client_and_model_prisma(prisma: ModuleType) -> None:
    async def main() -> None:
        with pytest.raises(prisma.errors.ClientNotRegisteredError):
            prisma.get_client()
        db = prisma.Prisma(auto_register=True)
        assert prisma.get_client() is db and db.is_registered()
        with pytest.raises(prisma.errors.ClientAlreadyRegisteredError):
            prisma.register(prisma.Prisma())
        await db.connect()
        User = prisma.models.User
        user = await User.prisma().create({"name": "Bob", "email": "bob@x.io"})
        assert isinstance(user, User)
        found = await User.prisma().find_unique(where={"email": "bob@x.io"})
        assert found is not None and found.id == user.id
        assert await User.prisma().count() == 1
        await db.disconnect()

    run(main())


def test_create_find_update_upsert_delete(prisma: ModuleType) -> None:
    errors = prisma.errors

    async def main() -> None:
        async with prisma.Prisma() as db:
            user = await db.user.create(data={"name": "Robert", "email": "r@x.io", "role": prisma.enums.Role.ADMIN})
            assert user.name == "Robert" and user.role == prisma.enums.Role.ADMIN and user.points == 0
            assert user.created.tzinfo is not None and user.posts is None
            assert await db.user.create_many([{"name": "Tegan"}, {"name": "Callum", "points": 3}]) == 2
            assert (await db.user.find_unique(where={"id": user.id})).email == "r@x.io"  # type: ignore[union-attr]
            assert await db.user.find_unique(where={"id": "nope"}) is None
            with pytest.raises(errors.RecordNotFoundError):
                await db.user.find_unique_or_raise(where={"id": "nope"})
            first = await db.user.find_first(where={"points": {"gt": 0}})
            assert first is not None and first.name == "Callum"
            rows = [{"name": "Dup", "email": "r@x.io"}, {"name": "Fresh", "email": "fresh@x.io"}]
            with pytest.raises(errors.UniqueViolationError):
                await db.user.create_many(rows)
            assert await db.user.create_many(rows, skip_duplicates=True) == 1
            assert (await db.user.delete(where={"email": "fresh@x.io"})) is not None
            assert await db.user.find_first(where={"name": "Nobody"}) is None
            with pytest.raises(errors.RecordNotFoundError):
                await db.user.find_first_or_raise(where={"name": "Nobody"})
            updated = await db.user.update(where={"id": user.id}, data={"points": {"increment": 5}, "name": "Rob"})
            assert updated is not None and updated.points == 5 and updated.name == "Rob"
            assert await db.user.update(where={"id": "nope"}, data={"name": "x"}) is None
            assert await db.user.update_many(where={"points": {"lt": 5}}, data={"points": 1}) == 2
            assert sorted(u.points for u in await db.user.find_many()) == [1, 1, 5]
            created = await db.user.upsert(
                where={"email": "new@x.io"}, data={"create": {"name": "New", "email": "new@x.io"}, "update": {"name": "Upd"}}
            )
            assert created.name == "New"
            again = await db.user.upsert(
                where={"email": "new@x.io"}, data={"create": {"name": "New", "email": "new@x.io"}, "update": {"name": "Upd"}}
            )
            assert again.name == "Upd" and again.id == created.id
            deleted = await db.user.delete(where={"id": created.id})
            assert deleted is not None and deleted.id == created.id
            assert await db.user.delete(where={"id": created.id}) is None
            assert await db.user.count() == 3
            assert await db.user.count(where={"points": 1}) == 2
            assert await db.user.count(take=2) == 2
            assert await db.user.count(select={"_all": True}) == {"_all": 3}
            assert await db.user.delete_many(where={"points": 1}) == 2
            assert [u.name for u in await db.user.find_many()] == ["Rob"]

    run(main())


def seed(db: Any) -> Any:
    async def go() -> dict[str, Any]:
        robert = await db.user.create({"name": "Robert", "email": "ROBERT@x.io", "points": 3})
        tegan = await db.user.create({"name": "Tegan", "email": "tegan@y.org", "points": 7})
        callum = await db.user.create({"name": "Callum", "points": 1})
        await db.profile.create({"description": "My very cool bio.", "country": "Scotland", "userId": robert.id})
        await db.profile.create({"description": "Hello, this is my bio.", "country": "Wales", "userId": tegan.id})
        for title, published, author in [
            ("My first post", True, robert), ("My second post", False, robert),
            ("Hello, world!", True, tegan), ("My test post", False, tegan),
        ]:
            await db.post.create({"title": title, "published": published, "author": {"connect": {"id": author.id}}})
        return {"robert": robert, "tegan": tegan, "callum": callum}

    return go()


def test_filters_order_and_pagination(prisma: ModuleType) -> None:
    async def main() -> None:
        async with prisma.Prisma() as db:
            await seed(db)

            async def names(**kw: Any) -> list[str]:
                return [u.name for u in await db.user.find_many(order={"name": "asc"}, **kw)]

            assert await names(where={"name": {"startswith": "Te"}}) == ["Tegan"]
            assert await names(where={"name": {"endswith": "um"}}) == ["Callum"]
            assert await names(where={"name": {"not_in": ["Tegan", "Callum"]}}) == ["Robert"]
            assert await names(where={"name": {"in": ["Tegan", "Callum"]}}) == ["Callum", "Tegan"]
            assert await names(where={"email": {"contains": "robert", "mode": "insensitive"}}) == ["Robert"]
            assert await names(where={"name": {"not": "Robert"}}) == ["Callum", "Tegan"]
            assert await names(where={"email": None}) == ["Callum"]
            assert await names(where={"OR": [{"points": {"gte": 7}}, {"points": {"lte": 1}}]}) == ["Callum", "Tegan"]
            assert await names(where={"NOT": {"points": 3}, "AND": [{"points": {"gt": 0}}]}) == ["Callum", "Tegan"]
            # relation filters
            assert await names(where={"posts": {"some": {"title": {"contains": "post"}}}}) == ["Robert", "Tegan"]
            assert await names(where={"posts": {"every": {"title": {"contains": "post"}}}}) == ["Callum", "Robert"]
            assert await names(where={"posts": {"none": {"title": {"contains": "post"}}}}) == ["Callum"]
            assert await names(where={"profile": {"is": {"description": {"contains": "cool"}}}}) == ["Robert"]
            assert await names(where={"profile": {"is_not": {"description": {"contains": "bio"}}}}) == ["Callum"]
            # order, take, skip, cursor, distinct
            by_points = [u.points for u in await db.user.find_many(order={"points": "desc"})]
            assert by_points == [7, 3, 1]
            assert [u.points for u in await db.user.find_many(order={"points": "asc"}, take=2, skip=1)] == [3, 7]
            posts = await db.post.find_many(order={"id": "asc"})
            after = await db.post.find_many(cursor={"id": posts[1].id}, order={"id": "asc"})
            assert [p.id for p in after] == [p.id for p in posts[1:]]
            assert [p.id for p in await db.post.find_many(cursor={"id": posts[1].id}, order={"id": "asc"}, take=2, skip=1)] == [
                p.id for p in posts[2:4]
            ]
            distinct = await db.post.find_many(distinct=["published"], order={"id": "asc"})
            assert [p.published for p in distinct] == [True, False]
            assert (await db.post.find_first(order={"title": "desc"})).title == "My test post"  # type: ignore[union-attr]
            # compound unique
            robert = await db.user.find_first_or_raise(where={"name": "Robert"})
            p = await db.post.find_unique(where={"title_authorId": {"title": "My first post", "authorId": robert.id}})
            assert p is not None and p.published is True
            key = {"title_authorId": {"title": "My first post", "authorId": robert.id}}
            assert (await db.post.update(where=key, data={"views": {"increment": 2}})).views == 2  # type: ignore[union-attr]

    run(main())


def test_include(prisma: ModuleType) -> None:
    async def main() -> None:
        async with prisma.Prisma() as db:
            people = await seed(db)
            user = await db.user.find_unique(where={"id": people["robert"].id}, include={"posts": True, "profile": True})
            assert user is not None and user.profile is not None and user.profile.country == "Scotland"
            assert sorted(p.title for p in user.posts) == ["My first post", "My second post"]
            user = await db.user.find_unique(
                where={"id": people["tegan"].id},
                include={"posts": {"where": {"published": False}, "take": 1, "order_by": {"title": "asc"}}},
            )
            assert [p.title for p in user.posts] == ["My test post"]  # type: ignore[union-attr]
            posts = await db.post.find_many(include={"author": {"include": {"profile": True}}}, order={"id": "asc"})
            assert posts[0].author.profile.description == "My very cool bio."
            callum = await db.user.find_unique(where={"id": people["callum"].id}, include={"posts": True, "profile": True})
            assert callum.posts == [] and callum.profile is None  # type: ignore[union-attr]
            created = await db.post.create({"title": "t", "authorId": people["callum"].id}, include={"author": True})
            assert created.author.name == "Callum"

    run(main())


def test_errors(prisma: ModuleType) -> None:
    errors = prisma.errors

    async def main() -> None:
        async with prisma.Prisma() as db:
            await db.user.create({"name": "A", "email": "a@x.io"})
            with pytest.raises(errors.UniqueViolationError) as unique:
                await db.user.create({"name": "B", "email": "a@x.io"})
            assert isinstance(unique.value, errors.DataError) and unique.value.code == "P2002"
            with pytest.raises(errors.ForeignKeyViolationError):
                await db.profile.create({"description": "d", "country": "c", "userId": "missing"})
            with pytest.raises(errors.FieldNotFoundError):
                await db.user.find_many(where={"nope": 1})
            with pytest.raises(errors.MissingRequiredValueError):
                await db.user.create({"email": "no-name@x.io"})  # `name` is required
            assert await db.user.count() == 1
            with pytest.raises(errors.RecordNotFoundError):
                await db.post.create({"title": "t", "author": {"connect": {"id": "missing"}}})
            with pytest.raises(errors.DataError):
                await db.user.upsert(where={"email": "a@x.io"}, data={"create": {"name": "x"}})
            assert issubclass(errors.DataError, errors.PrismaError)

    run(main())


def test_fields_json_base64_decimal_enum(prisma: ModuleType) -> None:
    fields = prisma.fields

    async def main() -> None:
        async with prisma.Prisma() as db:
            user = await db.user.create(
                {
                    "name": "J",
                    "avatar": fields.Base64.encode(b"\x00\x01binary"),
                    "settings": fields.Json({"theme": "dark", "n": [1, 2]}),
                    "balance": Decimal("12.50"),
                    "role": "ADMIN",
                }
            )
            found = await db.user.find_unique_or_raise(where={"id": user.id})
            assert isinstance(found.avatar, fields.Base64) and found.avatar.decode() == b"\x00\x01binary"
            assert found.settings == {"theme": "dark", "n": [1, 2]}
            assert found.balance == Decimal("12.5")
            assert found.role is prisma.enums.Role.ADMIN and found.role == "ADMIN"
            assert [u.id for u in await db.user.find_many(where={"role": prisma.enums.Role.ADMIN})] == [user.id]
            assert isinstance(found, prisma.models.User) and found.model_dump()["name"] == "J"

    run(main())


def test_transactions_and_batch(prisma: ModuleType) -> None:
    async def main() -> None:
        async with prisma.Prisma() as db:
            async with db.tx() as tx:
                await tx.user.create({"name": "in tx"})
            assert await db.user.count() == 1
            with pytest.raises(RuntimeError):
                async with db.tx() as tx:
                    await tx.user.create({"name": "rolled back"})
                    raise RuntimeError("boom")
            assert [u.name for u in await db.user.find_many()] == ["in tx"]
            async with db.batch_() as batcher:
                batcher.user.create({"name": "b1", "email": "b@x.io"})
                batcher.user.create({"name": "b2"})
                batcher.user.update_many(where={"name": "b2"}, data={"points": 9})
            assert sorted(u.points for u in await db.user.find_many()) == [0, 0, 9]
            batcher = db.batch_()
            batcher.user.create({"name": "b3"})
            batcher.user.create({"name": "dup", "email": "b@x.io"})  # fails: the whole batch rolls back
            with pytest.raises(prisma.errors.UniqueViolationError):
                await batcher.commit()
            assert await db.user.count() == 3

    run(main())


def test_raw_queries(prisma: ModuleType, provider: str) -> None:
    async def main() -> None:
        async with prisma.Prisma() as db:
            await seed(db)
            table = '"User"' if provider != "mysql" else "`User`"
            ph = "$1" if provider == "postgresql" else "?"
            rows = await db.query_raw(f"SELECT name, points FROM {table} WHERE points > {ph} ORDER BY points", 2)
            assert [(r["name"], r["points"]) for r in rows] == [("Robert", 3), ("Tegan", 7)]
            first = await db.query_first(f"SELECT name FROM {table} WHERE name LIKE '%an' AND points = {ph}", 7)
            assert first == {"name": "Tegan"}
            users = await db.query_raw(f"SELECT * FROM {table} WHERE name = {ph}", "Callum", model=prisma.models.User)
            assert isinstance(users[0], prisma.models.User) and users[0].name == "Callum"
            count = await db.execute_raw(f"UPDATE {table} SET points = points + 1 WHERE points < {ph}", 5)
            assert count == 2
            assert sorted(u.points for u in await db.user.find_many()) == [2, 4, 7]

    run(main())


def test_sync_interface(prisma_sync: ModuleType) -> None:
    prisma = prisma_sync
    with prisma.Prisma() as db:
        user = db.user.create({"name": "S", "email": "s@x.io"})
        db.post.create({"title": "p", "author": {"connect": {"id": user.id}}})
        found = db.user.find_unique(where={"email": "s@x.io"}, include={"posts": True})
        assert found is not None and [p.title for p in found.posts] == ["p"]
        assert db.user.update(where={"id": user.id}, data={"points": {"set": 4}}).points == 4  # type: ignore[union-attr]
        with pytest.raises(prisma.errors.UniqueViolationError):
            db.user.create({"name": "T", "email": "s@x.io"})
        with pytest.raises(ValueError):
            with db.tx() as tx:
                tx.user.create({"name": "gone"})
                raise ValueError
        with db.batch_() as batcher:
            batcher.user.create({"name": "b"})
        assert sorted(u.name for u in db.user.find_many()) == ["S", "b"]
        assert db.query_first("SELECT COUNT(*) AS n FROM " + ("`User`" if "mysql" in db._core.engine.dialect.provider else '"User"'))["n"] == 2
    assert not db.is_connected()


@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
def test_script_imports_prisma_unchanged(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    """A prisma-client-py program runs as it is, in a fresh interpreter."""
    make_prisma(tmp_path, provider, db_url, run_cli)
    purge()
    script = tmp_path / "app.py"
    script.write_text(
        "import asyncio\n"
        "from prisma import Prisma\n"
        "from prisma.models import User\n"
        "async def main():\n"
        "    db = Prisma(auto_register=True)\n"
        "    await db.connect()\n"
        "    await User.prisma().create(data={'name': 'script'})\n"
        "    print([u.name for u in await db.user.find_many()])\n"
        "    await db.disconnect()\n"
        "asyncio.run(main())\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "gen"), str(ROOT / "src")]), "DATABASE_URL": db_url}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['script']"


def test_generator_defaults_and_bad_interface(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    from schemashift.generate import find_generators
    from schemashift.psl import parse_files

    text = 'generator client {\n  provider = "prisma-client-py"\n}\ndatasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n'
    schema_ast, _ = parse_files([("schema.prisma", text)])
    (g,) = find_generators(schema_ast, tmp_path)
    assert g.flavor == "prisma-client-py" and g.interface == "asyncio"
    assert g.output == prisma_py_default_output() and g.output.parent.name == "site-packages"
    path = tmp_path / "schema.prisma"
    path.write_text(text.replace('"prisma-client-py"', '"prisma-client-py"\n  interface = "trio"'), encoding="utf-8")
    r = run_cli("generate", "--schema", str(path))
    assert r.exit_code != 0 and "interface" in r.err and "Traceback" not in r.err
    # a folder that is not a schemashift-generated package is never overwritten
    out = tmp_path / "gen" / "prisma"
    out.mkdir(parents=True)
    (out / "__init__.py").write_text("# someone else's\n", encoding="utf-8")
    path.write_text(text.replace('"prisma-client-py"', '"prisma-client-py"\n  output = "gen/prisma"'), encoding="utf-8")
    r = run_cli("generate", "--schema", str(path))
    assert r.exit_code != 0 and "not overwriting" in r.err
    assert (out / "__init__.py").read_text(encoding="utf-8") == "# someone else's\n"


def test_nested_create(prisma: ModuleType) -> None:
    async def main() -> None:
        async with prisma.Prisma() as db:
            user = await db.user.create(
                {
                    "name": "Robert",
                    "profile": {"create": {"description": "bio", "country": "Scotland"}},
                    "posts": {"create": [{"title": "one", "published": True}, {"title": "two"}]},
                },
                include={"posts": True, "profile": True},
            )
            assert user.profile is not None and user.profile.userId == user.id
            assert sorted(p.title for p in user.posts) == ["one", "two"]
            post = await db.post.create(
                {"title": "by new author", "author": {"create": {"name": "Tegan", "email": "t@x.io"}}}, include={"author": True}
            )
            assert post.author is not None and post.author.name == "Tegan" and post.authorId == post.author.id
            post2 = await db.post.create(
                {"title": "or create", "author": {"connectOrCreate": {"where": {"email": "t@x.io"}, "create": {"name": "x"}}}}
            )
            assert post2.authorId == post.authorId
            loose = await db.post.create({"title": "loose"})
            callum = await db.user.create({"name": "Callum", "posts": {"connect": [{"id": loose.id}]}}, include={"posts": True})
            assert [p.title for p in callum.posts] == ["loose"]
            # a failing nested write rolls the whole create back
            with pytest.raises(prisma.errors.RecordNotFoundError):
                await db.user.create({"name": "Ghost", "posts": {"connect": [{"id": 99999}]}})
            assert await db.user.count(where={"name": "Ghost"}) == 0
            assert await db.user.count() == 3 and await db.post.count() == 5

    run(main())


def test_group_by(prisma: ModuleType) -> None:
    people = [("Ann", "ADMIN", 10), ("Bob", "USER", 3), ("Cy", "USER", 4), ("Dee", "USER", 8), ("Eve", "ADMIN", 2)]

    async def main() -> None:
        async with prisma.Prisma() as db:
            await db.user.create_many([{"name": n, "role": r, "points": p, "email": None if n == "Bob" else f"{n}@x"} for n, r, p in people])
            rows = await db.user.group_by(
                ["role"], count={"_all": True, "email": True}, sum={"points": True}, avg={"points": True},
                min={"points": True}, max={"points": True}, order={"role": "asc"},
            )
            expected = []
            for role in sorted({r for _, r, _ in people}):
                pts = [p for n, r, p in people if r == role]
                expected.append({
                    "role": prisma.enums.Role[role],
                    "_count": {"_all": len(pts), "email": sum(1 for n, r, _ in people if r == role and n != "Bob")},
                    "_sum": {"points": sum(pts)}, "_avg": {"points": sum(pts) / len(pts)},
                    "_min": {"points": min(pts)}, "_max": {"points": max(pts)},
                })
            # enums sort in declaration order on PostgreSQL/MySQL, as text on SQLite (the database's order)
            assert sorted(rows, key=lambda r: r["role"].value) == expected
            high = await db.user.group_by(["role"], count=True, having={"points": {"_avg": {"gt": 5}}}, order={"role": "asc"})
            assert high == [{"role": prisma.enums.Role.ADMIN, "_count": {"_all": 2}}]
            either = await db.user.group_by(
                ["role"], having={"OR": [{"points": {"_max": {"equals": 8}}}, {"points": {"_sum": {"lt": 0}}}]}, order={"role": "asc"}
            )
            assert either == [{"role": prisma.enums.Role.USER}]
            assert await db.user.group_by(["name"], where={"points": {"lt": 4}}, order={"name": "desc"}, take=1) == [{"name": "Eve"}]
            assert await db.user.group_by(["name"], where={"points": {"lt": 4}}, order={"name": "desc"}, skip=1) == [{"name": "Bob"}]
            with pytest.raises(prisma.errors.InputError, match="Missing fields: name"):
                await db.user.group_by(["role"], order={"name": "asc"})
            with pytest.raises(prisma.errors.InputError, match="Missing fields: points"):
                await db.user.group_by(["role"], having={"points": {"gt": 1}})
            with pytest.raises(TypeError):
                await db.user.group_by(["role"], take=1)

    run(main())


MYPY_GOOD = """
from prisma import Prisma
from prisma.models import Post, User


async def main() -> list[Post]:
    async with Prisma() as db:
        user: User = await db.user.create({"name": "x", "email": "a@x.io"})
        found = await db.user.find_unique(where={"email": "a@x.io"}, include={"posts": True})
        name: str | None = found.name if found is not None else None
        n: int = await db.user.update_many(data={"points": {"increment": 1}}, where={"name": name})
        up: User = await db.user.upsert(where={"id": user.id}, data={"create": {"name": "y"}, "update": {"name": "z"}})
        total: int = await db.user.count(where={"name": up.name})
        per_field: dict[str, int] = await db.user.count(select={"_all": True, "email": True})
        groups = await db.post.group_by(["published"], count=True, sum={"views": True}, order={"published": "asc"})
        assert total + per_field["_all"] + len(groups) >= 0
        return await db.post.find_many(where={"authorId": user.id}, order={"id": "asc"}, take=n)
"""

MYPY_BAD = """
from prisma import Prisma


async def main() -> None:
    async with Prisma() as db:
        await db.user.create({"name": 1})
        await db.user.find_many(where={"nmae": "x"})
        post = await db.post.find_unique(where={"id": 1})
        title: int = post.title if post is not None else 0
        await db.user.create({"email": "no-name@x.io"})
        await db.user.group_by(["nope"])
"""


@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
def test_generated_package_passes_mypy_strict(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    make_prisma(tmp_path, provider, db_url, run_cli)
    purge()
    (tmp_path / "good.py").write_text(MYPY_GOOD, encoding="utf-8")
    (tmp_path / "bad.py").write_text(MYPY_BAD, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(tmp_path / "gen"), "PYTHONPATH": str(ROOT / "src")}

    def mypy(*files: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *files]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)

    good = mypy("good.py", "gen/prisma")
    assert good.returncode == 0, good.stdout
    bad = mypy("bad.py")
    assert bad.returncode == 1
    assert 'bad.py:7: error' in bad.stdout and "name" in bad.stdout  # "name" is a str
    assert 'bad.py:8: error' in bad.stdout and "UserWhereInput" in bad.stdout  # the misspelt field
    assert 'bad.py:10: error' in bad.stdout  # title is a str
    assert 'bad.py:11: error' in bad.stdout and '"name"' in bad.stdout  # a required key of UserCreateInput is missing
    assert 'bad.py:12: error' in bad.stdout  # not a field of User


def test_nested_writes_in_update(prisma: ModuleType) -> None:
    async def main() -> None:
        async with prisma.Prisma() as db:
            user = await db.user.create({"name": "Robert"})
            updated = await db.user.update(
                where={"id": user.id},
                data={"posts": {"create": [{"title": "a"}, {"title": "b"}, {"title": "c"}]}, "profile": {"create": {"description": "d", "country": "c"}}},
                include={"posts": {"order_by": {"title": "asc"}}, "profile": True},
            )
            assert updated is not None and [p.title for p in updated.posts] == ["a", "b", "c"] and updated.profile is not None
            a, b, c = updated.posts
            updated = await db.user.update(
                where={"id": user.id}, data={"posts": {"disconnect": [{"id": a.id}], "delete": [{"id": b.id}]}}, include={"posts": True}
            )
            assert [p.title for p in updated.posts] == ["c"]  # type: ignore[union-attr]
            assert (await db.post.find_unique_or_raise(where={"id": a.id})).authorId is None
            assert await db.post.find_unique(where={"id": b.id}) is None
            other = await db.user.create({"name": "Tegan"})
            moved = await db.post.update(where={"id": c.id}, data={"author": {"connect": {"id": other.id}}}, include={"author": True})
            assert moved is not None and moved.author is not None and moved.author.name == "Tegan"
            moved = await db.post.update(where={"id": c.id}, data={"author": {"create": {"name": "Callum"}}}, include={"author": True})
            assert moved.author.name == "Callum"  # type: ignore[union-attr]
            await db.user.update(where={"id": user.id}, data={"posts": {"connect": [{"id": a.id}]}})
            assert await db.post.count(where={"authorId": user.id}) == 1
            await db.user.update(where={"id": user.id}, data={"posts": {"delete_many": {"title": {"startswith": "a"}}}})
            assert await db.post.count() == 1
            with pytest.raises(prisma.errors.MissingRequiredValueError):
                await db.post.update(where={"id": c.id}, data={"published": None})

    run(main())
