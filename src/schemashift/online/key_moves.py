"""Expand/contract for a primary key whose type changes, on PostgreSQL (``Int`` -> ``BigInt``, the
classic "the ids are about to overflow" migration), with the foreign-key columns that reference it.

Prisma writes ``ALTER COLUMN ... SET DATA TYPE BIGINT`` on the key and on every referencing column:
each rewrites its table under an ACCESS EXCLUSIVE lock, and the foreign keys are checked again.
The plan here never rewrites a table:

* **expand**: each column (the key, and each referencing column) gets a new column of the new type
  under a temporary name, filled by a trigger from the old one on every INSERT and UPDATE (the
  applications keep writing the old column: a type change is one-way, as for other columns); the
  key's unique index and a copy of every index on these columns are built ``CONCURRENTLY`` on the
  new columns;
* **backfill**: the existing rows, in batches (``-- schemashift:backfill``);
* **prepare** (not held): ``CHECK (new IS NOT NULL) NOT VALID``, then ``VALIDATE`` (no strong lock),
  so the contract's ``SET NOT NULL`` needs no scan;
* **contract** (``-- schemashift:contract``, one transaction, every statement a catalog change):
  drop the triggers and the referencing foreign keys, detach the key's sequence, drop the primary
  key and the old columns, rename the new ones, ``SET NOT NULL``, ``ADD CONSTRAINT ... PRIMARY KEY
  USING INDEX`` the concurrent index, move the sequence (``AS bigint``, ``OWNED BY``) and its
  default, rename the index copies, and add the foreign keys back ``NOT VALID``; then each is
  validated in a statement of its own (writes go on).

What is not moved keeps Prisma's SQL, with the planner's note: a composite primary key, a key that
is also renamed, a referencing column whose type does not follow the key's, a key with a default
other than ``autoincrement()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from schemashift.dialects.base import Dialect
from schemashift.dialects.postgres import PostgresDialect
from schemashift.model import Arity, Column, ForeignKey, Index, IndexColumn, IndexKind, Schema
from schemashift.online.phases import Move, _replace_table

__all__ = ["KeyMove", "find", "without", "with_new_columns", "prepare_sql", "contract_sql", "validate_sql"]


@dataclass(frozen=True, slots=True)
class KeyMove:
    """A retyped primary key column (``key``) and each column referencing it, with its foreign key."""

    key: Move
    referencing: tuple[tuple[Move, ForeignKey], ...]

    @property
    def columns(self) -> tuple[Move, ...]:
        return (self.key, *(m for m, _ in self.referencing))


def _pg(dialect: Dialect) -> PostgresDialect:
    assert isinstance(dialect, PostgresDialect)
    return dialect


def find(
    before: Schema,
    target: Schema,
    retyped: set[tuple[str, str]],
    temp_name: Callable[[str], str],
    rewrites: Callable[[Column, Column], bool],
    movable_table: Callable[[str], bool],
) -> list[KeyMove]:
    """The key moves of ``before`` -> ``target``: a single-column primary key retyped (a rewrite)
    on an online table, whose every referencing column is retyped alike."""
    moves: list[KeyMove] = []
    for table in target.tables:
        old_table = before.table(table.name, table.schema)
        pk = table.primary_key
        if old_table is None or pk is None or len(pk.columns) != 1 or old_table.primary_key is None:
            continue
        name = pk.columns[0].name
        old, new = old_table.column(name), table.column(name)
        if (
            old is None or new is None or old_table.primary_key.column_names != (name,)
            or (table.name, name) not in retyped or not rewrites(old, new) or not movable_table(table.name)
        ):
            continue
        if old.autoincrement != new.autoincrement or (not new.autoincrement and (old.default or new.default)):
            continue
        referencing: list[tuple[Move, ForeignKey]] = []
        ok = True
        for ref in target.tables:
            for fk in ref.foreign_keys:
                if fk.referenced_table != table.name or (fk.referenced_schema or ref.schema) != table.schema:
                    continue
                old_ref = before.table(ref.name, ref.schema)
                if fk.referenced_columns != (name,) or len(fk.columns) != 1 or old_ref is None or fk.name is None:
                    ok = False
                    break
                col = fk.columns[0]
                ref_old, ref_new = old_ref.column(col), ref.column(col)
                in_pk = ref.primary_key is not None and col in ref.primary_key.column_names
                if (
                    ref_old is None or ref_new is None or in_pk or ref_new.autoincrement
                    or (ref.name, col) not in retyped or ref_new.type != new.type
                    or ref_old.default is not None or ref_new.default is not None or not movable_table(ref.name)
                ):
                    ok = False
                    break
                referencing.append((Move(ref, ref_old, ref_new, temp_name(col)), fk))
            if not ok:
                break
        if ok:
            # the new column as the expand adds it (the sequence moves in the contract)
            plain = replace(new, autoincrement=False, sequence=None)
            moves.append(KeyMove(Move(table, old, plain, temp_name(name)), tuple(referencing)))
    return moves


def without(target: Schema, before: Schema, moves: Sequence[KeyMove]) -> Schema:
    """``target`` with the moved columns as they were: what the rest of the plan migrates to (the
    key moves' own SQL does the rest)."""
    schema = target
    for move in moves:
        for c in move.columns:
            table = schema.table(c.table.name, c.table.schema)
            assert table is not None
            cols = tuple(c.old if col.name == c.new.name else col for col in table.columns)
            schema = _replace_table(schema, replace(table, columns=cols))
    return schema


def _temp_index_name(dialect: Dialect, name: str, suffix: str) -> str:
    return name[: dialect.max_identifier_length - len(suffix)] + suffix


def _copies(dialect: Dialect, c: Move, suffix: str) -> list[tuple[Index, Index]]:
    """(the target's index on the column, its copy on the new column) for every index using it."""
    out = []
    for index in c.table.indexes:
        if any(col.name == c.new.name for col in index.columns):
            cols = tuple(replace(col, name=c.during) if col.name == c.new.name else col for col in index.columns)
            out.append((index, replace(index, name=_temp_index_name(dialect, index.name, suffix), columns=cols)))
    return out


def _pk_index(dialect: Dialect, move: KeyMove, suffix: str) -> Index:
    pk = move.key.table.primary_key
    assert pk is not None and pk.name is not None
    return Index(_temp_index_name(dialect, pk.name, suffix), (IndexColumn(move.key.during),), IndexKind.UNIQUE)


def with_new_columns(schema: Schema, moves: Sequence[KeyMove], dialect: Dialect, suffix: str) -> Schema:
    """The expand's schema: ``schema`` plus each moved column's new column (nullable, no default),
    the key's unique index and the index copies on the new columns (built ``CONCURRENTLY``)."""
    for move in moves:
        for c in move.columns:
            table = schema.table(c.table.name, c.table.schema)
            assert table is not None
            column = replace(c.new, name=c.during, arity=Arity.NULLABLE, default=None, autoincrement=False, sequence=None)
            extra = [copy for _, copy in _copies(dialect, c, suffix)]
            if c is move.key:
                extra.insert(0, _pk_index(dialect, move, suffix))
            schema = _replace_table(schema, replace(table, columns=table.columns + (column,), indexes=table.indexes + tuple(extra)))
    return schema


def _check_name(dialect: Dialect, c: Move) -> str:
    return f"{c.table.name}_{c.during}_not_null"[: dialect.max_identifier_length]


def _required(c: Move) -> bool:
    return c.new.arity is Arity.REQUIRED


def prepare_sql(dialect: Dialect, moves: Sequence[KeyMove], lock_timeout: str) -> str:
    """After the backfill (not held): the new columns proven NOT NULL by a validated check."""
    pg = _pg(dialect)
    q = pg.quote
    lines = [f"SET lock_timeout = {pg.quote_literal(lock_timeout)};"]
    for move in moves:
        for c in move.columns:
            if _required(c):
                t = pg.table_name(c.table)
                check = q(_check_name(dialect, c))
                lines.append(f"ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({q(c.during)} IS NOT NULL) NOT VALID;")
                lines.append(f"ALTER TABLE {t} VALIDATE CONSTRAINT {check};")
    return "-- schemashift:transaction off\n-- the new key columns proven NOT NULL (the contract's SET NOT NULL then reads no row)\n" + "\n".join(lines) + "\n"


def contract_sql(
    dialect: Dialect, moves: Sequence[KeyMove], suffix: str, lock_timeout: str, drop_triggers: Callable[[Move], str]
) -> str:
    """The swap, in one transaction of catalog changes (see the module's docstring)."""
    from schemashift.diff import steps as st

    pg = _pg(dialect)
    q = pg.quote
    out: list[str] = []
    for move in moves:
        key = move.key
        t = pg.table_name(key.table)
        pk = key.table.primary_key
        old_pk = key.old
        assert pk is not None and pk.name is not None
        for c in move.columns:
            out.append(drop_triggers(c))
        for c, fk in move.referencing:
            assert fk.name is not None
            out.append(f"ALTER TABLE {pg.table_name(c.table)} DROP CONSTRAINT {q(fk.name)};\n")
        # the describer's name for it, else the one PostgreSQL gives a SERIAL column
        sequence = (old_pk.sequence or f"{key.table.name}_{old_pk.name}_seq") if old_pk.autoincrement else None
        seq = pg.qualified(key.table.schema, sequence) if sequence else None
        if seq:
            out.append(f"ALTER SEQUENCE {seq} OWNED BY NONE;\n")
        out.append(f"ALTER TABLE {t} DROP CONSTRAINT {q(pk.name)};\n")
        for c in move.columns:
            ct = pg.table_name(c.table)
            out.append(f"ALTER TABLE {ct} DROP COLUMN {q(c.old.name)};\n")
            out.append(f"ALTER TABLE {ct} RENAME COLUMN {q(c.during)} TO {q(c.new.name)};\n")
            if _required(c):
                out.append(f"ALTER TABLE {ct} ALTER COLUMN {q(c.new.name)} SET NOT NULL;\n")
                out.append(f"ALTER TABLE {ct} DROP CONSTRAINT {q(_check_name(dialect, c))};\n")
            for index, copy in _copies(dialect, c, suffix):
                out.append(f"ALTER INDEX {pg.qualified(c.table.schema, copy.name)} RENAME TO {q(index.name)};\n")
        pk_index = _pk_index(dialect, move, suffix)
        out.append(f"ALTER TABLE {t} ADD CONSTRAINT {q(pk.name)} PRIMARY KEY USING INDEX {q(pk_index.name)};\n")
        if seq:
            out.append(f"ALTER SEQUENCE {seq} AS {pg.render_type(key.new)} OWNED BY {t}.{q(key.new.name)};\n")
            out.append(f"ALTER TABLE {t} ALTER COLUMN {q(key.new.name)} SET DEFAULT nextval({pg.quote_literal(seq)}::regclass);\n")
        for c, fk in move.referencing:
            (add,) = pg.render_step(st.AddForeignKey(c.table, fk))
            out.append(f"{add} NOT VALID;\n")
    return f"SET LOCAL lock_timeout = {pg.quote_literal(lock_timeout)};\n" + "".join(out)


def validate_sql(dialect: Dialect, moves: Sequence[KeyMove], lock_timeout: str) -> str | None:
    """After the swap: each foreign key added back ``NOT VALID`` is validated (writes go on)."""
    pg = _pg(dialect)
    lines = [
        f"ALTER TABLE {pg.table_name(c.table)} VALIDATE CONSTRAINT {pg.quote(fk.name)};"
        for move in moves for c, fk in move.referencing if fk.name
    ]
    if not lines:
        return None
    return "-- schemashift:transaction off\n" + f"SET lock_timeout = {pg.quote_literal(lock_timeout)};\n" + "\n".join(lines) + "\n"
