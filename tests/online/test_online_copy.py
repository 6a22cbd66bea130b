"""`-- schemashift:online-copy` on real MariaDB/MySQL: `migrate deploy` runs the ALTER through
pt-online-schema-change under a concurrent writer, the foreign keys keep their names, a deploy
killed in the middle is cleaned up and finished by the next one, the file stays plain SQL (the
`mysql` client applies it as written), and without the tool deploy refuses with the lock and
an estimate, before anything runs.

The tool comes from Debian's percona-toolkit (scripts/install-percona-toolkit, run by `make
test`); the tests that need it skip without it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.connectors.errors import DatabaseError
from schemashift.connectors.url import parse_url
from schemashift.online import ptosc

needs_tool = pytest.mark.skipif(
    ptosc.tool() is None, reason="pt-online-schema-change is not installed (scripts/install-percona-toolkit as root)"
)
mysql = pytest.mark.parametrize("provider", ["mysql"], indirect=True)

HEAD = 'datasource db {\n  provider = "mysql"\n  url      = env("DATABASE_URL")\n}\n'
BEFORE = """
model User {
  id    Int    @id
  name  String
  score Int
  posts Post[]
}

model Post {
  id     Int   @id
  userId Int?
  user   User? @relation(fields: [userId], references: [id])
}
"""
AFTER = BEFORE.replace("score Int\n", "score BigInt\n")
CHANGE = "-- AlterTable\n-- schemashift:online-copy chunk-time=0.2\nALTER TABLE `User` MODIFY `score` BIGINT NOT NULL;\n"
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli, rows: int) -> Path:  # type: ignore[no-untyped-def]
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(HEAD + BEFORE)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    r = run_cli("migrate", "dev", "-n", "init", "--skip-generate")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO `User` (`id`, `name`, `score`) SELECT seq, MD5(seq), seq % 1000 FROM seq_1_to_{rows}")
        conn.execute(f"INSERT INTO `Post` (`id`, `userId`) SELECT seq, seq FROM seq_1_to_{min(rows, 1000)}")
    folder = tmp_path / "prisma/migrations/29990101000000_score"
    folder.mkdir()
    (folder / "migration.sql").write_text(CHANGE)
    (tmp_path / "prisma/schema.prisma").write_text(HEAD + AFTER)
    return tmp_path


def _converged(db_url: str, run_cli, rows: int) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("migrate", "status").exit_code == 0
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code")
    assert r.exit_code == 0, r.out
    with connect(db_url) as conn:
        kept = conn.query_one(f"SELECT COUNT(*), SUM(`score` = `id` % 1000) FROM `User` WHERE `id` <= {rows}")
        assert kept is not None and (int(kept[0]), int(kept[1])) == (rows, rows)
        assert ptosc.leftovers(conn, "User") == []
        fks = conn.query("SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()")
        assert [r[0] for r in fks] == ["Post_userId_fkey"]


class Writer(threading.Thread):
    """Updates a random row and inserts one, in a loop until stopped; counts errors."""

    def __init__(self, url: str, rows: int) -> None:
        super().__init__(daemon=True)
        self.url, self.rows = url, rows
        self.stop, self.writes, self.errors, self.inserted = threading.Event(), 0, [], []

    def run(self) -> None:
        with connect(self.url) as conn:
            next_id = 10_000_000
            while not self.stop.is_set():
                try:
                    conn.execute("UPDATE `User` SET `name` = 'w' WHERE `id` = %s", ((self.writes * 7919) % self.rows + 1,))
                    conn.execute("INSERT INTO `User` (`id`, `name`, `score`) VALUES (%s, 'w', 7)", (next_id,))
                    self.inserted.append(next_id)
                    next_id += 1
                except DatabaseError as exc:
                    self.errors.append(exc.message)
                self.writes += 1


@needs_tool
@mysql
def test_online_copy_under_a_concurrent_writer(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    rows = 30_000
    _project(tmp_path, db_url, monkeypatch, run_cli, rows)
    writer = Writer(db_url, rows)
    writer.start()
    time.sleep(0.3)
    try:
        r = run_cli("migrate", "deploy")
    finally:
        writer.stop.set()
        writer.join(30)
    assert r.exit_code == 0, r.err
    assert "Copying table `User` online with pt-online-schema-change" in r.err + r.out
    assert writer.errors == [] and writer.writes > 10
    _converged(db_url, run_cli, rows)
    with connect(db_url) as conn:  # every write of the writer made it through the triggers, as written
        got = conn.query_one("SELECT COUNT(*), MIN(`score`) FROM `User` WHERE `id` >= 10000000")
        assert got is not None and int(got[0]) == len(writer.inserted) and int(got[1]) == 7


@needs_tool
@mysql
def test_the_file_is_plain_sql_for_other_clients(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    """What Prisma does with the file (the whole script on one connection, comments ignored),
    done by the `mysql` client: the plain ALTER, the same schema."""
    if shutil.which("mysql") is None:
        pytest.skip("no mysql client")
    rows = 500
    project = _project(tmp_path, db_url, monkeypatch, run_cli, rows)
    url = parse_url(db_url)
    sql = (project / "prisma/migrations/29990101000000_score/migration.sql").read_text()
    args = ["mysql", f"--host={url.host}", f"--port={url.port}", f"--user={url.user}", url.database]
    env = {**os.environ, "MYSQL_PWD": url.password or ""}
    subprocess.run(args, input=sql, text=True, check=True, env=env, timeout=60)
    r = run_cli("migrate", "resolve", "--applied", "29990101000000_score")
    assert r.exit_code == 0, r.err
    _converged(db_url, run_cli, rows)


@mysql
def test_without_the_tool_deploy_refuses_before_anything_runs(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    rows = 2000
    _project(tmp_path, db_url, monkeypatch, run_cli, rows)
    monkeypatch.setattr(ptosc, "tool", lambda: None)
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1
    assert "-- schemashift:online-copy needs pt-online-schema-change, which is not installed" in r.err
    assert "SHARED lock (reads only, writes wait)" in r.err and "29990101000000_score/migration.sql" in r.err
    assert "apt-get install percona-toolkit" in r.err and "Traceback" not in r.err
    with connect(db_url) as conn:  # not started: no history row, the column unchanged
        row = conn.query_one("SELECT COUNT(*) FROM `_prisma_migrations` WHERE `migration_name` = '29990101000000_score'")
        assert row is not None and int(row[0]) == 0
        kind = conn.query_one("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'User' AND COLUMN_NAME = 'score'")
        assert kind is not None and kind[0] == "int"


def test_a_bad_directive_option_is_named() -> None:
    with pytest.raises(ptosc.OnlineCopyError, match=r"unknown option `chunk=1`"):
        ptosc.check("-- schemashift:online-copy chunk=1\nALTER TABLE `t` ADD COLUMN `a` INT", "m/migration.sql")
    with pytest.raises(ptosc.OnlineCopyError, match=r"must be followed by one ALTER TABLE"):
        ptosc.check("-- schemashift:online-copy\nUPDATE `t` SET `a` = 1", "m/migration.sql")
    copy = ptosc.check("-- schemashift:online-copy lock-wait=5\nALTER TABLE `a``b` MODIFY `x` BIGINT", "m")
    assert (copy.table, copy.alter, copy.options.lock_wait) == ("a`b", "MODIFY `x` BIGINT", 5)
    # after Prisma's warnings block, as `migrate dev` writes the first statement
    copy = ptosc.check("/*\n  Warnings: ...\n*/\n-- AlterTable\n-- schemashift:online-copy\nALTER TABLE t MODIFY `x` INT", "m")
    assert (copy.table, copy.alter) == ("t", "MODIFY `x` INT")


def _deploy_process(project: Path, db_url: str) -> subprocess.Popen[bytes]:
    # a deploy killed with -9 cannot remove its option file's folder: keep it in the test's folder
    (project / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": SRC, "TMPDIR": str(project / "tmp")}
    return subprocess.Popen(
        [sys.executable, "-m", "schemashift", "migrate", "deploy"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


@needs_tool
@mysql
def test_a_deploy_killed_during_the_copy_is_cleaned_and_finished(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    rows = 300_000
    project = _project(tmp_path, db_url, monkeypatch, run_cli, rows)
    deploy = _deploy_process(project, db_url)
    left: list[str] = []
    try:
        with connect(db_url) as conn:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and deploy.poll() is None:
                left = ptosc.leftovers(conn, "User")
                if len(left) >= 4:  # the three triggers and the new table: the copy runs
                    break
                time.sleep(0.05)
            assert len(left) >= 4, f"the copy was not seen running ({left}, exit {deploy.poll()})"
            deploy.send_signal(signal.SIGKILL)
            deploy.wait(30)
            time.sleep(1.0)  # the tool dies with deploy: nothing changes any more
            first = ptosc.leftovers(conn, "User")
            time.sleep(1.0)
            assert ptosc.leftovers(conn, "User") == first and first
            row = conn.query_one("SELECT `logs` FROM `_prisma_migrations` WHERE `migration_name` = '29990101000000_score'")
            assert row is not None and "online copy in progress" in str(row[0])
    finally:
        if deploy.poll() is None:
            deploy.kill()
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "left by an interrupted pt-online-schema-change" in r.err + r.out
    _converged(db_url, run_cli, rows)


@mysql
def test_clean_after_the_swap_says_applied(provider: str, db_url: str) -> None:
    """Killed after the atomic RENAME: `_User_old` (with the tool's triggers) is all that is left."""
    with connect(db_url) as conn:
        conn.execute("CREATE TABLE `User` (`id` INT PRIMARY KEY)")
        conn.execute("CREATE TABLE `_User_old` (`id` INT PRIMARY KEY)")
        conn.execute("CREATE TABLE `_User_new` (`id` INT PRIMARY KEY)")
        database = conn.query_one("SELECT DATABASE()")
        assert database is not None
        trigger = conn.dialect.quote(f"pt_osc_{database[0]}_User_ins")
        conn.execute(f"CREATE TRIGGER {trigger} AFTER INSERT ON `_User_old` FOR EACH ROW SET @x = 1")
        assert sorted(ptosc.leftovers(conn, "User")) == sorted([f"pt_osc_{database[0]}_User_ins", "_User_new", "_User_old"])
        said: list[str] = []
        assert ptosc.clean(conn, "User", said.append) is True
        assert ptosc.leftovers(conn, "User") == [] and len(said) == 3
        assert ptosc.clean(conn, "User", said.append) is False


@mysql
def test_an_orphan_row_stops_the_online_foreign_key_at_its_check(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    """The foreign key is added with the checks off (no copy); the check that follows fails on
    a row without its parent, the migration stops there, and resumes there once it is fixed."""
    (tmp_path / "prisma").mkdir()
    schema = tmp_path / "prisma/schema.prisma"
    models = "model User {\n  id Int @id\n}\n\nmodel Post {\n  id Int @id\n  userId Int?\n}\n"
    schema.write_text(HEAD + models)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    with connect(db_url) as conn:
        conn.execute("INSERT INTO `User` (`id`) SELECT seq FROM seq_1_to_100")
        conn.execute("INSERT INTO `Post` (`id`, `userId`) SELECT seq, IF(seq = 77, 999, seq % 100 + 1) FROM seq_1_to_5000")
    schema.write_text(HEAD + models.replace("  id Int @id\n}\n\nmodel Post", "  id Int @id\n  posts Post[]\n}\n\nmodel Post")
                      .replace("userId Int?\n", "userId Int?\n  user User? @relation(fields: [userId], references: [id])\n"))
    r = run_cli("migrate", "dev", "--online", "-n", "fk", "--create-only", "--skip-generate")
    assert r.exit_code == 0, r.err
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "Subquery returns more than 1 row" in r.err + r.out, r.err
    with connect(db_url) as conn:
        conn.execute("UPDATE `Post` SET `userId` = NULL WHERE `id` = 77")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "Resuming migration" in r.err + r.out and "at statement 4 of 4" in r.err + r.out
    assert run_cli("migrate", "status").exit_code == 0
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", str(schema), "--exit-code")
    assert r.exit_code == 0, r.out


def test_the_connection_goes_in_a_private_option_file(tmp_path: Path) -> None:
    """The password is in a 0600 file, quoted for the option-file reader, never in the command."""
    from types import SimpleNamespace

    url = parse_url('mysql://app:s3"cr\\et%20x@db.example:3307/shop')
    path = ptosc._defaults_file(SimpleNamespace(url=url), tmp_path)  # type: ignore[arg-type]
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert 'password="s3\\"cr\\\\et x"' in text and 'host="db.example"' in text and "port=3307" in text
    argv = ptosc.command("/usr/bin/pt-online-schema-change", path, "shop", ptosc.OnlineCopy("User", "MODIFY `a` INT", ptosc.CopyOptions()))
    assert not any("s3" in a for a in argv) and f"--defaults-file={path}" in argv and argv[-1] == "D=shop,t=User"
    assert "Threads_running=50" in argv and "lock_wait_timeout=2,innodb_lock_wait_timeout=2" in argv
