"""The human summary of a diff (``migrate diff`` without ``--script``, the drift text of
``migrate dev``), rendered from the steps, as Prisma's ``drift_summary`` renders it.

Each step gives one item ``(section, name, step index)``; items are sorted (sections in the order of
:class:`_Section`, then by table/enum name, then in step order), a header is written whenever the
section or the name changes, and each step writes its own lines. Summary and script therefore
always describe the same change: a pure index rename is ``[*] Renamed index `a` to `b```, never
"no difference".
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from schemashift.diff import steps as st
from schemashift.model import Arity, Column, DbGeneratedDefault, Default, LiteralDefault, NowDefault, Table

NO_DIFFERENCE = "No difference detected."


class _Section(enum.IntEnum):  # the order of the sections in the summary
    ALTERED_EXTENSION = 0
    DROPPED_EXTENSION = 1
    CREATED_EXTENSION = 2
    ADDED_ENUM = 3
    ADDED_TABLE = 4
    REMOVED_ENUM = 5
    REMOVED_TABLE = 6
    REDEFINED_TABLE = 7
    CHANGED_ENUM = 8
    CHANGED_TABLE = 9


_HEADERS = {
    _Section.ADDED_ENUM: "\n[+] Added enums\n",
    _Section.ADDED_TABLE: "\n[+] Added tables\n",
    _Section.REMOVED_ENUM: "\n[-] Removed enums\n",
    _Section.REMOVED_TABLE: "\n[-] Removed tables\n",
    _Section.CREATED_EXTENSION: "\n[+] Added extensions\n",
    # Prisma writes a stray backtick here; kept so the output stays byte-identical
    _Section.DROPPED_EXTENSION: "\n[-] Removed extensions\n`",
}


def _items(step: st.Step) -> list[tuple[_Section, str]]:
    if isinstance(step, st.CreateEnum):
        return [(_Section.ADDED_ENUM, "")]
    if isinstance(step, st.AlterEnum):
        return [(_Section.CHANGED_ENUM, step.previous.name)]
    if isinstance(step, st.DropEnum):
        return [(_Section.REMOVED_ENUM, "")]
    if isinstance(step, st.CreateTable):
        return [(_Section.ADDED_TABLE, "")]
    if isinstance(step, st.DropTable):
        return [(_Section.REMOVED_TABLE, "")]
    if isinstance(step, st.RedefineTables):
        return [(_Section.REDEFINED_TABLE, t.previous.name) for t in step.tables]
    if isinstance(step, (st.AlterTable, st.AlterPrimaryKey)):
        return [(_Section.CHANGED_TABLE, step.previous.name)]
    if isinstance(step, st.RenameTable):
        return [(_Section.CHANGED_TABLE, step.next.name)]
    if isinstance(step, st.RenameColumn):
        return [(_Section.CHANGED_TABLE, step.table.name)]
    if isinstance(step, (st.DropForeignKey, st.DropIndex, st.RenameIndex, st.RedefineIndex)):
        return [(_Section.CHANGED_TABLE, step.table.name)]
    if isinstance(step, (st.CreateIndex, st.AddForeignKey, st.RenameForeignKey)):
        return [(_Section.CHANGED_TABLE, step.table.name)]
    if isinstance(step, st.CreateExtension):
        return [(_Section.CREATED_EXTENSION, step.extension.name)]
    if isinstance(step, st.AlterExtension):
        return [(_Section.ALTERED_EXTENSION, step.previous.name)]
    if isinstance(step, st.DropExtension):
        return [(_Section.DROPPED_EXTENSION, step.extension.name)]
    return []  # CreateSchema, DropSchema: not in Prisma's summary


def _header(section: _Section, name: str) -> str:
    if section is _Section.REDEFINED_TABLE:
        return f"\n[*] Redefined table `{name}`\n"
    if section is _Section.CHANGED_ENUM:
        return f"\n[*] Changed the `{name}` enum\n"
    if section is _Section.CHANGED_TABLE:
        return f"\n[*] Changed the `{name}` table\n"
    if section is _Section.ALTERED_EXTENSION:
        return f"\n[*] Changed the `{name}` extension\n"
    return _HEADERS[section]


def summary(steps: Sequence[st.Step]) -> str:
    """Prisma's summary of ``steps`` (``No difference detected.`` when there are none)."""
    if not steps:
        return NO_DIFFERENCE
    items = sorted(
        (section, name, index) for index, step in enumerate(steps) for section, name in _items(step)
    )
    out: list[str] = []
    state: tuple[_Section, str] | None = None
    for section, name, index in items:
        if (section, name) != state:
            out.append(_header(section, name))
            state = (section, name)
        out.extend(_lines(steps[index]))
    return "".join(out)


def _cols(names: Sequence[str]) -> str:
    return ", ".join(names)


def _lines(step: st.Step) -> list[str]:
    if isinstance(step, (st.CreateEnum, st.DropEnum)):
        return [f"  - {step.enum.name}\n"]
    if isinstance(step, (st.CreateTable, st.DropTable)):
        return [f"  - {step.table.name}\n"]
    if isinstance(step, st.CreateExtension):
        return [f"  - {step.extension.name}\n"]
    if isinstance(step, st.AlterEnum):
        return [f"  [+] Added variant `{v}`\n" for v in step.added] + [
            f"  [-] Removed variant `{v}`\n" for v in step.dropped
        ]
    if isinstance(step, st.DropForeignKey):
        return [f"  [-] Removed foreign key on columns ({_cols(step.foreign_key.columns)})\n"]
    if isinstance(step, st.AddForeignKey):
        return [f"  [+] Added foreign key on columns ({_cols(step.foreign_key.columns)})\n"]
    if isinstance(step, st.DropIndex):
        unique = "unique " if step.index.unique else ""
        return [f"  [-] Removed {unique}index on columns ({_cols(step.index.column_names)})\n"]
    if isinstance(step, st.CreateIndex):
        unique = "unique " if step.index.unique else ""
        return [f"  [+] Added {unique}index on columns ({_cols(step.index.column_names)})\n"]
    if isinstance(step, st.RenameForeignKey):
        return [f'  [*] Renamed the foreign key "{step.previous.name}" to "{step.next.name}"\n']
    if isinstance(step, st.RenameTable):
        return [f"  [*] Renamed the table `{step.previous.name}` to `{step.next.name}`\n"]
    if isinstance(step, st.RenameColumn):
        return [f"  [*] Renamed column `{step.previous.name}` to `{step.next.name}`\n"]
    if isinstance(step, st.RenameIndex):
        return [f"  [*] Renamed index `{step.previous.name}` to `{step.next.name}`\n"]
    if isinstance(step, st.RedefineIndex):
        return [f"  [*] Redefined index `{step.previous.name}`\n"]
    if isinstance(step, st.AlterPrimaryKey):
        # three spaces: Prisma's own indentation of this line
        return [f"   [*] Changed the primary key for `{step.previous.name}`\n"]
    if isinstance(step, st.AlterTable):
        return [line for change in step.changes for line in _table_change(change, step.previous, step.next)]
    return []


def _table_change(change: st.TableChange, previous: Table, next: Table) -> list[str]:
    if isinstance(change, st.AddColumn):
        return [f"  [+] Added column `{change.column.name}`\n"]
    if isinstance(change, st.DropColumn):
        return [f"  [-] Removed column `{change.column.name}`\n"]
    if isinstance(change, st.AlterColumn):
        return [f"  [*] Altered column `{change.next.name}` {_column_changes(change.previous, change.next, change.changes)}\n"]
    if isinstance(change, st.DropAndRecreateColumn):
        what = _column_changes(change.previous, change.next, change.changes)
        return [f"  [*] Column `{change.next.name}` would be dropped and recreated {what}\n"]
    if isinstance(change, st.DropPrimaryKey):
        return [f"  [-] Dropped the primary key on columns ({_cols(_pk_columns(previous))})\n"]
    if isinstance(change, st.RenamePrimaryKey):
        return [f"  [*] Renamed the primary key on columns ({_cols(_pk_columns(previous))})\n"]
    if isinstance(change, st.AddPrimaryKey):
        # Prisma closes this line twice; kept so the output stays byte-identical
        return [f"  [+] Added primary key on columns ({_cols(_pk_columns(next))})\n", ")\n"]
    return []


def _pk_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns) if table.primary_key is not None else ()


_ARITY = {Arity.REQUIRED: "Required", Arity.NULLABLE: "Nullable", Arity.LIST: "List"}


def _column_changes(previous: Column, next: Column, changes: st.ColumnChange) -> str:
    parts: list[str] = []
    if changes & st.ColumnChange.ARITY:
        parts.append(f"changed from {_ARITY[previous.arity]} to {_ARITY[next.arity]}")
    if changes & st.ColumnChange.DEFAULT:
        parts.append(f"default changed from `{_debug_default(previous.default)}` to `{_debug_default(next.default)}`")
    if changes & st.ColumnChange.TYPE:
        parts.append("type changed")
    if changes & st.ColumnChange.AUTOINCREMENT:
        parts.append(
            "column is no longer autoincrementing" if previous.autoincrement else "column became autoincrementing"
        )
    return f"({', '.join(parts)})"


def _debug_str(text: str) -> str:
    """A string as Rust's ``Debug`` prints it."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def _debug_literal(value: object) -> str:
    from schemashift import model as m

    if isinstance(value, m.StrLit):
        return f"String({_debug_str(value.value)})"
    if isinstance(value, m.IntLit):
        return f"Int({value.value})"
    if isinstance(value, (m.FloatLit, m.DecimalLit)):
        return f"Float(BigDecimal({_debug_str(value.text)}))"
    if isinstance(value, m.BoolLit):
        return f"Boolean({'true' if value.value else 'false'})"
    if isinstance(value, m.EnumLit):
        return f"Enum({_debug_str(value.value)})"
    if isinstance(value, m.JsonLit):
        return f"Json({_debug_str(value.text)})"
    if isinstance(value, m.ListLit):
        return f"List([{', '.join(_debug_literal(v) for v in value.items)}])"
    return type(value).__name__


def _debug_default(default: Default | None) -> str:
    """A column default as Prisma's summary prints it (Rust's ``Debug`` of ``Option<DefaultKind>``)."""
    if default is None:
        return "None"
    if isinstance(default, NowDefault):
        return "Some(Now)"
    if isinstance(default, DbGeneratedDefault):
        inner = "None" if default.expression is None else f"Some({_debug_str(default.expression)})"
        return f"Some(DbGenerated({inner}))"
    if isinstance(default, LiteralDefault):
        return f"Some(Value({_debug_literal(default.value)}))"
    return "None"
