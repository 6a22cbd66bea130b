"""Field type resolution (parser-database ``types.rs``): each field of a model, view or composite
type is a built-in scalar, an enum, a composite type, a model (relation), ``Unsupported("...")``,
or unknown (an error). Also the empty-enum rule, which Prisma checks in the same walk."""

from __future__ import annotations

from schemashift.psl import ast
from schemashift.psl.validator.context import Context, FieldInfo, FieldKind

SCALAR_TYPES = ("Int", "BigInt", "Float", "Boolean", "String", "DateTime", "Json", "Bytes", "Decimal")
_SCALAR_SET = frozenset(SCALAR_TYPES)


def _suggestion(ctx: Context, name: str) -> str | None:
    """Prisma's hint: a built-in scalar spelled in another case, or a top-level type named like
    ``name`` with its first letter in upper case."""
    lowered = name.lower()
    for scalar in SCALAR_TYPES:
        if scalar.lower() == lowered:
            return scalar
    capitalized = name[:1].upper() + name[1:]
    if capitalized != name and _top_kinds(ctx).get(capitalized) is not None:
        return capitalized
    return None


def _not_found(ctx: Context, f: ast.Field) -> None:
    name = f.field_type.name if isinstance(f.field_type, ast.SupportedFieldType) else ""
    message = f'Type "{name}" is neither a built-in type, nor refers to another model, composite type, or enum.'
    suggestion = _suggestion(ctx, name)
    if suggestion is not None:
        message += f' Did you mean "{suggestion}"?'
    ctx.error(message, f.field_type.span)


def resolve_types(ctx: Context) -> None:
    kinds = _top_kinds(ctx)
    kind: FieldKind
    target: str | None
    for top in ctx.ast.tops():
        if isinstance(top, ast.Model):
            model = ctx.models.get(top.name.name)
            infos = model.fields if model is not None and model.node is top else {}
            for f in top.fields:
                ftype = f.field_type
                if isinstance(ftype, ast.SupportedFieldType) and ftype.name in _SCALAR_SET:
                    kind, target = "scalar", ftype.name  # the common case of ``_resolve``, inline
                else:
                    kind, target = _resolve(f, kinds)
                    if kind == "unknown":
                        _not_found(ctx, f)
                info = infos.get(f.name.name)
                if info is not None and info.node is f:
                    info.kind, info.target = kind, target
        elif isinstance(top, ast.CompositeType):
            infos = ctx.composite_fields.setdefault(top.name.name, {})
            for f in top.fields:
                kind, target = _resolve(f, kinds)
                if kind == "unknown":
                    _not_found(ctx, f)
                elif kind == "model":
                    ctx.error(
                        f'Error validating composite type "{top.name.name}": {target} refers to a model, making this '
                        "a relation field. Relation fields inside composite types are not supported.",
                        f.field_type.span,
                    )
                if ctx.composite_types.get(top.name.name) is top and f.name.name not in infos:
                    infos[f.name.name] = FieldInfo(node=f, kind=kind, target=target)
        elif isinstance(top, ast.Enum) and not top.values:
            ctx.error("Error validating: An enum must have at least one value.", top.span)


def _top_kinds(ctx: Context) -> dict[str, FieldKind]:
    out: dict[str, FieldKind] = {}
    for top in ctx.ast.tops():
        if isinstance(top, ast.Model):
            out.setdefault(top.name.name, "model")
        elif isinstance(top, ast.Enum):
            out.setdefault(top.name.name, "enum")
        elif isinstance(top, ast.CompositeType):
            out.setdefault(top.name.name, "composite")
    return out


def _resolve(f: ast.Field, kinds: dict[str, FieldKind]) -> tuple[FieldKind, str | None]:
    ftype = f.field_type
    if isinstance(ftype, ast.UnsupportedFieldType):
        return "unsupported", ftype.literal
    if ftype.name in _SCALAR_SET:
        return "scalar", ftype.name
    kind = kinds.get(ftype.name)
    return (kind, ftype.name) if kind is not None else ("unknown", None)
