"""Inputs for the CLI fuzz (tests/test_cli_fuzz.py): broken URLs, mutated schemas, damaged
migrations folders, odd folders and random flag combinations of every command.

A :class:`Case` is drawn by :func:`cases`, laid out in an empty folder by :func:`build` and run
in-process by :func:`run_case` (stdin at EOF, the folder as cwd). Every URL points at 127.0.0.1 (or
a malformed form of it) on a port that nothing listens on, or at a SQLite file: nothing else is
ever contacted.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from hypothesis import strategies as st

from readonly import available as readonly_available
from readonly import permission_bits_enforced


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLOSED_PORT = closed_port()

# ---------------------------------------------------------------- URLs

#: Passwords: distinctive (never a substring of other output) and full of URL-special characters.
passwords = st.builds(
    lambda body: f"Zq{body}9x",
    st.text(alphabet="abcXYZ@%/:?#&=+ ;[]'\"\\$", min_size=2, max_size=10),
)
_HOSTS = ["127.0.0.1", "127.0.0.1", "[127.0.0.1", "127.0.0.1]", "[::1", "[::1]", "", "[]", "127.0.0.1:"]
_PORTS = [str(CLOSED_PORT)] * 4 + ["", "abc", "99999", "-1", "0", f"{CLOSED_PORT}x"]
_PARAMS = [
    "schema=public",
    "schema=",
    "schema=a%20b",
    "connect_timeout=1",
    "connect_timeout=abc",
    "connect_timeout=-5",
    "sslmode=require",
    "sslmode=bogus",
    "sslcert=/nonexistent/cert.pem",
    "sslidentity=/nonexistent/id.p12",
    "sslrootcert=/nonexistent/root.pem",
    "socket=/nonexistent/mysql.sock",
    "pool_timeout=x",
    "statement_cache_size=-1",
    "pgbouncer=true",
    "%zz=1",
    "=",
    "&&",
]


@st.composite
def server_urls(draw: st.DrawFn, password: str) -> str:
    scheme = draw(st.sampled_from(["postgresql", "postgres", "mysql", "POSTGRESQL", "mariadb", "cockroachdb", "sqlserver", ""]))
    user = draw(st.sampled_from(["u", "", "root", "us%er", "a:b", "ü"]))
    pw = draw(st.sampled_from([quote(password, safe=""), quote(password, safe=""), password, ""]))
    auth = f"{user}:{pw}@" if pw else (f"{user}@" if user else "")
    host = draw(st.sampled_from(_HOSTS))
    port = draw(st.sampled_from(_PORTS))
    hostport = f"{host}:{port}" if port else host
    database = draw(st.sampled_from(["db", "", "a%2Fb", "%zz", "x" * 70, "db/extra", "d b"]))
    params = draw(st.lists(st.sampled_from(_PARAMS + [f"sslpassword={quote(password, safe='')}"]), max_size=3))
    query = f"?{'&'.join(params)}" if params else ""
    sep = draw(st.sampled_from(["://", "://", "://", ":/", ":"]))
    return f"{scheme}{sep}{auth}{hostport}/{database}{query}"


sqlite_urls = st.sampled_from(
    [
        "file:./dev.db",
        "file:dev.db",
        "file:./dev.db?connection_limit=1",
        "file:/nonexistent-dir-schemashift/x.db",
        "file:",
        "file:./",
        "file:prisma",
        "file:./missing/deeper/x.db",
        "file:./dev.db?mode=ro",
        "sqlite:./dev.db",
        "file:../dev.db",
        "file:./not-a-db.txt",
        "file:./schema.prisma",
    ]
)


@st.composite
def urls(draw: st.DrawFn, password: str) -> str:
    # no NUL: neither an environment variable nor a command-line argument can hold one
    junk = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)
    return draw(st.one_of(sqlite_urls, sqlite_urls, server_urls(password), junk))


# ---------------------------------------------------------------- schemas

_MODELS = """
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
"""


def schema_text(provider: str, url: str = 'env("DATABASE_URL")', models: str = _MODELS) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = {url}\n}}\n{models}'


_PROVIDERS = ["sqlite"] * 8 + ["postgresql", "mysql", "postgres", "cockroachdb", "sqlserver", "mongodb", ""]
_JUNK = [
    b"<<<<<<< HEAD\nmodel A {\n  id Int @id\n}\n=======\nmodel A {\n  id String @id\n}\n>>>>>>> branch\n",
    b"\x00",
    b"\x00\x00\x00",
    b"\xff\xfe",
    b"\xc3(",
    b"\xe2\x82",
    b"}",
    b"{",
    b"model",
    b"@@@",
    b'"',
    b"\n\n\n",
    b"datasource db {\n  provider = \"sqlite\"\n}\n",
    b"enum E {\n  A\n  A\n}\n",
    b"// \xf0\x9f\x98\x80 comment\n",
    b"\r",
    b"\t\t",
    b"model X { id Int @id @default(dbgenerated(\"\\\")) }\n",
]


@st.composite
def schema_bytes(draw: st.DrawFn, provider: str | None = None) -> bytes:
    if provider is None:
        provider = draw(st.sampled_from(_PROVIDERS))
    url = draw(st.sampled_from(['env("DATABASE_URL")'] * 4 + ['"file:./dev.db"', 'env("UNSET_VAR_X")', '""', "42"]))
    base = schema_text(provider, url).encode()
    if provider == "":
        base = base.replace(b'  provider = ""\n', b"")
    kinds = ["truncate", "insert", "delete_line", "huge_ident", "drop_datasource", "duplicate"]
    mutations = draw(st.lists(st.sampled_from(kinds), max_size=3)) if draw(st.booleans()) else []
    for mutation in mutations:
        if mutation == "truncate":
            base = base[: draw(st.integers(0, len(base)))]
        elif mutation == "insert":
            at = draw(st.integers(0, len(base)))
            junk = draw(st.one_of(st.sampled_from(_JUNK), st.binary(max_size=8)))
            base = base[:at] + junk + base[at:]
        elif mutation == "delete_line":
            lines = base.split(b"\n")
            if lines:
                del lines[draw(st.integers(0, len(lines) - 1))]
            base = b"\n".join(lines)
        elif mutation == "huge_ident":
            size = draw(st.sampled_from([64, 65, 256, 5_000, 70_000]))
            base = base.replace(b"Post", b"P" * size, 1)
        elif mutation == "drop_datasource":
            end = base.find(b"}\n")
            base = base[end + 2 :] if end >= 0 else base
        elif mutation == "duplicate":
            base = base + base
    return base


# ---------------------------------------------------------------- migrations folders

_GOOD_SQL = b'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\n'
_MIGRATION_SCRIPTS = [
    _GOOD_SQL,
    b"",
    b"\xff\xfe\x00binary\x00\x01",
    b"SELECT 1;\n-- caf\xe9\n",
    b"CREATE TABLE t (x int);\nSELECT 1/0;\n",
    b"this is not sql;",
    b"\x00",
    b"BEGIN;\nCREATE TABLE u (x int);\nCOMMIT;\n",
]
_LOCKS = [
    b'provider = "sqlite"\n',
    b'provider = "postgresql"\n',
    b'provider = "mysql"\n',
    b'provider = "cockroachdb"\n',
    b"provider = \n",
    b"\xff\xfe garbage",
    b"",
    b"[[[",
]


@dataclass
class MigrationsLayout:
    kind: str  # none | ok | file | entries
    entries: list[tuple[str, str, bytes]] = field(default_factory=list)  # (name, kind: dir|file|empty_dir, script)
    lock: bytes | None = None
    lock_is_folder: bool = False
    down: bytes | None = None


@st.composite
def migrations_layouts(draw: st.DrawFn) -> MigrationsLayout:
    kind = draw(st.sampled_from(["none", "none", "ok", "ok", "entries", "entries", "file"]))
    if kind == "ok":  # one valid migration of the unmutated schema
        return MigrationsLayout("entries", [("20240101000000_init", "dir", _GOOD_SQL)], _LOCKS[0])
    if kind != "entries":
        return MigrationsLayout(kind)
    names = ["20240101000000_init", "20240102000000_second", "not_a_timestamp", "20240103000000_x y", "20240104000000_" + "n" * 150]
    entries = []
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        entry_kind = draw(st.sampled_from(["dir", "dir", "dir", "file", "empty_dir"]))
        entries.append((name, entry_kind, draw(st.sampled_from(_MIGRATION_SCRIPTS))))
    lock = draw(st.one_of(st.none(), st.sampled_from(_LOCKS)))
    down = draw(st.one_of(st.none(), st.sampled_from([b"DROP TABLE \"User\";\n", b"\xff", b"-- schemashift:reverse-of deadbeef\nDROP TABLE x;\n"])))
    return MigrationsLayout("entries", entries, lock, draw(st.booleans()) if lock is None else False, down)


# ---------------------------------------------------------------- commands and flags

#: paths a --schema / --file / folder option may name, relative to the case's folder
_PATHS = [
    "prisma/schema.prisma",
    "prisma/schema.prisma",
    "prisma",
    "missing.prisma",
    "prisma/migrations",
    "prisma/migrations/20240101000000_init/migration.sql",
    "afile.txt",
    "",
    "unreadable",
    "unreadable/schema.prisma",
    "/dev/null",
    "folder-as-file",
]
_NAMES = ["20240101000000_init", "20240102000000_second", "nope", "", "../x", "a" * 300]


@st.composite
def argv(draw: st.DrawFn, password: str) -> list[str]:
    """One command line: a command and a random combination of its flags."""
    path = st.sampled_from(_PATHS)
    url = urls(password)
    name = st.sampled_from(_NAMES)
    flag_sets: dict[tuple[str, ...], list[tuple[str, st.SearchStrategy[str] | None]]] = {
        ("validate",): [("--schema", path)],
        ("format",): [("--schema", path), ("--check", None)],
        ("migrate", "status"): [("--schema", path), ("--json", None)],
        ("migrate", "deploy"): [("--schema", path), ("--backup", st.sampled_from(["backups", "afile.txt", "unreadable", "prisma/schema.prisma"]))],
        ("migrate", "resolve"): [("--schema", path), ("--applied", name), ("--rolled-back", name)],
        ("migrate", "dev"): [
            ("--schema", path),
            ("--create-only", None),
            ("--create-only", None),
            ("--name", st.sampled_from(["init", "", "a b/c", "ü" * 5, "x" * 300, "-x"])),
            ("--skip-seed", None),
            ("--skip-generate", None),
        ],
        ("migrate", "rollback"): [("--schema", path), ("--dry-run", None), ("--dry-run", None), ("--to", name), ("--steps", st.sampled_from(["1", "0", "-1", "x", "99"]))],
        ("migrate", "lint"): [
            ("--schema", path),
            ("--migrations", path),
            ("--since", st.sampled_from(["HEAD", "main", "nope~1"])),
            ("--format", st.sampled_from(["text", "json", "github", "sarif", "xml"])),
        ],
        ("migrate", "diff"): [
            ("--from-empty", None),
            ("--to-empty", None),
            ("--from-schema-datamodel", path),
            ("--to-schema-datamodel", path),
            ("--from-schema-datasource", path),
            ("--to-schema-datasource", path),
            ("--from-url", url),
            ("--to-url", url),
            ("--from-migrations", path),
            ("--to-migrations", path),
            ("--shadow-database-url", url),
            ("--script", None),
            ("--exit-code", None),
            ("-o", st.sampled_from(["out.sql", "unreadable/out.sql", "prisma", "missing/out.sql"])),
        ],
        ("db", "push"): [("--schema", path), ("--accept-data-loss", None), ("--force-reset", None), ("--skip-generate", None)],
        ("db", "execute"): [
            ("--schema", path),
            ("--file", st.sampled_from(["script.sql", "bad.sql", "prisma/schema.prisma", "missing.sql", "prisma"])),
            ("--stdin", None),
            ("--url", url),
        ],
        ("db", "pull"): [("--schema", path), ("--print", None), ("--force", None), ("--url", url)],
        ("erd",): [
            ("--schema", path),
            ("--format", st.sampled_from(["svg", "html", "mermaid", "dot", "png"])),
            ("-o", st.sampled_from(["out.svg", "out.html", "out.txt", "unreadable/out.svg", "prisma", "missing/x.dot"])),
        ],
        ("check",): [
            ("--schema", path),
            ("--url", url),
            ("--shadow-database-url", url),
            ("--since", st.sampled_from(["HEAD", "nope~1"])),
            ("--backups", st.sampled_from(["backups", "afile.txt", "missing", "badbackups"])),
            ("--max-backup-age", st.sampled_from(["1h", "0", "soon", "-1s"])),
            ("--only", st.sampled_from(["schema-in-sync", "lint", "backup", "nope"])),
            ("--format", st.sampled_from(["text", "json", "github", "xml"])),
        ],
        ("backup", "list"): [("-o", st.sampled_from(["backups", "afile.txt", "missing", "unreadable", "badbackups"]))],
        ("backup", "create"): [
            ("--schema", path),
            ("-o", st.sampled_from(["backups", "afile.txt", "unreadable", "prisma/schema.prisma", "new/deep"])),
            ("--label", st.sampled_from(["x", "", "../../etc", "a/b", "ü", "x" * 300])),
        ],
    }
    command = draw(st.sampled_from(sorted(flag_sets)))
    chosen = draw(st.lists(st.sampled_from(flag_sets[command]), max_size=4))
    args = list(command)
    for flag, value in chosen:
        args.append(flag)
        if value is not None:
            args.append(draw(value))
    if command == ("migrate", "lint") and draw(st.booleans()):
        args.append(draw(name))
    return args


# ---------------------------------------------------------------- a case


@dataclass
class Case:
    argv: list[str]
    schema: bytes | None  # None: no prisma/schema.prisma
    url: str  # DATABASE_URL
    password: str
    migrations: MigrationsLayout
    readonly: bool  # the project folder (and prisma/) read-only
    env_file: bool  # a .env with DATABASE_URL instead of the environment
    stdin_closed: bool  # sys.stdin is None, as when the process starts with `<&-`
    database: bytes | None  # the contents of prisma/dev.db (None: no such file)


def matching_url(provider: str, password: str) -> str:
    """A well-formed URL for the provider: a SQLite file, or 127.0.0.1 on the closed port."""
    if provider == "sqlite":
        return "file:./dev.db"
    scheme = "mysql" if provider == "mysql" else "postgresql"
    return f"{scheme}://u:{quote(password, safe='')}@127.0.0.1:{CLOSED_PORT}/db?connect_timeout=1"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    password = draw(passwords)
    provider = draw(st.sampled_from(_PROVIDERS))
    return Case(
        argv=draw(argv(password)),
        schema=draw(st.one_of(st.none(), *[schema_bytes(provider)] * 4)),
        url=draw(st.one_of(st.just(matching_url(provider, password)), urls(password))),
        password=password,
        migrations=draw(migrations_layouts()),
        readonly=draw(st.booleans()) and readonly_available(),
        env_file=draw(st.booleans()),
        stdin_closed=draw(st.booleans()),
        database=draw(st.sampled_from([None, None, None, _SQLITE_DB, b"", b"not a database at all" * 100])),
    )


def _sqlite_file() -> bytes:
    """A SQLite database with the first migration's table, as bytes."""
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.db"
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.executescript(_GOOD_SQL.decode())
        return path.read_bytes()


_SQLITE_DB = _sqlite_file()


def build(case: Case, root: Path) -> None:
    """Lay the case out in the empty folder ``root``."""
    prisma = root / "prisma"
    prisma.mkdir()
    if case.database is not None:
        (prisma / "dev.db").write_bytes(case.database)
    if case.schema is not None:
        (prisma / "schema.prisma").write_bytes(case.schema)
    (root / "afile.txt").write_text("just a file\n")
    (root / "folder-as-file").mkdir()
    (root / "script.sql").write_text("CREATE TABLE IF NOT EXISTS t (x INT);\n")
    (root / "bad.sql").write_bytes(b"SELECT 1;\n\xff\xfe\n")
    (root / "not-a-db.txt").write_text("not a database\n")
    (root / "badbackups").mkdir()
    (root / "badbackups" / "manifest.json").write_bytes(b"\xff{not json")
    unreadable = root / "unreadable"
    unreadable.mkdir()
    (unreadable / "schema.prisma").write_bytes(schema_text("sqlite").encode())
    unreadable.chmod(0)
    if case.env_file:
        (root / ".env").write_text(f"DATABASE_URL={case.url}\n")
    layout = case.migrations
    migrations = prisma / "migrations"
    if layout.kind == "file":
        migrations.write_text("not a folder\n")
    elif layout.kind == "entries":
        migrations.mkdir()
        for name, kind, script in layout.entries:
            entry = migrations / name
            if kind == "file":
                entry.write_bytes(script)
                continue
            entry.mkdir()
            if kind == "dir":
                (entry / "migration.sql").write_bytes(script)
                if layout.down is not None:
                    (entry / "down.sql").write_bytes(layout.down)
        if layout.lock is not None:
            (migrations / "migration_lock.toml").write_bytes(layout.lock)
        elif layout.lock_is_folder:
            (migrations / "migration_lock.toml").mkdir()
    if case.readonly:
        for folder in (root, prisma):
            folder.chmod(0o555)


def unbuild(root: Path) -> None:
    """Make everything under ``root`` removable again."""
    for folder in (root, root / "prisma", root / "unreadable"):
        if folder.is_dir():
            folder.chmod(0o755)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    out: str
    err: str
    internal: str = ""  # the traceback of an internal error (exit 70), for the failure message


def run_case(case: Case, root: Path) -> Outcome:
    """``schemashift.cli.run(case.argv)`` in ``root``, stdin at EOF or closed, output captured; the
    environment and the working directory are restored afterwards."""
    from schemashift import cli

    internal: list[str] = []
    report = cli._internal

    def record(exc: BaseException) -> int:
        import traceback

        internal.append("".join(traceback.format_exception(exc)))
        return report(exc)

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    os.environ.pop("SCHEMASHIFT_DEBUG", None)
    os.environ["NO_COLOR"] = "1"
    os.environ.pop("DATABASE_URL", None)
    if not case.env_file:
        os.environ["DATABASE_URL"] = case.url
    saved_stdin = sys.stdin
    sys.stdin = None if case.stdin_closed else io.StringIO("")  # type: ignore[assignment]
    try:
        os.chdir(root)
        guard = permission_bits_enforced() if case.readonly or "unreadable" in " ".join(case.argv) else contextlib.nullcontext()
        cli._internal = record
        with guard, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.run(case.argv)
    finally:
        cli._internal = report
        if sys.stdin is not None:
            sys.stdin.close()  # (cli.run opens os.devnull for a closed stdin)
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Outcome(code, out.getvalue(), err.getvalue(), "".join(internal))


def problems(case: Case, outcome: Outcome) -> list[str]:
    """What is wrong with an outcome: exit 70, a traceback, the password in the output."""
    found = []
    text = outcome.out + outcome.err
    if outcome.exit_code == 70:
        found.append("exit code 70 (internal error)")
    if "Traceback" in text:
        found.append("a traceback in the output")
    for form in {case.password, quote(case.password, safe=""), quote(case.password)}:
        if form in text:
            found.append(f"the password ({form!r}) in the output")
    return found
