"""The diagnostic renderer: Prisma's pretty printing, byte for byte."""

from __future__ import annotations

import re

import pytest

from schemashift.diagnostics import Diagnostic, Span
from schemashift.psl.parser import parse_files
from schemashift.psl.render import render_diagnostics

from psl_corpus import case_source, validation_cases

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def err(message: str, start: int, end: int, file_id: int = 0) -> Diagnostic:
    return Diagnostic("error", message, Span(start, end, file_id))


def warn(message: str, start: int, end: int, file_id: int = 0) -> Diagnostic:
    return Diagnostic("warning", message, Span(start, end, file_id))


SRC = "model A {\n  id Int @id\n  name String\n}\n"


def test_single_line_span_with_previous_line() -> None:
    start = SRC.index("name")
    out = render_diagnostics(SRC, [err("Bad.", start, start + 4)])
    assert out == (
        "error: Bad.\n"
        "  -->  schema.prisma:3\n"
        "   | \n"
        " 2 |   id Int @id\n"
        " 3 |   name String\n"
        "   | \n"
    )


def test_first_line_has_bare_gutter_as_previous_line() -> None:
    out = render_diagnostics(SRC, [err("Bad.", 6, 7)])
    assert out.splitlines()[2:5] == ["   | ", "   | ", " 1 | model A {"]


def test_multi_line_span_lists_following_lines_and_cuts_highlight() -> None:
    end = SRC.index("}") + 1
    out = render_diagnostics(SRC, [err("Bad.", 0, end)], color=True)
    lines = out.splitlines()
    assert lines[4] == "\x1b[1;94m 1 | \x1b[0m\x1b[1;91mmodel A {\x1b[0m"
    assert [_ANSI.sub("", x) for x in lines[5:]] == [" 2 |   id Int @id", " 3 |   name String", " 4 | }", "   | "]


def test_span_ending_after_newline_shows_next_line() -> None:
    start = SRC.index("name")
    end = SRC.index("}")
    out = render_diagnostics(SRC, [err("Bad.", start, end)])
    assert out.splitlines()[-2:] == [" 4 | }", "   | "]


def test_empty_span_gets_unexpected_token_marker() -> None:
    pos = SRC.index("Int")
    out = render_diagnostics(SRC, [err("Oops.", pos, pos)])
    assert "   |      ^ Unexpected token.\n" in out  # five spaces: "  id " precedes the span
    colored = render_diagnostics(SRC, [err("Oops.", pos, pos)], color=True)
    assert "\x1b[1;94m   | \x1b[0m     \x1b[1;91m^ Unexpected token.\x1b[0m\n" in colored


def test_warnings_come_first_and_are_yellow() -> None:
    out = render_diagnostics(SRC, [err("E.", 0, 5), warn("W.", 12, 14)], color=True)
    assert out.startswith("\x1b[1;93mwarning\x1b[0m: \x1b[1mW.\x1b[0m\n")
    assert "\x1b[1;93mid\x1b[0m" in out
    assert out.index("warning") < out.index("error")


def test_non_ascii_prefix_keeps_prisma_byte_spacing() -> None:
    src = 'model Ä {\n  x String @default("é") @bad\n}\n'
    pos = src.index("@bad")
    out = render_diagnostics(src, [err("Bad.", pos, pos + 4), err("Empty.", pos, pos)])
    assert ' 2 |   x String @default("é") @bad\n' in out
    # Prisma pads the marker with one space per byte before the span ("é" is two bytes)
    assert "\n   | " + " " * (len(src[src.index("\n") + 1 : pos].encode())) + "^ Unexpected token.\n" in out


def test_multi_file_uses_each_diagnostic_file_name() -> None:
    files = [("a.prisma", "model A {\n  id Int @id\n}\n"), ("b.prisma", "enum E {\n  X\n}\n")]
    out = render_diagnostics(files, [err("In b.", 9, 10, file_id=1), err("In a.", 0, 5, file_id=0)])
    assert "  -->  b.prisma:2\n" in out and "  -->  a.prisma:1\n" in out
    assert " 2 |   X\n" in out


def test_span_at_end_of_file() -> None:
    src = "model A {\n}"
    out = render_diagnostics(src, [err("End.", len(src), len(src))])
    assert out.splitlines()[3:6] == [" 1 | model A {", " 2 | }", "   |  ^ Unexpected token."]


# ---------------------------------------------------------------- conformance

_PARSER_ONLY = re.compile(
    r"^error: (?:Error validating: This (?:line|block) is|Error validating: Invalid type definition|"
    r"Error validating \w+ \"[^\"]*\": This field declaration is invalid|Field declarations don't|"
    r"Fields are required by default|To specify a list|Optional lists are not|Unknown escape sequence|"
    r"Invalid unicode escape sequence)"
)


def _parser_only_cases() -> list[tuple[str, str, str, str]]:
    out = []
    for suite, d in validation_cases():
        blocks = [b for b in re.split(r"(?m)^(?=error: |warning: )", d["expected_plain"]) if b]
        if blocks and all(_PARSER_ONLY.match(b) for b in blocks):
            out.append((suite, d["path"], d["expected_plain"], d["expected"]))
    return out


PARSER_ONLY = _parser_only_cases()


@pytest.mark.skipif(not PARSER_ONLY, reason="conformance corpus not available")
@pytest.mark.parametrize(("suite", "path", "plain", "ansi"), PARSER_ONLY, ids=[f"{c[0]}/{c[1]}" for c in PARSER_ONLY])
def test_renders_parser_cases_like_prisma(suite: str, path: str, plain: str, ansi: str) -> None:
    source = case_source(suite, path)
    _, diags = parse_files([("schema.prisma", source)])
    assert render_diagnostics(source, diags.all()) == plain
    assert render_diagnostics(source, diags.all(), color=True) == ansi


# Every block of every expected output in the corpus (warnings included) is re-rendered from a
# diagnostic rebuilt out of the block itself: severity, message, line, highlighted text, and the
# number of following lines (which fixes the line the span ends on).
_TITLE = re.compile(r"^\x1b\[1;9[13]m(error|warning)\x1b\[0m: \x1b\[1m(.*)\x1b\[0m$", re.S)
_ARROW = re.compile(r"^  \x1b\[1;94m-->\x1b\[0m  \x1b\[4mschema\.prisma:(\d+)\x1b\[0m$")
_GUTTER = re.compile(r"^\x1b\[1;94m( ?\d+| {2}) \| \x1b\[0m")
_HIGHLIGHT = re.compile(r"^(.*?)\x1b\[1;9[13]m(.*?)\x1b\[0m(.*)$", re.S)


def _rebuild(source: str, block: str) -> Diagnostic:
    lines = block.split("\n")
    arrow = next(i for i, x in enumerate(lines) if _ARROW.match(x))
    title = _TITLE.match("\n".join(lines[:arrow]))
    assert title is not None
    line_no = int(_ARROW.match(lines[arrow]).group(1))  # type: ignore[union-attr]
    numbered = [(i, _GUTTER.match(x)) for i, x in enumerate(lines) if i > arrow]
    span_row = next(i for i, m in numbered if m and m.group(1).strip() == str(line_no))
    hl = _HIGHLIGHT.match(lines[span_row][_GUTTER.match(lines[span_row]).end() :])  # type: ignore[union-attr]
    assert hl is not None
    following = sum(1 for i, m in numbered if i > span_row and m and m.group(1).strip())
    src_lines = source.split("\n")
    line_start = sum(len(x) + 1 for x in src_lines[: line_no - 1])
    start = line_start + len(hl.group(1))
    if following:
        end = sum(len(x) + 1 for x in src_lines[: line_no - 1 + following])
    else:
        end = start + len(hl.group(2))
    return Diagnostic(title.group(1), title.group(2), Span(start, end))  # type: ignore[arg-type]


def _all_cases() -> list[tuple[str, str, str, str]]:
    return [
        (suite, d["path"], d["expected_plain"], d["expected"]) for suite, d in validation_cases() if d["expected"]
    ]


ALL_CASES = _all_cases()


@pytest.mark.skipif(not ALL_CASES, reason="conformance corpus not available")
def test_rerenders_every_corpus_block() -> None:
    mismatches = []
    for suite, path, plain, ansi in ALL_CASES:
        source = case_source(suite, path)
        blocks = [b for b in re.split(r"(?=\x1b\[1;9[13]m(?:error|warning)\x1b\[0m: )", ansi) if b]
        diags = [_rebuild(source, b) for b in blocks]
        if render_diagnostics(source, diags, color=True) != ansi or render_diagnostics(source, diags) != plain:
            mismatches.append(path)
    assert len(ALL_CASES) > 600
    assert mismatches == []
