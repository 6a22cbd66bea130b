"""``schemashift erd`` through the CLI: formats chosen by --format or the -o suffix, standard
output, and the errors (invalid schema, unknown suffix, unwritable file) with their exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from erd_schemas import MODELS, RELATIONS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(RELATIONS, encoding="utf-8")


def test_default_is_svg_on_standard_output(run_cli: Callable[..., object]) -> None:
    result = run_cli("erd")
    assert result.exit_code == 0, result.err  # type: ignore[attr-defined]
    root = ET.fromstring(result.out)  # type: ignore[attr-defined]
    names = {g.attrib["data-name"] for g in root.iter(f"{SVG}g") if "entity" in g.attrib.get("class", "")}
    assert set(MODELS) <= names
    assert "Prisma schema loaded from prisma/schema.prisma" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "file", "start"),
    [
        (["-o", "erd.html"], "erd.html", "<!DOCTYPE html>"),
        (["-o", "erd.svg"], "erd.svg", "<svg "),
        (["-o", "erd.mmd"], "erd.mmd", "erDiagram\n"),
        (["-o", "erd.gv"], "erd.gv", "digraph erd {\n"),
        (["--format", "mermaid", "-o", "diagram.txt"], "diagram.txt", "erDiagram\n"),
        (["--format", "dot", "-o", "out.svg"], "out.svg", "digraph erd {\n"),
    ],
)
def test_format_from_option_or_suffix(run_cli: Callable[..., object], args: list[str], file: str, start: str) -> None:
    result = run_cli("erd", *args)
    assert result.exit_code == 0, result.err  # type: ignore[attr-defined]
    assert result.out == ""  # type: ignore[attr-defined]
    assert Path(file).read_text(encoding="utf-8").startswith(start)
    assert f"Wrote the diagram of {len(MODELS)} models to {file}" in result.err  # type: ignore[attr-defined]


def test_schema_option_and_mermaid_on_standard_output(run_cli: Callable[..., object], tmp_path: Path) -> None:
    other = tmp_path / "other.prisma"
    other.write_text('datasource db {\n  provider = "sqlite"\n}\n\nmodel Solo {\n  id Int @id\n}\n', encoding="utf-8")
    result = run_cli("erd", "--schema", str(other), "--format", "mermaid")
    assert result.exit_code == 0, result.err  # type: ignore[attr-defined]
    assert result.out == "erDiagram\n    Solo {\n        Int id PK\n    }\n"  # type: ignore[attr-defined]


def test_unknown_suffix_is_a_usage_error(run_cli: Callable[..., object]) -> None:
    result = run_cli("erd", "-o", "erd.png")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "Cannot tell the format from the file name 'erd.png'" in result.err  # type: ignore[attr-defined]
    assert not Path("erd.png").exists()


def test_invalid_schema_is_p1012_and_writes_nothing(run_cli: Callable[..., object]) -> None:
    Path("prisma/schema.prisma").write_text(RELATIONS.replace("posts Post[]\n}", "posts Pots[]\n}"), encoding="utf-8")
    result = run_cli("erd", "-o", "erd.svg")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "P1012" in result.err and "Pots" in result.err  # type: ignore[attr-defined]
    assert "Traceback" not in result.err  # type: ignore[attr-defined]
    assert not Path("erd.svg").exists()


def test_unwritable_output_names_the_file(run_cli: Callable[..., object]) -> None:
    Path("taken").mkdir()
    result = run_cli("erd", "--format", "svg", "-o", "taken")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "taken" in result.err and "Traceback" not in result.err  # type: ignore[attr-defined]
