"""Progress of long work: what the library tells a listener, and the CLI's line at a terminal.

The library side is checked with a recording listener on real databases (backup create and
restore count every byte of the file, deploy every migration); the terminal side runs the CLI
with its stderr on a pseudo-terminal, and without one (nothing drawn: CI logs stay clean).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from schemashift import progress
from schemashift.api import backup_create, deploy
from schemashift.backup import restore_backup
from schemashift.commands.progressbar import render
from schemashift.connectors import connect, parse_url


class Recorder(progress.Listener):
    def __init__(self) -> None:
        self.events: list[tuple[str, str, int, int | None, str]] = []

    def started(self, task: progress.Task) -> None:
        self.events.append(("start", task.what, task.done, task.total, task.detail))

    def advanced(self, task: progress.Task) -> None:
        self.events.append(("advance", task.what, task.done, task.total, task.detail))

    def finished(self, task: progress.Task) -> None:
        self.events.append(("finish", task.what, task.done, task.total, task.detail))

    def last(self, prefix: str) -> tuple[str, str, int, int | None, str]:
        return [e for e in self.events if e[1].startswith(prefix)][-1]


SCHEMA = """datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

model Item {{
  id   Int    @id
  body String
}}
"""


def _project(tmp_path: Path, provider: str, migrations: int, sleep: str = "") -> Path:
    (tmp_path / "prisma/migrations").mkdir(parents=True)
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA.format(provider=provider))
    (tmp_path / "prisma/migrations/migration_lock.toml").write_text(f'provider = "{provider}"\n')
    for i in range(1, migrations + 1):
        d = tmp_path / f"prisma/migrations/2024010100000{i}_m{i}"
        d.mkdir()
        body = 'CREATE TABLE "Item" ("id" INTEGER NOT NULL PRIMARY KEY, "body" TEXT NOT NULL);\n' if i == 1 else sleep
        if provider == "mysql":
            body = body.replace('"', "`").replace("TEXT", "VARCHAR(191)")
        d.joinpath("migration.sql").write_text(body or "-- nothing\n")
    return tmp_path


def _fill(url: str, provider: str, rows: int) -> None:
    with connect(parse_url(url)) as c:
        q = (lambda n: f'"{n}"') if provider != "mysql" else (lambda n: f"`{n}`")
        batch = ", ".join(f"({i}, '{'x' * 180}{i}')" for i in range(rows))
        c.execute(f"INSERT INTO {q('Item')} ({q('id')}, {q('body')}) VALUES {batch}")


def test_render_lines() -> None:
    assert render(progress.Task("Backing up `shop`", None, "bytes", done=3 << 20), 2.0) == (
        "Backing up `shop`: 3.0 MiB, 1.5 MiB/s"
    )
    assert render(progress.Task("Restoring f into `x`", 4 << 20, "bytes", done=1 << 20), 1.0) == (
        "Restoring f into `x`: 1.0 MiB of 4.0 MiB (25%), 1.0 MiB/s, ETA 0:03"
    )
    line = render(progress.Task("Applying migrations", 250, "migrations", done=10, detail="2024_init"), 5.0)
    assert line == "Applying migrations: 10 of 250 migrations (4%), 2.0 migrations/s, ETA 2:00, 2024_init"
    assert render(progress.Task("Applying migrations", 3, "migrations"), 0.0) == "Applying migrations: 0 of 3 migrations (0%)"
    # too wide for the terminal: the item's name goes first, then the task's; never the figures
    long = progress.Task("Applying migrations", 250, "migrations", done=10, detail="20240101000000_" + "x" * 60)
    wide = render(long, 5.0, 100)
    assert len(wide) == 100 and wide.startswith(
        "Applying migrations: 10 of 250 migrations (4%), 2.0 migrations/s, ETA 2:00, 20240101000000_xxx"
    ) and wide.endswith("x…")
    assert render(long, 5.0, 79) == "Applying migrations: 10 of 250 migrations (4%), 2.0 migrations/s, ETA 2:00"
    short = progress.Task("Restoring `" + "d" * 80 + "`", 4 << 20, "bytes", done=1 << 20)
    line = render(short, 1.0, 60)
    assert len(line) == 60 and line.endswith("…: 1.0 MiB of 4.0 MiB (25%), 1.0 MiB/s, ETA 0:03")


def test_library_reports_to_a_listener_only_when_asked(tmp_path: Path, provider: str, db_url: str) -> None:
    root = _project(tmp_path / "p", provider, 3)
    rec = Recorder()
    with progress.listening(rec):
        deploy(schema=root / "prisma/schema.prisma", url=db_url, cwd=root)
    assert rec.last("Applying migrations")[0] == "finish"
    assert rec.last("Applying migrations")[2:4] == (3, 3)
    steps = [e for e in rec.events if e[0] == "advance" and e[1] == "Applying migrations"]
    assert [e[4] for e in steps] == [f"2024010100000{i}_m{i}" for i in (1, 2, 3)]

    _fill(db_url, provider, 2000)
    with progress.listening(rec):
        info = backup_create(schema=root / "prisma/schema.prisma", url=db_url, cwd=root, directory=root / "b")
    kind, what, done, total, _ = rec.last("Backing up")
    assert kind == "finish" and what == f"Backing up `{parse_url(db_url).database}`"
    size = (root / "b" / info.file).stat().st_size
    if provider == "postgresql":
        assert done == size  # the dump's bytes, as written
    elif provider == "sqlite":
        assert done == total == size  # pages of the database
    else:
        assert done > size  # the dump's text, gzip-compressed into the file

    target = parse_url(db_url if provider == "sqlite" else db_url)
    if provider == "sqlite":
        target = parse_url(f"file:{tmp_path / 'restored.db'}")
    else:
        with connect(target) as c:
            c.reset()
    with progress.listening(rec):
        restore_backup(root / "b" / info.file, target)
    kind, what, done, total, _ = rec.last("Restoring")
    assert kind == "finish" and done == total
    if provider != "sqlite":
        assert total == size
    with connect(target) as c:
        assert c.query('SELECT COUNT(*) FROM "Item"' if provider != "mysql" else "SELECT COUNT(*) FROM `Item`")[0][0] == 2000

    # nobody listening: the same work reports to no one (the default)
    before = len(rec.events)
    backup_create(schema=root / "prisma/schema.prisma", url=db_url, cwd=root, directory=root / "b")
    assert len(rec.events) == before


def _run_on_pty(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """The CLI with stderr on a pseudo-terminal; (exit code, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "schemashift", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not data:
            break
        chunks.append(data)
    out = proc.stdout.read().decode() if proc.stdout else ""
    rc = proc.wait()
    os.close(master)
    return rc, out, b"".join(chunks).decode(errors="replace")


def _env(url: str, after: str = "0.5") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "DATABASE_URL": url, "TERM": "xterm", "SCHEMASHIFT_PROGRESS_AFTER": after,
            "PYTHONPATH": str(Path(__file__).parents[1] / "src")}


def test_deploy_draws_a_progress_line_at_a_terminal_only(tmp_path: Path, postgres_url: str) -> None:
    # migrations that take a while each (the line is drawn after half a second)
    root = _project(tmp_path, "postgresql", 6, sleep="SELECT pg_sleep(0.25);\n")
    rc, out, tty = _run_on_pty(["migrate", "deploy"], root, _env(postgres_url))
    assert rc == 0, tty
    assert "Applying migrations: " in tty and "of 6 migrations" in tty
    assert "6 of 6 migrations (100%)" in tty
    # the Applying lines on stdout are whole lines, exactly as without a terminal (Prisma's output)
    applied = [line for line in out.splitlines() if line.startswith("Applying migration")]
    assert applied == [f"Applying migration `2024010100000{i}_m{i}`" for i in range(1, 7)]

    # without a terminal (a CI log): nothing drawn, and the same with -q or TERM=dumb at one
    root2 = _project(tmp_path / "again", "postgresql", 6, sleep="SELECT pg_sleep(0.25);\n")
    with connect(parse_url(postgres_url)) as c:
        c.reset()
    done = subprocess.run([sys.executable, "-m", "schemashift", "migrate", "deploy"], cwd=root2,
                          env=_env(postgres_url), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Applying migrations:" not in done.stderr and "\x1b[2K" not in done.stderr
    with connect(parse_url(postgres_url)) as c:
        c.reset()
    rc, out, tty = _run_on_pty(["migrate", "deploy"], root2, {**_env(postgres_url), "TERM": "dumb"})
    assert rc == 0 and "Applying migrations:" not in tty


@pytest.mark.parametrize("command", ["create", "restore"])
def test_backup_draws_bytes_at_a_terminal(tmp_path: Path, postgres_url: str, command: str) -> None:
    root = _project(tmp_path, "postgresql", 1)
    deploy(schema=root / "prisma/schema.prisma", url=postgres_url, cwd=root)
    _fill(postgres_url, "postgresql", 20000)
    if command == "create":
        rc, out, tty = _run_on_pty(["backup", "create", "-o", "b"], root, _env(postgres_url, after="0"))
        assert rc == 0, tty
        assert "Backup written" in out
    else:
        info = backup_create(schema=root / "prisma/schema.prisma", url=postgres_url, cwd=root, directory=root / "b")
        rc, out, tty = _run_on_pty(["backup", "restore", f"b/{info.file}", "--force"], root, _env(postgres_url, after="0"))
        assert rc == 0, tty
        assert "Restored" in out
    lines = [line.replace("\x1b[2K", "") for line in tty.replace("\r", "\n").split("\n")]
    task = "Backing up" if command == "create" else "Restoring"
    drawn = [line for line in lines if line.startswith(task)]
    assert drawn, tty
    final = drawn[-1]
    assert "MiB" in final or "KiB" in final, final
    if command == "restore":
        assert "(100%)" in final, final


def test_pull_draws_its_steps_at_a_terminal(tmp_path: Path, postgres_url: str) -> None:
    root = _project(tmp_path, "postgresql", 1)
    deploy(schema=root / "prisma/schema.prisma", url=postgres_url, cwd=root)
    plain = subprocess.run([sys.executable, "-m", "schemashift", "db", "pull", "--print"], cwd=root,
                           env=_env(postgres_url, after="0"), capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert "Introspecting `" not in plain.stderr  # not a terminal: nothing drawn
    rc, out, tty = _run_on_pty(["db", "pull", "--print"], root, _env(postgres_url, after="0"))
    assert rc == 0, tty
    assert out == plain.stdout  # the schema on stdout is the same, byte for byte
    lines = [line.replace("\x1b[2K", "") for line in tty.replace("\r", "\n").split("\n")]
    drawn = [line for line in lines if line.startswith("Introspecting `sstest_")]  # the name may be cut
    assert drawn and "3 of 3 steps (100%)" in drawn[-1], tty
