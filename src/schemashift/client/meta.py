"""What the generated client knows about the schema: models, fields, relations, database names.

The generator writes these values into the generated package (``_meta.py``); the runtime reads
them to build SQL. Names: ``name`` is the PSL name (what the API uses), ``column``/``table`` the
database name from the lowering (``@map``/``@@map`` applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["FieldMeta", "RelationMeta", "ModelMeta", "EnumMeta", "SchemaMeta"]

#: Client-side default kinds (``FieldMeta.default``); "db" means the database has a default.
CLIENT_DEFAULTS = ("cuid", "cuid2", "uuid", "uuid7", "nanoid", "ulid", "now")


@dataclass(frozen=True, slots=True)
class FieldMeta:
    name: str
    column: str
    type: str  # Prisma scalar name, or the enum's name for kind "enum"
    kind: str = "scalar"  # "scalar" | "enum"
    optional: bool = False
    is_list: bool = False  # scalar lists (PostgreSQL arrays)
    default: str | None = None  # one of CLIENT_DEFAULTS, "db", "autoincrement", or None
    default_arg: int | None = None  # nanoid(n)
    updated_at: bool = False
    native: str | None = None  # the column's native type name (e.g. "Uuid")
    sql_type: str | None = None  # PostgreSQL: the column's SQL type (bulk inserts cast arrays to it)
    #: a literal ``@default(...)`` as written (str/int/float/bool, a list of them; an enum value's
    #: name; Json's text; Bytes' base64): the client fills it in on create, as Prisma's engine does
    default_value: Any = None


@dataclass(frozen=True, slots=True)
class RelationMeta:
    """``rows of target where target.remote == self.local`` (inline relations); many-to-many
    relations go through ``join_table``: ``join_local`` holds this model's id, ``join_remote``
    the target's."""

    name: str
    target: str
    is_list: bool
    optional: bool = False
    local: tuple[str, ...] = ()  # field names on this model
    remote: tuple[str, ...] = ()  # field names on the target model
    join_table: str | None = None
    join_local: str = ""
    join_remote: str = ""
    holds_foreign_key: bool = False  # this side has `fields:` (its `local` fields are the foreign key)


@dataclass(frozen=True, slots=True)
class ModelMeta:
    name: str
    table: str
    fields: tuple[FieldMeta, ...]
    primary_key: tuple[str, ...]
    relations: tuple[RelationMeta, ...] = ()
    uniques: tuple[tuple[str, ...], ...] = ()
    schema: str | None = None  # PostgreSQL namespace (multi-schema)
    #: compound unique criteria by their client name: ``@@unique([a, b], name: "ab")`` -> ("ab", ("a", "b"));
    #: unnamed ones are ``a_b``
    compound_names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    doc: str | None = None  # the model's /// documentation
    by_name: dict[str, FieldMeta] = field(default_factory=dict, compare=False)
    relation_by_name: dict[str, RelationMeta] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})
        self.relation_by_name.update({r.name: r for r in self.relations})


@dataclass(frozen=True, slots=True)
class EnumMeta:
    name: str
    values: dict[str, str]  # value name -> database value


@dataclass(frozen=True, slots=True)
class SchemaMeta:
    provider: str  # postgresql | mysql | sqlite
    models: dict[str, ModelMeta]
    enums: dict[str, EnumMeta]
    url_env: str | None = None  # the datasource's env("...") variable
    url: str | None = None  # a literal datasource url
    schema_dir: str = "."  # the schema folder, relative to the generated package (for file: URLs)
