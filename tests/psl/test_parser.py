"""Parser diagnostics against Prisma's own PSL test corpus (read in place from ../shared).

For every validation case, the blocks of the expected output whose message is one the parser
emits (invalid lines, legacy syntax, bad escapes, composite-type block rules...) must be exactly
the blocks our parser's diagnostics render to, in the same order: same message, line and span.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from schemashift.psl.parser import parse_files
from schemashift.psl.render import render_diagnostics

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance"

PARSER_MESSAGES = re.compile(
    r"^error: (?:"
    r"Error validating: This line is |"
    r"Error validating: This block is invalid|"
    r"Error validating: Invalid type definition|"
    r"Error validating \w+ \"[^\"]*\": This field declaration is invalid|"
    r"Field declarations don't require|"
    r"Fields are required by default|"
    r"To specify a list, please use|"
    r"Optional lists are not supported|"
    r"Unknown escape sequence|"
    r"Invalid unicode escape sequence|"
    r"Unexpected token\.|"
    r"Error validating: The name of a composite type is not persisted|"
    r"Error validating: An? (?:unique constraint|index|fulltext index) should be defined in the model containing|"
    r"Error validating: A composite type cannot|"
    r"Error validating: Defining `@\w+` attribute for a field in a composite type"
    r")"
)


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for suite in ("validation", "validation_inline"):
        manifest = CORPUS / "manifests" / f"{suite}.jsonl"
        if not manifest.exists():
            continue
        for line in manifest.read_text().splitlines():
            d = json.loads(line)
            out.append((suite, d["path"], d["expected_plain"]))
    return out


def _blocks(rendered: str) -> list[str]:
    return [b for b in re.split(r"(?m)^(?=error: |warning: )", rendered) if b]


CASES = _cases()
if not CASES:
    pytest.skip("conformance corpus not available", allow_module_level=True)


def _parser_blocks(suite: str, path: str) -> tuple[list[str], str]:
    source = (CORPUS / suite / path).read_bytes().decode("utf-8")
    _, diags = parse_files([("schema.prisma", source)])
    return _blocks(render_diagnostics(source, diags.all())), source


@pytest.mark.parametrize(("suite", "path", "expected"), CASES, ids=[f"{s}/{p}" for s, p, _ in CASES])
def test_parser_diagnostics_match_prisma(suite: str, path: str, expected: str) -> None:
    ours, _ = _parser_blocks(suite, path)
    wanted = [b for b in _blocks(expected) if PARSER_MESSAGES.match(b)]
    assert ours == wanted


def test_corpus_has_parser_error_cases() -> None:
    with_parser_errors = [c for c in CASES if any(PARSER_MESSAGES.match(b) for b in _blocks(c[2]))]
    assert len(with_parser_errors) >= 20
