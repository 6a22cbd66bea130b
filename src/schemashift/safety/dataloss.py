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


#: integer native types a fractional value can be cast to in place, and their ranges (MySQL's
#: ``Boolean`` is a ``TinyInt``: it rounds, and holds -128 to 127)
_INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "TinyInt": (-(2**7), 2**7 - 1),
    "SmallInt": (-(2**15), 2**15 - 1),
    "MediumInt": (-(2**23), 2**23 - 1),
    "Int": (-(2**31), 2**31 - 1),
    "Integer": (-(2**31), 2**31 - 1),
    "BigInt": (-(2**63), 2**63 - 1),
    "UnsignedTinyInt": (0, 2**8 - 1),
    "UnsignedSmallInt": (0, 2**16 - 1),
    "UnsignedMediumInt": (0, 2**24 - 1),
    "UnsignedInt": (0, 2**32 - 1),
    "UnsignedBigInt": (0, 2**64 - 1),
}


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
        text = "CHAR(255)" if self.conn.provider == "mysql" else "TEXT"
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
        if live and facts.conn.provider == "sqlite" and isinstance(col.default, (NowDefault, DbGeneratedDefault)):  # type: ignore[union-attr]
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


#: a 4-byte float (PostgreSQL's ``real``, MySQL's ``FLOAT``): the largest magnitude it holds, and
#: the magnitudes a double rounds to an infinity or to zero (round to nearest: FLT_MAX plus half
#: an ulp, half the smallest subnormal); PostgreSQL refuses both, MySQL refuses above FLT_MAX
_FLT_MAX = "3.4028234663852886e38"
_FLT_OVERFLOW = "3.4028235677973366e38"
_FLT_UNDERFLOW = "7.006492321624085e-46"
_FLOAT32 = {("DoublePrecision", "Real"), ("Double", "Float")}  # (from, to) per provider's natives


@dataclass(frozen=True, slots=True)
class _Narrowing:
    """A cast that keeps fewer digits, or a smaller range, than the column's values have: SQL
    tests and expressions of a stored value ``v``, as the server performs the cast."""

    what: str  # the values it rounds, in the warning: "fractional values", ...
    changes: Callable[[str], str] | None  # v is one of them (None: it rounds nothing)
    rounded: Callable[[str], str]  # what the cast leaves of v (compared under unique constraints)
    outside: Callable[[str], str] | None  # the cast cannot hold v (None: it holds every value)
    range_text: str  # the new type's range, in the warning
    #: MySQL without strict SQL mode clips a value outside the range to these bounds (SQL
    #: literals: low, high; used on MySQL only); None: no bounds to clip to
    bounds: tuple[str, str] | None = None
    #: the range is checked on the value once rounded (False: integer to integer, nothing rounds)
    once_rounded: bool = True

    def clipped(self, v: str) -> str:
        """What MySQL without strict SQL mode leaves of ``v``: rounded, then clipped to the range."""
        if self.outside is None or self.bounds is None:
            return self.rounded(v)
        low, high = self.bounds
        return f"CASE WHEN {self.outside(v)} THEN CASE WHEN {v} < 0 THEN {low} ELSE {high} END ELSE {self.rounded(v)} END"


def _decimal_args(column: Column, provider: str) -> tuple[int, int] | None:
    """(precision, scale) of a Decimal column; None for PostgreSQL's unconstrained ``numeric``."""
    args = column.type.args
    if len(args) == 2:
        return args[0], args[1]
    return (10, 0) if provider == "mysql" else None  # MySQL's DECIMAL is DECIMAL(10,0)


def _narrowing(provider: str, previous: Column, next: Column) -> _Narrowing | None:  # noqa: C901 - per target
    """What an in-place cast from ``previous`` to ``next`` rounds or cannot hold, if anything.

    Measured on PostgreSQL 15 and MariaDB 10.11: a cast to an integer type rounds half to even
    for floating-point values, half away from zero for decimals (``ROUND`` does the same); a cast
    to ``Decimal(p,s)`` rounds half away from zero at ``s`` places (a double goes through its
    15-digit decimal form first, which ``CAST(v AS numeric)`` and MySQL's ``CAST(v AS DECIMAL)``
    reproduce) and refuses values of ``p - s`` integer digits or more once rounded (MySQL without
    strict SQL mode clips them); a cast from a double to a 4-byte float keeps about 7
    significant digits (counted: values it changes that have more than 6, so not 0.1, whose float
    reads back as 0.1, nor 16777216, a float already) and refuses values beyond its range
    (PostgreSQL also refuses nonzero values it would make 0; MySQL makes them 0), from a decimal
    too; a decimal to a double, see :func:`_decimal_to_double`. An integer type to a smaller one
    rounds nothing and refuses values outside the new range (PostgreSQL: "integer out of range",
    "smallint out of range"; MariaDB: error 1264). MySQL without strict SQL mode clips what is out
    of range to the bounds (``bounds``; an unsigned type: 0 for a negative value).
    """
    pt, nt = previous.type, next.type
    pg = provider == "postgresql"
    if pt.native in _INTEGER_RANGES and nt.native in _INTEGER_RANGES:
        # an integer type to a smaller one (BigInt -> Int, Int -> SmallInt, signed <-> unsigned,
        # MySQL's Boolean, a TinyInt): nothing rounds, values outside fail or are clipped
        (old_low, old_high), (low, high) = _INTEGER_RANGES[pt.native], _INTEGER_RANGES[nt.native]
        if low <= old_low and old_high <= high:
            return None
        return _Narrowing(
            "", None, lambda v: v, lambda v: f"({v} < {low} OR {v} > {high})", f"{low} to {high}",
            bounds=(str(low), str(high)), once_rounded=False,
        )
    if pt.family not in (Family.FLOAT, Family.DECIMAL):
        return None
    if nt.native in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[nt.native]
        whole = pt.family is Family.DECIMAL and (_decimal_args(previous, provider) or (0, 1))[1] == 0
        return _Narrowing(
            "fractional values",
            None if whole else (lambda v: f"{v} <> FLOOR({v})"),
            lambda v: f"ROUND({v})",
            lambda v: f"ROUND({v}) NOT BETWEEN {low} AND {high}",
            f"{low} to {high}",
            bounds=(str(low), str(high)),
        )
    if nt.family is Family.DECIMAL and nt.native == "Decimal":
        new = _decimal_args(next, provider)
        if new is None:
            return None  # unconstrained numeric: holds every value
        p, s = new
        old = _decimal_args(previous, provider) if pt.family is Family.DECIMAL else None
        fewer_places = pt.family is Family.FLOAT or old is None or s < old[1]
        fewer_digits = pt.family is Family.FLOAT or old is None or p - s < old[0] - old[1] or s < old[1]
        if not fewer_places and not fewer_digits:
            return None

        def rounded(v: str) -> str:
            return f"ROUND(CAST({v} AS numeric), {s})" if pg else f"CAST({v} AS DECIMAL(65, {s}))"

        limit = "1" + "0" * (p - s)  # an exact literal (numeric / DECIMAL) on both servers
        top = ("9" * (p - s) or "0") + ("." + "9" * s if s else "")

        def outside(v: str) -> str:
            not_nan = f"{v} <> 'NaN' AND " if pg else ""  # NaN fits any numeric(p,s)
            return f"{not_nan}ABS({rounded(v)}) >= {limit}"

        return _Narrowing(
            "fractional values" if s == 0 else f"values with more than {s} decimal places",
            (lambda v: f"{v} <> {rounded(v)}") if fewer_places else None,
            rounded,
            outside if fewer_digits else None,
            f"-{top} to {top}",
            bounds=(f"-{top}", top),
        )
    if pt.family is Family.DECIMAL and (nt.native, provider) in (("DoublePrecision", "postgresql"), ("Double", "mysql")):
        return _decimal_to_double(pg, _decimal_args(previous, provider))
    if (pt.native, nt.native) in _FLOAT32 or (
        pt.family is Family.DECIMAL and (nt.native, provider) in (("Real", "postgresql"), ("Float", "mysql"))
    ):
        if pg:
            def fits(v: str) -> str:
                return f"ABS({v}) < {_FLT_OVERFLOW} AND ({v} = 0 OR ABS({v}) > {_FLT_UNDERFLOW})"

            return _Narrowing(
                "values with more than 6 significant digits",
                # changed (not a float already, 16777216) beyond 6 significant digits (not 0.1):
                # real -> numeric prints 6 significant digits, double precision -> numeric 15
                lambda v: f"CASE WHEN {fits(v)} THEN CAST(CAST({v} AS real) AS double precision) <> {v}"
                f" AND CAST(CAST({v} AS real) AS numeric) <> CAST({v} AS numeric) ELSE FALSE END",
                lambda v: f"CASE WHEN {fits(v)} THEN CAST(CAST({v} AS real) AS double precision) ELSE {v} END",
                lambda v: f"{v} <> 'NaN' AND ABS({v}) <> 'Infinity' AND NOT ({fits(v)})",
                "magnitudes from 1.4e-45 to 3.4e38",
            )
        return _Narrowing(
            "values with more than 6 significant digits",
            lambda v: f"CAST(CAST({v} AS FLOAT) AS DOUBLE) <> {v} AND ROUND({v}, 5 - FLOOR(LOG10(ABS({v})))) <> {v}",
            lambda v: f"CAST({v} AS FLOAT)",
            lambda v: f"ABS({v}) > {_FLT_MAX}",
            "-3.4e38 to 3.4e38",
            bounds=(f"-{_FLT_MAX}", _FLT_MAX),
        )
    return None


#: a double: the magnitudes a decimal rounds to an infinity (DBL_MAX plus half an ulp, 2**1024 -
#: 2**970) or to zero (half the smallest subnormal, 2**-1075), exact decimal literals; PostgreSQL
#: refuses both (numeric -> double precision goes through strtod)
_DBL_OVERFLOW = str(2**1024 - 2**970)
_DBL_UNDERFLOW = "0." + str(5**1075).rjust(1075, "0")


def _decimal_to_double(pg: bool, old: tuple[int, int] | None) -> _Narrowing | None:
    """Decimal -> Float (a double): the nearest double, so values of more than 15 significant
    digits can change (any decimal of 15 digits or fewer reads back as written); measured on
    PostgreSQL 15 and MariaDB 10.11 (ROUND-half-even of the binary value; 9007199254740993 becomes
    9007199254740992). A changed value is one whose shortest round-trip form differs from it: as
    text on PostgreSQL (``extra_float_digits`` >= 1, the default), as MariaDB's ``CAST(... AS
    DECIMAL)`` of the double, which prints the same 17 digits at most. Only PostgreSQL's
    unconstrained ``numeric`` (or one of more than 308 integer digits or 323 decimal places) can
    hold values a double cannot: PostgreSQL refuses them; MySQL's DECIMAL has 65 digits at most.
    """
    changes = old is None or old[0] > 15
    if pg:
        in_range = old is not None and old[0] - old[1] <= 308 and old[1] <= 323

        def fits(v: str) -> str:
            return f"(ABS({v}) < {_DBL_OVERFLOW} AND ({v} = 0 OR ABS({v}) > {_DBL_UNDERFLOW}))"

        def outside(v: str) -> str:
            return f"{v} <> 'NaN' AND ABS({v}) <> 'Infinity' AND NOT {fits(v)}"

        return _Narrowing(
            "values with more than 15 significant digits",
            (lambda v: f"CASE WHEN {fits(v)} THEN CAST(CAST(CAST({v} AS double precision) AS text) AS numeric) <> {v}"
             " ELSE FALSE END") if changes else None,
            lambda v: f"CASE WHEN {fits(v)} THEN CAST({v} AS double precision) END",
            None if in_range else outside,
            "magnitudes from 4.9e-324 to 1.8e308",
        ) if changes or not in_range else None
    if not changes:
        return None
    return _Narrowing(
        "values with more than 15 significant digits",
        lambda v: f"CAST(CAST({v} AS DOUBLE) AS DECIMAL(65, 30)) <> {v}",
        lambda v: f"CAST({v} AS DOUBLE)",
        None,
        "-1.8e308 to 1.8e308",
    )


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
    assert facts.conn is not None
    provider = facts.conn.provider
    if provider == "sqlite":
        return
    # previous, next, what the cast does, rows it rounds, rows out of range
    casts: list[tuple[Column, Column, _Narrowing, int, int]] = []
    for change in changes:
        if not isinstance(change, st.AlterColumn) or change.type_change is st.TypeChange.NOT_CASTABLE:
            continue
        if not (change.changes & st.ColumnChange.TYPE):
            continue
        narrowing = _narrowing(provider, change.previous, change.next)
        if narrowing is None:
            continue
        name, is_list = change.previous.name, change.previous.arity is Arity.LIST
        rounds = facts.rows_where(previous, name, is_list, narrowing.changes) if narrowing.changes else 0
        outside = facts.rows_where(previous, name, is_list, narrowing.outside) if narrowing.outside else 0
        casts.append((change.previous, change.next, narrowing, rounds or 0, outside or 0))
    # MySQL without strict SQL mode clips values outside the range, and the clipped values can
    # collide under a unique constraint too (error 1062: the migration fails)
    clipping = provider == "mysql" and any(o for *_, o in casts) and not facts.strict_mysql()
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
