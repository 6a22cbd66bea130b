"""The ``names`` pass: configuration, name resolution and type resolution.

Mirrors parser-database's ``names.rs`` (top-level namespaces, reserved names, identifier rules,
duplicate fields, enum values and config keys) followed by ``types.rs`` (see :mod:`.types`);
Prisma 6.19 runs both even after errors. The datasource and generator blocks are
loaded first (:mod:`.config`) so that later passes know the connector; their diagnostics are
reported by the ``checks`` pass, where Prisma reports them.
"""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator import config, types
from schemashift.psl.validator.context import Context, FieldInfo, ModelInfo

SCALAR_TYPES = ("Int", "BigInt", "Float", "Boolean", "String", "DateTime", "Json", "Bytes", "Decimal")

# prisma-client-js' reserved type names (parser-database ``reserved_model_names.rs``)
RESERVED_NAMES = frozenset(
    {
        "PrismaClient",
        *"break case catch class const continue debugger default delete do else enum export extends false "
        "finally for function if implements import in instanceof interface let new null package private "
        "protected public return super switch this throw true try typeof var void while with yield".split(),
    }
)


def top_type(top: ast.Top) -> str:
    """schema-ast's ``Top::get_type``."""
    if isinstance(top, ast.Model):
        return "view" if top.is_view else "model"
    if isinstance(top, ast.Enum):
        return "enum"
    if isinstance(top, ast.CompositeType):
        return "composite type"
    if isinstance(top, ast.SourceConfig):
        return "source"
    return "generator"


def run(ctx: Context) -> None:
    _load_config(ctx)
    resolve_names(ctx)
    types.resolve_types(ctx)


def _load_config(ctx: Context) -> None:
    cfg = config.load(ctx.ast)
    ctx.config = cfg
    ctx.preview_features = cfg.preview_features
    if cfg.datasources:
        ds = cfg.datasources[0]
        ctx.provider = ds.provider
        ctx.datasource = ds.node
        mode = ds.relation_mode or ("prisma" if ds.provider == "mongodb" else "foreignKeys")
        ctx.relation_mode = "prisma" if mode == "prisma" else "foreignKeys"
        ctx.schemas = [name for name, _ in ds.schemas]
        ctx.extensions = list(ds.extensions)


def resolve_names(ctx: Context) -> None:
    tops: dict[str, ast.Top] = {}
    generators: dict[str, ast.Top] = {}
    datasources: dict[str, ast.Top] = {}
    for top in ctx.ast.tops():
        if top.name.name in SCALAR_TYPES:
            ctx.error(f'"{top.name.name}" is a reserved scalar type name and cannot be used.', top.name.span)
        if isinstance(top, ast.Enum):
            _enum(ctx, top)
            namespace = tops
        elif isinstance(top, ast.Model):
            _model(ctx, top)
            namespace = tops
        elif isinstance(top, ast.CompositeType):
            _composite_type(ctx, top)
            namespace = tops
        elif isinstance(top, ast.SourceConfig):
            _duplicate_properties(ctx, top)
            namespace = datasources
        else:
            _duplicate_properties(ctx, top)
            namespace = generators
        existing = namespace.get(top.name.name)
        namespace[top.name.name] = top
        if existing is not None:
            ctx.error(
                f'The {top_type(top)} "{top.name.name}" cannot be defined because a {top_type(existing)} '
                "with that name already exists.",
                top.name.span,
            )


def validate_identifier(ctx: Context, ident: ast.Identifier, item: str) -> None:
    if not ident.name:
        ctx.error(f"Error validating: The name of a {item} must not be empty.", ident.span)
    elif ident.name[0].isnumeric():
        ctx.error(f"Error validating: The name of a {item} must not start with a number.", ident.span)
    elif "-" in ident.name:
        ctx.error(f"Error validating: The character `-` is not allowed in {item} names.", ident.span)


def _attribute_identifiers(ctx: Context, attributes: list[ast.Attribute]) -> None:
    for attr in attributes:
        name = attr.name.name
        if not name or name[0].isnumeric() or "-" in name:  # validate_identifier's conditions, inline
            validate_identifier(ctx, attr.name, "Attribute")


def _enum(ctx: Context, enum: ast.Enum) -> None:
    validate_identifier(ctx, enum.name, "Enum")
    if enum.name.name in RESERVED_NAMES:
        ctx.error(
            f"Error validating enum `{enum.name.name}`: The enum name `{enum.name.name}` is invalid. It is a reserved "
            "name. Please change it. Read more at "
            "https://www.prisma.io/docs/reference/tools-and-interfaces/prisma-schema/data-model#naming-enums",
            enum.span,
        )
    _attribute_identifiers(ctx, enum.attributes)
    seen: set[str] = set()
    for value in enum.values:
        validate_identifier(ctx, value.name, "Enum Value")
        _attribute_identifiers(ctx, value.attributes)
        if value.name.name in seen:
            ctx.error(f'Value "{value.name.name}" is already defined on enum "{enum.name.name}".', value.span)
        seen.add(value.name.name)
    ctx.enums.setdefault(enum.name.name, enum)


def _model(ctx: Context, model: ast.Model) -> None:
    kind = "view" if model.is_view else "model"
    validate_identifier(ctx, model.name, "view" if model.is_view else "Model")
    if model.name.name in RESERVED_NAMES:
        ctx.error(
            f'Error validating model "{model.name.name}": The {kind} name `{model.name.name}` is invalid. It is a '
            "reserved name. Please change it. Read more at https://pris.ly/d/naming-models",
            model.span,
        )
    _attribute_identifiers(ctx, model.attributes)
    info = ModelInfo(node=model)
    fields = info.fields
    field_item = "field" if model.is_view else "Field"
    for f in model.fields:
        name = f.name.name
        if not name or name[0].isnumeric() or "-" in name:  # validate_identifier's conditions, inline
            validate_identifier(ctx, f.name, field_item)
        for attr in f.attributes:  # _attribute_identifiers(ctx, f.attributes), inline
            attr_name = attr.name.name
            if not attr_name or attr_name[0].isnumeric() or "-" in attr_name:
                validate_identifier(ctx, attr.name, "Attribute")
        if name in fields:
            ctx.error(f'Field "{name}" is already defined on {kind} "{model.name.name}".', f.name.span)
        else:
            fields[name] = FieldInfo(f)  # (positional: the keyword costs ~30% more per call)
    ctx.models.setdefault(model.name.name, info)


def _composite_type(ctx: Context, ct: ast.CompositeType) -> None:
    validate_identifier(ctx, ct.name, "Composite type")
    seen: set[str] = set()
    for f in ct.fields:
        if f.name.name in seen:
            ctx.error(f'Field "{f.name.name}" is already defined on composite type "{ct.name.name}".', f.name.span)
        seen.add(f.name.name)
    ctx.composite_types.setdefault(ct.name.name, ct)


def _duplicate_properties(ctx: Context, block: ast.SourceConfig | ast.GeneratorConfig) -> None:
    seen: set[str] = set()
    for prop in block.properties:
        if prop.name.name in seen:
            ctx.error(
                f'Key "{prop.name.name}" is already defined in {top_type(block)} "{block.name.name}".', prop.name.span
            )
        seen.add(prop.name.name)
