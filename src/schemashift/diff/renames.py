"""Renames: a table or column renamed in the schema becomes a rename, not a drop and an add.

Prisma's differ pairs tables and columns by name, so a renamed column is ``DROP COLUMN`` + ``ADD
COLUMN`` (its data lost). This module knows three things:

* **candidates** (:func:`table_candidates`, :func:`column_candidates`): a table dropped and one of
  the same shape created (the same columns: names, type families, arities; or the same type
  families and arities with half of the names in common: a table renamed with some of its
  columns); a column dropped and
  one added in the same table with the same type family, arity and autoincrement, and compatible
  defaults (equal, or one side without a default). Each dropped or added object is in at most one
  candidate, the first in schema order.
* **the renamed schema** (:func:`apply_renames`): the previous schema with the accepted renames
  done, foreign keys of other tables following a renamed table or referenced column, indexes,
  primary keys and foreign keys following a renamed column. The ordinary differ then compares it
  with the next schema, which gives everything a rename leaves to do: Prisma's default constraint
  and index names (``User_pkey``, ``Post_authorId_fkey``, ``User_email_key``) renamed, a type
  change, a default.
* **the steps** (:func:`diff`): :class:`~schemashift.diff.steps.RenameTable` and
  :class:`~schemashift.diff.steps.RenameColumn` first (they sort before every other kind), then
  the differ's steps from the renamed schema.

Names are database names (after ``@map``/``@@map``): what the migration's SQL and the
``migrate diff`` summary show. A column rename names its table by its name in the next schema
(``Person.name:fullName`` after ``User`` was renamed ``Person``) or in the previous one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from schemashift.diff import steps as st
from schemashift.diff.differ import MIGRATIONS_TABLE
from schemashift.errors import UsageError
from schemashift.model import Column, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Table


@dataclass(frozen=True, slots=True)
class Rename:
    """A table rename (``table`` is None: ``old`` and ``new`` are table names) or a column rename
    in the table ``table`` (its name in the next schema)."""

    old: str
    new: str
    table: str | None = None

    @property
    def is_table(self) -> bool:
        return self.table is None

    def describe(self) -> str:
        """``User.name` to `User.fullName`` style, for prompts and hints (without outer backticks)."""
        if self.table is None:
            return f"{self.old}` to `{self.new}"
        return f"{self.table}.{self.old}` to `{self.table}.{self.new}"

    def flag(self) -> str:
        """The ``--rename`` value that accepts it."""
        return f"{self.old}:{self.new}" if self.table is None else f"{self.table}.{self.old}:{self.new}"


class RenameError(UsageError):
    """A ``--rename`` that does not name a dropped and an added table or column (exit 1)."""


def parse_rename(text: str) -> Rename:
    """``Model.old:new`` (a column) or ``Old:New`` (a table)."""
    left, sep, new = text.partition(":")
    if not sep or not left or not new or ":" in new:
        raise RenameError(
            f"Invalid --rename `{text}`: expected `Table.old:new` (a column) or `Old:New` (a table)."
        )
    table, dot, old = left.partition(".")
    if dot:
        if not table or not old or "." in new:
            raise RenameError(f"Invalid --rename `{text}`: expected `Table.old:new` (a column).")
        return Rename(old, new, table)
    if "." in new:
        raise RenameError(f"Invalid --rename `{text}`: a table rename is `Old:New`, without a dot.")
    return Rename(left, new)


# ---------------------------------------------------------------- candidates


def _tables(schema: Schema) -> dict[str, Table]:
    return {t.name: t for t in schema.tables if t.name != MIGRATIONS_TABLE}


def _shape(t: Table) -> tuple[object, ...]:
    return (t.schema, tuple(sorted((c.name, c.type.family.value, c.arity.value) for c in t.columns)))


def _loose_shape(t: Table) -> tuple[object, ...]:
    return (t.schema, tuple(sorted((c.type.family.value, c.arity.value) for c in t.columns)))


def _similar(a: Table, b: Table) -> bool:
    """The same shape, or (a table renamed with some of its columns) the same type families and
    arities with at least half of the column names in common."""
    if _shape(a) == _shape(b):
        return True
    common = {c.name for c in a.columns} & {c.name for c in b.columns}
    return _loose_shape(a) == _loose_shape(b) and 2 * len(common) >= len(a.columns)


def table_candidates(previous: Schema, next: Schema) -> list[Rename]:
    prev, nxt = _tables(previous), _tables(next)
    dropped = [t for n, t in prev.items() if n not in nxt]
    added = [t for n, t in nxt.items() if n not in prev]
    out: list[Rename] = []
    used: set[str] = set()
    for exact in (True, False):
        for d in dropped:
            if any(r.old == d.name for r in out):
                continue
            for a in added:
                if a.name not in used and (_shape(a) == _shape(d) if exact else _similar(d, a)):
                    used.add(a.name)
                    out.append(Rename(d.name, a.name))
                    break
    return out


def compatible_columns(previous: Column, next: Column) -> bool:
    """The same type family, arity and autoincrement, and defaults equal or one side without."""
    return (
        previous.type.family is next.type.family
        and previous.arity is next.arity
        and previous.autoincrement == next.autoincrement
        and (previous.default is None or next.default is None or previous.default == next.default)
    )


def column_candidates(previous: Schema, next: Schema) -> list[Rename]:
    """Candidates in the tables both schemas have (``previous`` with table renames done)."""
    prev = _tables(previous)
    out: list[Rename] = []
    for t in next.tables:
        p = prev.get(t.name)
        if p is None or p.schema != t.schema:
            continue
        next_names = {c.name for c in t.columns}
        dropped = [c for c in p.columns if c.name not in next_names]
        added = [c for c in t.columns if p.column(c.name) is None]
        used: set[str] = set()
        for d in dropped:
            for a in added:
                if a.name not in used and compatible_columns(d, a):
                    used.add(a.name)
                    out.append(Rename(d.name, a.name, t.name))
                    break
    return out


# ---------------------------------------------------------------- the renamed schema


def _check_table(previous: Schema, next: Schema, r: Rename) -> None:
    prev, nxt = _tables(previous), _tables(next)
    if r.old not in prev:
        raise RenameError(f"--rename {r.flag()}: the database has no table `{r.old}`.")
    if r.old in nxt:
        raise RenameError(f"--rename {r.flag()}: the table `{r.old}` is still in the schema.")
    if r.new not in nxt:
        raise RenameError(f"--rename {r.flag()}: the schema has no table `{r.new}`.")
    if r.new in prev:
        raise RenameError(f"--rename {r.flag()}: the database already has a table `{r.new}`.")


def _check_column(previous: Schema, next: Schema, r: Rename) -> None:
    assert r.table is not None
    p, n = _tables(previous).get(r.table), _tables(next).get(r.table)
    if p is None or n is None:
        raise RenameError(f"--rename {r.flag()}: no table `{r.table}` on both sides (rename the table too?).")
    if p.column(r.old) is None:
        raise RenameError(f"--rename {r.flag()}: the table `{r.table}` has no column `{r.old}`.")
    if n.column(r.old) is not None:
        raise RenameError(f"--rename {r.flag()}: the column `{r.table}.{r.old}` is still in the schema.")
    if n.column(r.new) is None:
        raise RenameError(f"--rename {r.flag()}: the schema has no column `{r.table}.{r.new}`.")
    if p.column(r.new) is not None:
        raise RenameError(f"--rename {r.flag()}: the table `{r.table}` already has a column `{r.new}`.")


def _rename_table(schema: Schema, old: str, new: str) -> Schema:
    tables = []
    for t in schema.tables:
        if t.name == old:
            t = replace(t, name=new)
        if any(fk.referenced_table == old for fk in t.foreign_keys):
            t = replace(
                t,
                foreign_keys=tuple(
                    replace(fk, referenced_table=new) if fk.referenced_table == old else fk for fk in t.foreign_keys
                ),
            )
        tables.append(t)
    return replace(schema, tables=tuple(tables))


def _index_columns(columns: tuple[IndexColumn, ...], old: str, new: str) -> tuple[IndexColumn, ...]:
    return tuple(replace(c, name=new) if c.name == old else c for c in columns)


def _names(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if n == old else n for n in names)


def _rename_column(schema: Schema, table: str, old: str, new: str) -> Schema:
    target = _tables(schema)[table]
    tables = []
    for t in schema.tables:
        if t is target:
            pk: PrimaryKey | None = t.primary_key
            if pk is not None:
                pk = replace(pk, columns=_index_columns(pk.columns, old, new))
            indexes: tuple[Index, ...] = tuple(replace(i, columns=_index_columns(i.columns, old, new)) for i in t.indexes)
            fks: tuple[ForeignKey, ...] = tuple(replace(fk, columns=_names(fk.columns, old, new)) for fk in t.foreign_keys)
            t = replace(
                t,
                columns=tuple(replace(c, name=new) if c.name == old else c for c in t.columns),
                primary_key=pk,
                indexes=indexes,
                foreign_keys=fks,
                unmanaged_indexes=tuple(replace(u, columns=_names(u.columns, old, new)) for u in t.unmanaged_indexes),
            )
        if any(fk.referenced_table == table and fk.referenced_schema == target.schema for fk in t.foreign_keys):
            t = replace(
                t,
                foreign_keys=tuple(
                    replace(fk, referenced_columns=_names(fk.referenced_columns, old, new))
                    if fk.referenced_table == table and fk.referenced_schema == target.schema
                    else fk
                    for fk in t.foreign_keys
                ),
            )
        tables.append(t)
    return replace(schema, tables=tuple(tables))


def apply_renames(previous: Schema, next: Schema, renames: Sequence[Rename]) -> tuple[Schema, list[st.Step]]:
    """``previous`` with ``renames`` done (table renames first), and the rename steps.

    Raises :class:`RenameError` for a rename that does not name a dropped and an added object.
    """
    steps: list[st.Step] = []
    schema = previous
    for i, r in enumerate(r for r in renames if r.is_table):
        _check_table(schema, next, r)
        before = _tables(schema)[r.old]
        schema = _rename_table(schema, r.old, r.new)
        steps.append(st.RenameTable(before, replace(before, name=r.new), sort_key=(i,)))
    for i, r in enumerate(r for r in renames if not r.is_table):
        _check_column(schema, next, r)
        assert r.table is not None
        table = _tables(schema)[r.table]
        column = table.column(r.old)
        assert column is not None
        schema = _rename_column(schema, r.table, r.old, r.new)
        steps.append(st.RenameColumn(table, column, replace(column, name=r.new), sort_key=(i,)))
    return schema, steps


def reversed_renames(renames: Iterable[Rename], previous: Schema, next: Schema) -> list[Rename]:
    """The renames that undo ``renames`` (for ``down.sql``, from ``next`` back to ``previous``):
    a column rename then names its table by its previous name."""
    table_new_to_old = {r.new: r.old for r in renames if r.is_table}
    out: list[Rename] = []
    for r in renames:
        if r.table is None:
            out.append(Rename(r.new, r.old))
        else:
            out.append(Rename(r.new, r.old, table_new_to_old.get(r.table, r.table)))
    return out


def normalize(renames: Sequence[Rename], previous: Schema) -> list[Rename]:
    """Column renames naming their table by its previous name are given its next name."""
    table_old_to_new = {r.old: r.new for r in renames if r.is_table}
    prev = _tables(previous)
    out: list[Rename] = []
    for r in renames:
        if r.table is not None and r.table in table_old_to_new and r.table in prev:
            r = Rename(r.old, r.new, table_old_to_new[r.table])
        out.append(r)
    return out


# ---------------------------------------------------------------- choosing


@dataclass
class RenamePlan:
    accepted: list[Rename]
    declined: list[Rename]  # candidates nobody accepted: the hint names them


def choose(
    previous: Schema,
    next: Schema,
    given: Sequence[Rename] = (),
    ask: Callable[[Rename], bool] | None = None,
) -> RenamePlan:
    """The renames to do: those ``given`` (``--rename``), then the candidates ``ask`` accepts
    (tables first, then columns of the tables as renamed). Without ``ask`` the other candidates
    are declined."""
    given = normalize(given, previous)
    accepted: list[Rename] = [r for r in given if r.is_table]
    declined: list[Rename] = []
    schema, _ = apply_renames(previous, next, accepted)
    taken_tables = {r.new for r in accepted}
    for c in table_candidates(schema, next):
        if c.new in taken_tables:
            continue
        if ask is not None and ask(c):
            accepted.append(c)
            schema, _ = apply_renames(previous, next, accepted)
        else:
            declined.append(c)
    columns = [r for r in given if not r.is_table]
    schema, _ = apply_renames(previous, next, [*accepted, *columns])
    accepted += columns
    for c in column_candidates(schema, next):
        if ask is not None and ask(c):
            accepted.append(c)
        else:
            declined.append(c)
    apply_renames(previous, next, accepted)  # checks them all
    return RenamePlan(accepted, declined)


def diff(previous: Schema, next: Schema, renames: Sequence[Rename], run: Callable[[Schema], list[st.Step]]) -> list[st.Step]:
    """The rename steps, then ``run(previous renamed)`` (the differ's steps)."""
    schema, steps = apply_renames(previous, next, renames)
    return [*steps, *run(schema)]


#: a line of a generated ``down.sql`` naming a rename it does (``migrate rollback``'s data-loss
#: check diffs the states before and after the down scripts with these renames)
MARK = "-- schemashift:rename "


def marks(renames: Sequence[Rename]) -> str:
    return "".join(f"{MARK}{r.flag()}\n" for r in renames)


def marked(script: str) -> list[Rename]:
    """The renames a script's ``-- schemashift:rename`` lines name (malformed lines are ignored)."""
    out: list[Rename] = []
    for line in script.splitlines():
        if line.startswith(MARK):
            try:
                out.append(parse_rename(line[len(MARK):].strip()))
            except RenameError:
                continue
    return out


def compose(batches: Sequence[Sequence[Rename]]) -> list[Rename]:
    """The renames that do ``batches`` one after the other (each in :func:`apply_renames`'s
    convention: column renames name their table after that batch's table renames)."""
    tables: list[Rename] = []
    columns: list[Rename] = []
    for batch in batches:
        for r in batch:
            if r.is_table:
                prior = next((t for t in tables if t.new == r.old), None)
                if prior is not None:
                    tables[tables.index(prior)] = Rename(prior.old, r.new)
                else:
                    tables.append(r)
                columns = [Rename(c.old, c.new, r.new if c.table == r.old else c.table) for c in columns]
        for r in batch:
            if not r.is_table:
                prior = next((c for c in columns if c.table == r.table and c.new == r.old), None)
                if prior is not None:
                    columns[columns.index(prior)] = Rename(prior.old, r.new, r.table)
                else:
                    columns.append(r)
    return [r for r in (*tables, *columns) if r.old != r.new]


def hint(declined: Sequence[Rename]) -> str:
    """What ``migrate dev``/``migrate diff`` print when candidates were not asked about."""
    lines = ["", "Some dropped and added tables or columns look like renames:"]
    for r in declined:
        lines.append(f"  • `{r.describe()}`?  --rename {r.flag()}")
    lines.append(
        "They are dropped and added (their data lost), as Prisma does. To rename instead, run in a "
        "terminal to be asked, or pass the `--rename` options above.\n"
    )
    return "\n".join(lines)


def question(r: Rename) -> str:
    return f"Did you rename `{r.describe()}`?"
