"""Lock timeouts retried: a statement of a migration run statement by statement (an online plan's
``transaction off`` and ``CONCURRENTLY`` scripts, every MySQL script) that fails because it
waited longer than its ``lock_timeout`` (or lost a deadlock) is run again a few times, after a
growing pause with jitter, before the migration fails at that statement.

A statement that timed out on a lock did nothing (it never got the lock), so running it again is
safe; the caller drops what a failed ``CREATE INDEX CONCURRENTLY`` leaves behind first. When the
retries are used up, the migration is recorded failed at the statement and the next ``migrate
deploy`` resumes there (docs/online.md). Which errors are lock timeouts is the backfill's
per-database knowledge (:meth:`~schemashift.online.backfill.BackfillSql.is_lock_timeout`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from schemashift.connectors.base import Connector
from schemashift.connectors.errors import DatabaseError

#: runs of a statement after its first lock timeout
RETRIES = 3
#: the pause before the first retry (seconds), doubled for each next one, with jitter
FIRST_PAUSE = 0.25


def is_lock_timeout(conn: Connector, exc: DatabaseError) -> bool:
    from schemashift.online.backfill import BackfillError, backfill_sql

    try:
        return backfill_sql(conn.dialect).is_lock_timeout(exc)
    except BackfillError:  # a database batched backfills do not support: nothing is retried
        return False


def execute(
    conn: Connector,
    statement: str,
    *,
    before_retry: Callable[[], object] = lambda: None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run ``statement`` (autocommit), retrying a lock timeout :data:`RETRIES` times; the last
    error says how many times it was tried."""
    attempt = 0
    started = time.monotonic()
    while True:
        try:
            return conn.execute(statement)
        except DatabaseError as exc:
            if not is_lock_timeout(conn, exc):
                raise
            conn.abort_open_transaction()
            if attempt >= RETRIES:
                exc.message = (
                    f"{exc.message}\n(a lock timeout: tried {attempt + 1} times over {time.monotonic() - started:.1f}s; "
                    "run `migrate deploy` again to resume at this statement)"
                )
                raise
            attempt += 1
            sleep(FIRST_PAUSE * 2 ** (attempt - 1) * (0.75 + random.random() / 2))
            before_retry()
