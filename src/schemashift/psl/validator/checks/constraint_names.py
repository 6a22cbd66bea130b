"""Constraint names of the schema's models and the per-connector name clash namespaces.

Mirrors psl-core's ``walker_ext_traits.rs`` (``constraint_name`` of indexes, primary keys, defaults
and foreign keys) and ``validations/{constraint_namespace,names,database_name}.rs``; the generated names
themselves (``constraint_names.rs``) come from :mod:`schemashift.psl.constraint_names`.

:func:`build` computes the namespaces once per run; the index, primary key and default checks
ask :meth:`Namespaces.violations` for the scopes where a name is taken more than once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from schemashift.psl import ast
from schemashift.psl import constraint_names as generated_names
from schemashift.psl.validator.context import Context, FieldInfo, IndexInfo, ModelInfo
from schemashift.psl.validator.indexes import connector_for

# ------------------------------------------------------------------ generated names


def model_db_name(model: ModelInfo) -> str:
    return model.db_name or model.name


def field_db_name(info: FieldInfo) -> str:
    return info.db_name or info.node.name.name


def _index_column_names(ctx: Context, model: ModelInfo, index: IndexInfo) -> list[str]:
    out = []
    for path in index.fields:
        if "." not in path:  # the common case: a field of the model itself
            info = model.fields.get(path)
            out.append(field_db_name(info) if info is not None else path)
            continue
        parts = path.split(".")
        root = model.fields.get(parts[0])
        names = [field_db_name(root) if root is not None else parts[0]]
        target = root.target if root is not None else None
        for part in parts[1:]:
            info = ctx.composite_fields.get(target or "", {}).get(part)
            names.append(field_db_name(info) if info is not None else part)
            target = info.target if info is not None else None
        out.append(".".join(names))
    return out


def index_constraint_name(ctx: Context, model: ModelInfo, index: IndexInfo) -> str:
    if index.map is not None:
        return index.map
    generated = generated_names.unique_name if index.kind == "unique" else generated_names.index_name
    limit = connector_for(ctx.provider).max_identifier_length
    return generated(model_db_name(model), _index_column_names(ctx, model, index), limit)


def primary_key_constraint_name(ctx: Context, model: ModelInfo) -> str | None:
    """None when the connector has no named primary keys (or there is no primary key)."""
    connector = connector_for(ctx.provider)
    if model.primary_key is None or not connector.has("NamedPrimaryKeys"):
        return None
    if model.primary_key.map is not None:
        return model.primary_key.map
    return generated_names.primary_key_name(model_db_name(model), connector.max_identifier_length)


def default_constraint_name(ctx: Context, model: ModelInfo, info: FieldInfo) -> str:
    if info.default_map is not None:
        return info.default_map
    limit = connector_for(ctx.provider).max_identifier_length
    return generated_names.default_name(model_db_name(model), field_db_name(info), limit)


def foreign_key_constraint_name(ctx: Context, model: ModelInfo, fields: list[str], mapped: str | None) -> str:
    if mapped is not None:
        return mapped
    columns = [field_db_name(model.fields[f]) if f in model.fields else f for f in fields]
    limit = connector_for(ctx.provider).max_identifier_length
    return generated_names.foreign_key_name(model_db_name(model), columns, limit)


# ------------------------------------------------------------------ namespaces

_SCOPES_OF = {
    "index": ("GlobalKeyIndex", "GlobalPrimaryKeyKeyIndex", "ModelKeyIndex", "ModelPrimaryKeyKeyIndex"),
    "relation": ("GlobalForeignKey", "GlobalPrimaryKeyForeignKeyDefault", "ModelPrimaryKeyKeyIndexForeignKey"),
    "default": ("GlobalPrimaryKeyForeignKeyDefault",),
    "primary_key": (
        "GlobalPrimaryKeyForeignKeyDefault",
        "GlobalPrimaryKeyKeyIndex",
        "ModelPrimaryKeyKeyIndex",
        "ModelPrimaryKeyKeyIndexForeignKey",
    ),
}


def scope_description(scope: str, model_name: str) -> str:
    return {
        "GlobalKeyIndex": "global for indexes and unique constraints",
        "GlobalForeignKey": "global for foreign keys",
        "GlobalPrimaryKeyKeyIndex": "global for primary key, indexes and unique constraints",
        "GlobalPrimaryKeyForeignKeyDefault": "global for primary keys, foreign keys and default constraints",
        "ModelKeyIndex": f"on model `{model_name}` for indexes and unique constraints",
        "ModelPrimaryKeyKeyIndex": f"on model `{model_name}` for primary key, indexes and unique constraints",
        "ModelPrimaryKeyKeyIndexForeignKey": (
            f"on model `{model_name}` for primary key, indexes, unique constraints and foreign keys"
        ),
    }[scope]


@dataclass
class Namespaces:
    """Occurrence counts of constraint names per scope (``ConstraintNamespace``)."""

    global_names: Counter[tuple[str, str | None, str]] = field(default_factory=Counter)
    local_names: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    custom_names: Counter[tuple[str, str]] = field(default_factory=Counter)

    # the kinds of names (keys of ``_SCOPES_OF``) that share a scope of the connector: a name
    # of another kind never clashes (``build`` narrows it)
    kinds: frozenset[str] = frozenset(_SCOPES_OF)
    # generated names computed by ``build``, asked again by the checks: index constraint names by
    # ``id()`` of their IndexInfo (which the Context keeps alive), primary key names by model
    index_names: dict[int, str] = field(default_factory=dict)
    primary_key_names: dict[str, str | None] = field(default_factory=dict)
    foreign_key_names: dict[int, str] = field(default_factory=dict)  # by ``id()`` of the RelationInfo

    # names counted more than once in some scope (computed on first use, after ``build``)
    _clashing: set[str] | None = field(default=None, repr=False, compare=False)

    def index_name(self, ctx: Context, model: ModelInfo, index: IndexInfo) -> str:
        name = self.index_names.get(id(index))
        if name is None:
            name = self.index_names[id(index)] = index_constraint_name(ctx, model, index)
        return name

    def primary_key_name(self, ctx: Context, model: ModelInfo) -> str | None:
        if model.name not in self.primary_key_names:
            self.primary_key_names[model.name] = primary_key_constraint_name(ctx, model)
        return self.primary_key_names[model.name]

    def violations(self, ctx: Context, model: ModelInfo, kind: str, name: str) -> list[str]:
        """Scopes (global first, then local to ``model``) where ``name`` of ``kind`` clashes."""
        clashing = self._clashing
        if clashing is None:
            counters = (self.global_names, self.local_names)
            clashing = self._clashing = {key[2] for c in counters for key, n in c.items() if n > 1}
        if name not in clashing:  # the common case: no clash anywhere
            return []
        schema = model.schema
        out = [s for s in _SCOPES_OF[kind] if self.global_names[(s, schema, name)] > 1]
        out += [s for s in _SCOPES_OF[kind] if self.local_names[(model.name, s, name)] > 1]
        return out

    def custom_name_clashes(self, model: ModelInfo, name: str) -> bool:
        return self.custom_names[(model.name, name)] > 1


def _foreign_keys(ctx: Context, ns: Namespaces) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Foreign key names by model, for global and for model-local scopes (see the relations module)."""
    from schemashift.psl.validator.checks.relations import foreign_key_names

    return foreign_key_names(ctx, ns.foreign_key_names)


def _defaults(ctx: Context, model: ModelInfo) -> list[str]:
    return [
        default_constraint_name(ctx, model, info)
        for info in model.fields.values()
        if info.default is not None and info.kind not in ("model", "unknown")
    ]


def build(ctx: Context) -> Namespaces:
    connector = connector_for(ctx.provider)
    ns = Namespaces(kinds=frozenset(k for k, scopes in _SCOPES_OF.items() if set(scopes) & set(connector.scopes)))
    models = list(ctx.models.values())

    # (``counts[key] = counts.get(key, 0) + 1``: ``+= 1`` on a Counter calls its Python-level
    # ``__missing__`` for every new key)
    def add_global(scope: str, names_of: Callable[[ModelInfo], list[str]]) -> None:
        counts = ns.global_names
        for m in models:
            for name in names_of(m):
                key = (scope, m.schema, name)
                counts[key] = counts.get(key, 0) + 1

    def add_local(scope: str, names_of: Callable[[ModelInfo], list[str]]) -> None:
        counts = ns.local_names
        for m in models:
            for name in names_of(m):
                key = (m.name, scope, name)
                counts[key] = counts.get(key, 0) + 1

    # several scopes count the same names: each is computed once (and kept for the checks)
    index_lists: dict[str, list[str]] = {}

    def indexes(m: ModelInfo) -> list[str]:
        names = index_lists.get(m.name)
        if names is None:
            names = index_lists[m.name] = [ns.index_name(ctx, m, i) for i in m.indexes]
        return names

    def pks(m: ModelInfo) -> list[str]:
        name = ns.primary_key_name(ctx, m)
        return [name] if name is not None else []

    global_fks, local_fks = _foreign_keys(ctx, ns)

    for scope in connector.scopes:
        if scope == "GlobalKeyIndex":
            add_global(scope, indexes)
        elif scope == "GlobalForeignKey":
            add_global(scope, lambda m: global_fks.get(m.name, []))
        elif scope == "GlobalPrimaryKeyKeyIndex":
            add_global(scope, pks)
            add_global(scope, indexes)
        elif scope == "GlobalPrimaryKeyForeignKeyDefault":
            add_global(scope, pks)
            add_global(scope, lambda m: global_fks.get(m.name, []))
            add_global(scope, lambda m: _defaults(ctx, m))
        elif scope == "ModelKeyIndex":
            add_local(scope, indexes)
        elif scope == "ModelPrimaryKeyKeyIndex":
            add_local(scope, pks)
            add_local(scope, indexes)
        elif scope == "ModelPrimaryKeyKeyIndexForeignKey":
            add_local(scope, pks)
            add_local(scope, indexes)
            add_local(scope, lambda m: local_fks.get(m.name, []))

    for m in models:
        if m.primary_key is not None and m.primary_key.name is not None:
            ns.custom_names[(m.name, m.primary_key.name)] += 1
        for i in m.indexes:
            if i.name is not None:
                ns.custom_names[(m.name, i.name)] += 1
    return ns


# ------------------------------------------------------------------ shared error helpers


def clash_message(name: str, scope: str, model: ModelInfo) -> str:
    return (
        f"The given constraint name `{name}` has to be unique in the following namespace: "
        f"{scope_description(scope, model.name)}. Please provide a different name using the `map` argument."
    )


def validate_db_name(ctx: Context, model: ModelInfo, attribute: ast.Attribute, name: str | None, double_at: bool) -> None:
    """``database_name::validate_db_name``: a ``map:`` longer than the identifier limit."""
    if name is None:
        return
    limit = connector_for(ctx.provider).max_identifier_length
    if not generated_names.is_too_long(name, limit):
        return
    ats = "@@" if double_at else "@"
    ctx.error(
        f'Error validating model "{model.name}": The constraint name \'{name}\' specified in the `map` argument '
        f"for the `{ats}{attribute.name.name}` constraint is too long for your chosen provider. The maximum allowed "
        f"length is {limit} bytes.",
        attribute.span,
    )
