"""Fuzz tests of the PSL front end: mutated corpus schemas never make it raise.

Inputs are the schemas of Prisma's validation and reformat corpora (``/work/shared/conformance``;
the tests skip without it), mutated by hypothesis: characters deleted or duplicated, lines
swapped, random Unicode (or PSL punctuation) inserted, truncation. On every mutant:

- ``psl.validate`` returns diagnostics (each with a line number inside the file), never raises;
- ``psl.render`` of those diagnostics returns text;
- ``psl.format`` returns text, and that text validates (and renders) without a crash.

The default run keeps the example count modest; ``test_fuzz_slow`` (marker ``slow``, run by
``make test-slow``) runs many more, not derandomized.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemashift import psl
from schemashift.diagnostics import Diagnostic

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance"
DEFAULT_EXAMPLES = 150
SLOW_EXAMPLES = 20000


def _corpus_sources() -> list[str]:
    paths: list[Path] = []
    for suite in ("validation", "validation_inline"):
        manifest = CORPUS / "manifests" / f"{suite}.jsonl"
        if manifest.exists():
            for line in manifest.read_text(encoding="utf-8").splitlines():
                paths.append(CORPUS / suite / json.loads(line)["path"])
    reformat = CORPUS / "manifests" / "reformat.jsonl"
    if reformat.exists():
        for line in reformat.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if "input_dir" in case:
                paths.extend(CORPUS / case["input_dir"] / name for name in case.get("files", []))
            elif "input" in case:
                paths.append(CORPUS / case["input"])
    out = []
    for path in paths:
        try:
            out.append(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return out


SOURCES = _corpus_sources()
pytestmark = pytest.mark.skipif(not SOURCES, reason="conformance corpus not available")

# Characters that matter to the PSL grammar, besides arbitrary Unicode text.
_PUNCTUATION = [*'{}()[]@"\\=:,.?!/*\n\t ', "@@", "//", "///", "/*", "*/", "\\u", "model ", "enum ", "Int", "@id"]

_INSERTS = st.one_of(
    st.text(min_size=1, max_size=6),
    st.sampled_from(_PUNCTUATION),
    st.text(alphabet=st.characters(min_codepoint=0x80, exclude_categories=["Cs"]), min_size=1, max_size=3),
)


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A corpus schema with one to four random mutations applied in turn."""
    source = draw(st.sampled_from(SOURCES)) if SOURCES else ""
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap_lines", "insert", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=len(source)))
        if kind == "delete" and source:
            width = draw(st.integers(min_value=1, max_value=8))
            source = source[:at] + source[at + width :]
        elif kind == "duplicate" and source:
            width = draw(st.integers(min_value=1, max_value=8))
            source = source[:at] + source[at : at + width] + source[at:]
        elif kind == "swap_lines":
            lines = source.split("\n")
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            source = "\n".join(lines)
        elif kind == "insert":
            source = source[:at] + draw(_INSERTS) + source[at:]
        else:  # truncate
            source = source[:at]
    return source


def _check_validate(source: str) -> list[Diagnostic]:
    diagnostics = psl.validate(source)
    assert isinstance(diagnostics, list)
    lines = source.count("\n") + 1
    for d in diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.severity in ("error", "warning")
        assert 1 <= d.line <= lines, (d, lines)
        assert 0 <= d.span.start <= d.span.end <= len(source), d
    rendered = psl.render(source, diagnostics)
    assert isinstance(rendered, str)
    return diagnostics


def check_mutant(source: str) -> None:
    _check_validate(source)
    formatted = psl.format(source)
    assert isinstance(formatted, str)
    _check_validate(formatted)


def _settings(examples: int, derandomize: bool) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=derandomize,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


@_settings(DEFAULT_EXAMPLES, derandomize=True)
@given(source=mutants())
def test_fuzz_corpus_mutants(source: str) -> None:
    check_mutant(source)


@pytest.mark.slow
@_settings(SLOW_EXAMPLES, derandomize=False)
@given(source=mutants())
def test_fuzz_corpus_mutants_slow(source: str) -> None:
    check_mutant(source)


def test_corpus_sources_read() -> None:
    assert len(SOURCES) > 800  # the validation corpora and the reformat inputs
