"""``schemashift validate`` and ``schemashift format`` through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

HEADER = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
"""

USER = """
model User {
  id        String   @id @default(cuid())
  email     String   @unique
  firstName String?
  createdAt DateTime @default(now())
}
"""


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "prisma").mkdir()
    (tmp_path / ".env").write_text('DATABASE_URL="postgresql://app:s3cr3t@localhost:5432/app"\n')


def _schema(tmp_path: Path, text: str, name: str = "prisma/schema.prisma") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_valid_schema(run_cli: Callable, tmp_path: Path) -> None:
    _schema(tmp_path, HEADER + USER)
    result = run_cli("validate")
    assert result.exit_code == 0, result.err
    assert result.out == "The schema at prisma/schema.prisma is valid 🚀\n"
    assert result.err == "Environment variables loaded from .env\nPrisma schema loaded from prisma/schema.prisma\n"


def test_syntax_error_is_rendered_with_its_line(run_cli: Callable, tmp_path: Path) -> None:
    _schema(tmp_path, HEADER + USER.replace("  email     String   @unique\n", "  email     String   @unique\n  oops!\n"))
    result = run_cli("validate")
    assert result.exit_code == 1
    assert result.out == ""
    assert result.err.count("Error: Prisma schema validation\nError code: P1012\nerror: ") == 1
    assert "  -->  prisma/schema.prisma:9\n" in result.err
    assert " 9 |   oops!" in result.err
    assert "\x1b[" not in result.err  # no colour when not on a terminal
    assert "Traceback" not in result.err


def test_colour_on_a_terminal(run_cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import schemashift.cli

    monkeypatch.setattr(schemashift.cli, "stderr_color", lambda: True)
    _schema(tmp_path, HEADER + USER.replace("String?", "Strin?"))
    result = run_cli("validate")
    assert result.exit_code == 1
    assert "\x1b[1;31mError\x1b[0m: Prisma schema validation" in result.err
    assert "\x1b[1;91merror\x1b[0m: " in result.err


def test_missing_env_var(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".env").unlink()
    _schema(tmp_path, HEADER + USER)
    result = run_cli("validate")
    assert result.exit_code == 1
    assert "error: Environment variable not found: DATABASE_URL." in result.err
    assert "  -->  prisma/schema.prisma:3" in result.err


def test_env_from_schema_folder(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".env").unlink()
    (tmp_path / "prisma" / ".env").write_text("DATABASE_URL=postgresql://localhost/app\n")
    _schema(tmp_path, HEADER + USER)
    assert run_cli("validate").exit_code == 0


def test_url_never_printed(run_cli: Callable, tmp_path: Path) -> None:
    _schema(tmp_path, HEADER.replace("postgresql", "mysql", 1) + USER)
    result = run_cli("validate")
    assert result.exit_code == 1
    assert "the URL must start with the protocol `mysql://`." in result.err
    assert "s3cr3t" not in result.out + result.err


def test_explicit_schema_and_multi_file_folder(run_cli: Callable, tmp_path: Path) -> None:
    _schema(tmp_path, HEADER, "db/schema/base.prisma")
    _schema(tmp_path, USER.replace("firstName String?", "firstName String? ]"), "db/schema/user.prisma")
    result = run_cli("validate", "--schema", "db/schema")
    assert result.exit_code == 1
    assert "  -->  db/schema/user.prisma:5" in result.err
    _schema(tmp_path, USER, "db/schema/user.prisma")
    result = run_cli("validate", "--schema", "db/schema")
    assert result.exit_code == 0, result.err
    assert result.out == "The schema at db/schema is valid 🚀\n"


def test_no_schema_found(run_cli: Callable) -> None:
    result = run_cli("validate")
    assert result.exit_code == 1
    assert result.err.startswith("Error: Could not find Prisma Schema that is required for this command.")


def test_init_then_validate(run_cli: Callable, tmp_path: Path) -> None:
    (tmp_path / ".env").unlink()
    (tmp_path / "prisma").rmdir()
    assert run_cli("init", "--datasource-provider", "sqlite").exit_code == 0
    result = run_cli("validate")
    assert result.exit_code == 0, result.err


def test_warnings_are_printed_and_do_not_fail(run_cli: Callable, tmp_path: Path) -> None:
    _schema(
        tmp_path,
        HEADER.replace("}\n", '  relationMode = "prisma"\n}\n')
        + """
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}

model User {
  id    Int    @id
  posts Post[]
}
""",
    )
    result = run_cli("validate")
    assert result.exit_code == 0, result.err
    assert "warning: With `relationMode = \"prisma\"`, no foreign keys are used" in result.err
    assert "  -->  prisma/schema.prisma:10" in result.err
    assert result.out == "The schema at prisma/schema.prisma is valid 🚀\n"


# ---------------------------------------------------------------- format

UNFORMATTED = HEADER + """
model User {
  id String @id @default(cuid())
  email    String @unique
  createdAt DateTime @default(now())
}
"""


def test_format_check_then_format(run_cli: Callable, tmp_path: Path) -> None:
    from schemashift.psl import format as format_text

    path = _schema(tmp_path, UNFORMATTED)
    result = run_cli("format", "--check")
    assert result.exit_code == 1
    assert "Error: There are unformatted files. Run `schemashift format` to format them." in result.err
    assert "  prisma/schema.prisma" in result.err
    assert path.read_text() == UNFORMATTED

    result = run_cli("format")
    assert result.exit_code == 0, result.err
    assert result.out.startswith("Formatted prisma/schema.prisma in ") and result.out.endswith(" 🚀\n")
    assert path.read_text() == format_text(UNFORMATTED) != UNFORMATTED
    assert "  id        String   @id @default(cuid())" in path.read_text()

    result = run_cli("format", "--check")
    assert result.exit_code == 0, result.err
    assert result.out == "All files are formatted correctly!\n"


def test_format_refuses_invalid_schema(run_cli: Callable, tmp_path: Path) -> None:
    text = UNFORMATTED.replace("DateTime", "DateTim")
    path = _schema(tmp_path, text)
    result = run_cli("format")
    assert result.exit_code == 1
    assert "Error: Prisma schema validation" in result.err
    assert "DateTim" in result.err
    assert path.read_text() == text


def test_format_multi_file_writes_only_changed_files(run_cli: Callable, tmp_path: Path) -> None:
    from schemashift.psl import format_files

    base = _schema(tmp_path, HEADER, "prisma/schema/base.prisma")
    user = _schema(tmp_path, UNFORMATTED.removeprefix(HEADER), "prisma/schema/user.prisma")
    formatted = dict(format_files([("b", HEADER), ("u", user.read_text())]))
    base.write_text(formatted["b"])
    before = base.stat().st_mtime_ns
    result = run_cli("format")
    assert result.exit_code == 0, result.err
    assert result.out.startswith("Formatted prisma/schema in ")
    assert user.read_text() == formatted["u"]
    assert base.stat().st_mtime_ns == before
