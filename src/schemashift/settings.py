"""Project settings: ``[tool.schemashift]`` in ``pyproject.toml``, overridable by environment variables.

    [tool.schemashift]
    schema = "prisma/schema.prisma"      # where the schema is (see config.py)
    seed = "python prisma/seed.py"       # the seed command (see seed.py)
    lock_timeout = "5s"                  # PostgreSQL/MySQL: fail fast instead of queueing behind locks
    statement_timeout = "5min"           # PostgreSQL/MySQL(MariaDB): longest statement of a migration
    migration_lock_timeout = "10s"       # how long deploy/dev wait for the migration lock (Prisma: 10 s)
    production_hosts = ["*.prod.internal", "db.example.com"]   # production guard (fnmatch patterns)
    keep_labelled_days = 90              # backup prune: labelled backups older than this are deleted
    large_table_rows = 10000             # migrate lint --stats-url: one-shot forms on tables this big are errors

    [tool.schemashift.lint]              # migrate lint: rule levels ("error", "warning", "off")
    require-concurrent-index-creation = "error"

Environment: ``SCHEMASHIFT_LOCK_TIMEOUT``, ``SCHEMASHIFT_STATEMENT_TIMEOUT``,
``SCHEMASHIFT_MIGRATION_LOCK_TIMEOUT`` override the timeouts;
``SCHEMASHIFT_ENV=production`` marks every database as production.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from schemashift.errors import SchemashiftError

#: a table at least this big (rows) is a big table: the online planner gives it online forms when
#: sizes come from ``--stats-url``, and ``migrate lint --stats-url`` makes one-shot forms on it
#: errors (``[tool.schemashift] large_table_rows`` changes the lint's)
LARGE_TABLE_ROWS = 10_000

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)?\s*$")
_UNIT_MS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, None: 1000}


def parse_duration_ms(value: str | int | float, what: str) -> int:
    """``"5s"`` -> 5000; a bare number means seconds; ``0`` disables."""
    if isinstance(value, (int, float)):
        return int(value * 1000)
    m = _DURATION.match(value)
    if not m:
        raise SchemashiftError(f"`{what}` must be a duration such as 500ms, 5s, 2min or 1h, not {value!r}.")
    return int(float(m.group(1)) * _UNIT_MS[m.group(2)])


@dataclass(frozen=True)
class Settings:
    lock_timeout_ms: int | None = None
    statement_timeout_ms: int | None = None
    #: How long to wait for the migration lock (None: Prisma's 10 s).
    migration_lock_timeout_ms: int | None = None
    production_hosts: tuple[str, ...] = ()
    lint: dict[str, str] = field(default_factory=dict)
    environment: str | None = None
    keep_labelled_days: int | None = None  # backup prune; None: labelled backups are kept
    large_table_rows: int | None = None  # migrate lint --stats-url; None: the online planner's threshold

    def is_production(self, host: str | None) -> bool:
        if (self.environment or "").lower() in ("production", "prod"):
            return True
        return bool(host) and any(fnmatch.fnmatch(host or "", p) for p in self.production_hosts)


def _duration_setting(data: dict[str, object], key: str) -> int | None:
    """``SCHEMASHIFT_<KEY>`` from the environment, else ``key`` of ``[tool.schemashift]``."""
    raw = os.environ.get(f"SCHEMASHIFT_{key.upper()}") or data.get(key)
    if raw is None:
        return None
    if not isinstance(raw, (str, int, float)):
        raise SchemashiftError(f"`{key}` must be a duration such as 500ms, 5s, 2min or 1h, not {raw!r}.")
    return parse_duration_ms(raw, key)


def load_settings(cwd: Path | None = None) -> Settings:
    cwd = cwd or Path.cwd()
    from schemashift.config import tool_settings

    data = tool_settings(cwd)
    hosts = data.get("production_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise SchemashiftError("`[tool.schemashift] production_hosts` must be a list of host patterns.")
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise SchemashiftError("`[tool.schemashift.lint]` must be a table of rule = level.")
    keep_labelled = data.get("keep_labelled_days")
    if keep_labelled is not None and (type(keep_labelled) is not int or keep_labelled < 0):
        raise SchemashiftError("`[tool.schemashift] keep_labelled_days` must be a whole number of days (0 or more).")
    large = data.get("large_table_rows")
    if large is not None and (type(large) is not int or large < 0):
        raise SchemashiftError("`[tool.schemashift] large_table_rows` must be a whole number of rows (0 or more).")
    return Settings(
        keep_labelled_days=keep_labelled,
        large_table_rows=large,
        lock_timeout_ms=_duration_setting(data, "lock_timeout"),
        statement_timeout_ms=_duration_setting(data, "statement_timeout"),
        migration_lock_timeout_ms=_duration_setting(data, "migration_lock_timeout"),
        production_hosts=tuple(hosts),
        lint={str(k): str(v) for k, v in lint.items()},
        environment=os.environ.get("SCHEMASHIFT_ENV"),
    )
