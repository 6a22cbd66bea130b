"""``migrate resolve --applied | --rolled-back``, with Prisma's semantics and error codes."""

from __future__ import annotations

from schemashift.connectors.base import Connector
from schemashift.migrations.errors import MigrationError
from schemashift.migrations.folder import Migration
from schemashift.migrations.history import History
from schemashift.migrations.rollback import ROLLBACK_MARK

_EXAMPLE = '(example: "20201207184859_initial_migration")'


def resolve_applied(conn: Connector, migrations: list[Migration], name: str) -> None:
    """Record ``name`` as applied without running it (baselining, or a hotfix done by hand).

    As Prisma's ``markMigrationApplied``: failed attempts of the migration are marked rolled back
    (kept as an audit trail), then a new finished row is written, so ``status`` is up to date and
    ``deploy`` never resumes or re-runs it."""
    local = {m.name: m for m in migrations}
    if name not in local:
        raise MigrationError(
            f"The migration {name} could not be found. Please make sure that the migration exists, "
            f"and that you included the whole name of the directory. {_EXAMPLE}",
            code="P3017",
        )
    history = History(conn)
    with conn.advisory_lock():
        history.ensure()
        rows = [r for r in history.rows() if r.migration_name == name]
        if any(r.is_applied for r in rows):
            raise MigrationError(
                f"The migration `{name}` is already recorded as applied in the database.", code="P3008"
            )
        with conn.transaction():
            for r in rows:
                if r.is_failed:
                    history.mark_rolled_back(r.id)
            history.record_applied(name, local[name].checksum)


def resolve_rolled_back(conn: Connector, name: str) -> None:
    """Mark the failed attempts of ``name`` as rolled back, so deploy can try it again."""
    history = History(conn)
    with conn.advisory_lock():
        rows = [r for r in history.rows() if r.migration_name == name and not r.is_rolled_back]
        if not rows:
            raise MigrationError(
                f"Migration `{name}` cannot be rolled back because it was never applied to the "
                f"database. Hint: did you pass in the whole migration name? {_EXAMPLE}",
                code="P3011",
            )
        failed = [r for r in rows if r.is_failed]
        # an applied migration whose rollback (a down script run statement by statement) stopped
        # and was finished by hand: recorded as rolled back, as the rollback itself would have
        failed += [r for r in rows if r.is_applied and (r.logs or "").startswith(ROLLBACK_MARK)]
        if not failed:
            raise MigrationError(
                f"Migration `{name}` cannot be rolled back because it is not in a failed state.",
                code="P3012",
            )
        for r in failed:
            history.mark_rolled_back(r.id)
