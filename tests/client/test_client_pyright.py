"""The generated clients type-check under Pyright's strict mode (prisma-client-py's users run
pyright): for the three generator modes (``schemashift-py``; ``prisma-client-py`` asyncio and
sync), a user program (create/find_many with where/include/order, group_by, tx, batch_, the
model classes) and the generated package itself report no error, and a misspelt field or a
wrongly typed value in user code is reported. Skipped when pyright is not installed (the
``test`` extra has it; it needs node)."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from client_helpers import SCHEMA as SCHEMASHIFT_SCHEMA
from prisma_py_helpers import SCHEMA as PRISMA_PY_SCHEMA
from test_client_mypy import GOOD as SCHEMASHIFT_PROGRAM

import schemashift

SRC = Path(schemashift.__file__).resolve().parents[1]

#: a prisma-client-py program (async); the sync one is derived from it
PRISMA_PY_PROGRAM = """
import asyncio
import datetime

from prisma import Base64, Json, Prisma, register
from prisma.bases import BaseUser
from prisma.enums import Role
from prisma.errors import RecordNotFoundError, UniqueViolationError
from prisma.models import Post, User
from prisma.types import PostWhereUniqueInput, UserCreateInput, UserUpdateInput, UserWhereInput


class NameOnly(BaseUser):
    id: str
    name: str


async def main() -> None:
    db = Prisma(log_queries=False)
    register(db)
    await db.connect()
    data: UserCreateInput = {"name": "Robert", "email": "r@x.io", "role": Role.ADMIN, "settings": Json({"a": 1})}
    user = await db.user.create(data=data, include={"posts": True})
    posts: list[Post] | None = user.posts
    where: UserWhereInput = {"name": {"startswith": "Rob"}, "posts": {"some": {"published": True}}}
    users: list[User] = await db.user.find_many(
        where=where, include={"posts": {"where": {"published": True}, "take": 3}}, order={"name": "asc"}, take=10, skip=0,
    )
    first = await db.user.find_first(where={"email": {"contains": "x"}}, order=[{"name": "desc"}])
    if first is not None:
        created: datetime.datetime = first.created
        print(created)
    try:
        await db.user.find_unique_or_raise(where={"id": "nope"})
    except RecordNotFoundError:
        pass
    try:
        await db.user.create(data={"name": "Dup", "email": "r@x.io"})
    except UniqueViolationError as exc:
        print(exc)
    n: int = await db.user.count(where={"role": Role.USER})
    groups = await db.post.group_by(by=["published"], count={"_all": True}, sum={"views": True}, order={"published": "asc"})
    for g in groups:
        print(g.get("published"), g.get("_count"))
    async with db.tx(timeout=datetime.timedelta(seconds=5), max_wait=2000) as tx:
        await tx.user.update(where={"id": user.id}, data={"points": {"increment": 1}})
        await tx.post.create(data={"title": "Hi", "author": {"connect": {"id": user.id}}})
    found = await User.prisma().find_unique(where={"id": user.id})
    if found is not None:
        points: int = found.points
        print(points)
    n += await db.user.create_many(data=[{"name": "A"}, {"name": "B", "avatar": Base64.encode(b"x")}], skip_duplicates=True)
    update: UserUpdateInput = {"name": "C", "points": {"decrement": 1}}
    changed = await db.user.update(where={"email": "a@x.io"}, data=update)
    if changed is not None and changed.avatar is not None:
        print(changed.avatar.decode())
    up = await db.user.upsert(where={"email": "a@x.io"}, data={"create": {"name": "A"}, "update": {"name": "B"}})
    page = await db.user.find_many(cursor={"id": up.id}, distinct=["name"], take=-2)
    counted = await db.user.count(select={"_all": True, "name": True})
    key: PostWhereUniqueInput = {"id": 1}
    deleted = await db.post.delete(where=key)
    for mine in await NameOnly.prisma().find_many(where={"name": {"mode": "insensitive", "equals": "a"}}):
        print(mine.name.upper())
    async with db.batch_() as batcher:
        batcher.user.create({"name": "Batched"})
        batcher.post.delete_many(where={"published": False})
    rows = await db.query_raw("SELECT 1")
    print(posts, users, n, page, counted, deleted, rows, await db.query_first("SELECT 1 AS x"))
    await db.disconnect()


asyncio.run(main())
"""

PRISMA_PY_BAD = """
from prisma import Prisma


async def main(db: Prisma) -> None:
    await db.user.find_many(where={"nmae": "x"})
    await db.user.create(data={"name": 42})
    async with db.batch_() as batcher:
        batcher.post.create({"titel": "x"})
"""


SCHEMASHIFT_BAD = """
from typed_client import Client


def run(db: Client) -> None:
    db.user.find_many(where={"emial": "a@x.io"})
    db.user.create(data={"email": 42})
"""


def _sync(program: str) -> str:
    out = re.sub(r"^async def ", "def ", program, flags=re.M)
    out = out.replace("await ", "").replace("async with", "with").replace("asyncio.run(main())", "main()")
    return out.replace("import asyncio\n", "")


@functools.cache
def _pyright_command() -> tuple[list[str], str]:
    """How to run pyright here, or why it cannot run (checked once per worker)."""
    if importlib.util.find_spec("pyright") is not None:
        command = [sys.executable, "-m", "pyright"]
    elif (exe := shutil.which("pyright")) is not None:
        command = [exe]
    else:
        return [], "pyright is not installed (pip install pyright: the `test` extra; it needs node)"
    probe = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        return [], f"pyright does not start here: {(probe.stderr or probe.stdout).strip()[-300:]}"
    return command, ""


def _pyright(folder: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    command, why = _pyright_command()
    if not command:
        pytest.skip(why)
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
        "extraPaths": ["gen", str(SRC)],
        "reportUnusedVariable": False,  # the programs keep values only to state their types
        "reportImplicitOverride": True,  # as prisma-client-py's own pyright configuration
    }
    (folder / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    return subprocess.run(
        [*command, "--pythonpath", sys.executable, *targets], cwd=folder, capture_output=True, text=True, timeout=900,
    )


def _generate(folder: Path, schema: str, run_cli: Callable[..., Any]) -> None:
    (folder / "prisma").mkdir(parents=True)
    path = folder / "prisma" / "schema.prisma"
    path.write_text(schema, encoding="utf-8")
    r = run_cli("generate", "--schema", str(path))
    assert r.exit_code == 0, r.err


def _errors(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if " - error: " in line]


@pytest.mark.parametrize(
    "mode",  # one pyright run takes ~10 s of CPU: the other modes run with the slow tests
    ["asyncio", pytest.param("sync", marks=pytest.mark.slow), pytest.param("schemashift-py", marks=pytest.mark.slow)],
)
def test_generated_client_passes_pyright_strict(tmp_path: Path, mode: str, run_cli: Callable[..., Any]) -> None:
    if not _pyright_command()[0]:
        pytest.skip(_pyright_command()[1])
    if mode == "schemashift-py":
        _generate(tmp_path, SCHEMASHIFT_SCHEMA.format(output="../gen/typed_client", provider="postgresql"), run_cli)
        good, bad, package = textwrap.dedent(SCHEMASHIFT_PROGRAM.format(pkg="typed_client")), SCHEMASHIFT_BAD, "gen/typed_client"
    else:
        _generate(tmp_path, PRISMA_PY_SCHEMA.format(output="../gen/prisma", provider="postgresql", interface=mode), run_cli)
        good, bad = (PRISMA_PY_PROGRAM, PRISMA_PY_BAD) if mode == "asyncio" else (_sync(PRISMA_PY_PROGRAM), _sync(PRISMA_PY_BAD))
        package = "gen/prisma"
    (tmp_path / "good.py").write_text(good, encoding="utf-8")
    (tmp_path / "bad.py").write_text(textwrap.dedent(bad), encoding="utf-8")
    run = _pyright(tmp_path, "good.py", "bad.py", package)  # one run: the analysis of the package is shared
    errors = _errors(run.stdout)
    assert run.returncode == 1, run.stdout + run.stderr
    assert [e for e in errors if "bad.py:" not in e] == [], run.stdout  # the program and the package itself: clean
    assert any(re.search(r"bad\.py:6:\d+ - error: .*\"where\"", e) for e in errors), run.stdout
    assert any(re.search(r"bad\.py:7:\d+ - error: .*\"data\"", e) for e in errors), run.stdout
    if mode != "schemashift-py":
        assert any(re.search(r"bad\.py:9:\d+ - error: .*\"data\"", e) for e in errors) and "titel" in run.stdout, run.stdout


def test_a_schema_without_enums_passes_pyright_strict(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """prisma-client-py's SQLite suite has no enum: the package's enum module and its import in
    the client are then unused, which pyright strict reports unless they are marked used."""
    if not _pyright_command()[0]:
        pytest.skip(_pyright_command()[1])
    schema = (
        'generator client {\n  provider  = "prisma-client-py"\n  output    = "../gen/prisma"\n  interface = "asyncio"\n}\n\n'
        'datasource db {\n  provider = "sqlite"\n  url      = "file:dev.db"\n}\n\n'
        "model Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n"
    )
    _generate(tmp_path, schema, run_cli)
    run = _pyright(tmp_path, "gen/prisma")
    assert run.returncode == 0 and _errors(run.stdout) == [], run.stdout + run.stderr
