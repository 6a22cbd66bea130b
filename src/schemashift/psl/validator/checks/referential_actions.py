"""Referential actions per connector and relation mode (psl-core ``relation_fields::
referential_actions``, the MySQL ``SetDefault`` warning, implicit ``onDelete``/``onUpdate``)."""

from __future__ import annotations

from dataclasses import dataclass

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.constraint_names import MAX_IDENTIFIER_LENGTH
from schemashift.psl.validator.context import Context, RelationFieldInfo

# Prisma's bit-flag order, which is also the order of "Allowed values" in messages.
ALL_ACTIONS = ("Cascade", "Restrict", "NoAction", "SetNull", "SetDefault")
_EMULATED_DEFAULT = ("Cascade", "Restrict", "NoAction", "SetNull")
_EMULATED_NO_NOACTION = ("Cascade", "Restrict", "SetNull")


@dataclass(frozen=True, slots=True)
class RelationConnector:
    """What the relation validations need to know about a connector."""

    name: str  # Connector::name(), as printed in messages
    foreign_key_actions: tuple[str, ...]
    emulated_actions: tuple[str, ...]
    max_identifier_length: int
    named_foreign_keys: bool = False
    cycle_detection: bool = False  # ReferenceCycleDetection
    implicit_many_to_many: bool = True
    embedded_many_to_many: bool = False
    arbitrary_order: bool = True  # RelationFieldsInArbitraryOrder
    set_null_on_required_with_foreign_keys: bool = False
    suggests_relation_indexes: bool = True


CONNECTORS: dict[str | None, RelationConnector] = {
    None: RelationConnector(
        "psl_core::datamodel_connector::empty_connector::EmptyDatamodelConnector",
        ALL_ACTIONS,
        _EMULATED_DEFAULT,
        2**63,
        arbitrary_order=False,
    ),
    "postgresql": RelationConnector(
        "Postgres",
        ALL_ACTIONS,
        _EMULATED_NO_NOACTION,
        MAX_IDENTIFIER_LENGTH["postgresql"],
        named_foreign_keys=True,
        set_null_on_required_with_foreign_keys=True,
    ),
    "cockroachdb": RelationConnector("CockroachDB", ALL_ACTIONS, _EMULATED_DEFAULT, MAX_IDENTIFIER_LENGTH["cockroachdb"], named_foreign_keys=True),
    "mysql": RelationConnector("MySQL", ALL_ACTIONS, _EMULATED_DEFAULT, MAX_IDENTIFIER_LENGTH["mysql"], named_foreign_keys=True),
    "sqlite": RelationConnector("sqlite", ALL_ACTIONS, _EMULATED_NO_NOACTION, MAX_IDENTIFIER_LENGTH["sqlite"]),
    "sqlserver": RelationConnector(
        "SQL Server",
        ("Cascade", "NoAction", "SetNull", "SetDefault"),
        _EMULATED_DEFAULT,
        MAX_IDENTIFIER_LENGTH["sqlserver"],
        named_foreign_keys=True,
        cycle_detection=True,
        arbitrary_order=False,
    ),
    "mongodb": RelationConnector(
        "MongoDB",
        (),
        _EMULATED_DEFAULT,
        MAX_IDENTIFIER_LENGTH["mongodb"],
        implicit_many_to_many=False,
        embedded_many_to_many=True,
        suggests_relation_indexes=False,
    ),
}


def connector(ctx: Context) -> RelationConnector:
    return CONNECTORS.get(ctx.provider, CONNECTORS[None])


def relation_mode(ctx: Context) -> str:
    """The datasource's relation mode (the connector's default when none is set: names pass)."""
    return ctx.relation_mode


def allowed_actions(ctx: Context) -> tuple[str, ...]:
    conn = connector(ctx)
    return conn.foreign_key_actions if relation_mode(ctx) == "foreignKeys" else conn.emulated_actions


def supports_action(ctx: Context, action: str) -> bool:
    return action in allowed_actions(ctx)


def argument_span(node: ast.Field, attribute: str, argument: str) -> Span | None:
    """The span of ``argument:`` in the field's ``@attribute(...)`` (Prisma's span_for_argument)."""
    for attr in node.attributes:
        if attr.name.name == attribute:
            for arg in attr.arguments.arguments:
                if arg.name is not None and arg.name.name == argument:
                    return arg.span
    return None


def attribute_span(node: ast.Field, attribute: str) -> Span | None:
    return next((a.span for a in node.attributes if a.name.name == attribute), None)


def check_field_referential_actions(ctx: Context, rf: RelationFieldInfo) -> None:
    if rf.on_delete is None and rf.on_update is None:
        return  # no explicit action to check
    conn = connector(ctx)
    prisma_mode = relation_mode(ctx) == "prisma"
    allowed = allowed_actions(ctx)
    for argument, action in (("onDelete", rf.on_delete), ("onUpdate", rf.on_update)):
        if action is None or action in allowed:
            continue
        span = argument_span(rf.node, "relation", argument) or rf.node.span
        message = (
            f"Invalid referential action: `{action}`. Allowed values: ("
            + ", ".join(f"`{a}`" for a in allowed)
            + ")"
        )
        if prisma_mode and action == "NoAction" and "Restrict" in conn.emulated_actions:
            message += (
                f'. `NoAction` is not implemented for {conn.name} when using `relationMode = "prisma"`, '
                "you could try using `Restrict` instead. Learn more at https://pris.ly/d/relation-mode"
            )
        ctx.error(f"Error validating: {message}", span)


def mysql_set_default_warnings(ctx: Context, rf: RelationFieldInfo) -> None:
    """MySQL accepts but ignores SET DEFAULT (connector ``validate_model``, foreign keys only)."""
    if ctx.provider != "mysql" or relation_mode(ctx) != "foreignKeys":
        return
    message = (
        "MySQL does not actually support the `SetDefault` referential action, so using it may "
        "result in unexpected errors. Read more at https://pris.ly/d/mysql-set-default "
    )
    for argument, action in (("onDelete", rf.on_delete), ("onUpdate", rf.on_update)):
        if action == "SetDefault":
            ctx.warning(message, argument_span(rf.node, "relation", argument) or rf.node.span)


def referential_arity(ctx: Context, rf: RelationFieldInfo) -> ast.FieldArity:
    """Required when any referencing scalar field is required, else the relation field's arity."""
    model = ctx.models[rf.model]
    if any(model.fields[f].node.arity == ast.FieldArity.REQUIRED for f in rf.fields or []):
        return ast.FieldArity.REQUIRED
    return rf.node.arity


def on_delete(ctx: Context, rf: RelationFieldInfo) -> str:
    """The explicit or implicit onDelete action of a forward relation field."""
    if rf.on_delete is not None:
        return rf.on_delete
    if referential_arity(ctx, rf) == ast.FieldArity.REQUIRED:
        return "Restrict" if supports_action(ctx, "Restrict") else "NoAction"
    return "SetNull"


def on_update(rf: RelationFieldInfo) -> str:
    return rf.on_update or "Cascade"


def triggers_modification(action: str) -> bool:
    return action not in ("NoAction", "Restrict")
