"""Which UPDATEs run as batched backfills, as each database's parser reads them (no server needed)."""

from __future__ import annotations

import pytest

from schemashift.dialects import get_dialect
from schemashift.online.backfill import BackfillError, Target, backfill_sql, directive_options


def parse(provider: str, sql: str) -> Target:
    return backfill_sql(get_dialect(provider)).parse(sql, "m/migration.sql line 3")


@pytest.mark.parametrize(
    ("provider", "sql", "expected"),
    [
        ("mysql", "UPDATE `my``t` SET a = 'WHERE x', b = b + 1 WHERE c LIKE 'a%' AND d = \"x;y\"",
         Target(None, "my`t", None, "a = 'WHERE x', b = b + 1", "c LIKE 'a%%' AND d = \"x;y\"")),
        ("mysql", "update db.t as q set q.a = (select max(x) from u where u.id = q.id)",
         Target("db", "t", "q", "q.a = (select max(x) from u where u.id = q.id)", None)),
        ("mysql", "UPDATE t SET a = 1 # WHERE is a comment here\n", Target(None, "t", None, "a = 1", None)),
        ("sqlite", 'UPDATE "Quoted ""T""" SET "n" = "n" + 1 -- trailing\nWHERE [x] > 0;',
         Target(None, 'Quoted "T"', None, '"n" = "n" + 1 -- trailing', "[x] > 0")),
        ("sqlite", "UPDATE t SET a = CASE WHEN b THEN 1 ELSE 2 END WHERE b IN (SELECT b FROM u LIMIT 3)",
         Target(None, "t", None, "a = CASE WHEN b THEN 1 ELSE 2 END", "b IN (SELECT b FROM u LIMIT 3)")),
        ("postgresql", 'UPDATE s."T" AS q SET x = x + 1, y = \'a%\' WHERE q.z LIKE \'%b\'',
         Target("s", "T", "q", "x = x + 1, y = 'a%%'", "q.z LIKE '%%b'")),
    ],
)
def test_update_forms_that_run_in_batches(provider: str, sql: str, expected: Target) -> None:
    assert parse(provider, sql) == expected


@pytest.mark.parametrize(
    ("provider", "sql", "why"),
    [
        ("mysql", "UPDATE t JOIN u ON u.id = t.id SET t.a = u.a", "join"),
        ("mysql", "UPDATE t, u SET t.a = u.a WHERE t.id = u.id", "join"),
        ("mysql", "UPDATE t SET a = 1 ORDER BY id LIMIT 10", "ORDER BY"),
        ("mysql", "UPDATE t SET a = 1 LIMIT 10", "LIMIT"),
        ("mysql", "UPDATE IGNORE t SET a = 1", "UPDATE IGNORE"),
        ("mysql", "DELETE FROM t", "not an UPDATE"),
        ("mysql", "UPDATE t SET a = 'open", "unterminated"),
        ("sqlite", "UPDATE t SET a = u.a FROM u WHERE u.id = t.id", "joins"),
        ("sqlite", "UPDATE t SET a = 1 RETURNING id", "RETURNING"),
        ("sqlite", "UPDATE OR REPLACE t SET a = 1", "UPDATE OR"),
        ("sqlite", "UPDATE t SET a = 1; UPDATE t SET a = 2", "more than one statement"),
        ("sqlite", "UPDATE t SET a = 1 WHERE", "WHERE clause is empty"),
        ("postgresql", "UPDATE t SET a = u.a FROM u WHERE u.id = t.id", "joins"),
        ("postgresql", "UPDATE t SET a = 1 RETURNING id", "RETURNING"),
        ("postgresql", "WITH x AS (SELECT 1) UPDATE t SET a = 1", "WITH"),
        ("postgresql", "UPDATE ONLY t SET a = 1", "ONLY"),
        ("postgresql", "INSERT INTO t VALUES (1)", "not one UPDATE"),
        ("postgresql", "UPDATE t SET = 1", "cannot parse"),
    ],
)
def test_other_statements_are_refused_naming_the_place(provider: str, sql: str, why: str) -> None:
    with pytest.raises(BackfillError) as info:
        parse(provider, sql)
    assert info.value.message.startswith("m/migration.sql line 3: cannot run this statement as a batched backfill")
    assert why in info.value.message


def test_directive_options() -> None:
    opts = directive_options("-- schemashift:backfill batch-time=50ms max-lag=off batch-size=7 lock-timeout=1s\nUPDATE t SET a = 1")
    assert (opts.batch_time, opts.max_lag, opts.batch_size, opts.lock_timeout_ms) == (0.05, None, 7, 1000)
    with pytest.raises(BackfillError, match=r"x\.sql line 2: bad backfill option `speed=fast`"):
        directive_options("-- schemashift:backfill speed=fast\nUPDATE t SET a = 1", where="x.sql line 2")

