"""The neutral model: immutable values, lookups, order-insensitive comparison."""

from __future__ import annotations

import dataclasses

import pytest

from schemashift.model import (
    Arity,
    Column,
    ColumnType,
    EnumType,
    Family,
    Index,
    IndexColumn,
    Schema,
    Table,
)

INT = ColumnType(Family.INT, "Integer")


def test_lookup_by_name_and_namespace() -> None:
    a = Table("A", (Column("id", INT), Column("n", INT, Arity.NULLABLE)))
    b = Table("A", (Column("id", INT),), schema="other")
    s = Schema(tables=(a, b), enums=(EnumType("E", ("X",)),))
    assert s.table("A") is a and s.table("A", "other") is b and s.table("B") is None
    assert s.enum("E") is not None and s.enum("E", "other") is None
    assert a.column("n").nullable and not a.column("id").nullable and a.column("x") is None


def test_values_are_frozen_and_hashable() -> None:
    t = Table("A", (Column("id", INT),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.name = "B"  # type: ignore[misc]
    assert hash(t) == hash(Table("A", (Column("id", INT),)))


def test_normalized_ignores_collection_order() -> None:
    i1, i2 = Index("i1", (IndexColumn("a"),)), Index("i2", (IndexColumn("b"),))
    cols = (Column("a", INT), Column("b", INT))
    one = Schema(tables=(Table("T", cols, indexes=(i1, i2)), Table("S", cols)))
    two = Schema(tables=(Table("S", cols[::-1]), Table("T", cols[::-1], indexes=(i2, i1))))
    assert one != two
    assert one.normalized() == two.normalized()


def test_informative_fields_do_not_affect_equality() -> None:
    assert Column("id", INT, autoincrement=True, sequence="T_id_seq") == Column("id", INT, autoincrement=True)
    assert Schema(default_namespace="public") == Schema()
