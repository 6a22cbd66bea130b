"""``schemashift generate``: write a typed Python client package from the schema.

The schema names the generator::

    generator client {
      provider = "schemashift-py"
      output   = "../prisma_client"   // optional, relative to the schema's folder
    }

Without ``output`` the package is ``prisma_client`` in the schema's folder (next to
``schema.prisma``, so ``prisma/seed.py`` imports it directly). The package holds ``models.py``
(enums as ``enum.Enum``, one dataclass per model), ``types.py`` (the TypedDict arguments:
``<Model>WhereInput``, ``<Model>WhereUniqueInput``, ``<Model>CreateInput``, ``<Model>UpdateInput``,
``<Model>OrderByInput``, ``<Model>Include``, ``<Model>Select``), ``client.py`` (the schema facts
and one typed delegate per model) and ``py.typed``; it passes ``mypy --strict``. Table and column
names come from the lowering (``@map``/``@@map``); the runtime is :mod:`schemashift.client`.
"""

from __future__ import annotations

import keyword
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemashift.client.meta import EnumMeta, FieldMeta, ModelMeta, RelationMeta, SchemaMeta
from schemashift.errors import SchemashiftError

__all__ = [
    "PROVIDER",
    "GeneratorConfig",
    "find_generators",
    "skipped_generators",
    "build_meta",
    "render_package",
    "generate",
]

PROVIDER = "schemashift-py"
DEFAULT_OUTPUT = "prisma_client"
#: prisma-client-py's generator provider strings (its users' schemas run unchanged); also any
#: command that runs its module or script (``python3 -m prisma``, ``poetry run prisma-client-py``,
#: ``coverage run -m prisma``): see :func:`is_prisma_py_provider`
PRISMA_PY_PROVIDERS = ("prisma-client-py", "python -m prisma")


def is_prisma_py_provider(provider: str) -> bool:
    words = provider.split()
    return provider in PRISMA_PY_PROVIDERS or (
        bool(words) and (words[-1] == "prisma-client-py" or words[-2:] == ["-m", "prisma"])
    )
#: the file that marks a folder as a schemashift-generated ``prisma`` package (safe to replace)
PRISMA_PY_MARKER = ".schemashift-generated"

PY_TYPES = {
    "String": "str",
    "Int": "int",
    "BigInt": "int",
    "Float": "float",
    "Decimal": "Decimal",
    "Boolean": "bool",
    "DateTime": "datetime",
    "Json": "JsonValue",
    "Bytes": "bytes",
}
FILTERS = {
    "String": "StringFilter",
    "Int": "IntFilter",
    "BigInt": "BigIntFilter",
    "Float": "FloatFilter",
    "Decimal": "DecimalFilter",
    "Boolean": "BoolFilter",
    "DateTime": "DateTimeFilter",
    "Json": "JsonFilter",
    "Bytes": "BytesFilter",
}
UPDATE_OPS = {"Int": "IntUpdateOps", "BigInt": "BigIntUpdateOps", "Float": "FloatUpdateOps", "Decimal": "DecimalUpdateOps"}


class GenerateError(SchemashiftError):
    pass


@dataclass(frozen=True)
class GeneratorConfig:
    name: str
    output: Path
    flavor: str = PROVIDER  # PROVIDER, or "prisma-client-py" (the prisma-client-py compatible package)
    interface: str = "asyncio"  # prisma-client-py's `interface`: "asyncio" | "sync"
    partial_type_generator: str | None = None  # prisma-client-py: a script path or module, run after generating


def prisma_py_default_output() -> Path:
    """Where a ``prisma-client-py`` generator without ``output`` writes: the ``prisma`` package in
    the running interpreter's site-packages, where prisma-client-py itself generates (so
    ``from prisma import Prisma`` works unchanged in that environment)."""
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"]) / "prisma"


@dataclass
class GenerateResult:
    output: Path
    models: int
    files: list[Path] = field(default_factory=list)
    flavor: str = PROVIDER  # the generator's kind: PROVIDER or "prisma-client-py"


def _prop(block: object, name: str) -> object:
    for p in getattr(block, "properties", []):
        if p.name.name == name:
            return p.value
    return None


def find_generators(schema_ast: object, schema_dir: Path) -> list[GeneratorConfig]:
    """The ``schemashift-py`` generator blocks, with their output folders resolved."""
    from schemashift.psl import ast

    out: list[GeneratorConfig] = []
    for g in schema_ast.generators():  # type: ignore[attr-defined]
        provider = _prop(g, "provider")
        if isinstance(provider, ast.StringValue) and is_prisma_py_provider(provider.value):
            output = _prop(g, "output")
            interface = _prop(g, "interface")
            shown = interface.value if isinstance(interface, ast.StringValue) else "asyncio"
            if shown not in ("asyncio", "sync"):
                raise GenerateError(
                    f'The generator `{g.name.name}`: interface must be "asyncio" or "sync", not "{shown}".'
                )
            # recursive_type_depth, enable_experimental_decimal: accepted (the generated types are
            # not recursive, Decimal is always on)
            target = (schema_dir / output.value).resolve() if isinstance(output, ast.StringValue) else prisma_py_default_output()
            partials = _prop(g, "partial_type_generator")
            script = None
            if isinstance(partials, ast.StringValue) and partials.value:
                script = partials.value
                if script.endswith(".py") and not Path(script).is_absolute():
                    script = str((schema_dir / script).resolve())
            out.append(GeneratorConfig(g.name.name, target, "prisma-client-py", shown, script))
            continue
        if not (isinstance(provider, ast.StringValue) and provider.value == PROVIDER):
            continue
        output = _prop(g, "output")
        folder = output.value if isinstance(output, ast.StringValue) else DEFAULT_OUTPUT
        out.append(GeneratorConfig(g.name.name, (schema_dir / folder).resolve()))
    return out


def skipped_generators(schema_ast: object) -> list[tuple[str, str]]:
    """``(name, provider)`` of the generator blocks schemashift does not run (every provider but
    ``schemashift-py``), for ``generate`` and ``migrate dev`` to name them."""
    from schemashift.psl import ast

    out: list[tuple[str, str]] = []
    for g in schema_ast.generators():  # type: ignore[attr-defined]
        provider = _prop(g, "provider")
        if isinstance(provider, ast.StringValue):
            if provider.value == PROVIDER or is_prisma_py_provider(provider.value):
                continue
            shown = provider.value
        else:
            shown = "(not a string)" if provider is None else "(from the environment)"
        out.append((g.name.name, shown))
    return out


def _literal(value: object) -> Any:
    """A literal default as the client keeps it (``None``: not a literal)."""
    from schemashift.psl import ast

    if isinstance(value, ast.StringValue):
        return value.value
    if isinstance(value, ast.NumericValue):
        text = value.value
        return float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, ast.ConstantValue):
        return {"true": True, "false": False}.get(value.value, value.value)
    if isinstance(value, ast.ArrayExpression):
        items = [_literal(v) for v in value.elements]
        return None if any(i is None for i in items) else items
    return None


def _default(f_info: object, autoincrement: bool) -> tuple[str | None, int | None]:
    from schemashift.psl import ast

    if autoincrement:
        return "autoincrement", None
    value = getattr(f_info, "default_value", None)
    if value is None:
        return None, None
    if isinstance(value, ast.FunctionCall):
        args = [a.value for a in value.arguments.arguments]
        number = int(args[0].value) if args and isinstance(args[0], ast.NumericValue) else None
        if value.name == "cuid":
            return ("cuid2" if number == 2 else "cuid"), None
        if value.name == "uuid":
            return ("uuid7" if number == 7 else "uuid"), None
        if value.name == "nanoid":
            return "nanoid", number
        if value.name in ("ulid", "now"):
            return value.name, None
        if value.name == "autoincrement":
            return "autoincrement", None
    return "db", None


def build_meta(
    files: Sequence[tuple[str, str]],
    package_dir: Path,
    schema_dir: Path,
    url_source: tuple[str | None, str | None, Path] | None = None,
) -> SchemaMeta:
    """Validate and lower the schema; the facts the generated client needs. ``url_source``: the
    URL configured outside the schema (``Project.client_url_source``: Prisma 7's prisma.config.ts),
    which wins over the schema's as for every command."""
    from schemashift.errors import SchemaValidationError
    from schemashift.lower import lower_schema
    from schemashift.psl import analyze_files, ast

    schema_ast, ctx, diags = analyze_files(files)
    if diags.has_errors():
        raise SchemaValidationError(files, diags.all())
    provider = ctx.provider or ""
    if provider not in ("postgresql", "mysql", "sqlite"):  # (cockroachdb: no lowering rules, it crashed)
        raise GenerateError(f"The Python client supports sqlite, postgresql and mysql, not `{provider}`.")
    lowered = lower_schema(schema_ast, provider)
    sql_type = None
    if provider == "postgresql":
        from dataclasses import replace

        from schemashift.dialects import get_dialect

        pg = get_dialect("postgresql")

        def sql_type(column: Any) -> str | None:
            return str(pg.render_type(replace(column, autoincrement=False)))  # type: ignore[attr-defined]
    models = [m for m in schema_ast.models() if not m.is_view]
    tables = {m.name.name: t for m, t in zip(models, lowered.tables)}
    enums: dict[str, EnumMeta] = {}
    for name, enum in ctx.enums.items():
        enum_info = ctx.enum_infos.get(name)
        mapped = enum_info.value_db_names if enum_info else {}
        enums[name] = EnumMeta(name, {v.name.name: mapped.get(v.name.name, v.name.name) for v in enum.values})
    out: dict[str, ModelMeta] = {}
    for model in models:
        name = model.name.name
        info = ctx.models[name]
        if info.is_ignored:
            continue
        table = tables[name]
        columns = iter(table.columns)
        fields: list[FieldMeta] = []
        relations: list[RelationMeta] = []
        for f in model.fields:
            fi = info.fields.get(f.name.name)
            if fi is None:
                continue
            if fi.kind == "model":
                continue
            column = next(columns)
            if fi.kind not in ("scalar", "enum") or fi.is_ignored:
                continue  # Unsupported(...) and ignored fields are not in the client
            if keyword.iskeyword(f.name.name):
                raise GenerateError(f"The field `{name}.{f.name.name}` is a Python keyword; rename it (and @map it).")
            default, arg = _default(fi, column.autoincrement)
            fields.append(
                FieldMeta(
                    name=f.name.name,
                    column=column.name,
                    type=fi.target or "",
                    kind=fi.kind,
                    optional=f.arity is ast.FieldArity.OPTIONAL,
                    is_list=f.arity is ast.FieldArity.LIST,
                    default=default,
                    default_arg=arg,
                    updated_at=fi.is_updated_at,
                    native=column.type.native,
                    sql_type=sql_type(column) if sql_type is not None else None,
                    default_value=_literal(fi.default_value) if default == "db" else None,
                )
            )
        for f in model.fields:
            fi = info.fields.get(f.name.name)
            if fi is None or fi.kind != "model" or fi.target not in tables or fi.is_ignored:
                continue
            if ctx.models[fi.target].is_ignored:
                continue  # relations to @@ignore'd models are not in the client
            rel = _relation(ctx, lowered, name, f.name.name, fi.target, f.arity)
            if rel is not None:
                relations.append(rel)
        pk = tuple(info.primary_key.fields) if info.primary_key else ()
        uniques = tuple(tuple(i.fields) for i in info.indexes if i.kind == "unique" and all("." not in x for x in i.fields))
        named: list[tuple[str, tuple[str, ...]]] = []
        if info.primary_key and len(pk) > 1:
            named.append((info.primary_key.name or "_".join(pk), pk))
        for i in info.indexes:
            if i.kind == "unique" and len(i.fields) > 1 and all("." not in x for x in i.fields):
                named.append((i.name or "_".join(i.fields), tuple(i.fields)))
        out[name] = ModelMeta(
            name, table.name, tuple(fields), pk, tuple(relations), uniques, table.schema,
            compound_names=tuple(named), doc=model.documentation,
        )
    url_env: str | None = None
    url: str | None = None
    for ds in schema_ast.datasources():
        value = _prop(ds, "url")
        if isinstance(value, ast.FunctionCall) and value.name == "env" and value.arguments.arguments:
            env_arg = value.arguments.arguments[0].value
            url_env = env_arg.value if isinstance(env_arg, ast.StringValue) else None
        elif isinstance(value, ast.StringValue):
            url = value.value
    url_dir = schema_dir
    if url_source is not None and (url_source[0] or url_source[1]):
        url_env, url, url_dir = url_source
    if url_env is None and url is None:
        url_env = "DATABASE_URL"  # Prisma 7 style: the url lives outside the schema
    return SchemaMeta(
        provider="postgresql" if provider == "cockroachdb" else provider,
        models=out,
        enums=enums,
        url_env=url_env,
        url=url,
        schema_dir=os.path.relpath(url_dir, package_dir),
    )


def _relation(ctx: object, lowered: object, model: str, field_name: str, target: str, arity: object) -> RelationMeta | None:
    from schemashift.psl import ast

    is_list = arity is ast.FieldArity.LIST
    optional = arity is ast.FieldArity.OPTIONAL
    for r in ctx.relations:  # type: ignore[attr-defined]
        sides = {(r.model_a, r.field_a), (r.model_b, r.field_b)}
        if (model, field_name) not in sides:
            continue
        if r.kind == "many_to_many":
            table = "_" + r.relation_name
            names = {t.name for t in lowered.tables}  # type: ignore[attr-defined]
            if table not in names:
                table = next((t for t in names if t.startswith(table[:40])), table)
            mine_is_a = (r.model_a, r.field_a) == (model, field_name)
            return RelationMeta(
                field_name, target, True, False, join_table=table,
                join_local="A" if mine_is_a else "B", join_remote="B" if mine_is_a else "A",
            )
        if r.field_a is None:
            return None
        rf = ctx.relation_fields[(r.model_a, r.field_a)]  # type: ignore[attr-defined]
        fields, references = tuple(rf.fields or ()), tuple(rf.references or ())
        if (r.model_a, r.field_a) == (model, field_name):
            return RelationMeta(
                field_name, target, is_list, optional, local=fields, remote=references, holds_foreign_key=True
            )
        return RelationMeta(field_name, target, is_list, optional, local=references, remote=fields)
    return None


def generate(
    files: Sequence[tuple[str, str]],
    schema_dir: Path,
    generators: Sequence[GeneratorConfig],
    url_source: tuple[str | None, str | None, Path] | None = None,
) -> list[GenerateResult]:
    from schemashift.generate.render import render_package

    results: list[GenerateResult] = []
    for g in generators:
        meta = build_meta(files, g.output, schema_dir, url_source)
        if g.flavor != PROVIDER:
            from schemashift.generate.render_prisma_py import render_prisma_package

            rendered = render_prisma_package(meta, g.interface)
            rendered[PRISMA_PY_MARKER] = "generated by schemashift generate (prisma-client-py compatible)\n"
            if g.output.exists() and any(g.output.iterdir()) and not (g.output / PRISMA_PY_MARKER).is_file():
                raise GenerateError(
                    f"The output folder {g.output} exists and is not a schemashift-generated client; not "
                    "overwriting it (if it is prisma-client-py's own package, `pip uninstall prisma` first)."
                )
        else:
            rendered = render_package(meta)
        if g.flavor == PROVIDER and g.output.exists() and not (g.output / "client.py").is_file():
            if any(g.output.iterdir()):
                raise GenerateError(f"The output folder {g.output} exists and is not a generated client; not overwriting it.")
        if g.output.exists():
            shutil.rmtree(g.output)
        g.output.mkdir(parents=True)
        written = []
        for name, text in rendered.items():
            path = g.output / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
        if g.flavor != PROVIDER and g.partial_type_generator:
            from schemashift.generate.render_prisma_py import render_partials

            specs = _run_partial_generator(g.output, g.partial_type_generator)
            (g.output / "partials.py").write_text(render_partials(meta, specs), encoding="utf-8")
        results.append(GenerateResult(g.output, len(meta.models), written, g.flavor))
    return results


_PARTIALS_RUNNER = """
import json, runpy, sys
sys.path.insert(0, sys.argv[1])
import prisma.client, prisma.models
from schemashift.client import prisma_py
prisma_py._PARTIAL_META["meta"] = prisma.client.META
script = sys.argv[2]
if script.endswith(".py"):
    runpy.run_path(script, run_name="__main__")
else:
    runpy.run_module(script, run_name="__main__")
json.dump(prisma.models.PARTIALS, sys.stdout)
"""


def _run_partial_generator(package: Path, script: str) -> list[dict[str, Any]]:
    """Run prisma-client-py's ``partial_type_generator`` (a script path or a module) against the
    freshly written package, in a child interpreter; the ``create_partial`` calls it made."""
    import json
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _PARTIALS_RUNNER, str(package.parent), script],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(package.parent), os.environ.get("PYTHONPATH")]))},
    )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise GenerateError(f"The partial type generator `{script}` failed: {lines[-1] if lines else 'exit ' + str(proc.returncode)}")
    specs: list[dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "[]")
    return specs


def render_package(meta: SchemaMeta) -> dict[str, str]:
    from schemashift.generate.render import render_package as _render

    return _render(meta)
