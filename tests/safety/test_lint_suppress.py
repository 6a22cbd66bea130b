"""``-- schemashift:ignore RULE reason``: where it applies, what it needs, what is reported."""

from __future__ import annotations

from schemashift.safety.lint import LintConfig, lint_script


def rules(sql: str, provider: str = "postgresql") -> list[str]:
    return [f.rule for f in lint_script("m.sql", sql, provider, LintConfig(lock_timeout=True, statement_timeout=True))]


def test_ignore_on_the_line_before_silences_only_that_statement() -> None:
    sql = '-- schemashift:ignore ban-drop-table archived to S3 in #41\nDROP TABLE "A";\nDROP TABLE "B";\n'
    found = lint_script("m.sql", sql, "postgresql", LintConfig(lock_timeout=True, statement_timeout=True))
    assert [(f.rule, f.line) for f in found] == [("ban-drop-table", 3)]


def test_trailing_ignore_on_the_statement_line() -> None:
    assert rules('DROP TABLE "A"; -- schemashift:ignore ban-drop-table nobody reads it since v3\n') == []


def test_trailing_comment_does_not_leak_to_the_next_statement() -> None:
    sql = 'DROP TABLE "A"; -- schemashift:ignore ban-drop-table gone\nDROP TABLE "B";\n'
    assert rules(sql) == ["ban-drop-table"]


def test_ignore_above_a_comment_block_and_inside_a_multiline_statement() -> None:
    sql = (
        "-- schemashift:ignore adding-required-field the table is empty in every environment\n"
        "-- AlterTable\n"
        'ALTER TABLE "User"\n  ADD COLUMN "p" TEXT NOT NULL;\n'
        'ALTER TABLE "User"\n  DROP COLUMN "q"; /* schemashift:ignore ban-drop-column unused since #7 */\n'
    )
    assert rules(sql) == []


def test_several_rules_in_one_comment() -> None:
    sql = '-- schemashift:ignore ban-drop-column,ban-drop-table cleanup of the v1 schema\nALTER TABLE "A" DROP COLUMN "x";\n'
    assert rules(sql) == ["unused-ignore"]  # ban-drop-table silenced nothing


def test_reason_is_required() -> None:
    sql = '-- schemashift:ignore ban-drop-table\nDROP TABLE "A";\n'
    assert sorted(rules(sql)) == ["ban-drop-table", "invalid-ignore"]


def test_unknown_rule_is_reported() -> None:
    assert sorted(rules('-- schemashift:ignore ban-drop-tabel typo\nDROP TABLE "A";\n')) == ["ban-drop-table", "invalid-ignore"]


def test_alias_silences_both_timeout_rules() -> None:
    sql = "-- schemashift:ignore require-timeout-settings set by the deploy job\nALTER TABLE \"A\" ADD COLUMN \"b\" TEXT;"
    found = [f.rule for f in lint_script("m.sql", sql, "postgresql")]
    assert found == []


def test_ignore_inside_a_string_is_not_a_comment() -> None:
    sql = "INSERT INTO notes VALUES ('-- schemashift:ignore ban-drop-table x');\nDROP TABLE \"A\";"
    assert rules(sql) == ["ban-drop-table"]


def test_mysql_and_sqlite_comments() -> None:
    assert rules("# schemashift:ignore ban-drop-table gone since 2023\nDROP TABLE `A`;", "mysql") == []
    assert rules('-- schemashift:ignore ban-drop-table gone\nDROP TABLE "A";', "sqlite") == []


def test_output_formats_escape_and_handle_no_findings() -> None:
    import json

    from schemashift.safety.lint.model import Finding
    from schemashift.safety.lint.output import render

    f = Finding("ban-drop-table", "error", "a,b:c.sql", 2, 3, 2, 9, "50% lost\nnext", "help", 0)
    line = render([f], "github", 1).strip()
    assert line.startswith("::error file=a%2Cb%3Ac.sql,line=2,col=3,endLine=2,endColumn=9,title=ban-drop-table::50%25 lost%0Anext")
    assert json.loads(render([], "json", 0)) == {"files": 0, "findings": []}
    assert json.loads(render([f], "json", 1))["findings"][0]["file"] == "a,b:c.sql"
    assert json.loads(render([], "sarif", 0))["runs"][0]["results"] == []
    assert render([], "github", 0) == ""
    assert render([], "text", 3).strip() == "3 migration file(s) checked: 0 error(s), 0 warning(s)."
