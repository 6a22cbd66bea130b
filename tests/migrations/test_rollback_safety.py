"""`migrate rollback` checks what its down scripts lose before it runs them, on every database.

The down scripts (generated or hand-written) run first on a shadow database holding the replayed
history; the difference is counted on the live data. Without a terminal a loss is refused unless
`--accept-data-loss`; at one, the `UI` asks. A down script that fails on the shadow database stops
the rollback before the live database is touched; without a shadow database the loss cannot be
counted and `--accept-data-loss` is required.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from schemashift.backup import read_manifest
from schemashift.connectors import connect
from schemashift.migrations.history import list_tables

V1 = """
model User {
  id    Int    @id
  email String
}
"""

V2 = V1 + """
model Post {
  id    Int    @id
  title String
}
"""


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def write_schema(project: Path, provider: str, models: str, shadow: str | None = None) -> None:
    extra = f'  shadowDatabaseUrl = "{shadow}"\n' if shadow else ""
    (project / "prisma/schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n{extra}}}\n{models}'
    )


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    return tmp_path


def newest(project: Path) -> str:
    return sorted(p.name for p in (project / "prisma/migrations").iterdir() if p.is_dir())[-1]


def two_migrations_with_posts(project: Path, provider: str, db_url: str, run_cli, posts: int = 3) -> str:
    """init (User) and posts (Post), ``posts`` rows in Post; returns the name of the second."""
    write_schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    write_schema(project, provider, V2)
    r = run_cli("migrate", "dev", "--name", "posts")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        for i in range(posts):
            conn.execute(f"INSERT INTO {q(provider, 'Post')} (id, title) VALUES (%s, %s)", (i, f"t{i}"))
    return newest(project)


def tables(db_url: str) -> list[str]:
    with connect(db_url) as conn:
        return [t for t in list_tables(conn) if t != "_prisma_migrations"]


def count(db_url: str, provider: str, table: str) -> int:
    with connect(db_url) as conn:
        row = conn.query_one(f"SELECT COUNT(*) FROM {q(provider, table)}")
    assert row is not None
    return int(row[0])


DROP_POSTS = "You are about to drop the `Post` table, which is not empty (3 rows)."


def test_rollback_counts_the_loss_and_refuses_it_without_a_terminal(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    posts = two_migrations_with_posts(project, provider, db_url, run_cli)

    r = run_cli("migrate", "rollback")
    assert r.exit_code == 1, r.out
    assert DROP_POSTS in r.err and "non-interactive" in r.err and "--accept-data-loss" in r.err
    assert count(db_url, provider, "Post") == 3
    assert run_cli("migrate", "status").exit_code == 0  # still applied

    r = run_cli("migrate", "rollback", "--dry-run")
    assert r.exit_code == 0, r.err
    assert f"-- Rollback of {posts} (down.sql)" in r.out and "DROP TABLE" in r.out and DROP_POSTS in r.out
    assert count(db_url, provider, "Post") == 3

    r = run_cli("migrate", "rollback", "--accept-data-loss", "--backup", str(project / "bk"))
    assert r.exit_code == 0, r.err
    assert DROP_POSTS in r.out and posts in r.out
    (entry,) = read_manifest(project / "bk")
    # taken before the first statement: the database was still at the rolled-back migration
    assert entry.migration == posts and "before_rollback" in entry.file
    assert f"Backup written: {project / 'bk' / entry.file}" in r.out
    assert tables(db_url) == ["User"]

    # an empty table loses nothing: no warning, no flag needed
    assert run_cli("migrate", "deploy").exit_code == 0
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 0, r.err
    assert "Warnings" not in r.out and tables(db_url) == ["User"]


def test_rollback_asks_at_a_terminal(
    project: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal side (commands/ui.py ClickUI) with the answer typed in."""
    import click

    from schemashift.commands import ui

    posts = two_migrations_with_posts(project, provider, db_url, run_cli)
    monkeypatch.setattr(ui, "is_interactive", lambda: True)
    asked: list[str] = []

    def answer(value: bool):  # type: ignore[no-untyped-def]
        def confirm(question: str, default: bool = False) -> bool:
            asked.append(question)
            return value

        return confirm

    monkeypatch.setattr(click, "confirm", answer(False))
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 130 and "cancelled" in r.err
    assert len(asked) == 1 and "roll back" in asked[0] and DROP_POSTS in r.out
    assert count(db_url, provider, "Post") == 3  # declined: nothing changed

    monkeypatch.setattr(click, "confirm", answer(True))
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 0, r.err
    assert len(asked) == 2 and posts in r.out and tables(db_url) == ["User"]


def hand_written(project: Path, provider: str, run_cli, name: str, up: str, down: str) -> str:
    """A --create-only migration with hand-written SQL and a hand-written down.sql."""
    r = run_cli("migrate", "dev", "--create-only", "--name", name)
    assert r.exit_code == 0, r.err
    folder = project / "prisma/migrations" / newest(project)
    (folder / "migration.sql").write_text(up)
    (folder / "down.sql").write_text(down)
    return folder.name


def test_a_hand_written_down_script_is_checked_on_the_shadow_database(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    write_schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    u, nick = q(provider, "User"), q(provider, "nickname")
    with connect(db_url) as conn:
        for i in range(4):
            conn.execute(f"INSERT INTO {u} (id, email) VALUES (%s, %s)", (i, f"u{i}@x"))
    name = hand_written(
        project, provider, run_cli, "nickname",
        f"ALTER TABLE {u} ADD COLUMN {nick} VARCHAR(20);\nUPDATE {u} SET {nick} = 'n' WHERE id < 3;\n",
        f"ALTER TABLE {u} DROP COLUMN {nick};\n",
    )
    assert run_cli("migrate", "deploy").exit_code == 0
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 1
    assert "drop the column `nickname` on the `User` table, which still contains 3 non-null values" in r.err, r.err
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        assert conn.query_one(f"SELECT COUNT(*) FROM {u}") == (4,)
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and name in r.out


def test_a_down_script_failing_on_the_shadow_database_never_touches_the_live_one(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    """On MySQL the live run would have committed the first statement before the second failed."""
    write_schema(project, provider, V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    u, a, b = q(provider, "User"), q(provider, "a"), q(provider, "b")
    name = hand_written(
        project, provider, run_cli, "two_columns",
        f"ALTER TABLE {u} ADD COLUMN {a} INTEGER;\nALTER TABLE {u} ADD COLUMN {b} INTEGER;\n",
        f"ALTER TABLE {u} DROP COLUMN {a};\nALTER TABLE {u} DROP COLUMN {q(provider, 'nope')};\n",
    )
    assert run_cli("migrate", "deploy").exit_code == 0
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 1
    assert f"The down.sql of `{name}` failed on the shadow database" in r.err and "not touched" in r.err, r.err
    assert "Traceback" not in r.err
    with connect(db_url) as conn:
        conn.query(f"SELECT {a}, {b} FROM {u}")  # both columns still there
    assert run_cli("migrate", "status").exit_code == 0  # still applied


def test_without_a_shadow_database_the_loss_must_be_accepted(
    project: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_migrations_with_posts(project, provider, db_url, run_cli)
    # a shadowDatabaseUrl that cannot be opened: the shadow database is what is missing
    missing = {
        "sqlite": "file:/nonexistent-dir/shadow.db",
        "postgresql": "postgresql://postgres:Shadow-s3cret@127.0.0.1:5432/schemashift_no_such_shadow",
        "mysql": "mysql://root:Shadow-s3cret@127.0.0.1:3306/schemashift_no_such_shadow",
    }[provider]
    write_schema(project, provider, V2, shadow=missing)

    r = run_cli("migrate", "rollback")
    assert r.exit_code == 1
    assert "could not be counted" in r.err and "shadow database" in r.err and "--accept-data-loss" in r.err
    assert "Shadow-s3cret" not in r.err + r.out
    # the end state of the remaining history is in the shadow cache (migrate dev put it there):
    # the pure check still says what the rollback can lose
    assert "You are about to drop the `Post` table. If the table is not empty" in r.err, r.err
    shutil.rmtree(project / ".schemashift")
    from schemashift.migrations import dev

    monkeypatch.setattr(dev, "_END_STATES", {})  # the per-process memo (run_cli runs in this process)
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 1 and "could not be counted" in r.err and "--dry-run" in r.err, r.err
    assert count(db_url, provider, "Post") == 3

    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 0, r.err
    assert "could not be counted" in r.out and tables(db_url) == ["User"]


def test_without_createdb_privilege(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """A PostgreSQL role that may not create databases: no shadow database (P3014), said so."""
    import uuid

    from schemashift.connectors import parse_url

    role = f"schemashift_nocreatedb_{uuid.uuid4().hex[:8]}"
    main = parse_url(postgres_url)
    with connect(postgres_url) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
        admin.execute(f'ALTER DATABASE "{main.database}" OWNER TO "{role}"')
        admin.execute(f'ALTER SCHEMA public OWNER TO "{role}"')
    try:
        as_role = postgres_url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)
        assert as_role != postgres_url
        (tmp_path / "prisma").mkdir()
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("DATABASE_URL", as_role)
        monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
        write_schema(tmp_path, "postgresql", V1)
        # the first history: replayed through a shadow database the role cannot create either,
        # so run it as deploy does (no shadow database needed)
        init = tmp_path / "prisma/migrations/20260101000000_init"
        init.mkdir(parents=True)
        (init / "migration.sql").write_text('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY);\n')
        (init / "down.sql").write_text('DROP TABLE "User";\n')
        (tmp_path / "prisma/migrations/migration_lock.toml").write_text('provider = "postgresql"\n')
        assert run_cli("migrate", "deploy").exit_code == 0
        with connect(as_role) as conn:
            conn.execute('INSERT INTO "User" (id) VALUES (1), (2)')
        r = run_cli("migrate", "rollback")
        assert r.exit_code == 1
        assert "no shadow database could be created" in r.err and "permission to create databases" in r.err, r.err
        assert "--accept-data-loss" in r.err
        # nothing to replay for the remaining (empty) history: the pure check still applies
        assert "You are about to drop the `User` table" in r.err
        r = run_cli("migrate", "rollback", "--accept-data-loss")
        assert r.exit_code == 0, r.err
        assert tables(as_role) == []
    finally:
        with connect(postgres_url) as admin:
            admin.execute(f'ALTER DATABASE "{main.database}" OWNER TO postgres')
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')
