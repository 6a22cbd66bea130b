"""SQLite: capabilities, differ hooks and SQL rendering byte-identical to Prisma 6.19.

SQLite's ``ALTER TABLE`` can only add columns (and rename), so almost every change to an
existing table is a ``RedefineTables`` rebuild: create ``new_<table>`` with the next shape, copy
the rows of the kept columns, drop the old table, rename the new one and recreate its indexes,
with foreign key enforcement off for the duration. Foreign keys live inline in ``CREATE TABLE``
(there is no ``ADD CONSTRAINT``), enums are ``TEXT`` columns (the lowering already types them as
strings), and the column type is a function of the Prisma scalar family alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from typing import ClassVar

from schemashift.dialects.scripts import RunMode
from schemashift.psl.constraint_names import MAX_IDENTIFIER_LENGTH
from schemashift.diff import steps as st
from schemashift.dialects.base import (
    Dialect,
    TablePairFacts,
    datetime_literal_text,
    decode_base64,
    quoted_identifier,
    string_literal,
)
from schemashift.model import (
    Arity,
    BoolLit,
    BytesLit,
    Column,
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

#: the column type Prisma writes for each scalar family (``render_column_type``)
_FAMILY_SQL = {
    Family.BOOLEAN: "BOOLEAN",
    Family.DATETIME: "DATETIME",
    Family.FLOAT: "REAL",
    Family.DECIMAL: "DECIMAL",
    Family.INT: "INTEGER",
    Family.BIGINT: "BIGINT",
    Family.STRING: "TEXT",
    Family.BINARY: "BLOB",
    Family.JSON: "JSONB",
    Family.ENUM: "TEXT",  # never lowered so on SQLite (enums are strings), kept for safety
    Family.UUID: "TEXT",
}


def quote(identifier: str) -> str:
    """Double quotes, inner ones doubled. Prisma 6.19 writes the name as it is, so a ``"`` in an
    ``@map`` ends the identifier and the rest of the name runs as SQL."""
    return quoted_identifier(identifier, '"')


#: SQLite string literals are standard SQL (a backslash is an ordinary character)
quote_literal = string_literal


class SqliteDialect(Dialect):
    name: ClassVar[str] = "sqlite"
    datasource_provider: ClassVar[str] = "sqlite"
    refuses_nonconstant_default_on_rows: ClassVar[bool] = True

    # Prisma's scripts switch foreign keys off around a table rebuild (PRAGMA foreign_keys=OFF),
    # which SQLite ignores inside a transaction: callers run them in ``Connector.ddl_transaction``,
    # which switches them off before BEGIN (else a rebuilt parent's DROP TABLE cascades).
    supports_transactional_ddl = True
    schema_change_locks_table = False
    max_identifier_length = MAX_IDENTIFIER_LENGTH["sqlite"]  # Prisma's limit, kept in psl/constraint_names.py
    supports_namespaces = False
    has_native_enums = False
    has_inline_enums = False
    has_named_primary_keys = False
    has_named_foreign_keys = False  # the database keeps no constraint names worth comparing
    supports_scalar_lists = False
    supports_extensions = False
    can_rename_index = False  # indexes are dropped and recreated (RedefineIndex)
    can_rename_foreign_key = False
    can_alter_primary_keys = False
    can_redefine_tables_with_inbound_foreign_keys = True
    rebuilds_tables = True
    foreign_keys_in_create_table = True
    create_indexes_for_created_tables = True
    drop_foreign_keys_of_dropped_tables = False
    drop_indexes_of_dropped_tables = True

    def split_statements(self, script: str) -> list[str]:
        from schemashift.dialects.scripts import split_sqlite

        return split_sqlite(script)

    def script_mode(self, script: str, statements: Sequence[str]) -> tuple[RunMode, str, str]:
        from schemashift.dialects.scripts import controls_transaction_sqlite

        if any(controls_transaction_sqlite(s) for s in statements):
            return RunMode.AS_WRITTEN, "the script manages its own transaction", ""
        return RunMode.TRANSACTION, "", ""

    def __init__(self, prisma_major: int = 6, **_options: object) -> None:
        self.prisma_major = prisma_major  # no SQL of SQLite differs between Prisma 6 and 7 (tested)

    # ---------------------------------------------------------------- differ hooks

    def column_type_change(
        self, previous: Column, next: Column, enums: tuple[EnumType | None, EnumType | None] = (None, None)
    ) -> st.TypeChange | None:
        """By family alone: SQLite columns have no native types Prisma distinguishes."""
        p, n = previous.type, next.type
        same = p.family is n.family and (p.family is not Family.UNSUPPORTED or p.raw == n.raw)
        if same:
            return None
        if n.family is Family.STRING:
            return st.TypeChange.SAFE_CAST
        return st.TypeChange.RISKY_CAST

    def autoincrement_changed(self, previous: Column, next: Column) -> bool:
        return False  # autoincrement follows from the primary key on SQLite

    def needs_table_rebuild(self, facts: TablePairFacts) -> bool:
        return (
            facts.created_primary_key
            or facts.dropped_primary_key
            or facts.primary_key_changed
            or bool(facts.dropped_columns)
            or any(c.arity is Arity.REQUIRED for c in facts.added_columns)
            or facts.any_column_changed
            or facts.created_foreign_keys
            or facts.dropped_foreign_keys
        )

    # ---------------------------------------------------------------- rendering helpers

    def quote(self, identifier: str) -> str:
        return quote(identifier)

    def identifier_too_long(self, name: str) -> str | None:
        return None  # SQLite has no length limit for names

    def render_type(self, column: Column) -> str:
        t = column.type
        if t.family is Family.UNSUPPORTED:
            return t.raw or ""
        return _FAMILY_SQL[t.family]

    def render_column(self, table: Table, column: Column) -> str:
        single_pk = _is_single_primary_key(table, column)
        out = f"{quote(column.name)} {self.render_type(column)}"
        if column.arity is not Arity.NULLABLE:
            out += " NOT NULL"
        if single_pk:
            out += " PRIMARY KEY"
            if column.type.family is Family.INT:
                out += " AUTOINCREMENT"
        if column.default is not None:
            default = render_default(column.default)
            if default is not None:
                out += f" DEFAULT {default}"
        return out

    def render_create_table_as(self, table: Table, name: str) -> str:
        columns = ",\n".join(INDENT + self.render_column(table, c) for c in table.columns)
        out = f"CREATE TABLE {quote(name)} (\n{columns}"
        pk = table.primary_key
        if pk is not None and not any(_is_single_primary_key(table, c) for c in table.columns):
            out += f",\n\n{INDENT}PRIMARY KEY (" + ", ".join(quote(c.name) for c in pk.columns) + ")"
        for fk in table.foreign_keys:
            out += f",\n{INDENT}{self.render_foreign_key(fk)}"
        return out + "\n)"

    def render_foreign_key(self, fk: ForeignKey) -> str:
        constraint = f"CONSTRAINT {quote(fk.name)} " if fk.name else ""
        cols = ", ".join(quote(c) for c in fk.columns)
        refs = ", ".join(quote(c) for c in fk.referenced_columns)
        return (
            f"{constraint}FOREIGN KEY ({cols}) REFERENCES {quote(fk.referenced_table)} ({refs}) "
            f"ON DELETE {fk.on_delete.value} ON UPDATE {fk.on_update.value}"
        )

    def render_index(self, table: Table, index: Index) -> str:
        unique = "UNIQUE " if index.unique else ""
        cols = ", ".join(
            quote(c.name) + (f" {c.sort.value}" if c.sort is not None else "") for c in index.columns
        )
        sql = f"CREATE {unique}INDEX {quote(index.name)} ON {quote(table.name)}({cols}){self.where_clause(index)}"
        if index.name.startswith("sqlite_"):
            # SQLite reserves the prefix; Prisma writes such indexes through writable_schema
            sql = f"Pragma writable_schema=1;\n{sql};\nPragma writable_schema=0"
        return sql

    # ---------------------------------------------------------------- steps

    def render_create_table(self, step: st.CreateTable) -> list[str]:
        return [self.render_create_table_as(step.table, step.table.name)]

    def render_drop_table(self, step: st.DropTable) -> list[str]:
        # foreign keys may point at the table from tables dropped later (cycles): enforcement off
        return ["PRAGMA foreign_keys=off", f"DROP TABLE {quote(step.table.name)}", "PRAGMA foreign_keys=on"]

    def render_create_index(self, step: st.CreateIndex) -> list[str]:
        return [self.render_index(step.table, step.index)]

    def render_drop_index(self, step: st.DropIndex) -> list[str]:
        return [f"DROP INDEX {quote(step.index.name)}"]

    def render_redefine_index(self, step: st.RedefineIndex) -> list[str]:
        return [f"DROP INDEX {quote(step.previous.name)}", self.render_index(step.table, step.next)]

    def render_alter_table(self, step: st.AlterTable) -> list[str]:
        out: list[str] = []
        for change in step.changes:
            if not isinstance(change, st.AddColumn):
                raise ValueError(f"SQLite cannot {type(change).__name__} in place (the differ rebuilds such tables)")
            out.append(
                f"ALTER TABLE {quote(step.previous.name)} ADD COLUMN {self.render_column(step.next, change.column)}"
            )
        return out

    def render_redefine_tables(self, step: st.RedefineTables) -> list[str]:
        out = ["PRAGMA defer_foreign_keys=ON", "PRAGMA foreign_keys=OFF"]
        for r in step.tables:
            temporary = "new_" + r.next.name
            out.append(self.render_create_table_as(r.next, temporary))
            if r.column_pairs:
                destination = ", ".join(quote(p.next.name) for p in r.column_pairs)
                source = ", ".join(_copy_source(p) for p in r.column_pairs)
                out.append(
                    f"INSERT INTO {quote(temporary)} ({destination}) SELECT {source} FROM {quote(r.previous.name)}"
                )
            out.append(f"DROP TABLE {quote(r.previous.name)}")
            out.append(f"ALTER TABLE {quote(temporary)} RENAME TO {quote(r.next.name)}")
            # an unmanaged index stands for the schema's index of the same name (see the differ)
            unmanaged = {u.name: u.definition for u in r.unmanaged_indexes if u.definition is not None}
            out.extend(self.render_index(r.next, i) for i in r.next.indexes if i.name not in unmanaged)
            out.extend(unmanaged.values())
        out.extend(["PRAGMA foreign_keys=ON", "PRAGMA defer_foreign_keys=OFF"])
        return out


def _is_single_primary_key(table: Table, column: Column) -> bool:
    pk = table.primary_key
    return pk is not None and len(pk.columns) == 1 and pk.columns[0].name == column.name


def _copy_source(pair: st.ColumnPair) -> str:
    """The SELECT expression copying one kept column: a column that became required with a
    default takes the default where the old row had NULL."""
    name = quote(pair.previous.name)
    n = pair.next
    if pair.changes & st.ColumnChange.ARITY and n.arity is Arity.REQUIRED and n.default is not None:
        default = render_default(n.default)
        if default is not None:
            return f"coalesce({name}, {default}) AS {name}"
    return name


def render_default(default: Default) -> str | None:
    """The SQL of a default; None when the column has none in the database (``dbgenerated()``)."""
    if isinstance(default, DbGeneratedDefault):
        return default.expression
    if isinstance(default, NowDefault):
        return "CURRENT_TIMESTAMP"
    assert isinstance(default, LiteralDefault)
    return _literal(default.value)


def _literal(value: Literal) -> str:
    if isinstance(value, (StrLit, EnumLit)):
        return quote_literal(value.value)
    if isinstance(value, BytesLit):
        return quote_literal(decode_base64(value.base64).hex())
    if isinstance(value, DateTimeLit):
        return quote_literal(datetime_literal_text(value.text))
    if isinstance(value, JsonLit):
        return quote_literal(value.text)  # Prisma writes it bare: objects fail, arrays are misread
    if isinstance(value, BoolLit):
        return "true" if value.value else "false"
    if isinstance(value, IntLit):
        return str(value.value)
    if isinstance(value, (FloatLit, DecimalLit)):
        return value.text
    if isinstance(value, ListLit):  # no scalar lists on SQLite; the validator rejects them
        return "[" + ",".join(_literal(v) for v in value.items) + "]"
    raise TypeError(f"unknown literal {value!r}")
