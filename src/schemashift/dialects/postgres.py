"""PostgreSQL: capabilities, type-change rules and SQL rendering byte-identical to Prisma 6.19."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Sequence

from schemashift.dialects.scripts import RunMode
from schemashift.psl.constraint_names import MAX_IDENTIFIER_LENGTH
from schemashift.diff import steps as st
from schemashift.dialects.base import Dialect, datetime_literal_text, decode_base64, quoted_identifier, string_literal
from schemashift.dialects.numeric_casts import NumericCasts, PostgresNumericCasts
from schemashift.dialects.postgres_casts import native_type_change
from schemashift.model import (
    Arity,
    BoolLit,
    BytesLit,
    Column,
    ColumnType,
    DateTimeLit,
    DbGeneratedDefault,
    DecimalLit,
    Default,
    EnumLit,
    EnumType,
    Family,
    FloatLit,
    ForeignKey,
    Index,
    IndexAlgorithm,
    IntLit,
    JsonLit,
    ListLit,
    Literal,
    LiteralDefault,
    NowDefault,
    StrLit,
    Table,
)

INDENT = "    "

# Prisma native type name -> SQL spelling (args appended as "(a)" / "(p,s)")
_TYPE_SQL = {
    "Citext": "CITEXT",
    "Oid": "OID",
    "Inet": "INET",
    "Money": "MONEY",
    "SmallInt": "SMALLINT",
    "Integer": "INTEGER",
    "BigInt": "BIGINT",
    "Decimal": "DECIMAL",
    "Real": "REAL",
    "DoublePrecision": "DOUBLE PRECISION",
    "VarChar": "VARCHAR",
    "Char": "CHAR",
    "Text": "TEXT",
    "ByteA": "BYTEA",
    "Date": "DATE",
    "Timestamp": "TIMESTAMP",
    "Timestamptz": "TIMESTAMPTZ",
    "Time": "TIME",
    "Timetz": "TIMETZ",
    "Boolean": "BOOLEAN",
    "Bit": "BIT",
    "VarBit": "VARBIT",
    "Uuid": "UUID",
    "Xml": "XML",
    "Json": "JSON",
    "JsonB": "JSONB",
}
_SERIAL = {"SmallInt": "SMALLSERIAL", "Integer": "SERIAL", "BigInt": "BIGSERIAL"}

# operator classes that are the default one of their type/algorithm (Prisma's calculator)
_DEFAULT_OPCLASSES = frozenset(
    {
        "jsonb_ops",
        "array_ops",
        "text_ops",
        "bit_minmax_ops",
        "varbit_minmax_ops",
        "bpchar_minmax_ops",
        "bytea_minmax_ops",
        "date_minmax_ops",
        "float4_minmax_ops",
        "float8_minmax_ops",
        "inet_inclusion_ops",
        "inet_minmax_ops",
        "int2_minmax_ops",
        "int4_minmax_ops",
        "int8_minmax_ops",
        "numeric_minmax_ops",
        "oid_minmax_ops",
        "text_minmax_ops",
        "timestamp_minmax_ops",
        "timestamptz_minmax_ops",
        "time_minmax_ops",
        "timetz_minmax_ops",
        "uuid_minmax_ops",
    }
)


def _is_default_opclass(opclass: str | None, algorithm: IndexAlgorithm | None) -> bool:
    """Prisma's ``is_default`` of an operator class written in the schema."""
    if opclass == "inet_ops":
        return algorithm is IndexAlgorithm.SPGIST
    return opclass in _DEFAULT_OPCLASSES


def _predicate_tree(predicate: str) -> str | None:
    """A canonical form of a WHERE condition: its parse tree without locations, with the casts
    PostgreSQL adds to constants (``'a'::text``) removed; None when pglast cannot parse it."""
    import pglast
    from pglast import ast as pg
    from pglast.visitors import Visitor

    try:
        (raw,) = pglast.parse_sql(f"SELECT 1 WHERE {predicate}")
    except (pglast.parser.ParseError, ValueError):
        return None

    class _StripCasts(Visitor):
        def visit_TypeCast(self, ancestors: object, node: pg.TypeCast) -> object:
            return node.arg if isinstance(node.arg, pg.A_Const) else None

    stmt = raw.stmt
    if not isinstance(stmt, pg.SelectStmt):
        return None
    _StripCasts()(stmt)
    return repr(_without_locations(stmt.whereClause))


def _is_location(key: str) -> bool:
    return key == "location" or key.endswith(("_location", "_list_start", "_list_end"))


def _without_locations(node: object) -> object:
    """A plain-data copy of a pglast node tree without its source offsets."""
    from pglast import ast as pg

    if isinstance(node, pg.Node):
        return {
            "@": type(node).__name__,
            **{k: _without_locations(v) for k, v in node(depth=None, skip_none=True).items() if not _is_location(k)},
        }
    if isinstance(node, (list, tuple)):
        return [_without_locations(x) for x in node]
    if isinstance(node, dict):
        return {k: _without_locations(v) for k, v in node.items() if not _is_location(k)}
    return node


def quote(identifier: str) -> str:
    """Double quotes, inner ones doubled (Prisma 6.19 does not escape them: a ``"`` in a mapped
    name breaks its script)."""
    return quoted_identifier(identifier, '"')


#: string literals are standard SQL (``standard_conforming_strings`` is on since PostgreSQL 9.1)
quote_literal = string_literal

#: a name PostgreSQL reads unquoted as itself (Prisma writes generated sequence names so)
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")


def qualified(schema: str | None, name: str) -> str:
    return f"{quote(schema)}.{quote(name)}" if schema else quote(name)


class PostgresDialect(Dialect):
    name: ClassVar[str] = "postgresql"
    datasource_provider: ClassVar[str] = "postgresql"
    numeric_casts: ClassVar[NumericCasts | None] = PostgresNumericCasts()

    supports_transactional_ddl = True
    max_identifier_length = MAX_IDENTIFIER_LENGTH["postgresql"]  # Prisma's limit, kept in psl/constraint_names.py
    truncates_identifiers = True
    supports_namespaces = True
    has_native_enums = True
    has_named_primary_keys = True
    supports_scalar_lists = True
    supports_extensions = True
    indexes_recreated_after_column_drop = True
    sends_whole_scripts = True

    def split_statements(self, script: str) -> list[str]:
        from schemashift.dialects.scripts import split_postgres

        return split_postgres(script)

    def index_built_concurrently(self, statement: str) -> tuple[str | None, str] | None:
        import pglast
        from pglast import ast as pg

        try:
            (raw,) = pglast.parse_sql(statement)
        except (pglast.parser.ParseError, ValueError):
            return None
        node = raw.stmt
        if not isinstance(node, pg.IndexStmt) or not node.concurrent or not node.idxname:
            return None
        return (node.relation.schemaname if node.relation is not None else None), node.idxname

    def script_mode(self, script: str, statements: Sequence[str]) -> tuple[RunMode, str, str]:
        from schemashift.dialects.scripts import postgres_mode

        return postgres_mode(statements)

    # ---------------------------------------------------------------- differ hooks

    def column_type_change(
        self, previous: Column, next: Column, enums: tuple[EnumType | None, EnumType | None] = (None, None)
    ) -> st.TypeChange | None:
        pt, nt = previous.type, next.type
        p_enum = (pt.enum, pt.enum_schema) if pt.family is Family.ENUM else None
        n_enum = (nt.enum, nt.enum_schema) if nt.family is Family.ENUM else None
        if p_enum or n_enum:
            if p_enum != n_enum:
                return st.TypeChange.NOT_CASTABLE
            # the same enum, list <-> scalar: PostgreSQL has no cast between E[] and E. Prisma 6.19
            # alters the type in place, which fails even on an empty table
            return st.TypeChange.NOT_CASTABLE if (previous.arity is Arity.LIST) != (next.arity is Arity.LIST) else None
        to_scalar = previous.arity is Arity.LIST and next.arity is not Arity.LIST
        to_list = previous.arity is not Arity.LIST and next.arity is Arity.LIST
        if to_scalar:
            if nt.native == "Text" or (nt.native == "VarChar" and not nt.args):
                return st.TypeChange.SAFE_CAST
            if nt.native in ("VarChar", "Char"):
                return st.TypeChange.RISKY_CAST
        if to_scalar or to_list:
            return st.TypeChange.NOT_CASTABLE
        p_native = pt.native if pt.family is not Family.UNSUPPORTED else None
        n_native = nt.native if nt.family is not Family.UNSUPPORTED else None
        if p_native and n_native:
            return native_type_change((p_native, pt.args), (n_native, nt.args))
        if p_native or n_native:
            return st.TypeChange.RISKY_CAST
        return None if pt.raw == nt.raw else st.TypeChange.RISKY_CAST

    def where_clause(self, index: Index) -> str:
        return "" if index.predicate is None else f" WHERE ({index.predicate})"

    def predicates_match(self, previous: str | None, next: str | None) -> bool:
        """The same condition once parsed (pglast): ``status = 'active'`` as written in the schema
        and ``(status = 'active'::text)`` as ``pg_get_expr`` prints it are one predicate; casts of
        constants, parentheses, ``!=``/``<>`` and identifier quoting do not count."""
        if previous is None or next is None:
            return previous is next
        a, b = _predicate_tree(previous), _predicate_tree(next)
        if a is None or b is None:
            return super().predicates_match(previous, next)
        return a == b

    def indexes_match(self, previous: Index, next: Index) -> bool:
        if not self.predicates_match(previous.predicate, next.predicate):
            return False
        if (previous.algorithm or IndexAlgorithm.BTREE) is not (next.algorithm or IndexAlgorithm.BTREE):
            return False
        for a, b in zip(previous.columns, next.columns):
            if a.opclass == b.opclass:
                continue
            if a.opclass is None and _is_default_opclass(b.opclass, next.algorithm):
                continue
            if b.opclass is None and _is_default_opclass(a.opclass, previous.algorithm):
                continue
            return False
        return True

    def bytes_match_string(self, text: str, data: bytes) -> bool:
        return text.startswith("\\x") and text[2:].lower() == data.hex()

    def __init__(
        self,
        default_namespace: str = "public",
        target_is_empty: bool = False,
        prisma_major: int = 6,
        source_is_empty: bool = False,
        target_is_database: bool = False,
    ) -> None:
        self.default_namespace = default_namespace  # the connection's schema (``?schema=``)
        # diffing to the empty schema (``--to-empty``): Prisma then knows no default namespace and
        # qualifies every dropped object, the default namespace's too
        self.target_is_empty = target_is_empty
        # the rules of a Prisma 7 schema (datasource without ``url``), and whether the diff starts
        # from the empty database (``--from-empty``): see :meth:`render_script`
        self.prisma_major = prisma_major
        self.source_is_empty = source_is_empty
        # Prisma 7 diffing to a live database (``--to-config-datasource``): its namespaces are
        # named, so every name is qualified, the default namespace's too (checked: prisma 7.10)
        self.target_is_database = target_is_database

    # ---------------------------------------------------------------- rendering helpers

    def quote(self, identifier: str) -> str:
        return quote(identifier)

    def identifier_too_long(self, name: str) -> str | None:
        size = len(name.encode())
        if size <= self.max_identifier_length:
            return None
        # longer table, column and type names are cut without an error, longer enum values refused
        return f"it is {size} bytes long, and PostgreSQL holds names of at most {self.max_identifier_length} bytes"

    def drop_name(self, schema: str | None, name: str) -> str:
        """Names in DROP statements leave out the default namespace (Prisma 6.19), unless the
        target is the empty schema."""
        if self.target_is_empty or self.target_is_database:
            return qualified(schema or self.default_namespace, name)
        return qualified(None if schema == self.default_namespace else schema, name)

    def qualified(self, schema: str | None, name: str) -> str:
        """A created or altered object's name: Prisma 7 never writes the default namespace
        (``CREATE TABLE "A"`` for a multiSchema model in ``public``), Prisma 6.19 does."""
        if self.target_is_database:
            return qualified(schema or self.default_namespace, name)
        if self.prisma_major >= 7 and schema == self.default_namespace:
            schema = None
        return qualified(schema, name)

    def table_name(self, t: Table) -> str:
        return self.qualified(t.schema, t.name)

    def render_type(self, column: Column) -> str:
        t = column.type
        suffix = "[]" if column.arity is Arity.LIST else ""
        if t.family is Family.ENUM:
            return self.qualified(t.enum_schema, t.enum or "") + suffix
        if t.family is Family.UNSUPPORTED:
            return (t.raw or "") + suffix
        return _native_sql(t, column.autoincrement) + suffix

    def render_column(self, column: Column) -> str:
        sql_type = self.render_type(column)
        out = f"{INDENT}{quote(column.name)} {sql_type}"
        if column.arity is Arity.REQUIRED:
            out += " NOT NULL"
        if column.default is not None:
            default = render_default(column.default, sql_type)
            if default:
                out += f" DEFAULT {default}"
        return out

    def render_table_body(self, table: Table, name: str) -> str:
        columns = ",\n".join(self.render_column(c) for c in table.columns)
        pk = ""
        if table.primary_key is not None:
            cols = ",".join(quote(c.name) for c in table.primary_key.columns)
            pk = f",\n\n{INDENT}CONSTRAINT {quote(table.primary_key.name or '')} PRIMARY KEY ({cols})"
        return f"CREATE TABLE {name} (\n{columns}{pk}\n)"

    def render_index(self, table: Table, index: Index) -> str:
        unique = "UNIQUE " if index.unique else ""
        using = ""
        if index.algorithm is not None and index.algorithm is not IndexAlgorithm.BTREE:
            using = f" USING {index.algorithm.value} "
        cols = ", ".join(
            quote(c.name)
            + (f" {c.opclass}" if c.opclass else "")
            + (f" {c.sort.value}" if c.sort is not None else "")
            for c in index.columns
        )
        return f"CREATE {unique}INDEX {quote(index.name)} ON {self.table_name(table)}{using}({cols}){self.where_clause(index)}"

    def render_foreign_key(self, table: Table, fk: ForeignKey) -> str:
        cols = ", ".join(quote(c) for c in fk.columns)
        refs = ", ".join(quote(c) for c in fk.referenced_columns)
        constraint = f"CONSTRAINT {quote(fk.name)} " if fk.name else ""
        return (
            f"ALTER TABLE {self.table_name(table)} ADD {constraint}FOREIGN KEY ({cols}) "
            f"REFERENCES {self.qualified(fk.referenced_schema, fk.referenced_table)}({refs}) "
            f"ON DELETE {fk.on_delete.value} ON UPDATE {fk.on_update.value}"
        )

    # ---------------------------------------------------------------- script

    def render_script(self, steps: Sequence[st.Step]) -> str:
        return super().render_script(self.with_default_namespace_step(steps))

    def with_default_namespace_step(self, steps: Sequence[st.Step]) -> Sequence[st.Step]:
        """Prisma 7 counts the default namespace among a schema's namespaces (prisma-engines PR
        #5699): from the empty database (``migrate diff --from-empty``) its script creates it
        (``CREATE SCHEMA IF NOT EXISTS "public"``) when it creates a table or an enum in it, placed
        among the other created namespaces in name order. Checked against prisma 7.10: not from a
        schema, a database or a migrations folder (``migrate dev`` on an empty database neither),
        and always ``public`` (``migrate diff`` is offline: ``?schema=`` plays no part)."""
        if self.prisma_major < 7 or not self.source_is_empty:
            return steps
        ns = self.default_namespace
        created = [s.namespace for s in steps if isinstance(s, st.CreateSchema)]
        if ns in created:
            return steps
        uses = any(
            (isinstance(s, st.CreateTable) and s.table.schema in (None, ns))
            or (isinstance(s, st.CreateEnum) and s.enum.schema in (None, ns))
            for s in steps
        )
        if not uses:
            return steps
        at = 0
        for i, s in enumerate(steps):
            if isinstance(s, st.CreateSchema) and s.namespace < ns:
                at = i + 1
        out = list(steps)
        out.insert(at, st.CreateSchema(ns))
        return out

    # ---------------------------------------------------------------- steps

    def render_create_schema(self, step: st.CreateSchema) -> list[str]:
        return [f"CREATE SCHEMA IF NOT EXISTS {quote(step.namespace)}"]

    def render_drop_schema(self, step: st.DropSchema) -> list[str]:
        return [f"DROP SCHEMA {quote(step.namespace)}"]

    def render_create_extension(self, step: st.CreateExtension) -> list[str]:
        e = step.extension
        out = f"CREATE EXTENSION IF NOT EXISTS {quote(e.name)}"
        if e.version or e.schema:
            out += " WITH"
        if e.schema:
            out += f" SCHEMA {quote(e.schema)}"
        if e.version:
            out += f" VERSION {quote(e.version)}"
        return [out]

    def render_drop_extension(self, step: st.DropExtension) -> list[str]:
        return [f"DROP EXTENSION {quote(step.extension.name)}"]

    def render_alter_extension(self, step: st.AlterExtension) -> list[str]:
        p, n = step.previous, step.next
        out = []
        if p.version and n.version and p.version != n.version:
            out.append(f"ALTER EXTENSION {quote(p.name)} UPDATE TO {quote(n.version)}")
        if p.schema and n.schema and p.schema != n.schema:
            out.append(f"ALTER EXTENSION {quote(p.name)} SET SCHEMA {quote(n.schema)}")
        return out

    def render_create_enum(self, step: st.CreateEnum) -> list[str]:
        e = step.enum
        values = ", ".join(quote_literal(v) for v in e.values)
        return [f"CREATE TYPE {self.qualified(e.schema, e.name)} AS ENUM ({values})"]

    def render_drop_enum(self, step: st.DropEnum) -> list[str]:
        return [f"DROP TYPE {self.drop_name(step.enum.schema, step.enum.name)}"]

    def render_alter_enum(self, step: st.AlterEnum) -> list[str]:
        p, n = step.previous, step.next
        if not step.dropped:
            stmts = [f"ALTER TYPE {self.qualified(p.schema, p.name)} ADD VALUE {quote_literal(v)}" for v in step.added]
            if len(stmts) > 1:
                stmts[0] = _MULTI_VALUE_WARNING + "\n\n\n" + stmts[0]
            return stmts
        tmp = self.qualified(n.schema, n.name + "_new")
        old = p.name + "_old"
        stmts = ["BEGIN"]
        values = ", ".join(quote_literal(v) for v in n.values)
        stmts.append(f"CREATE TYPE {tmp} AS ENUM ({values})")
        for u in step.default_usages:
            table = self.qualified(u.table_schema, u.table)
            stmts.append(f"ALTER TABLE {table} ALTER COLUMN {quote(u.column.name)} DROP DEFAULT")
        for u in step.column_usages:
            arr = "[]" if u.column.arity is Arity.LIST else ""
            col = quote(u.column.name)
            stmts.append(
                f"ALTER TABLE {self.qualified(u.table_schema, u.table)} ALTER COLUMN {col} TYPE {tmp}{arr} "
                f"USING ({col}::text::{tmp}{arr})"
            )
        stmts.append(f"ALTER TYPE {self.qualified(p.schema, p.name)} RENAME TO {quote(old)}")
        stmts.append(f"ALTER TYPE {tmp} RENAME TO {quote(n.name)}")
        stmts.append(f"DROP TYPE {self.qualified(p.schema, old)}")
        for u in step.default_usages:
            if u.next_column is None or u.next_column.default is None:
                continue
            default = render_default(u.next_column.default, self.render_type(u.next_column))
            stmts.append(
                f"ALTER TABLE {self.qualified(u.table_schema, u.table)} ALTER COLUMN {quote(u.column.name)} "
                f"SET DEFAULT {default}"
            )
        stmts.append("COMMIT")
        return stmts

    def render_drop_foreign_key(self, step: st.DropForeignKey) -> list[str]:
        table = self.drop_name(step.table.schema, step.table.name)
        return [f"ALTER TABLE {table} DROP CONSTRAINT {quote(step.foreign_key.name or '')}"]

    def render_drop_index(self, step: st.DropIndex) -> list[str]:
        return [f"DROP INDEX {self.drop_name(step.table.schema, step.index.name)}"]

    def render_drop_table(self, step: st.DropTable) -> list[str]:
        return [f"DROP TABLE {self.drop_name(step.table.schema, step.table.name)}"]

    def render_create_table(self, step: st.CreateTable) -> list[str]:
        return [self.render_table_body(step.table, self.table_name(step.table))]

    def render_create_index(self, step: st.CreateIndex) -> list[str]:
        return [self.render_index(step.table, step.index)]

    def render_add_foreign_key(self, step: st.AddForeignKey) -> list[str]:
        return [self.render_foreign_key(step.table, step.foreign_key)]

    def render_rename_foreign_key(self, step: st.RenameForeignKey) -> list[str]:
        return [
            f"ALTER TABLE {self.table_name(step.table)} RENAME CONSTRAINT {quote(step.previous.name or '')} "
            f"TO {quote(step.next.name or '')}"
        ]

    def render_rename_index(self, step: st.RenameIndex) -> list[str]:
        return [f"ALTER INDEX {self.qualified(step.table.schema, step.previous.name)} RENAME TO {quote(step.next.name)}"]

    def render_redefine_index(self, step: st.RedefineIndex) -> list[str]:
        drop = f"DROP INDEX {self.drop_name(step.table.schema, step.previous.name)}"
        return [drop, self.render_index(step.table, step.next)]

    def render_redefine_tables(self, step: st.RedefineTables) -> list[str]:
        out: list[str] = []
        for r in step.tables:
            tmp_name = "_prisma_new_" + r.next.name
            tmp = self.qualified(r.next.schema, tmp_name)
            out.append(self.render_table_body(r.next, tmp))
            for i in r.previous.indexes:
                out.append(f"DROP INDEX {self.drop_name(r.previous.schema, i.name)}")
            columns = ",".join(quote(p.next.name) for p in r.column_pairs)
            if columns:
                out.append(f"INSERT INTO {tmp} ({columns}) SELECT {columns} FROM {quote(r.previous.name)}")
            out.append(f"DROP TABLE {self.drop_name(r.previous.schema, r.previous.name)} CASCADE")
            out.append(f"ALTER TABLE {tmp} RENAME TO {quote(r.next.name)}")
            out.extend(self.render_index(r.next, i) for i in r.next.indexes)
            out.extend(self.render_foreign_key(r.next, fk) for fk in r.next.foreign_keys)
        return out

    def render_alter_table(self, step: st.AlterTable) -> list[str]:
        prev, nxt = step.previous, step.next
        lines: list[str] = []
        before: list[str] = []
        after: list[str] = []
        for change in step.changes:
            if isinstance(change, st.DropPrimaryKey):
                lines.append(f"DROP CONSTRAINT {quote(change.primary_key.name or '')}")
            elif isinstance(change, st.RenamePrimaryKey):
                lines.append(
                    f"RENAME CONSTRAINT {quote(change.previous.name or '')} TO {quote(change.next.name or '')}"
                )
            elif isinstance(change, st.AddPrimaryKey):
                pk = change.primary_key
                named = f"CONSTRAINT {quote(pk.name)} " if pk.name else ""
                cols = ", ".join(quote(c.name) for c in pk.columns)
                lines.append(f"ADD {named}PRIMARY KEY ({cols})")
            elif isinstance(change, st.AddColumn):
                lines.append(f"ADD COLUMN {self.render_column(change.column)}")
            elif isinstance(change, st.DropColumn):
                lines.append(f"DROP COLUMN {quote(change.column.name)}")
            elif isinstance(change, st.AlterColumn):
                self._alter_column(nxt, change, before, lines, after)
            elif isinstance(change, st.DropAndRecreateColumn):
                lines.append(f"DROP COLUMN {quote(change.previous.name)}")
                lines.append(f"ADD COLUMN {self.render_column(change.next)}")
        if not lines:
            return []
        return [*before, *self.alter_table_statements(self.table_name(prev), lines), *after]

    def alter_table_statements(self, table: str, clauses: list[str]) -> list[str]:
        """The clauses of one table's changes: one ``ALTER TABLE`` with all of them (CockroachDB
        writes one statement per clause)."""
        return [f"ALTER TABLE {table} " + ",\n".join(clauses)]

    def _alter_column(
        self, table: Table, change: st.AlterColumn, before: list[str], lines: list[str], after: list[str]
    ) -> None:
        p, n = change.previous, change.next
        prefix = f"ALTER COLUMN {quote(p.name)}"
        set_type = False
        actions: list[str] = []
        for flag in _COLUMN_CHANGE_ORDER:
            if not change.changes & flag:
                continue
            if flag is st.ColumnChange.DEFAULT:
                if n.default is not None:
                    actions.append(f"{prefix} SET DEFAULT {render_default(n.default, self.render_type(n))}")
                else:
                    actions.append(f"{prefix} DROP DEFAULT")
            elif flag is st.ColumnChange.ARITY:
                pa, na = p.arity, n.arity
                if na is Arity.NULLABLE and pa is not Arity.NULLABLE:
                    set_type = set_type or pa is Arity.LIST
                    actions.append(f"{prefix} DROP NOT NULL")
                elif na is Arity.REQUIRED and pa is not Arity.REQUIRED:
                    set_type = set_type or pa is Arity.LIST
                    actions.append(f"{prefix} SET NOT NULL")
                elif na is Arity.LIST:
                    set_type = True
            elif flag is st.ColumnChange.TYPE:
                set_type = True
            elif p.autoincrement:
                actions.append(f"{prefix} DROP DEFAULT")
                if not change.sequence_still_used:
                    after.append(f"DROP SEQUENCE {quote(p.sequence or '')}")
            else:
                seq = f"{table.name}_{n.name}_seq".lower()
                if not _PLAIN_NAME.fullmatch(seq):  # Prisma writes it unquoted, whatever it holds
                    seq = quote(seq)
                if table.schema:
                    seq = f"{quote(table.schema)}.{seq}".lower()
                before.append(f"CREATE SEQUENCE {seq}")
                actions.append(f"{prefix} SET DEFAULT nextval({quote_literal(seq)})")
                after.append(f"ALTER SEQUENCE {seq} OWNED BY {self.table_name(table)}.{quote(n.name)}")
        if set_type:
            actions.append(f"{prefix} SET DATA TYPE {self.render_type(n)}")
        lines.extend(actions)


# Prisma renders a column's changes in its bit order
_COLUMN_CHANGE_ORDER = (
    st.ColumnChange.ARITY,
    st.ColumnChange.DEFAULT,
    st.ColumnChange.TYPE,
    st.ColumnChange.AUTOINCREMENT,
)

_MULTI_VALUE_WARNING = (
    "-- This migration adds more than one value to an enum.\n"
    "-- With PostgreSQL versions 11 and earlier, this is not possible\n"
    "-- in a single migration. This can be worked around by creating\n"
    "-- multiple migrations, each migration adding only one value to\n"
    "-- the enum."
)


def _native_sql(t: ColumnType, autoincrement: bool) -> str:
    native = t.native or ""
    if autoincrement and native in _SERIAL:
        return _SERIAL[native]
    sql = _TYPE_SQL.get(native, native.upper())
    if t.args:
        sql += "(" + ",".join(str(a) for a in t.args) + ")"
    return sql


def render_default(default: Default, full_type: str) -> str:
    if isinstance(default, DbGeneratedDefault):
        return default.expression or ""
    if isinstance(default, NowDefault):
        return "CURRENT_TIMESTAMP"
    assert isinstance(default, LiteralDefault)
    return _literal(default.value, full_type)


def _literal(value: Literal, full_type: str) -> str:
    if isinstance(value, (StrLit, EnumLit)):
        return quote_literal(value.value)
    if isinstance(value, JsonLit):
        return quote_literal(value.text)
    if isinstance(value, DateTimeLit):
        return quote_literal(datetime_literal_text(value.text))
    if isinstance(value, BytesLit):
        return "'\\x" + decode_base64(value.base64).hex() + "'"
    if isinstance(value, ListLit):
        return "ARRAY[" + ", ".join(_literal(v, full_type) for v in value.items) + "]::" + full_type
    if isinstance(value, BoolLit):
        return "true" if value.value else "false"
    if isinstance(value, IntLit):
        return str(value.value)
    if isinstance(value, (FloatLit, DecimalLit)):
        return value.text
    raise TypeError(f"unknown literal {value!r}")
