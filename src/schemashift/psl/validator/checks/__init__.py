"""The ``checks`` pass: psl-core's ``validation_pipeline/validations.rs``, in Prisma's order.

It first reports the configuration diagnostics (loaded by the ``names`` pass), then runs only
when no error was reported so far, as Prisma returns early then. Each sub-module is owned by one
helper; a step whose module or function does not exist yet is skipped, so the pipeline always
follows Prisma's order:

1. composite types: cycles, connector support, then (only without errors so far) the field count,
   defaults and native types of each composite type field;
2. unknown default functions (connector-wide);
3. datasource: ``schemas`` without preview feature / connector support, connector datasource rules;
4. models and views: database name clashes, then per model the view preview flag, the unique
   criteria, primary keys, fulltext, ``@@schema``, connector rules, autoincrement, key fields,
   scalar fields, relation fields (an ambiguous relation stops everything), indexes;
5. enums: database name clashes, connector support, ``@@schema``, connector rules;
6. relations;
7. (not Prisma's) table, column and enum names longer than the database holds.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from schemashift.psl import ast
from schemashift.psl.validator.context import Context, ModelInfo

_PACKAGE = "schemashift.psl.validator.checks"


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{_PACKAGE}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{_PACKAGE}.{name}":
            return None
        raise


@functools.cache
def _step(module: str, function: str) -> Callable[..., Any] | None:
    mod = _module(module)
    return getattr(mod, function, None) if mod is not None else None


def _skip(*_args: Any) -> None:
    return None


def _call(module: str, function: str, *args: Any) -> Any:
    fn = _step(module, function)
    return fn(*args) if fn is not None else None


class _Steps:
    """Every step function, resolved once (a missing one is a no-op): the per-model and
    per-field loops below run tens of thousands of steps on a large schema."""

    def __init__(self) -> None:
        def get(module: str, function: str) -> Callable[..., Any]:
            return _step(module, function) or _skip

        self.composite_default_value = get("defaults", "composite_default_value")
        self.validate_native_type_arguments = get("fields", "validate_native_type_arguments")
        self.view_definition_without_preview_flag = get("views", "view_definition_without_preview_flag")
        self.view_keys_and_indexes = get("views", "view_keys_and_indexes")
        self.has_a_strict_unique_criteria = get("models", "has_a_strict_unique_criteria")
        self.primary_key_model_checks = get("primary_keys", "model_checks")
        self.only_one_fulltext_attribute_allowed = get("indexes", "only_one_fulltext_attribute_allowed")
        self.indexes_connector_specific = get("indexes", "connector_specific")
        self.schema_checks = get("models", "schema_checks")
        self.validate_auto_increment = get("defaults", "validate_auto_increment")
        self.key_field_checks = get("primary_keys", "key_field_checks")
        self.validate_scalar_field_connector_specific = get("fields", "validate_scalar_field_connector_specific")
        self.validate_client_name = get("fields", "validate_client_name")
        self.unique_default_constraint_name = get("defaults", "unique_default_constraint_name")
        self.validate_default_value = get("defaults", "validate_default_value")
        self.validate_unsupported_field_type = get("fields", "validate_unsupported_field_type")
        self.check_model_relation_fields = get("relations", "check_model_relation_fields")
        self.index_checks = _step("indexes", "index_checks")


@functools.cache
def _steps() -> _Steps:
    return _Steps()


def run(ctx: Context) -> None:
    if ctx.config is not None:  # configuration diagnostics come after parser-database's
        ctx.diags.errors.extend(ctx.config.diags.errors)
        ctx.diags.warnings.extend(ctx.config.diags.warnings)
    if ctx.diags.has_errors():
        return
    steps = _steps()
    names = _call("constraint_names", "build", ctx)

    # 1. composite types
    _call("composite_types", "detect_composite_cycles", ctx)
    for ct in ctx.ast.composite_types():
        if ctx.composite_types.get(ct.name.name) is not ct:
            continue
        _call("composite_types", "composite_types_support", ctx, ct)
        if not ctx.diags.has_errors():
            _call("composite_types", "more_than_one_field", ctx, ct)
            for info in _composite_field_infos(ctx, ct.name.name):
                steps.composite_default_value(ctx, ct, info)
                steps.validate_native_type_arguments(ctx, info)

    # 2. connector-wide default function check
    _call("defaults", "unknown_default_functions", ctx)

    # 3. datasource
    _call("datasource", "run", ctx)

    # 4. models and views
    _call("models", "database_name_clashes", ctx)
    for model in _models_then_views(ctx):
        if not _model_checks(ctx, model, names, steps):
            return

    # 5. enums
    _call("enums", "run", ctx)

    # 6. relations (with the constraint names built above, when there are any)
    if names is not None:
        _call("relations", "check_relations", ctx, names)
    else:
        _call("relations", "check_relations", ctx)

    # 7. schemashift's own: names the database cannot hold (too long)
    _call("identifier_lengths", "run", ctx)


def _model_checks(ctx: Context, model: ModelInfo, names: Any, steps: _Steps) -> bool:
    if model.is_view:
        steps.view_definition_without_preview_flag(ctx, model)
        steps.view_keys_and_indexes(ctx, model)
    steps.has_a_strict_unique_criteria(ctx, model)
    if names is not None:
        steps.primary_key_model_checks(ctx, model, names)
    steps.only_one_fulltext_attribute_allowed(ctx, model)
    steps.indexes_connector_specific(ctx, model)
    steps.schema_checks(ctx, model)
    steps.validate_auto_increment(ctx, model)
    steps.key_field_checks(ctx, model)

    connector_specific = steps.validate_scalar_field_connector_specific
    client_name = steps.validate_client_name
    default_constraint_name = steps.unique_default_constraint_name
    native_type_arguments = steps.validate_native_type_arguments
    default_value = steps.validate_default_value
    unsupported_field_type = steps.validate_unsupported_field_type
    # the guards below are the steps' own first checks, hoisted out of tens of thousands of calls
    pk = model.primary_key
    client_names = {i.name for i in model.indexes if i.name is not None}
    if pk is not None and pk.name is not None:
        client_names.add(pk.name)
    check_default_names = names is not None and "default" in names.kinds
    for info in model.scalar_fields():
        field = info.node
        if field.arity is ast.FieldArity.LIST or (info.kind == "scalar" and info.target in ("Json", "Decimal")):
            connector_specific(ctx, model, info)
        if client_names and field.name.name in client_names:
            client_name(ctx, model, info)
        if check_default_names and info.default is not None:
            default_constraint_name(ctx, model, info, names)
        if info.native_type is not None:
            native_type_arguments(ctx, info)
        if info.default is not None:
            default_value(ctx, model, info)
        if info.kind == "unsupported":
            unsupported_field_type(ctx, model, info)

    if steps.check_model_relation_fields(ctx, model) is False:
        return False

    index_checks = steps.index_checks
    if index_checks is not None and names is not None:
        for index in model.indexes:
            index_checks(ctx, model, index, names)
    return True


def _models_then_views(ctx: Context) -> list[ModelInfo]:
    infos = [m for m in ctx.models.values()]
    return [m for m in infos if not m.is_view] + [m for m in infos if m.is_view]


def _composite_field_infos(ctx: Context, name: str) -> list[Any]:
    return list(ctx.composite_fields.get(name, {}).values())
