"""Model x model -> ordered migration steps, with prisma-engines' rules (``sql_schema_differ``).

Tables pair by (namespace, name), columns by name, enums by (namespace, name). Indexes and
foreign keys pair by what they are (columns, kind, referenced table, actions), not by name: a
name change alone becomes a rename step. Dialect differences are capabilities and hooks of the
:class:`~schemashift.dialects.base.Dialect` (see there); nothing here checks a dialect's name.

Ordering: the differ gives each step a ``sort_key`` made of positions in the two schemas (the ids
Prisma sorts by: table position, global index position, global foreign key position...), then
sorts by (kind, key) and applies Prisma's one partial-order fix (a dropped unique index moves
after the ``AlterTable`` that creates a primary key on the same columns).

Unmanaged indexes (``Table.unmanaged_indexes``: a predicate, INCLUDE columns, an expression) are
left alone, as Prisma 6.19's describer leaves partial and expression indexes out: never dropped,
never drift. An index of the other side with the same name is taken for the unmanaged one (the
database's version of the schema's ``@unique``, as Prisma 7.10 does): no step for either. A table
rebuild (SQLite) creates them again, those of either side, unless they use a column the rebuilt
table lacks (:attr:`steps.RedefineTable.unmanaged_indexes`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterator, Sequence

from schemashift.diff import steps as st
from schemashift.diff.columns import column_changes
from schemashift.dialects.base import Dialect, TablePairFacts
from schemashift.model import (
    Column,
    EnumType,
    Family,
    ForeignKey,
    Index,
    IndexKind,
    Schema,
    SortOrder,
    Table,
    UnmanagedIndex,
)

if TYPE_CHECKING:
    from schemashift.diff.renames import Rename

MIGRATIONS_TABLE = "_prisma_migrations"

Key = tuple[str | None, str]


class _Positions:
    """Prisma-style ids: positions of tables, indexes, foreign keys, enums in one schema."""

    def __init__(self, schema: Schema) -> None:
        self.table: dict[Key, int] = {}
        self.index: dict[tuple[Key, str], int] = {}
        self.fk: dict[tuple[Key, int], int] = {}
        self.enum: dict[Key, int] = {e.key: i for i, e in enumerate(schema.enums)}
        idx = fk = 0
        for ti, t in enumerate(schema.tables):
            self.table[t.key] = ti
            for i in t.indexes:
                self.index[(t.key, i.name)] = idx
                idx += 1
            for fi in range(len(t.foreign_keys)):
                self.fk[(t.key, fi)] = fk
                fk += 1


@dataclass(slots=True)
class _ColumnPair:
    previous: Column
    next: Column
    changes: st.ColumnChange
    type_change: st.TypeChange | None


def _sort_value(sort: SortOrder | None) -> SortOrder:
    return sort or SortOrder.ASC


class _TablePair:
    def __init__(self, previous: Table, next: Table, dialect: Dialect, schemas: tuple[Schema, Schema]) -> None:
        self.previous = previous
        self.next = next
        self.dialect = dialect
        prev_cols = {c.name: c for c in previous.columns}
        next_cols = {c.name: c for c in next.columns}
        # Prisma keys columns by name in a BTreeMap: iteration is in name (byte) order
        names = sorted(set(prev_cols) | set(next_cols), key=lambda n: n.encode())
        self.dropped_columns = [prev_cols[n] for n in names if n not in next_cols]
        self.added_columns = [next_cols[n] for n in names if n not in prev_cols]
        self.column_pairs: list[_ColumnPair] = []
        #: columns dropped and added again (a type change the database cannot cast)
        self.recreated: set[str] = set()
        for n in names:
            if n in prev_cols and n in next_cols:
                p, q = prev_cols[n], next_cols[n]
                if p == q and p.type.family is not Family.ENUM:
                    changes, type_change = st.ColumnChange.NONE, None
                else:
                    enums = (_enum_of(schemas[0], p), _enum_of(schemas[1], q))
                    changes, type_change = column_changes(p, q, dialect, enums)
                    if type_change is st.TypeChange.NOT_CASTABLE:
                        self.recreated.add(n)
                self.column_pairs.append(_ColumnPair(prev_cols[n], next_cols[n], changes, type_change))
        self._pair_by_prev = {p.previous.name: p for p in self.column_pairs}
        # fast paths for the common case of an unchanged table part
        # an index and an unmanaged index of the same name on the two sides are one index: the
        # database's version of the schema's (a partial unique index behind `@unique`), no step
        self.previous_indexes = _unshadowed(previous.indexes, next.unmanaged_indexes)
        self.next_indexes = _unshadowed(next.indexes, previous.unmanaged_indexes)
        self.same_indexes = self.previous_indexes == self.next_indexes
        self.same_foreign_keys = previous.foreign_keys == next.foreign_keys and not any(
            p.changes & (st.ColumnChange.TYPE | st.ColumnChange.ARITY) for p in self.column_pairs
        )
        self.prev_col_pos = {c.name: i for i, c in enumerate(previous.columns)}
        self.next_col_pos = {c.name: i for i, c in enumerate(next.columns)}

    # -- indexes

    def indexes_match(self, a: Index, b: Index) -> bool:
        return (
            len(a.columns) == len(b.columns)
            and all(
                x.name == y.name and x.length == y.length and _sort_value(x.sort) == _sort_value(y.sort)
                for x, y in zip(a.columns, b.columns)
            )
            and a.kind is b.kind
            and self.dialect.indexes_match(a, b)
        )

    def created_indexes(self) -> list[Index]:
        if self.same_indexes:
            return []
        return [n for n in self.next_indexes if not any(self.indexes_match(p, n) for p in self.previous_indexes)]

    def dropped_indexes(self) -> list[Index]:
        if self.same_indexes:
            return []
        return [p for p in self.previous_indexes if not any(self.indexes_match(p, n) for n in self.next_indexes)]

    def kept_unmanaged_indexes(self) -> tuple[UnmanagedIndex, ...]:
        """The unmanaged indexes a rebuild of the table must create again: the previous table's,
        then the next table's others (a ``next`` described from a database that has them, e.g.
        the end state a down script returns to), unless they use a column the next table lacks."""
        columns = {c.name for c in self.next.columns}
        previous = {u.name for u in self.previous.unmanaged_indexes}
        others = (u for u in self.next.unmanaged_indexes if u.name not in previous)
        return tuple(
            u
            for u in (*self.previous.unmanaged_indexes, *others)
            if u.definition is not None and columns.issuperset(u.columns)
        )

    def on_recreated_column(self, index: Index) -> bool:
        return any(c.name in self.recreated for c in index.columns)

    @functools.cached_property
    def kept_indexes_on_recreated_columns(self) -> tuple[list[Index], list[Index]]:
        """The indexes both sides have (previous ones, next ones) that use a recreated column."""
        prev = [p for p in self.previous_indexes if self.on_recreated_column(p)]
        nxt = [n for n in self.next_indexes if self.on_recreated_column(n)]
        return (
            [p for p in prev if any(self.indexes_match(p, n) for n in self.next_indexes)],
            [n for n in nxt if any(self.indexes_match(p, n) for p in self.previous_indexes)],
        )

    def index_pairs(self) -> Iterator[tuple[Index, Index]]:
        for p in self.previous_indexes:
            twins = sum(1 for q in self.previous_indexes if q.column_names == p.column_names and q.kind is p.kind)
            if twins != 1:
                continue
            n = next((n for n in self.next_indexes if self.indexes_match(p, n)), None)
            if n is not None:
                yield p, n

    # -- foreign keys

    def foreign_keys_match(self, a: ForeignKey, b: ForeignKey) -> bool:
        if (
            a.referenced_table != b.referenced_table
            or len(a.referenced_columns) != len(b.referenced_columns)
            or len(a.columns) != len(b.columns)
            or a.referenced_columns != b.referenced_columns
            or a.on_delete is not b.on_delete
            or a.on_update is not b.on_update
        ):
            return False
        for pc, nc in zip(a.columns, b.columns):
            if pc != nc:
                return False
            pair = self._pair_by_prev.get(pc)
            if pair is None:
                continue
            if pair.changes & st.ColumnChange.TYPE:
                return False
            if not self.dialect.can_cope_with_fk_column_becoming_required and not (
                pair.previous.arity is pair.next.arity
                or (pair.previous.arity.value == "required" and pair.next.arity.value == "nullable")
            ):
                return False
        return True

    def created_foreign_keys(self) -> list[tuple[int, ForeignKey]]:
        if self.same_foreign_keys:
            return []
        return [
            (i, n)
            for i, n in enumerate(self.next.foreign_keys)
            if not any(self.foreign_keys_match(p, n) for p in self.previous.foreign_keys)
        ]

    def dropped_foreign_keys(self) -> list[tuple[int, ForeignKey]]:
        if self.same_foreign_keys:
            return []
        return [
            (i, p)
            for i, p in enumerate(self.previous.foreign_keys)
            if not any(self.foreign_keys_match(p, n) for n in self.next.foreign_keys)
        ]

    def foreign_key_pairs(self) -> list[tuple[int, int]]:
        if self.same_foreign_keys:
            return [(i, i) for i in range(len(self.previous.foreign_keys))]
        seen: set[int] = set()
        out: list[tuple[int, int]] = []
        for pi, p in enumerate(self.previous.foreign_keys):
            for ni, n in enumerate(self.next.foreign_keys):
                if ni not in seen and self.foreign_keys_match(p, n):
                    seen.add(ni)
                    out.append((pi, ni))
                    break
        return out

    # -- primary key

    def primary_key_changed(self) -> bool:
        p, n = self.previous.primary_key, self.next.primary_key
        if p is None or n is None:
            return False
        if len(p.columns) != len(n.columns):
            return True
        if any(
            a.name != b.name or _sort_value(a.sort) != _sort_value(b.sort) or a.length != b.length
            for a, b in zip(p.columns, n.columns)
        ):
            return True
        pk_names = set(p.column_names)
        return any(
            pair.changes & st.ColumnChange.TYPE for pair in self.column_pairs if pair.previous.name in pk_names
        )

    def any_column_changed(self) -> bool:
        return any(p.changes for p in self.column_pairs)

    def facts(self) -> TablePairFacts:
        return TablePairFacts(
            previous=self.previous,
            next=self.next,
            created_primary_key=self.previous.primary_key is None and self.next.primary_key is not None,
            dropped_primary_key=self.previous.primary_key is not None and self.next.primary_key is None,
            primary_key_changed=self.primary_key_changed(),
            dropped_columns=tuple(self.dropped_columns),
            added_columns=tuple(self.added_columns),
            any_column_changed=self.any_column_changed(),
            created_foreign_keys=bool(self.created_foreign_keys()),
            dropped_foreign_keys=bool(self.dropped_foreign_keys()),
        )


class _Differ:
    def __init__(self, previous: Schema, next: Schema, dialect: Dialect) -> None:
        self.previous = previous
        self.next = next
        self.dialect = dialect
        self.pp = _Positions(previous)
        self.np = _Positions(next)
        prev_tables = {t.key: t for t in previous.tables if t.name != MIGRATIONS_TABLE}
        next_tables = {t.key: t for t in next.tables if t.name != MIGRATIONS_TABLE}
        self.created_tables = [t for k, t in next_tables.items() if k not in prev_tables]
        self.dropped_tables = [t for k, t in prev_tables.items() if k not in next_tables]
        schemas = (previous, next)
        self.pairs = [
            _TablePair(t, next_tables[k], dialect, schemas) for k, t in prev_tables.items() if k in next_tables
        ]
        self.redefined = (
            {id(p) for p in self.pairs if dialect.needs_table_rebuild(p.facts())} if dialect.rebuilds_tables else set()
        )
        self.redefined_keys = {p.previous.key for p in self.pairs if id(p) in self.redefined}
        self.next_sequences = {
            c.sequence for t in next.tables for c in t.columns if c.autoincrement and c.sequence is not None
        }
        self.steps: list[st.Step] = []

    def non_redefined(self) -> Iterator[_TablePair]:
        return (p for p in self.pairs if id(p) not in self.redefined)

    def run(self) -> list[st.Step]:
        self._extensions()
        self._namespaces()
        self._created_tables()
        self._dropped_tables()
        self._dropped_indexes()
        self._created_indexes()
        self._altered_tables()
        self._redefined_tables()
        self._enums()
        self._sequences()
        return self._sorted()

    # -- keys

    def _tkey(self, pos: _Positions, t: Table) -> int:
        return pos.table[t.key]

    def _ikey(self, pos: _Positions, t: Table, i: Index) -> int:
        return pos.index[(t.key, i.name)]

    def _fkey(self, pos: _Positions, t: Table, fi: int) -> int:
        return pos.fk[(t.key, fi)]

    # -- steps

    def _extensions(self) -> None:
        if not self.dialect.supports_extensions:
            return
        prev = {e.name: (i, e) for i, e in enumerate(self.previous.extensions)}
        for ni, n in enumerate(self.next.extensions):
            if n.name not in prev:
                self.steps.append(st.CreateExtension(n, sort_key=(ni,)))
                continue
            pi, p = prev[n.name]
            version_changed = bool(p.version and n.version and p.version != n.version)
            schema_changed = bool(p.schema and n.schema and p.schema != n.schema)
            if not (version_changed or schema_changed):
                continue
            if p.relocatable or n.relocatable:
                self.steps.append(st.AlterExtension(p, n, sort_key=(pi, ni)))
            else:
                self.steps.append(st.DropExtension(p, sort_key=(pi,)))
                self.steps.append(st.CreateExtension(n, sort_key=(ni,)))

    def _namespaces(self) -> None:
        if not self.dialect.supports_namespaces:
            return
        prev = set(self.previous.namespaces)
        table_namespaces = {t.schema for t in (*self.previous.tables, *self.next.tables)}
        prev_enums = {e.key for e in self.previous.enums}
        enum_namespaces = {e.schema for e in self.next.enums if e.key not in prev_enums}
        for i, ns in enumerate(self.next.namespaces):
            if ns in prev or (ns not in table_namespaces and ns not in enum_namespaces):
                continue
            self.steps.append(st.CreateSchema(ns, sort_key=(i,)))

    def _created_tables(self) -> None:
        d = self.dialect
        for t in self.created_tables:
            tk = self._tkey(self.np, t)
            self.steps.append(st.CreateTable(t, sort_key=(tk,)))
            if not d.foreign_keys_in_create_table:
                for fi, fk in enumerate(t.foreign_keys):
                    self.steps.append(st.AddForeignKey(t, fk, sort_key=(self._fkey(self.np, t, fi),)))
            if d.create_indexes_for_created_tables:
                for i in t.indexes:
                    self.steps.append(st.CreateIndex(t, i, sort_key=(0, 0, tk, self._ikey(self.np, t, i), 0)))

    def _dropped_tables(self) -> None:
        for t in self.dropped_tables:
            self.steps.append(st.DropTable(t, sort_key=(self._tkey(self.pp, t),)))
            if self.dialect.drop_foreign_keys_of_dropped_tables:
                for fi, fk in enumerate(t.foreign_keys):
                    self.steps.append(st.DropForeignKey(t, fk, sort_key=(self._fkey(self.pp, t, fi),)))

    def _dropped_indexes(self) -> None:
        seen: set[tuple[Key, str]] = set()

        def drop(pair: _TablePair, i: Index) -> None:
            if (pair.previous.key, i.name) not in seen:
                seen.add((pair.previous.key, i.name))
                self.steps.append(st.DropIndex(pair.previous, i, sort_key=(self._ikey(self.pp, pair.previous, i),)))

        for pair in self.non_redefined():
            dropped_fks = {pi for pi, _ in pair.dropped_foreign_keys()}
            recreate: set[int] = set()
            for i in pair.dropped_indexes():
                if self.dialect.foreign_keys_imply_indexes:
                    # the database keeps an index for every foreign key: the keys an index serves
                    # are dropped before it and added again after; a normal index exactly on a
                    # key's columns that left the schema is taken for the key's own index and kept
                    covered = [fi for fi in _fks_covered_by(pair.previous, i) if fi not in dropped_fks]
                    if i.kind is IndexKind.NORMAL and any(
                        len(pair.previous.foreign_keys[fi].columns) == len(i.columns) for fi in covered
                    ):
                        continue
                    recreate.update(covered)
                drop(pair, i)
            if pair.recreated and self.dialect.drop_indexes_before_column_recreate:
                # MySQL/MariaDB reject DROP COLUMN + ADD COLUMN of an indexed column in one ALTER
                # TABLE: the kept indexes on such a column go before it (and the foreign keys they
                # serve with them) and are created again after (_created_indexes)
                for i in pair.kept_indexes_on_recreated_columns[0]:
                    if self.dialect.foreign_keys_imply_indexes:
                        recreate.update(fi for fi in _fks_covered_by(pair.previous, i) if fi not in dropped_fks)
                    drop(pair, i)
            self._recreate_foreign_keys(pair, recreate)
        if self.redefined and self.dialect.drop_indexes_of_dropped_tables:
            for t in self.dropped_tables:
                for i in t.indexes:
                    if (t.key, i.name) not in seen:
                        seen.add((t.key, i.name))
                        self.steps.append(st.DropIndex(t, i, sort_key=(self._ikey(self.pp, t, i),)))

    def _recreate_foreign_keys(self, pair: _TablePair, previous_positions: set[int]) -> None:
        """Drop and add again the foreign keys an index that goes away served (both sorted by the
        previous key's position, as Prisma does)."""
        next_of = dict(pair.foreign_key_pairs())
        for pi in sorted(previous_positions):
            key = (self._fkey(self.pp, pair.previous, pi),)
            fk = pair.previous.foreign_keys[pi]
            self.steps.append(st.DropForeignKey(pair.previous, fk, sort_key=key))
            ni = next_of.get(pi)
            again = pair.next.foreign_keys[ni] if ni is not None else fk
            self.steps.append(st.AddForeignKey(pair.next, again, sort_key=key))

    def _created_indexes(self) -> None:
        for pair in self.non_redefined():
            pk, nk = self._tkey(self.pp, pair.previous), self._tkey(self.np, pair.next)
            kept_fks = {fk.columns for fk in pair.previous.foreign_keys} & {fk.columns for fk in pair.next.foreign_keys}
            for i in pair.created_indexes():
                if (
                    self.dialect.foreign_keys_imply_indexes
                    and i.kind is IndexKind.NORMAL
                    and i.column_names in kept_fks
                    and any(fk.name == i.name for fk in pair.next.foreign_keys)
                ):
                    # the index the database made for a foreign key both sides have (a described
                    # ``next``, e.g. a down script diffed towards a migration history's end state):
                    # it is already there
                    continue
                self.steps.append(
                    st.CreateIndex(pair.next, i, sort_key=(1, pk, nk, self._ikey(self.np, pair.next, i), 0))
                )
            if not pair.recreated:
                continue
            if self.dialect.drop_indexes_before_column_recreate:
                again = pair.kept_indexes_on_recreated_columns[1]
            elif self.dialect.indexes_recreated_after_column_drop:
                again = [n for _, n in pair.index_pairs() if pair.on_recreated_column(n)]
            else:
                again = []
            for n in again:
                self.steps.append(
                    st.CreateIndex(pair.next, n, True, sort_key=(1, pk, nk, self._ikey(self.np, pair.next, n), 1))
                )

    def _altered_tables(self) -> None:
        d = self.dialect
        for pair in self.non_redefined():
            prev, nxt = pair.previous, pair.next
            for ni, fk in pair.created_foreign_keys():
                self.steps.append(st.AddForeignKey(nxt, fk, sort_key=(self._fkey(self.np, nxt, ni),)))
            for pi, fk in pair.dropped_foreign_keys():
                self.steps.append(st.DropForeignKey(prev, fk, sort_key=(self._fkey(self.pp, prev, pi),)))
            if not pair.same_foreign_keys or self.redefined_keys:
                for pi, ni in pair.foreign_key_pairs():
                    self._foreign_key_pair(pair, pi, ni)
            recreated_indexes = pair.recreated and d.drop_indexes_before_column_recreate
            for p, n in () if pair.same_indexes else pair.index_pairs():
                if p.name != n.name and not (recreated_indexes and pair.on_recreated_column(p)):
                    key = (self._ikey(self.pp, prev, p), self._ikey(self.np, nxt, n))
                    step_type = st.RenameIndex if d.can_rename_index else st.RedefineIndex
                    self.steps.append(step_type(nxt, p, n, sort_key=key))
            changes = self._table_changes(pair)
            if changes:
                self.steps.append(
                    st.AlterTable(
                        prev, nxt, tuple(changes), sort_key=(self._tkey(self.pp, prev), self._tkey(self.np, nxt))
                    )
                )
            both_pks = prev.primary_key is not None and nxt.primary_key is not None
            if both_pks and d.can_alter_primary_keys and pair.primary_key_changed():
                key = (self._tkey(self.pp, prev), self._tkey(self.np, nxt))
                self.steps.append(st.AlterPrimaryKey(prev, nxt, sort_key=key))

    def _foreign_key_pair(self, pair: _TablePair, pi: int, ni: int) -> None:
        d = self.dialect
        p, n = pair.previous.foreign_keys[pi], pair.next.foreign_keys[ni]
        pk, nk = self._fkey(self.pp, pair.previous, pi), self._fkey(self.np, pair.next, ni)
        if (p.referenced_schema, p.referenced_table) in self.redefined_keys and not (
            d.can_redefine_tables_with_inbound_foreign_keys
        ):
            self.steps.append(st.DropForeignKey(pair.previous, p, sort_key=(pk,)))
            self.steps.append(st.AddForeignKey(pair.next, n, sort_key=(nk,)))
            return
        if not d.has_named_foreign_keys or p.name == n.name:
            return
        if _is_implicit_m2m(pair.previous) and _is_implicit_m2m(pair.next):
            return
        if d.can_rename_foreign_key:
            self.steps.append(st.RenameForeignKey(pair.next, p, n, sort_key=(pk, nk)))
        else:
            self.steps.append(st.AddForeignKey(pair.next, n, sort_key=(nk,)))
            self.steps.append(st.DropForeignKey(pair.previous, p, sort_key=(pk,)))

    def _table_changes(self, pair: _TablePair) -> list[st.TableChange]:
        d = self.dialect
        prev, nxt = pair.previous, pair.next
        changes: list[st.TableChange] = []
        both_pks = prev.primary_key is not None and nxt.primary_key is not None
        alter_columns = self._alter_columns(pair)
        recreated_pk_column = d.recreate_primary_key_on_column_recreate and any(
            isinstance(c, st.DropAndRecreateColumn)
            and prev.primary_key is not None
            and c.previous.name in prev.primary_key.column_names
            for c in alter_columns
        )
        pk_changed = pair.primary_key_changed()
        if not (both_pks and d.can_alter_primary_keys):
            if (prev.primary_key is not None and nxt.primary_key is None) or pk_changed or (
                recreated_pk_column and prev.primary_key is not None
            ):
                changes.append(st.DropPrimaryKey(prev.primary_key))  # type: ignore[arg-type]
        if (
            d.has_named_primary_keys
            and prev.primary_key is not None
            and nxt.primary_key is not None
            and prev.primary_key.name != nxt.primary_key.name
        ):
            changes.append(st.RenamePrimaryKey(prev.primary_key, nxt.primary_key))
        changes.extend(st.DropColumn(c) for c in pair.dropped_columns)
        changes.extend(st.AddColumn(c, _has_virtual_default(c)) for c in pair.added_columns)
        changes.extend(alter_columns)
        if not (both_pks and d.can_alter_primary_keys):
            if (prev.primary_key is None and nxt.primary_key is not None) or pk_changed or (
                recreated_pk_column and nxt.primary_key is not None
            ):
                changes.append(st.AddPrimaryKey(nxt.primary_key))  # type: ignore[arg-type]
        return changes

    def _alter_columns(self, pair: _TablePair) -> list[st.TableChange]:
        out: list[tuple[tuple[int, int], st.TableChange]] = []
        for p in pair.column_pairs:
            if not p.changes:
                continue
            key = (pair.prev_col_pos[p.previous.name], pair.next_col_pos[p.next.name])
            change: st.TableChange
            if p.type_change is st.TypeChange.NOT_CASTABLE:
                change = st.DropAndRecreateColumn(p.previous, p.next, p.changes)
            else:
                still_used = (
                    bool(p.changes & st.ColumnChange.AUTOINCREMENT)
                    and p.previous.autoincrement
                    and p.previous.sequence in self.next_sequences
                )
                change = st.AlterColumn(p.previous, p.next, p.changes, p.type_change, still_used)
            out.append((key, change))
        out.sort(key=lambda kc: kc[0])
        return [c for _, c in out]

    def _redefined_tables(self) -> None:
        redefined = [p for p in self.pairs if id(p) in self.redefined]
        if not redefined:
            return
        tables = tuple(
            st.RedefineTable(
                previous=p.previous,
                next=p.next,
                added_columns=tuple(p.added_columns),
                dropped_columns=tuple(p.dropped_columns),
                column_pairs=tuple(st.ColumnPair(c.previous, c.next, c.changes, c.type_change) for c in p.column_pairs),
                dropped_primary_key=p.previous.primary_key is not None
                and (p.next.primary_key is None or p.primary_key_changed()),
                added_columns_with_virtual_defaults=tuple(c for c in p.added_columns if _has_virtual_default(c)),
                unmanaged_indexes=p.kept_unmanaged_indexes(),
            )
            for p in redefined
        )
        self.steps.append(st.RedefineTables(tables))

    def _sequences(self) -> None:
        """Prisma's ``push_alter_sequence_steps`` (CockroachDB): a column with a sequence on both
        sides whose options changed."""
        d = self.dialect
        if not d.has_sequence_options:
            return
        for pair in self.pairs:
            for p in pair.column_pairs:
                if p.previous.sequence is None or p.next.sequence is None:
                    continue
                if not d.sequence_changed(p.previous, p.next):
                    continue
                key = (self._tkey(self.pp, pair.previous), pair.prev_col_pos[p.previous.name])
                self.steps.append(st.AlterSequence(pair.previous, p.previous, p.next, sort_key=key))

    def _enums(self) -> None:
        d = self.dialect
        if not d.has_native_enums:
            return
        prev_enums = {e.key: e for e in self.previous.enums}
        next_enums = {e.key: e for e in self.next.enums}
        for k, p in prev_enums.items():
            n = next_enums.get(k)
            if n is None:
                continue
            added = tuple(v for v in n.values if v not in p.values)
            dropped = tuple(v for v in p.values if v not in n.values)
            if not added and not dropped:
                continue
            self.steps.append(
                st.AlterEnum(
                    p,
                    n,
                    added,
                    dropped,
                    self._enum_default_usages(p, n),
                    self._enum_column_usages(p, n),
                    sort_key=(self.pp.enum[k], self.np.enum[k]),
                )
            )
        for k, n in next_enums.items():
            if k not in prev_enums:
                self.steps.append(st.CreateEnum(n, sort_key=(self.np.enum[k],)))
        for k, p in prev_enums.items():
            if k not in next_enums:
                self.steps.append(st.DropEnum(p, sort_key=(self.pp.enum[k],)))

    def _enum_default_usages(self, p: EnumType, n: EnumType) -> tuple[st.EnumColumnUsage, ...]:
        def uses(c: Column, e: EnumType) -> bool:
            return c.type.enum == e.name and c.default is not None

        out: list[st.EnumColumnUsage] = []
        for t in self.dropped_tables:
            out.extend(st.EnumColumnUsage(t.name, t.schema, c) for c in t.columns if uses(c, p))
        for pair in self.pairs:
            t = pair.previous
            out.extend(st.EnumColumnUsage(t.name, t.schema, c) for c in pair.dropped_columns if uses(c, p))
            for cp in pair.column_pairs:
                if uses(cp.previous, p):
                    out.append(
                        st.EnumColumnUsage(t.name, t.schema, cp.previous, cp.next if uses(cp.next, n) else None)
                    )
        return tuple(out)

    def _enum_column_usages(self, p: EnumType, n: EnumType) -> tuple[st.EnumColumnUsage, ...]:
        """The columns to re-type when values are dropped: those of the enum's type in the next
        schema that the database already has, then the database's other columns of that type
        (in tables or columns this migration drops, or renames away with ``@map``), which still
        depend on it. Prisma 6.19 takes the next schema's columns only: it re-types columns that
        do not exist yet and leaves the type's old users behind, and its script fails either way."""
        out: list[st.EnumColumnUsage] = []
        seen: set[tuple[tuple[str | None, str], str]] = set()
        for t in self.next.tables:
            old = self.previous.table(t.name, t.schema)
            if old is None:
                continue
            for c in t.columns:
                if c.type.enum == n.name and c.type.enum_schema == n.schema and old.column(c.name) is not None:
                    out.append(st.EnumColumnUsage(t.name, t.schema, c))
                    seen.add((t.key, c.name))
        for t in self.previous.tables:
            for c in t.columns:
                if c.type.enum == p.name and c.type.enum_schema == p.schema and (t.key, c.name) not in seen:
                    out.append(st.EnumColumnUsage(t.name, t.schema, c))
        return tuple(out)

    # -- order

    def _sorted(self) -> list[st.Step]:
        steps = st.sort_steps(self.steps)
        return _move_dropped_unique_indexes(steps)


def _enum_of(schema: Schema, column: Column) -> EnumType | None:
    if column.type.enum is None:
        return None
    return schema.enum(column.type.enum, column.type.enum_schema)


def _unshadowed(indexes: tuple[Index, ...], unmanaged: tuple[UnmanagedIndex, ...]) -> tuple[Index, ...]:
    """``indexes`` but those an unmanaged index of the other side stands for (the same name)."""
    if not unmanaged:
        return indexes
    names = {u.name for u in unmanaged}
    return tuple(i for i in indexes if i.name not in names)


def _has_virtual_default(c: Column) -> bool:
    """A client-side default (Prisma's "prisma-level default") fills the column of existing rows."""
    return c.client_default


def _is_implicit_m2m(t: Table) -> bool:
    return len(t.columns) == 2 and t.column("A") is not None and t.column("B") is not None


def _fks_covered_by(table: Table, index: Index) -> list[int]:
    """Positions of the foreign keys whose columns are the leftmost columns of a (normal or
    unique) index: the index can serve them."""
    if index.kind not in (IndexKind.NORMAL, IndexKind.UNIQUE):
        return []
    cols = index.column_names
    return [i for i, fk in enumerate(table.foreign_keys) if cols[: len(fk.columns)] == fk.columns]


def _move_dropped_unique_indexes(steps: list[st.Step]) -> list[st.Step]:
    """A unique index dropped from a table without primary key goes after the AlterTable that
    adds a primary key on the same columns (Prisma's ``apply_partial_order_permutations``)."""
    i = 0
    while i < len(steps):
        step = steps[i]
        if isinstance(step, st.DropIndex) and step.index.unique and step.table.primary_key is None:
            target = None
            for j in range(i + 1, len(steps)):
                other = steps[j]
                if (
                    isinstance(other, st.AlterTable)
                    and other.previous.key == step.table.key
                    and any(isinstance(c, st.AddPrimaryKey) for c in other.changes)
                    and all(
                        not (isinstance(c, st.DropColumn) and c.column.name in step.index.column_names)
                        and not (isinstance(c, st.DropAndRecreateColumn) and c.previous.name in step.index.column_names)
                        for c in other.changes
                    )
                    and other.next.primary_key is not None
                    and other.next.primary_key.column_names == step.index.column_names
                ):
                    target = j
                    break
            if target is not None:
                steps.insert(target, steps.pop(i))
                continue
        i += 1
    return steps


def diff(
    previous: Schema, next: Schema, dialect: Dialect, renames: Sequence[Rename] = ()
) -> list[st.Step]:
    """The steps that migrate a database shaped like ``previous`` to ``next``, in Prisma's order.

    With ``renames`` (:mod:`schemashift.diff.renames`), the rename steps come first and the rest is
    diffed from ``previous`` with the renames done."""
    if renames:
        from schemashift.diff import renames as rn

        return rn.diff(previous, next, renames, lambda renamed: diff(renamed, next, dialect))
    if previous.partial_indexes or next.partial_indexes:
        previous, next = _manage_partial_indexes(previous), _manage_partial_indexes(next)
    if dialect.external:  # Prisma 7's tables.external/enums.external: never migrated
        previous, next = dialect.external.managed(previous), dialect.external.managed(next)
    return _Differ(dialect.prepare_schema(previous), dialect.prepare_schema(next), dialect).run()


def _manage_partial_indexes(schema: Schema) -> Schema:
    """``schema`` with the partial indexes it keeps as unmanaged (a described database) made
    managed indexes with their predicate: the other side enables Prisma 7's ``partialIndexes``,
    so its ``where:`` indexes are compared with them, and one it lacks is dropped (Prisma 7.10)."""
    if not any(u.managed is not None for t in schema.tables for u in t.unmanaged_indexes):
        return schema
    tables = []
    for t in schema.tables:
        managed = tuple(u.managed for u in t.unmanaged_indexes if u.managed is not None)
        if managed:
            kept = tuple(u for u in t.unmanaged_indexes if u.managed is None)
            t = replace(t, indexes=t.indexes + managed, unmanaged_indexes=kept)
        tables.append(t)
    return replace(schema, tables=tuple(tables))
