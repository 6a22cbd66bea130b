"""Relation validations of psl-core (``relation_fields.rs``, ``relations.rs`` and its
``one_to_one``, ``one_to_many`` and ``many_to_many`` modules).

Two entry points, called by the checks pipeline in Prisma's order:

- ``check_model_relation_fields(ctx, model)`` inside the per-model loop; returns False after an
  ambiguous relation, upon which Prisma stops all further validation;
- ``check_relations(ctx)`` for the loop over all relations at the end.
"""

from __future__ import annotations

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.constraint_names import is_too_long
from schemashift.psl.validator.checks import constraint_names
from schemashift.psl.validator.checks.fields import validate_client_name
from schemashift.psl.validator.checks.cycles import as_complete, complete_relations, cycles, multiple_cascading_paths
from schemashift.psl.validator.checks.referential_actions import (
    argument_span,
    attribute_span,
    check_field_referential_actions,
    connector,
    mysql_set_default_warnings,
    relation_mode,
)
from schemashift.psl.validator.context import Context, FieldInfo, ModelInfo, RelationFieldInfo, RelationInfo
from schemashift.psl.validator.relations import relation_fields_of

_REL = 'Error parsing attribute "@relation": '
_FORMAT_HINT = "You can run `prisma format` to fix this automatically."
_MISSING_INDEX = (
    'With `relationMode = "prisma"`, no foreign keys are used, so relation fields will not benefit from '
    "the index usually created by the relational database under the hood. This can lead to poor "
    "performance when querying these fields. We recommend adding an index manually. Learn more at "
    'https://pris.ly/d/relation-mode-prisma-indexes" '
)


def _container(model: ModelInfo) -> str:
    return "view" if model.is_view else "model"


def _relation_name(rf: RelationFieldInfo) -> str:
    if rf.name is not None:
        return rf.name
    a, b = sorted((rf.model, rf.referenced_model))
    return f"{a}To{b}"


def _join_fields(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    if len(quoted) <= 2:
        return " and ".join(quoted) if len(quoted) == 2 else ", ".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


# ---------------------------------------------------------------- per relation field


def check_model_relation_fields(ctx: Context, model: ModelInfo) -> bool:
    fields = relation_fields_of(ctx, model.name)
    for rf in fields:
        mysql_set_default_warnings(ctx, rf)
    relation_names = [_relation_name(rf) for rf in fields]
    for rf, name in zip(fields, relation_names):
        if not _ambiguity(ctx, model, rf, name, fields, relation_names):
            return False
        validate_client_name(ctx, model, model.fields[rf.field])
        _ignored_related_model(ctx, rf)
        check_field_referential_actions(ctx, rf)
        _map(ctx, rf)
        _missing_relation_index(ctx, model, rf)
        if ctx.provider == "mongodb":
            _mongodb_same_native_type(ctx, rf)
    return True


def _ambiguity(
    ctx: Context,
    model: ModelInfo,
    rf: RelationFieldInfo,
    name: str,
    fields: list[RelationFieldInfo],
    relation_names: list[str],
) -> bool:
    """``name``: the relation name of ``rf``; ``relation_names``: those of ``fields``, in order."""
    same = [
        f.field
        for f, f_name in zip(fields, relation_names)
        if f.referenced_model == rf.referenced_model and f_name == name
    ]
    if len(same) <= 1:
        return True
    is_self = rf.model == rf.referenced_model
    listed = _join_fields(same)
    if rf.name is None and is_self and len(same) == 2:
        message = (
            f"Ambiguous self relation detected. The fields {listed} in model `{model.name}` both refer to "
            f"`{rf.referenced_model}`. If they are part of the same relation add the same relation name for "
            "them with `@relation(<name>)`."
        )
    elif rf.name is None and is_self:
        message = (
            f"Unnamed self relation detected. The fields {listed} in model `{model.name}` have no relation "
            "name. Please provide a relation name for one of them by adding `@relation(<name>)."
        )
    elif is_self and len(same) > 2:
        message = (
            f"Wrongly named self relation detected. The fields {listed} in model `{model.name}` have the "
            "same relation name. At most two relation fields can belong to the same relation and therefore "
            "have the same name. Please assign a different relation name to one of them."
        )
    elif is_self:
        return True
    elif rf.name is None:
        message = (
            f"Ambiguous relation detected. The fields {listed} in model `{model.name}` both refer to "
            f"`{rf.referenced_model}`. Please provide different relation names for them by adding "
            "`@relation(<name>)."
        )
    else:
        message = (
            f"Wrongly named relation detected. The fields {listed} in model `{model.name}` both use the "
            "same relation name. Please provide different relation names for them through `@relation(<name>)."
        )
    ctx.error(f'Error validating {_container(model)} "{model.name}": {message}', rf.node.span)
    return False


def _ignored_related_model(ctx: Context, rf: RelationFieldInfo) -> None:
    related = ctx.models[rf.referenced_model]
    if not related.is_ignored or rf.is_ignored or ctx.models[rf.model].is_ignored:
        return
    ctx.error(
        f'Error parsing attribute "@ignore": The relation field `{rf.field}` on Model `{rf.model}` must '
        f"specify the `@ignore` attribute, because the model {related.name} it is pointing to is marked "
        "ignored.",
        rf.node.span,
    )


def _map(ctx: Context, rf: RelationFieldInfo) -> None:
    if rf.map is None:
        return
    conn = connector(ctx)
    if not conn.named_foreign_keys:
        ctx.error(
            _REL + "Your provider does not support named foreign keys.",
            attribute_span(rf.node, "relation") or Span.empty(),
        )
        return
    if rf.attribute is not None and is_too_long(rf.map, conn.max_identifier_length):
        ctx.error(
            f'Error validating model "{rf.model}": The constraint name \'{rf.map}\' specified in the `map` '
            "argument for the `@relation` constraint is too long for your chosen provider. The maximum "
            f"allowed length is {conn.max_identifier_length} bytes.",
            rf.attribute.span,
        )


def _missing_relation_index(ctx: Context, model: ModelInfo, rf: RelationFieldInfo) -> None:
    if not connector(ctx).suggests_relation_indexes or relation_mode(ctx) != "prisma":
        return
    if rf.fields is None:
        return
    groups = [i.fields for i in model.indexes]
    if model.primary_key is not None:
        groups.append(model.primary_key.fields)
    if any(g[: len(rf.fields)] == rf.fields for g in groups):
        return
    ctx.warning(_MISSING_INDEX, attribute_span(rf.node, "relation") or rf.node.span)


def _native_type(info: FieldInfo) -> tuple[str, str] | None:
    if info.native_type is None:
        return None
    scope, _, name = info.native_type.name.name.partition(".")
    return scope, name


def _mongodb_same_native_type(ctx: Context, rf: RelationFieldInfo) -> None:
    if rf.fields is None or rf.references is None:
        return
    model, related = ctx.models[rf.model], ctx.models[rf.referenced_model]
    for a_name, b_name in zip(rf.fields, rf.references):
        a, b = _native_type(model.fields[a_name]), _native_type(related.fields[b_name])
        a_full, b_full = f"{rf.model}.{a_name}", f"{rf.referenced_model}.{b_name}"
        head = (
            f"Field {a_full} and {b_full} must have the same native type for MongoDB to join those "
            "collections correctly."
        )
        if a is not None and b is not None and a != b:
            hint = f"Consider updating those fields to either use '@{a[0]}.{a[1]}' or '@{b[0]}.{b[1]}'."
        elif a is None and b is not None:
            hint = f"Consider either removing {b_full}'s native type attribute or adding '@{b[0]}.{b[1]}' to {a_full}."
        elif a is not None and b is None:
            hint = f"Consider either removing {a_full}'s native type attribute or adding '@{a[0]}.{a[1]}' to {b_full}."
        else:
            continue
        ctx.warning(
            f"Warning validating field `{rf.field}` in model `{rf.model}`: {head} {hint} Beware that this "
            "will become an error in the future.",
            model.fields[a_name].node.span,
        )


# ---------------------------------------------------------------- per relation


def check_relations(ctx: Context, namespaces: constraint_names.Namespaces | None = None) -> None:
    """``namespaces``: the constraint names the pipeline built already (built here when None)."""
    graph = complete_relations(ctx)
    if namespaces is None:
        namespaces = constraint_names.build(ctx)
    for rel in ctx.relations:
        if rel.kind == "many_to_many":
            if rel.embedded:
                _embedded_many_to_many(ctx, rel)
            else:
                _implicit_many_to_many(ctx, rel)
            continue
        complete = as_complete(ctx, rel)
        if complete is not None:
            cycles(ctx, complete, graph)
            multiple_cascading_paths(ctx, complete, graph)
        forward = ctx.relation_fields[(rel.model_a, rel.field_a)] if rel.field_a else None
        back = ctx.relation_fields[(rel.model_b, rel.field_b)] if rel.field_b else None
        if forward is not None:
            _references_unique_fields(ctx, forward)
            _same_length(ctx, forward)
            _field_arity(ctx, forward)
            _referencing_scalar_field_types(ctx, forward)
        _unique_constraint_name(ctx, namespaces, rel, forward)
        if forward is not None:
            _required_relation_cannot_use_set_null(ctx, forward)
        if rel.kind == "one_to_one":
            _one_to_one(ctx, forward, back)
        else:
            _one_to_many(ctx, forward, back)


def _scalar(ctx: Context, model: str, name: str) -> FieldInfo:
    return ctx.models[model].fields[name]


def _references_unique_fields(ctx: Context, fwd: RelationFieldInfo) -> None:
    if not fwd.references:
        return
    criterias = ctx.models[fwd.referenced_model].unique_criterias()
    references = sorted(fwd.references)
    if any(sorted(c) == references for c in criterias):
        _referencing_fields_in_correct_order(ctx, fwd, criterias)
        return
    if len(fwd.references) == 1:
        hint = f"an `@unique` attribute to the field `{fwd.references[0]}` in the model `{fwd.referenced_model}`."
    else:
        hint = f"an `@@unique([{', '.join(fwd.references)}])` attribute to the model `{fwd.referenced_model}`."
    ctx.error(
        _REL + "The argument `references` must refer to a unique criterion in the related model. Consider "
        f"adding {hint}",
        fwd.node.span,
    )


def _referencing_fields_in_correct_order(ctx: Context, fwd: RelationFieldInfo, criterias: list[list[str]]) -> None:
    refs = fwd.references or []
    if len(refs) <= 1 or connector(ctx).arbitrary_order:
        return
    if any(c == refs for c in criterias):
        return
    ctx.error(
        "Error validating: The argument `references` must refer to a unique criterion in the related model "
        f"`{fwd.referenced_model}` using the same order of fields. Please check the ordering in the "
        f"following fields: `{', '.join(refs)}`.",
        fwd.node.span,
    )


def _same_length(ctx: Context, fwd: RelationFieldInfo) -> None:
    if fwd.fields is not None and fwd.references is not None and len(fwd.fields) != len(fwd.references):
        assert fwd.attribute is not None
        ctx.error(
            "Error validating: You must specify the same number of fields in `fields` and `references`.",
            fwd.attribute.span,
        )


def _field_arity(ctx: Context, fwd: RelationFieldInfo) -> None:
    if fwd.node.arity != ast.FieldArity.REQUIRED or fwd.fields is None:
        return
    if all(_scalar(ctx, fwd.model, f).node.arity != ast.FieldArity.OPTIONAL for f in fwd.fields):
        return
    ctx.error(
        f"Error validating: The relation field `{fwd.field}` uses the scalar fields {', '.join(fwd.fields)}. "
        "At least one of those fields is optional. Hence the relation field must be optional as well.",
        fwd.node.span,
    )


def _scalar_type(info: FieldInfo) -> tuple[str, str | None]:
    if isinstance(info.node.field_type, ast.UnsupportedFieldType):
        return ("unsupported", info.node.field_type.literal)
    return (info.kind, info.target)


def _strict_criteria(model: ModelInfo) -> list[str]:
    for criteria in model.unique_criterias():
        infos = [model.fields.get(f) for f in criteria]
        if all(
            i is not None and i.node.arity != ast.FieldArity.OPTIONAL and i.kind != "unsupported" for i in infos
        ):
            return criteria
    return []


def _referencing_scalar_field_types(ctx: Context, fwd: RelationFieldInfo) -> None:
    if fwd.fields is None:
        return
    related = ctx.models[fwd.referenced_model]
    references = fwd.references if fwd.references is not None else _strict_criteria(related)
    for a_name, b_name in zip(fwd.fields, references):
        a, b = _scalar(ctx, fwd.model, a_name), related.fields.get(b_name)
        if b is None or b.kind == "model" or _scalar_type(a) == _scalar_type(b):
            continue
        ctx.error(
            _REL + f"The type of the field `{a_name}` in the model `{fwd.model}` is not matching the type of "
            f"the referenced field `{b_name}` in model `{fwd.referenced_model}`.",
            fwd.node.span,
        )


def foreign_key_name(ctx: Context, rel: RelationInfo) -> str:
    """The constraint name of a 1:1 or 1:n relation (Prisma names even a relation without
    ``fields``, from the referencing model alone)."""
    forward = ctx.relation_fields[(rel.model_a, rel.field_a)] if rel.field_a else None
    return constraint_names.foreign_key_constraint_name(
        ctx,
        ctx.models[rel.model_a],
        forward.fields or [] if forward is not None else [],
        forward.map if forward is not None else None,
    )


def foreign_key_names(
    ctx: Context, by_relation: dict[int, str] | None = None
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Foreign key names of every 1:1/1:n relation for the constraint namespaces, grouped by
    referencing model (global scopes) and by the model of the field that defined the relation
    (model-local scopes: Prisma's ``relations_from``, which differs for list-side-only relations).
    ``by_relation`` receives each name by ``id()`` of its RelationInfo."""
    by_referencing: dict[str, list[str]] = {}
    by_defining: dict[str, list[str]] = {}
    for rel in ctx.relations:
        if rel.kind == "many_to_many":
            continue
        name = foreign_key_name(ctx, rel)
        if by_relation is not None:
            by_relation[id(rel)] = name
        by_referencing.setdefault(rel.model_a, []).append(name)
        if not ctx.models[rel.a[0]].is_view:  # Prisma counts local foreign keys of models only
            by_defining.setdefault(rel.a[0], []).append(name)
    return by_referencing, by_defining


def _unique_constraint_name(
    ctx: Context, namespaces: constraint_names.Namespaces, rel: RelationInfo, fwd: RelationFieldInfo | None
) -> None:
    """The foreign key name must not clash within the connector's constraint namespaces."""
    model = ctx.models[rel.model_a]
    name = namespaces.foreign_key_names.get(id(rel))
    if name is None:
        name = foreign_key_name(ctx, rel)
    violations = namespaces.violations(ctx, model, "relation", name)
    if not violations:
        return
    if fwd is not None:
        span = argument_span(fwd.node, "relation", "map") or fwd.node.span
    else:
        span = ctx.models[rel.model_b].node.span
    for scope in violations:
        ctx.error(_REL + constraint_names.clash_message(name, scope, model), span)


def _required_relation_cannot_use_set_null(ctx: Context, fwd: RelationFieldInfo) -> None:
    if fwd.fields is not None and all(
        _scalar(ctx, fwd.model, f).node.arity != ast.FieldArity.REQUIRED for f in fwd.fields
    ):
        return
    warn = connector(ctx).set_null_on_required_with_foreign_keys and relation_mode(ctx) == "foreignKeys"
    for argument, action in (("onDelete", fwd.on_delete), ("onUpdate", fwd.on_update)):
        if action != "SetNull":
            continue
        if warn:
            ctx.warning(
                f"The `{argument}` referential action of a relation should not be set to `SetNull` when a "
                "referenced field is required. We recommend either to choose another referential action, or "
                "to make the referenced fields optional. Read more at https://pris.ly/d/postgres-set-null ",
                fwd.node.span,
            )
        else:
            ctx.error(
                _REL + f"The `{argument}` referential action of a relation must not be set to `SetNull` when a "
                "referenced field is required.\nEither choose another referential action, or make the "
                "referenced fields optional.\n",
                fwd.node.span,
            )


def _missing_opposite(ctx: Context, rf: RelationFieldInfo) -> None:
    container = _container(ctx.models[rf.model])
    ctx.error(
        f"Error validating field `{rf.field}` in {container} `{rf.model}`: The relation field `{rf.field}` "
        f"on {container} `{rf.model}` is missing an opposite relation field on the model "
        f"`{rf.referenced_model}`. Either run `prisma format` or add it manually.",
        rf.node.span,
    )


def _has_actions(rf: RelationFieldInfo) -> bool:
    return rf.on_delete is not None or rf.on_update is not None


def _one_to_many(ctx: Context, fwd: RelationFieldInfo | None, back: RelationFieldInfo | None) -> None:
    if fwd is None or back is None:
        lone = fwd or back
        assert lone is not None
        _missing_opposite(ctx, lone)
        return
    if not fwd.fields:
        ctx.error(
            _REL + f"The relation field `{fwd.field}` on Model `{fwd.model}` must specify the `fields` "
            f"argument in the @relation attribute. {_FORMAT_HINT}",
            fwd.node.span,
        )
    if not fwd.references:
        ctx.error(
            _REL + f"The relation field `{fwd.field}` on Model `{fwd.model}` must specify the `references` "
            "argument in the @relation attribute.",
            fwd.node.span,
        )
    if back.fields or back.references:
        ctx.error(
            _REL + f"The relation field `{back.field}` on Model `{back.model}` must not specify the `fields` "
            "or `references` argument in the @relation attribute. You must only specify it on the opposite "
            f"field `{fwd.field}` on model `{fwd.model}`.",
            back.node.span,
        )
    if _has_actions(back):
        ctx.error(
            _REL + f"The relation field `{back.field}` on Model `{back.model}` must not specify the "
            "`onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the "
            f"opposite field `{fwd.field}` on model `{fwd.model}`, or in case of a many to many relation, in "
            "an explicit join table.",
            back.node.span,
        )


def _pair(a: RelationFieldInfo, b: RelationFieldInfo) -> str:
    return f"The relation fields `{a.field}` on Model `{a.model}` and `{b.field}` on Model `{b.model}`"


def _one_to_one(ctx: Context, fwd: RelationFieldInfo | None, back: RelationFieldInfo | None) -> None:
    assert fwd is not None
    if back is None:
        _missing_opposite(ctx, fwd)
    else:
        for arg, attr in (("fields", "fields"), ("references", "references")):
            if not getattr(fwd, attr) and not getattr(back, attr):
                for a, b in ((fwd, back), (back, fwd)):
                    ctx.error(
                        _REL + f"{_pair(a, b)} do not provide the `{arg}` argument in the @relation attribute. "
                        "You have to provide it on one of the two fields.",
                        a.node.span,
                    )
        for arg in ("references", "fields"):
            if getattr(fwd, arg) and getattr(back, arg):
                message = (
                    _REL + f"{_pair(fwd, back)} both provide the `{arg}` argument in the @relation attribute. "
                    "You have to provide it only on one of the two fields."
                )
                ctx.error(message, fwd.node.span)
                ctx.error(message, back.node.span)
        if _has_actions(fwd) and _has_actions(back):
            for a, b in ((back, fwd), (fwd, back)):
                ctx.error(
                    _REL + f"{_pair(a, b)} both provide the `onDelete` or `onUpdate` argument in the @relation "
                    "attribute. You have to provide it only on one of the two fields.",
                    a.node.span,
                )
        elif _has_actions(back):
            ctx.error(
                _REL + f"The relation field `{back.field}` on Model `{back.model}` must not specify the "
                "`onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on "
                f"the opposite field `{fwd.field}` on model `{fwd.model}`.",
                back.node.span,
            )
    _fields_must_be_unique(ctx, fwd)
    if back is None or ctx.diags.has_errors():
        return
    _fields_references_mixups(ctx, fwd, back)
    if ctx.diags.has_errors():
        return
    if back.node.arity == ast.FieldArity.REQUIRED:
        ctx.error(
            _REL + f"The relation field `{back.field}` on Model `{back.model}` is required. This is not valid "
            "because it's not possible to enforce this constraint on the database level. Please change the "
            f"field type from `{fwd.model}` to `{fwd.model}?` to fix this.",
            back.node.span,
        )
    if ctx.diags.has_errors():
        return
    if fwd.node.arity == ast.FieldArity.REQUIRED and (back.fields is not None or back.references is not None):
        ctx.error(
            _REL + f"The relation field `{back.model}.{back.field}` defines the `fields` and/or `references` "
            "argument. You must set them on the required side of the relation "
            f"(`{fwd.model}.{fwd.field}`) in order for the constraints to be enforced. Alternatively, you can "
            "change this field to be required and the opposite optional, or make both sides of the relation "
            "optional.",
            back.node.span,
        )


def _fields_references_mixups(ctx: Context, fwd: RelationFieldInfo, back: RelationFieldInfo) -> None:
    if fwd.fields and back.references:
        message = (
            _REL + f"The relation field `{fwd.field}` on Model `{fwd.model}` provides the `fields` argument in "
            f"the @relation attribute. And the related field `{back.field}` on Model `{back.model}` provides "
            "the `references` argument. You must provide both arguments on the same side."
        )
        ctx.error(message, fwd.node.span)
        ctx.error(message, back.node.span)
    if fwd.references and back.fields:
        ctx.error(
            _REL + f"The relation field `{fwd.field}` on Model `{fwd.model}` provides the `references` argument "
            f"in the @relation attribute. And the related field `{back.field}` on Model `{back.model}` "
            "provides the `fields` argument. You must provide both arguments on the same side.",
            fwd.node.span,
        )


def _fields_must_be_unique(ctx: Context, fwd: RelationFieldInfo) -> None:
    criterias = ctx.models[fwd.model].unique_criterias()
    if fwd.fields is None:
        return
    if any(c == fwd.fields for c in criterias):
        return
    if len(fwd.fields) == 1:
        hint = f"an `@unique` attribute to the field `{fwd.fields[0]}`"
    else:
        hint = f"an `@@unique([{', '.join(fwd.fields)}])` attribute to the model"
    ctx.error(
        _REL + f"A one-to-one relation must use unique fields on the defining side. Either add {hint}, or "
        "change the relation to one-to-many.",
        fwd.node.span,
    )


# ---------------------------------------------------------------- many-to-many


def _m2m_fields(ctx: Context, rel: RelationInfo) -> tuple[RelationFieldInfo, RelationFieldInfo]:
    assert rel.field_a is not None and rel.field_b is not None
    return ctx.relation_fields[(rel.model_a, rel.field_a)], ctx.relation_fields[(rel.model_b, rel.field_b)]


def _single_id(model: ModelInfo) -> str | None:
    pk = model.primary_key
    return pk.fields[0] if pk is not None and len(pk.fields) == 1 else None


def _implicit_many_to_many(ctx: Context, rel: RelationInfo) -> None:
    pair = _m2m_fields(ctx, rel)
    if any(ctx.models[rf.model].is_view for rf in pair):
        for rf in pair:
            ctx.error("Error validating: Implicit many-to-many relations are not supported for views.", rf.node.span)
    elif not connector(ctx).implicit_many_to_many:
        for rf in pair:
            ctx.error(
                f"Error validating: Implicit many-to-many relations are not supported on {connector(ctx).name}. "
                "Please use the syntax defined in https://pris.ly/d/document-database-many-to-many",
                rf.node.span,
            )
    for rf in pair:
        related = ctx.models[rf.referenced_model]
        single_id = _single_id(related)
        if single_id is None:
            container = _container(related)
            ctx.error(
                f"Error validating field `{rf.field}` in {container} `{rf.model}`: The relation field "
                f"`{rf.field}` on {container} `{rf.model}` references `{related.name}` which does not have an "
                "`@id` field. Models without `@id` cannot be part of a many to many relation. Use an explicit "
                "intermediate Model to represent this relationship.",
                rf.node.span,
            )
            continue
        if rf.references is not None and rf.references != [single_id]:
            ctx.error(
                "Error validating: Implicit many-to-many relations must always reference the id field of the "
                "related model. Change the argument `references` to use the id field of the related model "
                f"`{related.name}`. But it is referencing the following fields that are not the id: "
                f"{', '.join(rf.references)}",
                rf.node.span,
            )
    for rf in pair:
        for action_span in (rf.on_delete_span, rf.on_update_span):
            if action_span is not None:
                ctx.error(
                    "Error validating: Referential actions on implicit many-to-many relations are not supported",
                    action_span,
                )
    for rf in pair:
        if rf.references is not None:
            ctx.error(
                _REL + "Implicit many-to-many relation should not have references argument defined. Either "
                "remove it, or change the relation to one-to-many.",
                rf.node.span,
            )


def _embedded_many_to_many(ctx: Context, rel: RelationInfo) -> None:
    pair = _m2m_fields(ctx, rel)
    conn = connector(ctx)
    if not conn.embedded_many_to_many:
        for rf in pair:
            ctx.error(
                f"Error validating: Embedded many-to-many relations are not supported on {conn.name}. Please use "
                "the syntax defined in https://pris.ly/d/relational-database-many-to-many",
                rf.node.span,
            )
        return
    for arg in ("references", "fields"):
        for rf in pair:
            values = getattr(rf, arg)
            if values is not None and len(values) == 1:
                continue
            span = argument_span(rf.node, "relation", arg) or attribute_span(rf.node, "relation") or rf.node.span
            ctx.error(
                _REL + f"The `{arg}` argument must be defined and must point to exactly one scalar field. "
                "https://pris.ly/d/many-to-many-relations",
                span,
            )
    for rf in pair:
        if rf.references and rf.references[0] != _single_id(ctx.models[rf.referenced_model]):
            span = argument_span(rf.node, "relation", "references") or rf.node.span
            ctx.error(_REL + "The `references` argument must point to a singular `id` field", span)
    for rf in pair:
        if not rf.fields or not rf.references:
            continue
        a = _scalar(ctx, rf.model, rf.fields[0])
        b = _scalar(ctx, rf.referenced_model, rf.references[0])
        a_nt, b_nt = _native_type(a), _native_type(b)
        if (
            a.node.arity == ast.FieldArity.LIST
            and _scalar_type(a) == _scalar_type(b)
            and (a_nt[1] if a_nt else None) == (b_nt[1] if b_nt else None)
            and b.node.arity != ast.FieldArity.LIST
        ):
            continue
        ctx.error(
            _REL + "The scalar field defined in `fields` argument must be an array of the same type defined in "
            "`references`",
            attribute_span(rf.node, "relation") or rf.node.span,
        )
    for rf in pair:
        for action_span in (rf.on_delete_span, rf.on_update_span):
            if action_span is not None:
                ctx.error(
                    "Error validating: Referential actions on two-way embedded many-to-many relations are not "
                    "supported",
                    action_span,
                )
