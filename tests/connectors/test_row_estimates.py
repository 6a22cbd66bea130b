"""Connector.row_estimates: rows per table from the server's statistics (PostgreSQL, MySQL) or
counted (SQLite, a table the statistics have not seen): what the online planner's --stats-url,
lint's table sizes and a backfill's ETA read."""

from __future__ import annotations

import pytest

from schemashift.connectors import connect


def _create(conn, provider: str, name: str, rows: int) -> None:  # type: ignore[no-untyped-def]
    q = conn.dialect.quote
    conn.execute(f"CREATE TABLE {q(name)} (id INTEGER NOT NULL PRIMARY KEY, v INTEGER)")
    if rows:
        values = ", ".join(f"({i}, {i})" for i in range(1, rows + 1))
        conn.execute(f"INSERT INTO {q(name)} (id, v) VALUES {values}")


@pytest.mark.parametrize("provider", ["sqlite", "postgresql", "mysql"], indirect=True)
def test_row_estimates(provider: str, db_url: str) -> None:
    with connect(db_url) as conn:
        _create(conn, provider, "Big", 300)
        _create(conn, provider, "Empty", 0)
        _create(conn, provider, "we'ird", 7)  # a name that needs quoting in the counting fallback
        # never analysed (PostgreSQL: reltuples -1; MariaDB may say 0): counted exactly
        assert conn.row_estimates() == {"Big": 300, "Empty": 0, "we'ird": 7}
        assert conn.row_estimates(["Big", "Missing"]) == {"Big": 300}
        if provider == "postgresql":
            conn.execute('ANALYZE "Big"')
            conn.execute('DELETE FROM "Big" WHERE id > 100')  # the statistics still say 300
            assert conn.row_estimates(["Big"]) == {"Big": 300}


@pytest.mark.parametrize("provider", ["sqlite", "postgresql", "mysql"], indirect=True)
def test_index_tables(provider: str, db_url: str) -> None:
    """The index -> table map lint needs to size a ``DROP INDEX`` (PostgreSQL names an index
    alone); elsewhere a statement names the table and the map is empty."""
    with connect(db_url) as conn:
        q = conn.dialect.quote
        _create(conn, provider, "Post", 0)
        conn.execute(f"CREATE INDEX {q('Post_v_idx')} ON {q('Post')} ({q('v')})")
        expected = {"Post_pkey": "Post", "Post_v_idx": "Post"} if provider == "postgresql" else {}
        assert conn.index_tables() == expected
