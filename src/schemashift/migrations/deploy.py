"""``migrate deploy`` as a library call: validate, connect (waiting for the server, creating the
database), back up when asked and something is pending, apply.

Everything goes through one connection to the target database; the backup tool (``pg_dump``,
``mariadb-dump``) opens its own. Nothing here prints: progress goes to ``log``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.migrations.apply import Log, MigrationFailed, apply_migrations
from schemashift.migrations.history import History
from schemashift.migrations.status import diagnose

if TYPE_CHECKING:
    from schemashift.connectors.base import Connector
    from schemashift.migrations.folder import Migration
    from schemashift.migrations.project import MigrateProject

@dataclass
class DeployResult:
    found: int
    applied: list[str] = field(default_factory=list)
    #: seconds each applied migration took, by name
    durations: dict[str, float] = field(default_factory=dict)
    #: The backup taken before applying (``backup_dir`` given and migrations pending).
    backup: Path | None = None
    #: pending migrations held before a contract migration (``contract`` not given), in order
    held: list[str] = field(default_factory=list)


def deploy(
    mp: MigrateProject,
    *,
    backup_dir: Path | str | None = None,
    log: Log = lambda _m: None,
    lock_timeout: float | None = None,
    wait: float | None = None,
    contract: bool = False,
) -> DeployResult:
    """Apply the pending migrations of ``mp`` to its database, as ``prisma migrate deploy``,
    stopping before a contract migration unless ``contract`` (:mod:`schemashift.online.contract`).

    The schema is validated first (P1012: nothing is touched). The database is created when
    missing (``log`` gets Prisma's line). With ``backup_dir``, a backup is written there before
    anything is applied, when the database had something to lose and migrations are pending.
    ``lock_timeout``: seconds to wait for the migration lock; ``wait``: seconds to wait for a
    server that is unreachable or starting up. Raises P3005/P3009/P3018 like Prisma."""
    mp.validate()
    local = mp.migrations()
    with mp.connect(create=True, log=log, wait=wait, lock_timeout=lock_timeout) as conn:
        n = len(local)
        log(f"{n} migration{'s' if n != 1 else ''} found in {mp.migrations_display}\n")
        result = DeployResult(found=n)
        if backup_dir is not None:
            result.backup = _backup_if_pending(mp, conn, local, Path(backup_dir))
            if result.backup is not None:
                log(f"Backup written: {result.backup}\n")
        try:
            applied = apply_migrations(conn, local, log=log, contract=contract)
            result.applied, result.durations, result.held = applied.applied, applied.durations, applied.held
        except MigrationFailed as exc:
            if result.backup is not None:
                exc.message += f"\n\nThe backup taken before this deploy is {result.backup}."
            raise
    return result


def _backup_if_pending(mp: MigrateProject, conn: Connector, local: list[Migration], directory: Path) -> Path | None:
    """A backup labelled ``before_deploy`` when migrations are pending on a database that has a
    history (a new or empty database has nothing to lose); read on the deploy's connection."""
    from schemashift.backup import create_backup

    history = History(conn)
    if not history.exists():
        return None
    rows = history.rows()
    if not diagnose(local, rows).pending:
        return None
    applied = [r.migration_name for r in rows if r.is_applied]
    entry = create_backup(mp.url, directory, label="before_deploy", migration=applied[-1] if applied else None)
    return directory / entry.file
