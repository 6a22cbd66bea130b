"""Regenerate the oracle fixtures: ``prisma7 pull`` (Prisma 7.10.1) of each hand-written SQL script.

Run once by hand (it needs the oracle and the servers; the tests only read its output):

    .venv/bin/python tests/introspect/make_expected.py [postgres|sqlite] [name ...]

For each ``sql/<provider>/<name>.sql`` it creates a fresh database, runs the script, runs
``prisma7 pull`` with :func:`oracle_cases.header` and stores stdout as ``expected/<provider>/<name>.prisma``
(trailing blank lines trimmed to one newline) and the warnings (stderr, ``// `` lines) as
``expected/<provider>/<name>.warnings``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from oracle_cases import header, scripts  # this folder: the script runs as tests/introspect/make_expected.py

HERE = Path(__file__).parent
ORACLE = Path(os.environ.get("PRISMA_ORACLE", "/work/shared/oracle")) / "prisma7"
ADMIN = os.environ.get("PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def run_one(provider: str, script: Path) -> str:
    import psycopg

    name = script.stem
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "schema.prisma"
        schema.write_text(header("postgresql" if provider == "postgres" else "sqlite"))
        if provider == "postgres":
            db = f"pull_fx_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(ADMIN, autocommit=True) as c:
                c.execute(f'CREATE DATABASE "{db}"')
            url = ADMIN.rsplit("/", 1)[0] + "/" + db
            try:
                with psycopg.connect(url, autocommit=True) as c:
                    c.execute(script.read_text())
                out = subprocess.run(
                    [str(ORACLE), "pull", str(schema)], env={**os.environ, "DATABASE_URL": url},
                    capture_output=True, text=True,
                )
            finally:
                with psycopg.connect(ADMIN, autocommit=True) as c:
                    c.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
        else:
            import sqlite3

            path = Path(tmp) / "dev.db"
            con = sqlite3.connect(path)
            con.executescript(script.read_text())
            con.close()
            out = subprocess.run(
                [str(ORACLE), "pull", str(schema)], env={**os.environ, "DATABASE_URL": f"file:{path}"},
                capture_output=True, text=True,
            )
    target = HERE / "expected" / provider
    if out.returncode != 0:
        (target / f"{name}.error").write_text(out.stderr)
        return f"{name}: exit {out.returncode}"
    (target / f"{name}.prisma").write_text(out.stdout.rstrip("\n") + "\n")
    warnings = "".join(line + "\n" for line in out.stderr.splitlines() if line.startswith("//"))
    (target / f"{name}.warnings").write_text(warnings)
    return f"{name}: ok"


def main(argv: list[str]) -> None:
    providers = [argv[0]] if argv else ["postgres", "sqlite"]
    only = set(argv[1:])
    jobs = [
        (p, s) for p in providers for s in scripts(p) if not only or s.stem in only
    ]
    with ThreadPoolExecutor(6) as pool:
        for line in pool.map(lambda j: run_one(*j), jobs):
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
