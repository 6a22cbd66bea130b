"""The ``schemashift`` entry point: version, help, lazy commands, errors and exit codes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from schemashift import __version__
from schemashift.cli import COMMANDS
from schemashift.errors import EXIT_INTERNAL, SchemashiftError

EXE = Path(sys.executable).with_name("schemashift")


@click.command()
@click.option("--kind", type=click.Choice(["user", "bug", "secret", "exit3"]))
def boom(kind: str) -> int | None:
    if kind == "user":
        raise SchemashiftError("the database is on fire", exit_code=4)
    if kind == "secret":
        raise SchemashiftError("cannot reach postgresql://admin:hunter2@db.example:5432/app")
    if kind == "exit3":
        return 3
    raise ZeroDivisionError("division by zero at postgresql://u:hunter2@h/db")


@pytest.fixture
def with_boom(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "boom", (f"{__name__}:boom", "A command that fails"))


def test_version(run_cli: Callable) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.out == f"schemashift {__version__}\n"


def test_help_lists_registered_commands(run_cli: Callable) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for name, (_, short_help) in COMMANDS.items():
        assert f"{name} " in result.out and short_help in result.out


def test_help_does_not_import_command_modules() -> None:
    code = (
        "import sys; from schemashift.cli import run; run(['--help']);"
        "print(sorted(m for m in sys.modules if m.startswith(('schemashift.commands.', 'schemashift.psl'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_no_arguments_show_help(run_cli: Callable) -> None:
    result = run_cli()
    assert result.exit_code == 0
    assert result.out.startswith("Usage: schemashift [OPTIONS] COMMAND [ARGS]...")


def test_unknown_command_is_a_usage_error(run_cli: Callable) -> None:
    result = run_cli("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.err


def test_schemashift_error_prints_message_and_its_exit_code(run_cli: Callable, with_boom: None) -> None:
    result = run_cli("boom", "--kind", "user")
    assert result.exit_code == 4
    assert result.err == "Error: the database is on fire\n"
    assert result.out == ""


def test_command_return_value_is_the_exit_code(run_cli: Callable, with_boom: None) -> None:
    assert run_cli("boom", "--kind", "exit3").exit_code == 3


def test_passwords_never_printed(run_cli: Callable, with_boom: None) -> None:
    result = run_cli("boom", "--kind", "secret")
    assert result.exit_code == 1
    assert "hunter2" not in result.err
    assert "postgresql://admin:****@db.example:5432/app" in result.err


def test_unexpected_exception_is_short_and_exits_70(
    run_cli: Callable, with_boom: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHEMASHIFT_DEBUG", raising=False)
    result = run_cli("boom", "--kind", "bug")
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback" not in result.err
    assert "internal error (ZeroDivisionError" in result.err
    assert "SCHEMASHIFT_DEBUG=1" in result.err
    assert "hunter2" not in result.err


def test_debug_shows_traceback(run_cli: Callable, with_boom: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMASHIFT_DEBUG", "1")
    result = run_cli("boom", "--kind", "bug")
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback (most recent call last)" in result.err
    assert "hunter2" not in result.err


@pytest.mark.skipif(not EXE.exists(), reason="the schemashift console script is not installed in this environment")
def test_installed_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run([str(EXE), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: Could not find Prisma Schema")
    assert "prisma/schema.prisma: file not found" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_registered_command_loads(run_cli: Callable, name: str) -> None:
    result = run_cli(name, "--help")
    assert result.exit_code == 0, result.err
    assert result.out.startswith(f"Usage: schemashift {name} ")
