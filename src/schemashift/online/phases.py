"""Multi-step plans: expand, backfill, contract, as separate migrations (docs/online.md).

Where Prisma writes one step that cannot run on a live table, ``migrate dev --online`` writes
the guide's patterns:

* **A required column without a default added to an existing table** (every database): Prisma's
  ``ADD COLUMN ... NOT NULL`` fails once the table has rows. Expand: the column is added nullable;
  backfill: a batched ``UPDATE`` (``-- schemashift:backfill``) gives existing rows their value;
  contract (``-- schemashift:contract``): the same UPDATE again for rows the previous application
  version inserted meanwhile, then NOT NULL (PostgreSQL: ``CHECK ... NOT VALID``, ``VALIDATE``,
  ``SET NOT NULL``, drop the check; MariaDB: ``ALGORITHM=INPLACE, LOCK=NONE``; SQLite: the table
  rebuild).
* **A renamed column, or a column whose type changes, on PostgreSQL** (a *move*): expand adds
  the new column (a type change: under a temporary name) and a trigger keeping old and new in
  step both ways while both application versions run; backfill copies the existing rows in
  batches; contract drops the trigger and the old column (a type change: renames the new column
  to the old name, in the same transaction), then sets defaults and NOT NULL lock-safely. A renamed
  foreign-key column moves so too, both columns keeping a foreign key during the rollout.
* **A primary key whose type changes, with the columns referencing it, on PostgreSQL**:
  :mod:`.key_moves` (the same phases, plus a prepare step, and a contract that swaps the key).

Every phase is computed declaratively: the expand migrates to an intermediate schema
(:func:`middle`: the target with the new columns relaxed and the old ones kept), and the
contract is the differ's steps from there to the target, in the online forms of
:mod:`schemashift.online.plan`: the last phase ends exactly at the schema, by construction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from schemashift.diff import steps as st
from schemashift.diff.renames import Rename
from schemashift.dialects.base import Dialect
from schemashift.dialects.scripts import TRANSACTION_OFF
from schemashift.model import Arity, Column, Family, ForeignKey, Index, IndexColumn, Schema, Table
from schemashift.online.contract import PLACEHOLDER, mark_contract
from schemashift.online.plan import OnlineOptions, OnlinePlan, OnlineScript, plan_online

if TYPE_CHECKING:
    from schemashift.online.key_moves import KeyMove

#: a type change: the new column's name during the expand (renamed to the old name by the contract)
TEMP_SUFFIX = "__schemashift_new"


@dataclass(frozen=True, slots=True)
class RequiredAdd:
    table: Table  # in the target schema
    column: Column  # in the target schema


@dataclass(frozen=True, slots=True)
class Move:
    """A PostgreSQL column renamed and/or retyped through expand/contract."""

    table: Table  # in the target schema
    old: Column  # in the previous schema
    new: Column  # in the target schema
    during: str  # the new column's name during the expand (``new.name`` for a rename)

    @property
    def retyped_in_place(self) -> bool:
        return self.during != self.new.name


@dataclass
class Phases:
    required: list[RequiredAdd] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    #: renames the expand does as renames (those that are not moves)
    renames: list[Rename] = field(default_factory=list)
    #: retyped primary keys with their referencing columns (:mod:`.key_moves`)
    keys: list[KeyMove] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.required or self.moves or self.keys)


def _is_postgres(dialect: Dialect) -> bool:
    from schemashift.dialects.cockroachdb import CockroachDialect
    from schemashift.dialects.postgres import PostgresDialect

    return isinstance(dialect, PostgresDialect) and not isinstance(dialect, CockroachDialect)


def _table_sql(dialect: Dialect, table: Table) -> str:
    from schemashift.dialects.postgres import PostgresDialect

    if isinstance(dialect, PostgresDialect):
        return dialect.table_name(table)
    return dialect.quote(table.name)


def _uses(index: Index, column: str) -> bool:
    return any(c.name == column for c in index.columns)


def _in_key(schema: Schema, table: Table, column: str) -> bool:
    """The column is part of the primary key, or referenced by a foreign key: other rows depend on
    its values and type, so it is not moved (Prisma's one statement, with a note)."""
    if table.primary_key is not None and any(c.name == column for c in table.primary_key.columns):
        return True
    return any(
        fk.referenced_table == table.name and column in fk.referenced_columns
        for t in schema.tables
        for fk in t.foreign_keys
    )


def _foreign_keys_of(table: Table, column: str) -> tuple[ForeignKey, ...]:
    return tuple(fk for fk in table.foreign_keys if column in fk.columns)


def rewrites(old: Column, new: Column) -> bool:
    """Whether PostgreSQL rewrites the table to change ``old``'s type to ``new``'s. Not for a
    wider ``varchar`` (or ``text``), nor a ``decimal`` with more digits and the same scale
    (binary coercible: only the catalog changes): those keep Prisma's one statement."""
    a, b = old.type, new.type
    if old.arity is not new.arity and Arity.LIST in (old.arity, new.arity):
        return True
    if a.family is Family.STRING and b.family is Family.STRING and a.native in ("VarChar", "Text"):
        if b.native == "Text" or (b.native == "VarChar" and (not b.args or (a.native == "VarChar" and a.args and b.args[0] >= a.args[0]))):
            return False
    if a.native == b.native == "Decimal" and len(a.args) == len(b.args) == 2 and a.args[1] == b.args[1]:
        return b.args[0] < a.args[0]
    return True


def _movable(before: Schema, target: Schema, old_table: Table, table: Table, old: Column, new: Column) -> bool:
    """A column can move when no key depends on it, and when nothing the expand keeps of the old
    column (its indexes, its foreign keys) has the name the target gives the new column's.

    A referencing column (a foreign key's) moves when it is only renamed: during the expand the
    old column keeps its foreign key and the new one gets its own (``NOT VALID``, then
    ``VALIDATE``), both holding because the trigger copies the value. A type change of one goes
    with its referenced key's, which is not moved."""
    if _in_key(before, old_table, old.name) or _in_key(target, table, new.name):
        return False
    if old.autoincrement or new.autoincrement or Family.UNSUPPORTED in (old.type.family, new.type.family):
        return False
    old_fks, new_fks = _foreign_keys_of(old_table, old.name), _foreign_keys_of(table, new.name)
    if (old_fks or new_fks) and (old.name == new.name or len(old_fks) != len(new_fks)):
        return False
    target_names = {i.name for i in table.indexes} | {fk.name for fk in table.foreign_keys}
    if any(fk.name in target_names for fk in old_fks):
        return False
    return not any(_uses(i, old.name) and i.name in target_names and old.name != new.name for i in old_table.indexes)


@dataclass(frozen=True, slots=True)
class Change:
    """What ``migrate dev`` is about to write: the schemas, the differ's steps, the renames."""

    before: Schema
    target: Schema
    steps: Sequence[st.Step]
    renames: Sequence[Rename] = ()


def find(change: Change, dialect: Dialect, options: OnlineOptions, dev_rows: Mapping[str, int]) -> Phases:
    """The changes of ``before`` -> ``target`` that need a multi-step plan."""
    before, target, steps, renames = change.before, change.target, change.steps, change.renames
    phases = Phases()
    table_from = {r.new: r.old for r in renames if r.is_table}
    column_from = {(r.table, r.new): r.old for r in renames if not r.is_table}
    created = {s.table.name for s in steps if isinstance(s, st.CreateTable)}
    postgres = _is_postgres(dialect)

    def has_rows(name: str) -> bool:
        if options.sizes is None or dev_rows.get(name, 0) > 0:
            return True
        return options.sizes.get(name, 0) > 0

    def online(name: str) -> bool:
        from schemashift.online.plan import is_online_table

        return is_online_table(name, created, options)

    retyped = {
        (s.previous.name, c.next.name)
        for s in steps
        if isinstance(s, st.AlterTable)
        for c in s.changes
        if isinstance(c, st.AlterColumn) and c.changes & st.ColumnChange.TYPE
    }
    moved: set[tuple[str, str]] = set()
    for table in target.tables:
        old_name = table_from.get(table.name, table.name)
        old_table = before.table(old_name, table.schema)
        if old_table is None or table.name in created:
            continue
        for column in table.columns:
            source = column_from.get((table.name, column.name), column.name)
            old = old_table.column(source)
            if old is None:
                if (
                    column.arity is Arity.REQUIRED and column.default is None
                    and not column.autoincrement and has_rows(old_name)
                ):
                    phases.required.append(RequiredAdd(table, column))
                continue
            if not postgres or old_name != table.name or not online(table.name):
                continue
            renamed = source != column.name
            changed = (table.name, column.name) in retyped and rewrites(old, column)
            if (renamed or changed) and _movable(before, target, old_table, table, old, column):
                during = column.name if renamed else _temp_name(dialect, column.name)
                phases.moves.append(Move(table, old, column, during))
                if renamed:
                    moved.add((table.name, column.name))
    phases.renames = [r for r in renames if r.is_table or (r.table, r.new) not in moved]
    if postgres:
        from schemashift.online import key_moves

        phases.keys = key_moves.find(
            before, target, retyped, lambda name: _temp_name(dialect, name), rewrites,
            lambda name: name not in table_from and name not in created and online(name) and has_rows(name),
        )
    return phases


def _temp_name(dialect: Dialect, name: str) -> str:
    return (name[: dialect.max_identifier_length - len(TEMP_SUFFIX)]) + TEMP_SUFFIX


def _temp_index(dialect: Dialect, index: Index, column: str, temp: str) -> Index:
    name = index.name[: dialect.max_identifier_length - len(TEMP_SUFFIX)] + TEMP_SUFFIX
    cols = tuple(replace(c, name=temp) if c.name == column else c for c in index.columns)
    return replace(index, name=name, columns=cols)


def _relaxed(column: Column, name: str | None = None) -> Column:
    return replace(column, name=name or column.name, arity=Arity.NULLABLE if column.arity is Arity.REQUIRED else column.arity, default=None)


def _replace_table(schema: Schema, table: Table) -> Schema:
    return replace(schema, tables=tuple(table if t.key == table.key else t for t in schema.tables))


def middle(before: Schema, target: Schema, phases: Phases, dialect: Dialect) -> Schema:
    """The schema after the expand (and the backfill): the target, with each required new column
    nullable, and each move's old column (and its indexes) beside its new column, nullable and
    without its default (a move's trigger tells which application version wrote a row by
    which column it left NULL)."""
    schema = target
    for add in phases.required:
        table = schema.table(add.table.name, add.table.schema)
        assert table is not None
        cols = tuple(_relaxed(c) if c.name == add.column.name else c for c in table.columns)
        schema = _replace_table(schema, replace(table, columns=cols))
    for move in phases.moves:
        table = schema.table(move.table.name, move.table.schema)
        old_table = before.table(move.table.name, move.table.schema)
        assert table is not None and old_table is not None
        old_indexes = tuple(i for i in old_table.indexes if _uses(i, move.old.name))
        if move.retyped_in_place:
            cols = tuple(move.old if c.name == move.new.name else c for c in table.columns)
            cols += (_relaxed(move.new, move.during),)
            kept = tuple(
                _temp_index(dialect, i, move.new.name, move.during) if _uses(i, move.new.name) else i
                for i in table.indexes
            )
        else:
            cols = tuple(_relaxed(c) if c.name == move.new.name else c for c in table.columns) + (move.old,)
            kept = table.indexes
        foreign_keys = table.foreign_keys + _foreign_keys_of(old_table, move.old.name)
        schema = _replace_table(schema, replace(table, columns=cols, indexes=kept + old_indexes, foreign_keys=foreign_keys))
    return schema


def _dropped(schema: Schema, phases: Phases) -> Schema:
    """The middle schema without the moves' old columns and their indexes, each new column with
    its final name and default (still nullable)."""
    for move in phases.moves:
        table = schema.table(move.table.name, move.table.schema)
        assert table is not None
        cols = tuple(c for c in table.columns if c.name != move.old.name)
        indexes = tuple(i for i in table.indexes if not _uses(i, move.old.name))
        foreign_keys = tuple(fk for fk in table.foreign_keys if move.old.name not in fk.columns)
        schema = _replace_table(schema, replace(table, columns=cols, indexes=indexes, foreign_keys=foreign_keys))
    return schema


def _with_defaults(schema: Schema, target: Schema, phases: Phases) -> Schema:
    """The moves' new columns renamed to their final names (type changes) with their target
    default and indexes, still nullable (NOT NULL is the last, lock-safe step)."""
    for move in phases.moves:
        table = schema.table(move.table.name, move.table.schema)
        final = target.table(move.table.name, move.table.schema)
        assert table is not None and final is not None
        cols = tuple(_relaxed(move.new) if c.name == move.during else c for c in table.columns)
        cols = tuple(replace(c, default=move.new.default) if c.name == move.new.name else c for c in cols)
        schema = _replace_table(schema, replace(table, columns=cols, indexes=final.indexes))
    return schema


# ---------------------------------------------------------------- SQL


def _cast(dialect: Dialect, expr: str, to: Column, frm: Column) -> str:
    from schemashift.dialects.postgres import PostgresDialect

    assert isinstance(dialect, PostgresDialect)  # moves are PostgreSQL's
    to_type, from_type = dialect.render_type(to), dialect.render_type(frm)
    return expr if to_type == from_type else f"CAST({expr} AS {to_type})"


def value_for(dialect: Dialect, column: Column) -> tuple[str, str]:
    """The value existing rows get in a new required column, and a comment saying what it is."""
    from schemashift.dialects.mysql import MysqlDialect
    from schemashift.dialects.postgres import PostgresDialect
    from schemashift.dialects.sqlite import SqliteDialect

    value = None
    if column.client_default and column.type.family in (Family.STRING, Family.UUID):
        if isinstance(dialect, MysqlDialect):
            value = "UUID()"
        elif isinstance(dialect, SqliteDialect):
            value = "lower(hex(randomblob(16)))"
        elif isinstance(dialect, PostgresDialect):
            value = f"CAST(gen_random_uuid() AS {dialect.render_type(column)})"
    if value is not None:
        return value, (
            "a random UUID per row (the schema's default is made by the client; cuid() or nanoid() "
            "make other formats: edit the value if that matters)"
        )
    return PLACEHOLDER, (
        f"{PLACEHOLDER} is a placeholder: replace it with the value existing rows get (a constant, "
        "an expression of other columns...), deploy refuses this migration until then"
    )


def _backfill(dialect: Dialect, table: Table, column: Column, value: str, comment: str, where: str) -> str:
    q = dialect.quote
    return (
        f"-- schemashift:backfill\n-- `{table.name}.{column.name}`: {comment}\n"
        f"UPDATE {_table_sql(dialect, table)} SET {q(column.name)} = {value} WHERE {where};\n"
    )


def _sync_name(dialect: Dialect, move: Move, what: str) -> str:
    base = f"{move.table.name}_{move.during}"
    suffix = f"_schemashift_{what}"
    return base[: dialect.max_identifier_length - len(suffix)] + suffix


def _function_sql(dialect: Dialect, move: Move) -> str:
    from schemashift.dialects.postgres import PostgresDialect

    assert isinstance(dialect, PostgresDialect)
    return dialect.qualified(move.table.schema, _sync_name(dialect, move, "sync"))


def trigger_sql(dialect: Dialect, move: Move) -> str:
    """The function and trigger keeping a move's old and new columns in step (PostgreSQL).

    A rename runs two application versions at once: the old one writes ``old``, the new one
    ``new``. On INSERT the new column is NULL when the old version wrote the row (the new column
    has no default until the contract), so it is computed from the old one; else the old one is
    computed from it. On UPDATE, a changed new column wins unless it already equals the old
    column's value converted (the backfill's own update), else a changed old column is copied.
    A type change (same name) is one-way: the applications write only the old column."""
    q = dialect.quote
    new_col = replace(move.new, name=move.during)
    old, new = f"NEW.{q(move.old.name)}", f"NEW.{q(move.during)}"
    forward = _cast(dialect, old, new_col, move.old)
    if move.retyped_in_place:
        body = f"  {new} := {forward};\n"
    else:
        back = _cast(dialect, new, move.old, new_col)
        body = (
            "  IF TG_OP = 'INSERT' THEN\n"
            f"    IF {new} IS NULL THEN\n      {new} := {forward};\n"
            f"    ELSE\n      {old} := {back};\n    END IF;\n"
            f"  ELSIF {new} IS DISTINCT FROM OLD.{q(move.during)} AND {new} IS DISTINCT FROM {forward} THEN\n"
            f"    {old} := {back};\n"
            f"  ELSIF {old} IS DISTINCT FROM OLD.{q(move.old.name)} THEN\n"
            f"    {new} := {forward};\n"
            "  END IF;\n"
        )
    function = _function_sql(dialect, move)
    return (
        f"-- keeps `{move.table.name}.{move.old.name}` and `{move.table.name}.{move.during}` in step until the contract\n"
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $schemashift$\nBEGIN\n{body}"
        "  RETURN NEW;\nEND\n$schemashift$;\n"
        f"CREATE TRIGGER {q(_sync_name(dialect, move, 'sync'))} BEFORE INSERT OR UPDATE ON "
        f"{_table_sql(dialect, move.table)} FOR EACH ROW EXECUTE FUNCTION {function}();\n"
    )


def drop_trigger_sql(dialect: Dialect, move: Move) -> str:
    q = dialect.quote
    return (
        f"DROP TRIGGER {q(_sync_name(dialect, move, 'sync'))} ON {_table_sql(dialect, move.table)};\n"
        "-- schemashift:ignore ban-drop-function the sync trigger's own function, its trigger dropped above\n"
        f"DROP FUNCTION {_function_sql(dialect, move)}();\n"
    )


#: ``migrate lint``'s rules a contract breaks on purpose, with the reason (``-- schemashift:ignore``)
_CONTRACT_IGNORES = (
    (re.compile(r"\bDROP\s+COLUMN\b", re.I), "ban-drop-column",
     "the contract of an expand/contract plan: the new column holds the data, and deploy applies it only with --contract"),
    (re.compile(r"\bRENAME\s+COLUMN\b", re.I), "renaming-column",
     "the new column takes the old one's name in the transaction that drops the old one"),
)


def _justify(script: str) -> str:
    """The contract's statements that lint rules flag on purpose, preceded by an ignore comment
    naming the rule and why (only statements that do break the rule, so no ignore is unused)."""
    out: list[str] = []
    statement: list[str] = []
    for line in script.splitlines():
        text = line.strip()
        if not statement and (not text or text.startswith("--")):
            out.append(line)
            continue
        statement.append(line)
        if text.endswith(";"):
            body = "\n".join(statement)
            for pattern, rule, reason in _CONTRACT_IGNORES:
                if pattern.search(body):
                    out.append(f"-- schemashift:ignore {rule} {reason}")
            out.extend(statement)
            statement = []
    out.extend(statement)
    return "\n".join(out) + ("\n" if script.endswith("\n") else "")


# ---------------------------------------------------------------- the plan


def _merge(dialect: Dialect, scripts: Sequence[str]) -> list[str]:
    """Adjacent scripts that run the same way joined: two transactional scripts share one
    transaction, two ``transaction off`` scripts one script (not those that must stay alone)."""
    out: list[str] = []
    for script in scripts:
        if not script.strip():
            continue
        if out:
            a, b = dialect.plan_script(out[-1]), dialect.plan_script(script)
            if a.mode is b.mode and not a.refusing and not b.refusing and a.mode.value != "as written":
                first_line, _, rest = script.partition("\n")
                second = rest if TRANSACTION_OFF.match(first_line) else script  # the first decides
                out[-1] = out[-1].rstrip("\n") + "\n\n" + second
                continue
        out.append(script)
    return out


def _steps_scripts(steps: Sequence[st.Step], dialect: Dialect, options: OnlineOptions, notes: list[str]) -> list[str]:
    if not steps:
        return []
    planned = plan_online(steps, dialect, options)
    notes.extend(planned.notes)
    return [s.script for s in planned.scripts]


def plan(change: Change, phases: Phases, dialect: Dialect, options: OnlineOptions) -> OnlinePlan:
    """The migrations of a multi-step plan, in apply order: expand, backfill, contract."""
    from schemashift.migrations import engine

    from schemashift.online import key_moves

    before, target = change.before, change.target
    result = OnlinePlan()
    keys = phases.keys
    # the key moves write their own SQL; the rest of the plan migrates to the target without them
    rest = key_moves.without(target, before, keys) if keys else target
    mid = middle(before, rest, phases, dialect)
    expand_steps = engine.diff(before, key_moves.with_new_columns(mid, keys, dialect, TEMP_SUFFIX), dialect, phases.renames)
    # the data-loss warnings are the change's own (a cast's, a dropped column's...), without
    # the one the plan answers: a required column added to a table with rows
    relaxed = middle(before, target, Phases(required=phases.required), dialect)
    result.checked_steps = engine.diff(before, relaxed, dialect, change.renames)
    notes: list[str] = []
    expand = _steps_scripts(expand_steps, dialect, options, notes)
    timeout = f"SET LOCAL lock_timeout = {dialect.quote_literal(options.lock_timeout)};\n"
    # CREATE/DROP TRIGGER take a SHARE ROW EXCLUSIVE / ACCESS EXCLUSIVE lock on the table
    synced = [*phases.moves, *(c for k in keys for c in k.columns)]
    expand += [timeout + "".join(trigger_sql(dialect, m) for m in synced)] if synced else []

    backfill: list[str] = []
    catch_up: list[str] = []
    for add in phases.required:
        value, comment = value_for(dialect, add.column)
        where = f"{dialect.quote(add.column.name)} IS NULL"
        backfill.append(_backfill(dialect, add.table, add.column, value, comment, where))
        catch_up.append(_backfill(dialect, add.table, add.column, value, "rows the previous application version inserted since the backfill, " + comment, where))
    for move in synced:
        q = dialect.quote
        value = _cast(dialect, q(move.old.name), replace(move.new, name=move.during), move.old)
        where = f"{q(move.during)} IS NULL AND {q(move.old.name)} IS NOT NULL"
        backfill.append(_backfill(dialect, move.table, replace(move.new, name=move.during), value, f"copied from `{move.old.name}`", where))

    # the catch-up first: the triggers' drop then shares a transaction with the old columns' drop
    contract: list[str] = list(catch_up)
    if keys:
        contract.append(key_moves.contract_sql(dialect, keys, TEMP_SUFFIX, options.lock_timeout, lambda m: drop_trigger_sql(dialect, m)))
        contract.append(key_moves.validate_sql(dialect, keys, options.lock_timeout) or "")
    contract += [timeout + "".join(drop_trigger_sql(dialect, m) for m in phases.moves)] if phases.moves else []
    dropped = _dropped(mid, phases)
    defaults = _with_defaults(dropped, target, phases)
    retyped = [Rename(m.during, m.new.name, m.table.name) for m in phases.moves if m.retyped_in_place]
    gone = {(m.table.name, m.old.name) for m in phases.moves}
    drop_steps = [
        s for s in engine.diff(mid, dropped, dialect)
        # dropping the column drops its indexes, in the same transaction as the trigger's drop
        if not (isinstance(s, st.DropIndex) and any((s.table.name, c.name) in gone for c in s.index.columns))
    ]
    contract += _steps_scripts(drop_steps, dialect, options, notes)
    contract += _steps_scripts(engine.diff(dropped, defaults, dialect, retyped), dialect, options, notes)
    contract += _steps_scripts(engine.diff(defaults, rest, dialect), dialect, options, notes)

    scripts: list[OnlineScript] = []
    for i, text in enumerate(_merge(dialect, expand)):
        scripts.append(OnlineScript("" if i == 0 else f"_expand_{i}", text))
    if backfill:
        scripts.append(OnlineScript("_backfill", "\n".join(backfill)))
    if keys:
        scripts.append(OnlineScript("_prepare", key_moves.prepare_sql(dialect, keys, options.lock_timeout)))
    for i, text in enumerate(_merge(dialect, contract)):
        text = _justify(text) if _is_postgres(dialect) else text
        scripts.append(OnlineScript("_contract" if i == 0 else f"_contract_{i}", mark_contract(text)))
    result.scripts = scripts
    for add in phases.required:
        notes.append(
            f"Online mode: the required column `{add.table.name}.{add.column.name}` has no default: written as "
            "expand (nullable), backfill and contract (NOT NULL) migrations."
        )
    for move in phases.moves:
        what = (
            f"the type change of `{move.table.name}.{move.new.name}`" if move.retyped_in_place
            else f"the rename of `{move.table.name}.{move.old.name}` to `{move.new.name}`"
        )
        notes.append(
            f"Online mode: {what} is written as expand (new column and a trigger keeping both in step), "
            "backfill and contract (drop the old column) migrations."
        )
    for key in keys:
        referencing = ", ".join(f"`{m.table.name}.{m.new.name}`" for m in key.columns[1:])
        notes.append(
            f"Online mode: the type change of the primary key `{key.key.table.name}.{key.key.new.name}`"
            + (f" (and of {referencing}, which reference it)" if referencing else "")
            + " is written as expand (new columns, a trigger, concurrent indexes), backfill, prepare (validated "
            "NOT NULL checks) and contract (the swap, then the foreign keys validated) migrations."
        )
    result.notes = notes
    return result


def plan_with_phases(change: Change, dialect: Dialect, options: OnlineOptions, dev_rows: Mapping[str, int]) -> OnlinePlan:
    """``migrate dev --online``'s plan: multi-step where needed, else :func:`plan_online`."""
    phases = find(change, dialect, options, dev_rows)
    if not phases:
        planned = plan_online(change.steps, dialect, options)
        planned.checked_steps = list(change.steps)
        return planned
    return plan(change, phases, dialect, options)

