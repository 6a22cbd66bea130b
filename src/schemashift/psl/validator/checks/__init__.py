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
6. relations.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

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


def _call(module: str, function: str, *args: Any) -> Any:
    fn = _step(module, function)
    return fn(*args) if fn is not None else None


def run(ctx: Context) -> None:
    if ctx.config is not None:  # configuration diagnostics come after parser-database's
        ctx.diags.errors.extend(ctx.config.diags.errors)
        ctx.diags.warnings.extend(ctx.config.diags.warnings)
    if ctx.diags.has_errors():
        return
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
                _call("defaults", "composite_default_value", ctx, ct, info)
                _call("fields", "validate_native_type_arguments", ctx, info)

    # 2. connector-wide default function check
    _call("defaults", "unknown_default_functions", ctx)

    # 3. datasource
    _call("datasource", "run", ctx)

    # 4. models and views
    _call("models", "database_name_clashes", ctx)
    for model in _models_then_views(ctx):
        if not _model_checks(ctx, model, names):
            return

    # 5. enums
    _call("enums", "run", ctx)

    # 6. relations
    _call("relations", "check_relations", ctx)


def _model_checks(ctx: Context, model: ModelInfo, names: Any) -> bool:
    if model.is_view:
        _call("views", "view_definition_without_preview_flag", ctx, model)
        _call("views", "view_keys_and_indexes", ctx, model)
    _call("models", "has_a_strict_unique_criteria", ctx, model)
    if names is not None:
        _call("primary_keys", "model_checks", ctx, model, names)
    _call("indexes", "only_one_fulltext_attribute_allowed", ctx, model)
    _call("indexes", "connector_specific", ctx, model)
    _call("models", "schema_checks", ctx, model)
    _call("defaults", "validate_auto_increment", ctx, model)
    _call("primary_keys", "key_field_checks", ctx, model)

    for field in model.node.fields:
        info = model.fields.get(field.name.name)
        if info is None or info.node is not field or info.kind in ("model", "unknown"):
            continue
        _call("fields", "validate_scalar_field_connector_specific", ctx, model, info)
        _call("fields", "validate_client_name", ctx, model, info)
        if names is not None:
            _call("defaults", "unique_default_constraint_name", ctx, model, info, names)
        _call("fields", "validate_native_type_arguments", ctx, info)
        _call("defaults", "validate_default_value", ctx, model, info)
        _call("fields", "validate_unsupported_field_type", ctx, model, info)

    if _call("relations", "check_model_relation_fields", ctx, model) is False:
        return False

    index_checks = _step("indexes", "index_checks")
    if index_checks is not None and names is not None:
        for index in model.indexes:
            index_checks(ctx, model, index, names)
    return True


def _models_then_views(ctx: Context) -> list[ModelInfo]:
    infos = [m for m in ctx.models.values()]
    return [m for m in infos if not m.is_view] + [m for m in infos if m.is_view]


def _composite_field_infos(ctx: Context, name: str) -> list[Any]:
    return list(ctx.composite_fields.get(name, {}).values())
