"""Datasource and generator blocks, as psl-core's ``datasource_loader.rs``, ``generator_loader.rs``
and ``env_vars.rs`` (Prisma 6.19).

A datasource without ``url`` follows Prisma 7's rules (checked against ``prisma7 validate``):
it is valid, and ``directUrl``/``shadowDatabaseUrl`` in it are errors (they moved to
``prisma.config.ts`` with the URL). The one exception is a schema that declares Prisma 6's
``schemaEngineDriverAdapters`` preview feature: it is a Prisma 6 schema, whose non-SQLite
datasource still needs a ``url`` (Prisma 6's corpus case ``url_is_still_required``).
A datasource with ``url`` keeps Prisma 6's rules exactly.

:func:`load` reads every block (datasources first, then generators, file by file) and returns
its diagnostics without reporting them: Prisma validates the configuration after
parser-database's name, type, attribute and relation passes, so the ``checks`` pass reports
them at that point. The small readers :func:`datasource_url` and :func:`generators` serve code
outside the validator.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from dataclasses import dataclass, field

from schemashift.diagnostics import Diagnostics, Span
from schemashift.psl import ast
from schemashift.psl.validator.attributes import describe_value_type, render_expr

# provider string -> normalised connector name
PROVIDERS = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "sqlite": "sqlite",
    "sqlserver": "sqlserver",
    "mongodb": "mongodb",
    "cockroachdb": "cockroachdb",
}

MULTI_SCHEMA_PROVIDERS = ("postgresql", "cockroachdb", "sqlserver")

# ------------------------------------------------------------------ preview features (6.19)

ACTIVE_FEATURES = (
    "metrics",
    "nativeDistinct",
    "postgresqlExtensions",
    "relationJoins",
    "schemaEngineDriverAdapters",
    "shardKeys",
    "strictUndefinedChecks",
    "views",
)
NATIVE_FEATURES = {"postgresql": ("fullTextSearchPostgres",)}
HIDDEN_FEATURES = ("reactNative", "typedSql")
DEPRECATED_FEATURES = (
    "aggregateApi",
    "atomicNumberOperations",
    "clientExtensions",
    "cockroachdb",
    "connectOrCreate",
    "createMany",
    "dataProxy",
    "deno",
    "distinct",
    "driverAdapters",
    "extendedIndexes",
    "extendedWhereUnique",
    "fieldReference",
    "filteredRelationCount",
    "filterJson",
    "fullTextIndex",
    "fullTextSearch",
    "groupBy",
    "improvedQueryRaw",
    "interactiveTransactions",
    "jsonProtocol",
    "microsoftSqlServer",
    "middlewares",
    "mongoDb",
    "multiSchema",
    "namedConstraints",
    "nApi",
    "nativeTypes",
    "omitApi",
    "orderByAggregateGroup",
    "orderByNulls",
    "orderByRelation",
    "prismaSchemaFolder",
    "queryCompiler",
    "referentialActions",
    "referentialIntegrity",
    "selectRelationCount",
    "tracing",
    "transactionApi",
    "uncheckedScalarInputs",
)
# deprecated and about to be removed (still active)
REMOVED_SOON_FEATURES = ("metrics",)
# (old feature, provider) -> (new feature, pris.ly endpoint)
RENAMED_FEATURES = {("fullTextSearch", "postgresql"): ("fullTextSearchPostgres", "fts-postgres")}

_ALL_FEATURES = {
    f.lower(): f
    for f in (*ACTIVE_FEATURES, *HIDDEN_FEATURES, *DEPRECATED_FEATURES, *NATIVE_FEATURES["postgresql"], "partialIndexes")
}


# Prisma 7.10 (a datasource without `url`): `metrics` is gone (not known), `typedSql` is listed
# and `partialIndexes` is new; checked against `prisma7 validate`'s list of expected features.
PRISMA7_ACTIVE_FEATURES = (*(f for f in ACTIVE_FEATURES if f != "metrics"), "partialIndexes", "typedSql")
PRISMA7_HIDDEN_FEATURES = tuple(f for f in HIDDEN_FEATURES if f != "typedSql")


def _active_features(provider: str | None, prisma7: bool = False) -> list[str]:
    active = PRISMA7_ACTIVE_FEATURES if prisma7 else ACTIVE_FEATURES
    return sorted([*active, *NATIVE_FEATURES.get(provider or "", ())])


# ------------------------------------------------------------------ results


@dataclass(slots=True)
class EnvString:
    """A ``"literal"`` or ``env("VAR")`` value."""

    value: str | None = None
    env: str | None = None
    span: Span | None = None

    def same_as(self, other: "EnvString") -> bool:
        return (self.value, self.env) == (other.value, other.env)


@dataclass(slots=True)
class Datasource:
    node: ast.SourceConfig
    name: str
    provider: str  # normalised
    url: EnvString | None  # None: a Prisma 7 datasource (the URL lives in prisma.config.ts)
    direct_url: EnvString | None = None
    shadow_database_url: EnvString | None = None
    relation_mode: str | None = None
    schemas: list[tuple[str, Span]] = field(default_factory=list)
    schemas_span: Span | None = None
    extensions: list[str] = field(default_factory=list)
    extensions_span: Span | None = None


@dataclass(slots=True)
class Generator:
    node: ast.GeneratorConfig
    name: str
    provider: EnvString
    output: EnvString | None = None
    preview_features: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Configuration:
    datasources: list[Datasource] = field(default_factory=list)
    generators: list[Generator] = field(default_factory=list)
    diags: Diagnostics = field(default_factory=Diagnostics)
    prisma7: bool = False  # a datasource without `url`: Prisma 7.10's rules

    @property
    def preview_features(self) -> set[str]:
        out: set[str] = set()
        for g in self.generators:
            out |= g.preview_features
        return out


# ------------------------------------------------------------------ coercion helpers


def _mismatch(diags: Diagnostics, expected: str, expr: ast.Expression) -> None:
    diags.error(
        f"Expected a {expected} value, but received {describe_value_type(expr)} value `{render_expr(expr)}`.",
        expr.span,
    )


def _string(diags: Diagnostics, expr: ast.Expression) -> str | None:
    if isinstance(expr, ast.StringValue):
        return expr.value
    _mismatch(diags, "string", expr)
    return None


T = TypeVar("T")


def _array(
    diags: Diagnostics, expr: ast.Expression, item: Callable[[Diagnostics, ast.Expression], T | None]
) -> list[T] | None:
    items = expr.elements if isinstance(expr, ast.ArrayExpression) else [expr]
    out: list[T] = []
    ok = True
    for e in items:
        value = item(diags, e)
        if value is None:
            ok = False
        else:
            out.append(value)
    return out if ok else None


def is_env(expr: ast.Expression) -> bool:
    return isinstance(expr, ast.FunctionCall) and expr.name == "env"


def env_string(diags: Diagnostics, expr: ast.Expression) -> EnvString | None:
    if is_env(expr):
        assert isinstance(expr, ast.FunctionCall)
        args = expr.arguments
        for arg in args.arguments:
            if arg.name is not None:
                diags.warning("The env function doesn't expect named arguments", arg.span)
        if not args.arguments and args.empty_arguments:
            diags.error("The env function expects a singular, unnamed, string argument.", expr.span)
            return None
        if len(args.arguments) + len(args.empty_arguments) != 1 or args.trailing_comma is not None:
            diags.error("Exactly one string parameter must be passed to the env function.", expr.span)
            return None
        name = _string(diags, args.arguments[0].value)
        return EnvString(env=name, span=expr.span) if name is not None else None
    if isinstance(expr, ast.StringValue):
        return EnvString(value=expr.value, span=expr.span)
    _mismatch(diags, "String", expr)
    return None


# ------------------------------------------------------------------ loading


def load(schema: ast.SchemaAst) -> Configuration:
    config = Configuration()
    provider = _first_provider(schema)
    adapters = "schemaEngineDriverAdapters" in _declared_features(schema)
    prisma7 = not adapters and _url_less(schema)
    config.prisma7 = prisma7
    for f in schema.files:
        sources = [t for t in f.tops if isinstance(t, ast.SourceConfig)]
        loaded = [ds for ds in (_datasource(s, config.diags, adapters) for s in sources) if ds is not None]
        if len(loaded) > 1:
            for s in sources:
                config.diags.error(
                    f"Error validating datasource `{s.name.name}`: You defined more than one datasource. This is "
                    "not allowed yet because support for multiple databases has not been implemented yet.",
                    s.span,
                )
        config.datasources.extend(loaded)
        for top in f.tops:
            if isinstance(top, ast.GeneratorConfig):
                gen = _generator(top, config.diags, provider, prisma7)
                if gen is not None:
                    config.generators.append(gen)
    return config


def _declared_features(schema: ast.SchemaAst) -> set[str]:
    """The preview feature names written in generators (no validation), canonical spelling."""
    out: set[str] = set()
    for gen in schema.generators():
        for prop in gen.properties:
            if prop.name.name == "previewFeatures" and isinstance(prop.value, ast.ArrayExpression):
                for e in prop.value.elements:
                    if isinstance(e, ast.StringValue):
                        out.add(_ALL_FEATURES.get(e.value.lower(), e.value))
    return out


def _url_less(schema: ast.SchemaAst) -> bool:
    """A datasource without ``url``: the schema follows Prisma 7's rules."""
    sources = schema.datasources()
    return bool(sources) and all(p.name.name != "url" for ds in sources for p in ds.properties)


def _first_provider(schema: ast.SchemaAst) -> str | None:
    for ds in schema.datasources():
        for prop in ds.properties:
            if prop.name.name == "provider" and isinstance(prop.value, ast.StringValue):
                return PROVIDERS.get(prop.value.value, prop.value.value)
    return None


def _properties(
    block: ast.SourceConfig | ast.GeneratorConfig, kind: str, diags: Diagnostics
) -> dict[str, ast.ConfigBlockProperty] | None:
    out: dict[str, ast.ConfigBlockProperty] = {}
    for prop in block.properties:
        if prop.value is None:
            diags.error(
                f"Property {prop.name.name} in {kind} {block.name.name} needs to be assigned a value", block.span
            )
            return None
        out[prop.name.name] = prop
    return out


def _generator(gen: ast.GeneratorConfig, diags: Diagnostics, provider: str | None, prisma7: bool = False) -> Generator | None:
    args = _properties(gen, "generator", diags)
    if args is None:
        return None
    engine = args.get("engineType")
    if engine is not None and engine.value is not None and not isinstance(engine.value, ast.StringValue):
        _mismatch(diags, "String", engine.value)
    prov = args.pop("provider", None)
    if prov is None or prov.value is None:
        diags.error(f'Argument "provider" is missing in generator block "{gen.name.name}".', gen.span)
        return None
    provider_value = env_string(diags, prov.value)
    if provider_value is None:
        return None
    out_prop = args.pop("output", None)
    output = env_string(diags, out_prop.value) if out_prop is not None and out_prop.value is not None else None
    targets = args.pop("binaryTargets", None)
    if targets is not None and targets.value is not None:
        _array(diags, targets.value, env_string)
    features: set[str] = set()
    pf = args.pop("previewFeatures", None)
    if pf is not None and pf.value is not None:
        names = _array(diags, pf.value, _string)
        if names is not None:
            features = _preview_features(names, pf.value.span, diags, provider, prisma7)
    return Generator(gen, gen.name.name, provider_value, output, features)


def _preview_features(
    names: list[str], span: Span, diags: Diagnostics, provider: str | None, prisma7: bool = False
) -> set[str]:
    out: set[str] = set()
    hidden = PRISMA7_HIDDEN_FEATURES if prisma7 else HIDDEN_FEATURES
    valid = {f.lower() for f in (*_active_features(provider, prisma7), *hidden)}
    for raw in names:
        canonical = _ALL_FEATURES.get(raw.lower())
        if canonical is not None and canonical in DEPRECATED_FEATURES:
            renamed = RENAMED_FEATURES.get((canonical, provider or ""))
            if renamed is not None:
                out.add(renamed[0])
                diags.warning(
                    f'On `provider = "{provider}"`, preview feature "{raw}" has been renamed to "{renamed[0]}". '
                    f"Learn more at https://pris.ly/d/{renamed[1]}.",
                    span,
                )
            else:
                out.add(canonical)
                diags.warning(
                    f'Preview feature "{raw}" is deprecated. The functionality can be used without specifying it '
                    "as a preview feature.",
                    span,
                )
        elif canonical is not None and canonical.lower() in valid:
            out.add(canonical)
            if canonical in REMOVED_SOON_FEATURES and not prisma7:
                diags.warning(
                    f'Preview feature "{raw}" is deprecated. It will be removed in a future version of Prisma.', span
                )
        else:
            diags.error(
                f'The preview feature "{raw}" is not known. Expected one of: {", ".join(_active_features(provider, prisma7))}',
                span,
            )
    return out


def _datasource(src: ast.SourceConfig, diags: Diagnostics, driver_adapters: bool) -> Datasource | None:
    """``driver_adapters``: the schemaEngineDriverAdapters preview feature, with which a SQLite
    datasource needs no ``url``."""
    name = src.name.name
    args = _properties(src, "datasource", diags)
    if args is None:
        return None
    prov = args.pop("provider", None)
    if prov is None or prov.value is None:
        diags.error(f'Argument "provider" is missing in data source block "{name}".', src.span)
        return None
    if is_env(prov.value):
        diags.error("A datasource must not use the env() function in the provider argument.", src.span)
        return None
    if not isinstance(prov.value, ast.StringValue):
        diags.error(
            f"Error validating datasource `{name}`: The provider argument in a datasource must be a string literal",
            prov.value.span,
        )
        return None
    if prov.value.value == "":
        diags.error(
            f"Error validating datasource `{name}`: The provider argument in a datasource must not be empty",
            prov.value.span,
        )
        return None
    provider = PROVIDERS.get(prov.value.value)
    if provider is None:
        diags.error(f'Datasource provider not known: "{prov.value.value}".', prov.value.span)
        return None

    relation_mode = _relation_mode(args, src, diags, provider)
    extensions: list[str] = []
    extensions_span = None
    if provider == "postgresql" and "extensions" in args:
        ext = args.pop("extensions")
        assert ext.value is not None
        extensions_span = property_span(ext)
        extensions = _extensions(ext.value, diags)

    url_prop = args.pop("url", None)
    url: EnvString | None = None
    if url_prop is not None and url_prop.value is not None:
        url = env_string(diags, url_prop.value)
        if url is None:
            return None
    elif driver_adapters and provider == "sqlite":
        url = EnvString(value="<invalid>", span=src.span)
    elif driver_adapters:
        # Prisma 6's preview feature: a Prisma 6 schema, whose non-SQLite datasource needs a url
        diags.error(f'Argument "url" is missing in data source block "{name}".', src.span)
        return None
    else:
        # Prisma 7: the URLs live in prisma.config.ts; the schema may not name them
        for moved in ("shadowDatabaseUrl", "directUrl"):
            prop = args.pop(moved, None)
            if prop is not None:
                diags.error(
                    f"The datasource property `{moved}` is no longer supported in schema files. Move connection "
                    "URLs to `prisma.config.ts`. See https://pris.ly/d/config-datasource",
                    property_span(prop),
                )

    shadow = None
    shadow_prop = args.pop("shadowDatabaseUrl", None)
    if shadow_prop is not None and shadow_prop.value is not None:
        shadow = env_string(diags, shadow_prop.value)
        if shadow is not None and shadow.value == "":
            shadow = None
    direct = None
    direct_prop = args.pop("directUrl", None)
    if direct_prop is not None and direct_prop.value is not None:
        direct = env_string(diags, direct_prop.value)
    if shadow is not None:
        suffix = "Please specify a different database as shadow database to avoid data loss."
        if direct is not None and shadow.same_as(direct) and direct_prop is not None and direct_prop.value is not None:
            diags.error(
                f'shadowDatabaseUrl is the same as directUrl for datasource "{name}". {suffix}', direct_prop.value.span
            )
        if url is not None and shadow.same_as(url) and url.span is not None:
            diags.error(f'shadowDatabaseUrl is the same as url for datasource "{name}". {suffix}', url.span)

    guard = args.pop("previewFeatures", None)
    if guard is not None:
        diags.error(
            "Preview features are only supported in the generator block. Please move this field to the generator "
            "block.",
            property_span(guard),
        )

    schemas: list[tuple[str, Span]] = []
    schemas_span = None
    sch = args.pop("schemas", None)
    if sch is not None and sch.value is not None:
        items = _array(diags, sch.value, _string_with_span)
        if items is not None:
            if provider not in MULTI_SCHEMA_PROVIDERS:
                diags.error("The `schemas` property is not supported on the current connector.", sch.value.span)
            elif not items:
                diags.error("If provided, the schemas array can not be empty.", sch.value.span)
            else:
                items.sort(key=lambda p: p[0])
                for a, b in zip(items, items[1:]):
                    if a[0] == b[0]:
                        diags.error("Duplicated schema names are not allowed", a[1])
                schemas, schemas_span = items, sch.value.span

    for prop_name, prop in args.items():
        diags.error(f'Property not known: "{prop_name}".', property_span(prop))

    return Datasource(
        node=src,
        name=name,
        provider=provider,
        url=url,
        direct_url=direct,
        shadow_database_url=shadow,
        relation_mode=relation_mode,
        schemas=schemas,
        schemas_span=schemas_span,
        extensions=extensions,
        extensions_span=extensions_span,
    )


def property_span(prop: ast.ConfigBlockProperty) -> Span:
    """``name = value``, without what follows the value on its line."""
    end = prop.value.span.end if prop.value is not None else prop.name.span.end
    return Span(prop.span.start, end, prop.span.file_id)


def _string_with_span(diags: Diagnostics, expr: ast.Expression) -> tuple[str, Span] | None:
    value = _string(diags, expr)
    return (value, expr.span) if value is not None else None


def _relation_mode(
    args: dict[str, ast.ConfigBlockProperty], src: ast.SourceConfig, diags: Diagnostics, provider: str
) -> str | None:
    legacy = args.get("referentialIntegrity")
    if legacy is not None:
        diags.warning(
            "The `referentialIntegrity` attribute is deprecated. Please use `relationMode` instead. Learn more at "
            "https://pris.ly/d/relation-mode",
            property_span(legacy),
        )
    mode = args.pop("relationMode", None)
    legacy = args.pop("referentialIntegrity", None)
    if mode is not None and legacy is not None:
        diags.error(
            "The `referentialIntegrity` and `relationMode` attributes cannot be used together. Please use only "
            "`relationMode` instead.",
            property_span(legacy),
        )
        return None
    prop = mode or legacy
    if prop is None or prop.value is None:
        return None
    value = _string(diags, prop.value)
    if value is None:
        return None
    if value not in ("prisma", "foreignKeys"):
        diags.error(
            f'Error validating datasource `relationMode`: Invalid relation mode setting: "{value}". '
            'Supported values: "prisma", "foreignKeys"',
            src.span,
        )
        return None
    allowed = ("prisma",) if provider == "mongodb" else ("foreignKeys", "prisma")
    if value not in allowed:
        supported = ", ".join(f'"{v}"' for v in allowed)
        diags.error(
            f'Error validating datasource `relationMode`: Invalid relation mode setting: "{value}". '
            f"Supported values: {supported}",
            prop.value.span,
        )
    return value


def _extensions(expr: ast.Expression, diags: Diagnostics) -> list[str]:
    out: list[str] = []
    items = expr.elements if isinstance(expr, ast.ArrayExpression) else [expr]
    for item in items:
        if isinstance(item, ast.ConstantValue):
            out.append(item.value)
        elif isinstance(item, ast.FunctionCall):
            out.append(item.name)
            _extension_args(item, diags)
        else:
            diags.error(
                f"Expected a constant or function value, but received {describe_value_type(item)} value "
                f"`{render_expr(item)}`.",
                item.span,
            )
    return sorted(out)


def _extension_args(call: ast.FunctionCall, diags: Diagnostics) -> None:
    seen: set[str] = set()
    for arg in call.arguments.arguments:
        if arg.name is None:
            diags.error("Error validating: The argument must have a name", arg.span)
            continue
        if arg.name.name in seen:
            diags.error(f"Error validating: The argument `{arg.name.name}` can only be defined once", arg.span)
            continue
        seen.add(arg.name.name)
        if not isinstance(arg.value, ast.StringValue):
            _mismatch(diags, "string", arg.value)
            if arg.name.name in ("map", "schema", "version"):
                diags.error(f"Error validating: The `{arg.name.name}` argument must be a string literal", arg.span)
        if arg.name.name not in ("map", "schema", "version"):
            diags.error(f'Argument not known: "{arg.name.name}".', arg.span)


# ------------------------------------------------------------------ readers for other code


def datasource_url(schema: ast.SchemaAst) -> EnvString | None:
    """The ``url`` of the first datasource (literal or ``env("VAR")``), without validation."""
    for ds in schema.datasources():
        for prop in ds.properties:
            if prop.name.name == "url" and prop.value is not None:
                return env_string(Diagnostics(), prop.value)
    return None


def generators(schema: ast.SchemaAst) -> list[tuple[str, EnvString | None, EnvString | None]]:
    """``(name, provider, output)`` of every generator block, in source order, without validation."""
    out = []
    for gen in schema.generators():
        props = {p.name.name: p.value for p in gen.properties if p.value is not None}
        provider = env_string(Diagnostics(), props["provider"]) if "provider" in props else None
        output = env_string(Diagnostics(), props["output"]) if "output" in props else None
        out.append((gen.name.name, provider, output))
    return out
