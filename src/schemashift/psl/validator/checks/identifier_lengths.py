"""Names the database cannot hold (a schemashift check; Prisma 6.19 has none for these names).

PostgreSQL cuts table, column and type names beyond 63 bytes without an error (so the database
never matches the schema, and every migration tries again: a warning, since Prisma accepts such
schemas) and refuses longer enum values (an error); MySQL and MariaDB refuse names of more than
64 characters when the migration runs (an error). Each name is checked
where it reaches the database: the table of a model or view (``@@map`` or the model name), the
columns of its scalar fields (``@map`` or the field name), the type and values of an enum where
enums are database types, and the join table of an implicit many-to-many relation. The error
points at the ``@map``/``@@map`` argument when there is one, else at the name itself. Index and
constraint names are not checked here: Prisma's own check of ``map:`` arguments does
(``constraint_names.validate_db_name``), and generated ones are shortened to fit.
"""

from __future__ import annotations

from schemashift.diagnostics import Span
from schemashift.dialects import Dialect, get_dialect
from schemashift.psl import ast
from schemashift.psl.validator.context import Context


def _name_argument(attribute: ast.Attribute | None, keyword: str) -> Span | None:
    """The span of the value of ``attribute``'s ``keyword`` argument, given by name or first."""
    if attribute is None:
        return None
    for i, argument in enumerate(attribute.arguments.arguments):
        if (argument.name is None and i == 0) or (argument.name is not None and argument.name.name == keyword):
            return argument.value.span
    return None


def _map_argument(attributes: list[ast.Attribute]) -> Span | None:
    """The span of the value of a ``@map``/``@@map`` attribute among ``attributes``."""
    return next((_name_argument(a, "name") for a in attributes if a.name.name == "map"), None)


def _check(
    ctx: Context, dialect: Dialect, what: str, name: str, span: Span, given: Span | None, fix: str = "map",
    refused: bool = False,
) -> None:
    """``given``: the span of the string that sets ``name`` (``@map``, ``@@map``, a relation name).
    A name the database refuses is an error; one it silently cuts (PostgreSQL's identifiers, which
    Prisma accepts) is a warning: the schema stays valid, as for Prisma, and says what will happen."""
    reason = dialect.identifier_too_long(name)
    if reason is None:
        return
    advice = f"Use a shorter name in the `{fix}` argument." if given is not None else "Use a shorter name, or `@map`/`@@map` it to one."
    message = f"The database name `{name}` of {what} is too long: {reason}. {advice}"
    if refused or not dialect.truncates_identifiers:
        ctx.error(message, given or span)
    else:
        ctx.warning(
            f"{message} The database would store it cut short, so it would never match the schema.", given or span
        )


def run(ctx: Context) -> None:
    try:
        dialect = get_dialect(ctx.provider or "")
    except ValueError:  # a provider without a dialect (MongoDB, SQL Server...)
        return
    for model in ctx.models.values():
        node = model.node
        kind = "view" if model.is_view else "model"
        mapped = _map_argument(node.attributes)
        _check(ctx, dialect, f'the {kind} "{model.name}"', model.db_name or model.name, node.name.span, mapped)
        for info in model.scalar_fields():
            field = info.node
            what = f'the field "{model.name}.{field.name.name}"'
            name = info.db_name or field.name.name
            _check(ctx, dialect, what, name, field.name.span, _map_argument(field.attributes))
    if dialect.has_native_enums:
        for enum in ctx.enums.values():
            enum_info = ctx.enum_infos.get(enum.name.name)
            db_name = enum_info.db_name if enum_info is not None and enum_info.db_name else enum.name.name
            _check(ctx, dialect, f'the enum "{enum.name.name}"', db_name, enum.name.span, _map_argument(enum.attributes))
            for value in enum.values:
                label = (enum_info.value_db_names.get(value.name.name) if enum_info is not None else None) or value.name.name
                what = f'the value "{value.name.name}" of the enum "{enum.name.name}"'
                _check(ctx, dialect, what, label, value.name.span, _map_argument(value.attributes), refused=True)
    for relation in ctx.relations:
        if relation.kind != "many_to_many" or relation.field_a is None:
            continue
        rf = ctx.relation_fields.get((relation.model_a, relation.field_a))
        if rf is None:
            continue
        named = _name_argument(rf.attribute, "name") if relation.name else None
        what = f'the implicit many-to-many relation "{relation.relation_name}" (its join table)'
        _check(ctx, dialect, what, "_" + relation.relation_name, rf.node.name.span, named, fix="name")
