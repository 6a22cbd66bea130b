"""The closed set of migration steps: small immutable values the differ produces.

Each step carries the model objects it needs (a renderer never looks anything up in a schema),
knows its :meth:`reverse` and whether it can lose data (:attr:`loses_data`).

Order: steps sort first by kind (the position of the step's type in :data:`STEP_ORDER`, which
follows prisma-engines' ``SqlMigrationStep`` declaration), then by ``sort_key``: positions of the
objects in their schema, filled in by the differ (Prisma sorts by the ids of its schema arenas).
``sort_key`` is not part of a step's identity (``compare=False``); ``reverse()`` leaves it empty,
since a reversed plan must be re-sorted (diff the schemas the other way round for a real plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, Flag
from typing import Union

from schemashift.model import Column, EnumType, Extension, ForeignKey, Index, PrimaryKey, Table, UnmanagedIndex

SortKey = tuple[object, ...]


class ColumnChange(Flag):
    """What changed in a column; bit order is prisma-engines' (renderers iterate in this order)."""

    NONE = 0
    ARITY = 1
    DEFAULT = 2
    TYPE = 4
    AUTOINCREMENT = 8


class TypeChange(Enum):
    """How a type change can be done in place."""

    SAFE_CAST = "safe"
    RISKY_CAST = "risky"  # executes, but may fail or lose precision with existing data
    NOT_CASTABLE = "not_castable"  # the column is dropped and recreated


# ---------------------------------------------------------------- table changes (inside AlterTable)


@dataclass(frozen=True, slots=True)
class AddColumn:
    column: Column
    has_virtual_default: bool = False  # a client-side default (cuid(), uuid()...) fills existing rows

    def reverse(self) -> "DropColumn":
        return DropColumn(self.column)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class DropColumn:
    column: Column

    def reverse(self) -> AddColumn:
        return AddColumn(self.column)

    @property
    def loses_data(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class AlterColumn:
    previous: Column
    next: Column
    changes: ColumnChange
    type_change: TypeChange | None = None
    # the column stops autoincrementing but another column of the next schema still uses the
    # same sequence (``Column.sequence``), so the sequence must be kept
    sequence_still_used: bool = False

    def reverse(self) -> "AlterColumn":
        return AlterColumn(self.next, self.previous, self.changes, self.type_change)

    @property
    def loses_data(self) -> bool:
        return self.type_change is TypeChange.RISKY_CAST


@dataclass(frozen=True, slots=True)
class DropAndRecreateColumn:
    previous: Column
    next: Column
    changes: ColumnChange

    def reverse(self) -> "DropAndRecreateColumn":
        return DropAndRecreateColumn(self.next, self.previous, self.changes)

    @property
    def loses_data(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class DropPrimaryKey:
    primary_key: PrimaryKey

    def reverse(self) -> "AddPrimaryKey":
        return AddPrimaryKey(self.primary_key)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class AddPrimaryKey:
    primary_key: PrimaryKey

    def reverse(self) -> DropPrimaryKey:
        return DropPrimaryKey(self.primary_key)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class RenamePrimaryKey:
    previous: PrimaryKey
    next: PrimaryKey

    def reverse(self) -> "RenamePrimaryKey":
        return RenamePrimaryKey(self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


TableChange = Union[
    AddColumn, DropColumn, AlterColumn, DropAndRecreateColumn, DropPrimaryKey, AddPrimaryKey, RenamePrimaryKey
]


# ---------------------------------------------------------------- steps


@dataclass(frozen=True, slots=True)
class RenameTable:
    """``ALTER TABLE previous RENAME TO next`` (:mod:`schemashift.diff.renames`): ``next`` is
    ``previous`` under its new name. Renames sort before every other step: the others are diffed
    from the renamed schema."""

    previous: Table
    next: Table
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "RenameTable":
        return RenameTable(self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class RenameColumn:
    """``ALTER TABLE table RENAME COLUMN previous TO next`` (:mod:`schemashift.diff.renames`);
    ``table`` is the table under its new name (after any :class:`RenameTable`)."""

    table: Table
    previous: Column
    next: Column
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "RenameColumn":
        return RenameColumn(self.table, self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class CreateSchema:
    namespace: str
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "DropSchema":
        return DropSchema(self.namespace)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class DropExtension:
    extension: Extension
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "CreateExtension":
        return CreateExtension(self.extension)

    @property
    def loses_data(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class CreateExtension:
    extension: Extension
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> DropExtension:
        return DropExtension(self.extension)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class AlterExtension:
    previous: Extension
    next: Extension
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "AlterExtension":
        return AlterExtension(self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class AlterSequence:
    """The options of a column's sequence change (CockroachDB ``sequence(...)``; only for dialects
    with ``has_sequence_options``). ``table`` is the previous one."""

    table: Table
    previous: Column
    next: Column
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "AlterSequence":
        return AlterSequence(self.table, self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class CreateEnum:
    enum: EnumType
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "DropEnum":
        return DropEnum(self.enum)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class EnumColumnUsage:
    """A column of type ``enum`` (in the next schema), or one that had it as default (previous)."""

    table: str
    table_schema: str | None
    column: Column
    next_column: Column | None = None  # for default usages: the column in the next schema, if any


@dataclass(frozen=True, slots=True)
class AlterEnum:
    previous: EnumType
    next: EnumType
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    # columns whose default used the enum in the previous schema (dropped, then reinstalled)
    default_usages: tuple[EnumColumnUsage, ...] = ()
    # columns of the enum's type in the next schema (re-typed when values are dropped)
    column_usages: tuple[EnumColumnUsage, ...] = ()
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "AlterEnum":
        return AlterEnum(self.next, self.previous, self.dropped, self.added)

    @property
    def loses_data(self) -> bool:
        return bool(self.dropped)


@dataclass(frozen=True, slots=True)
class DropForeignKey:
    table: Table
    foreign_key: ForeignKey
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "AddForeignKey":
        return AddForeignKey(self.table, self.foreign_key)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class DropIndex:
    table: Table
    index: Index
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "CreateIndex":
        return CreateIndex(self.table, self.index)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class AlterTable:
    previous: Table
    next: Table
    changes: tuple[TableChange, ...]
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "AlterTable":
        return AlterTable(self.next, self.previous, tuple(c.reverse() for c in reversed(self.changes)))

    @property
    def loses_data(self) -> bool:
        return any(c.loses_data for c in self.changes)


@dataclass(frozen=True, slots=True)
class AlterPrimaryKey:
    """The primary key changes columns in place (CockroachDB's ``ALTER PRIMARY KEY``; only for
    dialects with ``can_alter_primary_keys``, where both tables have a primary key)."""

    previous: Table
    next: Table
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "AlterPrimaryKey":
        return AlterPrimaryKey(self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class DropTable:
    table: Table
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "CreateTable":
        return CreateTable(self.table)

    @property
    def loses_data(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class DropEnum:
    enum: EnumType
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> CreateEnum:
        return CreateEnum(self.enum)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class DropSchema:
    """Only the reverse of ``CreateSchema``: Prisma's differ never drops a namespace."""

    namespace: str
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> CreateSchema:
        return CreateSchema(self.namespace)

    @property
    def loses_data(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class CreateTable:
    table: Table
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> DropTable:
        return DropTable(self.table)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class ColumnPair:
    previous: Column
    next: Column
    changes: ColumnChange
    type_change: TypeChange | None = None


@dataclass(frozen=True, slots=True)
class RedefineTable:
    """A table rebuilt by copy (SQLite): create the new shape, copy the rows, drop, rename."""

    previous: Table
    next: Table
    added_columns: tuple[Column, ...]
    dropped_columns: tuple[Column, ...]
    column_pairs: tuple[ColumnPair, ...]  # columns kept (by name), with their changes
    dropped_primary_key: bool = False
    added_columns_with_virtual_defaults: tuple[Column, ...] = ()
    # the previous table's unmanaged indexes to create again after the rebuild (their definitions)
    unmanaged_indexes: tuple[UnmanagedIndex, ...] = ()

    def reverse(self) -> "RedefineTable":
        return RedefineTable(
            self.next,
            self.previous,
            self.dropped_columns,
            self.added_columns,
            tuple(ColumnPair(p.next, p.previous, p.changes, p.type_change) for p in self.column_pairs),
        )

    @property
    def loses_data(self) -> bool:
        return bool(self.dropped_columns) or any(
            p.type_change in (TypeChange.RISKY_CAST, TypeChange.NOT_CASTABLE) for p in self.column_pairs
        )


@dataclass(frozen=True, slots=True)
class RedefineTables:
    tables: tuple[RedefineTable, ...]
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "RedefineTables":
        return RedefineTables(tuple(t.reverse() for t in self.tables))

    @property
    def loses_data(self) -> bool:
        return any(t.loses_data for t in self.tables)


@dataclass(frozen=True, slots=True)
class CreateIndex:
    table: Table
    index: Index
    from_drop_and_recreate: bool = False
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> DropIndex:
        return DropIndex(self.table, self.index)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class RenameForeignKey:
    table: Table
    previous: ForeignKey
    next: ForeignKey
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "RenameForeignKey":
        return RenameForeignKey(self.table, self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class AddForeignKey:
    table: Table
    foreign_key: ForeignKey
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> DropForeignKey:
        return DropForeignKey(self.table, self.foreign_key)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class RenameIndex:
    table: Table
    previous: Index
    next: Index
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "RenameIndex":
        return RenameIndex(self.table, self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class RedefineIndex:
    """Drop and recreate an index under its new name (dialects that cannot rename indexes)."""

    table: Table
    previous: Index
    next: Index
    sort_key: SortKey = field(default=(), compare=False)

    def reverse(self) -> "RedefineIndex":
        return RedefineIndex(self.table, self.next, self.previous)

    @property
    def loses_data(self) -> bool:
        return False


Step = Union[
    RenameTable,
    RenameColumn,
    CreateSchema,
    DropExtension,
    CreateExtension,
    AlterExtension,
    AlterSequence,
    CreateEnum,
    AlterEnum,
    DropForeignKey,
    DropIndex,
    AlterTable,
    AlterPrimaryKey,
    DropTable,
    DropEnum,
    DropSchema,
    CreateTable,
    RedefineTables,
    CreateIndex,
    RenameForeignKey,
    AddForeignKey,
    RenameIndex,
    RedefineIndex,
]

STEP_ORDER: tuple[type, ...] = (
    # not Prisma's (it has no renames): first, since every other step is diffed from the renamed schema
    RenameTable,
    RenameColumn,
    CreateSchema,
    DropExtension,
    CreateExtension,
    AlterExtension,
    AlterSequence,
    CreateEnum,
    AlterEnum,
    DropForeignKey,
    DropIndex,
    AlterTable,
    AlterPrimaryKey,
    DropTable,
    DropEnum,
    DropSchema,
    CreateTable,
    RedefineTables,
    CreateIndex,
    RenameForeignKey,
    AddForeignKey,
    RenameIndex,
    RedefineIndex,
)


def step_name(step: Step) -> str:
    """The step's name as Prisma prints it in a script header (``-- CreateTable``)."""
    return type(step).__name__


_KIND = {kind: i for i, kind in enumerate(STEP_ORDER)}


def sort_steps(steps: list[Step]) -> list[Step]:
    return sorted(steps, key=lambda s: (_KIND[type(s)], s.sort_key))
