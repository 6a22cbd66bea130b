"""Where the migrations folder and the history table agree and where they do not (pure).

Mirrors Prisma's ``diagnoseMigrationHistory``: rows that were rolled back are ignored; a row with
no ``finished_at`` is a failed migration; an applied migration whose script no longer has the
recorded checksum was edited; local migrations with no row are pending; rows with no local folder
are unknown. When both pending and unknown migrations exist, the histories diverged after the last
migration they have in common.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemashift.migrations.folder import Migration
from schemashift.migrations.history import HistoryRow


@dataclass(frozen=True, slots=True)
class HistoryStatus:
    local: tuple[str, ...]
    applied: tuple[str, ...]
    pending: tuple[str, ...]
    failed: tuple[HistoryRow, ...]
    edited: tuple[str, ...]
    unknown: tuple[str, ...]  # in the database, not in the folder
    last_common: str | None
    history_table_exists: bool = True
    notes: tuple[str, ...] = field(default=())

    @property
    def up_to_date(self) -> bool:
        return not (self.pending or self.failed or self.edited or self.unknown)

    @property
    def diverged(self) -> bool:
        return bool(self.pending and self.unknown)

    def as_dict(self) -> dict[str, object]:
        return {
            "up_to_date": self.up_to_date,
            "migrations_found": len(self.local),
            "applied": list(self.applied),
            "pending": list(self.pending),
            "failed": [
                {"name": r.migration_name, "started_at": r.started_at.isoformat(), "logs": r.logs}
                for r in self.failed
            ],
            "edited": list(self.edited),
            "unknown": list(self.unknown),
            "last_common": self.last_common,
            "history_table_exists": self.history_table_exists,
        }


def diagnose(local: list[Migration], rows: list[HistoryRow], table_exists: bool = True) -> HistoryStatus:
    live = [r for r in rows if not r.is_rolled_back]
    by_name = {m.name: m for m in local}
    applied_rows = {r.migration_name: r for r in live if r.is_applied}
    present = {r.migration_name for r in live}
    failed = tuple(r for r in live if r.is_failed)
    edited = tuple(
        name for name, r in applied_rows.items() if name in by_name and not by_name[name].matches_checksum(r.checksum)
    )
    unknown = tuple(dict.fromkeys(r.migration_name for r in live if r.migration_name not in by_name))
    pending = tuple(m.name for m in local if m.name not in present)
    last_common = None
    for m in local:
        if m.name in applied_rows:
            last_common = m.name
        else:
            break
    return HistoryStatus(
        local=tuple(m.name for m in local),
        applied=tuple(m.name for m in local if m.name in applied_rows),
        pending=pending,
        failed=failed,
        edited=edited,
        unknown=unknown,
        last_common=last_common,
        history_table_exists=table_exists,
    )


def _plural(n: int, word: str = "migration") -> str:
    return word if n == 1 else word + "s"


def render_status(status: HistoryStatus, migrations_dir: str) -> str:
    """Prisma's ``migrate status`` wording (after the datasource header lines)."""
    n = len(status.local)
    out = [f"{n} {_plural(n)} found in {migrations_dir}" if n else f"No migration found in {migrations_dir}"]
    if status.diverged:
        out += ["Your local migration history and the migrations table from your database are different:", ""]
        out.append(
            f"The last common migration is: {status.last_common}"
            if status.last_common
            else "The database and the local migration history have no migration in common."
        )
        out += ["", f"The {_plural(len(status.pending))} have not yet been applied:", *status.pending]
        out += [
            "",
            f"The {_plural(len(status.unknown))} from the database are not found locally in {migrations_dir}:",
            *status.unknown,
        ]
    elif status.unknown:
        out += [
            f"The following {_plural(len(status.unknown))} from the database "
            f"{'is' if len(status.unknown) == 1 else 'are'} not found locally in {migrations_dir}:",
            *status.unknown,
            "",
            "Your local migration history and the migrations table from your database are different.",
        ]
    if status.failed:
        names = [r.migration_name for r in status.failed]
        out += [f"Following {_plural(len(names))} have failed:", *names, ""]
        out.append(
            "During development if the failed migration(s) have not been deployed to a production "
            "database you can then fix the migration(s) and run schemashift migrate dev."
        )
        out += ["", "The failed migration(s) can be marked as rolled back or applied:", ""]
        out += [
            "- If you rolled back the migration(s) manually:",
            *[f'schemashift migrate resolve --rolled-back "{x}"' for x in names],
            "",
            "- If you fixed the database manually (hotfix):",
            *[f'schemashift migrate resolve --applied "{x}"' for x in names],
        ]
    if status.edited:
        out += [
            f"The following {_plural(len(status.edited))} "
            f"{'was' if len(status.edited) == 1 else 'were'} modified after "
            f"{'it was' if len(status.edited) == 1 else 'they were'} applied:",
            *status.edited,
        ]
    if status.pending and not status.diverged:
        out += [
            f"Following {_plural(len(status.pending))} have not yet been applied:",
            *status.pending,
            "",
            "To apply migrations in development run schemashift migrate dev.",
            "To apply migrations in production run schemashift migrate deploy.",
        ]
    if status.up_to_date:
        out += ["", "Database schema is up to date!"]
    return "\n".join(out) + "\n"
