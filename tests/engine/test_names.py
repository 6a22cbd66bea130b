"""Prisma's generated constraint names and their truncation (values checked with Prisma 6.19)."""

from __future__ import annotations

from schemashift.lower import names

LONG_TABLE = "ThisIsAVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver"
LONG_M2M = "OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTablesToThisIsAVeryLongModelName"


def test_short_names_are_not_cut() -> None:
    assert names.primary_key_name("User", 63) == "User_pkey"
    assert names.unique_name("User", ["email"], 63) == "User_email_key"
    assert names.index_name("Post", ["a", "b"], 63) == "Post_a_b_idx"
    assert names.foreign_key_name("Post", ["authorId"], 63) == "Post_authorId_fkey"


def test_long_names_are_cut_before_the_suffix() -> None:
    columns = ["someExtremelyLongColumnNameNumberTwo"]
    assert names.index_name(LONG_TABLE, columns, 63) == LONG_TABLE + "__idx"
    assert names.foreign_key_name(LONG_TABLE, columns, 63) == LONG_TABLE + "_fkey"
    assert names.primary_key_name("OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTables", 63) == (
        "OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTa_pkey"
    )
    assert len(names.unique_name("T" * 80, ["c"], 64)) == 64  # MySQL's limit


def test_join_table_names() -> None:
    n = names.join_table_names(LONG_M2M, 63)
    assert n.table == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTables"
    assert n.primary_key == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJo_AB_pkey"
    assert n.a_foreign_key == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoi_A_fkey"
    assert n.b_foreign_key == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoi_B_fkey"
    assert n.b_index == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJo_B_index"
    short = names.join_table_names("PostToTag", 63)
    assert (short.table, short.unique, short.b_index) == ("_PostToTag", "_PostToTag_AB_unique", "_PostToTag_B_index")
