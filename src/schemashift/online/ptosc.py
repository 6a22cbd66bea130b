"""Online table copies on MySQL/MariaDB with pt-online-schema-change (``-- schemashift:online-copy``).

A change the server can only make by copying the table under a SHARED lock (a type change...) is
written by ``migrate dev --online`` as Prisma's plain ``ALTER TABLE`` after a directive line::

    -- schemashift:online-copy
    ALTER TABLE `User` MODIFY `score` BIGINT NOT NULL;

Prisma (and the shadow database) run the ALTER as written. ``migrate deploy`` runs it through
pt-online-schema-change (Percona Toolkit): a new table with the change, triggers that copy the
writes made meanwhile, the rows copied in chunks of about ``chunk-time`` seconds each, then one
atomic ``RENAME TABLE`` (waiting at most ``lock-wait`` seconds for its lock, retried). Options may
follow the directive: ``chunk-time=0.5 max-load=50 critical-load=200 lock-wait=2`` (the defaults
below; loads are the server's ``Threads_running``: above ``max-load`` the copy pauses, above
``critical-load`` it stops).

The connection goes to the tool in an option file of mode 0600 in a private temporary folder
(``--defaults-file``), never on its command line; its output is shown with the URL's secrets
masked. Afterwards the foreign keys the tool renamed (it prefixes ``_`` to the names of the new
table's constraints, and of children's constraints it rebuilds) get their names back, added with
``foreign_key_checks`` off (in place, no copy).

Interrupted runs: the history row says "online copy in progress" while the tool runs, so that a
deploy killed meanwhile (the tool dies with it: ``PR_SET_PDEATHSIG``) is resumed at the statement
by the next deploy, which first removes what the tool left (:func:`clean`): its triggers and its
``_<table>_new`` table (the copy starts again), or, when the tables were already swapped, the
``_<table>_old`` table (the change is applied).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from schemashift.connectors.base import Connector
from schemashift.dialects.scripts import first_code
from schemashift.migrations.errors import MigrationError

TOOL = "pt-online-schema-change"
DIRECTIVE_TEXT = "-- schemashift:online-copy"
DIRECTIVE = re.compile(r"^[ \t]*--[ \t]*schemashift:online-copy\b([^\n]*)$", re.I | re.M)
_ALTER = re.compile(r"\s*ALTER\s+TABLE\s+(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)\s+(\S.*?)\s*\Z", re.I | re.S)
_FK_LINE = re.compile(r"^\s*CONSTRAINT (`(?:[^`]|``)+`) (FOREIGN KEY .*?),?$", re.M)


class OnlineCopyError(MigrationError):
    """The online copy cannot run (the tool is absent, bad options) or failed (exit 1)."""


@dataclass(frozen=True, slots=True)
class CopyOptions:
    chunk_time: float = 0.5
    max_load: int = 50
    critical_load: int = 200
    lock_wait: int = 2


_OPTION_NAMES = {"chunk-time": "chunk_time", "max-load": "max_load", "critical-load": "critical_load", "lock-wait": "lock_wait"}


@dataclass(frozen=True, slots=True)
class OnlineCopy:
    table: str
    alter: str  # the ALTER TABLE statement's clauses, after the table name
    options: CopyOptions


def tool() -> str | None:
    """The installed pt-online-schema-change, or None."""
    return shutil.which(TOOL)


def _unquote(name: str) -> str:
    return name[1:-1].replace("``", "`") if name.startswith("`") else name


def parse(statement: str) -> OnlineCopy | None:
    """The copy a (directive-marked) statement asks for; None when it is no ``ALTER TABLE``."""
    found = _ALTER.match(first_code(statement))
    if found is None:
        return None
    return OnlineCopy(_unquote(found.group(1)), found.group(2), _options(statement))


def _options(statement: str) -> CopyOptions:
    found = DIRECTIVE.search(statement)
    values: dict[str, float | int] = {}
    for word in (found.group(1).split() if found else []):
        key, _, raw = word.partition("=")
        field_name = _OPTION_NAMES.get(key)
        if field_name is None or not raw:
            raise OnlineCopyError(f"{DIRECTIVE_TEXT}: unknown option `{word}` (known: {', '.join(_OPTION_NAMES)}, as name=value).")
        try:
            values[field_name] = float(raw) if field_name == "chunk_time" else int(raw)
        except ValueError:
            raise OnlineCopyError(f"{DIRECTIVE_TEXT}: `{word}` needs a number.") from None
    return CopyOptions(**values)  # type: ignore[arg-type]


def check(statement: str, where: str) -> OnlineCopy:
    """The statement's copy, or an error naming ``where`` (a file and statement)."""
    copy = parse(statement)
    if copy is None:
        raise OnlineCopyError(f"{where}: {DIRECTIVE_TEXT} must be followed by one ALTER TABLE statement.")
    if any(c in copy.table for c in ",="):  # the tool's DSN cannot say such a name
        raise OnlineCopyError(f"{where}: {TOOL} cannot name table `{copy.table}` (a `,` or `=` in its name).")
    return copy


# ---------------------------------------------------------------- leftovers


def _triggers(conn: Connector, table: str) -> list[str]:
    database = _database(conn)
    names = [f"pt_osc_{database}_{table}_{kind}" for kind in ("ins", "upd", "del")]
    rows = conn.query(
        "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() "
        "AND TRIGGER_NAME IN (%s, %s, %s)",
        tuple(names),
    )
    return [str(r[0]) for r in rows]


def _tables(conn: Connector, table: str) -> tuple[list[str], bool]:
    """The tool's new tables (``_<table>_new``, more ``_`` when taken) and whether ``_<table>_old`` exists."""
    rows = conn.query(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE %s",
        (f"%\\_{_like(table)}\\_%",),
    )
    names = [str(r[0]) for r in rows]
    new = [n for n in names if re.fullmatch(rf"_+{re.escape(table)}_new", n)]
    return new, f"_{table}_old" in names


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _database(conn: Connector) -> str:
    row = conn.query_one("SELECT DATABASE()")
    return str(row[0]) if row is not None else ""


def clean(conn: Connector, table: str, log: Callable[[str], None]) -> bool:
    """Remove what an interrupted run of the tool on ``table`` left; True when its swap had
    happened (the change is applied: ``table`` is the new table)."""
    q = conn.dialect.quote
    for trigger in _triggers(conn, table):
        log(f"Dropping trigger `{trigger}` left by an interrupted {TOOL}")
        conn.execute(f"DROP TRIGGER IF EXISTS {q(trigger)}")
    new, old = _tables(conn, table)
    for name in new:
        log(f"Dropping table `{name}` left by an interrupted {TOOL} (the copy starts again)")
        conn.execute(f"DROP TABLE IF EXISTS {q(name)}")
    if old:
        log(f"Dropping table `_{table}_old` left by an interrupted {TOOL} (its swap was done)")
        conn.execute(f"DROP TABLE IF EXISTS {q(f'_{table}_old')}")
    return old


def leftovers(conn: Connector, table: str) -> list[str]:
    """The tool's triggers and tables for ``table`` that exist now (for tests and messages)."""
    new, old = _tables(conn, table)
    return _triggers(conn, table) + new + ([f"_{table}_old"] if old else [])


# ---------------------------------------------------------------- foreign key names


def _foreign_keys(conn: Connector) -> dict[tuple[str, str], str]:
    """(table, constraint name) -> the table's name, of every foreign key of the database."""
    rows = conn.query(
        "SELECT TABLE_NAME, CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = DATABASE()"
    )
    return {(str(r[0]), str(r[1])): str(r[0]) for r in rows}


def restore_foreign_key_names(conn: Connector, before: set[tuple[str, str]], log: Callable[[str], None]) -> None:
    """Give back their names to the foreign keys the tool renamed (``_name``, ``__name``, or one
    ``_`` less), each table in one in-place ALTER with the checks off (no copy, no row check: the
    rows were checked under the old name)."""
    q = conn.dialect.quote
    renamed: dict[str, list[tuple[str, str]]] = {}
    for table, name in _foreign_keys(conn):
        if (table, name) in before:
            continue
        for old_table, old_name in before:
            if old_table in (table, f"_{table}_old") and old_name.lstrip("_") == name.lstrip("_") and old_name != name:
                renamed.setdefault(table, []).append((name, old_name))
                break
    for table, pairs in renamed.items():
        row = conn.query_one(f"SHOW CREATE TABLE {q(table)}")
        definition = str(row[1]) if row is not None else ""
        clauses = {_unquote(m.group(1)): m.group(2) for m in _FK_LINE.finditer(definition)}
        changes = []
        for name, old_name in pairs:
            if name in clauses:
                changes += [f"DROP FOREIGN KEY {q(name)}", f"ADD CONSTRAINT {q(old_name)} {clauses[name]}"]
        if not changes:
            continue
        log(f"Restoring the names of the foreign keys of `{table}` that {TOOL} renamed")
        conn.execute("SET foreign_key_checks = 0")
        try:
            conn.execute(f"ALTER TABLE {q(table)} {', '.join(changes)}, ALGORITHM=INPLACE, LOCK=NONE")
        finally:
            conn.execute("SET foreign_key_checks = 1")


# ---------------------------------------------------------------- running the tool


def _option_value(value: str) -> str:
    """A value of an option file, quoted (backslashes and double quotes escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _defaults_file(conn: Connector, folder: Path) -> Path:
    """The connection's options in a file only its owner can read (mode 0600, created so)."""
    url = conn.url
    lines = ["[client]", f"user={_option_value(url.user or 'root')}"]
    if url.password:
        lines.append(f"password={_option_value(url.password)}")
    if url.host.startswith("/"):
        lines.append(f"socket={_option_value(url.host)}")
    else:
        lines += [f"host={_option_value(url.host)}", f"port={url.port or 3306}"]
    path = folder / "client.cnf"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the tool is killed when deploy dies (SIGKILL included), so that no copy goes on
    unseen; the next deploy cleans its leftovers."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def command(path: str, defaults: Path, database: str, copy: OnlineCopy) -> list[str]:
    o = copy.options
    return [
        path,
        f"--defaults-file={defaults}",
        "--alter", copy.alter,
        "--execute",
        "--chunk-time", f"{o.chunk_time:g}",
        "--max-load", f"Threads_running={o.max_load}",
        "--critical-load", f"Threads_running={o.critical_load}",
        "--set-vars", f"lock_wait_timeout={o.lock_wait},innodb_lock_wait_timeout={o.lock_wait}",
        # the children's constraints: rebuilt when they are small enough, else dropped and swapped
        "--alter-foreign-keys-method", "auto",
        "--tries", "create_triggers:20:0.5,drop_triggers:20:0.5,swap_tables:30:0.5,update_foreign_keys:20:0.5",
        "--no-check-unique-key-change",  # the ALTER comes from the schema diff, as Prisma runs it
        f"D={database},t={copy.table}",
    ]


def missing_tool(copy: OnlineCopy, where: str, rows: int | None) -> OnlineCopyError:
    """The refusal when the tool is absent: the lock the plain ALTER would take, and how long."""
    from schemashift.online.mysql import copy_lock

    return OnlineCopyError(
        f"{where}: {DIRECTIVE_TEXT} needs {TOOL}, which is not installed; without it {copy_lock(copy.table, rows)}. "
        "Install it (Debian/Ubuntu: apt-get install percona-toolkit) and run `schemashift migrate deploy` "
        "again. This migration was not started."
    )


def run(conn: Connector, copy: OnlineCopy, log: Callable[[str], None], *, where: str, rows: int | None) -> None:
    """Make the change with the tool; raise :class:`OnlineCopyError` with its output when it fails."""
    path = tool()
    if path is None:
        raise missing_tool(copy, where, rows)
    before = set(_foreign_keys(conn))
    database = _database(conn)
    log(f"Copying table `{copy.table}` online with {TOOL}")
    with tempfile.TemporaryDirectory(prefix="schemashift-ptosc-") as folder:
        argv = command(path, _defaults_file(conn, Path(folder)), database, copy)
        done = subprocess.run(argv, capture_output=True, text=True, preexec_fn=_die_with_parent, check=False)
    if done.returncode != 0:
        output = _masked((done.stderr + done.stdout).strip(), conn.url.secrets)
        tail = "\n".join(output.splitlines()[-12:])
        raise OnlineCopyError(f"{where}: {TOOL} failed (exit {done.returncode}); the table is unchanged:\n{tail}")
    restore_foreign_key_names(conn, before, log)


def _masked(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "****")
    return text
