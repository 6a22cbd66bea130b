"""Shared helpers for the oracle comparisons: run a SQL script in a database and pull it."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def header(provider: str) -> str:
    return (
        'generator client {\n  provider = "prisma-client-js"\n}\n\n'
        f'datasource db {{\n  provider = "{provider}"\n}}\n'
    )


def scripts(provider: str) -> list[Path]:
    return sorted((HERE / "sql" / provider).glob("*.sql"))


def pull_script(url: str, provider: str, script: Path) -> tuple[str, str]:
    """(schema text, commented warnings) of our `db pull --print` on a database made by ``script``."""
    from schemashift.connectors import connect
    from schemashift.introspect import pull

    with connect(url) as conn:
        if provider == "postgres":
            conn.execute_script(script.read_text())
        else:
            import sqlite3

            assert conn.url.path is not None
            raw = sqlite3.connect(conn.url.path)
            raw.executescript(script.read_text())
            raw.close()
        result = pull(conn, [("schema.prisma", header("postgresql" if provider == "postgres" else "sqlite"))])
    warnings = result.warnings.render_commented() if result.warnings else ""
    return result.text, warnings
