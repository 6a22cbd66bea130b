"""A batched backfill's progress table: what makes it resumable.

``_schemashift_backfill`` holds one row per running backfill, keyed by (name, statement index):
a migration's name and the statement's index in its script, or ``cli:<hash of the statement>``
for ``schemashift backfill``. Each batch updates the row in the batch's own transaction, so the
row's ``last_key`` is exactly the key up to which the UPDATE is committed. The last batch deletes
the row (and the table, once no backfill uses it: it must not show up as drift in ``migrate dev``).

What the user sees goes through the library's progress listener (:mod:`schemashift.progress`):
the backfill is a task whose ``figures`` carry its batches, rows updated and batch size
(:mod:`schemashift.commands.progressbar` draws the bar at a terminal, JSON lines otherwise).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseError

TABLE = "_schemashift_backfill"


@dataclass(frozen=True)
class ProgressKey:
    name: str
    statement_index: int = 0


@dataclass(frozen=True)
class SavedProgress:
    last_key: tuple[Any, ...] | None
    rows_updated: int
    rows_scanned: int
    batches: int


class ProgressStore:
    """The progress row of one backfill, written in the batches' transactions."""

    def __init__(self, conn: Connector, key: ProgressKey) -> None:
        self.conn, self.key = conn, key
        self.table = conn.dialect.quote(TABLE)

    def ensure(self) -> None:
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            " name VARCHAR(255) NOT NULL, statement_index INTEGER NOT NULL, target VARCHAR(255) NOT NULL,"
            " last_key TEXT, rows_updated BIGINT NOT NULL, rows_scanned BIGINT NOT NULL,"
            " batches INTEGER NOT NULL, updated_at VARCHAR(40) NOT NULL,"
            " PRIMARY KEY (name, statement_index))"
        )

    def load(self) -> SavedProgress | None:
        try:
            row = self.conn.query_one(
                f"SELECT last_key, rows_updated, rows_scanned, batches FROM {self.table}"
                " WHERE name = %s AND statement_index = %s",
                (self.key.name, self.key.statement_index),
            )
        except DatabaseError:  # no table: nothing saved
            self.conn.abort_open_transaction()
            return None
        if row is None:
            return None
        last = tuple(json.loads(row[0])) if row[0] is not None else None
        return SavedProgress(last, int(row[1]), int(row[2]), int(row[3]))

    def start(self, target: str) -> None:
        """A fresh backfill (after :meth:`ensure`): any row left by an earlier attempt
        (rolled back, resolved) goes; one transaction."""
        with self.conn.transaction():
            self.conn.execute(
                f"DELETE FROM {self.table} WHERE name = %s AND statement_index = %s", (self.key.name, self.key.statement_index)
            )
            self.conn.execute(
                f"INSERT INTO {self.table} (name, statement_index, target, last_key, rows_updated, rows_scanned,"
                " batches, updated_at) VALUES (%s, %s, %s, NULL, 0, 0, 0, %s)",
                (self.key.name, self.key.statement_index, target[:255], _now()),
            )

    def save(self, last_key: Sequence[Any], progress: SavedProgress) -> None:
        """In the batch's transaction: the batch up to ``last_key`` is done."""
        self.conn.execute(
            f"UPDATE {self.table} SET last_key = %s, rows_updated = %s, rows_scanned = %s, batches = %s,"
            " updated_at = %s WHERE name = %s AND statement_index = %s",
            (
                json.dumps([_jsonable(v) for v in last_key]),
                progress.rows_updated,
                progress.rows_scanned,
                progress.batches,
                _now(),
                self.key.name,
                self.key.statement_index,
            ),
        )

    def finish(self) -> None:
        """In the last batch's transaction: the backfill is complete, its row goes."""
        self.conn.execute(
            f"DELETE FROM {self.table} WHERE name = %s AND statement_index = %s", (self.key.name, self.key.statement_index)
        )

    def drop_if_unused(self) -> None:
        """After the last batch: the table goes when no other backfill has a row in it."""
        row = self.conn.query_one(f"SELECT COUNT(*) FROM {self.table}")
        if row is not None and int(row[0]) == 0:
            self.conn.execute(f"DROP TABLE IF EXISTS {self.table}")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)  # UUID, Decimal, dates: their text, which the database casts back
