"""Steps: a closed set of immutable values that reverse themselves and flag data loss."""

from __future__ import annotations

import dataclasses

import pytest

from schemashift.diff import steps as st
from schemashift.model import Column, ColumnType, EnumType, Family, ForeignKey, Index, IndexColumn, PrimaryKey, Table

INT = ColumnType(Family.INT, "Integer")
TEXT = ColumnType(Family.STRING, "Text")
COL = Column("a", INT)
TABLE = Table("T", (COL,), PrimaryKey("T_pkey", (IndexColumn("a"),)))
INDEX = Index("T_a_idx", (IndexColumn("a"),))
FK = ForeignKey("T_a_fkey", ("a",), "U", ("id",))
ENUM = EnumType("E", ("X", "Y"))

ALL_STEPS: list[st.Step] = [
    st.CreateSchema("s"),
    st.DropSchema("s"),
    st.CreateEnum(ENUM),
    st.AlterEnum(ENUM, EnumType("E", ("X", "Z")), ("Z",), ("Y",)),
    st.DropForeignKey(TABLE, FK),
    st.DropIndex(TABLE, INDEX),
    st.AlterTable(TABLE, TABLE, (st.AddColumn(Column("b", TEXT)), st.DropColumn(COL))),
    st.DropTable(TABLE),
    st.DropEnum(ENUM),
    st.CreateTable(TABLE),
    st.CreateIndex(TABLE, INDEX),
    st.RenameForeignKey(TABLE, FK, dataclasses.replace(FK, name="other")),
    st.AddForeignKey(TABLE, FK),
    st.RenameIndex(TABLE, INDEX, dataclasses.replace(INDEX, name="other")),
]


@pytest.mark.parametrize("step", ALL_STEPS, ids=lambda s: type(s).__name__)
def test_reverse_of_reverse_is_identity(step: st.Step) -> None:
    assert step.reverse().reverse() == step


def test_steps_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.DropTable(TABLE).table = TABLE  # type: ignore[misc]


def test_data_loss_flags() -> None:
    assert st.DropTable(TABLE).loses_data
    assert not st.CreateTable(TABLE).loses_data
    assert st.AlterTable(TABLE, TABLE, (st.DropColumn(COL),)).loses_data
    assert not st.AlterTable(TABLE, TABLE, (st.AddColumn(COL),)).loses_data
    risky = st.AlterColumn(COL, Column("a", TEXT), st.ColumnChange.TYPE, st.TypeChange.RISKY_CAST)
    safe = st.AlterColumn(COL, Column("a", TEXT), st.ColumnChange.TYPE, st.TypeChange.SAFE_CAST)
    assert risky.loses_data and not safe.loses_data
    assert st.AlterEnum(ENUM, ENUM, (), ("Y",)).loses_data
    assert not st.AlterEnum(ENUM, ENUM, ("Z",), ()).loses_data


def test_sort_follows_prisma_step_order_then_key() -> None:
    shuffled = [
        st.AddForeignKey(TABLE, FK, sort_key=(0,)),
        st.CreateIndex(TABLE, INDEX, sort_key=(1, 0, 0, 5, 0)),
        st.CreateIndex(TABLE, INDEX, sort_key=(0, 0, 3, 1, 0)),
        st.CreateTable(TABLE, sort_key=(1,)),
        st.CreateTable(TABLE, sort_key=(0,)),
        st.DropTable(TABLE),
        st.CreateEnum(ENUM),
        st.CreateSchema("s"),
    ]
    ordered = st.sort_steps(shuffled)
    assert [st.step_name(s) for s in ordered] == [
        "CreateSchema", "CreateEnum", "DropTable", "CreateTable", "CreateTable", "CreateIndex", "CreateIndex",
        "AddForeignKey",
    ]
    assert [s.sort_key for s in ordered if isinstance(s, st.CreateIndex)] == [(0, 0, 3, 1, 0), (1, 0, 0, 5, 0)]
    assert [s.sort_key for s in ordered if isinstance(s, st.CreateTable)] == [(0,), (1,)]
