"""The schema engine's one facade: the few calls the commands, the workflow and tests need.

    target_schema(files, provider) -> Schema     validate + lower (pure)
    describe(conn) -> Schema                      live database (I/O)
    diff(a, b, dialect) -> [Step]                 ordered steps (pure)
    render(steps, dialect) -> str                 Prisma's script layout (pure)
    summary(steps) -> str                         ``migrate diff``'s human summary, from the steps
    data_loss_warnings(conn, steps)               live data-loss check (I/O)
    plan(from_src, to_src) / diff_schemas(...)    schema text(s) -> steps / script (pure)

The dialect is a typed object that travels: from the connection (``Connector.dialect``, with the
server's flavour: MariaDB), or from :func:`dialect_for` for a provider with no server. Nothing
here rebuilds a dialect from a provider string behind the caller's back.

Each is a thin composition of the modules that own the work (:mod:`schemashift.lower`,
:mod:`schemashift.diff`, :mod:`schemashift.dialects`, :mod:`schemashift.connectors.describe`,
:mod:`schemashift.safety.dataloss`), so commands never reach into them directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from schemashift.connectors.base import Connector
from schemashift.diagnostics import Diagnostics
from schemashift.dialects import Dialect, get_dialect
from schemashift.diff import steps as st
from schemashift.model import Schema
from schemashift.safety.dataloss import DataLossWarning

if TYPE_CHECKING:
    from collections.abc import Callable

    from schemashift.diff.renames import Rename, RenamePlan
    from schemashift.psl.ast import SchemaAst

__all__ = [
    "REVERSE_OF",
    "apply_script",
    "choose_renames",
    "data_loss_warnings",
    "describe",
    "dialect_for",
    "down_renames",
    "diff",
    "diff_schemas",
    "empty_schema",
    "parse_renames",
    "plan",
    "prisma_major_of",
    "render",
    "render_down",
    "schema_namespaces",
    "summary",
    "target_schema",
    "warning_block",
]


def dialect_for(
    provider: str,
    *,
    target_is_empty: bool = False,
    source_is_empty: bool = False,
    prisma_major: int = 6,
    **flavour: object,
) -> Dialect:
    """The dialect of a provider with no server to ask (schema-to-schema diffs); a live database
    gives its own, with its flavour, as ``Connector.dialect``. ``target_is_empty``: the diff goes
    to the empty database (``--to-empty``), whose DROP statements Prisma schema-qualifies.
    ``prisma_major=7``: the schema follows Prisma 7's rules (:func:`prisma_major_of`), whose
    scripts differ from Prisma 6's when ``source_is_empty`` (``--from-empty``)."""
    options = dict(flavour)
    if target_is_empty:
        options["target_is_empty"] = True
    if prisma_major != 6:
        options["prisma_major"] = prisma_major
        options["source_is_empty"] = source_is_empty
    return get_dialect(provider, **options)


def prisma_major_of(*schemas: "SchemaAst | None") -> int:
    """7 when a schema follows Prisma 7's rules (a datasource without ``url``, the validator's
    one test of it), else 6."""
    from schemashift.psl.validator.config import load

    return 7 if any(s is not None and load(s).prisma7 for s in schemas) else 6


def schema_namespaces(schema: "SchemaAst") -> tuple[str, ...]:
    """A multi-schema datasource's ``schemas`` (PostgreSQL), in declaration order; () otherwise."""
    from schemashift.psl.validator.config import load

    sources = load(schema).datasources
    return tuple(name for name, _ in sources[0].schemas) if sources else ()


def empty_schema(provider: str) -> Schema:
    from schemashift.lower.rules import rules_for

    return Schema(default_namespace=rules_for(provider).default_namespace)


def target_schema(
    files: Sequence[tuple[str, str]],
    provider: str | None = None,
    parsed: "tuple[SchemaAst, Diagnostics] | None" = None,
    validate: bool = True,
) -> Schema:
    """Validate the schema files (raising Prisma's P1012 rendering on errors) and lower them.

    ``parsed`` is the result of ``psl.parse_files(files)`` when the caller already has it.
    ``validate=False`` lowers only: for a caller that has the files validated elsewhere and
    uses nothing derived from them before that verdict (``migrate diff`` on a big schema).
    """
    from schemashift.errors import SchemaValidationError
    from schemashift.lower import lower_schema
    from schemashift.psl import parse_files
    from schemashift.psl.validator import validate_ast

    schema_ast, parse_diags = parsed if parsed is not None else parse_files(files)
    if not validate:
        return lower_schema(schema_ast, provider)
    diags = Diagnostics()
    diags.errors.extend(parse_diags.errors)
    diags.warnings.extend(parse_diags.warnings)
    validate_ast(schema_ast, diags)
    if diags.has_errors():
        raise SchemaValidationError(list(files), diags.all())
    return lower_schema(schema_ast, provider)


def describe(conn: Connector) -> Schema:
    """The live database; a multi-schema project's connection describes its ``schemas`` together
    (``Connector.namespaces``), its own schema first."""
    from schemashift.migrations.shadow import describe_namespaces

    return describe_namespaces(conn, conn.namespaces)


def diff(previous: Schema, next: Schema, dialect: Dialect, renames: Sequence[Rename] = ()) -> list[st.Step]:
    """Steps from ``previous`` to ``next``, for ``dialect`` (a live database's ``conn.dialect``
    carries its flavour: on MariaDB, Prisma drops and recreates an index instead of renaming it).

    Extensions are managed only when the schema declares them (Prisma's ``postgresqlExtensions``):
    when one side has none, the other side's (e.g. ``plpgsql`` of a described database) are ignored.
    ``renames`` (:mod:`schemashift.diff.renames`) become rename steps instead of drops and adds.
    """
    from dataclasses import replace

    from schemashift.diff.differ import diff as _diff

    if not previous.extensions or not next.extensions:
        previous, next = replace(previous, extensions=()), replace(next, extensions=())
    return _diff(previous, next, dialect, renames)


def parse_renames(values: Sequence[str]) -> list[Rename]:
    """``--rename`` values (``Table.old:new``, ``Old:New``) as renames; a bad one is a usage error."""
    from schemashift.diff.renames import parse_rename

    return [parse_rename(v) for v in values]


def choose_renames(
    previous: Schema, next: Schema, given: Sequence[Rename] = (), ask: Callable[[Rename], bool] | None = None
) -> RenamePlan:
    """The renames to do from ``previous`` to ``next``: ``given`` (checked), then the likely renames
    ``ask`` accepts (``declined``: the others, for :func:`rename_hint`)."""
    from schemashift.diff.renames import choose

    return choose(previous, next, given, ask)


def rename_hint(declined: Sequence[Rename]) -> str:
    from schemashift.diff.renames import hint

    return hint(declined)


def rename_question(rename: Rename) -> str:
    from schemashift.diff.renames import question

    return question(rename)


def reversed_renames(renames: Sequence[Rename], previous: Schema, next: Schema) -> list[Rename]:
    """The renames ``down.sql`` does (from ``next`` back to ``previous``)."""
    from schemashift.diff.renames import reversed_renames as _reversed

    return _reversed(renames, previous, next)


def plan(from_src: str | None, to_src: str | None, provider: str | None = None) -> tuple[list[st.Step], Dialect]:
    """The ordered steps from schema text ``from_src`` to ``to_src`` (None: the empty database),
    and the dialect to render them with (``migrate diff --from-empty --to-schema-datamodel``)."""
    from schemashift.lower import lower_schema, parse_checked, provider_of
    from schemashift.psl import gc_paused

    with gc_paused():
        from_ast = parse_checked([("schema.prisma", from_src)]) if from_src is not None else None
        to_ast = parse_checked([("schema.prisma", to_src)]) if to_src is not None else None
        if provider is None:
            source_ast = to_ast or from_ast
            if source_ast is None:
                raise ValueError("diffing the empty schema to itself needs a provider")
            provider = provider_of(source_ast)
        previous = lower_schema(from_ast, provider) if from_ast is not None else empty_schema(provider)
        next_ = lower_schema(to_ast, provider) if to_ast is not None else empty_schema(provider)
        dialect = dialect_for(
            provider,
            target_is_empty=to_ast is None,
            source_is_empty=from_ast is None,
            prisma_major=prisma_major_of(to_ast, from_ast),
        )
        # schema to schema: the extensions both schemas declare are compared as they are (the
        # rule of diff() is for a described database, which always has plpgsql)
        from schemashift.diff.differ import diff as _diff

        return _diff(previous, next_, dialect), dialect


def diff_schemas(from_src: str | None, to_src: str | None, provider: str | None = None) -> str:
    """The migration script Prisma's ``migrate diff --script`` prints for these schemas
    (``None``: ``--from-empty`` / ``--to-empty``)."""
    from schemashift.psl import gc_paused

    steps, dialect = plan(from_src, to_src, provider)
    with gc_paused():
        return dialect.render_script(steps)


def render(steps: Sequence[st.Step], dialect: Dialect, warnings: Sequence[DataLossWarning] = ()) -> str:
    from schemashift.safety.dataloss import header

    return header(warnings) + dialect.render_script(steps)


REVERSE_OF = "-- schemashift:reverse-of "


def render_down(
    steps: Sequence[st.Step], dialect: Dialect, migration_checksum: str, renames: Sequence[Rename] = ()
) -> str:
    """``down.sql``: the script that takes the database back to the state before the migration.

    Its first line names the checksum of the ``migration.sql`` it reverses; ``migrate rollback``
    refuses a down script whose migration was edited since (remove the line after reviewing it).
    The ``renames`` it does are named in ``-- schemashift:rename`` lines (:func:`down_renames`).
    """
    from schemashift.diff.renames import marks
    from schemashift.safety.dataloss import check

    head = (
        f"{REVERSE_OF}{migration_checksum}\n"
        "-- Reverse of migration.sql, generated by schemashift: `schemashift migrate rollback` runs it.\n"
    )
    return head + marks(renames) + render(steps, dialect, check(steps))


def down_renames(scripts: Sequence[str]) -> list[Rename]:
    """The renames down scripts run one after the other do (their ``-- schemashift:rename`` lines)."""
    from schemashift.diff.renames import compose, marked

    return compose([marked(s) for s in scripts])


def apply_script(conn: Connector, script: str) -> None:
    """Run a script as ``migrate deploy`` runs a migration, without history: in one transaction
    where the database's DDL is transactional, statement by statement, or as written."""
    from schemashift.migrations.apply import execute_plan

    execute_plan(conn, conn.dialect.plan_script(script))


def data_loss_warnings(conn: Connector | None, steps: Sequence[st.Step]) -> list[DataLossWarning]:
    from schemashift.safety.dataloss import check

    return check(steps, conn)


def warning_block(warnings: Sequence[DataLossWarning]) -> str:
    """What the CLI prints before asking to confirm a data-losing change."""
    lines: list[str] = []
    risky = [w for w in warnings if not w.unexecutable]
    unexecutable = [w for w in warnings if w.unexecutable]
    if risky:
        lines += ["⚠️  Warnings for the current datasource:", "", *(f"  • {w.message}" for w in risky), ""]
    if unexecutable:
        lines += ["⚠️  We found changes that cannot be executed:", ""]
        for w in unexecutable:
            lines.append(f"  • {w.message}")
            if w.hint:
                lines.append(f"    {w.hint}")
        lines.append("")
    return "\n".join(lines)


def summary(steps: Sequence[st.Step]) -> str:
    """Prisma's ``migrate diff`` summary, rendered from the steps (:mod:`schemashift.diff.summary`)."""
    from schemashift.diff.summary import summary as _summary

    return _summary(steps)
