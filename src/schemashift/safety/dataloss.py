"""The data-loss checker: which steps of a migration can lose data or cannot run, and why.

Like Prisma's destructive change checker it works on *steps*, never on SQL text, and has two
modes: a pure check (no database: the wording says what could happen, as in the warnings header
of a migration file) and a live check against the target database, which counts the rows and
values concerned and drops the warnings that do not apply (an empty table loses nothing). The
live check also counts what Prisma does not: duplicates under a new unique constraint, NULLs
under a new NOT NULL, rows that still use a removed enum value, and values that an in-place cast
rounds: to an integer type, to a ``Decimal`` with fewer decimal places, from a double (or a
decimal) to a 4-byte float, from a decimal to a double (PostgreSQL and MySQL/MariaDB round them in
place, even where Prisma calls the cast safe; the rounded values can collide under a unique
constraint, or fall outside the new type's range), and values outside the range of a smaller
integer type (BigInt -> Int, Int -> SmallInt, signed <-> unsigned...).
On SQLite, which keeps such values as REAL, it counts the rows left with values the column's new
integer type cannot represent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from schemashift.connectors.base import Connector
from schemashift.dialects.numeric_casts import Narrowing
from schemashift.diff import steps as st
from schemashift.model import Arity, Column, DbGeneratedDefault, Family, IndexKind, NowDefault, Table

THREE_STEP_HINT = (
    "Add it in three steps instead (the guide's pattern): 1) add the column as optional, "
    "2) fill it (UPDATE ... SET ... WHERE ... IS NULL, in batches on large tables), 3) make it "
    "required in a later migration."
)


@dataclass(frozen=True, slots=True)
class DataLossWarning:
    message: str
    unexecutable: bool = False  # the step will fail on the current data
    hint: str | None = None
    #: what the warning is about, for callers that treat some kinds apart ("rounding": an in-place
    #: cast rounds values, to an integer type, to fewer decimal places or to a 4-byte float;
    #: "out_of_range": it meets values the new type cannot hold; "kept_as_real": SQLite keeps
    #: fractional values as REAL in a column rebuilt as an integer type, no data is lost); None
    #: for the others
    kind: str | None = None


class _Facts:
    """Live counts, or None in pure mode."""

    def __init__(self, conn: Connector | None, steps: Sequence[st.Step] = ()) -> None:
        self.conn = conn
        # the probes quote names and literals with the dialect's functions (escaping is the same
        # in every flavour of a database, so the provider's dialect is enough)
        self.dialect = conn.dialect if conn is not None else None
        self.renamed = _renamed_tables(steps)

    def _q(self, name: str) -> str:
        assert self.dialect is not None
        return self.dialect.quote(name)

    def _ref(self, schema: str | None, name: str) -> str:
        return self._q(name) if not schema else f"{self._q(schema)}.{self._q(name)}"

    def _table(self, table: Table) -> str:
        """The table a probe reads. The probes run before the migration: a table the migration
        renames (or whose columns it renames) is read under its old names, through a derived
        table that gives them their new ones."""
        renamed = self.renamed.get(table.key)
        if renamed is None:
            return self._ref(table.schema, table.name)
        original, columns = renamed
        select = ", ".join(f"{self._q(old)} AS {self._q(new)}" for new, old in columns.items())
        return f"(SELECT {select} FROM {self._ref(original.schema, original.name)}) AS {self._q(table.name)}"

    def count(self, sql: str) -> int | None:
        if self.conn is None:
            return None
        row = self.conn.query_one(sql)
        return int(row[0]) if row else 0

    def rows(self, table: Table) -> int | None:
        return self.count(f"SELECT COUNT(*) FROM {self._table(table)}") if self.conn else None

    def non_null(self, table: Table, column: str) -> int | None:
        if self.conn is None:
            return None
        return self.count(f"SELECT COUNT(*) FROM {self._table(table)} WHERE {self._q(column)} IS NOT NULL")

    def nulls(self, table: Table, column: str) -> int | None:
        if self.conn is None:
            return None
        return self.count(f"SELECT COUNT(*) FROM {self._table(table)} WHERE {self._q(column)} IS NULL")

    def duplicates(
        self, table: Table, columns: Sequence[str], rounded: Mapping[str, tuple[bool, Callable[[str], str]]] | None = None
    ) -> int | None:
        """Groups of rows sharing their non-null values in ``columns``; the ``rounded`` ones (name ->
        (is a list, the value a cast leaves, as SQL of the stored value)) compared as the cast
        will leave them."""
        if self.conn is None:
            return None
        rounded = rounded or {}
        cols = ", ".join(self._rounded(c, *rounded[c]) if c in rounded else self._q(c) for c in columns)
        not_null = " AND ".join(f"{self._q(c)} IS NOT NULL" for c in columns)
        return self.count(
            f"SELECT COUNT(*) FROM (SELECT 1 AS one FROM {self._table(table)} WHERE {not_null}"
            f" GROUP BY {cols} HAVING COUNT(*) > 1) AS dups"
        )

    def _rounded(self, column: str, is_list: bool, cast: Callable[[str], str]) -> str:
        """``column`` as a cast will leave it; a PostgreSQL array element by element."""
        q = self._q(column)
        if is_list:
            return f"(SELECT array_agg({cast('x')} ORDER BY o) FROM unnest({q}) WITH ORDINALITY AS v(x, o))"
        return cast(q)

    def rows_where(self, table: Table, column: str, is_list: bool, test: Callable[[str], str]) -> int | None:
        """Rows whose value in ``column`` (or an element of it, for a list) passes ``test`` (SQL of
        the value)."""
        if self.conn is None:
            return None
        q = self._q(column)
        where = f"EXISTS (SELECT 1 FROM unnest({q}) AS v(x) WHERE {test('x')})" if is_list else test(q)
        return self.count(f"SELECT COUNT(*) FROM {self._table(table)} WHERE {where}")

    def strict_mysql(self) -> bool:
        """MySQL/MariaDB refuses out-of-range values in strict SQL mode, and clips them otherwise."""
        assert self.conn is not None
        row = self.conn.query_one("SELECT @@SESSION.sql_mode")
        return row is not None and "STRICT_" in str(row[0]).upper()

    def using_values(self, table: str, schema: str | None, column: str, values: Sequence[str]) -> int | None:
        if self.conn is None or not values:
            return None
        t = Table(name=table, columns=(), schema=schema)
        assert self.dialect is not None
        # the values as literals, not parameters: a name holding `%` would be read as a placeholder
        literals = ", ".join(self.dialect.quote_literal(v) for v in values)
        text = self.dialect.text_cast_type
        return self.count(f"SELECT COUNT(*) FROM {self._table(t)} WHERE CAST({self._q(column)} AS {text}) IN ({literals})")


def _renamed_tables(steps: Sequence[st.Step]) -> dict[tuple[str | None, str], tuple[Table, dict[str, str]]]:
    """Tables the rename steps touch, by their name after the renames: the table as the database
    has it, and its columns {name after the renames: name in the database}."""
    out: dict[tuple[str | None, str], tuple[Table, dict[str, str]]] = {}
    for step in steps:
        if isinstance(step, st.RenameTable):
            out[step.next.key] = (step.previous, {c.name: c.name for c in step.previous.columns})
        elif isinstance(step, st.RenameColumn):
            original, columns = out.setdefault(
                step.table.key, (step.table, {c.name: c.name for c in step.table.columns})
            )
            columns = {step.next.name if new == step.previous.name else new: old for new, old in columns.items()}
            out[step.table.key] = (original, columns)
    return out


def _type_text(column: Column) -> str:
    t = column.type
    if t.native:
        args = f"({','.join(str(a) for a in t.args)})" if t.args else ""
        return f"{t.native}{args}"
    if t.enum:
        return t.enum
    return t.raw or t.family.value


_ENUM_ITEM = re.compile(r"'((?:[^']|'')*)'")


def _inline_enum_values(column: Column) -> set[str]:
    """The values of an inline ``ENUM('A','B')`` column type (MySQL), else empty."""
    t = column.type
    if t.family is not Family.ENUM or not t.raw:
        return set()
    return {m.replace("''", "'") for m in _ENUM_ITEM.findall(t.raw)}


def _inline_enum_order(column: Column):  # type: ignore[no-untyped-def]
    order = [m.replace("''", "'") for m in _ENUM_ITEM.findall(column.type.raw or "")]
    return lambda v: order.index(v) if v in order else len(order)


def _column_checks(facts: _Facts, table: Table, change: object, out: list[DataLossWarning]) -> None:
    live = facts.conn is not None
    if isinstance(change, st.DropColumn):
        n = facts.non_null(table, change.column.name)
        if not live:
            out.append(DataLossWarning(
                f"You are about to drop the column `{change.column.name}` on the `{table.name}` table. "
                "All the data in the column will be lost."
            ))
        elif n:
            out.append(DataLossWarning(
                f"You are about to drop the column `{change.column.name}` on the `{table.name}` table, "
                f"which still contains {n} non-null values."
            ))
    elif isinstance(change, st.AddColumn):
        col = change.column
        if (
            live and facts.dialect is not None and facts.dialect.refuses_nonconstant_default_on_rows
            and isinstance(col.default, (NowDefault, DbGeneratedDefault))
        ):
            n = facts.rows(table)
            if n:  # SQLite: "Cannot add a column with non-constant default" once the table has rows
                out.append(DataLossWarning(
                    f"The column `{col.name}` is added to the `{table.name}` table with a non-constant "
                    f"default, which SQLite refuses on a table with rows ({n} rows): it is not possible "
                    "to execute this step.", unexecutable=True,
                ))
        if col.arity is Arity.REQUIRED and col.default is None and not col.autoincrement:
            n = facts.rows(table)
            if change.has_virtual_default:
                if n is None or n:
                    out.append(DataLossWarning(
                        f"The required column `{col.name}` was added to the `{table.name}` table with a "
                        "prisma-level default value. "
                        + (f"There are {n} rows in this table, it is not possible to execute this step. "
                           if n else "This is not possible if the table is not empty. ")
                        + "Please add this column as optional, then populate it before making it required.",
                        unexecutable=True, hint=THREE_STEP_HINT,
                    ))
            elif n is None:
                out.append(DataLossWarning(
                    f"Added the required column `{col.name}` to the `{table.name}` table without a default "
                    "value. This is not possible if the table is not empty.",
                    unexecutable=True, hint=THREE_STEP_HINT,
                ))
            elif n:
                out.append(DataLossWarning(
                    f"Added the required column `{col.name}` to the `{table.name}` table without a default "
                    f"value. There are {n} rows in this table, it is not possible to execute this step.",
                    unexecutable=True, hint=THREE_STEP_HINT,
                ))
    elif isinstance(change, (st.AlterColumn, st.DropAndRecreateColumn)):
        prev, nxt = change.previous, change.next
        dropped = _inline_enum_values(prev) - _inline_enum_values(nxt) if nxt.type.family is Family.ENUM else set()
        if dropped:  # MySQL's inline ENUM(...) columns
            values = sorted(dropped, key=_inline_enum_order(prev))
            used = facts.using_values(table.name, table.schema, prev.name, values) or 0
            if not live or used:
                extra = f" {used} rows still use them." if used else ""
                out.append(DataLossWarning(
                    f"The values [{','.join(values)}] on the enum `{prev.type.enum}` will be removed. If these "
                    "variants are still used in the database, this will fail." + extra,
                    unexecutable=bool(used),
                ))
        if isinstance(change, st.DropAndRecreateColumn):
            n = facts.non_null(table, prev.name)
            if not live or n:
                suffix = "This will lead to data loss." if live else "This will lead to data loss if there is data in the column."
                out.append(DataLossWarning(
                    f"The `{prev.name}` column on the `{table.name}` table would be dropped and recreated. {suffix}"
                ))
        elif change.type_change is st.TypeChange.RISKY_CAST and not (
            prev.type.family is Family.ENUM and nxt.type.family is Family.ENUM  # said above, per value
        ):
            n = facts.non_null(table, prev.name)
            if not live:
                out.append(DataLossWarning(
                    f"You are about to alter the column `{prev.name}` on the `{table.name}` table. The data "
                    f"in that column could be lost. The data in that column will be cast from "
                    f"`{_type_text(prev)}` to `{_type_text(nxt)}`."
                ))
            elif n:
                out.append(DataLossWarning(
                    f"You are about to alter the column `{prev.name}` on the `{table.name}` table, which "
                    f"contains {n} non-null values. The data in that column will be cast from "
                    f"`{_type_text(prev)}` to `{_type_text(nxt)}`."
                ))
        # the pure check says what Prisma says (optional -> required without a default); the live
        # one counts NULLs whatever the default (a default does not fill existing NULLs) and in
        # list columns too (arrays may be NULL)
        made_required = prev.arity is not Arity.REQUIRED and nxt.arity is Arity.REQUIRED
        if made_required and (live or (prev.arity is Arity.NULLABLE and nxt.default is None)):
            nulls = facts.nulls(table, prev.name)
            if nulls is None:
                out.append(DataLossWarning(
                    f"Made the column `{prev.name}` on table `{table.name}` required. This is not possible "
                    "if the column contains NULL values.", unexecutable=True, hint=THREE_STEP_HINT,
                ))
            elif nulls:
                out.append(DataLossWarning(
                    f"Made the column `{prev.name}` on table `{table.name}` required, but there are {nulls} "
                    "existing NULL values.", unexecutable=True, hint=THREE_STEP_HINT,
                ))
    elif isinstance(change, (st.DropPrimaryKey, st.AddPrimaryKey)):
        pass  # reported once per table below


def check(steps: Sequence[st.Step], conn: Connector | None = None) -> list[DataLossWarning]:
    """Warnings for ``steps``; ``conn`` is the database they will run on (None: pure check)."""
    facts = _Facts(conn, steps)
    live = conn is not None
    out: list[DataLossWarning] = []
    for step in steps:
        if isinstance(step, st.DropTable):
            n = facts.rows(step.table)
            if not live:
                out.append(DataLossWarning(
                    f"You are about to drop the `{step.table.name}` table. If the table is not empty, all "
                    "the data it contains will be lost."
                ))
            elif n:
                out.append(DataLossWarning(
                    f"You are about to drop the `{step.table.name}` table, which is not empty ({n} rows)."
                ))
        elif isinstance(step, st.AlterTable):
            for change in step.changes:
                _column_checks(facts, step.previous, change, out)
            if live:
                _narrowing_checks(facts, step.previous, step.next, step.changes, out)
            if any(isinstance(c, st.DropPrimaryKey) for c in step.changes) and any(
                isinstance(c, st.AddPrimaryKey) for c in step.changes
            ):
                out.append(DataLossWarning(
                    f"The primary key for the `{step.previous.name}` table will be changed. If it partially "
                    "fails, the table could be left without primary key constraint."
                ))
        elif isinstance(step, st.RedefineTables):
            for t in step.tables:
                for col in t.dropped_columns:
                    _column_checks(facts, t.previous, st.DropColumn(col), out)
                for col in t.added_columns:
                    _column_checks(
                        facts, t.previous,
                        st.AddColumn(col, has_virtual_default=col in t.added_columns_with_virtual_defaults), out,
                    )
                for pair in t.column_pairs:
                    if pair.type_change is st.TypeChange.NOT_CASTABLE:
                        _column_checks(facts, t.previous, st.DropAndRecreateColumn(pair.previous, pair.next, pair.changes), out)
                    else:
                        _column_checks(facts, t.previous, st.AlterColumn(pair.previous, pair.next, pair.changes, pair.type_change), out)
                if live:
                    _sqlite_real_checks(facts, t, out)
                # live only: unique indexes the rebuilt table gains (recreated inside the step)
                old_uniques = {i.column_names for i in t.previous.indexes if i.kind is IndexKind.UNIQUE}
                for index in t.next.indexes if live else ():
                    if index.kind is not IndexKind.UNIQUE or index.column_names in old_uniques:
                        continue
                    cols = list(index.column_names)
                    fresh = any(t.previous.column(c) is None for c in cols)
                    dups = None if fresh or not facts.rows(t.previous) else facts.duplicates(t.previous, cols)
                    if dups or (fresh and facts.rows(t.previous)):
                        _unique_warning(t.previous, cols, dups, out)
        elif isinstance(step, st.CreateIndex) and step.index.kind is IndexKind.UNIQUE:
            if step.from_drop_and_recreate or not _table_is_old(step, steps):
                continue
            cols = [c.name for c in step.index.columns]
            # a column added by this migration cannot be counted yet: warn when there are rows
            fresh = bool(set(cols) & _added_columns(step.table, steps))
            if fresh and live and not facts.rows(step.table):
                continue
            dups = None if fresh else facts.duplicates(step.table, cols)
            if not live or dups or fresh:
                _unique_warning(step.table, cols, dups, out)
        elif isinstance(step, st.AlterEnum) and step.dropped:
            used = 0
            for usage in step.column_usages:
                if not _column_exists_before(usage, steps):
                    continue  # created by this migration: no rows use the values yet
                used += facts.using_values(usage.table, usage.table_schema, usage.column.name, step.dropped) or 0
            if not live or used:
                values = ",".join(step.dropped)
                extra = f" {used} rows still use them." if used else ""
                out.append(DataLossWarning(
                    f"The values [{values}] on the enum `{step.previous.name}` will be removed. If these "
                    "variants are still used in the database, this will fail." + extra,
                    unexecutable=bool(used),
                ))
    return out


def _narrowing_checks(
    facts: _Facts, previous: Table, next: Table, changes: Sequence[st.TableChange], out: list[DataLossWarning]
) -> None:
    """Live only: in-place casts that round values or meet values they cannot hold.

    PostgreSQL (``SET DATA TYPE``) and MySQL/MariaDB (``MODIFY``) round in place (see
    :func:`_narrowing`): to an integer type, to a ``Decimal`` with a smaller scale, from a double
    or a decimal to a 4-byte float, from a decimal to a double; an integer type to a smaller one
    rounds nothing but meets values outside its range. Prisma classifies some of these casts as safe on MySQL (Float/Double ->
    Int/BigInt/Boolean/Decimal, Double -> Float), so there nothing said values would change; on
    PostgreSQL its warning says a cast happens, not which values it changes. Where the column is
    covered by a unique constraint (or the primary key) the rounded values can collide, and the
    migration fails; a value outside the new type's range fails the cast too (MySQL without
    strict SQL mode clips it instead, and the clipped values can collide in turn: measured, error
    1062). SQLite is not concerned: it rebuilds the table with
    ``INSERT ... SELECT``, and the column keeps what it cannot convert losslessly (the in-place
    ``AlterColumn`` never reaches it; see :func:`_sqlite_real_checks`).
    """
    assert facts.dialect is not None
    numeric = facts.dialect.numeric_casts
    if numeric is None:  # SQLite rebuilds the table; CockroachDB's casts were never measured
        return
    # previous, next, what the cast does, rows it rounds, rows out of range
    casts: list[tuple[Column, Column, Narrowing, int, int]] = []
    for change in changes:
        if not isinstance(change, st.AlterColumn) or change.type_change is st.TypeChange.NOT_CASTABLE:
            continue
        if not (change.changes & st.ColumnChange.TYPE):
            continue
        narrowing = numeric.narrowing(change.previous, change.next)
        if narrowing is None:
            continue
        name, is_list = change.previous.name, change.previous.arity is Arity.LIST
        rounds = facts.rows_where(previous, name, is_list, narrowing.changes) if narrowing.changes else 0
        outside = facts.rows_where(previous, name, is_list, narrowing.outside) if narrowing.outside else 0
        casts.append((change.previous, change.next, narrowing, rounds or 0, outside or 0))
    # MySQL without strict SQL mode clips values outside the range, and the clipped values can
    # collide under a unique constraint too (error 1062: the migration fails)
    clipping = numeric.clips_unless_strict and any(o for *_, o in casts) and not facts.strict_mysql()
    rounded = {
        prev.name: (prev.arity is Arity.LIST, nar.clipped if clipping and o else nar.rounded)
        for prev, _, nar, n, o in casts if n or (clipping and o)
    }
    constraints = [("the primary key", next.primary_key.column_names)] if next.primary_key else []
    constraints += [
        ("the unique constraint", i.column_names) for i in next.indexes if i.kind is IndexKind.UNIQUE
    ]
    old_uniques = {i.column_names for i in previous.indexes if i.kind is IndexKind.UNIQUE}
    if previous.primary_key:
        old_uniques.add(previous.primary_key.column_names)
    reported: set[tuple[str, ...]] = set()  # a constraint over two rounded columns: said once
    for prev, nxt, narrowing, n, outside in casts:
        name, cast = prev.name, f"the cast from `{_type_text(prev)}` to `{_type_text(nxt)}`"
        clips = clipping and bool(outside)
        collisions: list[str] = []
        if n or clips:
            after = "rounding and clipping" if n and clips else "clipping" if clips else "rounding"
            for what, cols in constraints:
                if name not in cols or cols in reported or any(previous.column(c) is None for c in cols):
                    continue  # a column the migration adds cannot be counted (the index check warns)
                dups = facts.duplicates(previous, cols, rounded={c: rounded[c] for c in cols if c in rounded}) or 0
                # an index the migration adds may cover duplicates already: those are not
                # rounding's (the unique index check reports them)
                before = 0 if cols in old_uniques else facts.duplicates(previous, cols) or 0
                if dups > before:
                    reported.add(cols)
                    collisions.append(
                        f" After {after} there will be {dups} duplicated value groups under {what} "
                        f"covering the columns `[{','.join(cols)}]`: the migration will fail."
                    )
        if n:
            said = [] if clips else collisions  # with clipping, said under the range warning
            out.append(DataLossWarning(
                f"{n} rows have {narrowing.what} in `{previous.name}`.`{name}` that will be rounded by "
                f"{cast}." + "".join(said),
                unexecutable=bool(said), kind="rounding",
            ))
        if outside:
            out.append(DataLossWarning(
                f"{outside} rows have values in `{previous.name}`.`{name}` outside the range of "
                f"`{_type_text(nxt)}` ({narrowing.range_text})" + (" once rounded" if narrowing.once_rounded else "")
                + ": " + (f"{cast} will clip them to the range (the server is not in strict SQL mode)."
                          + "".join(collisions) if clips else f"{cast} will fail."),
                unexecutable=not clips or bool(collisions), kind="out_of_range",
            ))


def _sqlite_real_checks(facts: _Facts, table: st.RedefineTable, out: list[DataLossWarning]) -> None:
    """Live only, SQLite: a Float/Decimal column rebuilt as Int/BigInt.

    The rebuild copies with ``INSERT ... SELECT``; INTEGER affinity converts a REAL only when the
    conversion is lossless, so 46.5 stays 46.5, stored as REAL in the INTEGER column: nothing is
    lost, but the column then holds values its Prisma type (``Int``, ``BigInt``) cannot represent.
    """
    for pair in table.column_pairs:
        prev, nxt = pair.previous, pair.next
        if pair.type_change is st.TypeChange.NOT_CASTABLE or prev.type.family not in (Family.FLOAT, Family.DECIMAL):
            continue
        if nxt.type.family not in (Family.INT, Family.BIGINT):
            continue
        n = facts.rows_where(table.previous, prev.name, False, lambda v: f"{v} <> ROUND({v})")
        if n:
            out.append(DataLossWarning(
                f"{n} rows of `{table.previous.name}`.`{prev.name}` hold fractional values; SQLite will keep "
                f"them as REAL in the INTEGER column.",
                kind="kept_as_real",
            ))


def _unique_warning(table: Table, cols: Sequence[str], dups: int | None, out: list[DataLossWarning]) -> None:
    extra = f" There are {dups} duplicated value groups now." if dups else ""
    out.append(DataLossWarning(
        f"A unique constraint covering the columns `[{','.join(cols)}]` on the table "
        f"`{table.name}` will be added. If there are existing duplicate values, this will fail." + extra,
        unexecutable=bool(dups),
    ))


def _added_columns(table: Table, steps: Sequence[st.Step]) -> set[str]:
    """Columns of ``table`` that an ``AlterTable`` of the same migration adds (or recreates)."""
    return {
        (c.column.name if isinstance(c, st.AddColumn) else c.next.name)
        for s in steps
        if isinstance(s, st.AlterTable) and s.next.key == table.key
        for c in s.changes
        if isinstance(c, (st.AddColumn, st.DropAndRecreateColumn))
    }


def _column_exists_before(usage: st.EnumColumnUsage, steps: Sequence[st.Step]) -> bool:
    """The usage's column is in the database before the migration (not in a table it creates,
    nor added or recreated by it)."""
    key = (usage.table_schema, usage.table)
    for s in steps:
        if isinstance(s, st.CreateTable) and s.table.key == key:
            return False
        if isinstance(s, st.AlterTable) and s.next.key == key and usage.column.name in _added_columns(s.next, (s,)):
            return False
        if isinstance(s, st.RedefineTables):
            for t in s.tables:
                if t.next.key == key and any(c.name == usage.column.name for c in t.added_columns):
                    return False
    return True


def _table_is_old(step: st.CreateIndex, steps: Sequence[st.Step]) -> bool:
    """A unique index on a table created in the same migration has nothing to check."""
    return not any(isinstance(s, st.CreateTable) and s.table.name == step.table.name for s in steps)


def header(warnings: Sequence[DataLossWarning]) -> str:
    """The comment block Prisma puts at the top of a migration file with warnings."""
    if not warnings:
        return ""
    lines = "\n".join(f"  - {w.message}" for w in warnings)
    return f"/*\n  Warnings:\n\n{lines}\n\n*/\n"
