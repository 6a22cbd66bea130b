"""Shared state of one validation run (prisma-engines' ``ParserDatabase`` in spirit).

Passes run in a fixed order (see ``__init__``). Each pass reads what earlier passes resolved
and fills in its own part; no pass re-parses attributes another pass owns.

Ownership:
- ``names`` pass (config + names + types): provider, datasource, preview_features,
  relation_mode, schemas, extensions, ``config`` (loaded blocks and their diagnostics, reported
  by the ``checks`` pass), models, enums, composite_types, views, field type resolution
  (``FieldInfo.kind``/``target``), the ``kind``/``target`` of ``composite_fields``.
- ``relation_fields`` pass (before ``attributes``, as Prisma visits relation field attributes
  first): ``relation_fields`` (parsed ``@relation``: fields, references, name, actions, map) and
  the ``is_ignored`` of relation fields; ``model_relation_fields`` (the same, by model).
- ``attributes`` pass: ``ModelInfo.primary_key``, ``unique_criterias``, ``indexes``,
  ``db_name``, ``schema``, ``shard_key``, ``FieldInfo.db_name``, ``FieldInfo.default`` (+
  ``default_value``/``default_map``), ``FieldInfo.native_type``, ignores, ``is_updated_at``,
  ``enum_infos``, ``composite_fields``.
- ``relations`` pass: ``relations`` (relation fields paired into relations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from schemashift.diagnostics import Diagnostics, Span
from schemashift.psl import ast

_ast = ast  # the Context's field named `ast` shadows the module inside the class body

if TYPE_CHECKING:
    from schemashift.psl.validator.config import Configuration

FieldKind = Literal["scalar", "enum", "model", "composite", "unsupported", "unknown"]


@dataclass(slots=True)
class FieldInfo:
    node: ast.Field
    kind: FieldKind = "unknown"
    target: str | None = None  # scalar name, enum/model/composite name
    db_name: str | None = None  # @map value
    default: ast.Attribute | None = None
    native_type: ast.Attribute | None = None  # the @db.X attribute
    is_ignored: bool = False
    is_updated_at: bool = False
    # attributes pass: the accepted @default value expression and its `map:` name
    default_value: ast.Expression | None = None
    default_map: str | None = None


@dataclass(slots=True)
class IndexFieldInfo:
    """One entry of an index / id field list, with its per-field arguments (attributes pass)."""

    path: list[str]  # field names from the model down through composite types (len 1 = plain field)
    sort: Literal["Asc", "Desc"] | None = None
    length: int | None = None
    ops: str | None = None  # operator class: a known class name (``JsonbPathOps``) or raw SQL text
    ops_raw: bool = False  # True when written as ``ops: raw("...")``


@dataclass(slots=True)
class IndexInfo:
    kind: Literal["unique", "index", "fulltext"]
    fields: list[str]  # field names (for composite-type paths: "a.b")
    name: str | None  # `name:` argument (client name, unique only)
    map: str | None  # `map:` argument (database name)
    attribute: ast.Attribute
    from_field: bool = False  # @unique on a field rather than @@unique
    args: dict[str, object] = field(default_factory=dict)  # sort/length/ops/type/clustered...
    # attributes pass: per-field arguments (same order as ``fields``), `type:` and `clustered:`
    field_args: list[IndexFieldInfo] = field(default_factory=list)
    algorithm: str | None = None  # BTree, Hash, Gist, Gin, SpGist, Brin (None = not given)
    clustered: bool | None = None


@dataclass(slots=True)
class PrimaryKeyInfo:
    fields: list[str]
    name: str | None
    map: str | None
    attribute: ast.Attribute
    from_field: bool
    field_args: list[IndexFieldInfo] = field(default_factory=list)  # attributes pass
    clustered: bool | None = None


@dataclass(slots=True)
class ShardKeyInfo:
    """``@shardKey`` / ``@@shardKey([...])`` (attributes pass)."""

    fields: list[str]
    attribute: ast.Attribute
    from_field: bool


@dataclass(slots=True)
class EnumInfo:
    """Resolved enum attributes (attributes pass): ``@@map``, ``@@schema``, value ``@map``s."""

    db_name: str | None = None
    schema: str | None = None
    schema_span: Span | None = None
    value_db_names: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ModelInfo:
    node: ast.Model
    fields: dict[str, FieldInfo] = field(default_factory=dict)  # first definition wins
    db_name: str | None = None  # @@map value
    schema: str | None = None  # @@schema value
    primary_key: PrimaryKeyInfo | None = None
    indexes: list[IndexInfo] = field(default_factory=list)  # unique, index, fulltext in source order
    is_ignored: bool = False
    schema_span: Span | None = None  # span of the @@schema argument (attributes pass)
    shard_key: ShardKeyInfo | None = None  # attributes pass
    name: str = field(init=False, compare=False)  # ``node.name.name``, read very often
    # checks pass: ``scalar_fields()``, once the field kinds are final
    _scalar_fields: list[FieldInfo] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = self.node.name.name

    def scalar_fields(self) -> list[FieldInfo]:
        """The fields of ``fields`` that are neither relations nor of an unknown type, in source
        order (computed on first use: call it only after the names pass resolved the kinds)."""
        if self._scalar_fields is None:
            self._scalar_fields = [f for f in self.fields.values() if f.kind not in ("model", "unknown")]
        return self._scalar_fields

    @property
    def is_view(self) -> bool:
        return self.node.is_view

    def unique_criterias(self) -> list[list[str]]:
        out: list[list[str]] = []
        if self.primary_key is not None:
            out.append(self.primary_key.fields)
        out.extend(i.fields for i in self.indexes if i.kind == "unique")
        return out


@dataclass(slots=True)
class RelationFieldInfo:
    """A model field whose type is a model, with its parsed ``@relation`` (relations pass).

    ``fields``/``references`` are None when the argument is absent, and an empty list when it
    was given but could not be resolved (an error was reported)."""

    model: str
    field: str
    node: ast.Field
    referenced_model: str
    attribute: ast.Attribute | None = None  # the @relation attribute
    name: str | None = None  # explicit relation name
    fields: list[str] | None = None
    references: list[str] | None = None
    on_delete: str | None = None  # explicit referential action (Cascade, Restrict, ...)
    on_delete_span: Span | None = None  # span of the action value
    on_update: str | None = None
    on_update_span: Span | None = None
    map: str | None = None  # foreign key constraint name
    is_ignored: bool = False


@dataclass(slots=True)
class RelationInfo:
    """A relation between two models; ``b`` is None for a one-sided (invalid or ignored) relation.

    ``model_a``/``field_a`` and ``model_b``/``field_b`` follow prisma-engines: for 1:1 and 1:n,
    side A holds the foreign key (``fields:``), side B is referenced; ``field_a`` is None for a
    1:n defined only by its list side. For many-to-many, A and B are ordered by model name
    (then field name for self relations); ``embedded`` marks MongoDB's two-way embedded form."""

    name: str | None
    a: tuple[str, str]  # (model, field) of the side that holds `fields:` (or the first side)
    b: tuple[str, str] | None
    kind: Literal["one_to_one", "one_to_many", "many_to_many", "unknown"] = "unknown"
    model_a: str = ""
    field_a: str | None = None
    model_b: str = ""
    field_b: str | None = None
    embedded: bool = False

    @property
    def relation_name(self) -> str:
        """The explicit name, else Prisma's generated one (``AToB``, model names sorted); an
        implicit many-to-many join table is ``_`` + this name, with columns ``A`` and ``B``."""
        if self.name is not None:
            return self.name
        first, second = sorted((self.model_a, self.model_b))
        return f"{first}To{second}"


@dataclass(slots=True)
class Context:
    ast: ast.SchemaAst
    diags: Diagnostics
    provider: str | None = None  # normalised: postgresql, mysql, sqlite, sqlserver, mongodb, cockroachdb
    datasource: _ast.SourceConfig | None = None
    preview_features: set[str] = field(default_factory=set)
    relation_mode: Literal["foreignKeys", "prisma"] = "foreignKeys"
    schemas: list[str] = field(default_factory=list)  # datasource `schemas = [...]`
    extensions: list[str] = field(default_factory=list)
    models: dict[str, ModelInfo] = field(default_factory=dict)  # models and views by name
    enums: dict[str, _ast.Enum] = field(default_factory=dict)
    composite_types: dict[str, _ast.CompositeType] = field(default_factory=dict)
    relations: list[RelationInfo] = field(default_factory=list)
    # relations pass: every relation field by (model, field), in source order
    relation_fields: dict[tuple[str, str], RelationFieldInfo] = field(default_factory=dict)
    # the same entries by model name, in field order (``relations.relation_fields_of``)
    model_relation_fields: dict[str, list[RelationFieldInfo]] = field(default_factory=dict)
    # attributes pass: enum attributes by enum name; composite type fields (type name -> field
    # name -> info, first definition wins) with kind/target/db_name/default/native_type
    enum_infos: dict[str, EnumInfo] = field(default_factory=dict)
    composite_fields: dict[str, dict[str, FieldInfo]] = field(default_factory=dict)
    # names pass: the loaded datasources and generators, with their diagnostics (reported by the
    # checks pass, where Prisma validates the configuration)
    config: "Configuration | None" = None

    def error(self, message: str, span: Span) -> None:
        self.diags.error(message, span)

    def warning(self, message: str, span: Span) -> None:
        self.diags.warning(message, span)
