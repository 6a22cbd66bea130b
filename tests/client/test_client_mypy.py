"""The generated package passes ``mypy --strict``, and mypy rejects a misspelt field name and a
wrongly typed value in user code (and accepts the correct use)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

from client_helpers import SCHEMA

GOOD = """
from datetime import datetime
from decimal import Decimal

from {pkg} import AsyncClient, Client, PlanTier, Post, User


async def run_async() -> list[User]:
    async with AsyncClient() as db:
        n: int = await db.user.count(where={{"age": {{"gt": 1}}}})
        async with db.tx() as tx:
            await tx.user.delete_many(where={{"email": {{"startsWith": "x"}}}})
        return await db.user.find_many(order_by={{"email": "asc"}}, take=n)


def run(db: Client) -> list[User]:
    db.user.create(data={{"email": "a@x.io", "planTier": "PRO", "balance": Decimal("1.5"), "meta": {{"k": [1, "x"]}}}})
    db.user.create_many(data=[{{"email": "b@x.io", "planTier": PlanTier.FREE, "age": 3}}], skip_duplicates=True)
    users = db.user.find_many(
        where={{"email": {{"contains": "x", "mode": "insensitive"}}, "age": {{"gte": 3}}, "OR": [{{"name": None}}]}},
        order_by=[{{"email": "asc"}}, {{"name": {{"sort": "desc", "nulls": "last"}}}}],
        skip=1,
        take=3,
        include={{"posts": {{"where": {{"published": True}}, "take": 2}}}},
    )
    db.user.count(where={{"meta": {{"path": ["k"], "array_starts_with": 1, "array_ends_with": "x", "string_contains": "y"}}}})
    db.user.find_many(cursor={{"email": "a@x.io"}}, distinct=["planTier", "age"], take=-2, order_by={{"email": "asc"}})
    db.user.find_first(cursor={{"id": "x"}}, skip=1, distinct=["name"])
    db.user.group_by(["planTier"], where={{"age": {{"gt": 1}}}}, having={{"age": {{"_avg": {{"gt": 1}}}}}},
                     count={{"_all": True, "email": True}}, sum={{"age": True}}, avg={{"age": True}}, order_by={{"planTier": "asc"}})
    one = db.user.find_unique(where={{"email": "a@x.io"}})
    if one is not None:
        created: datetime = one.createdAt
        tier: PlanTier = one.planTier
        posts: list[Post] | None = one.posts
    sure: User = db.user.find_unique_or_raise(where={{"email": "a@x.io"}}, include={{"tags": True}})
    rows = db.user.find_many(select={{"email": True}})
    email: object = rows[0]["email"]
    n: int = db.user.count(where={{"posts": {{"some": {{"title": {{"startsWith": "a"}}}}}}}})
    db.user.update(where={{"id": "x"}}, data={{"age": {{"increment": 1}}, "name": None}})
    db.post.find_unique(where={{"title_authorId": {{"title": "t", "authorId": "a"}}}})
    db.post.create(data={{"title": "t", "author": {{"connect": {{"email": "a@x.io"}}}}}})
    db.post.update(where={{"id": 1}}, data={{"author": {{"disconnect": True}}}})
    db.user.upsert(where={{"email": "a@x.io"}}, create={{"email": "a@x.io"}}, update={{"age": 2}})
    db.user.create(data={{"email": "c@x.io", "posts": {{"create": [{{"title": "p"}}]}}, "tags": {{"connect": {{"label": "a"}}}}}})
    db.user.update(where={{"id": "x"}}, data={{
        "tags": {{"set": [{{"label": "a"}}], "connectOrCreate": [{{"where": {{"label": "b"}}, "create": {{"label": "b"}}}}]}},
        "posts": {{"updateMany": {{"where": {{"published": False}}, "data": {{"published": True}}}}, "delete": [{{"id": 1}}]}},
    }})
    db.post.update(where={{"id": 1}}, data={{"author": {{"upsert": {{"create": {{"email": "d@x.io"}}, "update": {{"age": 1}}}}}}}})
    db.user.find_many(where={{"name": {{"search": "cats | dogs"}}}})
    with db.tx() as tx:
        tx.post.delete_many(where={{"author": {{"is": {{"planTier": "PRO"}}}}}})
    return users
"""

BAD_FIELD = """
from {pkg} import Client


def run(db: Client) -> None:
    db.user.find_many(where={{"emial": "a@x.io"}})
    db.user.create(data={{"emial": "a@x.io"}})
"""

BAD_TYPE = """
from {pkg} import Client


def run(db: Client) -> None:
    db.user.create(data={{"email": 42}})
    db.user.group_by(["planTeir"])
"""

BAD_ENUM = """
from {pkg} import Client


def run(db: Client) -> None:
    db.user.update(where={{"email": "a@x.io"}}, data={{"planTier": "GOLD"}})
"""


def _mypy(cwd: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(cwd / ".mypy_cache"), *targets],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_generated_client_passes_mypy_strict_and_catches_misuse(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    (tmp_path / "prisma").mkdir()
    schema = tmp_path / "prisma" / "schema.prisma"
    schema.write_text(SCHEMA.format(output="../typed_client", provider="postgresql"), encoding="utf-8")
    r = run_cli("generate", "--schema", str(schema))
    assert r.exit_code == 0, r.err
    for name, text in {"good.py": GOOD, "bad_field.py": BAD_FIELD, "bad_type.py": BAD_TYPE, "bad_enum.py": BAD_ENUM}.items():
        (tmp_path / name).write_text(textwrap.dedent(text.format(pkg="typed_client")), encoding="utf-8")

    ok = _mypy(tmp_path, "typed_client", "good.py")
    assert ok.returncode == 0, ok.stdout + ok.stderr

    bad = _mypy(tmp_path, "bad_field.py", "bad_type.py", "bad_enum.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    out = bad.stdout
    # find_many is overloaded (select gives dicts): mypy names no variant matching the where
    assert 'bad_field.py:6: error: No overload variant of "find_many"' in out, out
    assert 'bad_field.py:7: error: Extra key "emial" for TypedDict "UserCreateInput"' in out, out
    assert "bad_type.py:6: error:" in out and '"email"' in out and '"int"' in out, out
    assert "bad_type.py:7: error:" in out and "planTeir" in out, out
    assert "bad_enum.py:6: error:" in out and "GOLD" in out, out
