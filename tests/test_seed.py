"""``db seed``: where the command comes from (prisma.config.ts > pyproject.toml > package.json >
prisma/seed.py), the interpreter it runs with, ``db seed -- ARGS``, and failures."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SCHEMA = 'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n'

# a seed that records how it was run: which script, which interpreter, which arguments
RECORDER = """\
import json, sys
from pathlib import Path
Path("ran.json").write_text(json.dumps({"script": NAME, "python": sys.executable, "args": sys.argv[1:]}))
"""


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA)
    for name in ("seed.py", "other.py", "pkg.py", "config.py"):
        (tmp_path / "prisma" / name).write_text(RECORDER.replace("NAME", repr(name)))
    return tmp_path


def _ran(project: Path) -> dict[str, object]:
    return dict(json.loads((project / "ran.json").read_text()))


def test_default_seed_py_with_this_interpreter(run_cli: Callable, project: Path) -> None:
    result = run_cli("db", "seed")
    assert result.exit_code == 0, result.err
    assert "Running seed command `python prisma/seed.py` ..." in result.out
    assert "The seed command has been executed." in result.out
    assert _ran(project) == {"script": "seed.py", "python": sys.executable, "args": []}


def test_arguments_after_double_dash_are_passed_on(run_cli: Callable, project: Path) -> None:
    result = run_cli("db", "seed", "--", "--environment", "dev", "two words")
    assert result.exit_code == 0, result.err
    assert _ran(project)["args"] == ["--environment", "dev", "two words"]
    assert "Running seed command `python prisma/seed.py --environment dev 'two words'` ..." in result.out


def test_unknown_option_without_double_dash_is_a_usage_error(run_cli: Callable) -> None:
    assert run_cli("db", "seed", "--environment").exit_code == 2


def test_package_json_seed_is_read(run_cli: Callable, project: Path) -> None:
    (project / "package.json").write_text(json.dumps({"name": "x", "prisma": {"seed": "python prisma/pkg.py --from-pkg"}}))
    result = run_cli("db", "seed", "--", "more")
    assert result.exit_code == 0, result.err
    # `python` is the interpreter running schemashift (pipx / uv tool installs: the tool's own)
    assert _ran(project) == {"script": "pkg.py", "python": sys.executable, "args": ["--from-pkg", "more"]}


def test_pyproject_wins_over_package_json(run_cli: Callable, project: Path) -> None:
    (project / "package.json").write_text(json.dumps({"prisma": {"seed": "python prisma/pkg.py"}}))
    (project / "pyproject.toml").write_text('[tool.schemashift]\nseed = "prisma/other.py"\n')
    assert run_cli("db", "seed").exit_code == 0
    assert _ran(project)["script"] == "other.py"


def test_prisma_config_wins_and_hides_package_json(run_cli: Callable, project: Path) -> None:
    (project / "package.json").write_text(json.dumps({"prisma": {"seed": "python prisma/pkg.py"}}))
    (project / "prisma.config.ts").write_text(
        'export default { schema: "prisma/schema.prisma", migrations: { seed: "python3 prisma/config.py" } }\n'
    )
    assert run_cli("db", "seed").exit_code == 0
    assert _ran(project) == {"script": "config.py", "python": sys.executable, "args": []}
    # a config without a seed: package.json is still not read (as Prisma once a config file exists)
    (project / "prisma.config.ts").write_text('export default { schema: "prisma/schema.prisma" }\n')
    assert run_cli("db", "seed").exit_code == 0
    assert _ran(project)["script"] == "seed.py"


@pytest.mark.parametrize(
    ("package_json", "message"),
    [
        ("{not json", "package.json is not valid JSON (line 1, column 2)"),
        ('{"prisma": {"seed": ["python", "x.py"]}}', "in package.json must be a string"),
        ('{"prisma": {"seed": "python \'unclosed"}}', "The seed command in package.json cannot be read"),
    ],
)
def test_bad_package_json(run_cli: Callable, project: Path, package_json: str, message: str) -> None:
    (project / "package.json").write_text(package_json)
    result = run_cli("db", "seed")
    assert result.exit_code == 1
    assert message in result.err
    assert "Traceback" not in result.err


def test_failing_seed_is_not_reported_as_executed(run_cli: Callable, project: Path) -> None:
    (project / "prisma" / "seed.py").write_text("import sys\nsys.exit('nothing to seed')\n")
    result = run_cli("db", "seed")
    assert result.exit_code == 1
    assert "has been executed" not in result.out
    assert "Command failed with exit code 1: python prisma/seed.py" in result.err


def test_no_seed(run_cli: Callable, project: Path) -> None:
    (project / "prisma" / "seed.py").unlink()
    result = run_cli("db", "seed")
    assert result.exit_code == 1
    assert "No seed command configured" in result.err


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell syntax")
def test_shell_syntax_runs_through_the_shell(run_cli: Callable, project: Path) -> None:
    """Prisma hands the command to a shell: `&&`, redirections and variables work as there."""
    seed = 'python prisma/pkg.py "a b" && echo "$SEED_WORD" > second.txt'
    (project / "package.json").write_text(json.dumps({"prisma": {"seed": seed}}))
    os.environ["SEED_WORD"] = "second"
    try:
        result = run_cli("db", "seed", "--", "--tail")
    finally:
        del os.environ["SEED_WORD"]
    assert result.exit_code == 0, result.err
    assert f"Running seed command `{seed} --tail` ..." in result.out
    assert _ran(project) == {"script": "pkg.py", "python": sys.executable, "args": ["a b"]}
    assert (project / "second.txt").read_text() == "second --tail\n"  # ARGS go at the end, as in Prisma


def test_quoted_shell_characters_are_text(run_cli: Callable, project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.schemashift]\nseed = \"python prisma/other.py '&&' 'a|b'\"\n")
    assert run_cli("db", "seed").exit_code == 0
    assert _ran(project)["args"] == ["&&", "a|b"]
