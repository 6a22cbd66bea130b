"""Batched backfills: one big ``UPDATE`` run as many short transactions over the primary key.

``-- schemashift:backfill`` on a comment line before an ``UPDATE`` in a migration (Prisma sees a
comment and runs the plain UPDATE), or ``schemashift backfill "UPDATE ..."``. The statement is
parsed (PostgreSQL: pglast, the server's own parser; MySQL/SQLite: a tokeniser of the
``UPDATE <table> SET ... [WHERE ...]`` form) and run as::

    UPDATE <table> SET <set> WHERE (<where>) AND (<pk>) > (<last>) AND (<pk>) <= (<next>)

where ``<next>`` is the key ``batch size`` rows after ``<last>`` (keyset pagination; composite
keys compare as row values). Each batch is its own transaction, which also records ``<next>`` in
:mod:`~schemashift.online.backfill_progress`'s table: a crash or Ctrl-C loses at most the batch
that was running, and a rerun continues after the last committed key. The batch size follows a
target time per batch (:data:`DEFAULT_BATCH_TIME`); a lock timeout (set for each batch) is retried with backoff;
between batches, the run waits while replicas lag more than ``max_lag``.

What differs between databases (parsing, primary-key lookup, lock-timeout errors, replica lag,
row estimates) is in one :class:`BackfillSql` per dialect class, picked by the connection's
typed :class:`~schemashift.dialects.Dialect`.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseError
from schemashift.dialects import Dialect
from schemashift.dialects.mysql import MysqlDialect
from schemashift.dialects.postgres import PostgresDialect
from schemashift.dialects.sqlite import SqliteDialect
from schemashift.errors import EXIT_INTERRUPTED, SchemashiftError
from schemashift import progress
from schemashift.online.backfill_progress import ProgressKey, ProgressStore, SavedProgress
from schemashift.settings import parse_duration_ms

#: the directive: a comment line of the statement, with options (``batch-time=50ms max-lag=5s``)
DIRECTIVE = re.compile(r"^[ \t]*--[ \t]*schemashift:backfill\b([^\n]*)$", re.I | re.M)


class BackfillError(SchemashiftError):
    """A statement that cannot be backfilled in batches, or bad backfill options (exit 1)."""


class BackfillInterrupted(SchemashiftError):
    """Ctrl-C: stopped between batches, progress kept (exit 130)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Interrupted: {message}", EXIT_INTERRUPTED)


#: the time aimed at per batch (seconds): a batch holds its rows' locks until it commits, so a
#: writer of one of them may wait this long; well under the 100 ms an online change allows a
#: writer's stall, since a loaded machine makes some batches take twice the time aimed at
DEFAULT_BATCH_TIME = 0.05
#: the batch size grows at most this much from one batch to the next (it shrinks at once)
MAX_GROWTH = 2.0


@dataclass(frozen=True)
class BackfillOptions:
    batch_time: float = DEFAULT_BATCH_TIME  # seconds per batch aimed at
    max_lag: float | None = 10.0  # seconds of replica lag tolerated (None: not checked)
    batch_size: int = 1000  # the first batch's size
    #: the size never adapts below this: a commit's fixed cost (an fsync) dwarfs a few rows' work
    min_batch_size: int = 100
    max_batch_size: int = 1_000_000
    lock_timeout_ms: int = 2000
    lock_retries: int = 10


def directive_options(statement: str, base: BackfillOptions | None = None, where: str = "") -> BackfillOptions:
    """The options written after the directive: ``batch-time``, ``max-lag`` (durations; ``max-lag=off``),
    ``batch-size``, ``lock-timeout``."""
    options = base or BackfillOptions()
    found = DIRECTIVE.search(statement)
    if found is None:
        return options
    for word in found.group(1).split():
        name, _, value = word.partition("=")
        try:
            options = _with_option(options, name.lower(), value)
        except (ValueError, SchemashiftError):
            raise BackfillError(
                f"{where}: bad backfill option `{word}` (expected batch-time=50ms, max-lag=10s or off, "
                "batch-size=1000, lock-timeout=2s)"
            ) from None
    return options


def _with_option(options: BackfillOptions, name: str, value: str) -> BackfillOptions:
    if name == "batch-time":
        return replace(options, batch_time=max(0.001, parse_duration_ms(value, name) / 1000))
    if name == "max-lag":
        return replace(options, max_lag=None if value.lower() == "off" else parse_duration_ms(value, name) / 1000)
    if name == "batch-size":
        size = int(value)
        if size < 1:
            raise ValueError(value)
        return replace(options, batch_size=size)
    if name == "lock-timeout":
        return replace(options, lock_timeout_ms=max(1, parse_duration_ms(value, name)))
    raise ValueError(name)


# ---------------------------------------------------------------- the parsed statement


@dataclass(frozen=True)
class Target:
    """``UPDATE <schema.table [alias]> SET <set_sql> [WHERE <where_sql>]`` (texts ready for SQL)."""

    schema: str | None
    table: str
    alias: str | None
    set_sql: str
    where_sql: str | None

    @property
    def display(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table


def _refuse(where: str, why: str) -> BackfillError:
    return BackfillError(
        f"{where}: cannot run this statement as a batched backfill: {why}. A backfill is one "
        "`UPDATE <table> SET ... [WHERE ...]` on a table with a primary key."
    )


class BackfillSql:
    """What differs between databases; one subclass per dialect class."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def parse(self, statement: str, where: str) -> Target:
        raise NotImplementedError

    def primary_key(self, conn: Connector, target: Target) -> list[str]:
        raise NotImplementedError

    def estimate_rows(self, conn: Connector, target: Target) -> int | None:
        """The table's rows for the ETA: the server's statistics, else counted (None: empty)."""
        return conn.row_estimates([target.table], target.schema).get(target.table) or None

    def replica_lag(self, conn: Connector) -> float | None:
        """Seconds the replicas lag behind, or None when none is visible."""
        return None

    def is_lock_timeout(self, exc: DatabaseError) -> bool:
        return False

    def session_setup(self, conn: Connector, lock_timeout_ms: int) -> Callable[[], None]:
        """Session settings for the run; returns what restores them."""
        return lambda: None

    #: the progress table is dropped (once unused) in the last batch's transaction, whose commit
    #: waits for the disk anyway (PostgreSQL: a DROP forces a synchronous commit, so a DROP
    #: of its own would wait for a second flush); elsewhere after it (MySQL's DROP commits)
    drop_in_last_batch = False

    def durable_commit(self, conn: Connector) -> None:
        """In the last batch's transaction: its commit waits until every batch is on disk."""

    def table_ref(self, target: Target) -> str:
        q = self.dialect.quote
        ref = f"{q(target.schema)}.{q(target.table)}" if target.schema else q(target.table)
        return f"{ref} AS {q(target.alias)}" if target.alias else ref


class PostgresBackfill(BackfillSql):
    def parse(self, statement: str, where: str) -> Target:
        import pglast
        from pglast import ast as pg
        from pglast.stream import RawStream

        try:
            parsed = pglast.parse_sql(statement)
        except pglast.parser.ParseError as exc:
            raise _refuse(where, f"PostgreSQL cannot parse it ({exc})") from None
        if len(parsed) != 1 or not isinstance(parsed[0].stmt, pg.UpdateStmt):
            raise _refuse(where, "it is not one UPDATE statement")
        node = parsed[0].stmt
        if node.withClause is not None:
            raise _refuse(where, "it has a WITH clause")
        if node.fromClause:
            raise _refuse(where, "it joins other tables (UPDATE ... FROM)")
        if getattr(node, "returningClause", None) or getattr(node, "returningList", None):
            raise _refuse(where, "it has a RETURNING clause")
        if node.whereClause is not None and isinstance(node.whereClause, pg.CurrentOfExpr):
            raise _refuse(where, "it updates WHERE CURRENT OF a cursor")
        rel = node.relation
        if rel is None or not rel.relname:
            raise _refuse(where, "no table name after UPDATE")
        if not getattr(rel, "inh", True):
            raise _refuse(where, "UPDATE ONLY is not supported")
        stream = RawStream()
        whole = RawStream()(replace_where(node, None))
        prefix = f"UPDATE {stream(rel)} SET "
        if not whole.startswith(prefix):  # pglast prints it so; anything else is not understood
            raise _refuse(where, "its SET list could not be read")
        where_sql = RawStream()(node.whereClause) if node.whereClause is not None else None
        return Target(
            rel.schemaname or None,
            str(rel.relname),
            rel.alias.aliasname if rel.alias is not None else None,
            whole[len(prefix) :].replace("%", "%%"),  # the batches bind parameters
            where_sql.replace("%", "%%") if where_sql is not None else None,
        )

    def primary_key(self, conn: Connector, target: Target) -> list[str]:
        schema = target.schema or conn.schema_name
        rows = conn.query(
            "SELECT a.attname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indisprimary AND c.relname = %s AND n.nspname = %s"
            " ORDER BY array_position(i.indkey::int2[], a.attnum)",
            (target.table, schema),
        )
        return [str(r[0]) for r in rows]

    def replica_lag(self, conn: Connector) -> float | None:
        try:
            row = conn.query_one(
                "SELECT COUNT(*), MAX(EXTRACT(EPOCH FROM COALESCE(replay_lag, write_lag, flush_lag)))::float8"
                " FROM pg_stat_replication"
            )
        except DatabaseError:
            return None
        if row is None or not row[0]:
            return None
        return float(row[1] or 0.0)

    def is_lock_timeout(self, exc: DatabaseError) -> bool:
        return exc.db_code in ("55P03", "40P01", "40001")  # lock_not_available, deadlock, serialization

    def session_setup(self, conn: Connector, lock_timeout_ms: int) -> Callable[[], None]:
        """``lock_timeout`` for every batch, and ``synchronous_commit = off``: a batch's commit does
        not wait for its WAL flush. Safe here: the batch and its progress row commit together, so
        a server crash loses both or neither, and the rerun redoes exactly the lost batches; the
        last batch commits synchronously (:meth:`durable_commit`), which flushes them all."""
        row = conn.query_one("SELECT current_setting('lock_timeout'), current_setting('synchronous_commit')")
        old = (str(row[0]), str(row[1])) if row is not None else ("0", "on")
        conn.execute(f"SET lock_timeout = {int(lock_timeout_ms)}")
        conn.execute("SET synchronous_commit = off")

        def restore() -> None:
            conn.execute(
                "SELECT set_config('lock_timeout', %s, false), set_config('synchronous_commit', %s, false)", old
            )

        return restore

    drop_in_last_batch = True

    def durable_commit(self, conn: Connector) -> None:
        conn.execute("SET LOCAL synchronous_commit = on")


def replace_where(node: Any, where: Any) -> Any:
    import copy

    clone = copy.copy(node)
    clone.whereClause = where
    return clone


class MysqlBackfill(BackfillSql):
    hash_comments = True
    backslash_escapes = True

    def parse(self, statement: str, where: str) -> Target:
        return _parse_update_text(statement, where, self)

    def primary_key(self, conn: Connector, target: Target) -> list[str]:
        rows = conn.query(
            "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = %s"
            " AND TABLE_NAME = %s AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
            (target.schema or conn.schema_name, target.table),
        )
        return [str(r[0]) for r in rows]

    def replica_lag(self, conn: Connector) -> float | None:
        """``Seconds_Behind_Source`` of ``SHOW REPLICA STATUS`` on this server, where it is itself a
        replica (a chained or circular topology) and the privilege allows; a primary does not see
        its own replicas' lag. None: nothing visible."""
        for sql in ("SHOW REPLICA STATUS", "SHOW SLAVE STATUS"):
            try:
                rows = conn.query(sql)
            except DatabaseError:
                continue
            # column 33 in MySQL 5.7-8.x and MariaDB alike: Seconds_Behind_Source / _Master
            lags = [float(r[32]) for r in rows if len(r) > 32 and isinstance(r[32], (int, float))]
            return max(lags) if lags else None
        return None

    def is_lock_timeout(self, exc: DatabaseError) -> bool:
        return str(exc.db_code) in ("1205", "1213")  # lock wait timeout, deadlock

    def session_setup(self, conn: Connector, lock_timeout_ms: int) -> Callable[[], None]:
        row = conn.query_one("SELECT @@SESSION.innodb_lock_wait_timeout")
        old = int(row[0]) if row is not None else 50
        conn.execute(f"SET SESSION innodb_lock_wait_timeout = {max(1, -(-int(lock_timeout_ms) // 1000))}")

        def restore() -> None:
            conn.execute(f"SET SESSION innodb_lock_wait_timeout = {old}")

        return restore


class SqliteBackfill(BackfillSql):
    hash_comments = False
    backslash_escapes = False

    def parse(self, statement: str, where: str) -> Target:
        return _parse_update_text(statement, where, self)

    def primary_key(self, conn: Connector, target: Target) -> list[str]:
        schema = self.dialect.quote(target.schema or "main")
        rows = conn.query(f"PRAGMA {schema}.table_info({self.dialect.quote(target.table)})")
        if not rows:
            return []
        keyed = sorted((int(r[5]), str(r[1])) for r in rows if int(r[5]) > 0)
        if keyed:
            return [name for _, name in keyed]
        return ["rowid"]  # a rowid table without a declared key


    def is_lock_timeout(self, exc: DatabaseError) -> bool:
        return str(exc.db_code or "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


_BY_DIALECT: tuple[tuple[type[Dialect], type[BackfillSql]], ...] = (
    (PostgresDialect, PostgresBackfill),
    (MysqlDialect, MysqlBackfill),
    (SqliteDialect, SqliteBackfill),
)


def backfill_sql(dialect: Dialect) -> BackfillSql:
    for dialect_class, sql_class in _BY_DIALECT:
        if isinstance(dialect, dialect_class):
            return sql_class(dialect)
    raise BackfillError(f"batched backfills are not supported on {dialect.name}")


# ---------------------------------------------------------------- the MySQL/SQLite tokeniser

_TOKEN_COMMON = [
    (r"\s+", "space"),
    (r"--[^\n]*", "comment"),
    (r"/\*.*?\*/", "comment"),
    (r"`(?:[^`]|``)*`", "ident"),
    (r"[A-Za-z_\x80-\U0010ffff][\w$\x80-\U0010ffff]*", "word"),
    (r"\d+(?:\.\d*)?(?:[eE][-+]?\d+)?", "number"),
    (r"['\"`]", "unterminated"),  # a quote no pattern above closed
    (r".", "punct"),
]
_TOKENS_MYSQL = re.compile(
    "|".join(
        f"(?P<{kind}{i}>{rx})"
        for i, (rx, kind) in enumerate(
            [(r"#[^\n]*", "comment"), (r"'(?:[^'\\]|\\.|'')*'", "string"), (r'"(?:[^"\\]|\\.|"")*"', "string")]
            + _TOKEN_COMMON
        )
    ),
    re.S,
)
_TOKENS_SQLITE = re.compile(
    "|".join(
        f"(?P<{kind}{i}>{rx})"
        for i, (rx, kind) in enumerate(
            [(r"'(?:[^']|'')*'", "string"), (r'"(?:[^"]|"")*"', "ident"), (r"\[[^\]]*\]", "ident"), (r"\[", "unterminated")] + _TOKEN_COMMON
        )
    ),
    re.S,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _tokens(text: str, sql: BackfillSql) -> list[_Tok]:
    rx = _TOKENS_MYSQL if isinstance(sql, MysqlBackfill) else _TOKENS_SQLITE
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = rx.match(text, pos)
        if m is None or m.end() == pos:  # an unterminated string or identifier
            out.append(_Tok("unterminated", text[pos:], pos, len(text)))
            break
        kind = re.sub(r"\d+$", "", m.lastgroup or "punct")
        if kind not in ("space", "comment"):
            out.append(_Tok(kind, m.group(), pos, m.end()))
        pos = m.end()
    return out


def _name(tok: _Tok) -> str | None:
    if tok.kind == "word":
        return tok.text
    if tok.kind == "ident":
        if tok.text[0] == "[":
            return tok.text[1:-1]
        q = tok.text[0]
        return tok.text[1:-1].replace(q + q, q)
    return None


#: at the top level after SET, these mean more than `UPDATE t SET ... WHERE ...`
_FORBIDDEN = {
    "FROM": "it joins other tables (UPDATE ... FROM)",
    "JOIN": "it joins other tables",
    "ORDER": "it has ORDER BY",
    "LIMIT": "it has LIMIT",
    "RETURNING": "it has a RETURNING clause",
}


def _parse_update_text(statement: str, where: str, sql: BackfillSql) -> Target:
    toks = _tokens(statement, sql)
    if any(t.kind == "unterminated" for t in toks):
        raise _refuse(where, "it has an unterminated string or quoted name")
    if toks and toks[-1].text == ";":
        toks = toks[:-1]
    if not toks or toks[0].upper != "UPDATE":
        raise _refuse(where, "it is not an UPDATE statement")
    i = 1
    if i < len(toks) and toks[i].upper in ("LOW_PRIORITY", "IGNORE", "OR"):
        raise _refuse(where, f"UPDATE {toks[i].text.upper()} is not supported")
    names: list[str] = []
    while True:
        name = _name(toks[i]) if i < len(toks) else None
        if name is None:
            raise _refuse(where, "no table name after UPDATE")
        names.append(name)
        i += 1
        if i < len(toks) and toks[i].text == ".":
            i += 1
            continue
        break
    if len(names) > 2:
        raise _refuse(where, "the table name has more than two parts")
    alias = None
    if i < len(toks) and toks[i].upper == "AS":
        i += 1
    if i < len(toks) and toks[i].upper != "SET" and _name(toks[i]) is not None and toks[i].upper not in _JOINS:
        alias = _name(toks[i])
        i += 1
    if i >= len(toks) or toks[i].upper != "SET":
        found = toks[i].text if i < len(toks) else "the end"
        why = "it updates several tables (a join)" if i < len(toks) and (toks[i].text == "," or toks[i].upper in _JOINS) else f"expected SET, found {found}"
        raise _refuse(where, why)
    set_start = toks[i].end
    depth = 0
    where_tok: _Tok | None = None
    for t in toks[i + 1 :]:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif t.text == ";" and depth == 0:
            raise _refuse(where, "it is more than one statement")
        elif depth == 0 and t.upper in _FORBIDDEN:
            raise _refuse(where, _FORBIDDEN[t.upper])
        elif depth == 0 and t.upper == "WHERE" and where_tok is None:
            where_tok = t
    end = toks[-1].end
    set_sql = statement[set_start : where_tok.start if where_tok else end].strip()
    if not set_sql:
        raise _refuse(where, "its SET list is empty")
    where_sql = statement[where_tok.end : end].strip() if where_tok else None
    if where_tok is not None and not where_sql:
        raise _refuse(where, "its WHERE clause is empty")
    return Target(
        names[0] if len(names) == 2 else None,
        names[-1],
        alias,
        set_sql.replace("%", "%%"),
        where_sql.replace("%", "%%") if where_sql else None,
    )


_JOINS = {"JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "STRAIGHT_JOIN", "NATURAL"}


# ---------------------------------------------------------------- the run


@dataclass
class BackfillResult:
    completed: bool
    rows_updated: int
    rows_scanned: int
    batches: int  # this run's
    resumed: bool
    seconds: float


def statement_key(statement: str) -> ProgressKey:
    """The progress key of an ad-hoc statement: its text (whitespace folded), hashed."""
    digest = hashlib.sha256(" ".join(statement.split()).encode()).hexdigest()[:24]
    return ProgressKey(f"cli:{digest}", 0)


def statement_line(script: str, statement: str) -> int | None:
    """The 1-based line where ``statement`` starts in ``script`` (its first code line)."""
    at = script.find(statement)
    if at < 0:
        return None
    for offset, line in enumerate(statement.splitlines()):
        s = line.strip()
        if s and not s.startswith("--"):
            return script.count("\n", 0, at) + 1 + offset
    return script.count("\n", 0, at) + 1


class Backfill:
    """One batched run of ``statement`` on ``conn`` (an autocommit connection)."""

    def __init__(
        self,
        conn: Connector,
        statement: str,
        key: ProgressKey,
        *,
        where: str,
        options: BackfillOptions | None = None,
        stop: Callable[[], bool] = lambda: False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.conn, self.key, self.where = conn, key, where
        self.options = options or BackfillOptions()
        self.stop, self.sleep = stop, sleep
        self.sql = backfill_sql(conn.dialect)
        self.target = self.sql.parse(DIRECTIVE.sub("", statement), where)

    def _prepare(self) -> list[str]:
        pk = self.sql.primary_key(self.conn, self.target)
        if not pk:
            raise BackfillError(
                f"{self.where}: cannot run this statement as a batched backfill: the table "
                f"`{self.target.display}` has no primary key (or does not exist), and batches walk the primary key."
            )
        return pk

    def run(self, *, fresh: bool = False, on_done: Callable[[], None] | None = None) -> BackfillResult:
        """Run (or continue) the backfill. ``fresh``: ignore saved progress. ``on_done`` runs in the
        last batch's transaction (deploy's history update). Returns with ``completed=False`` when
        :attr:`stop` said so between batches (or cancelled a batch)."""
        pk = self._prepare()
        # first: the progress table's statements run with the run's settings too (no fsync wait)
        restore = self.sql.session_setup(self.conn, self.options.lock_timeout_ms)
        try:
            return self._run(pk, fresh, on_done)
        finally:
            try:
                restore()
            except DatabaseError:
                self.conn.abort_open_transaction()

    def _run(self, pk: list[str], fresh: bool, on_done: Callable[[], None] | None) -> BackfillResult:
        conn, opts, q = self.conn, self.options, self.sql.dialect.quote
        store = ProgressStore(conn, self.key)
        store.ensure()  # first: reading a missing table would cost an error and a rollback
        saved = None if fresh else store.load()
        if saved is None:
            store.start(self.target.display)
            saved = SavedProgress(None, 0, 0, 0)
        resumed = saved.batches > 0
        cols = [q(c) for c in pk]
        key_sql = cols[0] if len(cols) == 1 else f"({', '.join(cols)})"
        marks = "%s" if len(cols) == 1 else f"({', '.join(['%s'] * len(cols))})"
        table = self.sql.table_ref(self.target)
        plain_table = self.sql.table_ref(replace(self.target, alias=None))
        order = ", ".join(cols)
        pred = f"({self.target.where_sql})" if self.target.where_sql else ""
        update_head = f"UPDATE {table} SET {self.target.set_sql} WHERE "

        def bounded(lower: bool, upper: bool) -> str:
            parts = [p for p in (pred, f"{key_sql} > {marks}" if lower else "", f"{key_sql} <= {marks}" if upper else "") if p]
            return update_head + (" AND ".join(parts) if parts else "1 = 1")

        # the batch's upper key: the last of the next `size` keys (an index range, no OFFSET), and
        # how many there are (fewer than `size`: the last batch, which has no upper bound)
        # (one key column: MAX and COUNT over the keys, no sort; a composite key: its last row)
        desc = ", ".join(f"{c} DESC" for c in cols)
        outer = f"MAX({cols[0]}), COUNT(*)" if len(cols) == 1 else f"{order}, COUNT(*) OVER ()"
        last_row = "" if len(cols) == 1 else f" ORDER BY {desc} LIMIT 1"
        next_sql = {
            lower: f"SELECT {outer} FROM (SELECT {order} FROM {plain_table}"
            + (f" WHERE {key_sql} > {marks}" if lower else "")
            + f" ORDER BY {order} LIMIT %s) AS batch{last_row}"
            for lower in (False, True)
        }
        estimate = self.sql.estimate_rows(conn, self.target)
        started = time.monotonic()
        size = max(1, min(opts.batch_size, opts.max_batch_size))
        last = saved.last_key
        updated, scanned, batches_total = saved.rows_updated, saved.rows_scanned, saved.batches
        run_batches = 0
        per_key: float | None = None  # seconds per key of the batches so far (see _per_key)
        next_lag_check = 0.0

        task = progress.task(
            f"Backfill {self.target.display}",
            max(estimate, scanned) if estimate else None,
            "rows",
            done=scanned,
            figures=self._figures("start", batches_total, updated, size, None, "resuming after the last committed batch" if resumed else ""),
        )

        def event(kind: str, message: str = "", lag: float | None = None) -> None:
            task.figures = self._figures(kind, batches_total, updated, size, lag, message)
            if task.total is not None and scanned > task.total:
                task.total = scanned  # more rows than estimated
            detail = f"{updated:,} rows updated" + (f"; {message}" if message else "")
            if kind == "done":
                task.done, task.detail = scanned, detail
                task.__exit__(None, None, None)
            else:
                task.advance(scanned - task.done, detail)

        try:
            while True:
                if self.stop():
                    return BackfillResult(False, updated, scanned, run_batches, resumed, time.monotonic() - started)
                if opts.max_lag is not None and time.monotonic() >= next_lag_check:
                    self._wait_for_replicas(event)
                    next_lag_check = time.monotonic() + 1.0
                    if self.stop():
                        continue
                attempt = 0
                while True:
                    try:
                        with conn.transaction():
                            lower = tuple(last) if last is not None else ()
                            row = conn.query_one(next_sql[last is not None], (*lower, size))
                            upper = tuple(row[:-1]) if row is not None and int(row[-1]) >= size else None
                            params = (*lower, *(upper or ()))
                            t_update = time.monotonic()
                            count = conn.execute(bounded(last is not None, upper is not None), params)
                            update_seconds = time.monotonic() - t_update
                            # the last batch's key count is not looked up: the rows it updated stand in
                            n_scanned = size if upper is not None else max(0, count)
                            saved_now = SavedProgress(upper, updated + max(0, count), scanned + n_scanned, batches_total + 1)
                            if upper is None:
                                self.sql.durable_commit(conn)
                                store.finish()
                                if on_done is not None:
                                    on_done()
                                if self.sql.drop_in_last_batch:
                                    store.drop_if_unused()
                            else:
                                store.save(upper, saved_now)
                        break
                    except DatabaseError as exc:
                        if self.stop():
                            return BackfillResult(False, updated, scanned, run_batches, resumed, time.monotonic() - started)
                        if not self.sql.is_lock_timeout(exc) or attempt >= opts.lock_retries:
                            raise
                        attempt += 1
                        size = max(min(opts.min_batch_size, size), size // 2)
                        pause = min(5.0, 0.05 * 2**attempt) * (0.5 + random.random() / 2)
                        event("waiting", f"lock timeout, retry {attempt} of {opts.lock_retries} in {pause:.2f}s")
                        self.sleep(pause)
                run_batches += 1
                last, updated, scanned, batches_total = saved_now.last_key, saved_now.rows_updated, saved_now.rows_scanned, saved_now.batches
                if last is None:
                    event("done")
                    if not self.sql.drop_in_last_batch:
                        try:
                            store.drop_if_unused()
                        except DatabaseError:
                            conn.abort_open_transaction()
                    return BackfillResult(True, updated, scanned, run_batches, resumed, time.monotonic() - started)
                event("batch")
                # sized by the UPDATE's own time: the batch's fixed costs (the key lookup, the
                # progress row, the commit: round trips that a loaded machine makes slow) would
                # otherwise shrink the batches until those costs alone filled the target
                per_key = self._per_key(per_key, update_seconds / max(1, n_scanned))
                floor = min(opts.min_batch_size, opts.batch_size)
                size = int(min(opts.max_batch_size, size * MAX_GROWTH, max(floor, opts.batch_time / per_key)))
        finally:
            if task.figures.get("event") != "done":
                task.figures = self._figures("stopped", batches_total, updated, size, None, "")
                task.__exit__(None, None, None)

    @staticmethod
    def _per_key(smoothed: float | None, last: float) -> float:
        """The seconds per key the next batch is sized by: a slower batch counts at once (the
        next one shrinks to the target), a faster one half (growth follows a trend, not one
        quick batch), so that batches converge to the target from below."""
        if smoothed is None or last >= smoothed:
            return max(last, 1e-9)
        return max((smoothed + last) / 2, 1e-9)

    def _figures(self, event: str, batches: int, updated: int, size: int, lag: float | None, message: str) -> dict[str, object]:
        return {
            "event": event,
            "target": self.target.display,
            "batches": batches,
            "rows_updated": updated,
            "batch_size": size,
            "lag_seconds": lag,
            "message": message,
        }

    def _wait_for_replicas(self, event: Callable[..., None]) -> None:
        max_lag = self.options.max_lag
        assert max_lag is not None
        pause = 0.25
        while not self.stop():
            lag = self.sql.replica_lag(self.conn)
            if lag is None or lag <= max_lag:
                return
            event("waiting", f"replicas lag {lag:.1f}s > {max_lag:g}s, waiting", lag)
            self.sleep(pause)
            pause = min(5.0, pause * 2)


# ---------------------------------------------------------------- in a migration (migrate deploy)


def migration_backfills(conn: Connector, name: str, script_path: str, script: str, statements: Sequence[str], indexes: Sequence[int]) -> dict[int, Backfill]:
    """The backfills of a migration, parsed before anything of it runs: a statement that cannot
    run in batches is an error naming the file and line, and nothing is applied."""
    out: dict[int, Backfill] = {}
    for i in indexes:
        line = statement_line(script, statements[i])
        where = f"{script_path}{f' line {line}' if line else ''} (statement {i + 1})"
        options = directive_options(statements[i], where=where)
        out[i] = Backfill(conn, statements[i], ProgressKey(name, i), where=where, options=options)
    return out


def run_in_migration(
    backfill: Backfill,
    *,
    fresh: bool,
    stop: Callable[[], bool],
    started: Callable[[], None],
    on_done: Callable[[], None],
) -> bool:
    """Run one backfill statement of a migration; False when stopped (Ctrl-C) between batches.
    ``started`` marks the history row resumable at this statement before the first batch (a
    killed deploy is continued by the next one); ``on_done`` advances it in the last batch's
    transaction, so the statement is never run twice."""
    backfill.stop = stop
    backfill._prepare()  # a missing key is an error before the row says "in progress"
    started()
    return backfill.run(fresh=fresh, on_done=on_done).completed
