"""The existing schema's ``generator`` and ``datasource`` blocks, as Prisma 7's ``db pull`` writes
them back: re-rendered from what they say, not copied (checked against ``prisma7 pull``):

- comments are dropped; a block's documentation is its last ``///`` group written inside it,
  printed above the block (``///`` lines above a block are not kept);
- generator: ``provider``, ``output``, ``previewFeatures``, ``binaryTargets`` (when not empty),
  then its other properties sorted by name, each value a string (``n = 3`` becomes ``"3"``) or a
  list of strings; ``previewFeatures`` canonically spelt, without duplicates, sorted, and
  ``"partialIndexes"`` appended to every generator when the pulled schema has a partial index and
  the generator does not enable it yet;
- datasource: ``provider``, ``url``, ``shadowDatabaseUrl``, ``directUrl``, ``relationMode``,
  ``schemas``. ``extensions`` (preview feature ``postgresqlExtensions``) is kept as written, where
  Prisma 7.10 drops it (a migration from the pulled schema would then drop the extensions).
"""

from __future__ import annotations

from schemashift.introspect.names import string_literal
from schemashift.psl import ast

PARTIAL_INDEXES = "partialIndexes"

_GENERATOR_FIRST = ("provider", "output")
_DATASOURCE_ORDER = ("provider", "url", "shadowDatabaseUrl", "directUrl", "relationMode", "referentialIntegrity", "schemas")


def _canonical_feature(name: str) -> str:
    from schemashift.psl.validator.config import _ALL_FEATURES

    return _ALL_FEATURES.get(name.lower(), name)


def _value(expr: ast.Expression | None, source: str) -> str:
    """A property value as Prisma renders it: strings and ``env("X")`` as written, a list as a
    list of strings, anything else as a string of its text."""
    if isinstance(expr, ast.StringValue):
        return string_literal(expr.value)
    if isinstance(expr, ast.FunctionCall) and expr.name == "env":
        return source[expr.span.start : expr.span.end]
    if isinstance(expr, ast.ArrayExpression):
        return "[" + ", ".join(_value(e, source) for e in expr.elements) + "]"
    if isinstance(expr, (ast.NumericValue, ast.ConstantValue)):
        return string_literal(expr.value)
    return source[expr.span.start : expr.span.end] if expr is not None else '""'


def _features(expr: ast.Expression | None) -> list[str]:
    items = expr.elements if isinstance(expr, ast.ArrayExpression) else [expr] if expr is not None else []
    return sorted({_canonical_feature(e.value) for e in items if isinstance(e, ast.StringValue)})


def _block(keyword: str, name: str, documentation: str | None, lines: list[tuple[str, str]]) -> str:
    out = [f"/// {line}" for line in documentation.split("\n")] if documentation else []
    out.append(f"{keyword} {name} {{")
    out.extend(f"  {key} = {value}" for key, value in lines)
    out.append("}")
    return "\n".join(out)


def render_generator(gen: ast.GeneratorConfig, source: str, partial_indexes: bool) -> str:
    props = {p.name.name: p.value for p in gen.properties}
    lines = [(key, _value(props[key], source)) for key in _GENERATOR_FIRST if key in props]
    if "previewFeatures" in props or partial_indexes:
        features = _features(props.get("previewFeatures"))
        if partial_indexes and PARTIAL_INDEXES not in features:
            features.append(PARTIAL_INDEXES)
        lines.append(("previewFeatures", "[" + ", ".join(string_literal(f) for f in features) + "]"))
    targets = props.get("binaryTargets")
    if targets is not None and not (isinstance(targets, ast.ArrayExpression) and not targets.elements):
        lines.append(("binaryTargets", _value(targets, source)))
    skip = {*_GENERATOR_FIRST, "previewFeatures", "binaryTargets"}
    lines.extend((key, _value(props[key], source)) for key in sorted(props) if key not in skip)
    return _block("generator", gen.name.name, gen.documentation, lines)


def render_datasource(ds: ast.SourceConfig, source: str) -> str:
    props = {p.name.name: p.value for p in ds.properties}
    lines = [(key, _value(props[key], source)) for key in _DATASOURCE_ORDER if key in props]
    schemas = props.get("schemas")
    if isinstance(schemas, ast.ArrayExpression) and all(isinstance(e, ast.StringValue) for e in schemas.elements):
        # Prisma writes the schemas it introspected in name order
        names = sorted(e.value for e in schemas.elements if isinstance(e, ast.StringValue))
        lines = [(k, "[" + ", ".join(map(string_literal, names)) + "]" if k == "schemas" else v) for k, v in lines]
    for key, value in props.items():  # extensions, and anything Prisma would refuse, as written
        if key not in _DATASOURCE_ORDER and value is not None:
            lines.append((key, source[value.span.start : value.span.end]))
    return _block("datasource", ds.name.name, ds.documentation, lines)
