"""The client on tables and columns whose database names hold quote characters and ``%``.

Names are quoted by the dialect's function (``Dialect.quote``); with psycopg and PyMySQL, whose
placeholders are ``%s``, a ``%`` in a name is doubled so the driver does not read it as one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from client_helpers import make_client

from schemashift.psl.validator.attributes import string_literal as psl_string

#: a quote character of every database, a string quote, a backslash, ``%`` and ``%s``
WEIRD = "a\"b`c'd\\e%f%sg"

SCHEMA = (
    "generator client {{\n"
    '  provider = "schemashift-py"\n'
    '  output   = "{output}"\n'
    "}}\n\n"
    "datasource db {{\n"
    '  provider = "{provider}"\n'
    '  url      = env("DATABASE_URL")\n'
    "}}\n\n"
    "model Owner {{\n"
    "  id    Int    @id @map(" + psl_string("id " + WEIRD) + ")\n"
    "  label String @unique @map(" + psl_string("label " + WEIRD) + ")\n"
    "  pets  Pet[]\n"
    "  @@map(" + psl_string("owner " + WEIRD) + ")\n"
    "}}\n\n"
    "model Pet {{\n"
    "  id      Int    @id\n"
    "  name    String @map(" + psl_string("name " + WEIRD) + ")\n"
    "  ownerId Int    @map(" + psl_string("owner " + WEIRD) + ")\n"
    "  owner   Owner  @relation(fields: [ownerId], references: [id])\n"
    "  @@map(" + psl_string("pet " + WEIRD) + ")\n"
    "}}\n"
)


def test_queries_on_weird_names(tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any]) -> None:
    mod = make_client(tmp_path, provider, db_url, run_cli, schema=SCHEMA)
    client = mod.Client(url=db_url)
    try:
        client.owner.create(data={"id": 1, "label": "100%"})
        client.owner.create(data={"id": 2, "label": "it's"})
        client.pet.create_many(data=[{"id": 1, "name": "rex", "ownerId": 1}, {"id": 2, "name": "tom", "ownerId": 2}])
        assert [o.label for o in client.owner.find_many(where={"label": {"contains": "%"}})] == ["100%"]
        found = client.owner.find_many(where={"pets": {"some": {"name": "tom"}}}, include={"pets": True})
        assert [(o.id, [p.name for p in o.pets]) for o in found] == [(2, ["tom"])]
        assert client.pet.update(where={"id": 1}, data={"name": "max"}).name == "max"
        assert client.pet.count(where={"owner": {"is": {"label": "100%"}}}) == 1
        client.pet.delete(where={"id": 2})
        assert sorted(p.name for p in client.pet.find_many()) == ["max"]
    finally:
        client.close()
