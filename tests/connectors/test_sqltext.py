"""Statement splitting (MySQL) and placeholder rewriting (SQLite) without a database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from schemashift.connectors.sqlite import split_script
from schemashift.connectors.sqltext import has_code, qmark_placeholders, split_mysql


def test_mysql_split_ignores_semicolons_in_strings_identifiers_and_comments() -> None:
    script = (
        "-- leading; comment\n"
        "CREATE TABLE `a;b` (x VARCHAR(10) DEFAULT 'a;\\';b');  # trailing; hash\n"
        "/* block; */ INSERT INTO t VALUES (\"x;\"\"y\");\n"
        "SELECT 1;;\n"
        "SELECT 2-1; SELECT 3 -- tail;\n"
    )
    assert split_mysql(script) == [
        "-- leading; comment\nCREATE TABLE `a;b` (x VARCHAR(10) DEFAULT 'a;\\';b')",
        "# trailing; hash\n/* block; */ INSERT INTO t VALUES (\"x;\"\"y\")",
        "SELECT 1",
        "SELECT 2-1",
        "SELECT 3 -- tail;",
    ]


def test_mysql_double_dash_needs_whitespace_to_be_a_comment() -> None:
    assert split_mysql("SELECT 1--1; SELECT 2") == ["SELECT 1--1", "SELECT 2"]


def test_mysql_routine_bodies_are_not_split() -> None:
    trigger = (
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN\n"
        "  IF NEW.a > 1 THEN SET NEW.b = CASE WHEN NEW.a > 2 THEN 2 ELSE 1 END; END IF;\n"
        "  WHILE 0 DO SET @x = 1; END WHILE;\n"
        "END"
    )
    proc = "CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN SELECT 1; BEGIN SELECT 2; END; END"
    assert split_mysql(f"{trigger};\n{proc};\nSELECT 3;") == [trigger, proc, "SELECT 3"]


def test_mysql_begin_outside_routines_is_a_statement() -> None:
    assert split_mysql("BEGIN; UPDATE t SET a = 1; COMMIT;") == ["BEGIN", "UPDATE t SET a = 1", "COMMIT"]


def test_comment_only_scripts_have_no_statements() -> None:
    assert split_mysql("-- nothing\n/* here */ ;\n# at all") == []
    assert not has_code("-- x\n;/* y */", mysql=False)
    assert list(split_script("-- only a comment\n")) == []


def test_sqlite_split_keeps_trigger_bodies() -> None:
    script = (
        "CREATE TABLE a(x); -- hi\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO a VALUES (';'); SELECT 1; END;\n"
        "SELECT 'a;b'"
    )
    statements = [s.strip() for s in split_script(script)]
    assert statements == [
        "CREATE TABLE a(x);",
        "-- hi\nCREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO a VALUES (';'); SELECT 1; END;",
        "SELECT 'a;b'",
    ]


def test_qmark_placeholders_leave_literals_alone() -> None:
    assert qmark_placeholders("SELECT '%s', \"%s\" FROM t WHERE a = %s AND b LIKE 'x%%' || %%s") == (
        "SELECT '%s', \"%s\" FROM t WHERE a = ? AND b LIKE 'x%%' || %s"
    )


_TEXT = st.text(alphabet=list("ab;'\"`\\-#/*\n $"), max_size=12)


def _mysql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _mysql_ident(value: str) -> str:
    return "`" + value.replace("`", "``") + "`"


@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=6))
def test_mysql_split_roundtrips_any_quoted_content(items: list[tuple[str, str]]) -> None:
    statements = [f"SELECT {_mysql_string(a)} AS {_mysql_ident(b or 'x')}" for a, b in items]
    assert split_mysql(";\n".join(statements) + ";") == statements


@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_sqlite_split_roundtrips_any_quoted_content(values: list[str]) -> None:
    statements = ["SELECT '" + v.replace("'", "''") + "';" for v in values]
    assert [s.strip() for s in split_script("\n".join(statements))] == statements
