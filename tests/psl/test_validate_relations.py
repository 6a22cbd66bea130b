"""Relations: relation inference (``ctx.relations``), ``@relation`` parsing and the relation
validations, checked against Prisma's own test corpus and on focused schemas."""

from __future__ import annotations

import re

import pytest

from schemashift import psl
from schemashift.psl.validator.checks.referential_actions import on_delete

from psl_corpus import CORPUS, area_cases, assert_validates_like_prisma

_AREA = re.compile(r"relation|referential|cycle|missing_index_warning|set_default|set_null")
_OTHER_AREAS = re.compile(r"relation_mode/|composite_types/")  # datasource config, composite types

# Cases of the area that still differ from Prisma, with the reason (the test asserts they still
# differ, so fixing one forces its removal from this set).
KNOWN_MISSES: dict[str, str] = {}


def _area_cases() -> list[tuple[str, str]]:
    return area_cases(_AREA, _OTHER_AREAS)


@pytest.mark.parametrize(("suite", "path"), _area_cases(), ids=lambda v: v)
def test_corpus_case(suite: str, path: str) -> None:
    assert_validates_like_prisma(suite, path, KNOWN_MISSES)


def test_corpus_is_present_or_skipped() -> None:
    if not (CORPUS / "manifests").is_dir():
        pytest.skip("shared conformance corpus not available")
    assert len(_area_cases()) > 150


# ---------------------------------------------------------------- focused schemas

_HEADER = 'datasource db {\n  provider = "%s"\n  url      = "x"\n}\n'


def _analyze(body: str, provider: str = "postgresql"):  # noqa: ANN202
    source = _HEADER % provider + body
    _, ctx, diags = psl.analyze_files([("schema.prisma", source)])
    return source, ctx, diags


def _messages(body: str, provider: str = "postgresql") -> list[str]:
    source = _HEADER % provider + body
    return [d.message for d in psl.validate(source)]


def test_inference_sides_and_kinds() -> None:
    _, ctx, diags = _analyze(
        """
model User {
  id      Int      @id
  posts   Post[]
  profile Profile?
  tags    Tag[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade, map: "post_author")
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
}
model Tag {
  id    Int    @id
  users User[]
}
"""
    )
    assert not diags.errors
    by_kind = {(r.kind, r.model_a, r.field_a, r.model_b, r.field_b) for r in ctx.relations}
    assert by_kind == {
        ("one_to_many", "Post", "author", "User", "posts"),
        ("one_to_one", "Profile", "user", "User", "profile"),
        ("many_to_many", "Tag", "users", "User", "tags"),
    }
    author = ctx.relation_fields[("Post", "author")]
    assert (author.fields, author.references, author.on_delete, author.on_update, author.map) == (
        ["authorId"],
        ["id"],
        "Cascade",
        None,
        "post_author",
    )
    assert not any(r.embedded for r in ctx.relations)


def test_relation_order_follows_the_ingesting_field() -> None:
    _, ctx, _ = _analyze(
        """
model B {
  id Int @id
  as A[]
}
model A {
  id  Int @id
  bId Int
  b   B   @relation(fields: [bId], references: [id])
}
"""
    )
    # Only the forward side ingests a 1:n defined on both sides; model A holds the foreign key.
    [rel] = ctx.relations
    assert (rel.a, rel.b, rel.model_a, rel.model_b) == (("A", "b"), ("B", "as"), "A", "B")


def test_self_many_to_many_orders_fields_by_name() -> None:
    _, ctx, _ = _analyze(
        """
model User {
  id        Int    @id
  following User[] @relation("follows")
  followers User[] @relation("follows")
}
"""
    )
    [rel] = ctx.relations
    assert (rel.kind, rel.name, rel.field_a, rel.field_b) == ("many_to_many", "follows", "followers", "following")


def test_list_side_only_relation_is_referenced_by_its_model() -> None:
    _, ctx, diags = _analyze(
        """
model User {
  id    Int    @id
  posts Post[]
}
model Post {
  id Int @id
}
"""
    )
    [rel] = ctx.relations
    assert (rel.kind, rel.model_a, rel.field_a, rel.model_b, rel.field_b) == ("one_to_many", "Post", None, "User", "posts")
    assert [e.message for e in diags.errors] == [
        "Error validating field `posts` in model `User`: The relation field `posts` on model `User` is missing "
        "an opposite relation field on the model `Post`. Either run `prisma format` or add it manually."
    ]


def test_forward_only_on_unique_fields_is_one_to_one() -> None:
    _, ctx, _ = _analyze(
        """
model A {
  id  Int @id
  bId Int @unique
  b   B   @relation(fields: [bId], references: [id])
}
model B {
  id Int @id
}
"""
    )
    assert [r.kind for r in ctx.relations] == ["one_to_one"]


def test_relation_field_attribute_errors_come_before_scalar_attribute_errors() -> None:
    messages = _messages(
        """
model A {
  id   Int    @id
  name String @updatedAt
}
model B {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId], references: [id]) @default(1)
}
"""
    )
    assert messages[0] == 'Error parsing attribute "@default": Cannot set a default value on a relation field.'
    assert "@updatedAt" in messages[1]


def test_invalid_referential_action_and_unknown_fields() -> None:
    messages = _messages(
        """
model A {
  id Int @id
  bs B[]
}
model B {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId, nope], references: [id], onDelete: Explode)
}
"""
    )
    assert messages == [
        "Error validating: The argument fields must refer only to existing fields. The following fields do "
        "not exist in this model: nope",
        'Error parsing attribute "@relation": Invalid referential action: `Explode`',
    ]


def test_referential_actions_allowed_per_provider_and_mode() -> None:
    body = """
model A {
  id Int @id
  bs B[]
}
model B {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId], references: [id], onDelete: Restrict)
}
"""
    assert _messages(body, "postgresql") == []
    assert _messages(body, "sqlserver") == [
        "Error validating: Invalid referential action: `Restrict`. Allowed values: (`Cascade`, `NoAction`, "
        "`SetNull`, `SetDefault`)"
    ]


def test_implicit_on_delete_depends_on_arity_and_connector() -> None:
    body = """
model A {
  id Int @id
  bs B[]
}
model B {
  id  Int  @id
  aId Int%s
  a   A%s  @relation(fields: [aId], references: [id])
}
"""
    _, ctx, _ = _analyze(body % ("", ""), "postgresql")
    assert on_delete(ctx, ctx.relation_fields[("B", "a")]) == "Restrict"
    _, ctx, _ = _analyze(body % ("", ""), "sqlserver")
    assert on_delete(ctx, ctx.relation_fields[("B", "a")]) == "NoAction"
    _, ctx, _ = _analyze(body % ("?", "?"), "postgresql")
    assert on_delete(ctx, ctx.relation_fields[("B", "a")]) == "SetNull"


def test_sqlserver_cycle_reports_its_path() -> None:
    messages = _messages(
        """
model A {
  id  Int @id
  bId Int
  b   B   @relation("ab", fields: [bId], references: [id], onDelete: Cascade)
  bs  B[] @relation("ba")
}
model B {
  id  Int @id
  aId Int
  a   A   @relation("ba", fields: [aId], references: [id], onDelete: Cascade)
  as  A[] @relation("ab")
}
""",
        "sqlserver",
    )
    assert messages[0].startswith(
        "Error validating: Reference causes a cycle. One of the @relation attributes in this cycle must have "
        "`onDelete` and `onUpdate` referential actions set to `NoAction`. Cycle path: A.b → B.a. "
        "(Implicit default `onUpdate`: `Cascade`)"
    )


def test_ambiguous_relations_stop_validation() -> None:
    messages = _messages(
        """
model A {
  id  Int @id
  b1  B   @relation(fields: [b1Id], references: [id])
  b1Id Int
  b2  B   @relation(fields: [b2Id], references: [id])
  b2Id Int
}
model B {
  id Int @id
  as A[]
}
"""
    )
    assert messages == [
        'Error validating model "A": Ambiguous relation detected. The fields `b1` and `b2` in model `A` both '
        "refer to `B`. Please provide different relation names for them by adding `@relation(<name>)."
    ]


def test_mongodb_two_way_embedded_many_to_many() -> None:
    _, ctx, diags = _analyze(
        """
model Post {
  id     String   @id @default(auto()) @map("_id") @db.ObjectId
  tagIds String[] @db.ObjectId
  tags   Tag[]    @relation(fields: [tagIds], references: [id])
}
model Tag {
  id      String   @id @default(auto()) @map("_id") @db.ObjectId
  postIds String[] @db.ObjectId
  posts   Post[]   @relation(fields: [postIds], references: [id])
}
""",
        "mongodb",
    )
    assert not diags.errors and not diags.warnings
    [rel] = ctx.relations
    assert (rel.kind, rel.embedded, rel.model_a, rel.model_b, rel.relation_name) == (
        "many_to_many",
        True,
        "Post",
        "Tag",
        "PostToTag",
    )


def test_embedded_many_to_many_is_rejected_on_sql() -> None:
    messages = _messages(
        """
model Post {
  id     Int   @id
  tagIds Int[]
  tags   Tag[] @relation(fields: [tagIds], references: [id])
}
model Tag {
  id    Int    @id
  posts Post[]
}
"""
    )
    assert messages == [
        "Error validating: Embedded many-to-many relations are not supported on Postgres. Please use the syntax "
        "defined in https://pris.ly/d/relational-database-many-to-many"
    ] * 2


def test_relation_attribute_errors_follow_parse_errors() -> None:
    source = (
        "model User {\n  id Int @id\n  posts Post[]\n}\n??\n"
        "model Post {\n  id Int @id\n  user User @relation(fields: [nope], references: [id])\n}\n"
    )
    assert [d.message for d in psl.validate(source)] == [
        "Error validating: This line is invalid. It does not start with any known Prisma schema keyword.",
        "Error validating: The argument fields must refer only to existing fields. The following fields do not "
        "exist in this model: nope",
    ]


def test_relation_field_named_like_a_client_name() -> None:
    messages = _messages(
        """
model A {
  id Int
  b  B   @relation(fields: [id], references: [id])

  @@id([id], name: "b")
}
model B {
  id Int @id
  as A[]
}
"""
    )
    assert messages == [
        'Error validating model "A": The custom name `b` specified for the `@@id` attribute is already used as a '
        "name for a field. Please choose a different name."
    ]
