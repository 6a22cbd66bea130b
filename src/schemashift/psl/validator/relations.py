"""Relations pass: relation inference (prisma-engines' ``parser-database`` ``relations.rs``).

Pairs the relation fields of ``ctx.relation_fields`` (filled by the ``relation_fields`` pass)
into ``ctx.relations``, in the order Prisma ingests them.

For lowering a valid schema: a 1:1/1:n relation's foreign key is on ``model_a`` with the
``fields``/``references``/``map`` of ``ctx.relation_fields[(model_a, field_a)]``; its actions are
``checks.referential_actions.on_delete``/``on_update`` (explicit or Prisma's default) and its
constraint name ``checks.relations.foreign_key_name``. An implicit many-to-many relation is the
table ``_`` + ``relation_name`` with column ``A`` referencing ``model_a``'s id and ``B``
``model_b``'s.
"""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator.context import Context, RelationFieldInfo, RelationInfo


def run(ctx: Context) -> None:
    ctx.relations = infer_relations(ctx)


# ---------------------------------------------------------------- inference


def relation_fields_of(ctx: Context, model: str) -> list[RelationFieldInfo]:
    """The relation fields of one model, in field order."""
    return ctx.model_relation_fields.get(model, [])


def _opposite(ctx: Context, rf: RelationFieldInfo) -> RelationFieldInfo | None:
    is_self = rf.model == rf.referenced_model
    for other in relation_fields_of(ctx, rf.referenced_model):
        if other.referenced_model != rf.model or (is_self and other.field == rf.field):
            continue
        if other.name == rf.name:
            return other
    return None


def _fields_are_unique(ctx: Context, rf: RelationFieldInfo) -> bool:
    model = ctx.models[rf.model]
    return any(i.kind == "unique" and i.fields == rf.fields for i in model.indexes)


def infer_relations(ctx: Context) -> list[RelationInfo]:
    """Pair relation fields into relations, in the order prisma-engines ingests them."""
    out: list[RelationInfo] = []
    for rf in ctx.relation_fields.values():
        rel = _ingest(ctx, rf, _opposite(ctx, rf))
        if rel is not None:
            out.append(rel)
    return out


def _relation(
    rf: RelationFieldInfo, kind: str, opp: RelationFieldInfo | None, embedded: bool = False
) -> RelationInfo:
    """A relation with ``rf`` (the ingesting field) as side A."""
    return RelationInfo(
        name=rf.name,
        a=(rf.model, rf.field),
        b=(opp.model, opp.field) if opp is not None else None,
        kind=kind,  # type: ignore[arg-type]
        model_a=rf.model,
        field_a=rf.field,
        model_b=rf.referenced_model,
        field_b=opp.field if opp is not None else None,
        embedded=embedded,
    )


def _ingest(ctx: Context, rf: RelationFieldInfo, opp: RelationFieldInfo | None) -> RelationInfo | None:
    arity = rf.node.arity
    key = (rf.model, rf.field)
    if opp is not None:
        opp_arity = opp.node.arity
        opp_key = (opp.model, opp.field)
        if arity == ast.FieldArity.LIST and opp_arity == ast.FieldArity.LIST:
            if rf.model > rf.referenced_model:
                return None
            if rf.model == rf.referenced_model and rf.field > opp.field:
                return None
            embedded = rf.fields is not None or opp.fields is not None
            return _relation(rf, "many_to_many", opp, embedded)
        if arity == ast.FieldArity.REQUIRED and opp_arity == ast.FieldArity.OPTIONAL:
            return _relation(rf, "one_to_one", opp)
        if arity == ast.FieldArity.REQUIRED and opp_arity == ast.FieldArity.REQUIRED:
            if key > opp_key:
                return None
            return _relation(rf, "one_to_one", opp)
        if arity == ast.FieldArity.OPTIONAL and opp_arity == ast.FieldArity.REQUIRED:
            return None
        if arity == ast.FieldArity.OPTIONAL and opp_arity == ast.FieldArity.OPTIONAL:
            if rf.fields is not None:
                return _relation(rf, "one_to_one", opp)
            if opp.fields is None:
                if key > opp_key:
                    return None
                return _relation(rf, "one_to_one", opp)
            return None
        if arity == ast.FieldArity.LIST:
            return None
        return _relation(rf, "one_to_many", opp)
    if arity == ast.FieldArity.LIST:
        # 1:n defined on the list side only: the referenced model is model A, without a field.
        return RelationInfo(
            name=rf.name,
            a=key,
            b=None,
            kind="one_to_many",
            model_a=rf.referenced_model,
            field_a=None,
            model_b=rf.model,
            field_b=rf.field,
        )
    kind = "one_to_one" if rf.fields is not None and _fields_are_unique(ctx, rf) else "one_to_many"
    return _relation(rf, kind, None)
