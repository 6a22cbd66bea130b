"""The two sides of ``migrate diff``: each a schema file, a live database, a migrations folder,
or the empty database, turned into the neutral model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.errors import UsageError

if TYPE_CHECKING:  # imported where used: on a big schema they load while a forked child validates
    from schemashift.connectors.base import Connector
    from schemashift.connectors.url import ConnectionUrl
    from schemashift.dialects import Dialect
    from schemashift.diff import steps as st
    from schemashift.model import Column, Schema, Table
    from schemashift.prisma_config import PrismaConfig
    from schemashift.psl.background import BackgroundValidation


@dataclass(frozen=True)
class Source:
    kind: str  # empty | schema-datamodel | schema-datasource | config-datasource | url | migrations
    value: str | None = None
    #: the environment ``env("...")`` reads, ``.env`` files merged in without touching
    #: ``os.environ`` (the library API); None: ``os.environ``, ``.env`` files loaded into it (the CLI)
    env: Mapping[str, str] | None = field(default=None, compare=False)


def _config_datasource(env: Mapping[str, str] | None = None) -> "tuple[list[tuple[str, str]], ConnectionUrl]":
    """Prisma 7's ``--from/--to-config-datasource``: the project's schema files and the database its
    configuration names (``prisma.config.ts``, ``[tool.schemashift]``, the schema's ``url``, ``DATABASE_URL``)."""
    from schemashift.config import load_project
    from schemashift.connectors import parse_url

    project = load_project(env=env)
    files = project.read()
    ds = project.datasource(files)
    return files, parse_url(ds.migration_url, ds.base_dir or project.schema.directory)


@dataclass
class DiffResult:
    dialect: Dialect
    previous: Schema
    next: Schema
    steps: list[st.Step] = field(default_factory=list)
    #: validations still running in a forked child (``resolve_pair(..., late_check=True)``):
    #: each the child and the position of the schema in it
    pending: list[tuple[BackgroundValidation, int]] = field(default_factory=list, repr=False)

    def script(self) -> str:
        from schemashift.migrations import engine

        text = engine.render(self.steps, self.dialect)
        self.check()
        return text

    def summary(self) -> str:
        from schemashift.migrations import engine

        text = engine.summary(self.steps) + "\n"
        self.check()
        return text

    def check(self) -> None:
        """Wait for the background validations; raise Prisma's P1012 error when one failed."""
        _check(self.pending)


def _schema_files(path: str, env: Mapping[str, str] | None = None) -> tuple[list[tuple[str, str]], Path]:
    from schemashift.config import find_schema, load_env, read_schema

    location = find_schema(path)
    if env is None:
        load_env(location)
    return read_schema(location), location.directory


def _source_env(source: Source) -> Mapping[str, str] | None:
    """The variables a schema-datasource source resolves ``env("...")`` with (None: ``os.environ``)."""
    if source.env is None or source.value is None:
        return None
    from schemashift.config import find_schema, read_env

    return read_env(find_schema(source.value), source.env)[1]


#: parse results of schema files, from _provider_of_files to _load (popped there)
_PARSED: dict[tuple[tuple[str, str], ...], object] = {}


def _key(files: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(files)


def _provider_of_files(files: list[tuple[str, str]]) -> str:
    """The schema's provider; no datasource, one without a provider or a provider schemashift has
    no dialect for are the user's errors (Prisma: "There is no datasource in the schema.")."""
    from schemashift.config import supported_provider
    from schemashift.errors import NoDatasourceError, SchemaValidationError
    from schemashift.lower import LoweringError, provider_of
    from schemashift.psl import parse_files, validate_files

    parsed = parse_files(files)
    _PARSED[_key(files)] = parsed  # handed to _load: a big schema is parsed once
    where = ", ".join(name for name, _ in files)
    try:
        p = provider_of(parsed[0])
    except LoweringError:
        diagnostics = validate_files(files)  # a datasource without a provider: Prisma's P1012
        if any(d.is_error for d in diagnostics):
            raise SchemaValidationError(files, diagnostics) from None
        raise NoDatasourceError(where) from None
    return supported_provider(p, where)


def _provider(source: Source) -> str | None:
    """The provider a source implies, when it implies one without I/O."""
    if source.kind in ("schema-datamodel", "schema-datasource"):
        assert source.value is not None
        return _provider_of_files(_schema_files(source.value, source.env)[0])
    if source.kind == "config-datasource":
        return _provider_of_files(_config_datasource(source.env)[0])
    if source.kind == "url":
        from schemashift.connectors import parse_url

        assert source.value is not None
        return parse_url(source.value).provider
    if source.kind == "migrations":
        from schemashift.migrations.folder import read_lock_provider

        assert source.value is not None
        p = read_lock_provider(Path(source.value))
        return {"postgres": "postgresql"}.get(p, p) if p else None
    return None


def _load(
    source: Source,
    provider: str,
    shadow_url: str | None,
    checked_elsewhere: bool = False,
    flavour: dict[str, object] | None = None,
) -> Schema:
    """The source's schema; a live database adds its dialect flavour (MariaDB) to ``flavour``."""
    from schemashift.connectors import connect, parse_url
    from schemashift.migrations import engine

    if source.kind == "empty":
        return engine.empty_schema(provider)
    if source.kind == "config-datasource":
        files, url = _config_datasource(source.env)
        with connect(url) as conn:
            _follow_schema(conn, files, flavour)
            return engine.describe(conn)
    assert source.value is not None
    if source.kind == "schema-datamodel":
        files, _ = _schema_files(source.value, source.env)
        parsed = _PARSED.pop(_key(files), None)
        if parsed is None:
            from schemashift.psl import parse_files

            parsed = parse_files(files)
        if flavour is not None and engine.prisma_major_of(parsed[0]) == 7:  # type: ignore[index]
            flavour["prisma_major"] = 7
        return engine.target_schema(files, provider, parsed=parsed, validate=not checked_elsewhere)  # type: ignore[arg-type]
    if source.kind in ("schema-datasource", "url"):
        if source.kind == "url":
            url = parse_url(source.value)
        else:
            from schemashift.config import resolve_datasource

            files, base = _schema_files(source.value, source.env)
            url = parse_url(resolve_datasource(files, env=_source_env(source)).url, base)
        with connect(url) as conn:
            if source.kind == "schema-datasource":
                _follow_schema(conn, files, flavour)
            elif flavour is not None:
                flavour.update(conn.dialect_options())
            return engine.describe(conn)
    from schemashift.migrations.folder import list_migrations
    from schemashift.migrations.shadow import history_end_state

    migrations = list_migrations(Path(source.value))
    init = _init_shadow_db(source.env)
    if shadow_url:
        return history_end_state(None, migrations, shadow_url=parse_url(shadow_url), init_script=init)
    if provider != "sqlite":
        raise UsageError(
            "You must pass the --shadow-database-url if you want to diff a migrations directory "
            "on a database server."
        )
    return history_end_state(parse_url("file:schemashift-shadow.db"), migrations, init_script=init)


def _follow_schema(conn: "Connector", files: list[tuple[str, str]], flavour: dict[str, object] | None) -> None:
    """A database named by a schema (``--from-config-datasource``, ``--from-schema-datasource``):
    described with the schema's ``schemas`` (multi-schema)."""
    from schemashift.migrations import engine
    from schemashift.psl import parse_files

    conn.namespaces = engine.schema_namespaces(parse_files(files)[0])
    if flavour is not None:
        flavour.update(conn.dialect_options())


def _project_config() -> "PrismaConfig | None":
    """The ``prisma.config.ts`` of the current directory (Prisma 7's ``migrate diff`` reads its
    ``tables.external``, ``enums.external`` and ``migrations.initShadowDb``)."""
    from schemashift.prisma_config import find_config

    return find_config(Path.cwd())


def _init_shadow_db(env: Mapping[str, str] | None) -> str:
    from schemashift.config import init_shadow_db

    return init_shadow_db(_project_config(), env)


def resolve_pair(from_: Source, to: Source, shadow_url: str | None, late_check: bool = False) -> DiffResult:
    """The diff between two sources.

    Big schema files are validated in a forked child while this process lowers and diffs them
    (:mod:`schemashift.psl.background`). With ``late_check`` the verdict is awaited by
    :meth:`DiffResult.script` / :meth:`DiffResult.summary` after rendering, so rendering overlaps
    it too; otherwise before returning. Either way nothing derived from an invalid schema is
    returned or printed.
    """
    from schemashift.psl import gc_paused

    pending = _start_validations((from_, to))
    try:
        with gc_paused():  # big acyclic trees (AST, model): the cyclic GC only slows them down
            result = _resolve_pair(from_, to, shadow_url, pending)
    except Exception:
        _check(list(pending.values()))  # an invalid schema explains the failure better than lowering it did
        raise
    except BaseException:
        for validation, _ in pending.values():
            validation.cancel()
        raise
    finally:
        _PARSED.clear()
    if not late_check:
        result.check()
    return result


def _start_validations(sources: tuple[Source, ...]) -> dict[Source, tuple[BackgroundValidation, int]]:
    """One forked child validating every big schema source, in order; {source: (child, index)}."""
    from schemashift.psl.background import BackgroundValidation, worthwhile

    big: dict[Source, list[tuple[str, str]]] = {}
    for source in sources:
        if source.kind == "schema-datamodel" and source.value is not None and source not in big:
            files = _schema_files(source.value, source.env)[0]
            if worthwhile(files):
                big[source] = files
    if not big:
        return {}
    validation = BackgroundValidation(*big.values())
    return {source: (validation, i) for i, source in enumerate(big)}


def _check(validations: list[tuple[BackgroundValidation, int]]) -> None:
    """Raise Prisma's P1012 error for the first schema with errors (verdicts are kept: calling
    this again costs nothing)."""
    from schemashift.errors import SchemaValidationError

    for validation, index in validations:
        diags = validation.diagnostics(index)
        if diags.has_errors():
            validation.cancel()
            raise SchemaValidationError(validation.file_sets[index], diags.all())


def as_database_target(schema: Schema, ns: str | None, sorts: bool = True) -> Schema:
    """A live database as Prisma 7.10 diffs *to* it (``--to-config-datasource``; checked against
    prisma 7.10 on PostgreSQL and SQLite): its describer names every object's namespace (the
    default one too: the script qualifies every name, and from the empty database creates the
    schema; ``ns``: that default namespace, None where the database has none), and every index
    column's sort order (``"b" ASC``). The other direction (from a
    database to a schema) renders the schema's names, as Prisma 6. ``sorts=False``: the namespaces
    only (the diff's other side, so that its tables are the database's)."""
    from schemashift.model import Family, SortOrder

    def column(c: Column) -> Column:
        if c.type.family is Family.ENUM and c.type.enum_schema is None and ns is not None:
            return replace(c, type=replace(c.type, enum_schema=ns))
        return c

    def table(t: Table) -> Table:
        indexes = tuple(
            replace(i, columns=tuple(replace(c, sort=c.sort or SortOrder.ASC) for c in i.columns)) for i in t.indexes
        ) if sorts else t.indexes
        fks = tuple(replace(fk, referenced_schema=fk.referenced_schema or ns) for fk in t.foreign_keys)
        return replace(
            t, schema=t.schema or ns, columns=tuple(column(c) for c in t.columns), indexes=indexes, foreign_keys=fks
        )

    enums = tuple(replace(e, schema=e.schema or ns) for e in schema.enums)
    # its namespaces in name order (CREATE SCHEMA "auth" before "public")
    return replace(
        schema, tables=tuple(table(t) for t in schema.tables), enums=enums, namespaces=tuple(sorted(schema.namespaces))
    )


def _resolve_pair(
    from_: Source, to: Source, shadow_url: str | None, pending: dict[Source, tuple[BackgroundValidation, int]]
) -> DiffResult:
    from schemashift.migrations import engine

    provider = _provider(to) or _provider(from_)
    if provider is None:
        raise UsageError(
            "Cannot tell which database the diff is for: give a schema, a URL or a migrations folder "
            "with a migration_lock.toml on at least one side."
        )
    flavour: dict[str, object] = {}
    previous = _load(from_, provider, shadow_url, checked_elsewhere=from_ in pending, flavour=flavour)
    next_ = _load(to, provider, shadow_url, checked_elsewhere=to in pending, flavour=flavour)
    if previous.default_namespace != next_.default_namespace and not previous.tables and not next_.tables:
        previous = replace(previous, default_namespace=next_.default_namespace)
    # Prisma 7's names (the default namespace left out) when the diff goes to a Prisma 7 schema
    major = flavour.pop("prisma_major", 6)
    to_database = to.kind == "config-datasource"
    if to_database:
        major = 7
    dialect = engine.dialect_for(
        provider,
        target_is_empty=to.kind == "empty",
        source_is_empty=from_.kind == "empty",
        prisma_major=major if isinstance(major, int) and (to.kind == "schema-datamodel" or to_database) else 6,
        **({"target_is_database": True} if to_database else {}),
        **flavour,
    )
    if to_database:  # Prisma 7's flag: the database as its describer gives it (below)
        ns = next_.default_namespace if dialect.supports_namespaces else None
        next_ = as_database_target(next_, ns)
        previous = as_database_target(previous, ns, sorts=False)
    from schemashift.config import external_objects

    env = from_.env if from_.env is not None else to.env
    dialect.external = external_objects(_project_config(), env, provider)
    steps = engine.diff(previous, next_, dialect)
    return DiffResult(dialect, previous, next_, steps, pending=list(pending.values()))
