"""The dialect interface: capabilities, differ hooks and SQL rendering of steps (all pure).

A dialect answers three kinds of questions:

* **capabilities** (class attributes): ``supports_transactional_ddl``, ``max_identifier_length``,
  ``supports_namespaces``, ``has_native_enums``, ``can_rename_index``... The differ and the
  lowering read these, never the dialect's name.
* **differ hooks** (methods the differ calls): how a column's type change can be done
  (:meth:`column_type_change`), whether two indexes are the same (:meth:`indexes_match`),
  which tables need a rebuild (:meth:`needs_table_rebuild`).
* **rendering**: :meth:`render_script` turns an ordered list of steps into Prisma's script
  layout; each step is rendered by the method ``render_<step_name_in_snake_case>`` returning a
  list of statements (without ``;``). A dialect that cannot get a step kind (e.g. ``CreateEnum``
  on SQLite) simply lacks the method; the differ never produces it because of the capabilities.

A new dialect subclasses :class:`Dialect`, sets the capabilities, implements
``quote``/``column_type_change`` and the ``render_*`` methods of the steps it can receive.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, ClassVar, Sequence

from schemashift.dialects.numeric_casts import NumericCasts
from schemashift.dialects.scripts import BACKFILL, ONLINE_COPY, TRANSACTION_OFF, RunMode, ScriptPlan
from schemashift.diff import steps as st
from schemashift.model import Column, EnumType, Index, Schema, Table

if TYPE_CHECKING:
    from schemashift.diff.external import ExternalObjects

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


@functools.cache
def _render_method_name(step_name: str) -> str:
    """``CreateTable`` -> ``render_create_table`` (once per step type)."""
    return "render_" + _SNAKE.sub("_", step_name).lower()


EMPTY_MIGRATION = "-- This is an empty migration."


@dataclass(frozen=True, slots=True)
class TablePairFacts:
    """What changed in a table present in both schemas (input of :meth:`Dialect.needs_table_rebuild`)."""

    previous: Table
    next: Table
    created_primary_key: bool
    dropped_primary_key: bool
    primary_key_changed: bool  # columns, order, length, or a key column's type
    dropped_columns: tuple[Column, ...]
    added_columns: tuple[Column, ...]
    any_column_changed: bool
    created_foreign_keys: bool
    dropped_foreign_keys: bool


class Dialect:
    name: ClassVar[str] = "base"
    # the datasource `provider` a schema for this database names (MariaDB: "mysql"; CockroachDB,
    # reached with a postgresql:// URL: "cockroachdb")
    datasource_provider: ClassVar[str] = ""

    # ---------------------------------------------------------------- capabilities
    supports_transactional_ddl: ClassVar[bool] = True
    #: a schema change locks its table while the rest of the database stays writable, so the
    #: lock on a big table is worth avoiding (lint's live sizes); SQLite: one writer per database
    schema_change_locks_table: ClassVar[bool] = True
    max_identifier_length: ClassVar[int] = 63
    # a longer identifier is cut to the limit without an error (PostgreSQL), not refused (MySQL)
    truncates_identifiers: ClassVar[bool] = False
    supports_namespaces: ClassVar[bool] = False  # CREATE SCHEMA, @@schema
    has_native_enums: ClassVar[bool] = False  # enums are database types (CreateEnum/AlterEnum/DropEnum)
    has_inline_enums: ClassVar[bool] = False  # enums live in the column type (MySQL ENUM(...))
    has_named_primary_keys: ClassVar[bool] = False
    has_named_foreign_keys: ClassVar[bool] = True
    supports_scalar_lists: ClassVar[bool] = False
    supports_extensions: ClassVar[bool] = False
    can_rename_index: ClassVar[bool] = True
    can_rename_foreign_key: ClassVar[bool] = True
    can_alter_primary_keys: ClassVar[bool] = False
    # a table rebuild (RedefineTables) keeps the foreign keys that point at it (SQLite)
    can_redefine_tables_with_inbound_foreign_keys: ClassVar[bool] = False
    # whether needs_table_rebuild can ever say yes (the differ skips computing the facts if not)
    rebuilds_tables: ClassVar[bool] = False
    # the foreign keys of a created table: separate AddForeignKey steps, or inline in CREATE TABLE
    foreign_keys_in_create_table: ClassVar[bool] = False
    create_indexes_for_created_tables: ClassVar[bool] = True
    drop_foreign_keys_of_dropped_tables: ClassVar[bool] = True
    drop_indexes_of_dropped_tables: ClassVar[bool] = False
    # the database drops an index with a dropped column: recreate it after DropAndRecreateColumn
    indexes_recreated_after_column_drop: ClassVar[bool] = False
    # the database keeps an index on a column dropped and added again in one ALTER TABLE and
    # rejects the statement (MySQL bug 57497, MariaDB MDEV-9672): the differ drops the indexes on
    # such columns before the AlterTable and creates them again after (not Prisma's output)
    drop_indexes_before_column_recreate: ClassVar[bool] = False
    recreate_primary_key_on_column_recreate: ClassVar[bool] = False
    # every foreign key needs an index (MySQL): dropping an index that serves keys drops and adds
    # those keys around it; a normal index exactly on a key's columns is the key's own, kept
    foreign_keys_imply_indexes: ClassVar[bool] = False
    can_cope_with_fk_column_becoming_required: ClassVar[bool] = True
    ignore_json_defaults: ClassVar[bool] = False
    # sequences carry options the differ compares (CockroachDB's sequence(...)): AlterSequence steps
    has_sequence_options: ClassVar[bool] = False
    # a script that runs in one transaction is sent whole, in one round trip (PostgreSQL's simple
    # query protocol, as Prisma sends it); otherwise statement by statement
    sends_whole_scripts: ClassVar[bool] = False
    #: ``-- schemashift:online-copy`` statements run through pt-online-schema-change (MySQL)
    runs_online_copies: ClassVar[bool] = False
    # the Prisma major version whose output the dialect writes: 7 for a schema whose datasource has
    # no ``url`` (Prisma 7's rules), given to the constructor as the option ``prisma_major``
    prisma_major: int = 6
    # how the server casts a numeric column in place (what the data-loss checker counts as rounded
    # or out of range); None where columns are not cast in place or the casts were never measured
    numeric_casts: ClassVar[NumericCasts | None] = None
    # the type a probe casts a column to, to compare it with string literals
    text_cast_type: ClassVar[str] = "TEXT"
    # ADD COLUMN with a non-constant default fails on a table with rows (SQLite)
    refuses_nonconstant_default_on_rows: ClassVar[bool] = False
    # Prisma 7's externally managed tables and enums (prisma.config.ts), left out of every diff;
    # set on the dialect of a project that configures them (Connector.follow_prisma, dialect_for)
    external: ExternalObjects | None = None

    # ---------------------------------------------------------------- differ hooks

    def prepare_schema(self, schema: Schema) -> Schema:
        """Called by the differ on both schemas before diffing: a dialect may fill in facts its
        renderer needs from the steps (MySQL: inline enum values in the column types)."""
        return schema

    def column_type_change(
        self, previous: Column, next: Column, enums: tuple[EnumType | None, EnumType | None] = (None, None)
    ) -> st.TypeChange | None:
        """None when the types are the same (after the dialect's normalisation).

        ``enums``: the enum types of the two columns when they are enum columns (resolved by the
        differ in their own schema), for dialects that compare enum values (MySQL's inline enums).
        """
        raise NotImplementedError

    def autoincrement_changed(self, previous: Column, next: Column) -> bool:
        return previous.autoincrement != next.autoincrement

    def indexes_match(self, previous: Index, next: Index) -> bool:
        """Dialect-specific facts of two indexes on the same columns agree (algorithm, opclasses,
        the predicate of a partial index)."""
        return self.predicates_match(previous.predicate, next.predicate)

    def predicates_match(self, previous: str | None, next: str | None) -> bool:
        """Two partial-index predicates (``Index.predicate``) are the same condition: the schema's
        as written against the database's as it prints it back. Here: the same text (SQLite keeps
        the statement as written; Prisma 7 compares it as text, so `a  =  1` is a change)."""
        if previous is None or next is None:
            return previous is next
        return previous.strip() == next.strip()

    def where_clause(self, index: Index) -> str:
        """`` WHERE <predicate>`` of a partial index (empty for the others); PostgreSQL wraps it
        in parentheses as Prisma 7 does."""
        return "" if index.predicate is None else f" WHERE {index.predicate}"

    def needs_table_rebuild(self, facts: TablePairFacts) -> bool:
        """Whether this table must be migrated by a ``RedefineTables`` rebuild (SQLite); only
        called when :attr:`rebuilds_tables` is set."""
        return False

    def sequence_changed(self, previous: Column, next: Column) -> bool:
        """The options of the sequence behind both columns differ (only called when
        :attr:`has_sequence_options`)."""
        return False

    def bytes_match_string(self, text: str, data: bytes) -> bool:
        return text.encode() == data

    # ---------------------------------------------------------------- scripts

    def split_statements(self, script: str) -> list[str]:
        """The statements of a script (without ``;``), by the database's own lexer."""
        raise NotImplementedError

    def script_mode(self, script: str, statements: Sequence[str]) -> tuple[RunMode, str, str]:
        """How a script without ``-- schemashift:transaction off`` runs, why, and the statement
        that refuses a transaction block if there is one (PostgreSQL)."""
        raise NotImplementedError

    def index_built_concurrently(self, statement: str) -> tuple[str | None, str] | None:
        """``(schema, name)`` of the index a ``CREATE INDEX CONCURRENTLY`` statement builds: when
        it fails or is cancelled, PostgreSQL leaves that index behind, INVALID (None elsewhere)."""
        return None

    def plan_script(self, script: str) -> ScriptPlan:
        """The script split once, with the way it runs (see :mod:`schemashift.dialects.scripts`)."""
        statements = tuple(self.split_statements(script))
        mode, reason, refusing = self.script_mode(script, statements)
        # backfill statements run in batches only statement by statement (as written: plain)
        backfills = tuple(i for i, s in enumerate(statements) if BACKFILL.search(s))
        # online copies (MySQL): the tool runs them only statement by statement (as written: plain)
        copies = tuple(i for i, s in enumerate(statements) if self.runs_online_copies and ONLINE_COPY.search(s))
        if TRANSACTION_OFF.search(script):
            return ScriptPlan(script, RunMode.STATEMENTS, statements, "-- schemashift:transaction off", refusing, backfills, copies)
        if backfills and mode is RunMode.TRANSACTION:  # each batch commits on its own
            return ScriptPlan(script, RunMode.STATEMENTS, statements, "-- schemashift:backfill", refusing, backfills)
        if mode is not RunMode.STATEMENTS:
            return ScriptPlan(script, mode, statements, reason, refusing)
        return ScriptPlan(script, mode, statements, reason, refusing, backfills, copies)

    # ---------------------------------------------------------------- rendering

    def quote(self, identifier: str) -> str:
        """``identifier`` as a quoted SQL identifier, inner quote characters doubled. Every name
        that reaches SQL (scripts, down scripts, data-loss probes, backups, the client, the
        connectors) goes through this one function of its dialect."""
        raise NotImplementedError

    def quote_literal(self, value: str) -> str:
        """``value`` as a SQL string literal, escaped for this database (the one literal function
        of the dialect): standard SQL, inner single quotes doubled; MySQL also escapes backslashes."""
        return string_literal(value)

    def identifier_too_long(self, name: str) -> str | None:
        """None when the database holds ``name`` (a table, column, type or enum label) unchanged,
        else why not, for the validator's diagnostic."""
        size = len(name.encode())
        if size <= self.max_identifier_length:
            return None
        return f"it is {size} bytes long, and the database keeps at most {self.max_identifier_length}"

    def render_step(self, step: st.Step) -> list[str]:
        method: Callable[[st.Step], list[str]] = getattr(self, _render_method_name(type(step).__name__))
        return method(step)

    def table_reference(self, table: Table) -> str:
        """``table`` as a statement names it (with its namespace, where it has one)."""
        name = self.quote(table.name)
        return f"{self.quote(table.schema)}.{name}" if table.schema else name

    def render_rename_table(self, step: st.RenameTable) -> list[str]:
        """The same statement on the three databases (SQLite 3.26+ also rewrites the foreign keys
        of other tables that point at it; PostgreSQL and MySQL keep constraints by oid/id)."""
        return [f"ALTER TABLE {self.table_reference(step.previous)} RENAME TO {self.quote(step.next.name)}"]

    def render_rename_column(self, step: st.RenameColumn) -> list[str]:
        """PostgreSQL, MySQL 8, MariaDB 10.5+, SQLite 3.25+: indexes, keys and foreign keys follow."""
        return [
            f"ALTER TABLE {self.table_reference(step.table)} RENAME COLUMN "
            f"{self.quote(step.previous.name)} TO {self.quote(step.next.name)}"
        ]

    def render_script(self, steps: Sequence[st.Step]) -> str:
        """Prisma's ``migrate diff --script`` layout: ``-- Header`` per step, blank line between."""
        chunks: list[str] = []
        for step in steps:
            statements = self.render_step(step)
            if not statements:
                continue
            body = "".join(f"{s};\n" for s in statements)
            chunks.append(f"-- {st.step_name(step)}\n{body}")
        if not chunks:
            return EMPTY_MIGRATION + "\n"
        return "\n".join(chunks)


# ---------------------------------------------------------------- literal helpers shared by dialects


def unparenthesize(text: str) -> str:
    """``text`` without one pair of parentheses enclosing all of it (``(a) AND (b)`` is kept)."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth, quote_char = 0, ""
    for i, c in enumerate(text):
        if quote_char:
            if c == quote_char:
                quote_char = ""
        elif c in "'\"`":
            quote_char = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[1:-1] if i == len(text) - 1 else text
    return text


def string_literal(value: str) -> str:
    """A standard SQL string literal: single quotes, inner quotes doubled (nothing else escaped, as
    Prisma). Correct on PostgreSQL (``standard_conforming_strings``) and SQLite; MySQL's literal
    function (:func:`schemashift.dialects.mysql.quote_literal`) escapes backslashes first."""
    return "'" + value.replace("'", "''") + "'"


def quoted_identifier(identifier: str, quote_char: str) -> str:
    """``identifier`` between ``quote_char`` with inner ones doubled: the quoting rule of all three
    databases (``"`` on PostgreSQL and SQLite, a backtick on MySQL)."""
    return quote_char + identifier.replace(quote_char, quote_char * 2) + quote_char


def decode_base64(text: str) -> bytes:
    """A ``Bytes`` default (base64 in the schema) as bytes."""
    try:
        return base64.b64decode(text, validate=False)
    except ValueError:
        return text.encode()


def datetime_literal_text(text: str) -> str:
    """An RFC 3339 ``DateTime`` default as Prisma prints it (chrono's ``DateTime<FixedOffset>``):
    ``2020-09-21T20:00:00+02:00`` -> ``2020-09-21 20:00:00 +02:00``; fractions as .mmm or .uuuuuu."""
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return text
    frac = ""
    if dt.microsecond:
        frac = f".{dt.microsecond:06d}"
        if dt.microsecond % 1000 == 0:
            frac = f".{dt.microsecond // 1000:03d}"
    offset = dt.utcoffset()
    total = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{dt:%Y-%m-%d %H:%M:%S}{frac} {sign}{total // 3600:02d}:{total % 3600 // 60:02d}"
