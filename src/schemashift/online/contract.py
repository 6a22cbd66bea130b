"""The markers of multi-step plans in migration files (docs/online.md, "Multi-step plans").

``-- schemashift:contract``
    A line of the comment block at the top of ``migration.sql`` (after ``-- schemashift:transaction
    off`` when the script has it, which must stay the first line): the migration removes what the
    previous version of the application still uses (an old column, the trigger keeping it in
    step, a NOT NULL the old version's inserts would break). ``migrate deploy`` applies pending
    migrations up to it and stops there, unless ``--contract`` is given; ``migrate status`` lists
    it as a pending contract. To Prisma it is a comment: ``prisma migrate deploy`` applies it at once.

``SCHEMASHIFT_FILL_IN``
    The placeholder a backfill's ``UPDATE`` has where schemashift does not know the value existing
    rows get (a required column without default). It is an unquoted identifier that names no
    column, so the statement fails on every database, Prisma's deploy included; schemashift's
    deploy refuses the migration before running anything, naming the file and line.
"""

from __future__ import annotations

import re

from schemashift.migrations.errors import MigrationError

CONTRACT_DIRECTIVE = "-- schemashift:contract"
_CONTRACT = re.compile(r"--[ \t]*schemashift:contract\b", re.I)
PLACEHOLDER = "SCHEMASHIFT_FILL_IN"
_PLACEHOLDER = re.compile(rf"\b{PLACEHOLDER}\b", re.I)


def is_contract(script: str) -> bool:
    """Whether the comment block at the top of ``script`` has the contract directive."""
    for line in script.splitlines():
        text = line.strip()
        if not text:
            continue
        if not text.startswith("--"):
            return False
        if _CONTRACT.match(text):
            return True
    return False


def mark_contract(script: str) -> str:
    """``script`` with the contract directive at the top (after ``transaction off``, which must
    stay the first line)."""
    first, newline, rest = script.partition("\n")
    if re.match(r"\s*--\s*schemashift:transaction\s+off\b", first, re.I):
        return f"{first}{newline}{CONTRACT_DIRECTIVE}\n{rest}"
    return f"{CONTRACT_DIRECTIVE}\n{script}"


def placeholder_lines(script: str) -> list[int]:
    """1-based lines where the placeholder is in SQL (not in a ``--`` comment)."""
    found = []
    for number, line in enumerate(script.splitlines(), 1):
        code = line.split("--", 1)[0]
        if _PLACEHOLDER.search(code):
            found.append(number)
    return found


def check_placeholders(migrations: list[tuple[str, str]]) -> None:
    """Refuse (exit 1, nothing run) when a migration about to run still has the placeholder.
    ``migrations``: (name, script) pairs."""
    problems = [
        f"- {name}/migration.sql line {line}"
        for name, script in migrations
        for line in placeholder_lines(script)
    ]
    if problems:
        raise MigrationError(
            f"{PLACEHOLDER} in these migrations stands for the value existing rows get in a new "
            "required column, which schemashift cannot know:\n"
            + "\n".join(problems)
            + f"\nReplace it with a value or an expression (a constant, another column...), then run "
            "the command again. Nothing was applied."
        )
